"""A real S3 HTTP endpoint on loopback for tests (and the upload benchmark): moto's server.

The server runs in a child process (moto's ``ThreadedMotoServer`` bound to 127.0.0.1 on a port
the kernel picks), so tests talk to it over real HTTP exactly as to AWS, and its memory and
CPU are not mixed into the measurements of the process under test. The child exits when its
stdin closes, which also happens if the test process dies, so no server outlives its run.

``s3_server`` (session) yields the endpoint URL with dummy credentials in the environment;
``s3_client`` is a raw boto3 client for assertions behind the store's back; ``s3_store`` is an
``S3MediaStore`` on a fresh, empty bucket, emptied and removed afterwards. Without moto the
tests that need it skip, or fail under HUB_TEST_REQUIRE_ALL=1 (see ``tests.services``).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import selectors
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator

import pytest

from content.media.store import S3MediaStore, build_s3_client
from tests.services import require_service

SERVICE = "S3 endpoint (moto server)"
REGION = "us-east-1"

# Runs in the child. Only the port goes to stdout (the parent reads exactly one line); the
# request log is silenced so it costs nothing in the benchmark.
_CHILD = """
import logging, sys
from moto.server import ThreadedMotoServer
logging.getLogger("werkzeug").setLevel(logging.ERROR)
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
server.stop()
"""

# Dummy credentials, and no config files, so a developer's real AWS profile is never read and
# nothing can reach a real account. Loopback bypasses any HTTP proxy in the environment.
TEST_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}
_REMOVED_ENVIRONMENT = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


class MotoUnavailable(RuntimeError):
    """moto is not installed, or its server did not start."""


def moto_installed() -> bool:
    return importlib.util.find_spec("moto") is not None


@contextlib.contextmanager
def run_moto_server(startup_timeout: float = 60.0) -> Iterator[str]:
    """Start moto's server in a child process on loopback; yield ``http://127.0.0.1:<port>``."""
    if not moto_installed():
        raise MotoUnavailable("moto is not installed (pip install 'moto[server]')")
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-c", _CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
        )
        try:
            port = _read_port(process, startup_timeout)
            if port is None:
                log.seek(0)
                tail = log.read()[-2000:].decode("utf-8", "replace")
                raise MotoUnavailable(f"moto server did not start: {tail.strip()}")
            yield f"http://127.0.0.1:{port}"
        finally:
            _stop(process)


def _read_port(process: subprocess.Popen[bytes], timeout: float) -> int | None:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            return None
    line = process.stdout.readline().strip()
    return int(line) if line.isdigit() else None


def _stop(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        if process.stdin:
            process.stdin.close()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    if process.stdout:
        process.stdout.close()


def make_client(endpoint_url: str):
    """A boto3 S3 client for the endpoint, built exactly as ``S3MediaStore`` builds its own."""
    return build_s3_client(REGION, endpoint_url)


def empty_bucket(client, bucket: str) -> None:
    """Abort unfinished uploads and delete every object, then the bucket."""
    for upload in client.list_multipart_uploads(Bucket=bucket).get("Uploads", ()):
        client.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", ()):
            client.delete_object(Bucket=bucket, Key=item["Key"])
    client.delete_bucket(Bucket=bucket)


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """The endpoint URL of a moto S3 server on loopback, shared by the whole session."""
    require_service(SERVICE, moto_installed(), "moto is not installed")
    with pytest.MonkeyPatch.context() as patch, contextlib.ExitStack() as stack:
        for name, value in TEST_ENVIRONMENT.items():
            patch.setenv(name, value)
        for name in _REMOVED_ENVIRONMENT:
            patch.delenv(name, raising=False)
        for name in ("NO_PROXY", "no_proxy"):
            current = os.environ.get(name, "")
            patch.setenv(name, ",".join(filter(None, [current, "127.0.0.1", "localhost"])))
        try:
            server = stack.enter_context(run_moto_server())
        except MotoUnavailable as exc:
            require_service(SERVICE, False, str(exc))
            raise  # require_service skipped or failed the test; this is never reached
        yield server


@pytest.fixture(scope="session")
def s3_client(s3_server: str):
    """A boto3 client on the moto server, built as the store builds its own. Stores share it
    (building a client costs ~0.1 s) and tests use it for checks the store's API cannot make."""
    return make_client(s3_server)


@pytest.fixture
def s3_bucket(s3_client) -> Iterator[str]:
    """A fresh, empty bucket, emptied and removed after the test."""
    bucket = f"test-{uuid.uuid4().hex}"
    s3_client.create_bucket(Bucket=bucket)
    yield bucket
    empty_bucket(s3_client, bucket)


@pytest.fixture
def s3_store(s3_client, s3_bucket: str) -> S3MediaStore:
    """An ``S3MediaStore`` on a fresh bucket of the moto server."""
    return S3MediaStore(s3_bucket, client=s3_client)

"""The MediaStore contract, run over both backends: local disk and S3 (moto's server).

Every test taking ``store`` runs once per backend; the behaviour they check is the contract.
Backend capabilities that differ by design (URLs, direct browser uploads) are tested after.
"""

from __future__ import annotations

import base64
import hashlib
import inspect
import io
import json
import random
import subprocess
import sys
import time
import tracemalloc
import urllib.error
import urllib.parse
import urllib.request
import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from content.errors import ContentError, InvalidInput, NotFound
from content.media.store import (
    CHUNK_SIZE,
    LocalMediaStore,
    MediaError,
    MediaNotFound,
    MediaStore,
    S3MediaStore,
    StoredObject,
    build_store,
    content_disposition,
    new_key,
    validate_key,
)

MiB = 1024 * 1024


class StreamFailed(Exception):
    """Raised by a test stream to stand for a client that went away mid-upload."""


class GeneratedStream:
    """``size`` pseudo-random bytes made on demand (never held whole), optionally failing.

    Records how much was read and the SHA-256 of what it produced.
    """

    def __init__(
        self,
        size: int,
        *,
        seed: int = 7,
        fail_after: int | None = None,
        error=None,
        on_read=None,
    ):
        self.on_read = on_read
        self.remaining = size
        self.sent = 0
        self.fail_after = fail_after
        self.error = error or StreamFailed("client went away")
        self._random = random.Random(seed)
        self._hash = hashlib.sha256()

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def read(self, n: int = -1) -> bytes:
        if self.fail_after is not None and self.sent >= self.fail_after:
            raise self.error
        if self.on_read is not None:
            self.on_read(self.sent)
        n = self.remaining if n is None or n < 0 else min(n, self.remaining)
        data = self._random.randbytes(n)
        self.remaining -= n
        self.sent += n
        self._hash.update(data)
        return data


def stream_sha256(handle) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with handle:
        for chunk in handle:
            size += len(chunk)
            digest.update(chunk)
    return size, digest.hexdigest()


def http(method: str, url: str, data: bytes | None = None, headers=None):
    """An HTTP request with the stdlib; returns (status, headers, body) even for errors."""
    # urllib would label a body application/x-www-form-urlencoded, which S3 servers parse.
    headers = {"Content-Type": "application/octet-stream", **(headers or {})}
    # The URLs come from the store under test and point at the loopback moto server.
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
def store(request, tmp_path) -> MediaStore:
    if request.param == "local":
        return LocalMediaStore(tmp_path / "media")
    return request.getfixturevalue("s3_store")


@pytest.fixture
def leftovers(request, store):
    """A callable listing whatever the store holds: files (temporary ones included) or S3
    objects and unfinished multipart uploads."""

    def find() -> list:
        if isinstance(store, LocalMediaStore):
            if not store.root.exists():
                return []
            return sorted(str(p) for p in store.root.rglob("*") if not p.is_dir())
        client = request.getfixturevalue("s3_client")
        uploads = client.list_multipart_uploads(Bucket=store.bucket).get("Uploads", [])
        objects = client.list_objects_v2(Bucket=store.bucket).get("Contents", [])
        return [u["Key"] for u in uploads] + [o["Key"] for o in objects]

    return find


# --- the contract ---------------------------------------------------------------------------------


def test_put_then_read_back(store):
    key = new_key("docs", extension="pdf")
    data = b"%PDF-1.7\n" + bytes(range(256)) * 40

    stored = store.put(key, io.BytesIO(data), "application/pdf")

    assert stored == StoredObject(key, len(data), hashlib.sha256(data).hexdigest())
    assert store.exists(key)
    assert store.size(key) == len(data)
    assert store.read_head(key, 8) == b"%PDF-1.7"
    assert store.read_head(key, 10 * len(data)) == data
    assert store.read_head(key, 0) == b""
    with store.open(key) as handle:
        assert handle.read() == data
    with store.open(key) as handle:
        chunks = list(handle)
    assert b"".join(chunks) == data
    assert all(0 < len(chunk) <= CHUNK_SIZE for chunk in chunks)
    assert list(store.iter_keys()) == [key]


def test_delete_is_idempotent(store, leftovers):
    key = new_key("images")
    store.put(key, io.BytesIO(b"x"), "image/png")

    store.delete(key)
    store.delete(key)

    assert not store.exists(key)
    assert leftovers() == []


def test_put_accepts_an_iterable_of_chunks(store):
    key = new_key("audio")

    def chunks():
        yield b"ID3"
        yield b""
        yield bytearray(b"\x04\x00")
        yield memoryview(b"rest")

    stored = store.put(key, chunks(), "audio/mpeg")

    assert stored.size == 9
    assert store.read_head(key, 100) == b"ID3\x04\x00rest"


def test_put_replaces_an_existing_object(store):
    key = new_key("images")
    store.put(key, io.BytesIO(b"first version"), "image/png")

    store.put(key, io.BytesIO(b"second"), "image/png")

    assert store.read_head(key, 100) == b"second"
    assert list(store.iter_keys()) == [key]


def test_empty_object(store):
    key = new_key("docs")

    stored = store.put(key, io.BytesIO(b""), "application/pdf")

    assert stored.size == 0
    assert stored.sha256 == hashlib.sha256(b"").hexdigest()
    assert store.size(key) == 0
    assert store.read_head(key, 16) == b""
    with store.open(key) as handle:
        assert handle.read() == b""


def test_missing_objects(store):
    key = new_key("images")

    assert not store.exists(key)
    for call in (store.open, store.size, lambda k: store.read_head(k, 10)):
        with pytest.raises(MediaNotFound) as caught:
            call(key)
        assert isinstance(caught.value, MediaError)
        assert isinstance(caught.value, NotFound)  # so the web layer answers 404
        assert isinstance(caught.value, ContentError)
    store.delete(key)


def test_iter_keys_by_prefix(store):
    keys = ["images/aa/one.webp", "images/ab/two.webp", "audio/cc/three.mp3", "top"]
    for key in keys:
        store.put(key, io.BytesIO(key.encode()), "application/octet-stream")

    assert sorted(store.iter_keys()) == sorted(keys)
    assert sorted(store.iter_keys("images/")) == keys[:2]
    assert sorted(store.iter_keys("images/a")) == keys[:2]
    assert list(store.iter_keys("images/ab/")) == ["images/ab/two.webp"]
    assert list(store.iter_keys("images/aa/one")) == ["images/aa/one.webp"]
    assert list(store.iter_keys("video/")) == []
    assert list(store.iter_keys("t")) == ["top"]


@pytest.mark.parametrize("bad", ["../up", "/x", "a/../../b", "a//b", "a\\b", ".hidden", "a/./b"])
def test_iter_keys_refuses_unsafe_prefixes(store, bad):
    with pytest.raises(InvalidInput):
        list(store.iter_keys(bad))


def test_large_upload_streams_in_bounded_memory(store):
    size = 64 * MiB
    stream = GeneratedStream(size)
    key = new_key("video", extension="mp4")

    tracemalloc.start()
    try:
        stored = store.put(key, stream, "video/mp4")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert stored.size == size
    assert stored.sha256 == stream.sha256
    # S3 holds two 8 MiB parts (one filling, one uploading), the local store one read chunk.
    assert peak < 24 * MiB, f"peak {peak / MiB:.1f} MiB for a {size / MiB:.0f} MiB upload"
    assert store.size(key) == size
    assert stream_sha256(store.open(key)) == (size, stream.sha256)


@pytest.mark.parametrize(("limit", "size"), [(1000, 5000), (10 * MiB, 20 * MiB)])
def test_size_limit_is_enforced_while_streaming(store, leftovers, limit, size):
    stream = GeneratedStream(size)
    key = new_key("video")

    with pytest.raises(InvalidInput) as caught:
        store.put(key, stream, "video/mp4", size_limit=limit)

    assert (caught.value.field, caught.value.reason) == ("file", "too_large")
    # Refused as soon as the limit was crossed, not after reading everything.
    assert stream.sent <= limit + CHUNK_SIZE
    assert not store.exists(key)
    assert leftovers() == []


def test_size_limit_allows_exactly_the_limit(store):
    key = new_key("images")
    stored = store.put(key, io.BytesIO(b"x" * 1000), "image/png", size_limit=1000)
    assert stored.size == 1000


@pytest.mark.parametrize("fail_after", [100, 12 * MiB], ids=["first-chunk", "mid-multipart"])
@pytest.mark.parametrize(
    "error",
    [StreamFailed("client went away"), ConnectionResetError("reset"), KeyboardInterrupt()],
    ids=["error", "oserror", "interrupt"],
)
def test_failing_stream_leaves_nothing(store, leftovers, fail_after, error):
    stream = GeneratedStream(20 * MiB, fail_after=fail_after, error=error)
    key = new_key("video")

    # The source's own exception comes out unchanged (even an OSError: it is not the store's).
    with pytest.raises(type(error)) as caught:
        store.put(key, stream, "video/mp4")

    assert caught.value is error
    assert not store.exists(key)
    assert leftovers() == []


def sabotage(store, request):
    """A callable that breaks the backend under a running put: S3 loses the multipart upload,
    the local store its temporary file."""
    if isinstance(store, LocalMediaStore):

        def break_local():
            for temp in store.root.rglob(".tmp-*"):
                temp.unlink()

        return break_local
    client = request.getfixturevalue("s3_client")

    def break_s3():
        for upload in client.list_multipart_uploads(Bucket=store.bucket).get("Uploads", []):
            client.abort_multipart_upload(
                Bucket=store.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
            )

    return break_s3


def test_backend_failure_mid_upload_is_a_media_error(store, leftovers, request):
    broken = sabotage(store, request)
    fired = []

    def on_read(sent):
        if sent >= 10 * MiB and not fired:
            fired.append(sent)
            broken()

    key = new_key("video")
    with pytest.raises(MediaError) as caught:
        store.put(key, GeneratedStream(40 * MiB, on_read=on_read), "video/mp4")

    assert fired
    assert isinstance(caught.value.__cause__, (OSError, ClientError))
    assert not store.exists(key)
    assert leftovers() == []


@pytest.mark.s3
@pytest.mark.parametrize("parts_in_flight", [0, 1, 3])
def test_s3_put_with_any_number_of_parts_in_flight(
    s3_server, s3_bucket, s3_client, parts_in_flight
):
    store = S3MediaStore(
        s3_bucket, region="us-east-1", endpoint_url=s3_server, parts_in_flight=parts_in_flight
    )
    stream = GeneratedStream(30 * MiB)
    stored = store.put(new_key("video"), stream, "video/mp4")
    assert stream_sha256(store.open(stored.key)) == (30 * MiB, stream.sha256)

    with pytest.raises(StreamFailed):
        store.put(new_key("video"), GeneratedStream(30 * MiB, fail_after=25 * MiB), "video/mp4")
    assert s3_client.list_multipart_uploads(Bucket=s3_bucket).get("Uploads", []) == []
    assert list(store.iter_keys()) == [stored.key]


def test_failed_put_keeps_the_previous_object(store, leftovers):
    key = new_key("video")
    store.put(key, io.BytesIO(b"old"), "video/mp4")

    with pytest.raises(StreamFailed):
        store.put(key, GeneratedStream(12 * MiB, fail_after=9 * MiB), "video/mp4")

    assert store.read_head(key, 10) == b"old"
    assert len(leftovers()) == 1


UNSAFE_KEYS = [
    "",
    "../etc/passwd",
    "/etc/passwd",
    "images/../../etc/passwd",
    "images/..",
    "images/./x",
    "images//x",
    "images/",
    "images\\x",
    "..\\..\\x",
    ".htaccess",
    "images/.tmp-1234",
    "images/x y",
    "images/کہانی",
    "images/x\x00",
    "images/x\n",
    "C:/x",
    "x" * 600,
]


@pytest.mark.parametrize("key", UNSAFE_KEYS)
def test_unsafe_keys_are_refused_everywhere(store, leftovers, key):
    calls = [
        lambda: store.put(key, io.BytesIO(b"x"), "image/png"),
        lambda: store.open(key),
        lambda: store.read_head(key, 1),
        lambda: store.delete(key),
        lambda: store.exists(key),
        lambda: store.size(key),
        lambda: store.url(key),
        lambda: store.presigned_post(key, "image/png", 10),
        lambda: store.create_multipart(key, "image/png"),
    ]
    for call in calls:
        with pytest.raises(InvalidInput) as caught:
            call()
        assert caught.value.field == "key"
    assert leftovers() == []


def test_bad_content_type_is_refused(store):
    with pytest.raises(InvalidInput):
        store.put(new_key("x"), io.BytesIO(b"x"), "text/html\r\nX-Injected: 1")


def test_url_returns_a_string_or_none(store):
    key = new_key("images")
    store.put(key, io.BytesIO(b"x"), "image/png")
    url = store.url(key, expires=60, download_name="a.png")
    assert url is None or url.startswith("http")
    with pytest.raises(ValueError):
        store.url(key, expires=0)


# --- things about the contract itself -------------------------------------------------------------


@pytest.mark.parametrize("backend", [LocalMediaStore, S3MediaStore])
def test_backends_keep_the_contracts_signatures(backend):
    for name in MediaStore.__abstractmethods__:
        base = inspect.signature(getattr(MediaStore, name))
        actual = inspect.signature(getattr(backend, name))
        assert [(p.name, p.kind, p.default) for p in actual.parameters.values()] == [
            (p.name, p.kind, p.default) for p in base.parameters.values()
        ], f"{backend.__name__}.{name} drifted from MediaStore.{name}"


def test_new_key_is_random_and_valid():
    keys = {new_key("images/covers", extension=".WEBP") for _ in range(200)}
    assert len(keys) == 200
    for key in keys:
        assert validate_key(key) == key
        prefix, shard, name = key.rsplit("/", 2)
        assert prefix == "images/covers"
        assert name.startswith(shard)
        assert name.endswith(".webp")
    assert new_key("").count("/") == 1


@pytest.mark.parametrize("prefix", ["../x", "a/../b", "a b", "کہانی"])
def test_new_key_refuses_bad_prefixes(prefix):
    with pytest.raises(InvalidInput):
        new_key(prefix)


def test_new_key_refuses_bad_extensions():
    with pytest.raises(InvalidInput):
        new_key("images", extension="php/../x")


def test_media_modules_do_not_import_the_web_or_db_layers():
    code = (
        "import sys, content.media.store, content.media.sniff, content.media.images;"
        "bad = {'flask', 'sqlalchemy', 'werkzeug'} & set(sys.modules);"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("report.pdf", "report.pdf"),
        ("میری کہانی.pdf", "file.pdf"),
        ("café menu.pdf", "cafe menu.pdf"),
        ('a"b\\c;d\r\nX-Evil: 1.pdf', "a_b_c_d_X-Evil_ 1.pdf"),
        ("noextension", "noextension"),
    ],
)
def test_content_disposition(name, fallback):
    header = content_disposition(name)
    assert header.startswith(f"attachment; filename=\"{fallback}\"; filename*=UTF-8''")
    assert "\r" not in header
    assert "\n" not in header
    assert urllib.parse.unquote(header.split("UTF-8''", 1)[1]) == name


# --- the local backend ----------------------------------------------------------------------------


def test_local_store_cannot_be_led_out_by_a_symlink(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_bytes(b"secret")
    store = LocalMediaStore(tmp_path / "media")
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "images").symlink_to(outside)

    with pytest.raises(InvalidInput):
        store.open("images/secret")
    with pytest.raises(InvalidInput):
        store.put("images/new", io.BytesIO(b"x"), "image/png")
    assert list(store.iter_keys()) == []
    assert sorted(p.name for p in outside.iterdir()) == ["secret"]


def test_local_store_does_not_list_temporary_files(tmp_path):
    store = LocalMediaStore(tmp_path)
    store.put("images/aa/x", io.BytesIO(b"x"), "image/png")
    (tmp_path / "images" / "aa" / ".tmp-deadbeef").write_bytes(b"half")
    assert list(store.iter_keys()) == ["images/aa/x"]


def test_local_store_has_no_direct_uploads(tmp_path):
    store = LocalMediaStore(tmp_path)
    key = new_key("video")
    assert not store.supports_direct_upload
    assert store.url(key, public=True) is None
    assert store.presigned_post(key, "video/mp4", 100) is None
    assert store.create_multipart(key, "video/mp4") is None
    for call in (
        lambda: store.presign_part(key, "id", 1),
        lambda: store.complete_multipart(key, "id", [(1, "etag")]),
        lambda: store.abort_multipart(key, "id"),
    ):
        with pytest.raises(MediaError, match="multipart"):
            call()


def test_local_backend_failures_are_media_errors(tmp_path):
    root = tmp_path / "not-a-directory"
    root.write_bytes(b"")
    store = LocalMediaStore(root)

    with pytest.raises(MediaError) as caught:
        store.put(new_key("images"), io.BytesIO(b"x"), "image/png")

    assert isinstance(caught.value.__cause__, OSError)
    assert not isinstance(caught.value, MediaNotFound)


# --- the S3 backend -------------------------------------------------------------------------------


@pytest.mark.s3
def test_presigned_get_url_serves_the_bytes(s3_store):
    key = new_key("docs", extension="pdf")
    data = b"%PDF-1.4 presigned"
    s3_store.put(key, io.BytesIO(data), "application/pdf")

    status, headers, body = http("GET", s3_store.url(key, expires=60))
    assert (status, body) == (200, data)
    assert headers["Content-Type"] == "application/pdf"

    status, headers, body = http("GET", s3_store.url(key, download_name="میری کہانی.pdf"))
    assert (status, body) == (200, data)
    disposition = headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="file.pdf"')
    assert "filename*=UTF-8''%D9%85%DB%8C%D8%B1%DB%8C%20" in disposition


@pytest.mark.s3
def test_presigned_post_uploads_from_a_browser_form(s3_store, s3_client):
    key = new_key("images", extension="png")
    post = s3_store.presigned_post(key, "image/png", max_size=1000, expires=60)

    policy = json.loads(base64.b64decode(post["fields"]["policy"]))
    assert ["content-length-range", 1, 1000] in policy["conditions"]
    assert {"Content-Type": "image/png"} in policy["conditions"]

    boundary = uuid.uuid4().hex
    body = b""
    for name, value in post["fields"].items():
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    body += (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + b"\x89PNG posted\r\n"
        + f"--{boundary}--\r\n".encode()
    )
    status, _, response = http(
        "POST",
        post["url"],
        body,
        {"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )

    assert status in (200, 201, 204), response
    assert s3_store.read_head(key, 100) == b"\x89PNG posted"
    assert s3_client.head_object(Bucket=s3_store.bucket, Key=key)["ContentType"] == "image/png"


@pytest.mark.s3
def test_browser_multipart_upload(s3_store, s3_client):
    key = new_key("video", extension="mp4")
    parts_data = [random.Random(1).randbytes(5 * MiB), b"the last part may be small"]

    upload_id = s3_store.create_multipart(key, "video/mp4")
    etags = []
    for number, data in enumerate(parts_data, start=1):
        url = s3_store.presign_part(key, upload_id, number, expires=60, size=len(data))
        assert "content-length" in url.lower()
        status, headers, _ = http("PUT", url, data)
        assert status == 200
        etags.append((number, headers["ETag"]))
    stored = s3_store.complete_multipart(key, upload_id, reversed(etags))

    whole = b"".join(parts_data)
    assert stored == StoredObject(key, len(whole), None)
    assert stream_sha256(s3_store.open(key)) == (len(whole), hashlib.sha256(whole).hexdigest())
    assert s3_client.list_multipart_uploads(Bucket=s3_store.bucket).get("Uploads", []) == []


@pytest.mark.s3
def test_complete_multipart_enforces_the_size_limit(s3_store):
    key = new_key("video")
    upload_id = s3_store.create_multipart(key, "video/mp4")
    status, headers, _ = http("PUT", s3_store.presign_part(key, upload_id, 1), b"x" * 2000)
    assert status == 200

    with pytest.raises(InvalidInput) as caught:
        s3_store.complete_multipart(key, upload_id, [(1, headers["ETag"])], size_limit=1000)

    assert caught.value.reason == "too_large"
    assert not s3_store.exists(key)


@pytest.mark.s3
def test_abort_multipart_is_idempotent(s3_store, s3_client):
    key = new_key("video")
    upload_id = s3_store.create_multipart(key, "video/mp4")

    s3_store.abort_multipart(key, upload_id)
    s3_store.abort_multipart(key, upload_id)

    assert s3_client.list_multipart_uploads(Bucket=s3_store.bucket).get("Uploads", []) == []
    with pytest.raises(InvalidInput):
        s3_store.complete_multipart(key, upload_id, [])


@pytest.mark.s3
def test_prefix_and_public_url(s3_server, s3_bucket, s3_client):
    store = S3MediaStore(
        s3_bucket,
        region="us-east-1",
        endpoint_url=s3_server,
        prefix="/hub/",
        public_base_url="https://cdn.example.org/media/",
    )
    key = new_key("images", extension="webp")
    store.put(key, io.BytesIO(b"RIFF"), "image/webp")

    stored_keys = [o["Key"] for o in s3_client.list_objects_v2(Bucket=s3_bucket)["Contents"]]
    assert stored_keys == [f"hub/{key}"]
    assert list(store.iter_keys()) == [key]
    assert store.url(key, public=True) == f"https://cdn.example.org/media/hub/{key}"
    private = store.url(key)
    assert private.startswith(f"{s3_server}/{s3_bucket}/hub/{key}?")
    assert "X-Amz-Signature=" in private
    assert http("GET", private)[2] == b"RIFF"


@pytest.mark.s3
def test_public_url_without_a_public_base_is_presigned(s3_store):
    key = new_key("images")
    assert "X-Amz-Signature=" in s3_store.url(key, public=True)


@pytest.mark.s3
def test_s3_failures_are_media_errors(s3_server):
    missing_bucket = S3MediaStore("no-such-bucket-here", region="us-east-1", endpoint_url=s3_server)
    with pytest.raises(MediaError) as caught:
        missing_bucket.put(new_key("images"), io.BytesIO(b"x"), "image/png")
    assert isinstance(caught.value.__cause__, ClientError)
    with pytest.raises(MediaError):
        list(missing_bucket.iter_keys())

    # Nothing listens on port 9 of loopback (discard): a connection failure, no retries.
    client = boto3.client(
        "s3",
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:9",
        config=Config(retries={"max_attempts": 1}, connect_timeout=2),
    )
    unreachable = S3MediaStore("bucket", client=client)
    started = time.monotonic()
    for call in (
        lambda: unreachable.put(new_key("x"), io.BytesIO(b"x"), "image/png"),
        lambda: unreachable.open("x/y"),
        lambda: unreachable.exists("x/y"),
    ):
        with pytest.raises(MediaError) as caught:
            call()
        assert not isinstance(caught.value, MediaNotFound)
    assert time.monotonic() - started < 20


def test_s3_part_size_has_s3s_minimum():
    with pytest.raises(ValueError):
        S3MediaStore("bucket", part_size=1024, client=object())


# --- choosing a backend ---------------------------------------------------------------------------


def test_build_store_local(tmp_path):
    store = build_store({"MEDIA_BACKEND": "local", "MEDIA_ROOT": str(tmp_path)})
    assert isinstance(store, LocalMediaStore)
    assert store.root == tmp_path.resolve()
    assert isinstance(build_store({"MEDIA_ROOT": str(tmp_path)}), LocalMediaStore)


def test_build_store_s3():
    store = build_store(
        {
            "MEDIA_BACKEND": "S3",
            "MEDIA_S3_BUCKET": "hub-media",
            "MEDIA_S3_REGION": "eu-central-1",
            "MEDIA_S3_ENDPOINT_URL": "http://127.0.0.1:9",
            "MEDIA_S3_PREFIX": "prod",
            "MEDIA_PUBLIC_BASE_URL": "https://cdn.example.org",
        }
    )
    assert isinstance(store, S3MediaStore)
    assert (store.bucket, store.prefix, store.public_base_url) == (
        "hub-media",
        "prod/",
        "https://cdn.example.org",
    )
    assert store.client.meta.region_name == "eu-central-1"


@pytest.mark.parametrize(
    "settings",
    [{"MEDIA_BACKEND": "ftp"}, {"MEDIA_BACKEND": "local"}, {"MEDIA_BACKEND": "s3"}],
)
def test_build_store_refuses_bad_settings(settings):
    with pytest.raises(ValueError):
        build_store(settings)

"""Media storage: one contract, two backends, and the keys objects are stored under.

This module owns where media bytes live. ``MediaStore`` is the contract; ``LocalMediaStore``
(a directory on disk) and ``S3MediaStore`` (any S3-compatible service, through boto3) implement
it with the same signatures and the same behaviour, and one contract test runs over both.
Stores take and return bytes, streams, keys and URLs only: deciding who may see an object and
turning it into an HTTP response belong to the web layer, and deciding what a file is belongs
to ``content.media.sniff``.

Rules every backend keeps:

* Keys come from ``new_key`` (random, never a user's filename) and are validated on every call:
  ``/``-separated segments of ``[A-Za-z0-9._-]`` starting with a letter or digit, so ``..``,
  absolute paths, backslashes and hidden names cannot be expressed at all.
* ``put`` streams: it reads the source in chunks, hashes and counts as it goes, enforces the size
  limit while reading, and leaves nothing behind when anything fails (local: a temporary file is
  removed; S3: the multipart upload is aborted).
* Every failure of the backend (``OSError``, boto's ``ClientError``/``BotoCoreError``) comes out
  as ``MediaError``; a missing object as ``MediaNotFound``; a bad key or an oversized upload as
  ``InvalidInput``. Exceptions raised by the *source* stream given to ``put`` (a client that
  disconnected, say) are the caller's and propagate unchanged.
* Capabilities the backend lacks return ``None`` (``url``, ``presigned_post``,
  ``create_multipart`` on the local store): the web layer then streams through the hub instead.
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import hashlib
import io
import os
import re
import secrets
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from content.errors import ContentError, InvalidInput, NotFound

__all__ = [
    "CHUNK_SIZE",
    "LocalMediaStore",
    "MediaError",
    "MediaNotFound",
    "MediaStore",
    "S3MediaStore",
    "StoredObject",
    "build_s3_client",
    "build_store",
    "content_disposition",
    "new_key",
    "validate_key",
]

MiB = 1024 * 1024
CHUNK_SIZE = 1 * MiB
# S3 refuses parts under 5 MiB (except the last) and allows at most 10,000 parts, so 8 MiB
# parts cover objects up to ~80 GB while keeping a part in memory cheap.
DEFAULT_PART_SIZE = 8 * MiB
MIN_PART_SIZE = 5 * MiB
MAX_PARTS = 10_000
# SigV4 presigned URLs cannot live longer than seven days.
MAX_EXPIRES = 7 * 24 * 3600

_SEGMENT = r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}"
_KEY_RE = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT})*")
_PREFIX_RE = re.compile(rf"(?:{_SEGMENT}/)*[A-Za-z0-9._-]*")
_MAX_KEY_LENGTH = 512
_EXTENSION_RE = re.compile(r"[a-z0-9]{1,10}")
_CONTENT_TYPE_RE = re.compile(r"[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*(?:; ?[a-z0-9=.-]+)*")
_TEMP_PREFIX = ".tmp-"


class MediaError(ContentError):
    """The storage backend failed (disk, network, service). The original is ``__cause__``."""

    code = "media_error"


class MediaNotFound(MediaError, NotFound):
    """No object under that key. Also a ``NotFound``, so the web layer answers 404 for it."""

    code = "not_found"


@dataclass(frozen=True, slots=True)
class StoredObject:
    """What ``put`` wrote. ``sha256`` is None only when the bytes never passed through the hub
    (a browser-to-S3 multipart upload), where computing it would mean downloading the object."""

    key: str
    size: int
    sha256: str | None


# --- keys -------------------------------------------------------------------------------------


def validate_key(key: str) -> str:
    """Return ``key`` if it is a well-formed storage key, else raise InvalidInput("key", ...)."""
    if not isinstance(key, str) or len(key) > _MAX_KEY_LENGTH or not _KEY_RE.fullmatch(key):
        raise InvalidInput("key", "invalid_key", f"invalid media key: {key!r}")
    return key


def _validate_prefix(prefix: str) -> str:
    """A listing prefix: a key, a key's leading part, or a folder ending in ``/``."""
    if (
        not isinstance(prefix, str)
        or len(prefix) > _MAX_KEY_LENGTH
        or not _PREFIX_RE.fullmatch(prefix)
        or (prefix and not re.fullmatch(r"[A-Za-z0-9]", prefix[0]))
    ):
        raise InvalidInput("key", "invalid_key", f"invalid media key prefix: {prefix!r}")
    return prefix


def new_key(prefix: str, *, extension: str = "") -> str:
    """A fresh random key under ``prefix``, e.g. ``images/3f/3f9c...e1.webp``.

    Keys never contain anything the user chose: a filename would leak into URLs and logs, and
    would have to be made safe for every filesystem and S3 implementation. The two-character
    shard keeps local directories small.
    """
    prefix = prefix.strip("/")
    if prefix:
        validate_key(prefix)
    if extension:
        extension = extension.lstrip(".").lower()
        if not _EXTENSION_RE.fullmatch(extension):
            raise InvalidInput("key", "invalid_key", f"invalid extension: {extension!r}")
    token = secrets.token_hex(16)
    name = f"{token}.{extension}" if extension else token
    return validate_key(f"{prefix}/{token[:2]}/{name}" if prefix else f"{token[:2]}/{name}")


# --- helpers shared by both backends ------------------------------------------------------------


class _MeteredSource:
    """Reads the caller's stream in chunks, counting, hashing and enforcing the size limit.

    Accepts a binary file-like (anything with ``read``) or an iterable of bytes chunks. It is
    the only place source bytes are read, so an exception raised here is always the source's
    (or the size limit), never the backend's.
    """

    def __init__(self, source: IO[bytes] | Iterable[bytes], size_limit: int | None):
        if size_limit is not None and size_limit < 0:
            raise ValueError("size_limit must be >= 0")
        self._source = source
        self._limit = size_limit
        self.size = 0
        self._hash = hashlib.sha256()

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def _raw_chunks(self) -> Iterator[bytes]:
        read = getattr(self._source, "read", None)
        if read is not None:
            while chunk := read(CHUNK_SIZE):
                yield chunk
        else:
            yield from self._source  # type: ignore[misc]

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._raw_chunks():
            if not isinstance(chunk, bytes | bytearray | memoryview):
                raise TypeError(f"media source yielded {type(chunk).__name__}, not bytes")
            if not chunk:
                continue
            self.size += len(chunk)
            if self._limit is not None and self.size > self._limit:
                raise InvalidInput(
                    "file", "too_large", f"upload exceeds {self._limit} bytes", limit=self._limit
                )
            self._hash.update(chunk)
            yield chunk


class _GuardedReader(io.RawIOBase):
    """A read-only binary stream over a backend's stream that turns its failures into MediaError.

    Iterating it yields chunks of up to ``CHUNK_SIZE`` bytes, not lines (media is binary, and
    WSGI servers iterate response bodies).
    """

    def __init__(self, raw: Any, key: str, errors: Any):
        super().__init__()
        self._raw = raw
        self._key = key
        self._errors = errors

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        with self._errors(self._key):
            data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        return n

    def readall(self) -> bytes:
        with self._errors(self._key):
            return self._raw.read()

    def seekable(self) -> bool:
        with self._errors(self._key):
            return bool(getattr(self._raw, "seekable", lambda: False)())

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if not self.seekable():
            raise io.UnsupportedOperation("seek")
        with self._errors(self._key):
            return self._raw.seek(offset, whence)

    def tell(self) -> int:
        if not self.seekable():
            raise io.UnsupportedOperation("tell")
        with self._errors(self._key):
            return self._raw.tell()

    def __next__(self) -> bytes:
        chunk = self.read(CHUNK_SIZE)
        if not chunk:
            raise StopIteration
        return chunk

    def __iter__(self) -> _GuardedReader:
        return self

    def close(self) -> None:
        if self.closed:
            return
        try:
            with self._errors(self._key):
                self._raw.close()
        finally:
            super().close()


def _check_expires(expires: int) -> int:
    if not isinstance(expires, int) or not 1 <= expires <= MAX_EXPIRES:
        raise ValueError(f"expires must be 1..{MAX_EXPIRES} seconds, not {expires!r}")
    return expires


def _check_content_type(content_type: str) -> str:
    # It ends up in a signed policy and an HTTP header: refuse anything that is not a plain
    # media type (no CR/LF, no quotes).
    if not isinstance(content_type, str) or not _CONTENT_TYPE_RE.fullmatch(content_type):
        raise InvalidInput("content_type", "invalid", f"invalid content type: {content_type!r}")
    return content_type


def content_disposition(download_name: str) -> str:
    """``attachment`` with an ASCII fallback and the exact UTF-8 name (RFC 6266 / 8187)."""

    def to_ascii(text: str) -> str:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
        return re.sub(r"[^A-Za-z0-9._ -]+", "_", text).strip(" ._")

    stem, dot, extension = download_name.rpartition(".")
    if not dot:
        stem, extension = download_name, ""
    # An Urdu name has no ASCII letters at all: fall back to "file.jpg", never to "jpg".
    ascii_stem, ascii_extension = to_ascii(stem) or "file", to_ascii(extension)
    ascii_name = f"{ascii_stem}.{ascii_extension}" if ascii_extension else ascii_stem
    encoded = quote(download_name, safe="")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}"


# --- the contract -----------------------------------------------------------------------------


class MediaStore(ABC):
    """Where media bytes live. Both backends implement exactly these signatures.

    Methods that a backend cannot provide return ``None`` rather than raising, so callers test
    for the capability once: ``url`` (None: stream it through the hub), ``presigned_post`` and
    ``create_multipart`` (None: upload through the hub). The remaining multipart calls cannot be
    reached without an upload id and raise ``MediaError`` on a backend without multipart.
    """

    #: True when browsers can upload straight to the backend (presigned POST / multipart).
    supports_direct_upload: bool = False

    @abstractmethod
    def put(
        self,
        key: str,
        stream: IO[bytes] | Iterable[bytes],
        content_type: str,
        size_limit: int | None = None,
    ) -> StoredObject:
        """Store ``stream`` under ``key`` (replacing any object there) and return its size and
        SHA-256. Reads in chunks; over ``size_limit`` bytes raises InvalidInput("file",
        "too_large"). On any failure nothing is left under ``key`` (or the old object stays)."""

    @abstractmethod
    def open(self, key: str) -> io.RawIOBase:
        """A binary stream of the object; close it (or use ``with``). Iterating yields chunks."""

    @abstractmethod
    def read_head(self, key: str, n: int) -> bytes:
        """The first ``n`` bytes (fewer if the object is shorter), for sniffing."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object; a missing object is not an error."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def size(self, key: str) -> int: ...

    @abstractmethod
    def iter_keys(self, prefix: str = "") -> Iterator[str]:
        """Every key starting with ``prefix``, in no particular order."""

    @abstractmethod
    def url(
        self,
        key: str,
        *,
        expires: int = 300,
        download_name: str | None = None,
        public: bool = False,
    ) -> str | None:
        """A URL a browser can GET the object from, or None when the hub must stream it.

        ``public=True`` (only for published media) gives the permanent public URL when the
        backend has one; otherwise a URL valid for ``expires`` seconds. ``download_name`` makes
        a time-limited URL download as that filename (a permanent public URL cannot carry it).
        """

    @abstractmethod
    def presigned_post(
        self, key: str, content_type: str, max_size: int, expires: int = 300
    ) -> dict[str, Any] | None:
        """``{"url": ..., "fields": {...}}`` for a browser form upload of at most ``max_size``
        bytes of ``content_type`` to ``key``, or None when unsupported."""

    @abstractmethod
    def create_multipart(self, key: str, content_type: str) -> str | None:
        """Start a browser-driven multipart upload; its upload id, or None when unsupported."""

    @abstractmethod
    def presign_part(
        self,
        key: str,
        upload_id: str,
        part_number: int,
        *,
        expires: int = 3600,
        size: int | None = None,
    ) -> str:
        """A URL to HTTP PUT part ``part_number`` (1..10000) to; the response's ETag header is
        what ``complete_multipart`` needs. With ``size`` the URL only accepts that many bytes."""

    @abstractmethod
    def complete_multipart(
        self,
        key: str,
        upload_id: str,
        parts: Iterable[tuple[int, str]],
        size_limit: int | None = None,
    ) -> StoredObject:
        """Assemble the uploaded ``(part_number, etag)`` parts into the object. Over
        ``size_limit`` the object is deleted and InvalidInput("file", "too_large") raised."""

    @abstractmethod
    def abort_multipart(self, key: str, upload_id: str) -> None:
        """Discard an unfinished upload and its parts; an unknown upload is not an error."""


# --- local disk ------------------------------------------------------------------------------


@contextlib.contextmanager
def _local_errors(key: str) -> Iterator[None]:
    try:
        yield
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
        raise MediaNotFound(f"no media object {key!r}", key=key) from exc
    except OSError as exc:
        raise MediaError(f"local media store failed on {key!r}: {exc}", key=key) from exc


@contextlib.contextmanager
def _local_write_errors(key: str) -> Iterator[None]:
    # While writing, a missing directory is a storage failure, not a missing object.
    try:
        yield
    except OSError as exc:
        raise MediaError(f"local media store failed writing {key!r}: {exc}", key=key) from exc


class LocalMediaStore(MediaStore):
    """Objects as files under ``root``, one file per key (``a/b/c`` is ``root/a/b/c``).

    Writes go to a temporary file in the destination directory, are fsynced, then renamed over
    the destination with ``os.replace``: readers see the old object or the new one, never half a
    file, and a crash leaves at most a ``.tmp-*`` file, which is not a valid key and so is never
    listed. Paths are resolved and checked to stay inside ``root`` (a symlink planted under the
    root cannot lead out). A key cannot also be a "folder" of other keys here (``a/b`` and
    ``a/b/c``); ``new_key`` never produces that. Empty directories are left in place after
    ``delete``: removing them would race with a concurrent ``put`` into the same directory.
    ``content_type`` is checked but not stored: the database row records it, and the web layer
    sends it when it streams the file.
    """

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(os.path.realpath(os.fspath(root)))

    def __repr__(self) -> str:
        return f"LocalMediaStore({str(self.root)!r})"

    def _path(self, key: str) -> Path:
        validate_key(key)
        path = self.root.joinpath(*key.split("/"))
        resolved = os.path.realpath(path)
        if os.path.commonpath([resolved, self.root]) != str(self.root):
            raise InvalidInput("key", "invalid_key", f"media key escapes the store: {key!r}")
        return path

    def put(self, key, stream, content_type, size_limit=None):
        path = self._path(key)
        _check_content_type(content_type)
        source = _MeteredSource(stream, size_limit)
        with _local_write_errors(key):
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.parent / f"{_TEMP_PREFIX}{secrets.token_hex(8)}"
            # "xb" (O_EXCL) rather than mkstemp: the file gets the umask's usual mode, so a web
            # server serving the directory (X-Accel-Redirect) can read it.
            handle = open(temp, "xb")  # noqa: SIM115 - closed in the finally below
        try:
            try:
                for chunk in source:
                    with _local_write_errors(key):
                        handle.write(chunk)
                with _local_write_errors(key):
                    handle.flush()
                    os.fsync(handle.fileno())
            finally:
                with _local_write_errors(key):
                    handle.close()
            with _local_write_errors(key):
                os.replace(temp, path)
        except BaseException:
            # BaseException too: an interrupted upload (KeyboardInterrupt, a worker timeout)
            # must not leave its temporary file behind.
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        self._fsync_dir(path.parent)
        return StoredObject(key=key, size=source.size, sha256=source.sha256)

    @staticmethod
    def _fsync_dir(directory: Path) -> None:
        # Makes the rename itself durable. Best effort: some filesystems refuse to fsync a
        # directory, and by now the object is complete and visible.
        with contextlib.suppress(OSError):
            fd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def open(self, key):
        path = self._path(key)
        with _local_errors(key):
            raw = open(path, "rb")  # noqa: SIM115 - the caller closes the returned stream
        return _GuardedReader(raw, key, _local_errors)

    def read_head(self, key, n):
        if n < 0:
            raise ValueError("n must be >= 0")
        path = self._path(key)
        with _local_errors(key), open(path, "rb") as handle:
            return handle.read(n)

    def delete(self, key):
        path = self._path(key)
        with _local_errors(key):
            if path.is_dir():
                return
        with _local_write_errors(key):
            path.unlink(missing_ok=True)

    def exists(self, key):
        path = self._path(key)
        with _local_write_errors(key):
            return path.is_file()

    def size(self, key):
        path = self._path(key)
        with _local_errors(key):
            stat = path.stat()
            if not path.is_file():
                raise FileNotFoundError(str(path))
            return stat.st_size

    def iter_keys(self, prefix=""):
        _validate_prefix(prefix)
        # Walk only the directory the prefix points into, not the whole store.
        directory, _, _ = prefix.rpartition("/")
        base = self.root.joinpath(*directory.split("/")) if directory else self.root
        with _local_write_errors(prefix):
            if not base.is_dir() or base.is_symlink():
                return
        walk_errors: list[OSError] = []
        # os.walk does not descend into symlinked directories; symlinked files are skipped too,
        # as _path would refuse any that lead out of the root.
        for dirpath, dirnames, filenames in os.walk(base, onerror=walk_errors.append):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            rel = Path(dirpath).relative_to(self.root).as_posix()
            for name in filenames:
                key = name if rel == "." else f"{rel}/{name}"
                if (
                    key.startswith(prefix)
                    and _KEY_RE.fullmatch(key)
                    and not os.path.islink(os.path.join(dirpath, name))
                ):
                    yield key
        if walk_errors:
            raise MediaError(f"listing {prefix!r} failed: {walk_errors[0]}") from walk_errors[0]

    def url(self, key, *, expires=300, download_name=None, public=False):
        self._path(key)
        _check_expires(expires)
        return None

    def presigned_post(self, key, content_type, max_size, expires=300):
        self._path(key)
        return None

    def create_multipart(self, key, content_type):
        self._path(key)
        return None

    def _no_multipart(self, key: str) -> MediaError:
        self._path(key)
        return MediaError(
            "the local media store does not support multipart uploads; "
            "upload through the hub (create_multipart returned None)",
            key=key,
        )

    def presign_part(self, key, upload_id, part_number, *, expires=3600, size=None):
        raise self._no_multipart(key)

    def complete_multipart(self, key, upload_id, parts, size_limit=None):
        raise self._no_multipart(key)

    def abort_multipart(self, key, upload_id):
        raise self._no_multipart(key)


# --- S3 ------------------------------------------------------------------------------------------

_S3_MISSING = {"NoSuchKey", "404", "NotFound"}


@contextlib.contextmanager
def _s3_errors(key: str) -> Iterator[None]:
    try:
        yield
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in _S3_MISSING:
            raise MediaNotFound(f"no media object {key!r}", key=key) from exc
        raise MediaError(f"S3 {code or 'error'} on {key!r}: {exc}", key=key, s3_code=code) from exc
    except (BotoCoreError, OSError) as exc:
        raise MediaError(f"S3 request failed on {key!r}: {exc}", key=key) from exc


def build_s3_client(region: str | None = None, endpoint_url: str | None = None) -> Any:
    """The boto3 S3 client ``S3MediaStore`` uses unless given one; credentials from boto3's chain.

    With a custom ``endpoint_url`` (MinIO, R2, moto...) addressing is path-style, since such
    endpoints rarely have wildcard DNS for bucket subdomains.
    """
    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": "path" if endpoint_url else "auto"},
        retries={"mode": "standard", "max_attempts": 3},
        connect_timeout=10,
        read_timeout=60,
    )
    # A session of its own: boto3's default session is shared global state.
    return boto3.session.Session().client(
        "s3", region_name=region, endpoint_url=endpoint_url, config=config
    )


class S3MediaStore(MediaStore):
    """Objects in an S3 bucket (AWS or any S3-compatible service), keys under ``prefix``.

    The boto3 client is built once here by ``build_s3_client`` (clients are thread-safe), unless
    one is passed in.

    ``put`` holds at most ``parts_in_flight + 1`` parts of ``part_size`` (default 8 MiB) in
    memory, whatever the file's size: one being filled from the stream while the previous one
    uploads (set ``parts_in_flight=0`` for one part and no overlap). Small streams go up with one
    PutObject, larger ones as a multipart upload that is aborted on any failure, so neither a
    half object nor a billable orphan upload is left. Abandoned *browser* multipart
    uploads cannot be aborted by the hub; give the bucket an AbortIncompleteMultipartUpload
    lifecycle rule.
    """

    supports_direct_upload = True

    def __init__(
        self,
        bucket: str,
        region: str | None = None,
        endpoint_url: str | None = None,
        prefix: str = "",
        public_base_url: str | None = None,
        client: Any = None,
        *,
        part_size: int = DEFAULT_PART_SIZE,
        parts_in_flight: int = 1,
    ):
        if not bucket:
            raise ValueError("S3MediaStore needs a bucket name")
        if part_size < MIN_PART_SIZE:
            raise ValueError(f"part_size must be at least {MIN_PART_SIZE} bytes (S3's minimum)")
        prefix = prefix.strip("/")
        if prefix:
            validate_key(prefix)
            prefix += "/"
        self.bucket = bucket
        self.prefix = prefix
        self.public_base_url = public_base_url.rstrip("/") if public_base_url else None
        self.part_size = part_size
        self.parts_in_flight = max(0, parts_in_flight)
        self.client = client if client is not None else build_s3_client(region, endpoint_url)

    def __repr__(self) -> str:
        return f"S3MediaStore(bucket={self.bucket!r}, prefix={self.prefix!r})"

    def _object_key(self, key: str) -> str:
        return self.prefix + validate_key(key)

    def put(self, key, stream, content_type, size_limit=None):
        object_key = self._object_key(key)
        _check_content_type(content_type)
        source = _MeteredSource(stream, size_limit)
        buffer = bytearray()
        upload: _MultipartPut | None = None
        try:
            for chunk in source:
                buffer += chunk
                if len(buffer) >= self.part_size:
                    if upload is None:
                        upload = _MultipartPut(self, key, object_key, content_type)
                    upload.add_part(buffer)
                    buffer = bytearray()  # the previous one now belongs to the upload
            if upload is None:
                with _s3_errors(key):
                    # A bytearray body is sent as is by botocore: no copy.
                    self.client.put_object(
                        Bucket=self.bucket, Key=object_key, Body=buffer, ContentType=content_type
                    )
            else:
                if buffer:
                    upload.add_part(buffer)
                upload.complete()
        except BaseException:
            if upload is not None:
                upload.abort()
            raise
        finally:
            if upload is not None:
                upload.close()
        return StoredObject(key=key, size=source.size, sha256=source.sha256)

    def _abort_quietly(self, object_key: str, upload_id: str) -> None:
        # Already failing: the original error is the one to report. If the abort fails too, the
        # bucket's AbortIncompleteMultipartUpload lifecycle rule is the backstop.
        with contextlib.suppress(ClientError, BotoCoreError, OSError):
            self.client.abort_multipart_upload(
                Bucket=self.bucket, Key=object_key, UploadId=upload_id
            )

    def open(self, key):
        object_key = self._object_key(key)
        with _s3_errors(key):
            body = self.client.get_object(Bucket=self.bucket, Key=object_key)["Body"]
        return _GuardedReader(body, key, _s3_errors)

    def read_head(self, key, n):
        if n < 0:
            raise ValueError("n must be >= 0")
        object_key = self._object_key(key)
        if n == 0:
            self.size(key)
            return b""
        try:
            with _s3_errors(key):
                body = self.client.get_object(
                    Bucket=self.bucket, Key=object_key, Range=f"bytes=0-{n - 1}"
                )["Body"]
                try:
                    # A server that ignores Range would send everything: read no more than n.
                    return body.read(n)
                finally:
                    body.close()
        except MediaError as exc:
            # An empty object has no byte 0, so S3 answers 416 InvalidRange.
            if exc.details.get("s3_code") == "InvalidRange":
                return b""
            raise

    def delete(self, key):
        object_key = self._object_key(key)
        with _s3_errors(key):
            self.client.delete_object(Bucket=self.bucket, Key=object_key)

    def exists(self, key):
        try:
            self.size(key)
        except MediaNotFound:
            return False
        return True

    def size(self, key):
        object_key = self._object_key(key)
        with _s3_errors(key):
            return self.client.head_object(Bucket=self.bucket, Key=object_key)["ContentLength"]

    def iter_keys(self, prefix=""):
        _validate_prefix(prefix)
        paginator = self.client.get_paginator("list_objects_v2")
        pages = paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix)
        with _s3_errors(prefix):
            for page in pages:
                for item in page.get("Contents", ()):
                    key = item["Key"][len(self.prefix) :]
                    if _KEY_RE.fullmatch(key):
                        yield key

    def url(self, key, *, expires=300, download_name=None, public=False):
        object_key = self._object_key(key)
        _check_expires(expires)
        if public and self.public_base_url:
            return f"{self.public_base_url}/{quote(object_key)}"
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": object_key}
        if download_name:
            params["ResponseContentDisposition"] = content_disposition(download_name)
        with _s3_errors(key):
            return self.client.generate_presigned_url(
                "get_object", Params=params, ExpiresIn=expires
            )

    def presigned_post(self, key, content_type, max_size, expires=300):
        object_key = self._object_key(key)
        _check_content_type(content_type)
        _check_expires(expires)
        if not isinstance(max_size, int) or max_size < 1:
            raise ValueError("max_size must be a positive number of bytes")
        with _s3_errors(key):
            return self.client.generate_presigned_post(
                Bucket=self.bucket,
                Key=object_key,
                Fields={"Content-Type": content_type},
                Conditions=[
                    {"Content-Type": content_type},
                    ["content-length-range", 1, max_size],
                ],
                ExpiresIn=expires,
            )

    def create_multipart(self, key, content_type):
        object_key = self._object_key(key)
        _check_content_type(content_type)
        with _s3_errors(key):
            return self.client.create_multipart_upload(
                Bucket=self.bucket, Key=object_key, ContentType=content_type
            )["UploadId"]

    def presign_part(self, key, upload_id, part_number, *, expires=3600, size=None):
        object_key = self._object_key(key)
        _check_expires(expires)
        if not isinstance(part_number, int) or not 1 <= part_number <= MAX_PARTS:
            raise ValueError(f"part_number must be 1..{MAX_PARTS}")
        params: dict[str, Any] = {
            "Bucket": self.bucket,
            "Key": object_key,
            "UploadId": upload_id,
            "PartNumber": part_number,
        }
        if size is not None:
            # Signed into the URL: S3 then refuses a part of any other length, so the browser
            # cannot upload more than the hub agreed to.
            params["ContentLength"] = size
        with _s3_errors(key):
            return self.client.generate_presigned_url(
                "upload_part", Params=params, ExpiresIn=expires
            )

    def complete_multipart(self, key, upload_id, parts, size_limit=None):
        object_key = self._object_key(key)
        ordered = sorted((int(number), str(etag)) for number, etag in parts)
        numbers = [number for number, _ in ordered]
        if (
            not ordered
            or len(set(numbers)) != len(numbers)
            or not 1 <= numbers[0] <= numbers[-1] <= MAX_PARTS
        ):
            raise InvalidInput("parts", "invalid", f"parts must be distinct numbers 1..{MAX_PARTS}")
        with _s3_errors(key):
            self.client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=object_key,
                UploadId=upload_id,
                MultipartUpload={
                    "Parts": [{"PartNumber": number, "ETag": etag} for number, etag in ordered]
                },
            )
        size = self.size(key)
        if size_limit is not None and size > size_limit:
            self.delete(key)
            raise InvalidInput("file", "too_large", f"upload exceeds {size_limit} bytes")
        return StoredObject(key=key, size=size, sha256=None)

    def abort_multipart(self, key, upload_id):
        object_key = self._object_key(key)
        try:
            with _s3_errors(key):
                self.client.abort_multipart_upload(
                    Bucket=self.bucket, Key=object_key, UploadId=upload_id
                )
        except MediaError as exc:
            if exc.details.get("s3_code") != "NoSuchUpload":
                raise


class _MultipartPut:
    """One multipart upload fed by ``S3MediaStore.put``, part by part.

    Up to ``parts_in_flight`` parts upload in background threads while the caller reads the
    next one from its stream. The source is usually a browser's request body: uploading a part
    in the caller's thread would stop reading that socket for the whole part, stalling the
    browser, whereas overlapping makes the total time the slower of the two transfers rather
    than their sum. Memory is bounded by (parts_in_flight + 1) parts. With
    ``parts_in_flight=0`` parts upload in the caller's thread, one part in memory at a time.
    """

    def __init__(self, store: S3MediaStore, key: str, object_key: str, content_type: str):
        self._store = store
        self._key = key
        self._object_key = object_key
        with _s3_errors(key):
            self.upload_id: str = store.client.create_multipart_upload(
                Bucket=store.bucket, Key=object_key, ContentType=content_type
            )["UploadId"]
        self._count = 0
        self._done: list[dict[str, Any]] = []
        self._pending: collections.deque[concurrent.futures.Future] = collections.deque()
        self._executor = (
            concurrent.futures.ThreadPoolExecutor(
                max_workers=store.parts_in_flight, thread_name_prefix="s3-put"
            )
            if store.parts_in_flight
            else None
        )

    def add_part(self, body: bytearray) -> None:
        self._count += 1
        if self._count > MAX_PARTS:
            raise InvalidInput("file", "too_large", "upload exceeds S3's part count")
        if self._executor is None:
            self._done.append(self._upload(self._count, body))
            return
        while len(self._pending) >= self._store.parts_in_flight:
            # .result() re-raises a part's failure here, in the caller's thread.
            self._done.append(self._pending.popleft().result())
        self._pending.append(self._executor.submit(self._upload, self._count, body))

    def _upload(self, number: int, body: bytearray) -> dict[str, Any]:
        with _s3_errors(self._key):
            response = self._store.client.upload_part(
                Bucket=self._store.bucket,
                Key=self._object_key,
                UploadId=self.upload_id,
                PartNumber=number,
                Body=body,
            )
        return {"PartNumber": number, "ETag": response["ETag"]}

    def complete(self) -> None:
        while self._pending:
            self._done.append(self._pending.popleft().result())
        with _s3_errors(self._key):
            self._store.client.complete_multipart_upload(
                Bucket=self._store.bucket,
                Key=self._object_key,
                UploadId=self.upload_id,
                MultipartUpload={"Parts": self._done},
            )

    def abort(self) -> None:
        # Parts still uploading would otherwise land after the abort and be kept (and billed).
        for future in self._pending:
            future.cancel()
        concurrent.futures.wait(self._pending)
        self._pending.clear()
        self._store._abort_quietly(self._object_key, self.upload_id)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)


# --- choosing a backend --------------------------------------------------------------------------


def build_store(settings: Mapping[str, Any]) -> MediaStore:
    """Build the configured store from ``settings`` (the app config, or any mapping).

    ``MEDIA_BACKEND`` is ``"local"`` (default; ``MEDIA_ROOT``) or ``"s3"`` (``MEDIA_S3_BUCKET``,
    ``MEDIA_S3_REGION``, ``MEDIA_S3_ENDPOINT_URL``, ``MEDIA_S3_PREFIX``,
    ``MEDIA_PUBLIC_BASE_URL``). A misconfiguration is a ValueError: it should stop start-up.
    """
    backend = str(settings.get("MEDIA_BACKEND") or "local").strip().lower()
    if backend == "local":
        root = settings.get("MEDIA_ROOT")
        if not root:
            raise ValueError("MEDIA_ROOT must be set for the local media store")
        return LocalMediaStore(root)
    if backend == "s3":
        bucket = settings.get("MEDIA_S3_BUCKET")
        if not bucket:
            raise ValueError("MEDIA_S3_BUCKET must be set for the S3 media store")
        return S3MediaStore(
            bucket,
            region=settings.get("MEDIA_S3_REGION") or None,
            endpoint_url=settings.get("MEDIA_S3_ENDPOINT_URL") or None,
            prefix=settings.get("MEDIA_S3_PREFIX") or "",
            public_base_url=settings.get("MEDIA_PUBLIC_BASE_URL") or None,
        )
    raise ValueError(f"unknown MEDIA_BACKEND {backend!r} (expected 'local' or 's3')")

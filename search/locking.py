"""An exclusive, inter-process file lock with backoff: the index's single-writer guarantee.

Whoosh allows one writer per index and answers a second one with ``LockError`` after a short
timeout; a web node or CLI that gave up there would drop its change. Every write of the hub
(apply, upsert, delete, the swap of a rebuild) instead takes this lock first and waits for it,
retrying with exponential backoff and jitter, for up to ``timeout`` seconds. ``flock`` locks
belong to an open file description, so two threads of one process exclude each other as two
processes do, and the kernel releases the lock if its holder dies.
"""

from __future__ import annotations

import fcntl
import os
import random
import time
from pathlib import Path

__all__ = ["FileLock", "IndexBusyError"]


class IndexBusyError(TimeoutError):
    """Another writer held the index lock for longer than the timeout."""


class FileLock:
    """``with FileLock(path, timeout=60):`` holds an exclusive lock on ``path``."""

    def __init__(self, path: str | os.PathLike, timeout: float = 60.0):
        self.path = Path(path)
        self.timeout = timeout
        self._fd: int | None = None

    def acquire(self) -> None:
        if self._fd is not None:
            raise RuntimeError(f"{self.path} is already held by this object")
        fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o644)
        deadline = time.monotonic() + self.timeout
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise IndexBusyError(f"{self.path} is locked by another writer") from None
                # Jitter keeps two waiting writers from retrying in lockstep.
                time.sleep(delay * (0.5 + random.random()))  # noqa: S311 - not cryptographic
                delay = min(delay * 2, 0.25)
            else:
                self._fd = fd
                return

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()

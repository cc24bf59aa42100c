"""The search index on disk: creating, writing (upsert, delete, ordered outbox batches),
rebuilding with an atomic swap, and handing fresh searchers to readers.

Layout of ``path`` (``HUB_SEARCH_DIR``)::

    CURRENT         one line: the name of the live generation directory
    ix-<t>-<rand>/  a complete Whoosh index (the live one, and the one it replaced)
    write.lock      flock held by every writer (search.locking)
    rebuild.lock    flock that serialises rebuilds

A rebuild writes a whole new ``ix-*`` directory and then replaces ``CURRENT`` with
``os.replace``, which is atomic: a reader resolves ``CURRENT`` once per search and opens that
directory, so it sees the old index or the new one, never half of either. (A symlink would do
the same, but Whoosh keeps the path it was opened with and would follow a swapped link into
the new directory half-way through a search.)

The analysis version and the last applied outbox sequence number live in a bookkeeping
document inside the index, not in a file beside it: they are then written in the same Whoosh
commit as the changes they describe, so a crash can never record a sequence number whose
changes are missing, or the reverse. Applying is idempotent and monotonic: changes at or below
the recorded number are skipped, so two nodes syncing the same outbox at once cannot reapply
an older change over a newer one.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import secrets
import shutil
import threading
import time
import warnings
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.searching import Searcher

from search import analysis
from search.documents import Change, SearchDocument
from search.engine import EngineCache
from search.locking import FileLock, IndexBusyError
from search.schema import META_DOC_ID, build_schema, document_fields

__all__ = ["IndexUnavailableError", "SearchIndex", "SearchIndexError"]

POINTER = "CURRENT"
WRITE_LOCK = "write.lock"
REBUILD_LOCK = "rebuild.lock"
GENERATION_PREFIX = "ix-"


class SearchIndexError(Exception):
    """Base of the search index's own errors."""


class IndexUnavailableError(SearchIndexError):
    """The index exists but cannot be read: rebuild it."""


class SearchIndex:
    """One search index directory. Safe to share between threads and processes."""

    def __init__(self, path: str | os.PathLike, *, lock_timeout: float = 60.0):
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self._local = threading.local()
        self._cached: list[_CachedSearcher] = []  # every thread's searcher, for close()
        self._states_lock = threading.Lock()
        # Decoded postings and per-segment data, shared by this object's threads (search.engine).
        self.engine = EngineCache()
        # Searchers hold open files: close those still cached when this object goes away
        # (an app that is torn down without calling close()).
        weakref.finalize(self, _close_searchers, self._cached)

    # --- Layout ---------------------------------------------------------------------------

    def _current_name(self) -> str | None:
        try:
            name = (self.path / POINTER).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        if not name.startswith(GENERATION_PREFIX) or "/" in name or os.sep in name:
            raise IndexUnavailableError(f"{self.path / POINTER} does not name a generation")
        return name

    def _write_pointer(self, name: str) -> None:
        tmp = self.path / f"{POINTER}.{secrets.token_hex(4)}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(name + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path / POINTER)
        dir_fd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def _open(self, name: str):
        # Not memory-mapped: Whoosh 2.7 copies each file of a memory-mapped compound segment
        # into a BytesIO when a reader opens it, so every searcher (one per thread, reopened
        # after every commit) would cost a copy of the whole index: about 0.2 s and 300 MB at
        # 50,000 documents. Read normally, a searcher opens in milliseconds and holds one file
        # handle per segment; search.engine reads a posting list in one go.
        try:
            return FileStorage(str(self.path / name), supports_mmap=False).open_index()
        except Exception as exc:  # any failure to open means the files are unusable
            failure = exc
        message = f"cannot open {self.path / name}: {failure!r}"
        with _quiet_leaks():
            del failure
        raise IndexUnavailableError(message)

    def _create_generation(self, docs: Iterable[SearchDocument], last_seq: int) -> tuple[str, int]:
        """Write a complete new generation directory; returns its name and document count."""
        name = f"{GENERATION_PREFIX}{time.time_ns():x}-{secrets.token_hex(4)}"
        directory = self.path / name
        directory.mkdir(parents=True)
        count = 0
        try:
            ix = whoosh_index.create_in(str(directory), build_schema())
            writer = ix.writer()
            try:
                seen: set[str] = set()
                for doc in docs:
                    if doc.doc_id in seen:
                        # Two adds in one Whoosh writer would both stay in the index.
                        raise ValueError(f"duplicate doc_id {doc.doc_id!r} in rebuild")
                    seen.add(doc.doc_id)
                    writer.add_document(**document_fields(doc))
                    count += 1
                writer.add_document(**_meta_fields(last_seq))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        return name, count

    def _remove_generations(self, keep: set[str]) -> None:
        for entry in self.path.iterdir():
            if entry.name.startswith(GENERATION_PREFIX) and entry.name not in keep:
                shutil.rmtree(entry, ignore_errors=True)

    # --- Creating and checking ------------------------------------------------------------

    def open_or_create(self) -> None:
        """Make sure an index exists: create an empty one if there is none.

        Raises ``IndexUnavailableError`` if one exists but cannot be read (see
        ``needs_rebuild``).
        """
        if self._current_name() is None:
            self.path.mkdir(parents=True, exist_ok=True)
            with FileLock(self.path / WRITE_LOCK, self.lock_timeout):
                if self._current_name() is None:
                    name, _ = self._create_generation((), last_seq=0)
                    self._write_pointer(name)
        with self.searcher() as searcher:
            _read_meta(searcher)

    def rebuild_reason(self) -> str | None:
        """Why the index must be rebuilt (missing, unreadable, stale), or None if it is fine."""
        try:
            name = self._current_name()
            if name is None:
                return "no index"
            ix = self._open(name)
            if set(ix.schema.names()) != set(build_schema().names()):
                return "the schema changed (languages added or removed)"
            with ix.searcher() as searcher:
                meta = _read_meta(searcher)
                searcher.doc_count()
        except Exception as exc:  # whatever broke, the cure is the same
            failure = exc
        else:
            if meta.get("analysis_version") != analysis.ANALYSIS_VERSION:
                return (
                    f"analysis version {meta.get('analysis_version')!r} in the index, "
                    f"{analysis.ANALYSIS_VERSION!r} in the code"
                )
            return None
        reason = f"unreadable index: {failure!r}"
        with _quiet_leaks():
            del failure
        return reason

    def needs_rebuild(self) -> bool:
        """True when the index is missing, corrupt, or built by other analysis rules."""
        return self.rebuild_reason() is not None

    # --- Writing --------------------------------------------------------------------------

    def upsert(self, docs: Iterable[SearchDocument]) -> None:
        """Add or replace documents (by doc_id) in one commit."""
        final = {doc.doc_id: doc for doc in docs}
        if final:
            self._write(lambda writer, _searcher: _write_final(writer, final))

    def delete(self, doc_ids: Iterable[str]) -> None:
        """Remove documents by doc_id in one commit; unknown ids are ignored."""
        final = dict.fromkeys(doc_ids)
        if final:
            self._write(lambda writer, _searcher: _write_final(writer, final))

    def apply(self, changes: Iterable[Change | tuple], last_seq: int) -> int:
        """Apply an ordered outbox batch in one commit and record ``last_seq``.

        Changes whose seq is not above the recorded one were applied before and are skipped,
        as is the whole batch if ``last_seq`` is not above it. Returns how many were applied.
        """
        batch = [Change(*change) for change in changes]
        _check_batch(batch, last_seq)

        def write(writer, searcher) -> int:
            recorded = _read_meta(searcher).get("last_seq", 0)
            if last_seq <= recorded:
                return -1  # nothing new: no commit
            fresh = [change for change in batch if change.seq > recorded]
            final: dict[str, SearchDocument | None] = {}
            for change in fresh:  # the last change to a doc decides its final state
                final[change.doc_id] = change.payload if change.op == "upsert" else None
            _write_final(writer, final)
            writer.update_document(**_meta_fields(last_seq))
            return len(fresh)

        return max(self._write(write), 0)

    def _write(self, write):
        """Run ``write(writer, searcher)`` under the write lock and commit it."""
        self.path.mkdir(parents=True, exist_ok=True)
        with FileLock(self.path / WRITE_LOCK, self.lock_timeout):
            name = self._current_name()
            if name is None:
                name, _ = self._create_generation((), last_seq=0)
                self._write_pointer(name)
            ix = self._open(name)
            try:
                # Our lock excludes our own writers; Whoosh's wait covers any other program.
                writer = ix.writer(timeout=self.lock_timeout)
            except whoosh_index.LockError:
                raise IndexBusyError(f"{self.path / name} is locked by another program") from None
            try:
                with ix.searcher() as searcher:
                    result = write(writer, searcher)
            except BaseException:
                writer.cancel()
                raise
            if result == -1:
                writer.cancel()
            else:
                try:
                    writer.commit()
                except BaseException:
                    _release(writer)
                    raise
            return result

    def rebuild(self, docs: Iterable[SearchDocument], last_seq: int, *, wait: bool = True) -> int:
        """Build a new index from ``docs`` and swap it in atomically; returns the count.

        ``last_seq`` is the outbox position the documents reflect: read it *before* reading
        the documents, so a change made meanwhile is at worst applied twice (harmlessly),
        never missed. Writers keep writing to the old index while this runs; their changes
        are replayed from the outbox after the swap. With ``wait=False``, raises
        ``IndexBusyError`` at once if another rebuild is running.
        """
        self.path.mkdir(parents=True, exist_ok=True)
        with FileLock(self.path / REBUILD_LOCK, self.lock_timeout if wait else 0):
            name, count = self._create_generation(docs, last_seq)
            with FileLock(self.path / WRITE_LOCK, self.lock_timeout):
                try:
                    previous = self._current_name()
                except IndexUnavailableError:
                    previous = None
                self._write_pointer(name)
            # Keep the replaced generation: a reader may still be inside a search on it.
            self._remove_generations(keep={name, previous} - {None})
        return count

    # --- Reading --------------------------------------------------------------------------

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """A searcher on the latest committed state of the live generation.

        Each thread keeps one searcher and reopens it when a writer committed (a new Whoosh
        generation) or a rebuild swapped the directory; do not keep it beyond the block.
        """
        name = self._current_name()
        if name is None:
            self.open_or_create()
            name = self._current_name()
        cached: _CachedSearcher | None = getattr(self._local, "cached", None)
        if cached is not None and (cached.name != name or not _is_up_to_date(cached.searcher)):
            # Not Searcher.refresh(): its reader reuse keeps segments that a merge removed
            # and misses new deletions in reused ones (Whoosh 2.7.x), so reopen instead.
            cached = self._forget(cached)
        if cached is None:
            cached = _CachedSearcher(name, self._open(name).searcher())
            with self._states_lock:
                self._cached.append(cached)
            self._local.cached = cached
        yield cached.searcher

    def _forget(self, cached: _CachedSearcher) -> None:
        """Drop and close this thread's searcher; returns None for the caller to rebind."""
        with self._states_lock:
            if cached in self._cached:
                self._cached.remove(cached)
        self._local.cached = None
        cached.searcher.close()

    def last_applied_seq(self) -> int:
        """The sequence number of the last outbox change applied (0 if none)."""
        with self.searcher() as searcher:
            return int(_read_meta(searcher).get("last_seq", 0))

    def doc_ids(self) -> set[str]:
        """The doc_ids of every document in the index."""
        with self.searcher() as searcher:
            return {
                fields["doc_id"]
                for fields in searcher.all_stored_fields()
                if fields.get("doc_id") != META_DOC_ID
            }

    def close(self) -> None:
        """Close every thread's cached searcher (they reopen on next use)."""
        with self._states_lock:
            cached = list(self._cached)
            self._cached.clear()
        self._local = threading.local()
        for item in cached:
            item.searcher.close()


def _close_searchers(cached: list[_CachedSearcher]) -> None:
    for item in list(cached):
        with contextlib.suppress(Exception):  # already closed, or its files went away
            item.searcher.close()
    cached.clear()


class _CachedSearcher:
    __slots__ = ("name", "searcher")

    def __init__(self, name: str, searcher: Searcher):
        self.name = name
        self.searcher = searcher


@contextmanager
def _quiet_leaks() -> Iterator[None]:
    """Whoosh leaves files open when it fails half-way through reading a damaged index; they
    close when the exception is dropped. Drop it inside this block, which collects them
    without a ResourceWarning each. (Warning filters are process-wide: only for this moment.)
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        yield
        gc.collect()  # files caught in reference cycles with the failed frames


def _release(writer) -> None:
    """After a failed commit, give Whoosh's write lock back, or every later write would
    wait for it until its timeout."""
    with contextlib.suppress(Exception):
        writer.cancel()
    lock = getattr(writer, "writelock", None)
    if lock is not None:
        with contextlib.suppress(Exception):
            lock.release()


def _is_up_to_date(searcher: Searcher) -> bool:
    try:
        return searcher.up_to_date()
    except OSError:  # the generation directory went away: a newer one is live
        return False


def _meta_fields(last_seq: int) -> dict[str, object]:
    meta = {"analysis_version": analysis.ANALYSIS_VERSION, "last_seq": int(last_seq)}
    return {"doc_id": META_DOC_ID, "meta": json.dumps(meta)}


def _read_meta(searcher: Searcher) -> dict:
    fields = searcher.document(doc_id=META_DOC_ID)
    if fields is None:
        raise IndexUnavailableError("the index has no bookkeeping document")
    return json.loads(fields["meta"])


def _write_final(writer, final: dict[str, SearchDocument | None]) -> None:
    """Bring each doc_id to its final state: deleted (None) or exactly this document.

    Whoosh's delete_by_term only sees committed documents, so a batch that adds and then
    deletes, or adds twice, must be collapsed to one state per doc before it is written.
    """
    for doc_id, doc in final.items():
        if doc_id == META_DOC_ID:
            raise ValueError(f"{META_DOC_ID!r} is reserved")
        writer.delete_by_term("doc_id", doc_id)
        if doc is not None:
            writer.add_document(**document_fields(doc))


def _check_batch(batch: list[Change], last_seq: int) -> None:
    previous = None
    for change in batch:
        if change.op not in ("upsert", "delete"):
            raise ValueError(f"unknown op {change.op!r} at seq {change.seq}")
        if change.op == "upsert" and not isinstance(change.payload, SearchDocument):
            raise ValueError(f"upsert at seq {change.seq} needs a SearchDocument")
        if previous is not None and change.seq <= previous:
            raise ValueError(f"seq {change.seq} after {previous}: changes must be in order")
        previous = change.seq
    if previous is not None and last_seq < previous:
        raise ValueError(f"last_seq {last_seq} is below the batch's last seq {previous}")

"""Functions run in child processes by the writer-race tests (importable, hence a module).

Each child opens the index by path, as another web node or CLI would: nothing is shared with
the parent but the directory.
"""

from __future__ import annotations

from search import Change, SearchIndex
from tests.unit.search.factories import build_doc


def outbox(length: int) -> list[Change]:
    """A deterministic outbox: upserts of a few documents, some deletes, in seq order."""
    changes = []
    for seq in range(1, length + 1):
        if seq % 3 == 0:
            changes.append(Change(seq, "delete", f"o{seq % 5}"))
        else:
            doc = build_doc(f"o{seq % 7}", title=f"peace dialogue version {seq}", lang="en")
            changes.append(Change(seq, "upsert", doc))
    return changes


def upsert_batches(path: str, prefix: str, batches: int, per_batch: int) -> None:
    """Upsert ``batches`` disjoint batches, one commit each, then delete the first doc."""
    ix = SearchIndex(path, lock_timeout=30)
    try:
        for b in range(batches):
            docs = [
                build_doc(f"{prefix}{b}-{i}", title=f"youth tolerance {prefix}", lang="en")
                for i in range(per_batch)
            ]
            ix.upsert(docs)
        ix.delete([f"{prefix}0-0"])
    finally:
        ix.close()


def sync_outbox(path: str, length: int, chunk: int) -> None:
    """Catch up with ``outbox(length)`` a chunk at a time, like `flask hub search sync`."""
    changes = outbox(length)
    ix = SearchIndex(path, lock_timeout=30)
    try:
        while (last := ix.last_applied_seq()) < length:
            batch = changes[last : last + chunk]
            ix.apply(batch, batch[-1].seq)
    finally:
        ix.close()

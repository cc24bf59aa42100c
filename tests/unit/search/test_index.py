"""The index on disk: writes, outbox batches, rebuild and swap, corruption and version checks,
readers that follow writers, and writers in other processes."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search import Change, IndexBusyError, SearchIndex, SearchRequest, analysis, search
from search.index import POINTER
from search.locking import FileLock
from search.schema import META_DOC_ID
from tests.unit.search import _workers
from tests.unit.search.factories import build_doc


def titles(ix: SearchIndex, q: str) -> list[str]:
    return sorted(h.title for h in search(ix, SearchRequest(q=q, per_page=50)).hits)


def count(ix: SearchIndex) -> int:
    with ix.searcher() as searcher:
        return searcher.doc_count() - 1  # the bookkeeping document


# --- Creating ---------------------------------------------------------------------------------


def test_missing_index_needs_rebuild(tmp_path):
    ix = SearchIndex(tmp_path / "nothing-here")
    assert ix.needs_rebuild()
    assert ix.rebuild_reason() == "no index"


def test_open_or_create_makes_an_empty_current_index(index):
    assert not index.needs_rebuild()
    assert index.doc_ids() == set()
    assert index.last_applied_seq() == 0
    index.open_or_create()  # a second call opens the same index
    assert index.rebuild_reason() is None


def test_first_write_creates_the_index(tmp_path, make_doc):
    ix = SearchIndex(tmp_path / "fresh")
    try:
        ix.upsert([make_doc("1")])
        assert ix.doc_ids() == {"1"}
    finally:
        ix.close()


# --- Upsert and delete ------------------------------------------------------------------------


def test_upsert_replaces_by_doc_id(index, make_doc):
    index.upsert([make_doc("1", lang="en", title="youth dialogue")])
    index.upsert([make_doc("1", lang="en", title="community tolerance")])
    assert index.doc_ids() == {"1"}
    assert count(index) == 1
    assert titles(index, "tolerance") == ["community tolerance"]
    assert titles(index, "youth") == []


def test_upsert_of_the_same_id_twice_in_one_call_keeps_the_last(index, make_doc):
    index.upsert(
        [make_doc("1", lang="en", title="first"), make_doc("1", lang="en", title="second")]
    )
    assert count(index) == 1
    assert titles(index, "second") == ["second"]


def test_delete_removes_and_ignores_unknown_ids(index, make_doc):
    index.upsert([make_doc("1", lang="en", title="peace"), make_doc("2", lang="en", title="peace")])
    index.delete(["1", "no-such-id"])
    assert index.doc_ids() == {"2"}


def test_the_bookkeeping_id_is_reserved(index, make_doc):
    with pytest.raises(ValueError, match="reserved"):
        index.upsert([make_doc(META_DOC_ID)])
    assert index.last_applied_seq() == 0  # the bookkeeping document survived


# --- Apply -------------------------------------------------------------------------------------


def test_apply_is_one_ordered_batch_and_records_the_sequence(index, make_doc):
    changes = [
        Change(1, "upsert", make_doc("1")),
        Change(2, "upsert", make_doc("2")),
        Change(3, "delete", "1"),
        Change(4, "upsert", make_doc("3")),
        Change(5, "delete", "3"),  # added and deleted in the same batch
        Change(6, "upsert", make_doc("4")),
        Change(7, "delete", "4"),
        Change(8, "upsert", make_doc("4", title="back")),  # deleted, then added again
    ]
    assert index.apply(changes, last_seq=9) == 8
    assert index.doc_ids() == {"2", "4"}
    assert index.last_applied_seq() == 9


def test_apply_accepts_plain_tuples(index, make_doc):
    index.apply([(1, "upsert", make_doc("1")), (2, "delete", "x")], last_seq=2)
    assert index.doc_ids() == {"1"}


def test_apply_skips_changes_already_applied(index, make_doc):
    index.apply([Change(1, "upsert", make_doc("1")), Change(2, "delete", "9")], last_seq=2)
    # A slower node arrives with an older view of the outbox: nothing of it may land.
    assert index.apply([Change(1, "delete", "1")], last_seq=1) == 0
    assert index.doc_ids() == {"1"}
    # Overlapping batch: only the new part applies.
    applied = index.apply([Change(2, "delete", "1"), Change(3, "upsert", make_doc("3"))], 3)
    assert applied == 1
    assert index.doc_ids() == {"1", "3"}
    assert index.last_applied_seq() == 3


def test_apply_with_only_a_sequence_moves_it(index):
    assert index.apply([], last_seq=7) == 0
    assert index.last_applied_seq() == 7


@pytest.mark.parametrize(
    ("changes", "last_seq", "message"),
    [
        ([(2, "upsert", "not-a-doc")], 2, "needs a SearchDocument"),
        ([(1, "rename", "1")], 1, "unknown op"),
        ([(2, "delete", "1"), (1, "delete", "2")], 2, "in order"),
        ([(2, "delete", "1"), (2, "delete", "2")], 2, "in order"),
        ([(5, "delete", "1")], 4, "below the batch"),
    ],
    ids=["payload", "op", "descending", "repeated", "last-seq-too-low"],
)
def test_apply_rejects_malformed_batches(index, changes, last_seq, message):
    with pytest.raises(ValueError, match=message):
        index.apply(changes, last_seq)
    assert index.last_applied_seq() == 0


# --- Rebuild -------------------------------------------------------------------------------------


def generations(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir() if p.name.startswith("ix-"))


def test_rebuild_swaps_in_a_new_generation(index, make_doc):
    index.upsert([make_doc("old", lang="en", title="old")])
    before = (index.path / POINTER).read_text().strip()
    assert index.rebuild([make_doc("1"), make_doc("2")], last_seq=40) == 2
    after = (index.path / POINTER).read_text().strip()
    assert after != before
    assert index.doc_ids() == {"1", "2"}
    assert index.last_applied_seq() == 40


def test_rebuild_keeps_only_the_live_and_the_previous_generation(index, make_doc):
    for n in range(3):
        index.rebuild([make_doc(str(n))], last_seq=n)
    live = (index.path / POINTER).read_text().strip()
    assert live in generations(index.path)
    assert len(generations(index.path)) == 2


def test_readers_see_the_old_index_until_the_swap(index, make_doc):
    index.upsert([make_doc(str(n), lang="en", title="before") for n in range(3)])
    reader = SearchIndex(index.path)
    seen_during_rebuild = []

    def slow_docs():
        for n in range(5):
            # Half of the new index is written: readers must still see all of the old one.
            seen_during_rebuild.append(len(titles(reader, "before")))
            yield make_doc(f"new{n}", lang="en", title="after")

    try:
        index.rebuild(slow_docs(), last_seq=1)
        assert seen_during_rebuild == [3] * 5
        assert len(titles(reader, "after")) == 5
        assert titles(reader, "before") == []
    finally:
        reader.close()


def test_failed_rebuild_leaves_the_live_index_alone(index, make_doc):
    index.upsert([make_doc("1")])
    before = generations(index.path)
    with pytest.raises(ValueError, match="duplicate"):
        index.rebuild([make_doc("2"), make_doc("2")], last_seq=5)
    assert generations(index.path) == before
    assert index.doc_ids() == {"1"}


# --- Needs rebuild ------------------------------------------------------------------------------


def test_version_mismatch_needs_rebuild(index, make_doc, monkeypatch):
    index.upsert([make_doc("1")])
    monkeypatch.setattr(analysis, "ANALYSIS_VERSION", analysis.ANALYSIS_VERSION + 1)
    assert index.needs_rebuild()
    assert "analysis version" in index.rebuild_reason()
    index.rebuild([make_doc("1")], last_seq=0)
    assert not index.needs_rebuild()


def live_dir(ix: SearchIndex) -> Path:
    return ix.path / (ix.path / POINTER).read_text().strip()


def _garble_toc(ix):
    for toc in live_dir(ix).glob("*.toc"):
        toc.write_bytes(b"\x00garbage" * 10)


def _delete_segments(ix):
    for seg in live_dir(ix).glob("*.seg"):
        seg.unlink()


def _truncate_segments(ix):
    for seg in live_dir(ix).glob("*.seg"):
        seg.write_bytes(seg.read_bytes()[:40])


def _remove_directory(ix):
    for f in live_dir(ix).iterdir():
        f.unlink()
    live_dir(ix).rmdir()


def _bad_pointer(ix):
    (ix.path / POINTER).write_text("../../etc\n")


@pytest.mark.parametrize(
    "corrupt",
    [_garble_toc, _delete_segments, _truncate_segments, _remove_directory, _bad_pointer],
    ids=["garbled-toc", "deleted-segments", "truncated-segments", "missing-dir", "bad-pointer"],
)
def test_corrupt_index_needs_rebuild_and_rebuild_recovers(tmp_path, make_doc, corrupt):
    ix = SearchIndex(tmp_path / "index")
    try:
        ix.rebuild([make_doc(str(n), lang="en", title="peace") for n in range(3)], last_seq=3)
        assert not ix.needs_rebuild()
        corrupt(ix)
        fresh = SearchIndex(ix.path)  # another process's view: no cached searcher
        assert fresh.needs_rebuild()
        fresh.rebuild([make_doc("9", lang="en", title="peace")], last_seq=4)
        assert not fresh.needs_rebuild()
        assert fresh.doc_ids() == {"9"}
        fresh.close()
    finally:
        ix.close()


def test_schema_change_needs_rebuild(index, monkeypatch):
    from whoosh.fields import STORED

    from search import index as index_module
    from search.schema import build_schema

    def with_extra_field():
        schema = build_schema()
        schema.add("new_language_field", STORED())
        return schema

    monkeypatch.setattr(index_module, "build_schema", with_extra_field)
    assert "schema changed" in index.rebuild_reason()


# --- Readers follow writers ------------------------------------------------------------------


def test_a_reader_sees_commits_and_deletes_of_another_writer(index, make_doc):
    reader = SearchIndex(index.path)
    try:
        assert reader.doc_ids() == set()
        for n in range(4):  # several commits: Whoosh merges segments meanwhile
            index.upsert([make_doc(str(n))])
            assert reader.doc_ids() == {str(i) for i in range(n + 1)}
        index.delete(["0", "2"])
        assert reader.doc_ids() == {"1", "3"}
    finally:
        reader.close()


def test_each_thread_gets_its_own_searcher(index, make_doc):
    index.upsert([make_doc("1")])
    seen = []

    def read():
        with index.searcher() as searcher:
            seen.append(id(searcher))

    threads = [threading.Thread(target=read) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(seen)) == 3


# --- Locking and writers in other processes ------------------------------------------------------


def test_lock_waits_then_gives_up(tmp_path):
    path = tmp_path / "lock"
    with FileLock(path), pytest.raises(IndexBusyError):
        FileLock(path, timeout=0.2).acquire()
    with FileLock(path, timeout=0.2):  # free again
        pass


def test_a_writer_waits_for_the_lock_instead_of_failing(index, make_doc):
    lock = FileLock(index.path / "write.lock")
    lock.acquire()
    releaser = threading.Timer(0.3, lock.release)
    releaser.start()
    index.upsert([make_doc("1")])  # blocks until the timer releases the lock
    releaser.join()
    assert index.doc_ids() == {"1"}


def _run_in_processes(target, argsets):
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=target, args=args) for args in argsets]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    assert [p.exitcode for p in procs] == [0] * len(procs)


def test_two_processes_writing_disjoint_batches_lose_nothing(index):
    batches, per_batch = 8, 3
    _run_in_processes(
        _workers.upsert_batches,
        [(str(index.path), prefix, batches, per_batch) for prefix in ("a", "b")],
    )
    expected = {
        f"{prefix}{b}-{i}" for prefix in "ab" for b in range(batches) for i in range(per_batch)
    } - {"a0-0", "b0-0"}
    assert index.doc_ids() == expected


def test_two_processes_syncing_one_outbox_apply_it_exactly(index):
    length = 40
    _run_in_processes(_workers.sync_outbox, [(str(index.path), length, chunk) for chunk in (3, 7)])
    model: dict[str, str] = {}
    for change in _workers.outbox(length):
        if change.op == "upsert":
            model[change.doc_id] = change.payload.title
        else:
            model.pop(change.doc_id, None)
    assert index.last_applied_seq() == length
    assert index.doc_ids() == set(model)
    with index.searcher() as searcher:
        stored = {
            f["doc_id"]: f["title_en"] for f in searcher.all_stored_fields() if "title_en" in f
        }
    assert stored == model


def test_search_package_does_not_import_flask_or_sqlalchemy():
    code = (
        "import sys, search, search.query, search.index;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'hub')];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[3])


def test_index_written_here_opens_in_a_fresh_process(index, make_doc):
    index.upsert([make_doc("1", lang="en", title="running dialogue")])
    code = (
        "import sys; from search import SearchIndex, SearchRequest, search;"
        f"ix = SearchIndex({str(index.path)!r});"
        "r = search(ix, SearchRequest(q='run'));"
        "ix.close(); assert [h.doc_id for h in r.hits] == ['1'], r"
    )
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[3], env=env)


# --- Random sequences -----------------------------------------------------------------------------

_IDS = st.sampled_from([str(n) for n in range(6)])
_OPS = st.tuples(st.sampled_from(["upsert", "delete"]), _IDS)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches=st.lists(st.lists(_OPS, max_size=6), min_size=1, max_size=5))
def test_random_upserts_and_deletes_end_with_the_model_set(batches):
    model: set[str] = set()
    seq = 0
    with tempfile.TemporaryDirectory() as tmp:
        ix = SearchIndex(Path(tmp) / "index")
        try:
            for batch in batches:
                changes = []
                for op, doc_id in batch:
                    seq += 1
                    payload = build_doc(doc_id) if op == "upsert" else doc_id
                    changes.append(Change(seq, op, payload))
                    (model.add if op == "upsert" else model.discard)(doc_id)
                ix.apply(changes, last_seq=seq)
                assert ix.doc_ids() == model
            assert ix.last_applied_seq() == seq
            assert count(ix) == len(model)  # no duplicate copies either
        finally:
            ix.close()

"""Running a public query fast: matching, BM25F scores, facet counts and the top of the ranking,
without Whoosh's collectors.

Whoosh's collectors call a chain of Python matchers, a scorer and one categorizer per facet for
every matching document, and rebuild the per-document theme lists on every query; at 50,000
documents a common word costs hundreds of milliseconds that way. Here the query tree is
evaluated per segment on whole posting lists instead:

* a ``Term`` reads its whole posting list in one read, decodes it in memory and scores it
  with Whoosh's own BM25F formula and statistics, so the scores are the ones Whoosh computes;
  the decoded list and its scores stay in a bounded LRU cache shared by the process's threads
  (the scores until a commit changes the statistics);
* ``Or`` adds the scores of its children, ``And`` intersects and adds, ``AndNot`` subtracts:
  dictionary and set operations, which run at C speed;
* anything else (phrases, prefixes, wildcards, a lone ``NOT``) is evaluated by Whoosh's own
  matcher for that subtree, so every query Whoosh can run still runs, with Whoosh's scores.

Facet counts are exact and cover the whole result set: each facet value keeps a bitmap of its
documents (a Python int, built once per segment from the postings of the facet field), and a
count is the population count of its AND with the bitmap of the matches. The sort keys
(publication time) are read once per segment. Segments are immutable in Whoosh except for
deletions, so all of this is cached per segment and survives a commit that adds a segment;
deletions are applied per searcher state (a ``View``).

The few Whoosh internals read here (the block layout of the W3 posting format and the
field-length column) are behind ``_read_postings`` and ``_field_lengths``, which fall back to
Whoosh's public API for anything else; tests compare both paths.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from whoosh import query, scoring
from whoosh.codec import whoosh3
from whoosh.filedb.structfile import BufferFile
from whoosh.matching.wrappers import FilterMatcher
from whoosh.util.numeric import byte_to_length, length_to_byte

from search.schema import FACETS, META_DOC_ID

__all__ = ["EngineCache", "View", "bitmap_of", "evaluate", "sort_counts", "top_documents"]

# Decoded postings kept per process, in bytes: a posting takes 16 (docnum, weight and score
# in three arrays), so 64 MB hold 4 million postings, the lists of a few hundred frequent words
# at 50,000 documents.
CACHE_BYTES = 64_000_000
_POSTING_BYTES = 16
_ENTRY_BYTES = 200  # a cache entry of its own, even for a term the segment lacks
SORT_FIELD = "published_at"
_BYTE_LENGTHS = tuple(byte_to_length(b) for b in range(256))
_BITS = tuple(1 << i for i in range(8))


class _Postings:
    """One term's postings in one segment, and its BM25F scores for the statistics they were
    computed with (kept while no commit changes the statistics)."""

    __slots__ = ("ids", "scored", "weights")

    def __init__(self, ids: array, weights: array):
        self.ids = ids
        self.weights = weights
        self.scored: tuple[tuple, array] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def nbytes(self) -> int:
        return _ENTRY_BYTES + _POSTING_BYTES * len(self.ids)


_NO_POSTINGS = _Postings(array("i"), array("f"))


# --- Bitmaps ----------------------------------------------------------------------------


def bitmap_of(docnums: Iterable[int], size: int) -> int:
    """A Python int with bit ``d`` set for each docnum ``d`` (all below ``size``)."""
    buf = bytearray((size >> 3) + 1)
    bits = _BITS
    for d in docnums:
        buf[d >> 3] |= bits[d & 7]
    return int.from_bytes(buf, "little")


# --- Reading postings and lengths -------------------------------------------------------------


def _read_postings(reader, fieldname: str, btext: bytes) -> tuple[array, array]:
    """Every posting of a term in one segment, deleted documents included: (docnums, weights).

    The W3 codec stores postings in blocks of a pickled (delta-encoded ids, weights, values)
    tuple; decoding whole blocks here is several times faster than stepping a matcher.
    """
    ids, weights = array("i"), array("f")
    m = reader.postings(fieldname, btext)
    if isinstance(m, FilterMatcher):  # the segment has deletions: View.excluded drops them
        m = m.child
        m.reset()  # the filter has stepped past the deleted documents at the start
    if type(m) is whoosh3.W3LeafMatcher and hasattr(m, "_data") and not m._byteids:
        # One read of the whole list, then decoding in memory: the index is not memory-mapped
        # (see SearchIndex._open), and a read per block would cost two system calls each.
        length = m._length  # Whoosh 2.7 stores it as a 1-tuple (W3TermInfo.from_bytes)
        length = length[0] if isinstance(length, tuple) else length
        data = m._postfile.get(m._startoffset, length)
        m = whoosh3.W3LeafMatcher(BufferFile(data), 0, length, m.format, byteids=False)
        while m.is_active():
            if m._data is None:
                m._read_data()
            block_ids, block_weights = m._data[0], m._data[1]
            n = len(block_ids)
            ids.extend(itertools.accumulate(block_ids))
            if block_weights is None:
                weights.extend(itertools.repeat(1.0, n))
            elif isinstance(block_weights, float):
                weights.extend(itertools.repeat(block_weights, n))
            else:
                weights.extend(block_weights)
            m._next_block()
        return ids, weights
    while m.is_active():  # any other codec or matcher: the public, slower way
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    return ids, weights


def _field_lengths(reader, fieldname: str) -> bytes:
    """The length of ``fieldname`` in each document of a segment, as Whoosh stores it: one
    byte per document (``byte_to_length`` decodes it; 0 where the field is empty)."""
    count = reader.doc_count_all()
    perdoc = getattr(reader, "_perdoc", None)
    if isinstance(perdoc, whoosh3.W3PerDocReader):
        column = perdoc._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
        if column is None:
            return bytes(count)
        if hasattr(column, "_dbfile"):
            raw = column._dbfile.get(column._basepos, column._count)
            return bytes(raw) + bytes(count - len(raw))
    return bytes(
        length_to_byte(reader.doc_field_length(d, fieldname, 0) or 0) for d in range(count)
    )


# --- Per-segment data -------------------------------------------------------------------------


class _Segment:
    """What never changes in a segment: facet bitmaps, sort keys, field lengths."""

    def __init__(self, key: tuple, doc_count: int):
        self.key = key
        self.doc_count = doc_count
        self.lock = threading.Lock()
        self.lengths: dict[str, bytes] = {}
        self.values: dict[str, dict[str, array]] = {}  # facet -> value -> docnums
        self.bitmaps: dict[str, dict[str, int]] = {}  # facet -> value -> bitmap of docnums
        self.sort_keys: list[int] | None = None

    def field_lengths(self, reader, fieldname: str) -> bytes:
        lengths = self.lengths.get(fieldname)
        if lengths is None:
            lengths = self.lengths.setdefault(fieldname, _field_lengths(reader, fieldname))
        return lengths

    def facet_values(self, reader, facet: str) -> dict[str, array]:
        values = self.values.get(facet)
        if values is None:
            with self.lock:
                values = self.values.get(facet)
                if values is None:
                    values = self.values[facet] = _read_values(reader, facet)
        return values

    def facet_bitmaps(self, reader, facet: str) -> dict[str, int]:
        """Value -> bitmap of the segment's documents with it (local docnums)."""
        bitmaps = self.bitmaps.get(facet)
        if bitmaps is None:
            bitmaps = {
                value: bitmap_of(ids, self.doc_count)
                for value, ids in self.facet_values(reader, facet).items()
            }
            bitmaps = self.bitmaps.setdefault(facet, bitmaps)
        return bitmaps

    def published(self, reader) -> list[int]:
        if self.sort_keys is None:
            column = reader.column_reader(SORT_FIELD, translate=False)
            self.sort_keys = list(column)
        return self.sort_keys


def _read_values(reader, facet: str) -> dict[str, array]:
    fieldobj = reader.schema[facet]
    values = {}
    for btext in reader.lexicon(facet):
        ids, _ = _read_postings(reader, facet, btext)
        values[fieldobj.from_bytes(btext)] = ids
    return values


# --- A searcher's view ------------------------------------------------------------------------


class View:
    """One state of the index (its segments and their deletions), in global docnums."""

    def __init__(self, key: tuple, segments: list[tuple[_Segment, int, frozenset]], meta: set):
        self.key = key
        self.segments = segments  # (segment, docnum offset, deleted local docnums)
        self.doc_count = sum(seg.doc_count for seg, _, _ in segments)
        self.excluded = frozenset(
            {off + d for seg, off, deleted in segments for d in deleted} | meta
        )
        self._bitmaps: dict[str, dict[str, int]] = {}
        self._docsets: dict[tuple[str, str], frozenset] = {}
        self._published: list[int] | None = None
        self._all: frozenset | None = None

    # The readers passed in belong to the caller's searcher: segments are read lazily, by
    # whichever thread asks first, and every searcher on this state reads the same data.

    def _values(self, readers: Sequence, facet: str):
        for (seg, off, _), reader in zip(self.segments, readers, strict=True):
            yield off, seg.facet_values(reader, facet)

    def facet_bitmaps(self, readers: Sequence, facet: str) -> dict[str, int]:
        """Value -> bitmap of the documents with it (global docnums, deletions included)."""
        bitmaps = self._bitmaps.get(facet)
        if bitmaps is None:
            bitmaps = {}
            for (seg, off, _), reader in zip(self.segments, readers, strict=True):
                for value, bits in seg.facet_bitmaps(reader, facet).items():
                    bitmaps[value] = bitmaps.get(value, 0) | (bits << off)
            bitmaps = self._bitmaps.setdefault(facet, bitmaps)
        return bitmaps

    def docs_with(self, readers: Sequence, facet: str, value: str) -> frozenset:
        """The live documents whose ``facet`` has ``value``."""
        docs = self._docsets.get((facet, value))
        if docs is None:
            found = set()
            for off, values in self._values(readers, facet):
                ids = values.get(value, ())
                found.update(map(off.__add__, ids) if off else ids)
            docs = self._docsets.setdefault((facet, value), frozenset(found - self.excluded))
        return docs

    def all_documents(self, readers: Sequence) -> frozenset:
        """Every live public document (those with a language)."""
        if self._all is None:
            found = set()
            for off, values in self._values(readers, "lang"):
                for ids in values.values():
                    found.update(map(off.__add__, ids) if off else ids)
            self._all = frozenset(found - self.excluded)
        return self._all

    def published(self, readers: Sequence) -> list[int]:
        """The publication time of each document as a sortable int, by global docnum."""
        if self._published is None:
            keys: list[int] = []
            for (seg, _, _), reader in zip(self.segments, readers, strict=True):
                keys.extend(seg.published(reader))
            self._published = keys
        return self._published

    def facet_counts(self, readers: Sequence, docs: Iterable[int]) -> dict[str, dict[str, int]]:
        """Facet -> value -> how many of ``docs`` (live documents) have it."""
        matched = bitmap_of(docs, self.doc_count)
        counts = {}
        for facet in FACETS:
            bitmaps = self.facet_bitmaps(readers, facet)
            counts[facet] = {
                value: n for value, bits in bitmaps.items() if (n := (bits & matched).bit_count())
            }
        return counts


# --- The cache ---------------------------------------------------------------------------------


class EngineCache:
    """Per-process caches of one index directory: decoded postings and their scores (an LRU
    bounded by ``budget`` bytes), per-segment data and the views of the latest index states."""

    def __init__(self, budget: int = CACHE_BYTES):
        self.budget = budget
        self._lock = threading.Lock()
        self._postings: OrderedDict[tuple, _Postings] = OrderedDict()
        self._size = 0
        self._segments: dict[tuple, _Segment] = {}
        self._views: OrderedDict[tuple, View] = OrderedDict()

    def view(self, searcher) -> tuple[View, list]:
        """The view of ``searcher``'s index state and the segment readers, in order."""
        leaves = [(sub.reader(), off) for sub, off in searcher.leaf_searchers()]
        leaves = [(r, off) for r, off in leaves if r.segment() is not None]  # not empty
        key = tuple(
            (r.segment().segment_id(), r.doc_count_all(), r.segment().deleted_count(), off)
            for r, off in leaves
        )
        readers = [r for r, _ in leaves]
        with self._lock:
            view = self._views.get(key)
            if view is not None:
                self._views.move_to_end(key)
                return view, readers
        segments = []
        for r, off in leaves:
            seg_key = (r.segment().segment_id(), r.doc_count_all())
            with self._lock:
                seg = self._segments.get(seg_key)
                if seg is None:
                    seg = self._segments[seg_key] = _Segment(seg_key, r.doc_count_all())
            segments.append((seg, off, frozenset(r.segment().deleted_docs())))
        meta = set()
        for r, off in leaves:
            if ("doc_id", META_DOC_ID) in r:
                ids, _ = _read_postings(r, "doc_id", META_DOC_ID.encode("utf-8"))
                meta.update(off + d for d in ids)
        view = View(key, segments, meta)
        with self._lock:
            view = self._views.setdefault(key, view)
            while len(self._views) > 2:
                self._views.popitem(last=False)
            self._prune()
        return view, readers

    def _prune(self) -> None:
        """Forget segments no kept view uses, and their postings (under the lock)."""
        live = {seg.key for view in self._views.values() for seg, _, _ in view.segments}
        dead = set(self._segments) - live
        if not dead:
            return
        for key in dead:
            del self._segments[key]
        for key in [k for k in self._postings if k[0] in dead]:
            self._size -= self._postings.pop(key).nbytes

    def postings(self, seg: _Segment, reader, fieldname: str, btext: bytes) -> _Postings:
        """A term's postings in one segment; empty if the segment lacks it."""
        key = (seg.key, fieldname, btext)
        with self._lock:
            found = self._postings.get(key)
            if found is not None:
                self._postings.move_to_end(key)
                return found
        # A segment without the field at all (a small one from a commit that added a few
        # documents) needs no look-up in its term table.
        if reader.field_length(fieldname) and (fieldname, btext) in reader:
            found = _Postings(*_read_postings(reader, fieldname, btext))
        else:
            found = _NO_POSTINGS
        size = found.nbytes
        if size > self.budget // 4:
            return found  # too big to keep: it would push out everything else
        with self._lock:
            if key not in self._postings:
                self._postings[key] = found
                self._size += size
                while self._size > self.budget:
                    _, old = self._postings.popitem(last=False)
                    self._size -= old.nbytes
        return found

    def clear_postings(self) -> None:
        """Forget the decoded postings (the benchmark measures queries that find none)."""
        with self._lock:
            self._postings.clear()
            self._size = 0

    def clear(self) -> None:
        """Forget everything; the next query reads what it needs again."""
        with self._lock:
            self._postings.clear()
            self._size = 0
            self._segments.clear()
            self._views.clear()


# --- Evaluating a query ---------------------------------------------------------------------


@dataclass
class _Context:
    searcher: object  # the top-level Whoosh searcher (global statistics)
    cache: EngineCache
    whoosh_context: object = field(default=None)

    def __post_init__(self):
        self.whoosh_context = self.searcher.context(
            needs_current=True, weighting=self.searcher.weighting
        )


def evaluate(q: query.Query, searcher, cache: EngineCache, view: View) -> dict[int, float]:
    """Global docnum -> score of every live document ``q`` matches (Whoosh's BM25F scores)."""
    ctx = _Context(searcher, cache)
    subsearchers = [
        sub for sub, _ in searcher.leaf_searchers() if sub.reader().segment() is not None
    ]
    results: dict[int, float] = {}
    for (seg, off, _), sub in zip(view.segments, subsearchers, strict=True):
        found = _evaluate(q, sub, seg, ctx)
        if not found:
            continue
        if off:
            found = dict(zip(map(off.__add__, found), found.values(), strict=True))
        if results:
            results.update(found)
        else:
            results = found
    for d in view.excluded:
        results.pop(d, None)
    return results


def _evaluate(q: query.Query, sub, seg: _Segment, ctx: _Context) -> dict[int, float]:
    kind = type(q)
    if q is query.NullQuery or kind is type(query.NullQuery):
        return {}
    if kind is query.Term:
        return _term(q, sub, seg, ctx)
    if kind is query.Or and not q.minmatch and not q.scale:
        found = _union([_evaluate(child, sub, seg, ctx) for child in q.subqueries])
        return _boosted(found, q.boost)
    if kind is query.And and not any(isinstance(c, query.Not) for c in q.subqueries):
        found = _intersection(q.subqueries, sub, seg, ctx)
        return _boosted(found, q.boost)
    if kind is query.AndNot:
        positive = _evaluate(q.a, sub, seg, ctx)
        if not positive:
            return {}
        negative = _evaluate(q.b, sub, seg, ctx)
        found = {d: s for d, s in positive.items() if d not in negative}
        return _boosted(found, q.boost)
    return _with_whoosh(q, sub, ctx)


def _boosted(found: dict, boost: float) -> dict:
    if boost == 1.0:
        return found
    return {d: s * boost for d, s in found.items()}


def _union(parts: list[dict]) -> dict:
    parts = sorted((p for p in parts if p), key=len, reverse=True)
    if not parts:
        return {}
    total = dict(parts[0])
    for part in parts[1:]:
        both = total.keys() & part.keys()
        before = {d: total[d] for d in both}
        total.update(part)
        for d in both:
            total[d] += before[d]
    return total


def _intersection(children, sub, seg, ctx) -> dict:
    parts = []
    for child in children:
        part = _evaluate(child, sub, seg, ctx)
        if not part:
            return {}
        parts.append(part)
    if len(parts) == 1:
        return parts[0]
    parts.sort(key=len)
    common = parts[0].keys() & parts[1].keys()
    for part in parts[2:]:
        common &= part.keys()
    if len(parts) == 2:
        a, b = parts
        return {d: a[d] + b[d] for d in common}
    return {d: sum(p[d] for p in parts) for d in common}


def _term(q: query.Term, sub, seg: _Segment, ctx: _Context) -> dict[int, float]:
    schema = ctx.searcher.schema
    weighting = ctx.searcher.weighting
    if q.fieldname not in schema or q.minquality:
        return _with_whoosh(q, sub, ctx)
    fieldobj = schema[q.fieldname]
    if not isinstance(weighting, scoring.BM25F) or not fieldobj.scorable:
        return _with_whoosh(q, sub, ctx)
    try:
        btext = fieldobj.to_bytes(q.text)
    except ValueError:
        return {}
    reader = sub.reader()
    postings = ctx.cache.postings(seg, reader, q.fieldname, btext)
    if not postings:
        return {}
    # BM25F as whoosh.scoring.bm25 computes it, with the top searcher's statistics, times the
    # term's boost (Whoosh wraps a boosted term's matcher to multiply its score).
    idf = ctx.searcher.idf(q.fieldname, btext)
    avgfl = ctx.searcher.avg_field_length(q.fieldname) or 1
    b = weighting._field_B.get(q.fieldname, weighting.B)
    k1 = weighting.K1
    stats = (idf, avgfl, b, k1, q.boost)
    scored = postings.scored
    if scored is not None and scored[0] == stats:
        return dict(zip(postings.ids, scored[1], strict=True))
    lengths = seg.field_lengths(reader, q.fieldname)
    # The length part of the denominator for each of the 256 stored length bytes.
    norm = [k1 * ((1 - b) + b * length / avgfl) for length in _BYTE_LENGTHS]
    c = idf * (k1 + 1) * q.boost
    found = {
        d: c * w / (w + norm[lengths[d]])
        for d, w in zip(postings.ids, postings.weights, strict=True)
    }
    if postings is not _NO_POSTINGS:
        postings.scored = (stats, array("d", found.values()))
    return found


def _with_whoosh(q: query.Query, sub, ctx: _Context) -> dict[int, float]:
    """Whoosh's own matcher for a subtree this module does not evaluate itself."""
    m = q.matcher(sub, ctx.whoosh_context)
    found = {}
    while m.is_active():
        found[m.id()] = m.score()
        m.next()
    return found


# --- Ranking --------------------------------------------------------------------------------


def top_documents(docs: Sequence[int] | frozenset | set, key, k: int) -> list[int]:
    """The ``k`` docs with the largest ``key(doc)``, ties by smaller docnum, best first."""
    if k <= 0 or not docs:
        return []
    docs = list(docs)
    if len(docs) > k:
        kth = heapq.nlargest(k, map(key, docs))[-1]
        docs = list(itertools.compress(docs, map(kth.__le__, map(key, docs))))
    docs.sort(key=lambda d: (-key(d), d))
    return docs[:k]


def sort_counts(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(((v, n) for v, n in counts.items() if v), key=lambda item: (-item[1], item[0]))

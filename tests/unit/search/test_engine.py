"""The fast query engine against Whoosh itself: the same matches and BM25F scores, the same facet
counts and the same ranking as Whoosh's collectors, on an index of several segments with
deletions; the Whoosh internals it reads agree with Whoosh's public API; the caches stay
bounded and follow commits."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from whoosh import query, sorting
from whoosh.matching import WrappingMatcher
from whoosh.util.numeric import byte_to_length

from content import languages
from search import SearchIndex, SearchRequest, search
from search.engine import (
    EngineCache,
    _field_lengths,
    _read_postings,
    bitmap_of,
    evaluate,
    top_documents,
)
from search.parsing import build_query, sanitize_query_text
from search.schema import FACETS, META_DOC_ID, TEXT_KINDS, analyzer_keys, text_field
from tests.unit.search.factories import build_doc

WORDS = {
    code: words.split()
    for code, words in (
        (
            "en",
            "peace dialogue youth tolerance community school teacher running runs festival"
            " library river market voices hope trust",
        ),
        ("ur", "امن مکالمہ نوجوان رواداری برادری اسکول استاد میلہ کتاب دریا بازار آواز امید"),
        ("sd", "امن ڳالهه نوجوان رواداري برادري اسڪول استاد ميلو ڪتاب درياهه بازار آواز اميد"),
    )
}
THEMES = ("peace", "youth", "education", "interfaith", "community")
REGIONS = ("Sindh", "Punjab", "Balochistan", None)
ORGS = ("org-a", "org-b", "org-c")
CAMPAIGNS = (None, "voices", "bridges")


def _text(rng: random.Random, lang: str, n: int) -> str:
    return " ".join(rng.choice(WORDS[lang]) for _ in range(n))


def _corpus(seed: int = 7) -> list:
    rng = random.Random(seed)
    docs = []
    for i in range(90):
        lang = ("en", "ur", "sd")[i % 3]
        docs.append(
            build_doc(
                f"d{i}",
                story_id=i,
                lang=lang,
                title=_text(rng, lang, rng.randint(2, 5)),
                summary=_text(rng, lang, rng.randint(0, 12)),
                body=_text(rng, lang, rng.randint(5, 80)),
                themes=tuple(rng.sample(THEMES, rng.randint(0, 2))),
                region=rng.choice(REGIONS),
                organisation=rng.choice(ORGS),
                campaign=rng.choice(CAMPAIGNS),
                # Some share a date: the ranking must break those ties the way Whoosh does.
                published_at=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 40)),
            )
        )
    return docs


@pytest.fixture(scope="module")
def segmented(tmp_path_factory):
    """An index of several segments, some with deleted documents, not merged."""
    ix = SearchIndex(tmp_path_factory.mktemp("segmented") / "index")
    docs = _corpus()
    ix.rebuild(docs[:40], last_seq=0)
    name = ix._current_name()
    whoosh_ix = ix._open(name)
    from search.schema import document_fields

    for batch in (docs[40:65], docs[65:]):
        writer = whoosh_ix.writer()
        for doc in batch:
            writer.add_document(**document_fields(doc))
        writer.commit(merge=False)
    writer = whoosh_ix.writer()
    for doc_id in ("d3", "d17", "d44", "d70", "d71"):
        writer.delete_by_term("doc_id", doc_id)
    writer.commit(merge=False)
    with ix.searcher() as searcher:
        leaves = list(searcher.leaf_searchers())
        assert len(leaves) >= 3, "the fixture must have several segments"
        assert sum(sub.reader().segment().deleted_count() for sub, _ in leaves) == 5
    yield ix
    ix.close()


QUERIES = [
    "peace",
    "peace youth",
    "running",  # stemmed: matches run, runs
    "river market hope",
    "امن",
    "امن نوجوان",
    "رواداري",
    "ڪتاب",
    '"peace dialogue"',  # phrase: Whoosh's matcher inside the engine
    "libr*",  # prefix on the unstemmed vocabulary
    "peace NOT youth",
    "peace OR river",
    "NOT peace",
    "zzzz",
]


def _whoosh_scores(searcher, q) -> dict[int, float]:
    results = searcher.search(q, limit=None, optimize=False, mask=query.Term("doc_id", META_DOC_ID))
    return {hit.docnum: hit.score for hit in results}


@pytest.mark.parametrize("text", QUERIES)
def test_matches_and_scores_are_whooshs(segmented, text):
    with segmented.searcher() as searcher:
        q = build_query(sanitize_query_text(text), searcher.schema, analyzer_keys())
        view, _ = segmented.engine.view(searcher)
        ours = evaluate(q, searcher, segmented.engine, view)
        theirs = _whoosh_scores(searcher, q)
    assert ours.keys() == theirs.keys()
    assert ours == pytest.approx(theirs, rel=1e-9)
    if text not in ("zzzz",):
        assert ours, "each query but the last must find something in the corpus"


def _old_search(ix: SearchIndex, request: SearchRequest):
    """The Whoosh-collector implementation this engine replaced: the oracle."""
    text = sanitize_query_text(request.q)
    keys = tuple(dict.fromkeys(languages.get(c).analyzer for c in request.langs or ()))
    keys = keys or analyzer_keys()
    with ix.searcher() as searcher:
        q = build_query(text, searcher.schema, keys) if text else query.Every("lang")
        tiers = []
        if request.prefer_lang:
            tiers.append(sorting.QueryFacet({0: query.Term("lang", request.prefer_lang)}, other=1))
        if request.sort == "newest" or not text:
            tiers.append(sorting.FieldFacet("published_at", reverse=True))
        elif tiers:
            tiers.append(sorting.ScoreFacet())
        clauses = []
        if request.langs:
            clauses.append(query.Or([query.Term("lang", c) for c in request.langs]))
        clauses += [query.Term(k, v) for k, v in request.filters.items()]
        results = searcher.search(
            q,
            limit=request.page * request.per_page,
            sortedby=(tiers if len(tiers) > 1 else tiers[0]) if tiers else None,
            groupedby={
                name: sorting.FieldFacet(name, allow_overlap=(name == "themes")) for name in FACETS
            },
            maptype=sorting.Count,
            filter=query.And(clauses) if clauses else None,
            mask=query.Term("doc_id", META_DOC_ID),
            optimize=False,
        )
        start = (request.page - 1) * request.per_page
        ids = [r["doc_id"] for r in results[start : start + request.per_page]]
        facets = {
            name: sorted(
                ((v, n) for v, n in results.groups(name).items() if v),
                key=lambda item: (-item[1], item[0]),
            )
            for name in FACETS
        }
        return len(results), ids, facets


REQUESTS = [
    SearchRequest(q="peace", per_page=50),
    SearchRequest(q="peace", prefer_lang="ur", per_page=50),
    SearchRequest(q="امن", prefer_lang="sd", per_page=7, page=2),
    SearchRequest(q="امن", prefer_lang="ur", sort="newest", per_page=50),
    SearchRequest(q="peace youth", sort="newest", per_page=5, page=3),
    SearchRequest(q="", per_page=50),
    SearchRequest(q="", prefer_lang="en", per_page=10, page=4),
    SearchRequest(q="امن", filters={"region": "Sindh"}, per_page=50),
    SearchRequest(q="", filters={"themes": "youth", "organisation": "org-b"}, per_page=50),
    SearchRequest(q="امن OR peace", langs=("ur", "en"), prefer_lang="en", per_page=50),
    SearchRequest(q="peace", filters={"campaign": "voices", "lang": "en"}, per_page=50),
]


@pytest.mark.parametrize("request_", REQUESTS, ids=lambda r: f"{r.q or 'browse'}-{r.sort}")
def test_ranking_totals_and_facets_are_those_of_whooshs_collectors(segmented, request_):
    total, ids, facets = _old_search(segmented, request_)
    results = search(segmented, request_)
    assert results.total == total
    assert [h.doc_id for h in results.hits] == ids
    assert results.facets == facets
    assert total > 0


def test_deleted_documents_are_never_found_or_counted(segmented):
    deleted = {"d3", "d17", "d44", "d70", "d71"}
    results = search(segmented, SearchRequest(q="", per_page=50))
    assert results.total == 85
    every = {
        h.doc_id
        for p in (1, 2)
        for h in search(segmented, SearchRequest(q="", per_page=50, page=p)).hits
    }
    assert len(every) == 85 and not every & deleted
    assert sum(n for _, n in results.facets["lang"]) == 85


# --- The Whoosh internals the engine reads --------------------------------------------------


def test_block_decoding_equals_the_public_matcher(segmented):
    checked = deleted_seen = 0
    with segmented.searcher() as searcher:
        for sub, _ in searcher.leaf_searchers():
            reader = sub.reader()
            for key in ("en", "ur", "sd"):
                for kind in TEXT_KINDS:
                    fieldname = text_field(kind, key)
                    for btext in reader.lexicon(fieldname):
                        ids, weights = _read_postings(reader, fieldname, btext)
                        assert list(ids) == sorted(set(ids))
                        # The engine reads deleted documents too (and drops them later).
                        live = [
                            (d, w)
                            for d, w in zip(ids, weights, strict=True)
                            if not reader.is_deleted(d)
                        ]
                        m = reader.postings(fieldname, btext)
                        expected = []
                        while m.is_active():
                            expected.append((m.id(), m.weight()))
                            m.next()
                        assert live == expected
                        checked += 1
                        deleted_seen += len(ids) - len(live)
    assert checked > 100 and deleted_seen > 0


def test_long_posting_lists_span_several_blocks(tmp_path):
    ix = SearchIndex(tmp_path / "index")
    ix.rebuild([build_doc(f"x{i}", lang="en", body="peace " * (i % 4 + 1)) for i in range(300)], 0)
    with ix.searcher() as searcher:
        reader = searcher.reader()
        ids, weights = _read_postings(reader, "body_en", b"peac")
        assert list(ids) == list(range(300))  # blocks hold 128 postings
        assert list(weights) == [float(i % 4 + 1) for i in range(300)]
    ix.close()


def test_field_lengths_equal_the_public_reader(segmented):
    with segmented.searcher() as searcher:
        for sub, _ in searcher.leaf_searchers():
            reader = sub.reader()
            for fieldname in ("title_en", "body_ur", "summary_sd", "body_ps"):
                lengths = _field_lengths(reader, fieldname)
                expected = [
                    reader.doc_field_length(d, fieldname, 0) or 0
                    for d in range(reader.doc_count_all())
                ]
                assert [byte_to_length(b) if b else 0 for b in lengths] == expected


class _PublicOnly:
    """A segment reader seen through Whoosh's public API only (another codec, say)."""

    def __init__(self, reader):
        self._reader = reader

    def postings(self, fieldname, text):
        return WrappingMatcher(self._reader.postings(fieldname, text))

    def __getattr__(self, name):
        if name == "_perdoc":
            raise AttributeError(name)
        return getattr(self._reader, name)


def test_public_fallbacks_agree_with_the_fast_paths(segmented):
    with segmented.searcher() as searcher:
        for sub, _ in searcher.leaf_searchers():
            reader = sub.reader()
            public = _PublicOnly(reader)
            assert _field_lengths(public, "body_ur") == _field_lengths(reader, "body_ur")
            for btext in list(reader.lexicon("body_en"))[:20]:
                fast_ids, fast_weights = _read_postings(reader, "body_en", btext)
                ids, weights = _read_postings(public, "body_en", btext)
                # The public matcher skips deleted documents; the fast path keeps them.
                assert set(ids) <= set(fast_ids)
                assert set(fast_ids) - set(ids) == {d for d in fast_ids if reader.is_deleted(d)}
                fast = dict(zip(fast_ids, fast_weights, strict=True))
                assert all(fast[d] == w for d, w in zip(ids, weights, strict=True))


# --- Caches ------------------------------------------------------------------------------------


def test_postings_cache_stays_within_its_budget_and_results_stay_right(segmented):
    small = EngineCache(budget=3000)
    with segmented.searcher() as searcher:
        view, _ = small.view(searcher)
        for text in QUERIES:
            q = build_query(sanitize_query_text(text), searcher.schema, analyzer_keys())
            assert evaluate(q, searcher, small, view) == pytest.approx(
                _whoosh_scores(searcher, q), rel=1e-9
            )
            assert small._size <= small.budget
    assert small._postings, "small posting lists are kept"


def test_cached_scores_follow_the_statistics_of_a_commit(tmp_path):
    ix = SearchIndex(tmp_path / "index")
    ix.rebuild([build_doc(f"p{i}", lang="en", body="peace " * (i + 1)) for i in range(20)], 0)

    def scores():
        with ix.searcher() as searcher:
            q = build_query("peace", searcher.schema, ("en",))
            view, _ = ix.engine.view(searcher)
            return (
                evaluate(q, searcher, ix.engine, view),
                _whoosh_scores(searcher, q),
            )

    first, expected = scores()
    assert first == pytest.approx(expected, rel=1e-9)
    assert scores()[0] == first  # the second time from the cached scores
    cached = [p for p in ix.engine._postings.values() if p.scored]
    assert cached, "the scores were kept"
    # A commit that leaves the big segment alone but changes idf and the average length.
    whoosh_ix = ix._open(ix._current_name())
    writer = whoosh_ix.writer()
    from search.schema import document_fields

    for i in range(5):
        doc = build_doc(f"q{i}", lang="en", body="harmony " * 40 + "peace")
        writer.add_document(**document_fields(doc))
    writer.commit(merge=False)
    after, expected_after = scores()
    assert after == pytest.approx(expected_after, rel=1e-9)
    assert after[0] != pytest.approx(first[0], rel=1e-6)  # the statistics did change
    ix.close()


def test_a_commit_is_seen_and_old_segments_are_forgotten(tmp_path):
    ix = SearchIndex(tmp_path / "index")
    ix.rebuild([build_doc("1", lang="en", body="harmony")], last_seq=0)
    assert [h.doc_id for h in search(ix, SearchRequest(q="harmony")).hits] == ["1"]
    ix.upsert([build_doc("2", lang="en", body="harmony harmony")])
    assert {h.doc_id for h in search(ix, SearchRequest(q="harmony")).hits} == {"1", "2"}
    ix.delete(["1"])
    results = search(ix, SearchRequest(q="harmony"))
    assert [h.doc_id for h in results.hits] == ["2"] and results.facets["lang"] == [("en", 1)]
    ix.rebuild([build_doc("3", lang="en", body="harmony")], last_seq=0)
    assert [h.doc_id for h in search(ix, SearchRequest(q="harmony")).hits] == ["3"]
    with ix.searcher() as searcher:
        view, _ = ix.engine.view(searcher)
    kept = {seg.key for seg, _, _ in view.segments}
    assert set(ix.engine._segments) <= kept | {
        seg.key for v in ix.engine._views.values() for seg, _, _ in v.segments
    }
    assert len(ix.engine._views) <= 2
    ix.close()


# --- Small pieces --------------------------------------------------------------------------------


def test_bitmap_of():
    assert bitmap_of([], 10) == 0
    assert bitmap_of([0, 3, 9], 10) == 0b1000001001
    assert bitmap_of(range(1000), 1000).bit_count() == 1000


def test_top_documents_orders_by_key_then_docnum():
    key = {1: 5.0, 2: 7.0, 3: 5.0, 4: 1.0, 5: 7.0}.__getitem__
    assert top_documents({1, 2, 3, 4, 5}, key, 3) == [2, 5, 1]
    assert top_documents([4, 3, 1], key, 10) == [1, 3, 4]
    assert top_documents({1, 2}, key, 0) == []

"""Public search against a small multilingual corpus: matching however the text is typed,
letters that must stay apart, facets, filters, ranking, pages, suggestions, the fields the
public may address, safe snippets, and input that must never raise."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from whoosh.query import And, Prefix, Wildcard

from search import SearchIndex, SearchRequest, search
from search.parsing import build_query
from search.schema import TEXT_KINDS, spell_field, text_field
from tests.unit.search.factories import build_doc

FARSI_YEH, ARABIC_YEH, KEHEH, ARABIC_KAF = "\u06cc", "\u064a", "\u06a9", "\u0643"
HEH_GOAL, ARABIC_HEH, ZWNJ, ZWJ, RLM = "\u06c1", "\u0647", "\u200c", "\u200d", "\u200f"
PASHTO_MAN = "\u0633\u0693\u06cc"  # سړی, with Farsi yeh
PASHTO_MEN = "\u0633\u0693\u064a"  # سړي, with Arabic yeh


def day(month, d, year=2024):
    return datetime(year, month, d, tzinfo=UTC)


CORPUS = [
    build_doc(
        "ur-1",
        title="امن کی کہانی",
        summary="نوجوانوں کا مکالمہ",
        body=(
            "نوجوانوں نے امن اور رواداری کے لیے مکالمہ کیا۔ ہم آہنگی کی ابتداء ۲۰۲۴ء میں ہوئی۔ "
            f"امن{ZWNJ}پسند لوگ بےروزگاری کے خلاف ہیں۔ نئے مسائل پر بات ہوئی۔"
        ),
        themes=("youth", "tolerance"),
        region="Punjab",
        published_at=day(3, 1),
    ),
    build_doc(
        "ur-2",
        title="کھانے کی دعوت",
        body="محلے کے بچوں نے مل کر کھانا کھایا اور دوستی کی۔",
        themes=("community",),
        region="Sindh",
        published_at=day(2, 1),
    ),
    build_doc(
        "ur-3",
        title="استاد کی بات",
        body="استاد نے کہا کہ ھم سب کو برداشت سیکھنی چاہیے۔",
        themes=("education", "tolerance"),
        region="Khyber Pakhtunkhwa",
        published_at=day(1, 15),
    ),
    build_doc(
        "ur-4",
        title="<b>امن</b> مارچ",
        body="<script>alert('x')</script> امن مارچ میں شرکت & خوشی",
        themes=("peace",),
        region=None,
        organisation="org-b",
        published_at=day(12, 1, 2023),
    ),
    build_doc(
        "en-1",
        lang="en",
        title="Running for peace",
        body="Young volunteers are running community dialogues about tolerance.",
        themes=("youth", "community"),
        region="Punjab",
        organisation="org-b",
        published_at=day(4, 1),
    ),
    build_doc(
        "en-2",
        lang="en",
        title="A library of dialogue",
        body="The library hosts weekly interfaith dialogue for students.",
        themes=("interfaith", "education"),
        region="Islamabad",
        published_at=day(5, 1),
    ),
    build_doc(
        "sd-1",
        lang="sd",
        title="امن جي ڪهاڻي",
        body="ڪميونٽي جا ڪارڪن امن لاءِ ڪم ڪن ٿا ۽ رواداري سيکارين ٿا",
        themes=("tolerance",),
        region="Sindh",
        published_at=day(3, 15),
    ),
    build_doc(
        "sd-2",
        lang="sd",
        title="نوجوانن جو پيغام",
        body="نوجوان امن جو پيغام کڻي آيا",
        themes=("peace",),
        region="Sindh",
        published_at=day(6, 1),
    ),
    build_doc(
        "ps-1",
        lang="ps",
        title="د سولې کیسه",
        body=f"یو {PASHTO_MAN} د سولې او زغم لپاره له ځوانانو سره خبرې وکړې",
        themes=("peace",),
        region="Khyber Pakhtunkhwa",
        published_at=day(2, 15),
    ),
    build_doc(
        "ps-2",
        lang="ps",
        title="د ټولنې غونډه",
        body=f"ډېر {PASHTO_MEN} د ټولنې په غونډه کې د پښتو ژبې په اړه وغږېدل",
        themes=("community",),
        region="Balochistan",
        published_at=day(1, 20),
    ),
]
ALL_IDS = {doc.doc_id for doc in CORPUS}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    ix = SearchIndex(tmp_path_factory.mktemp("corpus") / "index")
    ix.rebuild(CORPUS, last_seq=0)
    yield ix
    ix.close()


def found(ix, q, **kwargs) -> set[str]:
    return {h.doc_id for h in search(ix, SearchRequest(q=q, per_page=50, **kwargs)).hits}


# --- Urdu found however typed -------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("رواداری", id="as-written"),
        pytest.param("رواداری".replace(FARSI_YEH, ARABIC_YEH), id="arabic-yeh"),
        pytest.param("مکالمہ".replace(KEHEH, ARABIC_KAF), id="arabic-kaf"),
        pytest.param("مکالمہ".replace(HEH_GOAL, ARABIC_HEH), id="arabic-heh"),
        pytest.param("رَواداری", id="diacritic"),
        pytest.param("رواـــداری", id="tatweel"),
        pytest.param(f"روا{ZWJ}داری", id="zwj"),
        pytest.param(f"روا{RLM}داری", id="rlm"),
        pytest.param(f"امن{ZWNJ}پسند", id="zwnj-compound"),
        pytest.param("امن پسند", id="compound-with-space"),
        pytest.param("۲۰۲۴", id="extended-arabic-indic-digits"),
        pytest.param("٢٠٢٤", id="arabic-indic-digits"),
        pytest.param("2024", id="ascii-digits"),
        pytest.param("ابتدا", id="without-final-hamza"),
        pytest.param("مسایل", id="yeh-for-hamza-yeh"),
        pytest.param("نۓ", id="yeh-barree-hamza"),
        pytest.param("ہم \u0627\u0653ہنگی", id="decomposed-madda"),
        pytest.param("\ufee3\ufedc\ufe8e\ufedf\ufee4\ufeea", id="presentation-forms"),
        pytest.param("بے روزگاری", id="yeh-barree-split"),
        pytest.param("روزگاری", id="second-half-of-split"),
        pytest.param("رواداری کیا ہے؟", id="question-with-stop-words"),
        pytest.param('"امن اور رواداری"', id="phrase-with-stop-word"),
        pytest.param("رواد*", id="prefix"),
    ],
)
def test_urdu_found_however_typed(corpus, typed):
    assert "ur-1" in found(corpus, typed)


def test_a_word_only_urdu_stops_does_not_block_other_languages(corpus):
    # کیا is an Urdu stop word, not a Sindhi one: the Urdu document must still match.
    assert found(corpus, "رواداری کیا") >= {"ur-1"}


# --- Letters that stay apart -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        pytest.param("ڪم", {"sd-1"}, id="swash-kaf-k"),
        pytest.param("کم", set(), id="keheh-kh-is-another-word"),
        pytest.param(ARABIC_KAF + "م", {"sd-1"}, id="arabic-kaf-is-sindhi-k"),
        pytest.param("کڻي", {"sd-2"}, id="keheh-kh"),
        pytest.param("ڪڻي", set(), id="swash-kaf-is-another-word"),
    ],
)
def test_sindhi_k_and_kh_stay_apart(corpus, typed, expected):
    assert found(corpus, typed, langs=("sd",)) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        pytest.param(PASHTO_MAN, {"ps-1"}, id="farsi-yeh-man"),
        pytest.param(PASHTO_MEN, {"ps-2"}, id="arabic-yeh-men"),
        pytest.param("\u0633\u0693\u06d0", set(), id="e"),
        pytest.param("\u0633\u0693\u06cd", set(), id="yeh-with-tail"),
    ],
)
def test_pashto_yeh_letters_stay_apart(corpus, typed, expected):
    assert found(corpus, typed, langs=("ps",)) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        pytest.param("کہا", {"ur-3"}, id="kaha-said"),
        pytest.param("کھایا", {"ur-2"}, id="khaya-ate"),
        pytest.param("کہایا", set(), id="heh-goal-is-not-aspiration"),
    ],
)
def test_aspirate_stays_apart_from_heh(corpus, typed, expected):
    assert found(corpus, typed, langs=("ur",)) == expected


def test_doachashmee_without_a_consonant_is_heh(corpus):
    assert "ur-3" in found(corpus, "ہم", langs=("ur",))  # written ھم in the text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("run", {"en-1"}), ("runs", {"en-1"}), ("dialogue", {"en-1", "en-2"}), ("runn*", {"en-1"})],
    ids=["run", "runs", "dialogue", "prefix-of-unstemmed-word"],
)
def test_english_stemming(corpus, typed, expected):
    assert found(corpus, typed, langs=("en",)) == expected


# --- Facets, filters, ranking, pages -------------------------------------------------------------


def test_facets_count_the_whole_result_set(corpus):
    results = search(corpus, SearchRequest(q="", per_page=2))
    assert results.total == len(CORPUS) and len(results.hits) == 2
    assert results.facets == {
        "lang": [("ur", 4), ("en", 2), ("ps", 2), ("sd", 2)],
        "themes": [
            ("community", 3),
            ("peace", 3),
            ("tolerance", 3),
            ("education", 2),
            ("youth", 2),
            ("interfaith", 1),
        ],
        "region": [
            ("Sindh", 3),
            ("Khyber Pakhtunkhwa", 2),
            ("Punjab", 2),
            ("Balochistan", 1),
            ("Islamabad", 1),
        ],
        "kind": [("story", 10)],
        "campaign": [],
        "organisation": [("org-a", 8), ("org-b", 2)],
    }


def test_facets_follow_the_query(corpus):
    results = search(corpus, SearchRequest(q="امن", per_page=1))
    assert results.total == 4
    assert results.facets["lang"] == [("sd", 2), ("ur", 2)]
    assert results.facets["themes"] == [("peace", 2), ("tolerance", 2), ("youth", 1)]


@pytest.mark.parametrize(
    ("q", "filters", "expected"),
    [
        ("", {"region": "Sindh"}, {"ur-2", "sd-1", "sd-2"}),
        ("", {"themes": "tolerance", "lang": "sd"}, {"sd-1"}),
        ("امن", {"region": "Sindh"}, {"sd-1", "sd-2"}),
        ("امن", {"organisation": "org-b"}, {"ur-4"}),
        ("", {"region": ""}, ALL_IDS),  # an empty value is no filter
    ],
    ids=["region", "theme-and-lang", "query-and-region", "organisation", "empty-value"],
)
def test_filters_narrow(corpus, q, filters, expected):
    assert found(corpus, q, filters=filters) == expected


def test_unknown_facet_or_sort_is_a_programming_error(corpus):
    with pytest.raises(ValueError, match="facet"):
        search(corpus, SearchRequest(q="امن", filters={"status": "draft"}))
    with pytest.raises(ValueError, match="sort"):
        search(corpus, SearchRequest(q="امن", sort="oldest"))


def test_langs_restrict_the_languages_searched(corpus):
    assert found(corpus, "امن", langs=("en",)) == set()
    assert found(corpus, "امن", langs=("sd",)) == {"sd-1", "sd-2"}


@pytest.mark.parametrize("prefer", ["sd", "ur"])
@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_preferred_language_ranks_first(corpus, prefer, sort):
    hits = search(corpus, SearchRequest(q="امن", prefer_lang=prefer, sort=sort)).hits
    assert [h.lang for h in hits] == [prefer, prefer, *[h.lang for h in hits[2:]]]
    assert {h.lang for h in hits[2:]} == {"ur", "sd"} - {prefer}


def test_newest_first(corpus):
    hits = search(corpus, SearchRequest(q="امن", sort="newest")).hits
    assert [h.doc_id for h in hits] == ["sd-2", "sd-1", "ur-1", "ur-4"]


def test_browsing_is_newest_first(corpus):
    hits = search(corpus, SearchRequest(q="", per_page=50)).hits
    dates = [h.published_at for h in hits]
    assert dates == sorted(dates, reverse=True) and len(hits) == len(CORPUS)


def test_pagination(corpus):
    pages = [search(corpus, SearchRequest(q="", page=p, per_page=3)) for p in range(1, 6)]
    assert [r.pages for r in pages] == [4] * 5
    assert [len(r.hits) for r in pages] == [3, 3, 3, 1, 0]
    ids = [h.doc_id for r in pages for h in r.hits]
    assert len(ids) == len(set(ids)) and set(ids) == ALL_IDS
    assert all(r.facets == pages[0].facets and r.total == 10 for r in pages)
    assert search(corpus, SearchRequest(q="", page=0, per_page=500)).page == 1


def test_hit_fields(corpus):
    [hit] = search(corpus, SearchRequest(q="library", langs=("en",))).hits
    assert (hit.doc_id, hit.story_id, hit.lang, hit.slug) == ("en-2", 2, "en", "story-en-2")
    assert hit.published_at == day(5, 1) and hit.published_at.tzinfo is UTC
    assert hit.themes == ("interfaith", "education")
    assert (hit.region, hit.campaign, hit.organisation) == ("Islamabad", None, "org-a")
    assert hit.title_html == "A <mark>library</mark> of dialogue"


# --- Suggestions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        pytest.param("dialoge", "dialogue", id="english"),
        pytest.param("رواداریی", "رواداری", id="urdu"),
        pytest.param("library dialoge", "library dialogue", id="keeps-known-words"),
    ],
)
def test_did_you_mean(corpus, typed, expected):
    results = search(corpus, SearchRequest(q=typed))
    assert results.total == 0
    assert results.suggestion == expected
    assert search(corpus, SearchRequest(q=results.suggestion)).total > 0


@pytest.mark.parametrize("typed", ["dialogue", "zqxwvj", "اور کے"], ids=["found", "far", "stops"])
def test_no_suggestion(corpus, typed):
    assert search(corpus, SearchRequest(q=typed)).suggestion is None


# --- The public can address only the text --------------------------------------------------

FIELD_SYNTAX = [
    "status:draft",
    "author:someone",
    "org:org-a",
    "organisation:org-a",
    "doc_id:ur-1",
    "lang:ur",
    "kind:story",
    "slug:story-ur-1",
    "themes:youth",
    "region:Sindh",
    "published_at:[2020 TO 2030]",
    "meta:x",
    "spell_en:running",
    "*:*",
]


@pytest.mark.parametrize("typed", FIELD_SYNTAX)
def test_field_syntax_is_plain_text(corpus, typed):
    assert search(corpus, SearchRequest(q=typed)).total == 0


@pytest.mark.parametrize("typed", [*FIELD_SYNTAX, "title:امن", "body_ur:امن OR doc_id:x"])
def test_parsed_queries_touch_only_text_fields(corpus, typed):
    keys = ("ur", "en", "sd")
    allowed = {text_field(kind, key) for key in keys for kind in TEXT_KINDS}
    allowed |= {spell_field(key) for key in keys}
    with corpus.searcher() as searcher:
        q = build_query(typed, searcher.schema, keys)
    assert {leaf.field() for leaf in q.leaves() if leaf.field()} <= allowed


def test_wildcards_search_the_unstemmed_vocabulary_once(corpus):
    with corpus.searcher() as searcher:
        q = build_query("runn* pe*ce", searcher.schema, ("en",))
    assert q == And([Prefix("spell_en", "runn"), Wildcard("spell_en", "pe*ce")])


# --- Snippets -----------------------------------------------------------------------------------


def test_snippets_escape_the_stored_text(corpus):
    [hit] = [h for h in search(corpus, SearchRequest(q="مارچ")).hits if h.doc_id == "ur-4"]
    assert "<script" not in hit.snippet_html and "&lt;script&gt;" in hit.snippet_html
    assert "&amp;" in hit.snippet_html
    assert set(re.findall(r"<[^>]*>", hit.snippet_html)) == {"<mark>", "</mark>"}
    assert hit.title_html == "&lt;b&gt;امن&lt;/b&gt; <mark>مارچ</mark>"


@pytest.mark.parametrize(
    ("typed", "marked"),
    [
        pytest.param("امن", f"<mark>امن{ZWNJ}پسند</mark>", id="zwnj-word"),
        pytest.param("روزگاری", "<mark>بےروزگاری</mark>", id="yeh-barree-word"),
        pytest.param("رَواداری", "<mark>رواداری</mark>", id="typed-with-diacritic"),
        pytest.param("ابتدا", "<mark>ابتداء</mark>", id="original-spelling-kept"),
    ],
)
def test_whole_words_are_marked(corpus, typed, marked):
    [hit] = [h for h in search(corpus, SearchRequest(q=typed)).hits if h.doc_id == "ur-1"]
    assert marked in hit.snippet_html


def test_prefix_matches_are_marked(corpus):
    [hit] = search(corpus, SearchRequest(q="runn*", langs=("en",))).hits
    assert "<mark>running</mark>" in hit.snippet_html
    assert hit.title_html == "<mark>Running</mark> for peace"


def test_long_text_is_cut_around_the_match(index, make_doc):
    body = "شروع " + "لفظ " * 300 + "رواداری " + "لفظ " * 300
    index.upsert([make_doc("long", body=body)])
    [hit] = search(index, SearchRequest(q="رواداری")).hits
    assert "<mark>رواداری</mark>" in hit.snippet_html
    assert hit.snippet_html.startswith("… ") and hit.snippet_html.endswith(" …")
    assert len(hit.snippet_html) < 300


# --- Changes show up; absurd input ---------------------------------------------------------------


def test_deleted_documents_leave_the_results(index, make_doc):
    index.upsert([make_doc("1", body="امن"), make_doc("2", body="امن")])
    assert found(index, "امن") == {"1", "2"}
    index.delete(["1"])
    assert found(index, "امن") == {"2"}


ABSURD = [
    pytest.param("", id="empty"),
    pytest.param("   ", id="spaces"),
    pytest.param("!!!", id="punctuation"),
    pytest.param("؟؟؟", id="arabic-question-marks"),
    pytest.param("،۔", id="urdu-punctuation"),
    pytest.param("x" * 5000, id="5000-chars"),
    pytest.param("امن " * 2000, id="2000-words"),
    pytest.param('"', id="lone-quote"),
    pytest.param('"unbalanced', id="unbalanced-quote"),
    pytest.param('a "b" "c', id="third-quote"),
    pytest.param("title:", id="empty-field"),
    pytest.param(":", id="colon"),
    pytest.param("*", id="star"),
    pytest.param("**", id="stars"),
    pytest.param("?", id="question-mark"),
    pytest.param("a*", id="one-letter-prefix"),
    pytest.param("*امن", id="leading-wildcard"),
    pytest.param("ا*", id="one-arabic-letter-prefix"),
    pytest.param("(", id="open-paren"),
    pytest.param("((امن", id="unbalanced-parens"),
    pytest.param(")", id="close-paren"),
    pytest.param("AND", id="and"),
    pytest.param("NOT", id="not"),
    pytest.param("OR OR", id="or-or"),
    pytest.param("امن AND", id="dangling-and"),
    pytest.param("NOT امن", id="only-negative"),
    pytest.param("\x00\x07\x1b", id="control-chars"),
    pytest.param("[a TO z]", id="range"),
    pytest.param("^5", id="boost-alone"),
    pytest.param("امن~", id="fuzzy"),
    pytest.param("امن^3", id="boost"),
    pytest.param("امن~2", id="fuzzy-distance"),
    pytest.param(RLM, id="rlm-alone"),
    pytest.param("\ufdfa", id="ligature"),
    pytest.param("٠١٢٣٤٥٦٧٨٩", id="arabic-indic-digits"),
    pytest.param("\ud800", id="lone-surrogate"),
    pytest.param("<script>alert(1)</script>", id="html"),
]


@pytest.mark.parametrize("typed", ABSURD)
def test_absurd_input_never_raises(corpus, typed):
    results = search(corpus, SearchRequest(q=typed))
    assert results.total >= 0 and len(results.hits) <= results.per_page


@pytest.mark.parametrize("typed", ["اور کے", "the of and"], ids=["urdu", "english"])
def test_only_stop_words_find_nothing(corpus, typed):
    results = search(corpus, SearchRequest(q=typed))
    assert results.total == 0 and results.suggestion is None


def test_non_string_query_is_empty(corpus):
    assert search(corpus, SearchRequest(q=None)).total == len(CORPUS)

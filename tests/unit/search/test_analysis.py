"""The analyzers against SEARCH.md: every letter-map row, every never-merge pair, the
positional Urdu rules, tokenizer edge cases, stop words, Porter2 and highlight offsets.

Letters are named by their Unicode names: many of them look alike, and a test that compares
two identical-looking strings proves nothing to a reader.
"""

from __future__ import annotations

import pickle
import unicodedata
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.fields import TEXT, Schema
from whoosh.qparser import QueryParser
from whoosh.query import Prefix

from content import languages
from search import analysis
from search.analysis import (
    ANALYSIS_VERSION,
    ANALYZER_KEYS,
    ArabicAwareTokenizer,
    make_analyzer,
    normalize_query_string,
    normalize_text,
    stop_words,
    token_spans,
    token_words,
)

L = unicodedata.lookup

YEH = L("ARABIC LETTER YEH")  # ي
FARSI_YEH = L("ARABIC LETTER FARSI YEH")  # ی
ALEF_MAKSURA = L("ARABIC LETTER ALEF MAKSURA")  # ى
YEH_BARREE = L("ARABIC LETTER YEH BARREE")  # ے
E = L("ARABIC LETTER E")  # ې
YEH_TAIL = L("ARABIC LETTER YEH WITH TAIL")  # ۍ
KAF = L("ARABIC LETTER KAF")  # ك
SWASH_KAF = L("ARABIC LETTER SWASH KAF")  # ڪ
KEHEH = L("ARABIC LETTER KEHEH")  # ک
KAF_RING = L("ARABIC LETTER KAF WITH RING")  # ګ
GAF = L("ARABIC LETTER GAF")  # گ
HEH = L("ARABIC LETTER HEH")  # ه
HEH_GOAL = L("ARABIC LETTER HEH GOAL")  # ہ
DOACHASHMEE = L("ARABIC LETTER HEH DOACHASHMEE")  # ھ
HEH_YEH = L("ARABIC LETTER HEH WITH YEH ABOVE")  # ۀ
HEH_GOAL_HAMZA = L("ARABIC LETTER HEH GOAL WITH HAMZA ABOVE")  # ۂ
AE = L("ARABIC LETTER AE")  # ە
TEH_MARBUTA = L("ARABIC LETTER TEH MARBUTA")  # ة
TEH_MARBUTA_GOAL = L("ARABIC LETTER TEH MARBUTA GOAL")  # ۃ
ALEF = L("ARABIC LETTER ALEF")  # ا
ALEF_HAMZA_ABOVE = L("ARABIC LETTER ALEF WITH HAMZA ABOVE")  # أ
ALEF_HAMZA_BELOW = L("ARABIC LETTER ALEF WITH HAMZA BELOW")  # إ
ALEF_WASLA = L("ARABIC LETTER ALEF WASLA")  # ٱ
ALEF_MADDA = L("ARABIC LETTER ALEF WITH MADDA ABOVE")  # آ
YEH_HAMZA = L("ARABIC LETTER YEH WITH HAMZA ABOVE")  # ئ
YEH_BARREE_HAMZA = L("ARABIC LETTER YEH BARREE WITH HAMZA ABOVE")  # ۓ
WAW = L("ARABIC LETTER WAW")  # و
WAW_HAMZA = L("ARABIC LETTER WAW WITH HAMZA ABOVE")  # ؤ
TEH_RING = L("ARABIC LETTER TEH WITH RING")  # ټ Pashto
DAL_RING = L("ARABIC LETTER DAL WITH RING")  # ډ Pashto
REH_RING = L("ARABIC LETTER REH WITH RING")  # ړ Pashto
TTEH = L("ARABIC LETTER TTEH")  # ٹ Urdu
DDAL = L("ARABIC LETTER DDAL")  # ڈ Urdu
RREH = L("ARABIC LETTER RREH")  # ڑ Urdu
SD_TTEH = L("ARABIC LETTER TEH WITH THREE DOTS ABOVE DOWNWARDS")  # ٽ Sindhi
SD_DDAL = L("ARABIC LETTER DAL WITH DOT BELOW")  # ڊ Sindhi
SD_RREH = L("ARABIC LETTER REH WITH FOUR DOTS ABOVE")  # ڙ Sindhi
RNOON = L("ARABIC LETTER RNOON")  # ڻ
NOON_TAH = L("ARABIC LETTER NOON WITH SMALL TAH")  # ݨ
SD_DAL_DOTS = L("ARABIC LETTER DAL WITH THREE DOTS ABOVE DOWNWARDS")  # ڏ
SKR_DAL = L("ARABIC LETTER DAL WITH TWO DOTS VERTICALLY BELOW AND SMALL TAH")  # ݙ
HAMZA = L("ARABIC LETTER HAMZA")  # ء
NOON = L("ARABIC LETTER NOON")
NOON_GHUNNA = L("ARABIC LETTER NOON GHUNNA")  # ں
ZWNJ, ZWJ, LRM, RLM, ALM = "\u200c", "\u200d", "\u200e", "\u200f", "\u061c"
TATWEEL = L("ARABIC TATWEEL")
ZABAR = L("ARABIC FATHA")

GROUPS = {
    "ur": ("ur", "en"),
    "pa": ("pa_Arab", "hno"),
    "skr": ("skr",),
    "bal": ("bal", "brh"),
    "sd": ("sd",),
    "ps": ("ps",),
}
KEEP = None  # the letter stays as it is

# SEARCH.md's letter table: (row, letter, results in the column order of GROUPS).
#   ur+en       pa_Arab+hno  skr         bal+brh     sd          ps
LETTER_TABLE = [
    ("yeh", YEH, (FARSI_YEH, FARSI_YEH, FARSI_YEH, FARSI_YEH, KEEP, KEEP)),
    ("farsi-yeh", FARSI_YEH, (KEEP, KEEP, KEEP, KEEP, YEH, KEEP)),
    ("alef-maksura", ALEF_MAKSURA, (FARSI_YEH, FARSI_YEH, FARSI_YEH, FARSI_YEH, YEH, FARSI_YEH)),
    ("yeh-barree", YEH_BARREE, (KEEP, KEEP, KEEP, KEEP, KEEP, E)),
    ("arabic-kaf", KAF, (KEHEH, KEHEH, KEHEH, KEHEH, SWASH_KAF, KEHEH)),
    ("swash-kaf", SWASH_KAF, (KEHEH, KEHEH, KEHEH, KEHEH, KEEP, KEEP)),
    ("keheh", KEHEH, (KEEP, KEEP, KEEP, KEEP, KEEP, KEEP)),
    ("kaf-ring", KAF_RING, (GAF, GAF, GAF, GAF, KEEP, KEEP)),
    ("gaf", GAF, (KEEP, KEEP, KEEP, KEEP, KEEP, KAF_RING)),
    ("heh", HEH, (HEH_GOAL, HEH_GOAL, HEH_GOAL, HEH_GOAL, KEEP, KEEP)),
    ("heh-goal", HEH_GOAL, (KEEP, KEEP, KEEP, KEEP, HEH, HEH)),
    ("heh-yeh-above", HEH_YEH, (HEH_GOAL, HEH_GOAL, HEH_GOAL, HEH_GOAL, HEH, KEEP)),
    ("heh-goal-hamza", HEH_GOAL_HAMZA, (HEH_GOAL, HEH_GOAL, HEH_GOAL, HEH_GOAL, HEH, HEH_YEH)),
    ("ae", AE, (HEH_GOAL, HEH_GOAL, HEH_GOAL, HEH_GOAL, HEH, HEH)),
    ("teh-marbuta", TEH_MARBUTA, (*(TEH_MARBUTA_GOAL,) * 4, KEEP, HEH)),
    ("alef-hamza-above", ALEF_HAMZA_ABOVE, (ALEF,) * 6),
    ("alef-hamza-below", ALEF_HAMZA_BELOW, (ALEF,) * 6),
    ("alef-wasla", ALEF_WASLA, (ALEF,) * 6),
    ("alef-madda", ALEF_MADDA, (KEEP,) * 6),
    ("yeh-hamza", YEH_HAMZA, (FARSI_YEH, FARSI_YEH, FARSI_YEH, FARSI_YEH, KEEP, KEEP)),
    ("yeh-barree-hamza", YEH_BARREE_HAMZA, (*(FARSI_YEH + YEH_BARREE,) * 4, KEEP, KEEP)),
    ("waw-hamza", WAW_HAMZA, (WAW, WAW, WAW, WAW, KEEP, KEEP)),
    ("pashto-tteh", TEH_RING, (TTEH, TTEH, TTEH, TTEH, KEEP, KEEP)),
    ("pashto-ddal", DAL_RING, (DDAL, DDAL, DDAL, DDAL, KEEP, KEEP)),
    ("pashto-rreh", REH_RING, (RREH, RREH, RREH, RREH, KEEP, KEEP)),
    ("urdu-tteh", TTEH, (KEEP, KEEP, KEEP, KEEP, SD_TTEH, TEH_RING)),
    ("urdu-ddal", DDAL, (KEEP, KEEP, KEEP, KEEP, SD_DDAL, DAL_RING)),
    ("urdu-rreh", RREH, (KEEP, KEEP, KEEP, KEEP, SD_RREH, REH_RING)),
    ("sindhi-tteh", SD_TTEH, (TTEH, TTEH, TTEH, TTEH, KEEP, KEEP)),
    ("sindhi-ddal", SD_DDAL, (DDAL, DDAL, DDAL, DDAL, KEEP, KEEP)),
    ("sindhi-rreh", SD_RREH, (RREH, RREH, RREH, RREH, KEEP, KEEP)),
    ("rnoon", RNOON, (KEEP, NOON_TAH, NOON_TAH, KEEP, KEEP, KEEP)),
    ("sindhi-dal-dots", SD_DAL_DOTS, (KEEP, KEEP, SKR_DAL, KEEP, KEEP, KEEP)),
    ("arabic-indic-digits", "\u0660\u0661\u0662\u0669", ("0129",) * 6),
    ("extended-digits", "\u06f0\u06f4\u06f5\u06f9", ("0459",) * 6),
]


def _letter_cases():
    for row, letter, results in LETTER_TABLE:
        for group, expected in zip(GROUPS, results, strict=True):
            for key in GROUPS[group]:
                yield pytest.param(
                    key, letter, letter if expected is KEEP else expected, id=f"{key}-{row}"
                )


@pytest.mark.parametrize(("key", "letter", "expected"), list(_letter_cases()))
def test_letter_table(key, letter, expected):
    assert normalize_text(letter, key) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [("sd", HEH), ("ps", HEH)],
    ids=["sd-doachashmee", "ps-doachashmee"],
)
def test_doachashmee_folds_to_heh_in_sindhi_and_pashto(key, expected):
    assert normalize_text(KEHEH + DOACHASHMEE + ALEF, key).endswith(expected + ALEF)


# --- Never merge ---------------------------------------------------------------------------

ALL_KEYS = ANALYZER_KEYS
URDU_FAMILY = ("ur", "en", "pa_Arab", "skr", "hno", "bal", "brh")


def _name(letter: str) -> str:
    return unicodedata.name(letter).removeprefix("ARABIC LETTER ").lower().replace(" ", "_")


def _pairs(keys, pairs, label):
    """Cases for ``pairs`` of (a, b) letters or (a, b, transliteration) words."""
    for pair in pairs:
        a, b = pair[:2]
        name = pair[2] if len(pair) == 3 else f"{_name(a)}-vs-{_name(b)}"
        for key in keys:
            yield pytest.param(key, a, b, id=f"{key}-{label}-{name}")


NEVER_MERGE = [
    *_pairs(
        ALL_KEYS,
        [("آب", "اب", "aab-ab"), ("آن", "ان", "aan-an"), ("آنا", "انا", "aana-ana")],
        "madda",
    ),
    *_pairs(ALL_KEYS, [("کی", "کے", "ki-ke"), ("لڑکی", "لڑکے", "larki-larke")], "yeh-barree"),
    *_pairs(ALL_KEYS, [("میں", "مین", "mein-meen"), (NOON_GHUNNA, NOON)], "ghunna"),
    *_pairs(
        URDU_FAMILY,
        [
            ("کھا", "کہا", "kha-kaha"),
            ("سکھ", "سکہ", "sikh-sikka"),
            ("پھیلی", "پہیلی", "phaili-paheli"),
        ],
        "aspirate",
    ),
    *_pairs(("pa_Arab", "hno", "skr"), [("ݨ", "ن")], "punjabi"),
    *_pairs(("pa_Arab",), [("ڵ", "ل")], "punjabi"),
    *_pairs(("skr",), [("ٻ", "ب"), ("ڄ", "ج"), ("ݙ", "ڈ"), ("ڳ", "گ")], "saraiki"),
    *_pairs(("brh",), [("ڷ", "ل")], "brahui"),
    *_pairs(
        ("sd",),
        [
            (SWASH_KAF, KEHEH),
            ("ٻ", "ب"),
            ("ڄ", "ج"),
            ("ڏ", "د"),
            ("ڏ", "ڊ"),
            ("د", "ڊ"),
            ("ڳ", "گ"),
            *combinations(("ٽ", "ٺ", "ت", "ٿ"), 2),
            ("ڀ", "ب"),
            ("ڇ", "چ"),
            ("ڦ", "ف"),
            ("ڌ", "د"),
            ("ڍ", "ڊ"),
            ("ڃ", "ن"),
            ("ڱ", "ن"),
            ("ڻ", "ن"),
        ],
        "sindhi",
    ),
    *_pairs(
        ("ps",),
        [
            *combinations((YEH, FARSI_YEH, E, YEH_TAIL, YEH_HAMZA), 2),
            ("سړی", "سړي", "saray-sari"),
            ("پښتو", "پشتو", "pukhto-pashto"),
            ("ږ", "ژ"),
            ("ڼ", "ن"),
            *combinations(("څ", "چ", "س"), 2),
            *combinations(("ځ", "ز", "ج"), 2),
        ],
        "pashto",
    ),
]


@pytest.mark.parametrize(("key", "a", "b"), NEVER_MERGE)
def test_never_merged(key, a, b):
    assert normalize_text(a, key) != normalize_text(b, key)


# --- Positional Urdu rules -------------------------------------------------------------------

ASPIRABLE = "بپتٹجچدڈڑکگ"


@pytest.mark.parametrize("consonant", list(ASPIRABLE), ids=_name)
def test_doachashmee_kept_after_aspirable_consonant(consonant):
    word = consonant + DOACHASHMEE + ALEF
    assert normalize_text(word, "ur") == word


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("کھا", "کھا"),
        ("بھی", "بھی"),
        ("گھر", "گھر"),
        ("ھم", "ہم"),
        ("ننھے", "ننہے"),
        ("انھیں", "انہیں"),
        ("تمھارا", "تمہارا"),
        ("دولھا", "دولہا"),
        # Letters mapped to an aspirable consonant first keep their ھ.
        (KAF + DOACHASHMEE + ALEF, KEHEH + DOACHASHMEE + ALEF),
        (TEH_RING + DOACHASHMEE + "ک", TTEH + DOACHASHMEE + "ک"),
        # A diacritic between consonant and ھ does not hide the consonant.
        ("ب" + ZABAR + DOACHASHMEE + "ی", "بھی"),
    ],
    ids=[
        "kha",
        "bhi",
        "ghar",
        "initial-hum",
        "nanhe",
        "unhen",
        "tumhara",
        "dulha",
        "arabic-kaf-kept",
        "pashto-tteh-kept",
        "zabar-between",
    ],
)
def test_doachashmee_positional_rule(typed, expected):
    assert normalize_text(typed, "ur") == expected


@pytest.mark.parametrize(
    ("key", "typed", "expected"),
    [
        ("ur", "ابتداء", "ابتدا"),
        ("ur", "خانہء", "خانہ"),
        ("ur", "ضوء", "ضو"),
        ("ur", "شیء", "شی"),
        ("ur", "جزء", "جزء"),  # only after ا و ہ ی
        ("ur", HAMZA, ""),  # the bare year sign
        ("sd", "لاءِ", "لاء"),  # Sindhi keeps its hamza
        ("sd", HAMZA, ""),
        ("pa_Arab", "ابتداء", "ابتدا"),
    ],
    ids=["alef", "izafat", "waw", "yeh", "after-other", "bare", "sd-keeps", "sd-bare", "pa"],
)
def test_trailing_hamza(key, typed, expected):
    assert normalize_text(typed, key) == expected


# --- Tokenizer --------------------------------------------------------------------------------


def tokens(text, key="ur"):
    return [t.text for t in make_analyzer(key)(text)]


def spans(text, split=True):
    return [text[s:e] for s, e in ArabicAwareTokenizer(split_yeh_barree=split).spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("امن" + ZWNJ + "پسند", ["امن", "پسند"], id="zwnj-separates"),
        pytest.param("بےروزگاری", ["بے", "روزگاری"], id="medial-yeh-barree"),
        pytest.param("سےامن", ["سے", "امن"], id="omitted-space"),
        pytest.param("لۓامن", ["لۓ", "امن"], id="medial-yeh-barree-hamza"),
        pytest.param("لڑکے", ["لڑکے"], id="final-yeh-barree"),
        pytest.param("بے" + ZABAR, ["بے" + ZABAR], id="final-yeh-barree-with-mark"),
        pytest.param("بے" + ZABAR + "ر", ["بے" + ZABAR, "ر"], id="mark-stays-with-yeh-barree"),
        pytest.param("2023ء", ["2023", "ء"], id="digits-then-hamza"),
        pytest.param("کو2024", ["کو", "2024"], id="letters-then-digits"),
        pytest.param("covid19 12.5", ["covid19", "12.5"], id="latin-digits"),
        pytest.param("۱۲٫۵ ۱٬۰۰۰", ["۱۲٫۵", "۱", "۰۰۰"], id="arabic-indic-numbers"),
        pytest.param("ہے۔رواداری", ["ہے", "رواداری"], id="urdu-full-stop"),
        pytest.param("امن،رواداری؛امن؟", ["امن", "رواداری", "امن"], id="arabic-punctuation"),
        pytest.param("امن۽رواداري۾", ["امن", "رواداري"], id="sindhi-symbols"),
        pytest.param("ام" + RLM + "ن", ["ام" + RLM + "ن"], id="rlm-inside"),
        pytest.param("ام" + ZWJ + "ن", ["ام" + ZWJ + "ن"], id="zwj-inside"),
        pytest.param("pea\u00adce", ["pea\u00adce"], id="soft-hyphen-in-latin"),
        pytest.param(RLM + " " + LRM, [], id="format-only"),
    ],
)
def test_tokenizer_spans(text, expected):
    assert spans(text) == expected


def test_yeh_barree_split_only_in_urdu_family():
    assert spans("بےروزگاری", split=False) == ["بےروزگاری"]
    assert tokens("بےروزگاری", "bal") == ["بےروزگاری"]
    assert tokens("بےروزگاری", "ur") == ["بے", "روزگاری"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("اَمن", ["امن"], id="zabar"),
        pytest.param("مُحَبَّت", ["محبت"], id="pesh-zabar-shadda"),
        pytest.param("اعلیٰ", ["اعلی"], id="khari-zabar"),
        pytest.param("امـــن", ["امن"], id="tatweel"),
        pytest.param(TATWEEL * 3, [], id="tatweel-only"),
        pytest.param(ZABAR, [], id="lone-diacritic"),
        pytest.param("ام" + RLM + "ن", ["امن"], id="rlm"),
        pytest.param("ام" + LRM + "ن", ["امن"], id="lrm"),
        pytest.param("ام" + ALM + "ن", ["امن"], id="alm"),
        pytest.param("ام" + ZWJ + "ن", ["امن"], id="zwj"),
        pytest.param("\ufe8d\ufee3\ufee6", ["امن"], id="presentation-forms"),
        pytest.param("\ufefb", ["لا"], id="lam-alef-ligature"),
        pytest.param("\ufdfa", ["صلی", "اللہ", "علیہ", "وسلم"], id="ligature-of-words"),
        pytest.param(ALEF + "\u0653" + "ج", ["آج"], id="decomposed-madda"),
        pytest.param(ALEF + RLM + "\u0653" + "ج", ["آج"], id="decomposed-madda-with-rlm"),
        pytest.param("۲۰۲۴ء", ["2024"], id="year-sign"),
        pytest.param("٢٠٢٤", ["2024"], id="arabic-indic"),
        pytest.param("۱۲٫۵", ["12.5"], id="decimal"),
        pytest.param("2023ء", ["2023"], id="ascii-year-sign"),
        pytest.param("5", ["5"], id="one-digit-kept"),
    ],
)
def test_normalised_tokens(text, expected):
    assert tokens(text) == expected


def test_thousands_typed_either_way_give_the_same_terms():
    assert tokens("۱٬۰۰۰") == tokens("1,000") == ["1", "000"]


@pytest.mark.parametrize(
    "text",
    ["اَمن کی بات", "بےروزگاری", "امن" + ZWNJ + "پسند نوجوان", "  ۲۰۲۴ء  covid19 رَواداری"],
    ids=["diacritic", "yeh-barree", "zwnj", "mixed"],
)
def test_offsets_point_into_the_original_text(text):
    for t in make_analyzer("ur")(text, chars=True, positions=True):
        original = text[t.startchar : t.endchar]
        assert original and not any(ch.isspace() for ch in original)
        assert normalize_text(original, "ur").split()[0] == t.text or t.text.isascii()


def test_highlight_offsets_keep_the_diacritic():
    [t] = make_analyzer("ur")("اَمن", chars=True)
    assert (t.startchar, t.endchar) == (0, 4)


def test_positions_are_contiguous_after_stop_words_and_splits():
    result = [(t.text, t.pos) for t in make_analyzer("ur")("امن اور رواداری", positions=True)]
    assert result == [("امن", 0), ("رواداری", 1)]


# --- Stop words -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "word"),
    [
        ("ur", "اور"),
        ("ur", "لئے"),
        ("ur", "لیے"),
        ("ur", "انھیں"),  # a variant spelling of the listed انہیں
        ("ur", "و"),  # one letter: needs minsize=1
        ("ur", "the"),
        ("en", "the"),
        ("sd", "جو"),
        ("sd", "لاءِ"),
        ("ps", "د"),
        ("ps", "کې"),
        ("pa_Arab", "نوں"),
        ("skr", "and"),
    ],
    ids=[
        "ur-aur",
        "ur-liye-hamza",
        "ur-liye",
        "ur-unhen-variant",
        "ur-one-letter-o",
        "ur-the",
        "en-the",
        "sd-jo",
        "sd-laai",
        "ps-da",
        "ps-ke",
        "pa-noon",
        "skr-english",
    ],
)
def test_stop_words_removed(key, word):
    assert tokens(word, key) == []


@pytest.mark.parametrize(
    ("key", "word"),
    [("ur", "ہم"), ("ur", "آپ"), ("ur", "امن"), ("ur", "غیر"), ("sd", "امن"), ("ps", "سوله")],
    ids=["ur-hum", "ur-aap", "ur-aman", "ur-ghair", "sd-aman", "ps-sola"],
)
def test_content_words_kept(key, word):
    assert tokens(word, key) == [normalize_text(word, key)]


@pytest.mark.parametrize("key", ALL_KEYS)
def test_stop_lists_are_normalised(key):
    assert all(normalize_text(w, key) == w for w in stop_words(key))


# --- Stemming, query side, pickling -------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "text", "expected"),
    [
        ("en", "running", ["run"]),
        ("en", "Running", ["run"]),
        ("en", "hopping", ["hop"]),
        ("en", "communities", ["communiti"]),
        ("ur", "running امن", ["run", "امن"]),
        ("sd", "dialogues", ["dialogu"]),
    ],
    ids=["running", "capital", "hopping", "communities", "in-urdu-field", "in-sindhi-field"],
)
def test_porter2_stems_latin_words(key, text, expected):
    assert tokens(text, key) == expected


def test_wildcard_text_is_normalised_but_not_stemmed():
    # The parser passes a prefix without its star, and a wildcard with it.
    [t] = make_analyzer("en")("Running", tokenize=False, mode="query")
    assert t.text == "running"
    [t] = make_analyzer("ps")("سولہ*", tokenize=False, mode="query")
    assert t.text == "سوله*"


@pytest.mark.parametrize(
    ("key", "typed", "expected"),
    [("ps", "سولہ*", "سوله"), ("en", "Running*", "running"), ("ur", "اَمـن*", "امن")],
    ids=["pashto-sola", "english-unstemmed", "urdu-diacritic-tatweel"],
)
def test_parser_prefix_is_normalised_by_the_field(key, typed, expected):
    schema = Schema(body=TEXT(analyzer=make_analyzer(key)))
    assert QueryParser("body", schema).parse(typed) == Prefix("body", expected)


def test_normalize_query_string():
    assert normalize_query_string("Running اَمن اور", "ur") == "run امن"
    assert normalize_query_string("Running اَمن", "ur", stem=False) == "running امن"


def test_every_registry_language_has_an_analyzer():
    for lang in languages.LANGUAGES.values():
        assert tokens("اَمن", lang.analyzer) == ["امن"]


def test_analyzers_pickle_small_and_by_stable_path():
    for key in ALL_KEYS:
        data = pickle.dumps(make_analyzer(key))
        assert b"search.analysis" in data and len(data) < 1000
        restored = pickle.loads(data)  # noqa: S301 - our own bytes
        text = "بےروزگاری running ۲۰۲۴ء"
        assert [t.text for t in restored(text)] == tokens(text, key)


def test_analysis_version_is_an_int():
    assert isinstance(ANALYSIS_VERSION, int) and ANALYSIS_VERSION >= 1


# --- Properties -----------------------------------------------------------------------------

_ALPHABET = st.sampled_from(
    [
        *"امنرواداریکےہھیيكةۀۂئۓؤٹڈڑڪکګگټډړٽڊڙڻڏېۍءآ",
        *("\u0653", "\u0654", ZABAR, "\u0670", TATWEEL, ZWNJ, ZWJ, RLM, LRM, ALM, "\u00ad"),
        *"۰۱۲٣٤٫٬.,،۔؟!?* \n\t",
        *"abcXYZ019_",
        *("\ufdfa", "\ufe8d", "\ufefb", "\ufe70", "\u0301"),
    ]
)
_TEXTS = st.lists(_ALPHABET, max_size=40).map("".join)
_DELETED = {ZWNJ, ZWJ, RLM, LRM, ALM, "\u00ad", TATWEEL, ZABAR, "\u0653", "\u0654", "\u0670"}


@settings(max_examples=150, deadline=None)
@given(text=_TEXTS, key=st.sampled_from(ALL_KEYS))
def test_any_text_gives_clean_tokens_with_valid_offsets(text, key):
    for t in make_analyzer(key)(text, chars=True, positions=True):
        assert t.text and not any(ch.isspace() or ch in _DELETED for ch in t.text)
        assert 0 <= t.startchar < t.endchar <= len(text)
        assert not any(ch.isspace() for ch in text[t.startchar : t.endchar])


@settings(max_examples=150, deadline=None)
@given(text=_TEXTS, key=st.sampled_from(ALL_KEYS))
def test_normalisation_is_idempotent(text, key):
    once = normalize_text(text, key)
    assert normalize_text(once, key) == once


@settings(max_examples=200, deadline=None)
@given(text=_TEXTS, key=st.sampled_from(ALL_KEYS))
def test_highlighting_sees_the_tokens_the_analyzer_makes(text, key):
    # token_spans and token_words are the analyzer without Token objects (for highlighting):
    # the same offsets and the same unstemmed words, stop words left out.
    fast = [
        (start, end, word)
        for start, end in token_spans(text, key)
        for word in token_words(text[start:end], key)
    ]
    slow = [
        (t.startchar, t.endchar, t.text)
        for t in make_analyzer(key)(text, chars=True, no_morph=True)
    ]
    assert fast == slow


@settings(max_examples=150, deadline=None)
@given(text=_TEXTS, key=st.sampled_from(ALL_KEYS))
def test_remembered_normalisation_equals_a_fresh_one(text, key):
    for word in text.split():
        analysis._normalized(word, key)  # the second call below comes from the cache
        fresh = tuple(analysis._normalize_parts(word, analysis._rules(key)))
        assert analysis._normalized(word, key) == fresh

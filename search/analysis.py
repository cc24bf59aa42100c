"""Text analysis for the search index: the tokenizer, letter normalisation, stop words and
stemming for each analyzer key of the language registry (`content.languages`).

This module implements /work/shared/SEARCH.md. It owns the mechanics: the tokenizer, the
normaliser that applies the per-language letter maps (one table per language, as data, in
`search.letters`) and the positional Urdu rules, the stop word sets (lists in
`search.stopwords`), Porter2 for Latin words, and ``make_analyzer(key)``. Whoosh pickles the
schema with its analyzer objects, so the classes here must stay importable under these names;
they pickle only their key and look their tables up when they run. ``ANALYSIS_VERSION`` is
stored in the index: change it whenever a rule here or in those tables changes what a text is
indexed as, and the index is rebuilt.

Where this module departs from SEARCH.md, and why:

* Arabic-Indic numbers join only on the decimal separators ٫ and ``.``. SEARCH.md also joined
  them on ٬ and ``,``, which made ``۱٬۰۰۰`` one term ``1,000`` while ASCII ``1,000`` is two
  (Whoosh's Latin rule splits at a comma), so the two ways of typing a number never met.
  Now both give ``1`` ``000`` and the phrase query matches either.
* Format characters are deleted before NFKC, not after it: a stray ZWJ or RLM inside a
  decomposed sequence (ا, RLM, madda) would otherwise block the composition into آ and the
  mark would then be stripped as a diacritic, merging آ into ا.
* NFKC can produce spaces (ﷺ → four words, ﹰ → space + tanwin). The normaliser splits on
  them, so a ligature matches the words typed out; a token left empty is dropped.
* A bare ء token is dropped in every language, not only the Urdu family: it is never a word
  (it is the year sign of ۲۰۲۴ء, or debris). ZWNJ is deleted by the normaliser too, which only
  matters for wildcard text (``tokenize=False``), since the tokenizer splits on it.
* The positional ھ and trailing-ء rules apply to Balochi and Brahui as well: the letter table
  of SEARCH.md marks ھ "positional" for them although its step 6 says "Urdu family only".
* Latin words keep non-Arabic combining marks and in-word format characters (a soft hyphen
  pasted into an English word), as Arabic words do, instead of being split at them.
* Wildcard/prefix text (``tokenize=False``) is normalised but never stemmed: a stemmed prefix
  is not a prefix of the stemmed words (hopp* would become hopp, hopping is indexed as hop).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from whoosh.analysis import STOP_WORDS, Filter, StopFilter, Token, Tokenizer
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.lang.porter2 import stem as _porter2_stem

from search.letters import DIACRITIC_RANGES, DIGITS, LETTER_MAPS
from search.stopwords import STOP_WORDS_BY_KEY

__all__ = [
    "ANALYSIS_VERSION",
    "ANALYZER_KEYS",
    "ArabicAwareTokenizer",
    "LanguageStopFilter",
    "LatinStemFilter",
    "ScriptNormalizeFilter",
    "make_analyzer",
    "normalize_query_string",
    "normalize_text",
    "stem_latin",
    "stop_words",
    "token_spans",
    "token_words",
]

# Bump on any change to the rules below (tables, tokenizer, stop words, stemming) or to what
# an indexed document holds: an index of another version is rebuilt at start-up.
# 3: anonymous stories no longer carry their organisation.
ANALYSIS_VERSION = 3

ANALYZER_KEYS = ("en", "ur", "pa_Arab", "sd", "ps", "bal", "skr", "brh", "hno")

# --- Character classes --------------------------------------------------------------------

_ARABIC_BLOCKS = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x0870, 0x089F),
    (0x08A0, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)
# Invisible characters that may sit inside a word without ending it (a stray RLM must not
# split a word): ZWJ, LRM, RLM, ALM, the bidi embeddings and isolates, soft hyphen, BOM.
_IN_WORD_FORMAT = (
    (0x200D, 0x200F),
    (0x061C, 0x061C),
    (0x202A, 0x202E),
    (0x2066, 0x2069),
    (0x00AD, 0x00AD),
    (0xFEFF, 0xFEFF),
)


def _char_class(codepoints) -> str:
    """The body of a regex character class matching exactly ``codepoints``, as ranges."""
    parts, run = [], None
    for cp in sorted(set(codepoints)):
        if run and cp == run[1] + 1:
            run[1] = cp
        else:
            if run:
                parts.append(run)
            run = [cp, cp]
    if run:
        parts.append(run)
    return "".join(f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in parts)


def _scan_unicode():
    """Arabic letters and marks, other combining marks, format characters (BMP only)."""
    categories = [unicodedata.category(chr(cp)) for cp in range(0x10000)]
    arabic = {cp for lo, hi in _ARABIC_BLOCKS for cp in range(lo, hi + 1)}
    letters = [cp for cp in sorted(arabic) if categories[cp] in ("Lo", "Lm")]
    marks = [cp for cp in sorted(arabic) if categories[cp] in ("Mn", "Mc")]
    other_marks = [
        cp for cp, cat in enumerate(categories) if cat in ("Mn", "Mc", "Me") and cp not in arabic
    ]
    fmt = [cp for cp, cat in enumerate(categories) if cat == "Cf"]
    return letters, marks, other_marks, fmt


_AR_LETTERS, _AR_MARKS, _OTHER_MARKS, _FORMAT_CHARS = _scan_unicode()
_BLOCKS_CLASS = "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in _ARABIC_BLOCKS)
_FMT = "[" + _char_class(cp for lo, hi in _IN_WORD_FORMAT for cp in range(lo, hi + 1)) + "]"
_AR = "[" + _char_class(_AR_LETTERS + _AR_MARKS) + "]"
_AR_LETTER = "[" + _char_class(_AR_LETTERS) + "]"
_AR_MARK_OR_FMT = "(?:[" + _char_class(_AR_MARKS) + "]|" + _FMT + ")"
_LATIN = f"[^\\W{_BLOCKS_CLASS}]"
_LATIN_MARK = "[" + _char_class(_OTHER_MARKS) + "]"
_LATIN_WORD = f"{_LATIN}(?:{_LATIN_MARK}|{_FMT}*{_LATIN})*"
_DIGIT = "[\u0660-\u0669\u06f0-\u06f9]"

_TOKEN_RE = re.compile(
    # 1. Latin/other word, joined by single dots like Whoosh's \w+(\.?\w+)*: covid19, 12.5.
    f"(?P<latin>{_LATIN_WORD}(?:\\.{_LATIN_WORD})*)"
    # 2. Arabic-Indic number; only decimal separators join (see the module docstring).
    f"|(?P<number>{_DIGIT}+(?:[\u066b.]{_DIGIT}+)*)"
    # 3. Arabic-script word: letters and marks, with format characters allowed inside.
    f"|(?P<arabic>{_AR}(?:{_AR}|{_FMT})*)"
)
# Yeh barree (and with hamza, and their presentation forms) followed by more letters.
_YEH_BARREE_SPLIT_RE = re.compile(
    f"[\u06d2\u06d3\ufbae\ufbaf\ufbb0\ufbb1]{_AR_MARK_OR_FMT}*(?={_AR_LETTER})"
)
_ARABIC_CHAR_RE = re.compile(f"[{_BLOCKS_CLASS}]")

# --- Tokenizer ----------------------------------------------------------------------------


class ArabicAwareTokenizer(Tokenizer):
    """Splits text into Latin words, Arabic-Indic numbers and Arabic-script words.

    Offsets (``startchar``/``endchar``) are those of the original string, so highlighting
    wraps a word with its diacritics intact. With ``split_yeh_barree`` (the Urdu family), a
    word-medial ے or ۓ ends a word: it only ends words there, so a medial one is an omitted
    space (بےروزگاری → بے روزگاری). With ``tokenize=False`` (wildcard and prefix text from the
    query parser) the whole value is one token, marked ``whole`` so it is never stemmed.
    """

    def __init__(self, split_yeh_barree: bool = False):
        self.split_yeh_barree = split_yeh_barree

    def __eq__(self, other):
        return type(other) is type(self) and other.split_yeh_barree == self.split_yeh_barree

    __hash__ = None

    def spans(self, value: str) -> Iterator[tuple[int, int]]:
        """The (start, end) offsets of the tokens of ``value``."""
        for match in _TOKEN_RE.finditer(value):
            if self.split_yeh_barree and match.lastgroup == "arabic":
                yield from _split_yeh_barree(value, match.start(), match.end())
            else:
                yield match.span()

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            t.whole = True
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            yield t
            return
        for pos, (start, end) in enumerate(self.spans(value), start_pos):
            t.text = value[start:end]
            t.boost = 1.0
            t.stopped = False
            t.whole = False
            if keeporiginal:
                t.original = t.text
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t


_TOKENIZERS = {split: ArabicAwareTokenizer(split_yeh_barree=split) for split in (False, True)}


def _split_yeh_barree(value: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    prev = start
    for match in _YEH_BARREE_SPLIT_RE.finditer(value, start, end):
        if match.start() > start:  # medial only: a letter must precede it
            yield prev, match.end()
            prev = match.end()
    yield prev, end


# --- Normalisation ------------------------------------------------------------------------

# Urdu-family positional rules (step 6).
# ب پ ت ٹ ج چ د ڈ ڑ ک گ: after these ھ marks aspiration; elsewhere it is a spelling of ہ.
_ASPIRABLE = "\u0628\u067e\u062a\u0679\u062c\u0686\u062f\u0688\u0691\u06a9\u06af"
_HEH_DOACHASHMEE_RE = re.compile(f"(?<![{_ASPIRABLE}])\u06be")
_HAMZA = "\u0621"
_HAMZA_DROPPED_AFTER = "\u0627\u0648\u06c1\u06cc"  # ا و ہ ی
_YEH_BARREE_SPLITTERS = ("ur", "en", "pa_Arab", "skr", "hno")  # not yet bal, brh


@dataclass(frozen=True)
class _Rules:
    table: dict[int, str | None]  # str.translate table: digits, letters, diacritics
    positional: bool
    split_yeh_barree: bool


def _build_rules(key: str) -> _Rules:
    table: dict[int, str | None] = {ord(k): v for k, v in LETTER_MAPS[key].items()}
    table.update(DIGITS)
    for lo, hi in DIACRITIC_RANGES:
        table.update(dict.fromkeys(range(lo, hi + 1)))
    return _Rules(
        table=table,
        positional=key not in ("sd", "ps"),
        split_yeh_barree=key in _YEH_BARREE_SPLITTERS,
    )


_RULES: dict[str, _Rules] = {key: _build_rules(key) for key in ANALYZER_KEYS}
_FORMAT_TABLE = dict.fromkeys(_FORMAT_CHARS)  # every Cf, ZWNJ included (see docstring)


def _rules(key: str) -> _Rules:
    try:
        return _RULES[key]
    except KeyError:
        raise ValueError(f"unknown analyzer key {key!r}") from None


def _normalize_parts(text: str, rules: _Rules) -> list[str]:
    """Steps 1-7 of SEARCH.md for one token; NFKC may yield several words, or none."""
    text = unicodedata.normalize("NFKC", text.translate(_FORMAT_TABLE))
    parts = []
    # NFC again: deleting a stray mark can leave a Latin letter next to a combining accent
    # that now composes, and the same word must come out the same however often it is run.
    for part in unicodedata.normalize("NFC", text.translate(rules.table)).split():
        if rules.positional:
            part = _HEH_DOACHASHMEE_RE.sub("\u06c1", part)
            if len(part) > 1 and part[-1] == _HAMZA and part[-2] in _HAMZA_DROPPED_AFTER:
                part = part[:-1]
        if part and part != _HAMZA:
            parts.append(part.lower())
    return parts


# Indexing and highlighting normalise the same few thousand words over and over (text follows
# Zipf's law): remembering a word's result makes both several times faster. Bounded, so a
# stream of unique tokens costs at most this many entries (a few MB).
NORMALIZED_CACHE_SIZE = 1 << 16


@functools.lru_cache(maxsize=NORMALIZED_CACHE_SIZE)
def _normalized(text: str, key: str) -> tuple[str, ...]:
    """``_normalize_parts`` of one token under analyzer ``key``, remembered."""
    return tuple(_normalize_parts(text, _rules(key)))


def normalize_text(text: str, key: str) -> str:
    """``text`` normalised word by word as analyzer ``key`` would (no tokenizing, no stop
    words, no stemming): for stop word lists, tests and code that compares words."""
    rules = _rules(key)
    return " ".join(p for word in text.split() for p in _normalize_parts(word, rules))


# --- Stop words ---------------------------------------------------------------------------


@functools.cache
def stop_words(key: str) -> frozenset[str]:
    """The stop words of analyzer ``key``, normalised with its own pipeline, plus English."""
    rules = _rules(key)
    words = set(STOP_WORDS)
    for word in STOP_WORDS_BY_KEY[key]:
        words.update(_normalize_parts(word, rules))
    return frozenset(words)


# --- Filters ------------------------------------------------------------------------------


class ScriptNormalizeFilter(Filter):
    """Per-token character normalisation for one analyzer key (SEARCH.md steps 1-7)."""

    def __init__(self, lang: str):
        _rules(lang)
        self.lang = lang

    def __eq__(self, other):
        return type(other) is type(self) and other.lang == self.lang

    __hash__ = None

    def __call__(self, tokens):
        key = self.lang
        for t in tokens:
            # One token may become several (NFKC of ﷺ) or none (tatweel alone): the stop
            # filter after this one renumbers positions, so phrases stay contiguous.
            for part in _normalized(t.text, key):
                t.text = part
                yield t


class LanguageStopFilter(StopFilter):
    """Whoosh's StopFilter with the key's normalised list and ``minsize=1``.

    The default minsize of 2 silently drops every one-letter token (a digit, a one-letter
    word). Pickles as its key only, so the list always comes from this module.
    """

    def __init__(self, lang: str):
        self.lang = lang
        super().__init__(stoplist=stop_words(lang), minsize=1, renumber=True)

    def __getstate__(self):
        return {"lang": self.lang}

    def __setstate__(self, state):
        self.__init__(state["lang"])


@functools.lru_cache(maxsize=65536)
def stem_latin(word: str) -> str:
    """Porter2 (Snowball English) stem of a Latin-script token; other tokens unchanged.

    Not Whoosh's StemmingAnalyzer nor ``whoosh.lang.porter``: those give runn for running.
    """
    if _ARABIC_CHAR_RE.search(word):
        return word
    return _porter2_stem(word)


class LatinStemFilter(Filter):
    """Stems Latin tokens with Porter2; skipped with ``no_morph`` and for wildcard text."""

    is_morph = True

    def __eq__(self, other):
        return type(other) is type(self)

    __hash__ = None

    def __call__(self, tokens):
        for t in tokens:
            if not t.stopped and not getattr(t, "whole", False):
                t.text = stem_latin(t.text)
            yield t


# --- Analyzers ----------------------------------------------------------------------------


def make_analyzer(key: str, *, stem: bool = True) -> CompositeAnalyzer:
    """The analyzer for registry analyzer ``key``; ``stem=False`` leaves words unstemmed
    (the vocabulary used for spelling suggestions and prefix search)."""
    rules = _rules(key)
    analyzer = (
        ArabicAwareTokenizer(split_yeh_barree=rules.split_yeh_barree)
        | ScriptNormalizeFilter(key)
        | LanguageStopFilter(key)
    )
    if stem:
        analyzer = analyzer | LatinStemFilter()
    return analyzer


def token_spans(text: str, key: str) -> Iterator[tuple[int, int]]:
    """The ``(start, end)`` offsets of the tokens analyzer ``key`` finds in ``text``."""
    return _TOKENIZERS[_rules(key).split_yeh_barree].spans(text)


@functools.lru_cache(maxsize=NORMALIZED_CACHE_SIZE)
def token_words(token: str, key: str) -> tuple[str, ...]:
    """The normalised, unstemmed words one token gives under analyzer ``key``, stop words
    left out: with ``token_spans``, what ``make_analyzer(key)`` yields with ``chars=True,
    no_morph=True``, without building a Token per word (highlighting runs this over every
    hit's text on every query)."""
    stops = stop_words(key)
    return tuple(w for w in _normalized(token, key) if w not in stops)


@functools.cache
def _query_analyzer(key: str) -> CompositeAnalyzer:
    return make_analyzer(key)


def normalize_query_string(text: str, key: str, *, stem: bool = True) -> str:
    """The terms analyzer ``key`` makes of a query ``text``, space-separated, for code that
    builds queries without the parser (autocomplete, spelling suggestions).

    Stop words are removed; ``stem=False`` keeps Latin words unstemmed.
    """
    analyzer = _query_analyzer(key)
    tokens = analyzer(text, mode="query", no_morph=not stem)
    return " ".join(t.text for t in tokens)

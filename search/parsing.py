"""Turning what the public types into a Whoosh query that can only touch the text fields.

Each requested language gets a ``MultifieldParser`` over its ``title_``, ``summary_`` and
``body_`` fields, so the words are analysed by that language's rules, and the per-language
queries are joined with OR. Whoosh's field syntax (``status:draft``), ranges, ``*:*``, boosts
and single-quoted terms are removed: such words are plain text. Whatever the parser still
produces is checked again leaf by leaf, so no query can address another field even if
Whoosh's syntax changes.

Absurd input never raises: text is cut to ``MAX_QUERY_CHARS`` and ``MAX_QUERY_WORDS``,
control characters become spaces, an unbalanced quote is dropped, and wildcards need
``MIN_WILDCARD_PREFIX`` letters before them (``*`` alone would match every document, and a
leading wildcard scans the whole vocabulary). Whoosh also treats ``?`` and the Arabic ``؟``
as one-character wildcards, which would make a natural question (رواداری کیا ہے؟) find
nothing: they are spaces here. Prefix and wildcard queries run against the unstemmed
``spell_<key>`` vocabulary (see `search.schema`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator, Sequence

from whoosh import query
from whoosh.qparser import AndGroup, MultifieldParser, plugins

from search.schema import TEXT_KINDS, spell_field, text_field

__all__ = [
    "MAX_QUERY_CHARS",
    "MAX_QUERY_WORDS",
    "MIN_WILDCARD_PREFIX",
    "build_query",
    "positive_leaves",
    "sanitize_query_text",
]

MAX_QUERY_CHARS = 256
MAX_QUERY_WORDS = 32
MIN_WILDCARD_PREFIX = 2
FIELD_BOOSTS = {"title": 3.0, "summary": 1.5, "body": 1.0}

_QUESTION_MARKS_RE = re.compile("[?\u055e\u061f\u1367]")
# A * not preceded by at least MIN_WILDCARD_PREFIX word characters.
_WEAK_WILDCARD_RE = re.compile(rf"(?<!\w{{{MIN_WILDCARD_PREFIX}}})\*")
_REMOVED_PLUGINS = (
    plugins.FieldsPlugin,
    plugins.RangePlugin,
    plugins.EveryPlugin,
    plugins.BoostPlugin,
    plugins.SingleQuotePlugin,
)
_SYNTAX_RE = re.compile(r'["()*]')


def sanitize_query_text(raw: object) -> str:
    """Cut and clean a public query string so the parser can take it."""
    if not isinstance(raw, str):
        return ""
    text = raw[: MAX_QUERY_CHARS * 2]
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    text = _QUESTION_MARKS_RE.sub(" ", text)
    words = text.split()[:MAX_QUERY_WORDS]
    text = ""
    for word in words:
        if len(text) + len(word) + 1 > MAX_QUERY_CHARS:
            break
        text = f"{text} {word}" if text else word
    if not text and words:  # one enormous word
        text = words[0][:MAX_QUERY_CHARS]
    text = _WEAK_WILDCARD_RE.sub("", text)
    if text.count('"') % 2:
        head, _, tail = text.rpartition('"')
        text = head + tail
    return text.strip()


def _parser(schema, key: str):
    fields = [text_field(kind, key) for kind in TEXT_KINDS]
    boosts = {text_field(kind, key): FIELD_BOOSTS[kind] for kind in TEXT_KINDS}
    parser = MultifieldParser(fields, schema, fieldboosts=boosts, group=AndGroup)
    for plugin_class in _REMOVED_PLUGINS:
        parser.remove_plugin_class(plugin_class)
    return parser


def build_query(text: str, schema, keys: Sequence[str]) -> query.Query:
    """The query for sanitised ``text`` over the text fields of analyzer ``keys``.

    The text is parsed once per language and the results joined with OR: a document is in
    one language, so its words must match under that language's rules. (One parser over all
    fields would AND per word across languages, and a word that is a stop word in Urdu but
    not in Sindhi, such as کیا, would then be required in Urdu documents too.)
    Returns ``query.NullQuery`` when nothing searchable is left (only stop words, only
    punctuation).
    """
    per_language = []
    for key in keys:
        parser = _parser(schema, key)
        try:
            parsed = parser.parse(text)
        except Exception:  # Whoosh's parser has corner cases; plain words always parse
            parsed = parser.parse(_SYNTAX_RE.sub(" ", text))
        fields = {text_field(kind, key) for kind in TEXT_KINDS}
        restrict = functools.partial(
            _restrict, fields=fields, body=text_field("body", key), spell=spell_field(key)
        )
        per_language.append(parsed.accept(restrict).normalize())
    return query.Or(per_language).normalize()


def _restrict(q: query.Query, fields: set[str], body: str, spell: str) -> query.Query:
    """Keep leaves on this language's text ``fields``; send wildcards to its vocabulary."""
    if isinstance(q, query.Every):
        return query.NullQuery
    if isinstance(q, query.Prefix | query.Wildcard):
        literal = q.text if isinstance(q, query.Prefix) else q.text.split("*", 1)[0]
        if q.fieldname != body or len(literal) < MIN_WILDCARD_PREFIX:
            # spell_<key> holds title, summary and body: one expansion covers all three.
            return query.NullQuery
        return type(q)(spell, q.text)
    if q.is_leaf() and q.field() not in fields:
        return query.NullQuery
    return q


def positive_leaves(q: query.Query) -> Iterator[query.Query]:
    """The leaves of ``q`` that make a document match (not those under NOT)."""
    if isinstance(q, query.Not):
        return
    if isinstance(q, query.AndNot):
        yield from positive_leaves(q.a)
        return
    if q.is_leaf():
        yield q
        return
    for child in q.children():
        yield from positive_leaves(child)

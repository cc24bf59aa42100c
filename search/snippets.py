"""Highlighted snippets: safe HTML built from stored plain text.

The snippet is inserted into pages as raw HTML, so every character of the stored text is
HTML-escaped and the only markup is ``<mark>``. Matching re-runs the field's analyzer on the
stored text (offsets point into the original string) and marks a token when its term is one
the query matched. The mark then grows to the whole whitespace-delimited word: a tag inside a
cursive word (at a ZWNJ or a ے split) breaks the letter joining in some browsers.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection

from search.analysis import stem_latin, token_spans, token_words

__all__ = ["SNIPPET_CHARS", "highlight_html", "marked_spans"]

SNIPPET_CHARS = 240
SCAN_CHARS = 20_000  # long bodies: look for matches in the first part only
_SPACES_RE = re.compile(r"\s+")


def marked_spans(
    text: str,
    key: str,
    stemmed: Collection[str],
    surface: Collection[str],
    *,
    reach: int | None = None,
) -> list[tuple[int, int]]:
    """Whole-word spans of ``text`` whose tokens match: by indexed (stemmed) term, or by
    unstemmed word (what prefix queries expand to). With ``reach``, stop looking that many
    characters after the first match: a snippet cannot show more (analysis is the cost)."""
    if not stemmed and not surface:
        return []
    spans = set()
    until = SCAN_CHARS
    known: dict[str, bool] = {}  # token -> matches (words repeat within a text)
    for start, end in token_spans(text[:SCAN_CHARS], key):
        if start > until:
            break
        token = text[start:end]
        matches = known.get(token)
        if matches is None:
            matches = known[token] = any(
                w in surface or stem_latin(w) in stemmed for w in token_words(token, key)
            )
        if matches:
            spans.add(_word_bounds(text, start, end))
            if reach is not None and len(spans) == 1:
                until = start + reach
    return sorted(spans)


def _word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def _window(text: str, spans: list[tuple[int, int]], size: int) -> tuple[int, int]:
    """The stretch of about ``size`` characters holding the most matched words."""
    if len(text) <= size:
        return 0, len(text)
    anchor = (0, 0)
    if spans:
        counts = [sum(1 for s, e in spans if s >= a and e <= a + size) for a, _ in spans]
        anchor = spans[counts.index(max(counts))]
    start = max(0, anchor[0] - size // 5)
    if start > 0:  # begin and end at word boundaries
        space = _SPACES_RE.search(text, start, anchor[0])
        start = space.end() if space else anchor[0]
    end = min(len(text), max(start + size, anchor[1]))
    while end < len(text) and end > anchor[1] and not text[end].isspace():
        end -= 1
    return start, end


def _escape(text: str) -> str:
    return html.escape(_SPACES_RE.sub(" ", text))


def highlight_html(
    text: str,
    key: str,
    stemmed: Collection[str],
    surface: Collection[str] = (),
    *,
    size: int | None = SNIPPET_CHARS,
) -> str:
    """Escaped ``text`` (cut to about ``size`` characters around the matches, with "…"
    where it was cut; ``size=None`` keeps it whole) with matched words in ``<mark>``."""
    spans = marked_spans(text, key, stemmed, surface, reach=size)
    start, end = (0, len(text)) if size is None else _window(text, spans, size)
    pieces = ["… "] if start > 0 else []
    cursor = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        pieces.append(_escape(text[cursor:s]))
        pieces.append(f"<mark>{html.escape(text[s:e])}</mark>")
        cursor = e
    pieces.append(_escape(text[cursor:end]))
    if end < len(text):
        pieces.append(" …")
    return "".join(pieces).strip()

"""Plain text of a body: for search, snippets, feeds and e-mail.

This module owns turning rendered HTML (or a Markdown body, via render_markdown) into plain
text, and cutting plain text into an excerpt between words.
"""

from __future__ import annotations

import unicodedata
from html.parser import HTMLParser

from content.rendering.render import render_markdown

_LINE_BREAK_TAGS = frozenset({"br", "li", "tr", "dt", "dd"})
_BLOCK_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "dl", "table",
     "hr", "div", "figure", "figcaption"}
)  # fmt: skip
_SKIPPED_TAGS = frozenset({"script", "style", "template"})


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []
        self._pending_break = 0  # 1: new line, 2: blank line
        self._pre = 0
        self._skip = 0

    def _boundary(self, strength: int) -> None:
        self._flush()
        self._pending_break = max(self._pending_break, strength)

    def _flush(self) -> None:
        text = "".join(self._current)
        self._current = []
        text = text.strip("\n") if self._pre else " ".join(text.split())
        if text:
            if self.blocks:
                self.blocks.append("\n" * self._pending_break)
            self.blocks.append(text)
            self._pending_break = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED_TAGS:
            self._skip += 1
        elif tag in ("td", "th"):
            self._current.append(" ")
        elif tag in _LINE_BREAK_TAGS or tag in _BLOCK_TAGS:
            self._boundary(1 if tag in _LINE_BREAK_TAGS else 2)
            self._pre += tag == "pre"

    def handle_endtag(self, tag):
        if tag in _SKIPPED_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _LINE_BREAK_TAGS or tag in _BLOCK_TAGS:
            self._boundary(1 if tag in _LINE_BREAK_TAGS else 2)
            self._pre = max(0, self._pre - (tag == "pre"))

    def handle_data(self, data):
        if not self._skip:
            self._current.append(data)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: blocks separated by blank lines, items by newlines.

    The result is text, not HTML: escape it wherever it goes into HTML (Jinja does).
    """
    extractor = _TextExtractor()
    extractor.feed(fragment)
    extractor.close()
    extractor._flush()
    return "".join(extractor.blocks)


def markdown_to_text(text: str) -> str:
    """Plain text of a Markdown body, for search, snippets, feeds and e-mail.

    Link text is kept and URLs dropped, images are dropped, no Markdown syntax remains.
    Same limits and errors as render_markdown.
    """
    return html_to_text(render_markdown(text))


_TRAILING_PUNCTUATION = " \t,;:-\u2013\u2014\u060c\u061b\u200c\u200d"


def excerpt(text: str, length: int = 200) -> str:
    """At most ``length`` characters of plain text, cut between words, with "…" if cut."""
    if length < 1:
        raise ValueError("length must be positive")
    flat = " ".join(text.split())
    if len(flat) <= length:
        return flat
    cut = flat[: length - 1]
    if flat[length - 1] != " " and " " in cut:
        cut = cut[: cut.rindex(" ")]
    else:
        # One word longer than the excerpt: cut inside it, but not between a letter and
        # its combining marks (Urdu vowel signs), which would leave a bare letter.
        while len(cut) > 1 and unicodedata.combining(flat[len(cut)]):
            cut = cut[:-1]
    return cut.rstrip(_TRAILING_PUNCTUATION) + "…"

"""Markdown bodies as a sequence of blocks, for translation sync and review diffs.

This module owns how a body is cut into segments (headings, paragraphs, lists, quotes,
code, tables), the key that says whether two segments say the same thing, the comparison
of two revisions segment by segment (which source segments changed since a translation was
made) and the word-level HTML diff the review screen shows. It reads Markdown as source
text and never renders it: a segment's text is the writer's Markdown, unchanged.
"""

from __future__ import annotations

import bisect
import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

__all__ = [
    "Segment",
    "SegmentChange",
    "changed_since",
    "diff_html",
    "diff_segments",
    "segment_key",
    "split_segments",
]

# difflib alone is cubic on repetitive input (2,000 identical paragraphs: over a minute),
# so alignment is bounded: this many units of work (tokens scanned, cells compared) per
# diff, then whatever is left unaligned is shown as replaced. About half a second at worst.
_DIFF_BUDGET = 1_000_000
# Gaps whose two sides multiply to at most this are aligned by difflib directly.
_SMALL_GAP = 1_600

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_ATX_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_SETEXT_UNDERLINE = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")
_RULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LIST_ITEM = re.compile(r" {0,3}(?:[-*+]|[0-9]+[.)])(?:[ \t]|$)")
_QUOTE = re.compile(r" {0,3}>")
_INDENTED = re.compile(r"(?: {4}|\t)")
_TABLE_DELIMITER = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_HORIZONTAL_SPACE = re.compile(r"[ \t]+")
_TOKEN = re.compile(r"\s+|\S+")


@dataclass(frozen=True, slots=True)
class Segment:
    """One block of a body. ``key`` is equal for blocks that differ only in layout."""

    index: int
    kind: str  # heading, paragraph, list, quote, code, table, rule
    text: str
    key: str


@dataclass(frozen=True, slots=True)
class SegmentChange:
    op: str  # equal, changed, added, removed
    old: Segment | None
    new: Segment | None


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")


def segment_key(kind: str, text: str) -> str:
    """A stable 64-bit hex key of a block's text, blind to layout-only differences.

    NFC, so the same Urdu letters typed as one code point or as two match; trailing space
    and CRLF ignored; runs of spaces inside a line count as one, except in code where
    spacing is content. Line breaks are kept: with nl2br they show on the page. ZWNJ and
    other format characters are kept: they change how Urdu words join.
    """
    text = _normalise_newlines(unicodedata.normalize("NFC", text))
    lines = [line.rstrip() for line in text.split("\n")]
    if kind != "code":
        lines = [_collapse_inner_space(line) for line in lines]
    normalised = "\n".join(lines).strip("\n")
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]


def _collapse_inner_space(line: str) -> str:
    # Leading indentation is kept: it decides list nesting.
    body = line.lstrip(" \t")
    return line[: len(line) - len(body)] + _HORIZONTAL_SPACE.sub(" ", body)


class _Splitter:
    def __init__(self):
        self.blocks: list[tuple[str, list[str]]] = []
        self.kind: str | None = None
        self.lines: list[str] = []
        self.blank_seen = False  # a blank line inside the current list or code block

    def close(self) -> None:
        if self.kind is not None:
            lines = self.lines
            while lines and not lines[-1].strip():
                lines.pop()
            kind = self.kind
            if (
                kind == "paragraph"
                and len(lines) > 1
                and "|" in lines[0]
                and _TABLE_DELIMITER.match(lines[1])
            ):
                kind = "table"
            self.blocks.append((kind, lines))
        self.kind, self.lines, self.blank_seen = None, [], False

    def open(self, kind: str, line: str) -> None:
        self.close()
        self.kind, self.lines = kind, [line]

    def feed(self, line: str) -> None:
        kind = self.kind
        if not line.strip():
            if kind in ("list", "code"):
                # Only what follows tells whether the list or indented code goes on.
                self.lines.append(line)
                self.blank_seen = True
            else:
                self.close()
        elif _ATX_HEADING.match(line):
            self.open("heading", line)
            self.close()
        elif kind == "paragraph" and _SETEXT_UNDERLINE.match(line):
            self.kind = "heading"
            self.lines.append(line)
            self.close()
        elif _RULE.match(line):
            self.open("rule", line)
            self.close()
        elif kind == "list" and (
            not self.blank_seen or _LIST_ITEM.match(line) or _INDENTED.match(line)
        ):
            self.lines.append(line)
            self.blank_seen = False
        elif kind == "code" and _INDENTED.match(line):
            self.lines.append(line)
        elif kind in ("paragraph", "quote"):
            self.lines.append(line)  # Markdown's lazy continuation
        elif _LIST_ITEM.match(line):
            self.open("list", line)
        elif _QUOTE.match(line):
            self.open("quote", line)
        elif _INDENTED.match(line):
            self.open("code", line)
        else:
            self.open("paragraph", line)


def split_segments(markdown: str) -> list[Segment]:
    """Cut a Markdown body into blocks, in order.

    Blank lines separate blocks; a fenced code block is one block whatever it contains; a
    heading is always its own block; a list (with its nested items and the blank lines
    between items) is one block, as is a quote. The cut follows the renderer's Markdown
    closely enough for review and translation, without depending on it.
    """
    splitter = _Splitter()
    lines = _normalise_newlines(markdown).split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence:
            # The closing fence is the same character, at least as long; none: to the end.
            marker = fence.group(1)
            closing = re.compile(rf" {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
            end = next((j for j in range(i + 1, len(lines)) if closing.match(lines[j])), None)
            stop = len(lines) if end is None else end + 1
            splitter.open("code", line)
            splitter.lines.extend(lines[i + 1 : stop])
            splitter.close()
            i = stop
            continue
        splitter.feed(line)
        i += 1
    splitter.close()
    return [
        Segment(index=n, kind=kind, text="\n".join(block), key=segment_key(kind, "\n".join(block)))
        for n, (kind, block) in enumerate(splitter.blocks)
    ]


class _Budget:
    def __init__(self, units: int = _DIFF_BUDGET):
        self.units = units

    def spend(self, units: int) -> bool:
        self.units -= units
        return self.units >= 0


_Opcode = tuple[str, int, int, int, int]


def _align(a: list[str], b: list[str], budget: _Budget) -> list[_Opcode]:
    """Opcodes as SequenceMatcher.get_opcodes() gives them, in bounded time.

    A patience diff: after the common prefix and suffix, items that occur exactly once on
    each side anchor the alignment (their longest increasing run), and the gaps between
    anchors are aligned the same way; small gaps go to difflib. A gap with no anchor, or
    one reached with the budget spent, is reported as replaced.
    """
    ops: list[_Opcode] = []

    def emit(tag: str, i1: int, i2: int, j1: int, j2: int) -> None:
        if i1 == i2 and j1 == j2:
            return
        if ops and ops[-1][0] == tag and ops[-1][2] == i1 and ops[-1][4] == j1:
            ops[-1] = (tag, ops[-1][1], i2, ops[-1][3], j2)
        else:
            ops.append((tag, i1, i2, j1, j2))

    # An explicit stack, not recursion: hostile input could nest deeper than Python allows.
    # Items are gaps (4 ints) or aligned runs waiting their turn (an opcode); last on top.
    stack: list[tuple] = [(0, len(a), 0, len(b))]
    while stack:
        item = stack.pop()
        if len(item) == 5:
            emit(*item)
            continue
        alo, ahi, blo, bhi = item
        start_a, start_b = alo, blo
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            alo, blo = alo + 1, blo + 1
        emit("equal", start_a, alo, start_b, blo)
        end_a, end_b = ahi, bhi
        while ahi > alo and bhi > blo and a[ahi - 1] == b[bhi - 1]:
            ahi, bhi = ahi - 1, bhi - 1
        if ahi < end_a:
            stack.append(("equal", ahi, end_a, bhi, end_b))
        size_a, size_b = ahi - alo, bhi - blo
        if not (size_a and size_b):
            emit("delete" if size_a else "insert", alo, ahi, blo, bhi)
        elif size_a * size_b <= _SMALL_GAP and budget.spend(size_a * size_b):
            matcher = SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes():
                emit(tag, alo + i1, alo + i2, blo + j1, blo + j2)
        elif not budget.spend(size_a + size_b) or not (
            anchors := _unique_anchors(a, alo, ahi, b, blo, bhi)
        ):
            emit("replace", alo, ahi, blo, bhi)
        else:
            pieces: list[tuple] = []
            gap_a, gap_b = alo, blo
            for i, j in anchors:
                pieces += [(gap_a, i, gap_b, j), ("equal", i, i + 1, j, j + 1)]
                gap_a, gap_b = i + 1, j + 1
            pieces.append((gap_a, ahi, gap_b, bhi))
            stack.extend(reversed(pieces))
    return ops


def _unique_anchors(
    a: list[str], alo: int, ahi: int, b: list[str], blo: int, bhi: int
) -> list[tuple[int, int]]:
    seen: dict[str, list[int]] = {}  # item -> [count in a, count in b, index in a, in b]
    for i in range(alo, ahi):
        seen.setdefault(a[i], [0, 0, i, -1])[0] += 1
    for j in range(blo, bhi):
        counts = seen.get(b[j])
        if counts is not None:
            counts[1] += 1
            counts[3] = j
    pairs = sorted((c[2], c[3]) for c in seen.values() if c[0] == 1 and c[1] == 1)
    # The longest run of pairs increasing on both sides (patience sorting).
    tails: list[int] = []
    tail_pair: list[int] = []
    previous: list[int | None] = [None] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        pos = bisect.bisect_left(tails, j)
        previous[k] = tail_pair[pos - 1] if pos else None
        if pos == len(tails):
            tails.append(j)
            tail_pair.append(k)
        else:
            tails[pos], tail_pair[pos] = j, k
    run = []
    k = tail_pair[-1] if tail_pair else None
    while k is not None:
        run.append(pairs[k])
        k = previous[k]
    return run[::-1]


def diff_segments(old: list[Segment], new: list[Segment]) -> list[SegmentChange]:
    """Align two segment lists by key.

    A run of old segments replaced by a run of new ones is paired in order as "changed";
    what is left over on either side is "removed" or "added". A moved segment shows as
    removed where it was and added where it is now.
    """
    return _diff_segments(old, new, _Budget())


def _diff_segments(old: list[Segment], new: list[Segment], budget: _Budget) -> list[SegmentChange]:
    old_keys, new_keys = [s.key for s in old], [s.key for s in new]
    changes: list[SegmentChange] = []
    for op, i1, i2, j1, j2 in _align(old_keys, new_keys, budget):
        olds, news = old[i1:i2], new[j1:j2]
        if op == "equal":
            changes.extend(SegmentChange("equal", a, b) for a, b in zip(olds, news, strict=True))
            continue
        paired = min(len(olds), len(news))
        changes.extend(SegmentChange("changed", a, b) for a, b in zip(olds, news, strict=False))
        changes.extend(SegmentChange("removed", a, None) for a in olds[paired:])
        changes.extend(SegmentChange("added", None, b) for b in news[paired:])
    return changes


def changed_since(old_markdown: str, new_markdown: str) -> bool:
    """True when the new body differs from the old in any segment (layout aside)."""
    old_keys = [s.key for s in split_segments(old_markdown)]
    return old_keys != [s.key for s in split_segments(new_markdown)]


def _word_diff(old_text: str, new_text: str, budget: _Budget) -> str:
    # Tokens are runs of non-space and runs of space. ZWNJ is not space, so an Urdu word
    # written with one stays a single token.
    a, b = _TOKEN.findall(old_text), _TOKEN.findall(new_text)
    parts = []
    for op, i1, i2, j1, j2 in _align(a, b, budget):
        if op == "equal":
            parts.append(html.escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(_tagged("del", "".join(a[i1:i2])))
        if j2 > j1:
            parts.append(_tagged("ins", "".join(b[j1:j2])))
    return "".join(parts)


def _tagged(tag: str, text: str) -> str:
    return f"<{tag}>{html.escape(text)}</{tag}>" if text else ""


def diff_html(old_text: str, new_text: str) -> str:
    """An HTML word diff of two Markdown bodies, one ``<div class="diff-seg diff-OP">`` each.

    Shows the Markdown source, every piece escaped: deletions in ``<del>``, insertions in
    ``<ins>``. Line breaks are kept as newlines, so the container wants
    ``white-space: pre-wrap``; the caller sets ``lang``/``dir`` for the language.
    """
    budget = _Budget()  # one for the whole diff, however many segments changed
    out = []
    changes = _diff_segments(split_segments(old_text), split_segments(new_text), budget)
    for change in changes:
        if change.op == "equal":
            body = html.escape(change.new.text)
        elif change.op == "added":
            body = _tagged("ins", change.new.text)
        elif change.op == "removed":
            body = _tagged("del", change.old.text)
        else:
            body = _word_diff(change.old.text, change.new.text, budget)
        out.append(f'<div class="diff-seg diff-{change.op}">{body}</div>')
    return "\n".join(out)

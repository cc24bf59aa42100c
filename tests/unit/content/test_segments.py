"""Segments: splitting bodies into blocks, stable keys, segment diffs and the HTML diff."""

from __future__ import annotations

import time
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from content.segments import (
    Segment,
    _align,
    _Budget,
    changed_since,
    diff_html,
    diff_segments,
    segment_key,
    split_segments,
)

ZWNJ = "\u200c"

BODY = """# Youth and dialogue

Young people meet across
neighbourhoods to talk.

```python
def listen():

    return "peace"
```

- listen first
- speak second

- disagree kindly
    without anger

> Tolerance is a habit,
not a feeling.

| city | circles |
|------|---------|
| A    | 3       |

Next steps
----------

* * *

    indented code

    still code
"""


def kinds(segments: list[Segment]) -> list[str]:
    return [s.kind for s in segments]


def ops(changes) -> list[str]:
    return [c.op for c in changes]


# -- splitting ----------------------------------------------------------------------------


def test_split_recognises_each_kind_of_block():
    segments = split_segments(BODY)
    assert kinds(segments) == [
        "heading", "paragraph", "code", "list", "quote", "table", "heading", "rule", "code",
    ]  # fmt: skip
    assert [s.index for s in segments] == list(range(len(segments)))
    assert segments[1].text == "Young people meet across\nneighbourhoods to talk."


def test_fenced_code_is_one_segment_despite_blank_lines_and_markup():
    body = "Before\n\n~~~~\nline one\n\n# not a heading\n\n- not a list\n~~~~\n\nAfter"
    segments = split_segments(body)
    assert kinds(segments) == ["paragraph", "code", "paragraph"]
    assert segments[1].text == "~~~~\nline one\n\n# not a heading\n\n- not a list\n~~~~"


def test_unclosed_fence_runs_to_the_end():
    segments = split_segments("Intro\n\n```\ncode\n\nmore")
    assert kinds(segments) == ["paragraph", "code"]
    assert segments[1].text == "```\ncode\n\nmore"


def test_shorter_fence_does_not_close_a_longer_one():
    segments = split_segments("````\n```\ninside\n```\n````\n\nafter")
    assert kinds(segments) == ["code", "paragraph"]


def test_heading_is_its_own_segment_even_without_blank_lines():
    segments = split_segments("Intro line\n## Peace\nBody line")
    assert kinds(segments) == ["paragraph", "heading", "paragraph"]
    assert segments[1].text == "## Peace"


def test_list_with_loose_items_is_one_segment_until_a_paragraph():
    segments = split_segments("1. one\n\n2. two\n   - nested\n\n3. three\n\nAfter the list.")
    assert kinds(segments) == ["list", "paragraph"]
    assert segments[0].text == "1. one\n\n2. two\n   - nested\n\n3. three"


def test_urdu_paragraphs():
    body = f"## امن کی کہانی\n\nنوجوان مکالمہ کرتے ہیں۔\n\nرواداری اور ہم{ZWNJ}آہنگی بڑھتی ہے۔\n"
    segments = split_segments(body)
    assert kinds(segments) == ["heading", "paragraph", "paragraph"]
    assert segments[2].text == f"رواداری اور ہم{ZWNJ}آہنگی بڑھتی ہے۔"


def test_empty_body_has_no_segments():
    assert split_segments("") == []
    assert split_segments("\n \n\t\n") == []


# -- keys ---------------------------------------------------------------------------------


def test_keys_ignore_crlf_trailing_space_and_inner_runs_of_space():
    plain = split_segments("# Peace\n\nYouth  talk\ntogether.\n\n- one\n  - two")
    messy = split_segments("# Peace   \r\n\r\nYouth talk \t\r\ntogether.\r\n\r\n- one\r\n  - two  ")
    assert [s.key for s in plain] == [s.key for s in messy]


def test_keys_see_real_changes():
    assert segment_key("paragraph", "Peace now") != segment_key("paragraph", "Peace, now")
    # A line break shows on the page, so it is a change.
    assert segment_key("paragraph", "a b") != segment_key("paragraph", "a\nb")
    # ZWNJ changes how an Urdu word joins.
    assert segment_key("paragraph", f"ہم{ZWNJ}آہنگی") != segment_key("paragraph", "ہمآہنگی")
    # Indentation nests lists.
    assert segment_key("list", "- a\n  - b") != segment_key("list", "- a\n- b")


def test_spacing_inside_code_is_content():
    assert segment_key("code", "```\na = 1\n```") != segment_key("code", "```\na  =  1\n```")


def test_key_is_unicode_normalised():
    # ۂ as one code point and as ہ followed by the hamza above mark.
    assert segment_key("paragraph", "\u06c2") == segment_key("paragraph", "\u06c1\u0654")


def test_key_is_stable_across_releases():
    # Keys are stored with translations: changing them outdates every translation.
    assert segment_key("paragraph", "Peace through dialogue.") == "ddcd4b8b50e31c61"


# -- segment diffs ------------------------------------------------------------------------

OLD = "# Circle\n\nFirst we listen.\n\nThen we speak.\n\nFinally we agree."


def test_identical_bodies_are_all_equal():
    changes = diff_segments(split_segments(OLD), split_segments(OLD))
    assert ops(changes) == ["equal"] * 4
    assert all(c.old.key == c.new.key for c in changes)


def test_edit_is_changed_and_paired():
    new = OLD.replace("Then we speak.", "Then we speak kindly.")
    changes = diff_segments(split_segments(OLD), split_segments(new))
    assert ops(changes) == ["equal", "equal", "changed", "equal"]
    assert changes[2].old.text == "Then we speak."
    assert changes[2].new.text == "Then we speak kindly."


def test_insertion_and_deletion():
    inserted = OLD.replace("Then we speak.", "Then we speak.\n\nWe take turns.")
    changes = diff_segments(split_segments(OLD), split_segments(inserted))
    assert ops(changes) == ["equal", "equal", "equal", "added", "equal"]
    assert changes[3].old is None
    assert changes[3].new.text == "We take turns."

    deleted = OLD.replace("First we listen.\n\n", "")
    changes = diff_segments(split_segments(OLD), split_segments(deleted))
    assert ops(changes) == ["equal", "removed", "equal", "equal"]
    assert changes[1].new is None


def test_move_is_removed_then_added():
    moved = "# Circle\n\nThen we speak.\n\nFinally we agree.\n\nFirst we listen."
    changes = diff_segments(split_segments(OLD), split_segments(moved))
    assert ops(changes) == ["equal", "removed", "equal", "equal", "added"]
    assert changes[1].old.text == changes[4].new.text == "First we listen."


def test_replaced_run_pairs_in_order_and_surplus_is_added():
    new = "# Circle\n\nWe listen.\n\nWe speak.\n\nWe rest.\n\nFinally we agree."
    changes = diff_segments(split_segments(OLD), split_segments(new))
    assert ops(changes) == ["equal", "changed", "changed", "added", "equal"]
    assert (changes[1].old.text, changes[1].new.text) == ("First we listen.", "We listen.")


def test_changed_since():
    assert not changed_since(OLD, OLD)
    assert not changed_since(OLD, OLD.replace("\n", "\r\n") + "  \n\n")
    assert changed_since(OLD, OLD.replace("agree", "agree together"))
    assert changed_since(OLD, OLD + "\n\nA new closing line.")
    swapped = "# Circle\n\nThen we speak.\n\nFirst we listen.\n\nFinally we agree."
    assert changed_since(OLD, swapped)


def test_repeated_segments_do_not_confuse_the_alignment():
    body = "\n\n".join(f"Circle {i} met." if i % 10 else "* * *" for i in range(3000))
    changes = diff_segments(split_segments(body), split_segments(body.replace("1555", "1556")))
    assert [i for i, c in enumerate(changes) if c.op != "equal"] == [1555]
    assert changes[1555].op == "changed"


def test_repetitive_bodies_are_diffed_in_bounded_time():
    # Plain difflib needs over a minute for 2,000 of these; this is 16 times as many.
    old = "Peace.\n\n" * 33_000
    new = "Dialogue.\n\n" + "Peace.\n\nYouth.\n\n" * 16_500
    words_old = " ".join(f"w{i % 100}" for i in range(20_000))
    words_new = " ".join(f"w{i % 100} z" for i in range(20_000))
    started = time.monotonic()
    changes = diff_segments(split_segments(old), split_segments(new))
    diff_html(old, new)
    diff_html(words_old, words_new)
    assert time.monotonic() - started < 5
    assert sum(c.new is not None for c in changes) == 33_001
    assert sum(c.old is not None for c in changes) == 33_000


def _assert_valid_opcodes(a, b, opcodes):
    i = j = 0
    for tag, i1, i2, j1, j2 in opcodes:
        assert (i1, j1) == (i, j)
        assert tag in ("equal", "replace", "delete", "insert")
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
        assert (i2 > i1) == (tag != "insert") and (j2 > j1) == (tag != "delete")
        i, j = i2, j2
    assert (i, j) == (len(a), len(b))


items = st.lists(st.sampled_from("abcdefgh") | st.text(min_size=1, max_size=2), max_size=150)


@settings(max_examples=200, deadline=None)
@given(items, items, st.sampled_from([0, 50, 1_000_000]))
def test_alignment_covers_both_sides_whatever_the_budget(a, b, units):
    opcodes = _align(a, b, _Budget(units))
    _assert_valid_opcodes(a, b, opcodes)
    if a == b:
        assert all(tag == "equal" for tag, *_ in opcodes)


def test_alignment_anchors_on_unique_items_in_long_sequences():
    a = [f"u{i}" if i % 3 else "the" for i in range(300)]
    b = list(a)
    edited = range(5, 300, 20)
    for k in edited:
        b[k] = f"edited{k}"
    del b[298]
    # One pass of anchors settles it: a small budget is enough.
    opcodes = _align(a, b, _Budget(2_000))
    _assert_valid_opcodes(a, b, opcodes)
    assert [op for op in opcodes if op[0] != "equal"] == [
        *[("replace", k, k + 1, k, k + 1) for k in edited],
        ("delete", 298, 299, 298, 298),
    ]
    # With no budget left, what lies between the common ends is simply replaced.
    opcodes = _align(a, b, _Budget(0))
    assert [op for op in opcodes if op[0] != "equal"] == [("replace", 5, 299, 5, 298)]


# -- HTML diff ----------------------------------------------------------------------------


class _Diff(HTMLParser):
    """Reads diff_html output back: tags seen, and each segment's old and new text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple]] = []
        self.segments: list[dict] = []
        self._in_div = False
        self._inside: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, tuple(attrs)))
        if tag == "div":
            self.segments.append({"class": dict(attrs)["class"], "old": "", "new": ""})
            self._in_div = True
        else:
            self._inside = tag

    def handle_endtag(self, tag):
        if tag == "div":
            self._in_div = False
        self._inside = None

    def handle_data(self, data):
        if not self._in_div:
            assert data == "\n"  # only the separator between segments
            return
        seg = self.segments[-1]
        if self._inside != "ins":
            seg["old"] += data
        if self._inside != "del":
            seg["new"] += data


def read_diff(fragment: str) -> _Diff:
    parser = _Diff()
    parser.feed(fragment)
    parser.close()
    return parser


def test_diff_html_marks_words_and_segments():
    old = "Peace and dialogue.\n\nOld closing."
    new = "Peace and youth dialogue.\n\nA new middle.\n\nOld closing."
    out = diff_html(old, new)
    assert out.split("\n") == [
        '<div class="diff-seg diff-changed">Peace and <ins>youth </ins>dialogue.</div>',
        '<div class="diff-seg diff-added"><ins>A new middle.</ins></div>',
        '<div class="diff-seg diff-equal">Old closing.</div>',
    ]


def test_diff_html_word_replacement_and_removal():
    out = diff_html("We build peace.\n\nGone.", "We build trust.")
    assert out == (
        '<div class="diff-seg diff-changed">We build <del>peace.</del><ins>trust.</ins></div>\n'
        '<div class="diff-seg diff-removed"><del>Gone.</del></div>'
    )


def test_diff_html_escapes_markup_in_both_texts():
    old = 'Say <b>hi</b> & "welcome"\n\n<script>alert(1)</script>'
    new = 'Say <i>hi</i> & "welcome"\n\n<script>alert(2)</script><img src=x onerror=alert(3)>'
    out = diff_html(old, new)
    assert "<script" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;img src=x onerror=alert(3)&gt;" in out
    assert {tag for tag, _ in read_diff(out).tags} <= {"div", "ins", "del"}


def test_diff_html_urdu_keeps_zwnj_words_whole():
    old = f"نوجوان امن اور ہم{ZWNJ}آہنگی چاہتے ہیں۔"
    new = f"نوجوان امن، رواداری اور ہم{ZWNJ}آہنگی چاہتے ہیں۔"
    out = diff_html(old, new)
    assert out == (
        '<div class="diff-seg diff-changed">نوجوان <del>امن</del><ins>امن، رواداری</ins> اور '
        f"ہم{ZWNJ}آہنگی چاہتے ہیں۔</div>"
    )


def test_diff_html_of_huge_rewrite_stays_fast():
    old = " ".join(f"word{i}" for i in range(20_000))
    new = " ".join(f"term{i}" for i in range(20_000))
    started = time.monotonic()
    out = diff_html(old, new)
    assert time.monotonic() - started < 2
    assert out.startswith('<div class="diff-seg diff-changed"><del>word0 ')


markdownish = st.lists(
    st.one_of(
        st.sampled_from(["\n", "\n\n", "# ", "- ", "> ", "```", "    ", " ", "<b>", "&", '"',
                         "امن", ZWNJ, "peace", "|", "---", "\r\n", "\t"]),
        st.text(max_size=6),
    ),
    max_size=30,
).map("".join)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(markdownish, markdownish)
def test_diff_html_reconstructs_both_sides(old, new):
    out = diff_html(old, new)
    assert {tag for tag, _ in read_diff(out).tags} <= {"div", "ins", "del"}
    changes = diff_segments(split_segments(old), split_segments(new))
    segments = read_diff(out).segments
    assert [s["class"] for s in segments] == [f"diff-seg diff-{c.op}" for c in changes]
    for seg, change in zip(segments, changes, strict=True):
        if change.new is not None:
            assert seg["new"] == change.new.text
        if change.old is not None and change.op != "equal":
            assert seg["old"] == change.old.text


def test_diff_html_escapes_quotes_too():
    expected = '<div class="diff-seg diff-added"><ins>&lt;&gt;&amp;&quot;&#x27;</ins></div>'
    assert diff_html("", "<>&\"'") == expected

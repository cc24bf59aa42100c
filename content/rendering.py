"""Markdown bodies to safe HTML and to plain text, within bounds.

This module owns the one way a body written in Markdown becomes HTML fit for a page:
Python-Markdown with a fixed set of extensions, then bleach with the allowlist below, always
and last. It also owns the plain-text form of a body (search, snippets, feeds, e-mail) and
the limits on what it renders: a size cap and a time bound. The result is a ``str``; only the
web layer wraps it in ``Markup``.

Why a time bound: some of Python-Markdown's inline patterns are quadratic or worse on
hostile input (20,000 unmatched ``[`` take about 40 s), and deep nesting exhausts the
recursion limit. Rendering therefore runs in one long-lived child process (a plain
``subprocess``, not ``multiprocessing``: no re-import of ``__main__`` and nothing for a
forking server such as gunicorn to inherit and kill). A render that overruns
``RENDER_TIMEOUT_SECONDS`` kills the child, the next call starts a new one, and the body is
refused as ``InvalidInput("body", "too_complex")``. Calls from several threads are
serialised on the one child.
"""

from __future__ import annotations

import atexit
import html
import json
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

from content.errors import InvalidInput

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_PROTOCOLS",
    "ALLOWED_TAGS",
    "MAX_BODY_CHARS",
    "RENDERER_VERSION",
    "RENDER_TIMEOUT_SECONDS",
    "excerpt",
    "html_to_text",
    "is_safe_image_source",
    "is_safe_link",
    "markdown_to_text",
    "render_markdown",
    "sanitize_html",
]

# Stored next to rendered HTML; bump whenever the same Markdown would render differently.
RENDERER_VERSION = 1
MAX_BODY_CHARS = 100_000
RENDER_TIMEOUT_SECONDS = 3.0
# Unmatched openers are what make the link and autolink patterns slow; no real story has a
# thousand of them, so such a body is refused at once instead of costing a worker 3 s.
_MAX_UNMATCHED_OPENERS = 1_000
_WORKER_START_TIMEOUT_SECONDS = 30.0

# Headings start at h2 (the page's title is the h1); see _HeadingLevels.
ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "code", "pre",
        "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "a", "img", "abbr",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
# ``rel`` is absent on purpose: authors never set it, _LinkPolicy sets it after sanitising.
ALLOWED_ATTRIBUTES = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title", "width", "height", "loading"}),
    "abbr": frozenset({"title"}),
    "ol": frozenset({"start"}),
    "th": frozenset({"colspan", "rowspan", "align"}),
    "td": frozenset({"colspan", "rowspan", "align"}),
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
EXTERNAL_LINK_REL = "nofollow noopener ugc"

_VALUE_RULES = {
    "width": re.compile(r"[0-9]{1,4}"),
    "height": re.compile(r"[0-9]{1,4}"),
    "start": re.compile(r"[0-9]{1,6}"),
    "colspan": re.compile(r"[0-9]{1,3}"),
    "rowspan": re.compile(r"[0-9]{1,3}"),
    "align": re.compile(r"left|right|center"),
    "loading": re.compile(r"lazy|eager"),
}
# Browsers ignore ASCII whitespace and controls inside a URL ("java\tscript:"), so the
# checks look at the URL with them removed, after decoding character references.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f-\xa0\s]+")
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")


def _normalised_url(value: str) -> str:
    return _URL_NOISE.sub("", html.unescape(value))


def _url_scheme(url: str) -> str | None:
    match = _SCHEME.match(url.lower())
    return match.group(1) if match else None


def _is_hub_path(url: str) -> bool:
    # "//host" and "/\host" are another site to a browser, not a path on this one.
    return url.startswith("/") and url[1:2] not in ("/", "\\")


def is_safe_link(value: str) -> bool:
    """Links may be http(s), mailto, a path on the hub ("/ur/stories/x") or a fragment."""
    url = _normalised_url(value)
    scheme = _url_scheme(url)
    if scheme is not None:
        return scheme in ALLOWED_PROTOCOLS
    return url.startswith("#") or _is_hub_path(url)


def is_safe_image_source(value: str) -> bool:
    """Images come from the hub's own media route or over https; never data: or http."""
    url = _normalised_url(value)
    if _url_scheme(url) == "https":
        return True
    # "/media/../x" would make the reader's browser request another hub URL.
    return url.startswith("/media/") and "\\" not in url and ".." not in unquote(url)


def _is_external_link(value: str) -> bool:
    return _url_scheme(_normalised_url(value)) in ("http", "https")


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return False
    if (tag, name) == ("a", "href"):
        return is_safe_link(value)
    if (tag, name) == ("img", "src"):
        return is_safe_image_source(value)
    rule = _VALUE_RULES.get(name)
    return rule is None or rule.fullmatch(value) is not None


_cleaners = threading.local()  # bleach's Cleaner keeps parser state: one per thread


def _cleaner():
    cleaner = getattr(_cleaners, "cleaner", None)
    if cleaner is None:
        import bleach
        from bleach.html5lib_shim import Filter

        class _LinkPolicy(Filter):
            """Runs after the sanitiser: marks external links, makes images lazy."""

            def __iter__(self):
                in_dead_link = False
                for token in super().__iter__():
                    kind, name = token["type"], token.get("name")
                    if kind == "EndTag" and name == "a" and in_dead_link:
                        in_dead_link = False
                        continue
                    if kind in ("StartTag", "EmptyTag") and name in ("a", "img"):
                        attrs = dict(token.get("data") or {})
                        if name == "a":
                            # A link whose target was refused becomes its text.
                            href = attrs.get((None, "href"))
                            if href is None:
                                in_dead_link = True
                                continue
                            attrs.pop((None, "rel"), None)
                            if _is_external_link(href):
                                attrs[(None, "rel")] = EXTERNAL_LINK_REL
                        else:
                            # An image whose source was refused becomes its alt text.
                            if (None, "src") not in attrs:
                                alt = attrs.get((None, "alt"), "")
                                yield {"type": "Characters", "data": alt}
                                continue
                            attrs.setdefault((None, "loading"), "lazy")
                        token["data"] = attrs
                    yield token

        cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=_allow_attribute,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
            filters=[_LinkPolicy],
        )
        _cleaners.cleaner = cleaner
    return cleaner


def sanitize_html(fragment: str) -> str:
    """Reduce any HTML fragment to the allowlist. The last step of every render."""
    return _cleaner().clean(fragment)


def _new_markdown():
    import markdown
    from markdown.extensions import Extension
    from markdown.extensions.tables import TableExtension
    from markdown.treeprocessors import Treeprocessor

    class _HeadingLevels(Treeprocessor):
        """The document's top heading level becomes h2, the rest keep their distance.

        Writers use "#" or "##" for sections as habit dictates; either way the page has no
        second h1 and no skipped level. Anything deeper than h4 is clamped to h4.
        """

        def run(self, root):
            headings = [el for el in root.iter() if re.fullmatch(r"h[1-6]", str(el.tag))]
            if headings:
                top = min(int(el.tag[1]) for el in headings)
                for el in headings:
                    el.tag = f"h{min(4, int(el.tag[1]) - top + 2)}"

    class _HubMarkdown(Extension):
        def extendMarkdown(self, md):
            # Raw HTML is shown as text, not interpreted: contributors are not writing HTML,
            # and pasted markup would otherwise come out half-stripped. bleach still runs.
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")
            md.treeprocessors.register(_HeadingLevels(md), "hub_heading_levels", 1)

    # No attr_list (it sets arbitrary attributes, event handlers included), no footnotes or
    # toc (they need id attributes), no md_in_html (no raw HTML at all). nl2br because
    # Urdu poetry and text pasted from phones rely on single line breaks.
    return markdown.Markdown(
        extensions=[
            TableExtension(use_align_attribute=True),
            "fenced_code",
            "def_list",
            "abbr",
            "sane_lists",
            "nl2br",
            _HubMarkdown(),
        ],
        output_format="html",
    )


def _render_unbounded(md, text: str) -> str:
    md.reset()
    return sanitize_html(md.convert(text))


def _too_complex_at_a_glance(text: str) -> bool:
    return any(
        text.count(opener) - text.count(closer) > _MAX_UNMATCHED_OPENERS
        for opener, closer in (("[", "]"), ("(", ")"), ("<", ">"))
    )


def _checked_body(text: str) -> bytes:
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    if len(text) > MAX_BODY_CHARS:
        raise InvalidInput("body", "too_long", maximum=MAX_BODY_CHARS)
    if _too_complex_at_a_glance(text):
        raise InvalidInput("body", "too_complex")
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: no browser sends them, a script might
        raise InvalidInput("body", "invalid") from None


def render_markdown(text: str) -> str:
    """Render a Markdown body to sanitised HTML (a str; the web layer marks it safe).

    Raises InvalidInput("body", "too_long") above MAX_BODY_CHARS and
    InvalidInput("body", "too_complex") when rendering would take longer than
    RENDER_TIMEOUT_SECONDS or nests too deeply.
    """
    data = _checked_body(text)
    if not text.strip():
        return ""
    return _WORKER.render(data, RENDER_TIMEOUT_SECONDS)


# -- the child process -------------------------------------------------------------------
# Frames: parent -> child: 4-byte length + UTF-8 Markdown. Child -> parent: 1-byte status
# (r ready, o ok, c too complex, e error) + 4-byte length + UTF-8 payload.


def _write_frame(out, status: bytes, payload: str = "") -> None:
    data = payload.encode("utf-8")
    out.write(status + len(data).to_bytes(4, "big") + data)
    out.flush()


def _serve() -> None:
    """Child process main loop: render what arrives on stdin until stdin closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent to handle
    # Keep the protocol channel to ourselves: a stray print() must not corrupt a frame.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    source = sys.stdin.buffer
    md = _new_markdown()
    _write_frame(out, b"r")
    while True:
        header = source.read(4)
        if len(header) < 4:
            return
        text = source.read(int.from_bytes(header, "big")).decode("utf-8")
        try:
            _write_frame(out, b"o", _render_unbounded(md, text))
        except (RecursionError, MemoryError):
            md = _new_markdown()  # it was abandoned mid-document
            _write_frame(out, b"c")
        except Exception as exc:  # reported to the parent, which raises it there
            md = _new_markdown()
            _write_frame(out, b"e", repr(exc))


_CHILD_CODE = (
    "import json, sys; sys.path[:] = json.loads(sys.argv[1]); "
    "import content.rendering as r; r._serve()"
)


class _Overrun(Exception):
    pass


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class _RenderWorker:
    """The parent's handle on the child: start on demand, kill on overrun, never share."""

    def __init__(self):
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._inherited: list[subprocess.Popen] = []

    def render(self, data: bytes, timeout: float) -> str:
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._start()
            process = self._process
            deadline = time.monotonic() + timeout
            try:
                _write_all(process.stdin.fileno(), len(data).to_bytes(4, "big") + data)
                status, payload = self._read_frame(deadline)
            except (_Overrun, EOFError, OSError):
                # Over time, or the child died (e.g. its C stack): either way it is gone.
                self._stop()
                raise InvalidInput("body", "too_complex") from None
        if status == b"o":
            return payload
        if status == b"c":
            raise InvalidInput("body", "too_complex")
        raise RuntimeError(f"markdown rendering failed: {payload}")

    def _start(self) -> None:
        self._stop()
        # -I keeps PYTHON* variables and the current directory out of the child; it gets
        # this process's import path instead, so it finds the same packages.
        path = [*sys.path, str(Path(__file__).resolve().parent.parent)]
        # S603: the command is our own interpreter running this module, no user input.
        self._process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-I", "-c", _CHILD_CODE, json.dumps(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )
        try:
            status, _ = self._read_frame(time.monotonic() + _WORKER_START_TIMEOUT_SECONDS)
        except (_Overrun, EOFError, OSError) as exc:
            self._stop()
            raise RuntimeError("markdown render worker did not start") from exc
        if status != b"r":
            self._stop()
            raise RuntimeError("markdown render worker spoke out of turn")

    def _read_exact(self, size: int, deadline: float) -> bytes:
        fd = self._process.stdout.fileno()
        buf = bytearray()
        while len(buf) < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise _Overrun
            chunk = os.read(fd, size - len(buf))
            if not chunk:
                raise EOFError("render worker exited")
            buf += chunk
        return bytes(buf)

    def _read_frame(self, deadline: float) -> tuple[bytes, str]:
        head = self._read_exact(5, deadline)
        payload = self._read_exact(int.from_bytes(head[1:], "big"), deadline)
        return head[:1], payload.decode("utf-8")

    def _stop(self, grace: float = 0.0) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.stdin.close()  # end of input: an idle child exits by itself
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()

    def close(self) -> None:
        """Stop the child; registered to run at interpreter exit."""
        with self._lock:
            self._stop(grace=2.0)

    def forget_after_fork(self) -> None:
        # In a forked child (gunicorn workers after --preload) the child process belongs to
        # the parent. Close our copies of its pipes so it still sees end of input when the
        # parent exits, keep the Popen so its finaliser never runs here, and start afresh.
        self._lock = threading.Lock()
        if self._process is not None:
            self._process.stdin.close()
            self._process.stdout.close()
            self._inherited.append(self._process)
            self._process = None


_WORKER = _RenderWorker()
atexit.register(_WORKER.close)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_WORKER.forget_after_fork)


# -- plain text ---------------------------------------------------------------------------

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

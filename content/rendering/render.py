"""Markdown body to sanitised HTML, within bounds: the public entry point and its limits.

This module owns the limits on what is rendered (a size cap, a quick refusal of bodies
that are hostile at a glance, and the time bound the worker enforces) and the version
stored next to rendered HTML.
"""

from __future__ import annotations

from content.errors import InvalidInput
from content.rendering.worker import _WORKER

# Stored next to rendered HTML; bump whenever the same Markdown would render differently.
RENDERER_VERSION = 1
MAX_BODY_CHARS = 100_000
RENDER_TIMEOUT_SECONDS = 3.0
# Unmatched openers are what make the link and autolink patterns slow; no real story has a
# thousand of them, so such a body is refused at once instead of costing a worker 3 s.
_MAX_UNMATCHED_OPENERS = 1_000


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

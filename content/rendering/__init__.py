"""Markdown bodies to safe HTML and to plain text, within bounds.

This package owns the one way a body written in Markdown becomes HTML fit for a page:
Python-Markdown with a fixed set of extensions, then bleach with the allowlist, always and
last. It also owns the plain-text form of a body (search, snippets, feeds, e-mail) and the
limits on what it renders: a size cap and a time bound. The result is a ``str``; only the
web layer wraps it in ``Markup``.

One module per concern:

* ``sanitize``: the allowlist, link and image rules, the bleach cleaner, ``sanitize_html``;
* ``pipeline``: the Python-Markdown instance and its extensions (unbounded conversion);
* ``worker``: the time-bounded child process that runs the pipeline, and its protocol;
* ``render``: ``render_markdown``, its pre-checks and limits, ``RENDERER_VERSION``;
* ``text``: ``html_to_text``, ``markdown_to_text``, ``excerpt``.

Import from ``content.rendering``; the modules are its implementation.
"""

from __future__ import annotations

from content.rendering.render import (
    MAX_BODY_CHARS,
    RENDER_TIMEOUT_SECONDS,
    RENDERER_VERSION,
    render_markdown,
)
from content.rendering.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_PROTOCOLS,
    ALLOWED_TAGS,
    is_safe_image_source,
    is_safe_link,
    sanitize_html,
)
from content.rendering.text import excerpt, html_to_text, markdown_to_text

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

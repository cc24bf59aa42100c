"""Absolute URLs of the public site: canonical links, feeds, the sitemap and robots.txt.

With ``HUB_BASE_URL`` set (say ``https://hub.example.org``, or with a path when the hub is
mounted under one), every absolute link is built on it, whatever host or scheme the request
came in on: a canonical link must not change with the proxy in front of the hub. Without it,
links follow the request (its host and scheme, after ``HUB_PROXY_FIX``).

This module only builds strings; it imports nothing from the public blueprint, so the
blueprint's views and templates can all use it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for


def configured_base() -> str:
    """``HUB_BASE_URL`` without its trailing slash, or "" when it is not set."""
    return (current_app.config.get("HUB_BASE_URL") or "").strip().rstrip("/")


def absolute_url(endpoint: str, **values) -> str:
    """The absolute URL of ``endpoint``, as ``url_for`` takes it (query values included)."""
    if not has_request_context():
        base = configured_base()
        if not base:
            # Works when SERVER_NAME is set; otherwise Flask says plainly what is missing.
            return url_for(endpoint, _external=True, **values)
        with current_app.test_request_context("/", base_url=base):
            return url_for(endpoint, _external=True, **values)
    return external(url_for(endpoint, **values))


def external(path: str) -> str:
    """An absolute URL for ``path`` as ``url_for`` returned it (script root included).

    Cheaper than ``url_for(..., _external=True)`` when one request builds thousands of links
    (the sitemap), and the one place that puts the configured base in front of a path.
    """
    base = configured_base()
    if base:
        root = request.script_root
        if root and path.startswith(root):
            path = path[len(root) :]
        return base + path
    return request.host_url.rstrip("/") + path


def tag_authority() -> str:
    """The host name that mints the site's tag: URIs (RFC 4151), without a port."""
    host = urlsplit(configured_base() or "//" + request.host).hostname
    return host or "localhost"

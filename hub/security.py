"""Response headers every page gets: caching rules, content security policy, and the like."""

from __future__ import annotations

from flask import Flask, request
from flask_login import current_user

# Endpoints whose pages are the same for everybody and carry nothing private.
PUBLIC_BLUEPRINTS = frozenset({"public"})

CSP = (
    "default-src 'self'; img-src 'self' https: data:; media-src 'self' https:; "
    "style-src 'self'; script-src 'self'; font-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)


def is_public_request() -> bool:
    return request.blueprint in PUBLIC_BLUEPRINTS and not current_user.is_authenticated


def register(app: Flask) -> None:
    @app.after_request
    def set_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.endpoint == "static":
            return response
        if request.blueprint == "media":
            # Media views set public caching for published files; anything else (a 404 for
            # a draft's file included) must not be kept by a browser or a CDN.
            headers.setdefault("Cache-Control", "private, no-store")
            return response
        if not is_public_request():
            # Signed-in pages and every editorial page: never stored by a browser or proxy.
            headers["Cache-Control"] = "private, no-store"
            headers["Vary"] = "Cookie"
        return response

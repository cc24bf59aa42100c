"""Response headers every page gets: caching rules, content security policy, and the like."""

from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_login import current_user

# Blueprints whose answers are the same for everybody and carry nothing private: the public
# site (with its feeds and sitemap) and the read API. Their caching is hub.public.caching's.
PUBLIC_BLUEPRINTS = frozenset({"public", "api"})

CSP = (
    "default-src 'self'; img-src 'self' https: data:; media-src 'self' https:; "
    "style-src 'self'; script-src 'self'; font-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)


def is_anonymous_request() -> bool:
    """Nobody is signed in and the request carries nothing that could make its answer
    somebody's: no session cookie (a flash, a form token, a half-finished sign-in), no
    remember cookie, no credentials. Answered once per request (the caching hooks ask
    several times)."""
    known = g.get("hub_anonymous")
    if known is None:
        config = current_app.config
        cookies = request.cookies
        known = g.hub_anonymous = not (
            config["SESSION_COOKIE_NAME"] in cookies
            or config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies
            or "Authorization" in request.headers
            or current_user.is_authenticated
        )
    return known


def is_public_request() -> bool:
    return request.blueprint in PUBLIC_BLUEPRINTS and is_anonymous_request()


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
            # Signed-in pages, pages asked for with a session cookie, and every editorial
            # page: never stored by a browser or proxy.
            headers["Cache-Control"] = "private, no-store"
            response.vary.add("Cookie")
        return response

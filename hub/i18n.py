"""Which language a request is in, chosen in one place.

Order: the URL prefix (public pages), the signed-in user's preference, a ``?lang=`` choice on
pages without a prefix, Accept-Language, the default. The registry code lives in ``g.lang``;
Flask-Babel gets the registry's formatting locale for it.
"""

from __future__ import annotations

from flask import current_app, g, request
from flask_login import current_user

from content import languages


def enabled_languages() -> tuple[str, ...]:
    return current_app.extensions["hub.languages"]


def enabled_language_objects() -> list[languages.Language]:
    return [languages.get(code) for code in enabled_languages()]


def parse_enabled(value: str) -> tuple[str, ...]:
    codes = languages.parse_codes(value)
    if "en" not in codes:
        codes = (*codes, "en")
    return codes


def negotiate(accept_languages, enabled: tuple[str, ...], default: str) -> str:
    """Best enabled registry code for an Accept-Language header."""
    by_tag = {}
    for code in enabled:
        lang = languages.get(code)
        by_tag[lang.tag.lower()] = code
        by_tag.setdefault(code, code)
        if lang.babel_locale:
            by_tag.setdefault(lang.babel_locale.replace("_", "-").lower(), code)
    for value, _quality in accept_languages:
        tag = value.lower()
        if tag in by_tag:
            return by_tag[tag]
        primary = tag.split("-")[0]
        # "pa" alone in a browser usually means Gurmukhi: do not map it to Shahmukhi.
        if primary != "pa" and primary in by_tag:
            return by_tag[primary]
    return default


def select_language() -> str:
    enabled = enabled_languages()
    if "lang" in getattr(g, "__dict__", {}) and g.lang in enabled:
        return g.lang
    url_lang = (request.view_args or {}).get("lang") if request else None
    if url_lang in enabled:
        return url_lang
    user = current_user
    if user and user.is_authenticated and user.preferred_language in enabled:
        return user.preferred_language
    asked = request.args.get("lang") if request else None
    if asked in enabled:
        return asked
    default = current_app.config["HUB_DEFAULT_LANGUAGE"]
    if not request:
        return default
    return negotiate(request.accept_languages, enabled, default)


def current_language() -> languages.Language:
    if "lang" not in g.__dict__:
        g.lang = select_language()
    return languages.get(g.lang)


def babel_locale_selector() -> str:
    return current_language().format_locale

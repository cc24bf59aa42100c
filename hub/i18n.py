"""Which language a request is in, chosen in one place.

Order: the URL prefix (public pages), the signed-in user's preference, a ``?lang=`` choice on
pages without a prefix, Accept-Language, the default. The registry code lives in ``g.lang``;
Flask-Babel gets the registry's formatting locale for it.
"""

from __future__ import annotations

from contextlib import contextmanager

from babel import support
from flask import current_app, g, has_app_context, has_request_context, request
from flask_babel import Domain, force_locale
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
    forced = g.get("forced_language")
    if forced:
        return languages.get(forced).format_locale
    return current_language().format_locale


class ChainDomain(Domain):
    """Interface catalogs with the registry's fallback chain: a string missing from the
    Saraiki catalog comes from Urdu, then English, never straight from English.

    Flask-Babel looks catalogs up by Babel locale alone, which cannot tell Brahui or Hindko
    (formatted as Urdu) from Urdu; this domain looks them up by the registry code instead.
    """

    def __init__(self, directory: str):
        super().__init__(translation_directories=[directory])
        self.directory = directory
        self._chains: dict[str, support.Translations] = {}

    def get_translations(self):
        if not has_app_context():
            return support.NullTranslations()
        code = active_code()
        try:
            return self._chains[code]
        except KeyError:
            pass
        chain = None
        for link in languages.fallback_chain(code):
            if link == "en":
                break  # the source strings are English
            catalog = support.Translations.load(
                self.directory, [languages.get(link).catalog_locale], "messages"
            )
            if not isinstance(catalog, support.Translations):
                continue  # no compiled catalog for this link
            if chain is None:
                chain = catalog
            else:
                chain.add_fallback(catalog)
        result = chain or support.NullTranslations()
        self._chains[code] = result
        return result


def active_code() -> str:
    """The registry code whose catalogs apply now (request language, or a forced one)."""
    forced = g.get("forced_language") if has_app_context() else None
    if forced:
        return forced
    if has_request_context():
        return current_language().code
    return g.get("lang") or current_app.config["HUB_DEFAULT_LANGUAGE"]


@contextmanager
def language_context(code: str):
    """Speak ``code`` for a while (mail to a user in their language), formats and catalogs."""
    previous = g.get("forced_language")
    g.forced_language = code
    try:
        with force_locale(languages.get(code).format_locale):
            yield
    finally:
        g.forced_language = previous


def compile_catalogs(directory: str) -> list[tuple[str, int, int]]:
    """Compile every ``.po`` under ``directory`` to ``.mo``, leaving out what is not (fully)
    translated, so that it falls back along the chain instead of showing English: Babel's
    own compiler writes an untranslated plural entry as English. Returns (catalog,
    translated, total) per catalog."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    stats = []
    for po in sorted(Path(directory).glob("*/LC_MESSAGES/messages.po")):
        with open(po, "rb") as f:
            catalog = read_po(f)
        total = translated = 0
        for message in list(catalog):
            if not message.id:
                continue
            total += 1
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy or not all(strings):
                catalog.delete(message.id, context=message.context)
            else:
                translated += 1
        with open(po.with_suffix(".mo"), "wb") as f:
            write_mo(f, catalog)
        stats.append((po.parent.parent.name, translated, total))
    return stats

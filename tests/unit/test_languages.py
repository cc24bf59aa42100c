"""The language registry: every language resolves, chains end in English, formatting works."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime
from babel.numbers import format_decimal

from content import languages

EXPECTED = {
    # code: (tag, direction, font style, babel locale, chain)
    "en": ("en", "ltr", "latin", "en", ("en",)),
    "ur": ("ur", "rtl", "nastaliq", "ur_PK", ("ur", "en")),
    "pa": ("pa-Arab", "rtl", "nastaliq", "pa_Arab_PK", ("pa", "ur", "en")),
    "sd": ("sd", "rtl", "naskh", "sd_Arab_PK", ("sd", "ur", "en")),
    "ps": ("ps", "rtl", "naskh", "ps_PK", ("ps", "ur", "en")),
    "bal": ("bal", "rtl", "naskh", "bal_PK", ("bal", "ur", "en")),
    "skr": ("skr", "rtl", "nastaliq", "skr_PK", ("skr", "ur", "en")),
    "brh": ("brh", "rtl", "naskh", None, ("brh", "ur", "en")),
    "hno": ("hno", "rtl", "nastaliq", None, ("hno", "ur", "en")),
}


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_every_language_resolves(code):
    lang = languages.get(code)
    tag, direction, style, babel_locale, chain = EXPECTED[code]
    assert (lang.tag, lang.direction, lang.font_style, lang.babel_locale) == (
        tag,
        direction,
        style,
        babel_locale,
    )
    assert languages.fallback_chain(code) == chain
    assert lang.native_name and lang.english_name
    assert lang.is_rtl == (direction == "rtl")


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_dates_and_numbers_format_in_every_language(code):
    lang = languages.get(code)
    locale = Locale.parse(lang.format_locale)
    when = datetime(2026, 3, 21, 9, 30, tzinfo=UTC)
    assert format_datetime(when, "medium", locale=locale)
    assert format_decimal(12345.5, locale=locale)
    if lang.babel_locale:
        assert Locale.parse(lang.babel_locale).text_direction == direction_of(code)


def direction_of(code):
    return EXPECTED[code][1]


def test_shahmukhi_is_not_gurmukhi():
    assert Locale.parse(languages.get("pa").babel_locale).script == "Arab"


def test_registry_supplies_what_cldr_lacks():
    assert Locale.parse("skr_PK").get_display_name("en") is None
    assert languages.get("skr").english_name == "Saraiki"
    for code in ("brh", "hno"):
        with pytest.raises(UnknownLocaleError):
            Locale.parse(code)
        assert languages.get(code).format_locale == "ur_PK"


def test_unknown_codes_are_refused():
    with pytest.raises(languages.UnknownLanguageError):
        languages.get("xx")
    with pytest.raises(languages.UnknownLanguageError):
        languages.parse_codes("ur,xx")
    assert languages.parse_codes(" ur, en ,ur") == ("ur", "en")


def test_chain_keeps_only_enabled_languages():
    assert languages.fallback_chain("skr", enabled=("skr", "en")) == ("skr", "en")

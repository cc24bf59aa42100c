"""The language registry: the one place that knows the hub's languages.

Everything else (templates, search analyzers, Babel locale selection, fallback of both
interface strings and content) asks this module. Babel/CLDR knows most of these languages,
but not all: Brahui and Hindko are not in CLDR and Saraiki has no English name there, so the
registry supplies names and direction itself and names a CLDR locale to format dates and
numbers with (``format_locale``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "Language",
    "UnknownLanguageError",
    "all_codes",
    "fallback_chain",
    "get",
    "is_known",
]

NASTALIQ = "Noto Nastaliq Urdu"
NASKH = "Noto Naskh Arabic"


@dataclass(frozen=True, slots=True)
class Language:
    """One language as the hub uses it."""

    code: str  # in URLs and in the database
    tag: str  # BCP 47, for lang= and hreflang=
    native_name: str
    english_name: str
    script: str
    direction: str  # "ltr" or "rtl"
    font_family: str | None  # None: the system's Latin font
    font_style: str  # "nastaliq", "naskh" or "latin": picks the CSS line-height and font
    babel_locale: str | None  # the catalog/CLDR locale; None when CLDR has none
    format_locale: str  # the CLDR locale used for dates and numbers
    analyzer: str  # key of the search analyzer (search/analysis.py)
    fallback: tuple[str, ...]  # codes tried after this one, in order

    @property
    def is_rtl(self) -> bool:
        return self.direction == "rtl"

    @property
    def catalog_locale(self) -> str:
        """The directory name under translations/ for this language's interface catalog."""
        return self.babel_locale or self.code

    @property
    def chain(self) -> tuple[str, ...]:
        """This language followed by its fallbacks."""
        return (self.code, *self.fallback)


def _arabic(code, tag, native, english, style, babel_locale, analyzer, fallback=("ur", "en")):
    return Language(
        code=code,
        tag=tag,
        native_name=native,
        english_name=english,
        script="Arab",
        direction="rtl",
        font_family=NASTALIQ if style == "nastaliq" else NASKH,
        font_style=style,
        babel_locale=babel_locale,
        format_locale=babel_locale or "ur_PK",
        analyzer=analyzer,
        fallback=fallback,
    )


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language(
            code="en",
            tag="en",
            native_name="English",
            english_name="English",
            script="Latn",
            direction="ltr",
            font_family=None,
            font_style="latin",
            babel_locale="en",
            format_locale="en",
            analyzer="en",
            fallback=(),
        ),
        _arabic("ur", "ur", "اردو", "Urdu", "nastaliq", "ur_PK", "ur", fallback=("en",)),
        # Babel's plain "pa" is Gurmukhi: Shahmukhi must be pa_Arab.
        _arabic(
            "pa", "pa-Arab", "پنجابی", "Punjabi (Shahmukhi)", "nastaliq", "pa_Arab_PK", "pa_Arab"
        ),
        _arabic("sd", "sd", "سنڌي", "Sindhi", "naskh", "sd_Arab_PK", "sd"),
        _arabic("ps", "ps", "پښتو", "Pashto", "naskh", "ps_PK", "ps"),
        _arabic("bal", "bal", "بلوچی", "Balochi", "naskh", "bal_PK", "bal"),
        # CLDR has Saraiki data but no English name for it.
        _arabic("skr", "skr", "سرائیکی", "Saraiki", "nastaliq", "skr_PK", "skr"),
        # Not in CLDR at all: formatting falls back to Urdu (format_locale).
        _arabic("brh", "brh", "براہوئی", "Brahui", "naskh", None, "brh"),
        _arabic("hno", "hno", "ہندکو", "Hindko", "nastaliq", None, "hno"),
    )
}

DEFAULT_LANGUAGE = "en"


class UnknownLanguageError(LookupError):
    """A language code the registry does not know."""


def get(code: str) -> Language:
    try:
        return LANGUAGES[code]
    except KeyError:
        raise UnknownLanguageError(code) from None


def is_known(code: str | None) -> bool:
    return code in LANGUAGES


def all_codes() -> tuple[str, ...]:
    return tuple(LANGUAGES)


def fallback_chain(code: str, enabled: Iterable[str] | None = None) -> tuple[str, ...]:
    """The codes to try for ``code``, itself first, keeping only enabled languages.

    English closes every chain so that something is always found.
    """
    chain = list(get(code).chain)
    if DEFAULT_LANGUAGE not in chain:
        chain.append(DEFAULT_LANGUAGE)
    if enabled is not None:
        allowed = set(enabled)
        chain = [c for c in chain if c in allowed]
    return tuple(chain)


def parse_codes(value: str | Iterable[str]) -> tuple[str, ...]:
    """Parse "ur,en" (or an iterable) into known codes, refusing unknown ones."""
    items = value.split(",") if isinstance(value, str) else list(value)
    codes = []
    for item in items:
        code = item.strip()
        if not code:
            continue
        get(code)
        if code not in codes:
            codes.append(code)
    return tuple(codes)

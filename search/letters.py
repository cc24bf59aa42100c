"""The letter tables of the search analyzers: one letter map per language, as data, plus the
digits and the diacritics every language folds.

`search.analysis` applies them (SEARCH.md, "Character normalisation", steps 3-5). Rows marked
~ are probable and await a native reader's confirmation; they are kept here, apart from the
mechanics, so that confirming or changing one is a one-line edit (then bump
``search.analysis.ANALYSIS_VERSION``: the index must be rebuilt).
"""

from __future__ import annotations

__all__ = ["DIACRITIC_RANGES", "DIGITS", "LETTER_MAPS"]

# Code points are written as escapes because many of these letters look alike; the comment
# shows the letters. ~ marks a probable rule awaiting a native reader (SEARCH.md).

_URDU_FAMILY = {
    "\u064a": "\u06cc",  # ي → ی   Arabic yeh → Farsi yeh
    "\u0649": "\u06cc",  # ى → ی   alef maksura
    "\u0643": "\u06a9",  # ك → ک   Arabic kaf → keheh
    "\u06aa": "\u06a9",  # ڪ → ک   swash kaf
    "\u06ab": "\u06af",  # ګ → گ   kaf with ring
    "\u0647": "\u06c1",  # ه → ہ   heh → heh goal
    "\u06c0": "\u06c1",  # ۀ → ہ
    "\u06c2": "\u06c1",  # ۂ → ہ
    "\u06d5": "\u06c1",  # ە → ہ
    "\u0629": "\u06c3",  # ة → ۃ   teh marbuta → teh marbuta goal
    "\u0623": "\u0627",  # أ → ا
    "\u0625": "\u0627",  # إ → ا
    "\u0671": "\u0627",  # ٱ → ا
    "\u0626": "\u06cc",  # ئ → ی   لئے/لیے, مسائل/مسایل
    "\u06d3": "\u06cc\u06d2",  # ۓ → یے
    "\u0624": "\u0648",  # ؤ → و
    "\u067c": "\u0679",  # ټ → ٹ   Pashto retroflexes → Urdu
    "\u0689": "\u0688",  # ډ → ڈ
    "\u0693": "\u0691",  # ړ → ڑ
    "\u067d": "\u0679",  # ٽ → ٹ   Sindhi retroflexes → Urdu
    "\u068a": "\u0688",  # ڊ → ڈ
    "\u0699": "\u0691",  # ڙ → ڑ
}
# ھ (U+06BE) is not in these tables for the Urdu family: the positional rule decides.

_PUNJABI_HINDKO = {**_URDU_FAMILY, "\u06bb": "\u0768"}  # ڻ → ݨ (keep ݨ, ڵ)

_SARAIKI = {
    **_URDU_FAMILY,
    "\u06bb": "\u0768",  # ڻ → ݨ
    "\u068f": "\u0759",  # ڏ → ݙ ~ (keep ٻ ڄ ݙ ڳ)
}

_SINDHI = {
    "\u06cc": "\u064a",  # ی → ي   Sindhi's canonical yeh is U+064A
    "\u0649": "\u064a",  # ى → ي
    "\u0643": "\u06aa",  # ك → ڪ ~ Sindhi k; never ک, which is kh in Sindhi
    "\u06c1": "\u0647",  # ہ → ه
    "\u06be": "\u0647",  # ھ → ه   no contrast in Sindhi
    "\u06c0": "\u0647",  # ۀ → ه
    "\u06c2": "\u0647",  # ۂ → ه
    "\u06d5": "\u0647",  # ە → ه
    "\u0623": "\u0627",  # أ → ا
    "\u0625": "\u0627",  # إ → ا
    "\u0671": "\u0627",  # ٱ → ا
    "\u0679": "\u067d",  # ٹ → ٽ ~ Urdu retroflexes → Sindhi
    "\u0688": "\u068a",  # ڈ → ڊ ~
    "\u0691": "\u0699",  # ڑ → ڙ ~
}

_PASHTO = {
    "\u0649": "\u06cc",  # ى → ی   (ي ی ې ۍ ئ stay distinct vowels)
    "\u06d2": "\u06d0",  # ے → ې ~
    "\u0643": "\u06a9",  # ك → ک
    "\u06af": "\u06ab",  # گ → ګ
    "\u06c1": "\u0647",  # ہ → ه
    "\u06be": "\u0647",  # ھ → ه   no aspirates in Pashto
    "\u06c2": "\u06c0",  # ۂ → ۀ   (ۀ kept ~)
    "\u06d5": "\u0647",  # ە → ه
    "\u0629": "\u0647",  # ة → ه
    "\u0623": "\u0627",  # أ → ا
    "\u0625": "\u0627",  # إ → ا
    "\u0671": "\u0627",  # ٱ → ا
    "\u0679": "\u067c",  # ٹ → ټ   Urdu retroflexes → Pashto
    "\u0688": "\u0689",  # ڈ → ډ
    "\u0691": "\u0693",  # ڑ → ړ
}

LETTER_MAPS: dict[str, dict[str, str]] = {
    "ur": _URDU_FAMILY,
    "en": _URDU_FAMILY,  # for Arabic-script words inside English text
    "pa_Arab": _PUNJABI_HINDKO,
    "hno": _PUNJABI_HINDKO,
    "skr": _SARAIKI,
    "bal": _URDU_FAMILY,
    "brh": _URDU_FAMILY,  # keeps ڷ
    "sd": _SINDHI,
    "ps": _PASHTO,
}

# Diacritics and tatweel (step 5); they go after NFKC has composed آ أ ۂ ۓ from their marks.
DIACRITIC_RANGES = (
    (0x0610, 0x061A),
    (0x064B, 0x065F),
    (0x0670, 0x0670),  # khari zabar
    (0x06D6, 0x06DC),
    (0x06DF, 0x06E4),
    (0x06E7, 0x06E8),
    (0x06EA, 0x06ED),
    (0x08D3, 0x08FF),
    (0x0640, 0x0640),  # tatweel
)
DIGITS = {
    **{0x0660 + i: str(i) for i in range(10)},  # ٠-٩
    **{0x06F0 + i: str(i) for i in range(10)},  # ۰-۹
    0x066B: ".",  # ٫ decimal separator
    0x066C: ",",  # ٬ thousands separator
}

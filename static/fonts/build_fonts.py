"""Build the hub's self-hosted Arabic-script web fonts and ``static/css/fonts.css``.

The generated woff2 files and fonts.css are committed, so the app itself needs no build step.
Rebuild them only when the character sets below (or the source fonts) change::

    apt-get install fonts-noto-core          # the source TTFs, in /usr/share/fonts/truetype/noto
    .venv/bin/python static/fonts/build_fonts.py          # writes the woff2 files + fonts.css
    .venv/bin/python static/fonts/build_fonts.py --check  # exit 1 if the committed files differ

Needs fontTools with brotli (requirements-dev.txt). ``--source-dir`` (or ``HUB_FONT_SOURCE_DIR``)
points elsewhere than Debian's directory. The output is deterministic (the source fonts' own
timestamps are kept), so ``--check`` can run in CI wherever the same fonts-noto-core is installed.

What is subset, and why:

* Noto Nastaliq Urdu serves Urdu, Punjabi (Shahmukhi), Saraiki and Hindko. Nastaliq is large:
  almost all of it is contextual GSUB/GPOS machinery (the cascading baseline is cursive
  attachment, ``curs``), so every layout feature and script is kept and the glyph set is the
  layout closure of the characters. What *can* go is the characters those four languages never
  use (Quranic annotation marks, the prepended number signs U+0600-0605, Kashmiri, Khowar and
  African letters...): each one drags its own contextual forms along, about 0.7 KB of woff2
  apiece. The set below is the Urdu alphabet plus the Saraiki/Punjabi/Hindko letters, harakat,
  honorifics, both digit sets and punctuation.
* Noto Naskh Arabic serves Sindhi, Pashto, Balochi and Brahui, and is also the fallback for any
  Arabic-script character the Nastaliq subset lacks. Naskh is cheap, so it keeps the whole
  U+0606-06FF block (minus Quranic annotation marks) and the Extended-A letters the hub's
  languages use.
* Both keep a few Latin digits/punctuation, NBSP, the joiners and bidi marks, and U+25CC (the
  dotted circle HarfBuzz inserts for a stray mark), hinting is dropped (browsers ignore it for
  Arabic at text sizes), glyph names are dropped, and the name table keeps only the records
  that identify the font and its licence (OFL 1.1: copyright and licence must stay with it).

Weights: Nastaliq bold costs as much as regular (~100 KB), which an Urdu page (<= 220 KB in
all) cannot afford next to the regular, so only Nastaliq 400 is shipped and browsers
synthesize bold for ``<strong>`` and headings. ``--all-weights`` also builds
``noto-nastaliq-urdu-700.woff2`` for comparison; fonts.css never references it. Naskh bold is
small (~30 KB) and shipped.

fonts.css gets one ``@font-face`` per shipped file with ``font-display: swap`` and a
``unicode-range`` of exactly the Arabic-script code points in that file (plus joiners and bidi
marks), never Latin: a page whose text is Latin downloads no Arabic-script font even when these
families are in its font stack, and a character missing from the Nastaliq subset goes straight
to the next family (Naskh) without Nastaliq being fetched for it.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
CSS_PATH = HERE.parent / "css" / "fonts.css"
DEFAULT_SOURCE_DIR = Path("/usr/share/fonts/truetype/noto")

NASTALIQ = "Noto Nastaliq Urdu"
NASKH = "Noto Naskh Arabic"


def _chars(text: str) -> set[int]:
    return {ord(c) for c in text if not c.isspace()}


def _span(first: int, last: int) -> set[int]:
    return set(range(first, last + 1))


# --- character sets -------------------------------------------------------------------------

# Arabic letters shared by every language of the hub (hamza, alef forms, beh ... yeh), tatweel,
# and the Arabic kaf/heh/yeh that Arabic keyboards type into Urdu text.
ARABIC_CORE = _span(0x0621, 0x063A) | _span(0x0640, 0x064A)
# Harakat, shadda, sukun, maddah, hamza above/below, noon ghunna mark; superscript alef.
MARKS = _span(0x064B, 0x0658) | {0x0670}
# Honorifics written after names: ؐ ؑ ؒ ؓ ؔ; the ligatures ﷲ ﷺ that keyboards insert whole.
HONORIFICS = _span(0x0610, 0x0614) | {0xFDF2, 0xFDFA}
# Arabic-Indic and Extended Arabic-Indic (Urdu) digits.
DIGITS = _span(0x0660, 0x0669) | _span(0x06F0, 0x06F9)
# ، ؍ ؎ ؏ ؛ ALM ؟ ٪ ٫ ٬ ٭ ۔  (؎ ؏ mark verses in poetry).
PUNCTUATION = {0x060C, 0x060D, 0x060E, 0x060F, 0x061B, 0x061C, 0x061F} | _span(0x066A, 0x066D)
PUNCTUATION |= {0x06D4}
URDU_LETTERS = _chars("ٹ پ چ ڈ ڑ ژ ک گ ں ھ ۀ ہ ۂ ۃ ی ے ۓ")
# Saraiki implosives ٻ ڄ ݙ ڳ, nasal/retroflex ڻ ݨ, Punjabi/Hindko laterals ڵ ڷ ݪ, ڱ.
NASTALIQ_EXTRA_LETTERS = _chars("ٻ ڄ ݙ ڳ ڻ ݨ ڵ ڷ ݪ ڱ")
# Sindhi, Pashto, Balochi and Brahui letters (all inside U+0600-06FF, listed to check coverage).
NASKH_LETTERS = _chars(
    "ٻ ڄ ڃ ڇ ڀ ٺ ٽ ٿ ڊ ڌ ڍ ڏ ڙ ڪ ڦ ڳ ڱ ڻ ۾ ۽ ښ ږ ڼ څ ځ ټ ډ ړ ۍ ې ګ ۀ ۂ ۃ ے ۓ ٹ ڈ ڑ ں ھ"
)
# Joiners and bidi marks: ZWSP ZWNJ ZWJ LRM RLM.
CONTROLS = _span(0x200B, 0x200F)
# Latin that turns up inside Arabic-script text (not in unicode-range: see the docstring);
# U+25CC is what HarfBuzz shows a stray mark on.
LATIN_EXTRAS = _span(0x0030, 0x0039) | _chars("!\"'(),-./:;?[]«»") | {0x0020, 0x00A0}
LATIN_EXTRAS |= {0x2010, 0x2011, 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x25CC}

COMMON = ARABIC_CORE | MARKS | HONORIFICS | DIGITS | PUNCTUATION | CONTROLS | LATIN_EXTRAS

NASTALIQ_SET = COMMON | URDU_LETTERS | NASTALIQ_EXTRA_LETTERS
# The whole Arabic block except the prepended number signs (0600-0605) and the Quranic
# annotation marks (06D6-06ED), plus ݙ ݨ ݪ so Naskh can stand in for the Nastaliq languages.
NASKH_SET = (
    COMMON
    | (_span(0x0606, 0x06FF) - _span(0x06D6, 0x06ED))
    | NASKH_LETTERS
    | URDU_LETTERS
    | NASTALIQ_EXTRA_LETTERS
)

# Code points that may appear in unicode-range: Arabic script, presentation forms, joiners.
ARABIC_SCRIPT_RANGES = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x0870, 0x08FF),
    (0x200B, 0x200F),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)

# name IDs kept: copyright, family, subfamily, unique ID, full name, version, PostScript name,
# licence description, licence URL.
NAME_IDS = [0, 1, 2, 3, 4, 5, 6, 13, 14]


@dataclass(frozen=True)
class Face:
    source: str
    output: str
    family: str
    weight: int
    unicodes: frozenset[int]
    shipped: bool = True


FACES = (
    Face("NotoNastaliqUrdu-Regular.ttf", "noto-nastaliq-urdu-400.woff2", NASTALIQ, 400,
         frozenset(NASTALIQ_SET)),
    Face("NotoNastaliqUrdu-Bold.ttf", "noto-nastaliq-urdu-700.woff2", NASTALIQ, 700,
         frozenset(NASTALIQ_SET), shipped=False),
    Face("NotoNaskhArabic-Regular.ttf", "noto-naskh-arabic-400.woff2", NASKH, 400,
         frozenset(NASKH_SET)),
    Face("NotoNaskhArabic-Bold.ttf", "noto-naskh-arabic-700.woff2", NASKH, 700,
         frozenset(NASKH_SET)),
)  # fmt: skip


# --- building -------------------------------------------------------------------------------


def subset_options() -> subset.Options:
    options = subset.Options()
    options.layout_features = ["*"]  # Nastaliq is all GSUB/GPOS: keep every feature...
    options.layout_scripts = ["*"]  # ...under every script (DFLT, arab, latn)
    options.layout_closure = True  # and every glyph those features can reach
    options.hinting = False
    options.glyph_names = False
    options.notdef_outline = True  # a missing glyph shows as a box, not as nothing
    options.name_IDs = NAME_IDS
    options.name_languages = [0x0409]
    options.name_legacy = False
    options.drop_tables = [*options.drop_tables, "DSIG"]
    options.flavor = "woff2"
    return options


def build_face(face: Face, source_dir: Path) -> tuple[bytes, set[int], set[int]]:
    """Subset one face; returns the woff2 bytes, its cmap and the requested-but-missing chars."""
    font = TTFont(source_dir / face.source, recalcTimestamp=False)
    available = set(font.getBestCmap())
    wanted = set(face.unicodes)
    subsetter = subset.Subsetter(subset_options())
    subsetter.populate(unicodes=sorted(wanted & available))
    subsetter.subset(font)
    font.flavor = "woff2"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue(), set(font.getBestCmap()), wanted - available


def _in_arabic_script(cp: int) -> bool:
    return any(first <= cp <= last for first, last in ARABIC_SCRIPT_RANGES)


def unicode_range(cmap: set[int]) -> str:
    """The CSS unicode-range of the Arabic-script code points in ``cmap``, as spans."""
    points = sorted(cp for cp in cmap if _in_arabic_script(cp))
    spans: list[list[int]] = []
    for cp in points:
        if spans and cp == spans[-1][1] + 1:
            spans[-1][1] = cp
        else:
            spans.append([cp, cp])
    return ", ".join(f"U+{a:04X}" if a == b else f"U+{a:04X}-{b:04X}" for a, b in spans)


def render_css(cmaps: dict[Face, set[int]]) -> str:
    lines = [
        "/* Generated by static/fonts/build_fonts.py: edit that script, not this file.",
        "   Subset Noto fonts (SIL Open Font License 1.1). unicode-range lists only the",
        "   Arabic-script code points in each file, so Latin-only pages download no font.",
        "   Noto Nastaliq Urdu ships in 400 only: browsers synthesize its bold. */",
    ]
    for face, cmap in cmaps.items():
        lines += [
            "@font-face {",
            f'  font-family: "{face.family}";',
            "  font-style: normal;",
            f"  font-weight: {face.weight};",
            "  font-display: swap;",
            f'  src: url("../fonts/{face.output}") format("woff2");',
            f"  unicode-range: {unicode_range(cmap)};",
            "}",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--source-dir",
        type=Path,
        default=Path(os.environ.get("HUB_FONT_SOURCE_DIR", DEFAULT_SOURCE_DIR)),
        help="directory holding the Noto TTFs (default: Debian's fonts-noto-core)",
    )
    parser.add_argument(
        "--all-weights", action="store_true", help="also build the unshipped Nastaliq bold"
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the committed files differ"
    )
    args = parser.parse_args(argv)

    missing_sources = [f.source for f in FACES if not (args.source_dir / f.source).exists()]
    if missing_sources:
        print(
            f"missing {', '.join(missing_sources)} in {args.source_dir}: "
            "apt-get install fonts-noto-core (or pass --source-dir)",
            file=sys.stderr,
        )
        return 2

    outputs: dict[Path, bytes] = {}
    cmaps: dict[Face, set[int]] = {}
    for face in FACES:
        if not (face.shipped or args.all_weights):
            continue
        data, cmap, missing = build_face(face, args.source_dir)
        outputs[HERE / face.output] = data
        if face.shipped:
            cmaps[face] = cmap
        note = "" if face.shipped else "  (not shipped)"
        print(f"{face.output:32s} {len(data):>7,d} bytes  {len(cmap):4d} chars{note}")
        missing = {cp for cp in missing if _in_arabic_script(cp)}  # Latin extras: if present
        if missing:
            listed = " ".join(f"U+{cp:04X}" for cp in sorted(missing))
            print(f"  not in {face.source}, left to the next font: {listed}")
    outputs[CSS_PATH] = render_css(cmaps).encode()

    if args.check:
        stale = [p for p, data in outputs.items() if not p.exists() or p.read_bytes() != data]
        for path in stale:
            print(f"out of date: {path}", file=sys.stderr)
        return 1 if stale else 0
    for path, data in outputs.items():
        path.write_bytes(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())

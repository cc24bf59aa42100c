"""The self-hosted Arabic-script fonts: coverage, fonts.css, and what Chromium does with them.

Until the public pages exist the browser tests serve the repo's static/ directory with a small
WSGI app and pages written here. The screenshot of the Urdu page goes to /tmp/fonts-check.png
(HUB_FONTS_SCREENSHOT overrides) for a person to look at.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from werkzeug.middleware.shared_data import SharedDataMiddleware
from werkzeug.wrappers import Request, Response

from content.languages import LANGUAGES
from tests.services import require_service

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
FONTS = STATIC / "fonts"
FONTS_CSS = STATIC / "css" / "fonts.css"
SOURCE_FONTS = Path(os.environ.get("HUB_FONT_SOURCE_DIR", "/usr/share/fonts/truetype/noto"))
SCREENSHOT = Path(os.environ.get("HUB_FONTS_SCREENSHOT", "/tmp/fonts-check.png"))

NASTALIQ = "Noto Nastaliq Urdu"
NASKH = "Noto Naskh Arabic"
FILES = {
    (NASTALIQ, 400): "noto-nastaliq-urdu-400.woff2",
    (NASKH, 400): "noto-naskh-arabic-400.woff2",
    (NASKH, 700): "noto-naskh-arabic-700.woff2",
}
SOURCES = {NASTALIQ: "NotoNastaliqUrdu-Regular.ttf", NASKH: "NotoNaskhArabic-Regular.ttf"}

# Each language's letters, marks, digits and punctuation, written out independently of the
# build script's sets so that the two check each other.
URDU = (
    "ا آ أ ب پ ت ٹ ث ج چ ح خ د ڈ ذ ر ڑ ز ژ س ش ص ض ط ظ ع غ ف ق ک گ ل م ن ں و ؤ ہ ۂ ۃ ھ ء ی ئ ے ۓ"
    " َ ِ ُ ً ّ ْ ٰ ٔ ؐ ؑ ؒ ؓ ، ؛ ؟ ۔ ٪ ؎ ۰ ۱ ۲ ۳ ۴ ۵ ۶ ۷ ۸ ۹ ﷺ"
)
ALPHABETS = {
    "ur": URDU,
    "pa": URDU + " ݨ ڻ",
    "skr": URDU + " ٻ ڄ ݙ ڳ ݨ ڻ",
    "hno": URDU + " ݨ ڻ ڷ",
    "sd": "ا ب ٻ ڀ ت ٿ ٽ ٺ ث پ ج ڄ ڃ چ ڇ ح خ د ڌ ڏ ڊ ڍ ذ ر ڙ ز ژ س ش ص ض ط ظ ع غ ف ڦ ق"
    " ڪ ک گ ڳ ڱ ل م ن ڻ و ه ھ ء ي ۾ ۽ ، ؛ ؟ ٠ ١ ٢ ٣ ٤ ٥ ٦ ٧ ٨ ٩",
    "ps": "ا آ ب پ ت ټ ث ج ځ چ څ ح خ د ډ ذ ر ړ ز ژ ږ س ش ښ ص ض ط ظ ع غ ف ق ک ګ ل م ن ڼ و ه ۀ"
    " ي ې ی ۍ ئ ، ؟ ۰ ۱ ۲ ۳ ۴ ۵ ۶ ۷ ۸ ۹",
    "bal": "ا آ ب پ ت ٹ ج چ د ڈ ر ڑ ز ژ س ش ک گ ل م ن و ہ ی ے ء ئ ، ؟ ۔",
    "brh": "ا ب پ ت ٹ ج چ خ د ڈ ر ڑ ز ژ س ش غ ف ک گ ل ڵ م ن ں و ہ ی ے ء ، ؟ ۔",
}
# Letters a language uses that Noto Nastaliq Urdu itself lacks: they fall back to Naskh.
NASTALIQ_GAPS = {"ڵ"}

SAMPLES = {
    "ur": "امن اور رواداری کی یہ کہانی ایک چھوٹے سے گاؤں کی ہے، جہاں نوجوانوں نے مل کر ٹوٹے"
    " ہوئے رشتوں کو جوڑا۔ کیا ہم سب ایسا نہیں کر سکتے؟ ۲۰۲۴ء میں ڈاکٹر ژالہ نے"
    " اسکول میں امن کمیٹی بنائی اور حضرت علیؑ کا قول سنایا۔",
    "pa": "ساڈے پنڈ وچ امن تے پیار دی گل ہوندی اے۔ لوکاں نے رل مل کے سکول بݨایا،"
    " تے ہݨ بچے پڑھدے نیں۔",
    "skr": "ساݙے وسیب وچ امن دی ڳالھ تھیندی اے۔ ٻال ڄاݨدے ہن جو رل مل کے رہݨ چنگا اے۔",
    "hno": "ساڈا شہر امن ناں گہوارہ اے، اساں سارے رل مل کے رہنے آں۔",
    "sd": "سنڌ ۾ امن ۽ رواداري جي ڳالهه هر ڪنهن جي دل ۾ آهي. ٻار ڄاڻن ٿا ته ڏکيا ڏينهن"
    " به گذري ويندا. ڇا اسان گڏجي ڪم نٿا ڪري سگهون؟",
    "ps": "پښتو ژبه کې د سولې او ورورولۍ خبرې ډېرې مهمې دي. ځوانان څه کوي؟ ټول په ګډه کار کوي.",
    "bal": "بلوچی زبان ءَ امن ءُ دوستیءِ کسہ گوں مردماں شنگ بیت۔",
    "brh": "براہوئی ٹی امن نا کسہ ہر بندغ نا دل ٹی اے۔",
}
NASTALIQ_CODES = [code for code, lang in LANGUAGES.items() if lang.font_family == NASTALIQ]
NASKH_CODES = [code for code, lang in LANGUAGES.items() if lang.font_family == NASKH]


def _cmap(name: str) -> set[int]:
    return set(TTFont(FONTS / name).getBestCmap())


def _letters(text: str) -> set[str]:
    return {c for c in text if not c.isspace()}


def _font_faces(css: str) -> list[dict[str, str]]:
    faces = []
    for body in re.findall(r"@font-face\s*{([^}]*)}", css):
        decls = dict(re.findall(r"([\w-]+)\s*:\s*([^;]+);", body))
        faces.append({k: v.strip() for k, v in decls.items()})
    return faces


def _ranges(value: str) -> list[tuple[int, int]]:
    spans = []
    for part in value.split(","):
        first, _, last = part.strip().removeprefix("U+").partition("-")
        spans.append((int(first, 16), int(last or first, 16)))
    return spans


# --- the files themselves (no browser) ------------------------------------------------------


def test_every_language_font_is_declared_in_fonts_css():
    faces = _font_faces(FONTS_CSS.read_text(encoding="utf-8"))
    declared = {(f["font-family"].strip('"'), int(f["font-weight"])): f for f in faces}
    assert set(declared) == set(FILES)
    families = {lang.font_family for lang in LANGUAGES.values() if lang.font_family}
    assert families == {family for family, _ in declared}
    for (family, weight), face in declared.items():
        assert face["font-display"] == "swap", family
        assert face["src"] == f'url("../fonts/{FILES[family, weight]}") format("woff2")'
        assert (FONTS / FILES[family, weight]).is_file()
        # Arabic script only: nothing below U+0600 (Latin, space, NBSP) may pull a font in.
        assert all(first >= 0x0600 for first, _ in _ranges(face["unicode-range"])), family


@pytest.mark.parametrize("code", NASTALIQ_CODES + NASKH_CODES)
def test_the_font_of_each_language_has_its_letters(code):
    family = LANGUAGES[code].font_family
    cmap = _cmap(FILES[family, 400])
    wanted = _letters(ALPHABETS[code] + SAMPLES[code] + LANGUAGES[code].native_name)
    if family == NASTALIQ:
        wanted -= NASTALIQ_GAPS
    missing = sorted(c for c in wanted if ord(c) not in cmap and not c.isascii())
    assert not missing, f"{family} lacks {missing} for {code}"
    if family == NASKH:
        assert _letters(ALPHABETS[code]) <= {chr(cp) for cp in _cmap(FILES[NASKH, 700])}


def test_naskh_covers_what_nastaliq_lacks():
    nastaliq, naskh = _cmap(FILES[NASTALIQ, 400]), _cmap(FILES[NASKH, 400])
    wanted = set().union(*(_letters(ALPHABETS[c]) for c in NASTALIQ_CODES)) | NASTALIQ_GAPS
    gaps = {c for c in wanted if ord(c) not in nastaliq}
    assert gaps <= NASTALIQ_GAPS
    assert all(ord(c) in naskh for c in gaps)


def test_fonts_keep_their_layout_tables_and_licence():
    for name in FILES.values():
        font = TTFont(FONTS / name)
        assert {"GSUB", "GPOS", "GDEF"} <= set(font.keys()), name
        assert "fpgm" not in font, name  # hinting dropped
        assert "Open Font License" in (font["name"].getDebugName(13) or ""), name
    gpos = TTFont(FONTS / FILES[NASTALIQ, 400])["GPOS"].table
    assert "curs" in {r.FeatureTag for r in gpos.FeatureList.FeatureRecord}


def test_page_weight_of_the_fonts():
    """An Urdu story page may weigh 220 KB in all: the Nastaliq regular must leave room."""
    sizes = {name: (FONTS / name).stat().st_size for name in FILES.values()}
    assert sizes[FILES[NASTALIQ, 400]] <= 105_000, sizes
    assert sizes[FILES[NASKH, 400]] + sizes[FILES[NASKH, 700]] <= 70_000, sizes


@pytest.mark.slow
def test_committed_fonts_match_the_build_script():
    sources = [SOURCE_FONTS / name for name in SOURCES.values()]
    require_service("fonts-noto-core", all(p.exists() for p in sources), str(SOURCE_FONTS))
    result = subprocess.run(
        [sys.executable, str(FONTS / "build_fonts.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "HUB_FONT_SOURCE_DIR": str(SOURCE_FONTS)},
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- in Chromium ----------------------------------------------------------------------------


def _paragraphs(codes: list[str]) -> str:
    out = []
    for code in codes:
        lang = LANGUAGES[code]
        out.append(
            f'<p id="p-{code}" lang="{lang.tag}" dir="rtl" class="{lang.font_style}">'
            f"<b>{html.escape(lang.native_name)}:</b> {html.escape(SAMPLES[code])}</p>"
        )
    return "\n".join(out)


PAGE_HEAD = """<!doctype html>
<html lang="{lang}" dir="{dir}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>fonts</title>
<link rel="stylesheet" href="/static/css/fonts.css">
<style>
body {{ margin: 1rem 2rem; font-size: 20px; font-family: system-ui, sans-serif; }}
.nastaliq {{ font-family: "Noto Nastaliq Urdu", "Noto Naskh Arabic", serif; line-height: 2.2; }}
.naskh {{ font-family: "Noto Naskh Arabic", serif; line-height: 1.8; }}
.mono {{ font-family: monospace; }}
</style></head><body>
"""

RTL_PAGE = (
    PAGE_HEAD.format(lang="ur", dir="rtl")
    + f"""<h1 class="nastaliq">امن کی کہانیاں <small>(synthetic bold)</small></h1>
{_paragraphs(NASTALIQ_CODES)}
<p lang="ur" dir="rtl" class="nastaliq"><strong>زور دار بات</strong> اور عام بات</p>
{_paragraphs(NASKH_CODES)}
<p lang="sd" dir="rtl" class="naskh"><strong>سنڌي ٻولي</strong> ۽ عام لکت</p>
<p dir="rtl"><span id="w-font" lang="ur" class="nastaliq">محبت</span>
  <span id="w-mono" lang="ur" class="mono">محبت</span>
  <span id="w-joined" lang="ur" class="nastaliq">محبت</span>
  <span id="w-isolated" lang="ur" class="nastaliq">م\u200cح\u200cب\u200cت</span></p>
</body></html>
"""
)

# Latin only, but with both Arabic-script families first in the stack: unicode-range alone
# must keep the fonts from downloading.
ENGLISH_PAGE = (
    PAGE_HEAD.format(lang="en", dir="ltr")
    + """<h1 class="nastaliq">Stories of peace</h1>
<p class="nastaliq">Young people in a small village rebuilt broken ties, 12,000 of them.</p>
<p class="naskh"><strong>Sindhi</strong>, Pashto, Balochi and Brahui stories: 2024 &ndash; 2025.</p>
</body></html>
"""
)


def _static_site(pages: dict[str, str]):
    @Request.application
    def pages_app(request: Request) -> Response:
        body = pages.get(request.path)
        if body is None:
            return Response("not found", status=404)
        return Response(body, mimetype="text/html")

    exports = {"/static": str(STATIC)}
    if SOURCE_FONTS.is_dir():
        exports["/reference"] = str(SOURCE_FONTS)
    return SharedDataMiddleware(pages_app, exports)


@pytest.fixture
def site(live_server) -> str:
    return live_server(_static_site({"/rtl.html": RTL_PAGE, "/en.html": ENGLISH_PAGE}))


LOADED_FACES_JS = """async () => {
  await document.fonts.ready;
  return [...document.fonts].map(f => ({
    family: f.family.replace(/^["']|["']$/g, ""), weight: f.weight, status: f.status,
  }));
}"""


def _watch_responses(page) -> list:
    responses = []
    page.on("response", lambda r: responses.append((r.url, r.status)))
    return responses


@pytest.mark.browser
def test_rtl_page_loads_nastaliq_and_naskh(page, site):
    responses = _watch_responses(page)
    page.goto(f"{site}/rtl.html")
    faces = page.evaluate(LOADED_FACES_JS)
    status = {(f["family"], f["weight"]): f["status"] for f in faces}
    assert status[NASTALIQ, "400"] == "loaded"
    assert status[NASKH, "400"] == "loaded"
    assert status[NASKH, "700"] == "loaded"  # <strong> in Sindhi
    assert page.evaluate("document.fonts.check('20px \"Noto Nastaliq Urdu\"', 'محبت')")

    fetched = {url.rsplit("/", 1)[1]: code for url, code in responses if url.endswith(".woff2")}
    assert fetched == dict.fromkeys(FILES.values(), 200)
    assert all(code == 200 for _, code in responses), responses

    for code in NASTALIQ_CODES + NASKH_CODES:
        direction = page.evaluate(
            "id => getComputedStyle(document.getElementById(id)).direction", f"p-{code}"
        )
        assert direction == "rtl", code

    page.screenshot(path=str(SCREENSHOT), full_page=True)


@pytest.mark.browser
def test_nastaliq_shapes_the_text(page, site):
    page.goto(f"{site}/rtl.html")
    page.evaluate("document.fonts.ready.then(() => true)")
    width = {
        key: page.evaluate(f"document.getElementById('w-{key}').getBoundingClientRect().width")
        for key in ("font", "mono", "joined", "isolated")
    }
    # The webfont, not a fallback, sets the word...
    assert abs(width["font"] - width["mono"]) > 2, width
    # ...and joins it: contextual forms are narrower than the same letters kept apart by ZWNJ.
    assert width["joined"] < width["isolated"] * 0.8, width


@pytest.mark.browser
def test_latin_page_downloads_no_arabic_font(page, site):
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{site}/en.html")
    faces = page.evaluate(LOADED_FACES_JS)
    assert {f["status"] for f in faces} == {"unloaded"}, faces
    resources = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert any(url.endswith("/static/css/fonts.css") for url in requested)
    assert not [url for url in requested + resources if ".woff" in url]


@pytest.mark.browser
def test_rtl_page_fits_a_phone(phone_page, site):
    phone_page.goto(f"{site}/rtl.html")
    faces = phone_page.evaluate(LOADED_FACES_JS)
    assert {f["status"] for f in faces if f["weight"] == "400"} == {"loaded"}
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


SHAPE_COMPARE_JS = """async ({family, reference, words}) => {
  const face = new FontFace("Reference", `url(${reference})`);
  document.fonts.add(await face.load());
  await document.fonts.load(`40px "${family}"`, words.join(""));
  const draw = (font, text) => {
    const canvas = document.createElement("canvas");
    canvas.width = 900; canvas.height = 200;
    const g = canvas.getContext("2d");
    g.direction = "rtl"; g.textAlign = "right"; g.font = `40px "${font}"`;
    g.fillText(text, 880, 120);
    return {width: g.measureText(text).width, alpha: g.getImageData(0, 0, 900, 200).data};
  };
  return words.map(word => {
    const a = draw(family, word), b = draw("Reference", word);
    let diff = 0, ink = 0;
    for (let i = 3; i < a.alpha.length; i += 4) {
      if (a.alpha[i] !== b.alpha[i]) diff++;
      if (a.alpha[i]) ink++;
    }
    return {word, diff, ink, width: a.width, refWidth: b.width};
  });
}"""


def _words(codes: list[str], cmap: set[int]) -> list[str]:
    words = set()
    for code in codes:
        for word in SAMPLES[code].split():
            word = word.strip(".,:")
            if word and all(ord(c) in cmap and ord(c) >= 0x0600 for c in word):
                words.add(word)
    return sorted(words)


@pytest.mark.browser
@pytest.mark.parametrize("family", [NASTALIQ, NASKH])
def test_subset_shapes_exactly_like_the_original_font(page, site, family):
    """Every sample word drawn with the subset is pixel-identical to the Debian original."""
    source = SOURCE_FONTS / SOURCES[family]
    require_service("fonts-noto-core", source.exists(), str(source))
    codes = NASTALIQ_CODES if family == NASTALIQ else NASKH_CODES
    words = _words(codes, _cmap(FILES[family, 400]))
    assert len(words) > 20
    page.goto(f"{site}/rtl.html")
    results = page.evaluate(
        SHAPE_COMPARE_JS,
        {"family": family, "reference": f"/reference/{source.name}", "words": words},
    )
    assert all(r["ink"] > 50 for r in results), results
    different = [r for r in results if r["diff"] or abs(r["width"] - r["refWidth"]) > 0.01]
    assert not different, different

"""The real pages in Chromium: direction, fonts, phone width, language switching, the editors,
signing in and out, the skip link.

One demo site (tests/e2e/screenshots.py builds it: the demo content, every state, en/ur/sd/ps/pa)
is served for the whole module on SQLite: nothing here depends on the database backend, and
the tests only read (the editor previews, it never saves).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

import pytest
from sqlalchemy import select

from content.demo import DEMO_ACCOUNTS
from content.models import Translation
from hub.extensions import db as hub_db
from tests.e2e.screenshots import build_app
from tests.support.browser import serve_app

pytestmark = pytest.mark.browser

NASTALIQ = "Noto Nastaliq Urdu"
NASKH = "Noto Naskh Arabic"
EDITOR = "editor@example.org"  # all languages, interface in English
URDU_EDITOR = "editor.ur@example.org"  # ur and en, interface in Urdu

FACES_JS = """async () => {
  await document.fonts.ready;
  return [...document.fonts].map(f => ({
    family: f.family.replace(/^["']|["']$/g, ""), weight: f.weight, status: f.status,
  }));
}"""
OVERFLOW_JS = """async () => {
  await document.fonts.ready;
  const root = document.documentElement;
  return {scroll: root.scrollWidth, client: root.clientWidth};
}"""


@dataclass(frozen=True)
class Site:
    url: str
    story: dict[str, str]  # language -> slug of a published original in it
    cricket: dict[str, str]  # language -> slug of the published translations of one story
    source_id: dict[str, int]  # language -> id of a published original
    urdu_translation_id: int  # the Urdu translation of an English original

    def story_url(self, lang: str, slug: str | None = None) -> str:
        return f"{self.url}/{lang}/stories/{quote(slug or self.story[lang])}"


@pytest.fixture(scope="module")
def site(sqlite_template, tmp_path_factory, chromium_browser) -> Site:
    # chromium_browser first: without Chromium the module skips before building anything.
    data_dir = tmp_path_factory.mktemp("pages")
    shutil.copy(sqlite_template, data_dir / "hub.sqlite3")
    app = build_app(
        data_dir,
        database_url=f"sqlite:///{data_dir / 'hub.sqlite3'}",
        TESTING=True,
        HUB_LOGIN_RATE_LIMIT="1000 per minute",  # every test signs in from 127.0.0.1
    )
    with app.app_context():
        rows = hub_db.session.scalars(select(Translation)).all()
        live = [t for t in rows if t.is_live]
        sources = {t.lang: t for t in live if t.is_source}
        translated = next(t.story_id for t in live if not t.is_source)
        cricket = {t.lang: t.slug for t in live if t.story_id == translated}
        urdu = next(t for t in rows if t.lang == "ur" and not t.is_source and t.latest_revision)
        found = {
            "story": {lang: t.slug for lang, t in sources.items()},
            "cricket": cricket,
            "source_id": {lang: t.id for lang, t in sources.items()},
            "urdu_translation_id": urdu.id,
        }
        hub_db.session.remove()
    try:
        with serve_app(app) as url:  # serve_app buffers responses
            yield Site(url=url, **found)
    finally:
        hub_db.dispose(app)


@pytest.fixture(autouse=True)
def quick_failures(request):
    """5 s, not Playwright's 30 s: a broken page fails each test quickly."""
    for name in ("page", "phone_page"):
        if name in request.fixturenames:
            request.getfixturevalue(name).set_default_timeout(5000)


def faces(page) -> dict[str, set[str]]:
    """Family -> the statuses of its faces, once the page's fonts have settled."""
    out: dict[str, set[str]] = {}
    for face in page.evaluate(FACES_JS):
        out.setdefault(face["family"], set()).add(face["status"])
    return out


def sign_in(page, site: Site, email: str, password: str = DEMO_ACCOUNTS.password) -> None:
    page.goto(f"{site.url}/auth/login")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("main form [type=submit]")


# --- direction and fonts ----------------------------------------------------------------------


def test_urdu_story_is_rtl_in_nastaliq(page, site):
    page.goto(site.story_url("ur"))
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    assert page.get_attribute("html", "lang") == "ur"
    article = page.locator("article.story")
    assert article.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert "loaded" in faces(page).get(NASTALIQ, set())
    style = article.locator(".prose p").first.evaluate(
        "el => { const s = getComputedStyle(el);"
        " return {family: s.fontFamily, size: parseFloat(s.fontSize),"
        " line: parseFloat(s.lineHeight), align: s.textAlign}; }"
    )
    assert style["family"].startswith(f'"{NASTALIQ}"'), style
    # Nastaliq stacks and descends far: anything under twice the size overlaps lines.
    assert style["line"] >= 2 * style["size"], style
    assert style["align"] in ("start", "right"), style


def test_english_pages_download_no_web_font(page, site):
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    # The story has an Urdu translation: "Also in" names it in Arabic script.
    for url in (f"{site.url}/en/", site.story_url("en", site.cricket["en"])):
        page.goto(url)
        assert all(status == {"unloaded"} for status in faces(page).values()), url
        timed = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
        assert any(urlsplit(u).path.endswith("/static/css/fonts.css") for u in timed), url
        assert not [u for u in timed + requested if ".woff" in u], url
    assert page.locator(".other-langs a[hreflang=ur]").count() == 1


def test_sindhi_story_loads_naskh_not_nastaliq(page, site):
    page.goto(site.story_url("sd"))
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    loaded = faces(page)
    assert "loaded" in loaded[NASKH]
    assert "loaded" not in loaded.get(NASTALIQ, set())  # 100 KB a Sindhi reader never needs
    family = page.locator("article.story .prose p").first.evaluate(
        "el => getComputedStyle(el).fontFamily"
    )
    assert family.startswith(f'"{NASKH}"'), family


# --- a phone ------------------------------------------------------------------------------------

QUERIES = {"en": "dialogue", "ur": "مکالمہ"}  # each finds stories: results and facets shown
PHONE_PAGES = {
    "home": lambda site, lang: f"{site.url}/{lang}/",
    "story": lambda site, lang: site.story_url(lang),
    "search": lambda site, lang: f"{site.url}/{lang}/search?q={quote(QUERIES[lang])}",
    "sign-in": lambda site, lang: f"{site.url}/auth/login?lang={lang}",
}


@pytest.mark.parametrize("name", sorted(PHONE_PAGES))
@pytest.mark.parametrize("lang", ["en", "ur"])
def test_no_horizontal_scroll_at_390px(phone_page, site, lang, name):
    response = phone_page.goto(PHONE_PAGES[name](site, lang))
    assert response.status == 200
    assert phone_page.get_attribute("html", "lang") == lang
    if name == "search":  # measured with results and facets on the page, not an empty one
        assert phone_page.locator(".result").count() > 0
    size = phone_page.evaluate(OVERFLOW_JS)
    assert size["client"] == 390
    assert size["scroll"] <= size["client"], size


# --- language switcher -------------------------------------------------------------------------


def test_language_switcher_goes_to_the_same_story(page, site):
    page.goto(site.story_url("en", site.cricket["en"]))
    with page.expect_navigation():
        page.click(".langs a[hreflang=ur]")
    assert unquote(urlsplit(page.url).path) == f"/ur/stories/{site.cricket['ur']}"
    assert page.get_attribute("html", "lang") == "ur"
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("article.story", "lang") == "ur"
    with page.expect_navigation():
        page.click(".langs a[hreflang=en]")
    assert unquote(urlsplit(page.url).path) == f"/en/stories/{site.cricket['en']}"
    assert page.get_attribute("html", "lang") == "en"


# --- the editors ---------------------------------------------------------------------------------


def test_story_editor_preview_follows_the_text(page, site):
    sign_in(page, site, EDITOR)
    page.goto(f"{site.url}/editorial/t/{site.source_id['en']}/edit")
    preview = page.locator(".preview-body")
    preview.locator("p").first.wait_for()  # the preview of the saved text
    assert preview.locator("strong").count() == 0
    page.fill("#body", "Neighbours met.\n\nThey chose **peace together** in the end.")
    strong = preview.locator("strong")
    strong.wait_for(timeout=5000)
    assert strong.inner_text() == "peace together"
    assert "Neighbours met." in preview.inner_text()


def test_translation_editor_fields_are_rtl_for_urdu(page, site):
    sign_in(page, site, EDITOR)
    page.goto(f"{site.url}/editorial/t/{site.urdu_translation_id}/edit")
    fields = page.locator(".translating .target input[type=text], .translating [data-segment]")
    assert fields.count() >= 3
    for i in range(fields.count()):
        field = fields.nth(i)
        assert field.get_attribute("dir") == "rtl", field.get_attribute("name")
        assert field.get_attribute("lang") == "ur", field.get_attribute("name")
        assert field.evaluate("el => getComputedStyle(el).direction") == "rtl"
    family = page.locator("#title").evaluate("el => getComputedStyle(el).fontFamily")
    assert family.startswith(f'"{NASTALIQ}"'), family  # on an English page too


@pytest.mark.parametrize(("email", "page_dir"), [(EDITOR, "ltr"), (URDU_EDITOR, "rtl")])
def test_original_is_at_the_inline_start_of_the_translation(page, site, email, page_dir):
    sign_in(page, site, email)
    page.goto(f"{site.url}/editorial/t/{site.urdu_translation_id}/edit")
    assert page.get_attribute("html", "dir") == page_dir
    pair = page.locator(".translating .pair:not(.pair-head)").first
    source = pair.locator(".source").bounding_box()
    target = pair.locator(".target").bounding_box()
    assert abs(source["y"] - target["y"]) < 2  # side by side at 1280 px
    if page_dir == "ltr":
        assert source["x"] + source["width"] <= target["x"]
    else:
        assert target["x"] + target["width"] <= source["x"]


# --- signing in and out, the skip link ---------------------------------------------------------


def test_sign_in_and_out_through_the_form(page, site):
    sign_in(page, site, EDITOR, password="not the password")
    assert urlsplit(page.url).path == "/auth/login"
    assert page.locator(".flash-error").count() == 1

    sign_in(page, site, EDITOR)
    assert urlsplit(page.url).path == "/editorial/"
    assert "Network Editor" in page.inner_text(".who")

    with page.expect_navigation():
        page.click(".who button[type=submit]")
    assert urlsplit(page.url).path == "/auth/login"
    assert page.locator(".who button").count() == 0
    page.goto(f"{site.url}/editorial/")
    assert urlsplit(page.url).path == "/auth/login"  # signed out for real, not just hidden


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_skip_link_moves_focus_to_main(page, site, lang):
    page.goto(f"{site.url}/{lang}/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["x"] >= 0  # shown on focus, not left off-screen
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'")
    assert urlsplit(page.url).fragment == "main"

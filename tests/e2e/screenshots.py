"""Full-page screenshots of the hub's main pages, for a person to look at.

    .venv/bin/python tests/e2e/screenshots.py --out screenshots/

Builds the app on a throw-away SQLite database with the demo content, serves it on loopback
and drives headless Chromium (the flags of tests/support/browser.py) through the public pages
(home, a published story, search with a query, sign-in) and, signed in as the demo editor, the
editorial ones (dashboard, story editor, review page of a translation, side-by-side translation
editor), in each language (--langs, default en ur sd ps) at phone (390 px) and desktop
(1280 px) width. Files are named ``<lang>-<width>-<page>.png``. Each page's horizontal
overflow and the state of its web fonts are printed, so a glance at the output shows a page
that scrolls sideways at 390 px.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from content.demo import DEMO_ACCOUNTS, load_demo  # noqa: E402
from content.models import Translation  # noqa: E402
from hub import create_app  # noqa: E402
from hub.extensions import db  # noqa: E402
from hub.migrate import upgrade_database  # noqa: E402
from tests.support.browser import (  # noqa: E402
    CHROMIUM_ARGS,
    DESKTOP,
    PHONE,
    chromium_path,
    serve_app,
)

EDITOR = "editor@example.org"
SEARCHES = {"en": "dialogue", "ur": "مکالمہ", "sd": "نوجوان", "ps": "سولې", "pa": "میلہ"}
WIDTHS = {"phone": PHONE, "desktop": DESKTOP}

PAGE_STATE_JS = """async () => {
  await document.fonts.ready;
  const root = document.documentElement;
  return {
    overflow: root.scrollWidth - root.clientWidth,
    lang: root.lang, dir: root.dir,
    fonts: [...document.fonts].filter(f => f.status === "loaded")
      .map(f => `${f.family.replace(/"/g, "")} ${f.weight}`),
  };
}"""


def compile_catalogs() -> None:
    """The interface catalogs, compiled as `make run` would (.mo files are not committed)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (ROOT / "translations").glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with open(po, "rb") as f:
            catalog = read_po(f)
        with open(mo, "wb") as f:
            write_mo(f, catalog)


def build_app(data_dir: Path, database_url: str | None = None, **config):
    """The app on SQLite in ``data_dir`` (migrated here unless ``database_url`` names an
    already migrated copy), with the demo content loaded. The browser tests build theirs so."""
    url = database_url or f"sqlite:///{data_dir / 'hub.sqlite3'}"
    if database_url is None:
        upgrade_database(url)
    app = create_app(
        {
            "SECRET_KEY": "screenshots-secret-key-that-is-long-enough",
            "HUB_DATABASE_URL": url,
            "HUB_DATA_DIR": str(data_dir),
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
            "HUB_RATELIMIT_STORAGE_URL": "memory://",
            "HUB_SEARCH_BACKGROUND_REBUILD": False,  # search answers from the first request
            "HUB_LOG_LEVEL": "WARNING",
            **config,
        }
    )
    with app.app_context():
        load_demo(db.session)
    return app


def demo_targets(app) -> dict:
    """Where the pages to shoot are in the demo content (found by state, not by id)."""
    with app.app_context():
        rows = db.session.scalars(select(Translation)).all()
        sources = {t.lang: t for t in rows if t.is_source and t.state == "published"}
        translations = [t for t in rows if not t.is_source and t.latest_revision is not None]
        review = next(t for t in translations if t.state == "in_review")
        # The Urdu translation of an English original: the side-by-side editor, RTL target.
        side = next(t for t in translations if t.lang == "ur")
        return {
            "story_slug": {code: t.slug for code, t in sources.items()},
            "source_id": {code: t.id for code, t in sources.items()},
            "review_id": review.id,
            "side_by_side_id": side.id,
        }


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        sys.exit("No Chromium: install Debian's chromium or set HUB_CHROMIUM.")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def shoot(page, url: str, path: Path) -> None:
    response = page.goto(url)
    status = response.status if response else "?"
    state = page.evaluate(PAGE_STATE_JS)
    page.screenshot(path=str(path), full_page=True)
    flag = "  OVERFLOW" if state["overflow"] > 0 else ""
    fonts = ", ".join(state["fonts"]) or "-"
    print(
        f"{path.name:<34} {status} lang={state['lang']} dir={state['dir']}"
        f" overflow={state['overflow']}px fonts: {fonts}{flag}"
    )


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/auth/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_ACCOUNTS.password)
    page.click("form.card [type=submit]")
    page.wait_for_url(f"{base}/editorial/**")


def set_interface_language(page, code: str) -> None:
    """Through the language switcher every signed-in page has (it saves the preference)."""
    with page.expect_navigation():
        page.click(f".langs button[lang='{code}'], .langs button[lang^='{code}-']")


def run(out: Path, langs: list[str], widths: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name in ("werkzeug", "hub", "hub.mail"):  # one line per page is enough output
        logging.getLogger(name).setLevel(logging.WARNING)
    compile_catalogs()
    with tempfile.TemporaryDirectory(prefix="hub-screens-") as tmp:
        app = build_app(Path(tmp))
        where = demo_targets(app)
        with serve_app(app) as base, chromium() as browser:
            for width in widths:
                context = browser.new_context(**WIDTHS[width])
                page = context.new_page()
                for code in langs:
                    name = f"{code}-{width}"
                    shoot(page, f"{base}/{code}/", out / f"{name}-home.png")
                    slug = where["story_slug"].get(code) or where["story_slug"]["en"]
                    shoot(page, f"{base}/{code}/stories/{quote(slug)}", out / f"{name}-story.png")
                    q = quote(SEARCHES.get(code, "peace"))
                    shoot(page, f"{base}/{code}/search?q={q}", out / f"{name}-search.png")
                    shoot(page, f"{base}/auth/login?lang={code}", out / f"{name}-signin.png")
                context.close()

                context = browser.new_context(**WIDTHS[width])
                page = context.new_page()
                sign_in(page, base, EDITOR)
                for code in langs:
                    name = f"{code}-{width}"
                    page.goto(f"{base}/editorial/")
                    set_interface_language(page, code)
                    shoot(page, f"{base}/editorial/", out / f"{name}-dashboard.png")
                    source = where["source_id"].get(code) or where["source_id"]["en"]
                    shoot(page, f"{base}/editorial/t/{source}/edit", out / f"{name}-editor.png")
                    review = where["review_id"]
                    shoot(page, f"{base}/editorial/t/{review}", out / f"{name}-review.png")
                    side = where["side_by_side_id"]
                    shoot(page, f"{base}/editorial/t/{side}/edit", out / f"{name}-translate.png")
                page.goto(f"{base}/editorial/")
                set_interface_language(page, "en")  # leave the account as it was
                context.close()
        db.dispose(app)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--langs", default="en,ur,sd,ps", help="comma-separated codes")
    parser.add_argument("--widths", default="phone,desktop", help="phone, desktop or both")
    args = parser.parse_args(argv)
    widths = [w.strip() for w in args.widths.split(",") if w.strip()]
    unknown = set(widths) - set(WIDTHS)
    if unknown:
        parser.error(f"unknown width(s): {', '.join(sorted(unknown))}")
    run(args.out, [c.strip() for c in args.langs.split(",") if c.strip()], widths)


if __name__ == "__main__":
    main()

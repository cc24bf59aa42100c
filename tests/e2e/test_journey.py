"""A reader's journey in Chromium, on a phone (390x844) and on a desktop: home → a story →
the same story in Urdu through the language links → "Copy link" → the header search finds
the story.

Every step is done as a person does it (clicks, typing, Enter), on the demo site with its real
scripts and Content-Security-Policy; the clipboard is the browser's own, read back through
``navigator.clipboard`` with the permissions a reader grants.
"""

from __future__ import annotations

from contextlib import contextmanager
from urllib.parse import unquote, urlsplit

import pytest

from tests.support.browser import DESKTOP, PHONE

pytestmark = pytest.mark.browser

SIZES = {"phone": PHONE, "desktop": DESKTOP}


@contextmanager
def reader(browser, size: str):
    context = browser.new_context(**SIZES[size], permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.set_default_timeout(5000)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: errors.extend(console_error(m)))
        yield page, errors
    finally:
        context.close()


def console_error(message) -> list[str]:
    """A script error or a refused script or style (CSP) shows up as a console error.
    Chromium's own request for /favicon.ico is not the page's doing and is left out."""
    if message.type != "error":
        return []
    where = message.location.get("url", "")
    if urlsplit(where).path.rstrip("/") == "/favicon.ico":
        return []
    return [f"{message.text} ({where})"]


def path_of(url: str) -> str:
    return unquote(urlsplit(url).path)


def search_word(title: str) -> str:
    """The longest word of ``title``: distinctive enough to find the story by."""
    return max(title.split(), key=len)


@pytest.mark.parametrize("size", list(SIZES))
def test_find_read_switch_share_and_search(chromium_browser, demo_site, size):
    en, ur = demo_site.shared["en"], demo_site.shared["ur"]
    en_path = path_of(demo_site.url("public.story", lang="en", slug=en.slug))
    ur_path = path_of(demo_site.url("public.story", lang="ur", slug=ur.slug))

    with reader(chromium_browser, size) as (page, errors):
        # Home: the story is listed; a tap opens it.
        page.goto(demo_site.url("public.home", lang="en"))
        link = page.locator(f'main a[href="{en_path}"]').first
        assert link.is_visible()
        with page.expect_navigation():
            link.click()
        assert path_of(page.url) == en_path
        assert page.locator("h1").inner_text() == en.title

        # The language links lead to the same story in Urdu, right to left.
        with page.expect_navigation():
            page.click(".langs a[hreflang=ur]")
        assert path_of(page.url) == ur_path
        assert page.get_attribute("html", "lang") == "ur"
        assert page.get_attribute("html", "dir") == "rtl"
        assert page.locator("article.story h1").inner_text() == ur.title

        # Copy link: the confirmation is announced and the clipboard holds the story's URL.
        share = page.locator("[data-share]")
        copy = share.locator("button[data-copy]")
        assert copy.is_visible()  # share.js shows it; without JavaScript it stays hidden
        copy.click()
        status = share.locator("[data-share-status]")
        confirmation = share.get_attribute("data-copied")
        assert confirmation
        status.filter(has_text=confirmation).wait_for()
        assert status.get_attribute("role") == "status"
        assert share.locator("[data-share-fallback]").is_hidden()  # copied, no box needed
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == page.get_attribute("link[rel=canonical]", "href")
        assert urlsplit(copied).netloc == urlsplit(demo_site.base).netloc
        assert path_of(copied) == ur_path

        # The header search finds the story by a word of its title.
        word = search_word(ur.title)
        box = page.locator("header form[role=search] input[type=search]")
        assert box.is_visible()
        box.fill(word)
        with page.expect_navigation():
            box.press("Enter")
        assert path_of(page.url) == path_of(demo_site.url("public.search_page", lang="ur"))
        assert page.get_attribute("html", "lang") == "ur"
        assert page.locator("main input#q").input_value() == word  # the search asked
        found = [
            path_of(h or "")
            for h in page.locator(".result a").evaluate_all(
                "links => links.map(a => a.getAttribute('href'))"
            )
        ]
        assert ur_path in found, found

    assert not errors, errors

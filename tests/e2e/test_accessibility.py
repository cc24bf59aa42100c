"""axe-core on the public pages and sign-in, in English and Urdu: no serious or critical
violation of WCAG 2.0/2.1 A and AA.

The pages are the real ones, with the demo content, their real Content-Security-Policy and
their web fonts loaded (tests/support/axe.py injects axe-core without bypassing the policy).
Each failure lists every violation with its rule, impact, what to fix and the elements that
fail it. The other public pages (stories list, about, campaigns, organisations) are checked
when the app has their routes.
"""

from __future__ import annotations

import pytest

from tests.support.axe import blocking, describe

pytestmark = pytest.mark.browser

QUERIES = {"en": "dialogue", "ur": "مکالمہ"}  # each finds demo stories: a page of results


def _home(site, lang):
    return site.url("public.home", lang=lang)


def _story(site, lang):
    return site.url("public.story", lang=lang, slug=site.shared[lang].slug)


def _campaign(site, lang):
    return site.url("public.campaign", lang=lang, slug=site.campaign)


def _search(site, lang):
    return site.url("public.search_page", lang=lang, q=QUERIES[lang])


def _sign_in(site, lang):
    return site.url("auth.login", lang=lang)


def _stories(site, lang):
    return site.url("public.stories", lang=lang)


def _about(site, lang):
    return site.url("public.about", lang=lang)


def _campaigns(site, lang):
    return site.url("public.campaigns", lang=lang)


def _organisations(site, lang):
    return site.url("public.organisations", lang=lang)


def _organisation(site, lang):
    return site.url("public.organisation", lang=lang, slug=site.organisation)


# name -> (endpoint that must exist for the page to be checked, address, a selector that
# must be on the page so that axe checks it with its content and not an empty shell)
PAGES = {
    "home": ("public.home", _home, "main a[href*='/stories/']"),
    "story": ("public.story", _story, "article.story h1"),
    "campaign": ("public.campaign", _campaign, "main h1"),
    "search": ("public.search_page", _search, ".result"),
    "sign-in": ("auth.login", _sign_in, "main form input[type=password]"),
    "stories": ("public.stories", _stories, "main a[href*='/stories/']"),
    "about": ("public.about", _about, "main h1"),
    "campaigns": ("public.campaigns", _campaigns, "main a[href*='/campaigns/']"),
    "organisations": ("public.organisations", _organisations, "main a[href*='/organisations/']"),
    "organisation": ("public.organisation", _organisation, "main a[href*='/stories/']"),
}
# Checked when the app has them (the issue names the first five).
OPTIONAL = {"stories", "about", "campaigns", "organisations", "organisation"}

SETTLED_JS = "document.fonts.ready.then(() => document.readyState)"


@pytest.fixture(autouse=True)
def quick_failures(page):
    page.set_default_timeout(5000)


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("lang", ["en", "ur"])
def test_no_serious_or_critical_violations(page, demo_site, axe, lang, name):
    endpoint, address, content = PAGES[name]
    if name in OPTIONAL and not demo_site.has(endpoint):
        pytest.skip(f"the app has no {endpoint} route")
    url = address(demo_site, lang)
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert page.get_attribute("html", "lang") == lang
    page.locator(content).first.wait_for()
    assert page.evaluate(SETTLED_JS) == "complete"
    found = blocking(axe(page))
    assert not found, describe(found, where=f"{name} ({lang}) {url}")


def test_axe_reports_a_page_that_breaks_the_rules(page, live_server, axe):
    """The check itself: a page with a known serious failure is reported, with its element."""
    from werkzeug.wrappers import Response

    body = (
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<h1>Broken</h1><img id="no-alt" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<p style="color:#bbb;background:#fff">Faint text nobody can read</p></main></body></html>'
    )
    base = live_server(lambda environ, start: Response(body, mimetype="text/html")(environ, start))
    page.goto(base + "/")
    found = {v.id: v for v in blocking(axe(page))}
    assert "image-alt" in found, describe(list(found.values()))
    assert found["image-alt"].nodes[0].target == ("#no-alt",)
    assert "color-contrast" in found
    assert "#no-alt" in describe(list(found.values()))

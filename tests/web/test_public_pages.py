"""The public site through the test client: every page in English and Urdu with its language,
direction and metadata; the story list's filters and pages; related stories; sharing; the
anonymous byline; drafts; error pages.

Pages are read with an HTML parser (``Doc``), not by looking for substrings, wherever the
structure matters: which links are cards of which section, what the head declares, what the
JSON-LD says once parsed.
"""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from PIL import Image

from content import languages, services
from content.models import SHARE_NETWORKS, Translation
from content.services import campaigns as campaign_services
from content.services import media as media_services
from content.services.reviews import ActionInput
from content.workflow import Action
from tests.support.workflow import publish_translation

SITE = "http://localhost"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Doc(HTMLParser):
    """What a page says, as a browser or a crawler reads it."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root: dict = {}
        self.links: list[dict] = []  # <link> attributes
        self.metas: list[dict] = []
        self.scripts: list[tuple[dict, str]] = []
        self.anchors: list[dict] = []  # href, text, ancestors (tag, attrs) outermost first
        self.elements: list[tuple[str, dict, list]] = []  # every start tag with its ancestors
        self._stack: list[tuple[str, dict]] = []
        self._script: tuple[dict, list] | None = None
        self._open_anchors: list[dict] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs, list(self._stack)))
        if tag == "html":
            self.root = attrs
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "meta":
            self.metas.append(attrs)
        elif tag == "script":
            self._script = (attrs, [])
        elif tag == "a":
            anchor = {"href": attrs.get("href"), "attrs": attrs, "text": "", "ancestors": []}
            anchor["ancestors"] = list(self._stack)
            self.anchors.append(anchor)
            self._open_anchors.append(anchor)
        if tag not in VOID:
            self._stack.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None
        if tag == "a" and self._open_anchors:
            self._open_anchors.pop()
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)
        for anchor in self._open_anchors:
            anchor["text"] += data

    # --- the head ---------------------------------------------------------------------------

    def meta(self, key: str) -> list[str]:
        return [
            m.get("content", "") for m in self.metas if key in (m.get("property"), m.get("name"))
        ]

    def one_meta(self, key: str) -> str:
        (value,) = self.meta(key)
        return value

    @property
    def canonical(self) -> str:
        (href,) = [link["href"] for link in self.links if link.get("rel") == "canonical"]
        return href

    @property
    def alternates(self) -> dict[str, str]:
        found = {}
        for link in self.links:
            if link.get("rel") == "alternate" and link.get("hreflang"):
                assert link["hreflang"] not in found, f"hreflang {link['hreflang']} twice"
                found[link["hreflang"]] = link["href"]
        return found

    def json_ld(self) -> list[dict]:
        return [
            json.loads(body)
            for attrs, body in self.scripts
            if attrs.get("type") == "application/ld+json"
        ]

    # --- the body ---------------------------------------------------------------------------

    def cards(self, within: str | None = None) -> list[str]:
        """Unquoted paths of the story cards' title links, optionally only inside an element
        with class ``within``, in page order."""
        found = []
        for anchor in self.anchors:
            classes = [
                set((attrs.get("class") or "").split()) for _tag, attrs in anchor["ancestors"]
            ]
            in_card = any("story-card" in c for c in classes)
            heading = anchor["ancestors"] and anchor["ancestors"][-1][0] in {"h2", "h3"}
            if in_card and heading and (within is None or any(within in c for c in classes)):
                found.append(unquote(urlsplit(anchor["href"]).path))
        return found

    def hrefs(self) -> list[str]:
        return [a["href"] for a in self.anchors if a["href"]]

    def with_class(self, name: str) -> list[tuple[str, dict]]:
        return [(t, a) for t, a, _ in self.elements if name in (a.get("class") or "").split()]


def get_doc(client, url: str, status: int = 200) -> tuple[Doc, str]:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    html = response.get_data(as_text=True)
    return Doc(html), html


def story_url(t: Translation) -> str:
    return f"/{t.lang}/stories/{t.slug}"


def path_of(t: Translation) -> str:
    return f"/{t.lang}/stories/{t.slug}"


# --- the world ------------------------------------------------------------------------------


def _act(session, actor, t, action, **extra):
    return services.apply_action(
        session, actor=actor, translation=t, request=ActionInput(Action(action), **extra)
    )


@pytest.fixture
def world(session, make_org, make_user, make_story):
    org = make_org(slug="amn-circle", name="Amn Circle")
    org.description = "Young people who meet to listen across divides."
    session.commit()
    author = make_user("contributor", org=org, name="Nargis Writer")
    editor = make_user("editor", all_languages=True, name="Network Editor")
    translator = make_user("translator", languages=("ur", "en"), name="Tahir Translator")
    campaign = campaign_services.create_campaign(
        session,
        actor=editor,
        slug="listening-week",
        lang="en",
        title="A listening week",
        description="Seven days of listening circles.",
    )
    campaign_services.set_campaign_text(
        session,
        actor=editor,
        campaign=campaign,
        lang="ur",
        title="سننے کا ہفتہ",
        description="سننے کے حلقوں کے سات دن۔",
    )
    cricket = make_story(
        author,
        state="published",
        title="A cricket match for two streets",
        summary="Two streets that rarely spoke played one match.",
        themes=["youth", "community"],
        region="sindh",
        campaign_id=campaign.id,
    )
    cricket_ur = publish_translation(
        session,
        cricket,
        "ur",
        translator=translator,
        editor=editor,
        title="دو گلیوں کا کرکٹ میچ",
        summary="دو گلیوں نے ایک میچ کھیلا۔",
        body="شام تک سب نے مل کر چائے پی۔",
    )
    library = make_story(
        author,
        state="published",
        title="A library open to everyone",
        themes=["education"],
        region="punjab",
        campaign_id=campaign.id,
    )
    tea = make_story(
        author,
        state="published",
        title="Tea with the neighbours",
        themes=["community"],
        region="punjab",
    )
    poster = make_story(
        author,
        state="published",
        title="A poster about listening",
        themes=["interfaith"],
        region="balochistan",
        kind="poster",
    )
    draft = make_story(
        author,
        state="draft",
        title="Unfinished notes on a youth circle",
        themes=["youth", "community"],
        campaign_id=campaign.id,
    )
    urdu = make_story(
        author,
        state="published",
        lang="ur",
        title="محلے میں امن کی شام",
        summary="پڑوسیوں نے مل کر شام گزاری۔",
        themes=["peace"],
        region="sindh",
    )
    return {
        "org": org,
        "author": author,
        "editor": editor,
        "translator": translator,
        "campaign": campaign,
        "cricket": cricket,
        "cricket_ur": cricket_ur,
        "library": library,
        "tea": tea,
        "poster": poster,
        "draft": draft,
        "urdu": urdu,
    }


def public_pages(world, lang: str) -> dict[str, str]:
    cricket = world["cricket_ur"] if lang == "ur" else world["cricket"]
    return {
        "home": f"/{lang}/",
        "stories": f"/{lang}/stories/",
        "stories filtered": f"/{lang}/stories/?theme=community&region=punjab",
        "story": story_url(cricket),
        "campaigns": f"/{lang}/campaigns/",
        "campaign": f"/{lang}/campaigns/listening-week",
        "organisations": f"/{lang}/organisations/",
        "organisation": f"/{lang}/organisations/amn-circle",
        "about": f"/{lang}/about",
    }


# --- every page, in English and Urdu ---------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_every_public_page_has_its_language_and_metadata(app, browser, world, lang):
    language = languages.get(lang)
    enabled = app.extensions["hub.languages"]
    for name, url in public_pages(world, lang).items():
        doc, _html = get_doc(browser, url)
        assert doc.root.get("lang") == language.tag, name
        assert doc.root.get("dir") == language.direction, name
        canonical = doc.canonical
        assert canonical.startswith(f"{SITE}/"), (name, canonical)
        alternates = doc.alternates
        assert "x-default" in alternates, name
        assert all(href.startswith(f"{SITE}/") for href in alternates.values()), name
        if name != "story" and name != "about":
            # Pages every language has: one alternate per enabled language.
            assert set(alternates) == {languages.get(c).tag for c in enabled} | {"x-default"}
            assert alternates[language.tag] == canonical, name
        assert doc.one_meta("og:url") == canonical, name
        assert doc.one_meta("og:title"), name
        assert doc.one_meta("og:site_name") == "Narratives Hub", name
        assert doc.one_meta("og:locale") == f"{lang}_PK", name
        assert doc.one_meta("twitter:card") in {"summary", "summary_large_image"}, name
        # One h1, a skip link to main.
        assert sum(1 for tag, _a, _s in doc.elements if tag == "h1") == 1, name
        assert any(a["href"] == "#main" for a in doc.anchors), name


def test_canonical_of_a_filtered_list_keeps_its_filters(browser, world):
    doc, _ = get_doc(browser, "/en/stories/?theme=community&region=punjab&language=en")
    query = parse_qs(urlsplit(doc.canonical).query)
    assert query == {"theme": ["community"], "region": ["punjab"]}  # language=en is the default
    # The same list in Urdu lists Urdu stories (each page's default language)...
    ur = parse_qs(urlsplit(doc.alternates["ur"]).query)
    assert ur == {"theme": ["community"], "region": ["punjab"]}
    # ...unless the reader chose a language: then that choice travels.
    doc, _ = get_doc(browser, "/en/stories/?theme=community&language=all")
    ur = parse_qs(urlsplit(doc.alternates["ur"]).query)
    assert ur == {"theme": ["community"], "language": ["all"]}


# --- the story page ---------------------------------------------------------------------------


def test_story_metadata_names_every_live_translation(browser, world):
    cricket, cricket_ur = world["cricket"], world["cricket_ur"]
    doc, _ = get_doc(browser, story_url(cricket))
    en_url = SITE + quote(story_url(cricket))
    ur_url = SITE + quote(story_url(cricket_ur))
    assert doc.canonical == en_url
    assert doc.alternates == {"en": en_url, "ur": ur_url, "x-default": en_url}
    assert doc.one_meta("og:type") == "article"
    assert doc.one_meta("og:title") == "A cricket match for two streets"
    assert doc.one_meta("og:description") == "Two streets that rarely spoke played one match."
    assert doc.meta("og:locale:alternate") == ["ur_PK"]
    assert doc.one_meta("twitter:card") == "summary"  # no image: no large card

    doc, _ = get_doc(browser, story_url(cricket_ur))
    assert doc.canonical == ur_url
    assert doc.one_meta("og:locale") == "ur_PK"
    assert doc.meta("og:locale:alternate") == ["en_PK"]
    assert doc.alternates["x-default"] == en_url  # the original


def test_json_ld_article_for_a_named_story(browser, world):
    cricket = world["cricket"]
    doc, _ = get_doc(browser, story_url(cricket))
    (article,) = doc.json_ld()
    assert article["@context"] == "https://schema.org"
    assert article["@type"] == "Article"
    assert article["headline"] == "A cricket match for two streets"
    assert article["description"] == "Two streets that rarely spoke played one match."
    assert article["inLanguage"] == "en"
    assert article["author"] == {"@type": "Person", "name": "Nargis Writer"}
    assert article["publisher"]["@type"] == "Organization"
    assert article["publisher"]["name"] == "Narratives Hub"
    assert article["url"] == doc.canonical
    assert article["datePublished"].startswith(str(cricket.first_published_at.date()))
    assert "dateModified" in article
    # The Urdu translation names its translator (named byline) and its language.
    doc, _ = get_doc(browser, story_url(world["cricket_ur"]))
    (article,) = doc.json_ld()
    assert article["inLanguage"] == "ur"
    assert article["headline"] == "دو گلیوں کا کرکٹ میچ"
    assert article["translator"] == {"@type": "Person", "name": "Tahir Translator"}


def test_json_ld_for_an_organisation_byline(browser, make_story, world):
    t = make_story(world["author"], state="published", byline_mode="organisation")
    doc, html = get_doc(browser, story_url(t))
    (article,) = doc.json_ld()
    assert article["author"] == {"@type": "Organization", "name": "Amn Circle"}
    assert "Nargis Writer" not in html


def test_json_ld_cannot_break_out_of_its_script(browser, make_story, world):
    title = "Peace </script><script>alert(1)</script> & <b>dialogue</b>"
    t = make_story(world["author"], state="published", title=title)
    doc, _html = get_doc(browser, story_url(t))
    (article,) = doc.json_ld()
    assert article["headline"] == title  # the same text once parsed
    (ld_body,) = [body for attrs, body in doc.scripts if attrs.get("type") == "application/ld+json"]
    assert "<" not in ld_body and ">" not in ld_body and "&" not in ld_body
    # The page runs no script but its own file.
    for attrs, body in doc.scripts:
        assert attrs.get("type") == "application/ld+json" or (attrs.get("src") and not body)


def test_story_links_its_themes_region_and_campaign_to_filtered_lists(browser, world):
    doc, _ = get_doc(browser, story_url(world["cricket"]))
    topics = [
        unquote(a["href"])
        for a in doc.anchors
        if any("topics" in (attrs.get("class") or "") for _t, attrs in a["ancestors"])
    ]
    assert "/en/stories/?theme=youth" in topics
    assert "/en/stories/?theme=community" in topics
    assert "/en/stories/?region=sindh" in topics
    assert "/en/campaigns/listening-week" in topics
    # And the list behind a theme link holds the story.
    doc, _ = get_doc(browser, "/en/stories/?theme=youth")
    assert path_of(world["cricket"]) in doc.cards()


def test_related_stories_campaign_first_then_themes_never_itself_or_drafts(browser, world):
    doc, _ = get_doc(browser, story_url(world["cricket"]))
    related = doc.cards(within="related")
    # Same campaign first (the library), then a shared theme (community: tea).
    assert related[:1] == [path_of(world["library"])]
    assert path_of(world["tea"]) in related
    assert path_of(world["cricket"]) not in related
    assert path_of(world["poster"]) not in related  # no campaign, no theme in common
    assert all("unfinished" not in p for p in related)
    assert len(related) == len(set(related))


def test_related_stories_follow_the_page_language(browser, world):
    doc, _ = get_doc(browser, story_url(world["cricket_ur"]))
    related = doc.cards(within="related")
    # Urdu falls back to English: the English stories are related, in English.
    assert path_of(world["library"]) in related
    assert path_of(world["cricket"]) not in related  # the same story in another language


def test_share_block_links_every_network_through_the_counting_redirect(app, browser, world):
    t = world["cricket_ur"]
    doc, _ = get_doc(browser, story_url(t))
    share = [
        a["href"]
        for a in doc.anchors
        if any("share-links" in (attrs.get("class") or "") for _t, attrs in a["ancestors"])
    ]
    assert share == [f"/ur/share/{t.id}/{network}" for network in SHARE_NETWORKS]
    block = [attrs for tag, attrs in doc.with_class("share")]
    assert block and block[0]["data-url"] == doc.canonical
    buttons = [
        attrs
        for tag, attrs, _ in doc.elements
        if tag == "button" and ("data-copy" in attrs or "data-native-share" in attrs)
    ]
    assert len(buttons) == 2  # copy link, and the phone's own share sheet
    assert all("hidden" in attrs for attrs in buttons)  # share.js shows what can work
    status = [attrs for tag, attrs in doc.with_class("share-status")]
    assert status[0].get("aria-live") == "polite" and status[0].get("role") == "status"
    (script,) = [attrs for attrs, _ in doc.scripts if attrs.get("src")]
    assert urlsplit(script["src"]).path == "/static/js/share.js" and "defer" in script
    # The redirect answers for every link the page offers.
    response = browser.get(share[0])
    assert response.status_code == 302
    assert response.headers["Location"].startswith("https://wa.me/")


def test_share_script_is_only_on_story_pages(browser, world):
    for name, url in public_pages(world, "en").items():
        doc, _ = get_doc(browser, url)
        srcs = [urlsplit(attrs["src"]).path for attrs, _ in doc.scripts if attrs.get("src")]
        assert srcs == (["/static/js/share.js"] if name == "story" else []), url


def test_a_story_missing_in_a_language_is_shown_in_its_chain_with_a_notice(browser, world):
    doc, html = get_doc(browser, f"/sd/s/{world['library'].story_id}")
    assert doc.root["lang"] == "sd" and doc.root["dir"] == "rtl"
    article = next(a for t, a in doc.with_class("story") if t == "article")
    assert article["lang"] == "en"  # Sindhi falls back to Urdu, then English
    assert doc.canonical == SITE + quote(story_url(world["library"]))
    assert 'class="notice"' in html


# --- the anonymous byline ---------------------------------------------------------------------


@pytest.fixture
def anonymous(session, make_user, make_story, world):
    author = make_user("contributor", org=world["org"], name="Quietauthor Unnamed")
    translator = make_user("translator", languages=("ur",), name="Hiddentranslator Person")
    t = make_story(
        author,
        state="published",
        title="A story told without a name",
        themes=["youth"],
        campaign_id=world["campaign"].id,
        byline_mode="anonymous",
    )
    ur = publish_translation(
        session,
        t,
        "ur",
        translator=translator,
        editor=world["editor"],
        title="بغیر نام کی کہانی",
        summary="ایک کہانی جس کا لکھنے والا گمنام ہے۔",
        body="یہ کہانی بغیر نام کے سنائی گئی۔",
    )
    return {"en": t, "ur": ur, "names": ("Quietauthor", "Unnamed", "Hiddentranslator")}


def test_anonymous_byline_leaks_nowhere(browser, world, anonymous):
    names = anonymous["names"]
    urls = [
        story_url(anonymous["en"]),
        story_url(anonymous["ur"]),
        f"/sd/s/{anonymous['en'].story_id}",
        story_url(world["cricket"]),  # shows it as a related story
        "/en/",
        "/ur/",
        "/en/stories/?language=all",
        "/en/campaigns/listening-week",
        "/en/organisations/",
        "/en/organisations/amn-circle",
        "/en/about",
    ]
    for url in urls:
        doc, html = get_doc(browser, url)
        for name in names:
            assert name not in html, (url, name)
        for article in doc.json_ld():
            text = json.dumps(article, ensure_ascii=False)
            assert not any(name in text for name in names), url
    for t in (anonymous["en"], anonymous["ur"]):
        doc, html = get_doc(browser, story_url(t))
        (article,) = doc.json_ld()
        # Nobody but the network is named: no person, not the organisation either.
        assert article["author"] == article["publisher"]
        assert "translator" not in article
        assert "Person" not in json.dumps(article)
        assert "Amn Circle" not in html
        assert doc.meta("author") == [] and doc.meta("article:author") == []
        assert not doc.with_class("translator") and not doc.with_class("byline")


def test_anonymous_stories_are_not_listed_under_their_organisation(browser, world, anonymous):
    for url in ("/en/organisations/amn-circle", "/en/stories/?organisation=amn-circle"):
        doc, _ = get_doc(browser, url)
        assert path_of(world["cricket"]) in doc.cards(), url
        assert path_of(anonymous["en"]) not in doc.cards(), url
    # It is still listed where no organisation is named.
    doc, _ = get_doc(browser, "/en/stories/")
    assert path_of(anonymous["en"]) in doc.cards()


# --- the story list ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"cricket", "library", "tea", "poster"}),
        ("?theme=community", {"cricket", "tea"}),
        ("?region=punjab", {"library", "tea"}),
        ("?kind=poster", {"poster"}),
        ("?campaign=listening-week", {"cricket", "library"}),
        ("?organisation=amn-circle", {"cricket", "library", "tea", "poster"}),
        ("?theme=community&region=punjab", {"tea"}),
        ("?language=ur", {"cricket_ur", "urdu"}),
        ("?language=all&region=sindh", {"cricket", "cricket_ur", "urdu"}),
        (
            "?theme=&region=&kind=&campaign=&organisation=&language=en",
            {"cricket", "library", "tea", "poster"},
        ),
    ],
)
def test_filters_narrow_the_list(browser, world, query, expected):
    doc, _ = get_doc(browser, f"/en/stories/{query}")
    assert set(doc.cards()) == {path_of(world[name]) for name in expected}


def test_urdu_list_defaults_to_urdu_and_offers_all_languages(browser, world):
    doc, _ = get_doc(browser, "/ur/stories/")
    assert set(doc.cards()) == {path_of(world["cricket_ur"]), path_of(world["urdu"])}
    assert "/ur/stories/?language=all" in [unquote(h) for h in doc.hrefs()]
    # The form has a labelled control for every filter, language chosen.
    labels = {attrs.get("for") for tag, attrs, _ in doc.elements if tag == "label"}
    selects = {attrs["id"]: attrs["name"] for tag, attrs, _ in doc.elements if tag == "select"}
    assert set(selects.values()) == {
        "theme",
        "region",
        "kind",
        "campaign",
        "organisation",
        "language",
    }
    assert set(selects) <= labels
    chosen = [
        attrs["value"]
        for tag, attrs, stack in doc.elements
        if tag == "option" and "selected" in attrs and stack[-1][1].get("name") == "language"
    ]
    assert chosen == ["ur"]


def test_active_filters_are_chips_that_remove_themselves(browser, world):
    doc, _ = get_doc(browser, "/en/stories/?theme=community&region=punjab")
    chips = [
        unquote(a["href"])
        for a in doc.anchors
        if any("chip" in (attrs.get("class") or "").split() for _t, attrs in a["ancestors"])
    ]
    assert sorted(chips) == ["/en/stories/?region=punjab", "/en/stories/?theme=community"]
    labels = [
        a["attrs"].get("aria-label", "") for a in doc.anchors if unquote(a["href"] or "") in chips
    ]
    assert all(label.startswith("Remove the filter") for label in labels)


@pytest.mark.parametrize(
    "query",
    [
        "?theme=weather",
        "?region=atlantis",
        "?kind=novel",
        "?campaign=no-such-campaign",
        "?organisation=no-such-org",
        "?language=xx",
        "?theme=" + "y" * 500,
        "?theme=youth%22%25",
        "?organisation=%3Cscript%3E",
    ],
)
def test_invalid_filters_give_an_empty_list_and_say_why(browser, world, query):
    doc, html = get_doc(browser, f"/en/stories/{query}")
    assert doc.cards() == []
    assert len(doc.with_class("notice")) == 1
    assert "There is no" in html
    assert "<script>" not in html  # what the URL said is only ever text
    assert doc.one_meta("robots") == "noindex"
    # A chip lets the reader remove the filter that names nothing.
    assert doc.with_class("chip-invalid")


def test_bad_page_numbers_do_not_fail(browser, world):
    for query in ("?page=abc", "?page=-3", "?page=0", "?page=99999999999"):
        doc, _ = get_doc(browser, f"/en/stories/{query}")
    doc, html = get_doc(browser, "/en/stories/?page=40&lang=ur&theme=youth")
    assert doc.cards() == [] and "past the end" in html
    first = [a["href"] for a in doc.anchors if a["text"] == "Go to the first page"]
    assert first == ["/en/stories/?theme=youth"]


def test_pagination_walks_the_whole_list_once(app, browser, world, monkeypatch):
    from hub.public import routes

    monkeypatch.setattr(routes, "LIST_PER_PAGE", 3)
    seen, url, pages = [], "/en/stories/?theme=&region=", 0
    while url:
        doc, _ = get_doc(browser, url)
        seen += doc.cards()
        pages += 1
        nxt = [link for link in doc.anchors if link["attrs"].get("rel") == "next"]
        url = nxt[0]["href"] if nxt else None
        if url:
            assert parse_qs(urlsplit(url).query)["page"] == [str(pages + 1)]
    assert pages == 2
    assert sorted(seen) == sorted(
        path_of(world[n]) for n in ("cricket", "library", "tea", "poster")
    )
    doc, _ = get_doc(browser, "/en/stories/?page=2")
    assert [a for a in doc.anchors if a["attrs"].get("rel") == "prev"]
    assert "page=2" in doc.canonical


# --- drafts -----------------------------------------------------------------------------------


def test_drafts_appear_on_no_public_page(browser, world):
    draft = world["draft"]
    assert not draft.is_live
    for lang in ("en", "ur"):
        for url in [*public_pages(world, lang).values(), f"/{lang}/stories/?language=all"]:
            _doc, html = get_doc(browser, url)
            assert "Unfinished notes" not in html, url
            assert draft.slug not in html, url
    assert browser.get(story_url(draft)).status_code == 404
    assert browser.get(f"/en/s/{draft.story_id}").status_code == 404


# --- home, campaigns, organisations, about ----------------------------------------------------


def test_home_features_the_campaign_and_the_latest_stories(browser, world):
    doc, html = get_doc(browser, "/en/")
    assert "/en/campaigns/listening-week" in doc.hrefs() and "A listening week" in html
    assert path_of(world["poster"]) in doc.cards()
    assert path_of(world["urdu"]) not in doc.cards()  # four English stories: no top-up
    doc, html = get_doc(browser, "/ur/")
    assert "سننے کا ہفتہ" in html and "A listening week" not in html
    # Two Urdu texts: topped up with other stories, each in the best language of ur -> en.
    cards = doc.cards()
    assert cards[:2] == [path_of(world["urdu"]), path_of(world["cricket_ur"])]
    assert path_of(world["cricket"]) not in cards  # already shown in Urdu
    assert path_of(world["tea"]) in cards
    assert len(cards) == len(set(cards))


def test_home_theme_and_region_counts_match_the_lists_they_link_to(browser, world):
    doc, _ = get_doc(browser, "/en/")
    browse = [
        a
        for a in doc.anchors
        if any("tags" in (attrs.get("class") or "") for _t, attrs in a["ancestors"])
    ]
    assert browse
    for anchor in browse:
        count = int(re.search(r"(\d+)\s*$", anchor["text"].strip()).group(1))
        listed, _ = get_doc(browser, anchor["href"])
        assert len(listed.cards()) == count, anchor["href"]
    themes = {parse_qs(urlsplit(a["href"]).query).get("theme", [None])[0] for a in browse}
    assert {"youth", "community", "education", "interfaith"} <= themes
    assert "peace" not in themes  # only in Urdu


def test_home_in_a_language_without_stories_browses_all_languages(browser, world):
    doc, _ = get_doc(browser, "/sd/")
    assert doc.cards()  # topped up from Urdu and English
    links = [a["href"] for a in doc.anchors if "theme=" in (a["href"] or "")]
    assert links and all("language=all" in href for href in links)


def test_campaign_page_shows_materials_in_the_page_language(browser, world):
    doc, html = get_doc(browser, "/ur/campaigns/listening-week")
    assert "سننے کا ہفتہ" in html
    cards = doc.cards()
    assert path_of(world["cricket_ur"]) in cards and path_of(world["library"]) in cards
    assert path_of(world["cricket"]) not in cards
    assert all("unfinished" not in c for c in cards)
    assert browser.get("/en/campaigns/nothing-here").status_code == 404


def test_campaign_list_only_has_campaigns_with_published_material(browser, session, world):
    campaign_services.create_campaign(
        session, actor=world["editor"], slug="empty-campaign", lang="en", title="Nothing yet"
    )
    doc, _html = get_doc(browser, "/en/campaigns/")
    assert "/en/campaigns/listening-week" in doc.hrefs()
    assert "/en/campaigns/empty-campaign" not in doc.hrefs()


def test_organisations_list_only_active_ones_with_published_stories(
    browser, session, make_org, make_user, make_story, world
):
    quiet = make_org(slug="quiet-org", name="Quiet Org")
    make_story(make_user("contributor", org=quiet), state="draft")
    closed = make_org(slug="closed-org", name="Closed Org")
    make_story(make_user("contributor", org=closed), state="published")
    closed.is_active = False
    session.commit()
    doc, html = get_doc(browser, "/en/organisations/")
    assert "/en/organisations/amn-circle" in doc.hrefs()
    assert "Quiet Org" not in html and "Closed Org" not in html
    for slug in ("quiet-org", "closed-org", "no-such-org"):
        assert browser.get(f"/en/organisations/{slug}").status_code == 404
    doc, html = get_doc(browser, "/en/organisations/amn-circle")
    assert "Young people who meet to listen across divides." in html
    # One entry per story, in English where there is English (the Urdu original as it is).
    assert set(doc.cards()) == {
        path_of(world[n]) for n in ("cricket", "library", "tea", "poster", "urdu")
    }


def test_organisation_page_lists_each_story_once_in_the_page_language(browser, world):
    doc, _ = get_doc(browser, "/ur/organisations/amn-circle")
    cards = doc.cards()
    assert path_of(world["cricket_ur"]) in cards and path_of(world["cricket"]) not in cards
    assert path_of(world["urdu"]) in cards and path_of(world["tea"]) in cards
    assert len(cards) == 5


def test_about_page_without_any_text_still_answers(browser, world):
    doc, _html = get_doc(browser, "/ur/about")
    assert doc.root["lang"] == "ur"
    assert "/ur/organisations/amn-circle" in doc.hrefs()


def test_header_and_footer_link_the_public_sections(browser, world):
    doc, _ = get_doc(browser, "/ur/")
    for path in ("/ur/stories/", "/ur/campaigns/", "/ur/organisations/", "/ur/about"):
        assert path in doc.hrefs(), path
    footer = [a["href"] for a in doc.anchors if any(tag == "footer" for tag, _ in a["ancestors"])]
    assert "/ur/about" in footer
    # The menu folds on a phone without script: a <details> with a <summary>.
    menu = [(t, a) for t, a in doc.with_class("menu")]
    assert menu and menu[0][0] == "details"


# --- an image for link previews -----------------------------------------------------------------


def test_og_image_is_the_1200x630_rendition(app, session, browser, make_story, world):
    t = make_story(world["author"], state="approved", title="A mural for the whole street")
    store = app.extensions["hub.media"]
    asset = media_services.begin_upload(
        session, actor=world["author"], story=t.story, filename="mural.png"
    )
    buffer = io.BytesIO()
    Image.new("RGB", (800, 500), (40, 120, 90)).save(buffer, "PNG")
    buffer.seek(0)
    media_services.receive_upload(
        session,
        store,
        actor=world["author"],
        asset=asset,
        stream=buffer,
        limits=app.extensions["hub.media_limits"],
    )
    media_services.set_asset_text(
        session,
        actor=world["author"],
        asset=asset,
        lang="en",
        alt_text="A painted wall",
        caption="",
    )
    session.commit()
    _act(session, world["editor"], t, "publish")
    doc, _ = get_doc(browser, story_url(t))
    image = doc.one_meta("og:image")
    assert image == f"{SITE}/media/{asset.id}/social"
    assert doc.one_meta("og:image:width") == "1200"
    assert doc.one_meta("og:image:height") == "630"
    assert doc.one_meta("og:image:alt") == "A painted wall"
    assert doc.one_meta("twitter:card") == "summary_large_image"
    (article,) = doc.json_ld()
    assert article["image"]["url"] == image and article["image"]["width"] == 1200
    fetched = browser.get(urlsplit(image).path)
    assert fetched.status_code == 200
    assert Image.open(io.BytesIO(fetched.data)).size == (1200, 630)


# --- error pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/ur/stories/nope", "/ur/no/such/page", "/ur/organisations/x"])
def test_404_in_urdu_is_rtl_with_a_way_back(browser, world, url):
    doc, html = get_doc(browser, url, status=404)
    assert doc.root["lang"] == "ur" and doc.root["dir"] == "rtl"
    assert "صفحہ نہیں ملا" in html  # "Page not found" from the Urdu catalog
    assert "/ur/" in doc.hrefs()
    forms = [a for t, a, _ in doc.elements if t == "form" and a.get("action") == "/ur/search"]
    assert forms, "a search box"
    assert doc.one_meta("robots") == "noindex"
    assert not [a for a, _ in doc.scripts if a.get("src")]  # light: no script


def test_500_in_the_visitors_language_without_the_database(app, browser, world, monkeypatch):
    from hub import i18n, templating

    def broken():
        raise RuntimeError("the database went away")

    app.add_url_rule("/ur/explode-for-test", "explode_for_test", broken)
    app.add_url_rule("/explode-for-test", "explode_unprefixed_for_test", broken)

    class NoDatabase:
        """Who is signed in can only be read from the database, which is down."""

        def __getattr__(self, name):
            raise RuntimeError("no database")

    monkeypatch.setattr(templating, "acting_user", NoDatabase().__getattr__)
    monkeypatch.setattr(i18n, "current_user", NoDatabase())
    for url, headers in (
        ("/ur/explode-for-test", {}),
        ("/explode-for-test", {"Accept-Language": "ur-PK,ur;q=0.9"}),
    ):
        response = browser.get(url, headers=headers)
        assert response.status_code == 500, url
        html = response.get_data(as_text=True)
        doc = Doc(html)
        assert doc.root["lang"] == "ur" and doc.root["dir"] == "rtl", url
        assert "ہماری طرف کوئی خرابی پیش آ گئی" in html, url  # from the Urdu catalog
        assert "/ur/" in doc.hrefs(), url
        assert not [a for a, _ in doc.scripts if a.get("src")], url

"""Feeds and discovery: the Atom feeds (per language, per campaign), the sitemap with its
hreflang alternates and its index on large sites, robots.txt and the feed links in a page's
head. Each lists exactly what is published, and an anonymous story names nobody."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote
from xml.etree import ElementTree as ET

import pytest

from content import services
from content.services import campaigns as campaign_services
from content.services import translations as translation_services
from content.services.reviews import ActionInput
from content.services.stories import TextInput
from tests.support import workflow

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
HOST = "http://localhost"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")

NAMED_AUTHOR = "Writer Qadeer Nine"
ANON_AUTHOR = "Hidden Storyteller Zarmina"
ANON_TRANSLATOR = "Quiet Translator Sabeen"
NAMED_TRANSLATOR = "Credited Translator Yousuf"
ORG_AUTHOR = "Private Person Faryal"
URDU_BODY = "نوجوانوں نے امن اور رواداری کے لیے ایک لائبریری بنائی۔\n\nیہاں سب کو خوش آمدید ہے۔"


def url(t) -> str:
    return f"{HOST}/{t.lang}/stories/{quote(t.slug)}"


def fetch(app, path: str, status: int = 200):
    response = app.test_client().get(path)
    assert response.status_code == status, (path, response.status_code)
    return response


def parse(response) -> ET.Element:
    # The hub's own output: parsing it strictly is the test (raises if not well-formed).
    return ET.fromstring(response.get_data())  # noqa: S314


def entries(feed: ET.Element) -> list[ET.Element]:
    return feed.findall(f"{ATOM}entry")


def entry_url(entry: ET.Element) -> str:
    """The entry's own alternate link: the one in the entry's language."""
    lang = entry.get(XML_LANG)
    links = [
        link.get("href")
        for link in entry.findall(f"{ATOM}link")
        if link.get("rel") == "alternate" and link.get("hreflang") == lang
    ]
    assert len(links) == 1, links
    return links[0]


def publish_translation(session, make_user, source, lang, *, title, body, translator_name):
    """``source``'s story in ``lang``, through the real translation workflow."""
    return workflow.publish_translation(
        session,
        source,
        lang,
        translator=make_user("translator", languages=(lang,), name=translator_name),
        editor=make_user("editor", all_languages=True),
        title=title,
        summary="امن کی کہانی",
        body=body,
    )


def act(session, actor, t, action, **extra):
    services.apply_action(session, actor=actor, translation=t, request=ActionInput(action, **extra))


@dataclass
class Corpus:
    live: dict[str, set[str]] = field(default_factory=dict)  # lang -> URLs of live texts
    hidden_titles: list[str] = field(default_factory=list)
    named: object = None
    named_ur: object = None
    anonymous: object = None
    anonymous_ur: object = None
    by_org: object = None
    edited: object = None
    urdu_only: object = None
    pending_sd: object = None
    campaign: object = None
    draft_campaign: object = None
    campaign_en_only: object = None
    campaign_ur_only: object = None

    def add(self, *ts):
        for t in ts:
            self.live.setdefault(t.lang, set()).add(url(t))

    @property
    def every_live_url(self) -> set[str]:
        return set().union(*self.live.values())


@pytest.fixture
def corpus(session, make_user, make_story, make_org) -> Corpus:
    c = Corpus()
    editor = make_user("editor", all_languages=True)
    c.campaign = campaign_services.create_campaign(
        session, actor=editor, slug="peace-week", lang="en", title="Peace week"
    )
    campaign_services.set_campaign_text(
        session, actor=editor, campaign=c.campaign, lang="ur", title="ہفتۂ امن", description=""
    )
    c.draft_campaign = campaign_services.create_campaign(
        session, actor=editor, slug="not-yet", lang="en", title="Campaign in preparation"
    )

    # Never public: every state but published.
    for state in ("draft", "in_review", "changes_requested", "approved", "scheduled"):
        title = f"Hidden {state} about harmony"
        make_story(state=state, title=title, campaign_id=c.draft_campaign.id)
        c.hidden_titles.append(title)
    for state in ("unpublished", "archived"):
        title = f"Withdrawn {state} about harmony"
        make_story(state=state, title=title, campaign_id=c.campaign.id)
        c.hidden_titles.append(title)

    author = make_user("contributor", name=NAMED_AUTHOR)
    c.named = make_story(
        author,
        state="published",
        title="Youth dialogue circle",
        themes=["youth", "dialogue"],
        campaign_id=c.campaign.id,
    )
    c.named_ur = publish_translation(
        session,
        make_user,
        c.named,
        "ur",
        title="نوجوانوں کا مکالمہ",
        body=URDU_BODY,
        translator_name=NAMED_TRANSLATOR,
    )
    # Asked for in Sindhi, not written yet: in no feed and no sitemap.
    [c.pending_sd] = translation_services.request_translations(
        session, actor=editor, story=c.named.story, langs=["sd"]
    )

    anon_author = make_user("contributor", name=ANON_AUTHOR)
    c.anonymous = make_story(
        anon_author,
        state="published",
        title="A survivor speaks of forgiveness",
        byline_mode="anonymous",
        themes=["victims_voices"],
    )
    c.anonymous_ur = publish_translation(
        session,
        make_user,
        c.anonymous,
        "ur",
        title="معافی کی کہانی",
        body=URDU_BODY,
        translator_name=ANON_TRANSLATOR,
    )

    org = make_org(name="Harmony Youth Forum")
    c.by_org = make_story(
        make_user("contributor", name=ORG_AUTHOR, org=org),
        state="published",
        title="Community library opens",
        byline_mode="organisation",
        themes=["community"],
    )

    # Published, then edited: the public keeps the published text until the next publish.
    c.edited = make_story(state="published", title="Tolerance fair")
    services.save_revision(
        session,
        actor=editor,
        translation=c.edited,
        base_revision_id=c.edited.latest_revision_id,
        text=TextInput(title="Unreleased retitle", summary="Not yet", body="A draft on top."),
    )
    c.hidden_titles.append("Unreleased retitle")

    c.urdu_only = make_story(state="published", lang="ur", title="امن کی لائبریری", body=URDU_BODY)
    c.campaign_en_only = make_story(
        state="published", title="Peace week poster", campaign_id=c.campaign.id
    )
    c.campaign_ur_only = make_story(
        state="published",
        lang="ur",
        title="ہفتۂ امن کا گیت",
        body=URDU_BODY,
        campaign_id=c.campaign.id,
    )
    c.add(
        c.named,
        c.named_ur,
        c.anonymous,
        c.anonymous_ur,
        c.by_org,
        c.edited,
        c.urdu_only,
        c.campaign_en_only,
        c.campaign_ur_only,
    )
    return c


# --- the language feeds ---------------------------------------------------------------------


def test_language_feeds_are_atom_listing_exactly_the_published_translations(app, corpus):
    for lang in ("en", "ur"):
        response = fetch(app, f"/{lang}/feed.atom")
        assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
        body = response.get_data(as_text=True)
        feed = parse(response)
        urls = [entry_url(e) for e in entries(feed)]
        assert len(urls) == len(set(urls))
        assert set(urls) == corpus.live[lang], lang
        for title in corpus.hidden_titles:
            assert title not in body, (lang, title)
    # The live text of a published story with a draft on top.
    en = parse(fetch(app, "/en/feed.atom"))
    titles = {entry_url(e): e.findtext(f"{ATOM}title") for e in entries(en)}
    assert titles[url(corpus.edited)] == "Tolerance fair"

    # Atom's required elements, and what readers rely on.
    for lang in ("en", "ur"):
        feed = parse(fetch(app, f"/{lang}/feed.atom"))
        assert feed.tag == f"{ATOM}feed"
        assert feed.get(XML_LANG) == lang
        assert feed.findtext(f"{ATOM}id") == f"{HOST}/{lang}/feed.atom"
        assert feed.findtext(f"{ATOM}title")
        assert feed.findtext(f"{ATOM}author/{ATOM}name") == "Narratives Hub"
        self_links = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
        assert [link.get("href") for link in self_links] == [f"{HOST}/{lang}/feed.atom"]
        items = entries(feed)
        assert items
        assert feed.findtext(f"{ATOM}updated") == max(e.findtext(f"{ATOM}updated") for e in items)
        ids = [e.findtext(f"{ATOM}id") for e in items]
        assert len(set(ids)) == len(ids)
        updated = []
        for e in items:
            assert e.findtext(f"{ATOM}id").startswith("tag:localhost,")
            assert e.findtext(f"{ATOM}title")
            assert e.get(XML_LANG) == lang
            for name in ("updated", "published"):
                assert RFC3339.match(e.findtext(f"{ATOM}{name}")), name
            content = e.find(f"{ATOM}content")
            assert content.get("type") == "html" and "<p>" in content.text
            assert f'dir="{"rtl" if lang == "ur" else "ltr"}"' in content.text
            updated.append(datetime.fromisoformat(e.findtext(f"{ATOM}updated")))
        assert updated == sorted(updated, reverse=True)  # newest first


def test_feed_entries_carry_themes_other_languages_and_credits_per_byline_mode(app, corpus):
    en = {entry_url(e): e for e in entries(parse(fetch(app, "/en/feed.atom")))}
    ur = {entry_url(e): e for e in entries(parse(fetch(app, "/ur/feed.atom")))}

    named = en[url(corpus.named)]
    assert named.findtext(f"{ATOM}author/{ATOM}name") == NAMED_AUTHOR
    themes = {c.get("term"): c.get("label") for c in named.findall(f"{ATOM}category")}
    assert themes == {"youth": "Youth", "dialogue": "Dialogue"}
    alternates = {
        link.get("hreflang"): link.get("href")
        for link in named.findall(f"{ATOM}link")
        if link.get("rel") == "alternate"
    }
    # The pending Sindhi translation is not linked.
    assert alternates == {"en": url(corpus.named), "ur": url(corpus.named_ur)}

    named_ur = ur[url(corpus.named_ur)]
    assert named_ur.findtext(f"{ATOM}author/{ATOM}name") == NAMED_AUTHOR
    assert named_ur.findtext(f"{ATOM}contributor/{ATOM}name") == NAMED_TRANSLATOR
    # Labels in the feed's language.
    assert {c.get("label") for c in named_ur.findall(f"{ATOM}category")} == {"نوجوان", "مکالمہ"}

    by_org = en[url(corpus.by_org)]
    assert by_org.findtext(f"{ATOM}author/{ATOM}name") == "Harmony Youth Forum"
    body = fetch(app, "/en/feed.atom").get_data(as_text=True)
    assert ORG_AUTHOR not in body

    # Anonymous: nobody is named anywhere, author or translator.
    for path in (
        "/en/feed.atom",
        "/ur/feed.atom",
        f"/en/campaigns/{corpus.campaign.slug}/feed.atom",
        "/sitemap.xml",
    ):
        body = fetch(app, path).get_data(as_text=True)
        for name in (ANON_AUTHOR, ANON_TRANSLATOR, "Storyteller", "Sabeen"):
            assert name not in body, (path, name)
    for lang, t in (("en", corpus.anonymous), ("ur", corpus.anonymous_ur)):
        feed = parse(fetch(app, f"/{lang}/feed.atom"))
        entry = next(e for e in entries(feed) if entry_url(e) == url(t))
        assert entry.find(f"{ATOM}author") is None
        assert entry.find(f"{ATOM}contributor") is None
        # The feed's own author stands in for it, so the feed stays valid Atom.
        assert feed.findtext(f"{ATOM}author/{ATOM}name") == "Narratives Hub"


def test_feed_text_is_escaped_and_stays_well_formed(app, make_story):
    title = 'Peace & "dialogue" <together>'
    make_story(
        state="published",
        title=title,
        summary="Bells\x07 and tabs\tin <b>summary</b> & more",
        body="Neighbours met.\x01 They <script>alert(1)</script> talked & listened.",
    )
    body = fetch(app, "/en/feed.atom").get_data(as_text=True)
    feed = ET.fromstring(body)  # noqa: S314 - the hub's own output
    [entry] = entries(feed)
    assert entry.findtext(f"{ATOM}title") == title
    assert entry.findtext(f"{ATOM}summary") == "Bells and tabs\tin <b>summary</b> & more"
    content = entry.findtext(f"{ATOM}content")
    assert "<script" not in content  # the body was sanitised before it got here
    assert "<script" not in body and "\x01" not in body and "\x07" not in body


def test_feed_length_is_capped_newest_first(app, make_story):
    app.config["FEED_SIZE"] = 2
    _first, second, third = (make_story(state="published", title=f"Walk {n}") for n in range(3))
    feed = parse(fetch(app, "/en/feed.atom"))
    assert [entry_url(e) for e in entries(feed)] == [url(third), url(second)]


def test_an_empty_feed_is_still_valid(app):
    feed = parse(fetch(app, "/sd/feed.atom"))
    assert entries(feed) == []
    assert feed.get(XML_LANG) == "sd"
    assert feed.findtext(f"{ATOM}updated") == "1970-01-01T00:00:00Z"
    assert feed.findtext(f"{ATOM}id") and feed.findtext(f"{ATOM}title")
    fetch(app, "/xx/feed.atom", 404)


# --- the campaign feeds ---------------------------------------------------------------------


def test_campaign_feed_lists_each_live_story_once_in_the_best_language(app, corpus):
    slug = corpus.campaign.slug
    expected = {
        # Urdu readers get Urdu where it exists, else the original.
        "ur": {url(corpus.named_ur), url(corpus.campaign_en_only), url(corpus.campaign_ur_only)},
        # English has no fallback: a story only in Urdu is still listed, in Urdu.
        "en": {url(corpus.named), url(corpus.campaign_en_only), url(corpus.campaign_ur_only)},
    }
    for lang, urls in expected.items():
        response = fetch(app, f"/{lang}/campaigns/{slug}/feed.atom")
        assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
        feed = parse(response)
        assert feed.get(XML_LANG) == lang
        assert feed.findtext(f"{ATOM}id") == f"{HOST}/{lang}/campaigns/{slug}/feed.atom"
        title = feed.findtext(f"{ATOM}title")
        assert ("ہفتۂ امن" if lang == "ur" else "Peace week") in title
        got = [entry_url(e) for e in entries(feed)]
        assert sorted(got) == sorted(urls), lang
        langs = {entry_url(e): e.get(XML_LANG) for e in entries(feed)}
        assert langs[url(corpus.campaign_ur_only)] == "ur"
        body = response.get_data(as_text=True)
        assert "Withdrawn" not in body
    # A campaign with nothing published: a valid, empty feed.
    assert entries(parse(fetch(app, f"/en/campaigns/{corpus.draft_campaign.slug}/feed.atom"))) == []
    fetch(app, "/en/campaigns/no-such-campaign/feed.atom", 404)


# --- the sitemap ----------------------------------------------------------------------------


def is_story(loc: str) -> bool:
    return "/stories/" in loc and not loc.endswith("/stories/")


def sitemap_urls(root: ET.Element) -> dict[str, dict[str, str]]:
    """{loc: {hreflang: href}} of a <urlset>."""
    assert root.tag == f"{SM}urlset"
    found = {}
    for item in root.findall(f"{SM}url"):
        loc = item.findtext(f"{SM}loc")
        assert loc not in found, loc
        alternates = {}
        for link in item.findall(f"{XHTML}link"):
            assert link.get("rel") == "alternate"
            assert link.get("hreflang") not in alternates
            alternates[link.get("hreflang")] = link.get("href")
        found[loc] = alternates
        lastmod = item.findtext(f"{SM}lastmod")
        assert lastmod is None or RFC3339.match(lastmod), lastmod
    return found


def test_sitemap_lists_every_published_translation_with_its_alternates(app, corpus):
    response = fetch(app, "/sitemap.xml")
    assert response.headers["Content-Type"] == "application/xml; charset=utf-8"
    urls = sitemap_urls(parse(response))
    stories = {loc: alt for loc, alt in urls.items() if is_story(loc)}
    assert set(stories) == corpus.every_live_url
    body = response.get_data(as_text=True)
    for title in corpus.hidden_titles:
        assert title not in body

    en, ur = url(corpus.named), url(corpus.named_ur)
    both = {"en": en, "ur": ur, "x-default": en}  # the pending Sindhi text is not there
    assert stories[en] == both
    assert stories[ur] == both
    assert stories[url(corpus.urdu_only)] == {
        "ur": url(corpus.urdu_only),
        "x-default": url(corpus.urdu_only),
    }
    assert stories[url(corpus.by_org)]["en"] == url(corpus.by_org)

    # The home of every enabled language, all alternates of each other; x-default is the
    # root, which picks a language.
    enabled = app.extensions["hub.languages"]
    homes = {f"{HOST}/{code}/" for code in enabled}
    assert homes <= set(urls)
    tags = {"en": "en", "ur": "ur", "pa": "pa-Arab"}
    assert urls[f"{HOST}/ur/"]["x-default"] == f"{HOST}/"
    assert urls[f"{HOST}/ur/"][tags["pa"]] == f"{HOST}/pa/"
    assert urls[f"{HOST}/en/"]["ur"] == f"{HOST}/ur/"
    # Campaign pages: the campaign with published material, not the one in preparation.
    assert f"{HOST}/ur/campaigns/{corpus.campaign.slug}" in urls
    assert not any(corpus.draft_campaign.slug in loc for loc in urls)
    # The lists of every language.
    for path in ("stories/", "campaigns/", "organisations/"):
        assert {f"{HOST}/{code}/{path}" for code in enabled} <= set(urls), path
    # Organisations that sign published stories; not one whose only story is anonymous,
    # which would hint at who wrote it.
    signing = corpus.by_org.story.organisation.slug
    assert urls[f"{HOST}/ur/organisations/{signing}"]["en"] == f"{HOST}/en/organisations/{signing}"
    hidden = corpus.anonymous.story.organisation.slug
    assert not any(f"/organisations/{hidden}" in loc for loc in urls)
    # Every page listed is really there.
    pages = [loc for loc in urls if not is_story(loc)]
    for loc in pages[:: max(1, len(pages) // 25)]:
        fetch(app, loc.removeprefix(HOST))


def test_sitemap_lists_the_about_page_in_the_languages_it_is_written_in(app, session):
    from content.models import SitePage

    def about_urls():
        urls = sitemap_urls(parse(fetch(app, "/sitemap.xml")))
        return {loc: alt for loc, alt in urls.items() if loc.endswith("/about")}

    assert about_urls() == {}
    session.add(SitePage(slug="about", lang="ur", title="نیٹ ورک کا تعارف", body="", body_html=""))
    session.add(SitePage(slug="about", lang="en", title="About the network", body="", body_html=""))
    session.commit()
    both = {"en": f"{HOST}/en/about", "ur": f"{HOST}/ur/about", "x-default": f"{HOST}/en/about"}
    assert about_urls() == {f"{HOST}/en/about": both, f"{HOST}/ur/about": both}


def test_sitemap_leaves_out_languages_that_are_not_enabled(app_config, tmp_path, corpus):
    from hub import create_app
    from hub.extensions import db as hub_db

    only_en = create_app(
        {**app_config, "HUB_LANGUAGES": "en", "HUB_SEARCH_DIR": str(tmp_path / "search-en")}
    )
    try:
        urls = sitemap_urls(parse(fetch(only_en, "/sitemap.xml")))
        stories = {loc: alt for loc, alt in urls.items() if is_story(loc)}
        assert set(stories) == corpus.live["en"]
        assert stories[url(corpus.named)] == {
            "en": url(corpus.named),
            "x-default": url(corpus.named),
        }
        assert not any("/ur/" in loc for loc in urls)
    finally:
        only_en.extensions["hub.search"].wait(30)
        hub_db.dispose(only_en)


def test_large_sitemaps_are_split_behind_an_index(app, corpus):
    whole = sitemap_urls(parse(fetch(app, "/sitemap.xml")))
    assert {loc for loc in whole if is_story(loc)} == corpus.every_live_url
    fetch(app, "/sitemap-1.xml", 404)  # a small site has one sitemap
    # Page boundaries in the site pages, in the stories, and a last page of one URL.
    for size in (5, 7, len(whole) - 1):
        app.config["SITEMAP_PAGE_SIZE"] = size
        index = parse(fetch(app, "/sitemap.xml"))
        assert index.tag == f"{SM}sitemapindex"
        locs = [s.findtext(f"{SM}loc") for s in index.findall(f"{SM}sitemap")]
        pages = -(-len(whole) // size)
        assert pages >= 2
        assert locs == [f"{HOST}/sitemap-{n}.xml" for n in range(1, pages + 1)]
        seen: dict[str, dict[str, str]] = {}
        for loc in locs:
            part = sitemap_urls(parse(fetch(app, loc.removeprefix(HOST))))
            assert 0 < len(part) <= size
            assert not set(part) & set(seen)
            seen.update(part)
        assert seen == whole, size  # every URL once, with the same alternates
        fetch(app, f"/sitemap-{pages + 1}.xml", 404)
        fetch(app, "/sitemap-0.xml", 404)


# --- robots.txt and configured base URL -----------------------------------------------------


def test_robots_keeps_crawlers_out_of_private_areas_and_names_the_sitemap(app):
    response = fetch(app, "/robots.txt")
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    disallowed = {line.split(":", 1)[1].strip() for line in lines if line.startswith("Disallow:")}
    assert {"/editorial/", "/admin/", "/auth/", "/en/search", "/ur/search"} <= disallowed
    # Share links count a click and redirect away.
    assert "public.share" in app.view_functions
    assert {"/en/share/", "/ur/share/"} <= disallowed
    assert not any(d.startswith(("/api", "/media")) or d == "/" for d in disallowed)
    assert f"Sitemap: {HOST}/sitemap.xml" in lines
    # What robots.txt names is really private: the editorial area asks to sign in.
    assert app.test_client().get("/editorial/").status_code in (302, 401, 403)


def test_a_configured_base_url_makes_every_absolute_link(app, session, make_user, make_story):
    source = make_story(state="published", title="Interfaith iftar")
    publish_translation(
        session,
        make_user,
        source,
        "ur",
        title="بین المذاہب افطار",
        body=URDU_BODY,
        translator_name="Translator Eleven",
    )
    app.config["HUB_BASE_URL"] = "https://hub.example.org/"
    base = "https://hub.example.org"
    feed = parse(fetch(app, "/ur/feed.atom"))
    assert feed.findtext(f"{ATOM}id") == f"{base}/ur/feed.atom"
    [entry] = entries(feed)
    assert entry_url(entry).startswith(f"{base}/ur/stories/")
    assert entry.findtext(f"{ATOM}id").startswith("tag:hub.example.org,")
    urls = sitemap_urls(parse(fetch(app, "/sitemap.xml")))
    assert f"{base}/en/stories/interfaith-iftar" in urls
    assert all(loc.startswith(base + "/") for loc in urls)
    assert all(h.startswith(base + "/") for alt in urls.values() for h in alt.values())
    assert f"Sitemap: {base}/sitemap.xml" in fetch(app, "/robots.txt").get_data(as_text=True)


# --- feed links in the page head ------------------------------------------------------------

FEED_LINK = re.compile(
    r'<link rel="alternate" type="application/atom\+xml" title="([^"]+)" href="([^"]+)">'
)


def test_public_pages_advertise_their_feeds(app, corpus):
    slug = corpus.campaign.slug
    html = fetch(app, f"/ur/campaigns/{slug}").get_data(as_text=True)
    head = html.split("</head>", 1)[0]
    links = FEED_LINK.findall(head)
    assert [href for _title, href in links] == [
        f"{HOST}/ur/feed.atom",
        f"{HOST}/ur/campaigns/{slug}/feed.atom",
    ]
    assert "ہفتۂ امن" in links[1][0]
    for path in ("/en/", f"/en/stories/{quote(corpus.named.slug)}"):
        head = fetch(app, path).get_data(as_text=True).split("</head>", 1)[0]
        assert [href for _t, href in FEED_LINK.findall(head)] == [f"{HOST}/en/feed.atom"], path
    # Every feed a page names is served.
    for _title, href in links:
        assert parse(fetch(app, href.removeprefix(HOST))).tag == f"{ATOM}feed"


def test_pages_outside_the_public_site_advertise_no_feed(app):
    html = fetch(app, "/auth/login").get_data(as_text=True)
    assert "application/atom+xml" not in html

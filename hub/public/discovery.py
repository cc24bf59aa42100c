"""Feeds and discovery: Atom feeds per language and per campaign, the sitemap (with hreflang
alternates, split into an index on large sites), robots.txt, and the feed links every
public page carries in its head.

The XML is built with ElementTree, never with string templates: every text and attribute is
escaped by the serialiser, and characters XML cannot carry at all (control characters pasted
into a story) are dropped first, so a feed stays well-formed whatever the writers typed.
Only published text reaches it (live revisions of live translations in enabled languages);
an anonymous story's author and translator are never named.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

from flask import (
    Response,
    abort,
    current_app,
    has_request_context,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from content import languages
from content.models import BylineMode, Campaign, Translation
from content.services import discovery, queries
from hub import messages
from hub.extensions import db
from hub.i18n import current_language, enabled_languages
from hub.public.routes import bp
from hub.public.urls import absolute_url, external, tag_authority

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"
# An empty feed still needs an <updated>; a fixed one keeps its validators stable.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The sitemap protocol allows 50,000 URLs and 50 MB per file. Every URL here carries up to
# ten hreflang alternates, and a percent-encoded Urdu slug is six bytes per letter, so one
# entry can pass 3 KB: 10,000 entries keep a file near 30 MB at worst.
DEFAULT_SITEMAP_PAGE_SIZE = 10_000

# Characters XML 1.0 cannot contain at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: object) -> str:
    return _NOT_XML.sub("", str(value or ""))


def timestamp(at: datetime | None) -> str:
    """RFC 3339 (Atom) and W3C datetime (sitemaps), in UTC, to the second."""
    return (at or EPOCH).astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _sub(parent: ET.Element, tag: str, text: object = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _xml_response(root: ET.Element, mimetype: str) -> Response:
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    response = current_app.response_class(body)
    response.headers["Content-Type"] = mimetype
    return response


# --- Atom -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedInfo:
    """What the <feed> element says about itself."""

    id: str
    title: str
    self_url: str
    page_url: str
    lang: str
    subtitle: str = ""


def story_url(t: Translation) -> str:
    return url_for("public.story", lang=t.lang, slug=t.slug)


def entry_id(t: Translation) -> str:
    """A tag: URI (RFC 4151) naming the translation itself: it survives a change of scheme,
    of slug or of URL layout, which the story's URL would not."""
    minted = (t.first_published_at or t.published_at or EPOCH).date().isoformat()
    return f"tag:{tag_authority()},{minted}:translation:{t.id}"


def _author(parent: ET.Element, name: str) -> None:
    author = _sub(parent, "author")
    _sub(author, "name", name)


def _credits(entry: ET.Element, t: Translation) -> None:
    """Author and translator per the story's byline mode, as the story page credits them.

    Anonymous: no <author> (the feed's own, the network, stands for it) and no translator."""
    story = t.story
    if story.byline_mode == BylineMode.ANONYMOUS:
        return
    if story.byline_mode == BylineMode.NAMED:
        _author(entry, story.author.name)
    else:
        _author(entry, story.organisation.name)
    translator = queries.translator_of(t)
    if translator is None:
        return
    if story.byline_mode == BylineMode.NAMED:
        name = translator.name
    elif translator.organisation is not None:
        name = translator.organisation.name
    else:
        return
    contributor = _sub(entry, "contributor")
    _sub(contributor, "name", name)


def _entry(feed: ET.Element, t: Translation, siblings: dict[str, str]) -> None:
    rev = t.live_revision
    lang = languages.get(t.lang)
    entry = _sub(feed, "entry")
    entry.set(XML_LANG, lang.tag)
    _sub(entry, "id", entry_id(t))
    _sub(entry, "title", rev.title, type="text")
    _sub(entry, "published", timestamp(t.first_published_at or t.published_at))
    _sub(entry, "updated", timestamp(t.published_at))
    _sub(
        entry,
        "link",
        rel="alternate",
        type="text/html",
        hreflang=lang.tag,
        href=external(story_url(t)),
    )
    for code, slug in sorted(siblings.items()):
        if code != t.lang:
            href = external(url_for("public.story", lang=code, slug=slug))
            tag = languages.get(code).tag
            _sub(entry, "link", rel="alternate", type="text/html", hreflang=tag, href=href)
    _credits(entry, t)
    for theme in t.story.themes or ():
        _sub(entry, "category", term=theme, label=messages.label(messages.THEME_LABELS, theme))
    if rev.summary:
        _sub(entry, "summary", rev.summary, type="text")
    # The body is already sanitised HTML; wrapped so that readers lay it out in its own
    # direction (Atom has no attribute for that).
    html = f'<div lang="{lang.tag}" dir="{lang.direction}">{rev.body_html}</div>'
    _sub(entry, "content", html, type="html")


def atom_feed(info: FeedInfo, entries: list[Translation]) -> Response:
    feed = ET.Element("feed", {"xmlns": ATOM_NS})  # the default namespace, written as is
    feed.set(XML_LANG, languages.get(info.lang).tag)
    feed.set(XML_BASE, absolute_url("public.root"))
    _sub(feed, "id", info.id)
    _sub(feed, "title", info.title, type="text")
    if info.subtitle:
        _sub(feed, "subtitle", info.subtitle, type="text")
    _sub(feed, "updated", timestamp(max((t.published_at for t in entries), default=EPOCH)))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=info.self_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=info.page_url)
    # The network authors the feed: entries without an author (anonymous ones) inherit it.
    _author(feed, current_app.config["HUB_SITE_NAME"])
    _sub(feed, "generator", current_app.config["HUB_SITE_NAME"])
    siblings = discovery.live_siblings(
        db.session, (t.story_id for t in entries), enabled_languages()
    )
    for t in entries:
        _entry(feed, t, siblings.get(t.story_id, {}))
    return _xml_response(feed, ATOM_TYPE)


def feed_size() -> int:
    """Entries per feed: ``FEED_SIZE`` in the app config, 50 by default."""
    return max(1, int(current_app.config.get("FEED_SIZE") or discovery.FEED_SIZE))


def language_feed_title(lang: languages.Language) -> str:
    return _(
        "%(site)s: stories in %(language)s",
        site=current_app.config["HUB_SITE_NAME"],
        language=lang.native_name,
    )


def campaign_title(campaign: Campaign, lang: str) -> tuple[str, str]:
    """(title, description) of a campaign in ``lang`` or the nearest language it has."""
    text = campaign.text_in(languages.fallback_chain(lang, enabled_languages()))
    return (text.title, text.description) if text else (campaign.slug, "")


def campaign_feed_title(campaign: Campaign, lang: str) -> str:
    return _(
        "%(campaign)s · %(site)s",
        campaign=campaign_title(campaign, lang)[0],
        site=current_app.config["HUB_SITE_NAME"],
    )


@bp.get("/<lang>/feed.atom")
def feed(lang: str):
    self_url = absolute_url("public.feed", lang=lang)
    info = FeedInfo(
        id=self_url,
        title=language_feed_title(languages.get(lang)),
        self_url=self_url,
        page_url=absolute_url("public.home", lang=lang),
        lang=lang,
    )
    return atom_feed(info, discovery.latest_live(db.session, lang, limit=feed_size()))


@bp.get("/<lang>/campaigns/<slug>/feed.atom")
def campaign_feed(lang: str, slug: str):
    campaign = discovery.campaign_by_slug(db.session, slug)
    if campaign is None:
        abort(404)
    self_url = absolute_url("public.campaign_feed", lang=lang, slug=slug)
    info = FeedInfo(
        id=self_url,
        title=campaign_feed_title(campaign, lang),
        subtitle=campaign_title(campaign, lang)[1],
        self_url=self_url,
        page_url=absolute_url("public.campaign", lang=lang, slug=slug),
        lang=lang,
    )
    chain = languages.fallback_chain(lang, enabled_languages())
    entries = discovery.campaign_entries(
        db.session, campaign.id, chain, enabled_languages(), limit=feed_size()
    )
    return atom_feed(info, entries)


def feed_links(campaign: object = None) -> list[dict[str, str]]:
    """The feeds a public page advertises in its head: its language's, and its campaign's
    on a campaign page. Nothing on editorial pages."""
    if not has_request_context() or request.blueprint != "public":
        return []
    lang = current_language()
    links = [
        {
            "title": language_feed_title(lang),
            "href": absolute_url("public.feed", lang=lang.code),
        }
    ]
    # Only the campaign's own page: elsewhere (the home's featured campaign) it is a detail.
    if isinstance(campaign, Campaign) and request.endpoint == "public.campaign":
        links.append(
            {
                "title": campaign_feed_title(campaign, lang.code),
                "href": absolute_url("public.campaign_feed", lang=lang.code, slug=campaign.slug),
            }
        )
    return links


bp.add_app_template_global(feed_links, "feed_links")
bp.add_app_template_global(absolute_url, "absolute_url")


# --- the sitemap ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SitemapUrl:
    loc: str
    lastmod: datetime | None
    alternates: tuple[tuple[str, str], ...]  # (hreflang, absolute URL), x-default included


def page_size() -> int:
    return max(1, int(current_app.config.get("SITEMAP_PAGE_SIZE") or DEFAULT_SITEMAP_PAGE_SIZE))


def _has_endpoint(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


def _language_versions(
    endpoint: str, langs: Iterable[str], lastmod: dict[str, datetime | None], **values
) -> list[SitemapUrl]:
    """One URL per language of a page that exists in each, all alternates of each other;
    x-default is the default language's. A page whose route wants other arguments than
    these is left out rather than listed wrongly."""
    urls = {}
    try:
        for code in langs:
            urls[code] = external(url_for(endpoint, lang=code, **values))
    except BuildError:
        current_app.logger.warning("sitemap: cannot build %s with %s", endpoint, values)
        return []
    alternates = [(languages.get(code).tag, href) for code, href in urls.items()]
    default = current_app.config["HUB_DEFAULT_LANGUAGE"]
    if default in urls:
        alternates.append(("x-default", urls[default]))
    return [SitemapUrl(href, lastmod.get(code), tuple(alternates)) for code, href in urls.items()]


def site_urls() -> list[SitemapUrl]:
    """The pages that are not stories: homes, lists, campaigns, organisations, about, each
    listed when its route exists (so the sitemap follows the site as pages are added).
    Campaign and organisation pages are listed when they have published material, as their
    lists show them; the about page in the languages it is written in."""
    langs = enabled_languages()
    last = discovery.last_published_by_lang(db.session, langs)
    homes = _language_versions("public.home", langs, last)
    # The language-choosing root is the x-default of the home pages.
    root = absolute_url("public.root")
    found = [
        SitemapUrl(
            u.loc,
            u.lastmod,
            (*(a for a in u.alternates if a[0] != "x-default"), ("x-default", root)),
        )
        for u in homes
    ]
    campaigns = discovery.campaigns_with_live_stories(db.session, langs)
    organisations = discovery.organisations_with_live_stories(db.session, langs)
    for endpoint, rows in (
        ("public.stories", list(last.items())),
        ("public.campaigns", campaigns),
        ("public.organisations", organisations),
    ):
        if _has_endpoint(endpoint):
            newest = max((at for _key, at in rows), default=None)
            found += _language_versions(endpoint, langs, dict.fromkeys(langs, newest))
    if _has_endpoint("public.about"):
        written = discovery.site_page_langs(db.session, "about", langs)
        found += _language_versions("public.about", [c for c in langs if c in written], written)
    for endpoint, rows in (("public.campaign", campaigns), ("public.organisation", organisations)):
        if _has_endpoint(endpoint):
            for slug, at in rows:
                found += _language_versions(endpoint, langs, dict.fromkeys(langs, at), slug=slug)
    return found


def story_urls(offset: int, limit: int) -> list[SitemapUrl]:
    langs = enabled_languages()
    entries = discovery.sitemap_entries(db.session, langs, offset=offset, limit=limit)
    found = []
    cache: dict[tuple[str, str], str] = {}

    def href(lang: str, slug: str) -> str:
        if (lang, slug) not in cache:
            cache[(lang, slug)] = external(url_for("public.story", lang=lang, slug=slug))
        return cache[(lang, slug)]

    for entry in entries:
        alternates = [(languages.get(s.lang).tag, href(s.lang, s.slug)) for s in entry.siblings]
        source = entry.source
        if source is not None:
            alternates.append(("x-default", href(source.lang, source.slug)))
        row = entry.row
        found.append(SitemapUrl(href(row.lang, row.slug), row.published_at, tuple(alternates)))
    return found


def urlset(urls: list[SitemapUrl]) -> Response:
    # Namespaces written as plain attributes and a literal "xhtml:" prefix: the form search
    # engines document, which ElementTree would otherwise spell with generated prefixes.
    root = ET.Element("urlset", {"xmlns": SITEMAP_NS, "xmlns:xhtml": XHTML_NS})
    for item in urls:
        url = _sub(root, "url")
        _sub(url, "loc", item.loc)
        if item.lastmod is not None:
            _sub(url, "lastmod", timestamp(item.lastmod))
        for hreflang, href in item.alternates:
            _sub(url, "xhtml:link", rel="alternate", hreflang=hreflang, href=href)
    return _xml_response(root, XML_TYPE)


def _sitemap_slice(number: int, size: int, site: list[SitemapUrl]) -> list[SitemapUrl]:
    """Sitemap ``number`` (from 1): the site pages first, then the stories."""
    start, stop = (number - 1) * size, number * size
    head = site[start:stop]
    story_start = max(0, start - len(site))
    return head + story_urls(story_start, stop - max(start, len(site)))


@bp.get("/sitemap.xml")
def sitemap():
    size = page_size()
    site = site_urls()
    total = len(site) + discovery.count_live(db.session, enabled_languages())
    if total <= size:
        return urlset(_sitemap_slice(1, size, site))
    root = ET.Element("sitemapindex", {"xmlns": SITEMAP_NS})
    for number in range(1, -(-total // size) + 1):
        _sub(_sub(root, "sitemap"), "loc", absolute_url("public.sitemap_page", number=number))
    return _xml_response(root, XML_TYPE)


@bp.get("/sitemap-<int:number>.xml")
def sitemap_page(number: int):
    size = page_size()
    site = site_urls()
    total = len(site) + discovery.count_live(db.session, enabled_languages())
    if total <= size or not 1 <= number <= -(-total // size):
        abort(404)  # a small site has one sitemap, /sitemap.xml
    return urlset(_sitemap_slice(number, size, site))


# --- robots.txt -----------------------------------------------------------------------------

# The signed-in areas: nothing there is for a crawler (and every page asks to sign in).
PRIVATE_PREFIXES = ("/editorial/", "/admin/", "/auth/")


@bp.get("/robots.txt")
def robots():
    root = request.script_root
    lines = ["User-agent: *"]
    lines += [f"Disallow: {root}{prefix}" for prefix in PRIVATE_PREFIXES]
    for code in enabled_languages():
        # Search results are endless combinations of the same stories.
        lines.append(f"Disallow: {url_for('public.search_page', lang=code)}")
        if _has_endpoint("public.share"):
            # Share links redirect to the networks and count a click: not for crawlers.
            lines.append(f"Disallow: {url_for('public.home', lang=code)}share/")
    lines += [f"Allow: {root}/", "", f"Sitemap: {absolute_url('public.sitemap')}", ""]
    response = current_app.response_class("\n".join(lines))
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    return response


@bp.get("/favicon.ico")
def favicon():
    """Browsers and link-preview fetchers ask for /favicon.ico whatever the page links."""
    icon = Path(current_app.static_folder, "favicon.ico").read_bytes()  # 1 KB: no file handle
    response = current_app.response_class(icon, mimetype="image/vnd.microsoft.icon")
    response.cache_control.public = True
    response.cache_control.max_age = 7 * 24 * 3600
    return response

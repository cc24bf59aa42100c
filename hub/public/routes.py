"""The public site: published content only, the same for everybody, no session cookie.

Pages: the home of each language, the story list with its filters, stories, campaigns,
organisations, the "about" page admins write, and search. Each page gets its metadata
(``PageMeta``: canonical and hreflang links, Open Graph and Twitter tags, JSON-LD on stories)
from the view; ``templates/public/_meta.html`` writes it into the head.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import text

from content import languages, rendering
from content.models import REGIONS, SHARE_NETWORKS, THEMES, BylineMode, Kind
from content.services import public, queries, site_pages
from content.services.public import StoryFilters
from hub import messages
from hub.extensions import db
from hub.i18n import enabled_languages, negotiate
from hub.public.urls import external

bp = Blueprint("public", __name__)

HOME_LATEST = 6
# Fewer stories than this in the page's language, and the home tops up from other languages.
HOME_HANDFUL = 4
LIST_PER_PAGE = 12
RELATED_COUNT = 4
MAX_PAGE = 10_000
MAX_FILTER_CHARS = 80
DESCRIPTION_CHARS = 200
ALL_LANGUAGES = "all"

SHARE_LABELS = {
    "whatsapp": _l("WhatsApp"),
    "facebook": _l("Facebook"),
    "x": _l("X"),
    "telegram": _l("Telegram"),
    "email": _l("E-mail"),
}


@bp.url_value_preprocessor
def pull_lang(endpoint, values):
    if values is None or "lang" not in values:
        return
    if values["lang"] not in enabled_languages():
        abort(404)
    g.lang = values["lang"]


@bp.get("/")
def root():
    code = negotiate(
        request.accept_languages, enabled_languages(), current_app.config["HUB_DEFAULT_LANGUAGE"]
    )
    response = redirect(url_for("public.home", lang=code), code=302)
    response.headers["Vary"] = "Accept-Language"
    return response


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        current_app.logger.exception("health check: database unreachable")
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}


# --- metadata ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SocialImage:
    url: str
    width: int
    height: int
    mime: str
    alt: str


@dataclass
class PageMeta:
    """What the head of a public page says about it, for crawlers and link previews."""

    title: str
    canonical: str
    locale: str
    description: str = ""
    alternates: list[tuple[str, str]] = field(default_factory=list)  # (hreflang, URL)
    locale_alternates: list[str] = field(default_factory=list)
    og_type: str = "website"
    image: SocialImage | None = None
    published_at: datetime | None = None
    modified_at: datetime | None = None
    json_ld: dict | None = None
    noindex: bool = False


def og_locale(code: str) -> str:
    """Open Graph's language_TERRITORY for a registry code ("ur" -> "ur_PK")."""
    lang = languages.get(code)
    territory = lang.format_locale.split("_")[-1]
    if not (len(territory) == 2 and territory.isupper()):
        territory = "PK"  # every language of the hub is a language of Pakistan
    return f"{code}_{territory}"


def _chain(lang: str) -> tuple[str, ...]:
    return languages.fallback_chain(lang, enabled_languages())


def _describe(value: str) -> str:
    return rendering.excerpt(value, DESCRIPTION_CHARS) if value and value.strip() else ""


def _site_meta(
    title: str,
    endpoint: str,
    lang: str,
    *,
    description: str = "",
    x_default: str | None = None,
    noindex: bool = False,
    **values,
) -> PageMeta:
    """Metadata of a page that exists in every enabled language (the interface is
    translated; the content falls back). Also points the language switcher at the same page
    with the same query."""
    paths = {code: url_for(endpoint, lang=code, **values) for code in enabled_languages()}
    g.alternate_urls = paths
    alternates = [(languages.get(code).tag, external(path)) for code, path in paths.items()]
    default = current_app.config["HUB_DEFAULT_LANGUAGE"]
    alternates.append(("x-default", x_default or external(paths.get(default, paths[lang]))))
    return PageMeta(
        title=title,
        description=description or _site_description(),
        canonical=external(paths[lang]),
        alternates=alternates,
        locale=og_locale(lang),
        locale_alternates=[og_locale(code) for code in paths if code != lang],
        noindex=noindex,
    )


def _site_description() -> str:
    return _(
        "Stories and campaign materials from organisations across Pakistan working for "
        "tolerance, dialogue and social cohesion."
    )


def _language_name(code: str) -> str:
    return languages.get(code).native_name


# --- home -------------------------------------------------------------------------------------


@bp.get("/<lang>/")
def home(lang: str):
    chain = _chain(lang)
    campaign = public.featured_campaign(db.session)
    counts = public.theme_and_region_counts(db.session, lang)
    browse_language = None  # the list's default: the page's language
    if not counts.themes and not counts.regions:
        counts = public.theme_and_region_counts(db.session, None)
        browse_language = ALL_LANGUAGES
    return render_template(
        "public/home.html",
        latest=public.latest_for_home(db.session, chain, limit=HOME_LATEST, handful=HOME_HANDFUL),
        campaign=campaign,
        campaign_text=campaign.text_in(chain) if campaign else None,
        counts=counts,
        browse_language=browse_language,
        meta=_site_meta(
            _("Stories of peace and dialogue"),
            "public.home",
            lang,
            x_default=external(url_for("public.root")),
        ),
    )


# --- the story list ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ListRequest:
    """The story list's query, read from the URL: the filters to apply, those that name
    nothing (the list is then empty and says why), and the language choice."""

    filters: StoryFilters
    language: str  # a code, or ALL_LANGUAGES
    invalid: dict[str, str]  # parameter -> the value that names nothing
    page: int


FILTER_PARAMS = ("theme", "region", "kind", "campaign", "organisation")


def _read_list_request(lang: str) -> ListRequest:
    raw = {
        name: (request.args.get(name) or "").strip()[:MAX_FILTER_CHARS]
        for name in (*FILTER_PARAMS, "language")
    }
    invalid: dict[str, str] = {}
    valid: dict[str, str] = {}
    checks = {
        "theme": lambda v: v in THEMES,
        "region": lambda v: v in REGIONS,
        "kind": lambda v: v in {k.value for k in Kind},
        "campaign": lambda v: public.campaign_by_slug(db.session, v) is not None,
        "organisation": lambda v: public.public_organisation(db.session, v) is not None,
    }
    for name in FILTER_PARAMS:
        value = raw[name]
        if not value:
            continue
        if checks[name](value):
            valid[name] = value
        else:
            invalid[name] = value
    language = raw["language"] or lang
    if language != ALL_LANGUAGES and language not in enabled_languages():
        invalid["language"] = language
        language = lang
    page = request.args.get("page", 1, type=int) or 1
    return ListRequest(
        filters=StoryFilters(lang=None if language == ALL_LANGUAGES else language, **valid),
        language=language,
        invalid=invalid,
        page=max(1, min(page, MAX_PAGE)),
    )


def _list_query(lang: str, req: ListRequest, **changes) -> dict[str, str]:
    """The query string of the story list for ``req`` with ``changes`` (None removes)."""
    args = {name: value for name, value in req.filters.active().items() if name != "lang"}
    args.update((name, value) for name, value in req.invalid.items() if name != "language")
    # The page's own language is the default and stays out of the address.
    language = req.invalid.get("language") or (req.language if req.language != lang else None)
    if language:
        args["language"] = language
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return args


FILTER_LABELS = {
    "theme": _l("Theme"),
    "region": _l("Region"),
    "kind": _l("Kind"),
    "campaign": _l("Campaign"),
    "organisation": _l("Organisation"),
    "language": _l("Language"),
}

INVALID_FILTER_MESSAGES = {
    "theme": _l("There is no theme “%(value)s”."),
    "region": _l("There is no region “%(value)s”."),
    "kind": _l("There is no kind of material “%(value)s”."),
    "campaign": _l("There is no campaign “%(value)s”."),
    "organisation": _l("There is no organisation “%(value)s” with published stories."),
    "language": _l("There is no language “%(value)s” on this site."),
}


@bp.get("/<lang>/stories/")
def stories(lang: str):
    req = _read_list_request(lang)
    if req.invalid:
        page = queries.Page(items=[], page=1, per_page=LIST_PER_PAGE, total=0)
    else:
        page = public.list_published(db.session, req.filters, page=req.page, per_page=LIST_PER_PAGE)
    chain = _chain(lang)
    query = _list_query(lang, req)
    meta = _site_meta(
        _("Stories"),
        "public.stories",
        lang,
        noindex=bool(req.invalid) or not page.items,
        **query,
        **({"page": page.page} if page.page > 1 else {}),
    )
    return render_template(
        "public/stories.html",
        page=page,
        req=req,
        selects=_filter_selects(lang, req, chain),
        chips=_filter_chips(lang, req, chain),
        problems=[
            str(INVALID_FILTER_MESSAGES[name]) % {"value": value}
            for name, value in req.invalid.items()
        ],
        all_languages_url=url_for(
            "public.stories", lang=lang, **_list_query(lang, req, language=ALL_LANGUAGES)
        ),
        first_page_url=url_for("public.stories", lang=lang, **query),
        meta=meta,
    )


@dataclass(frozen=True)
class FilterSelect:
    name: str
    label: str
    options: list[tuple[str, str]]  # (value, label)
    selected: str


def _filter_selects(lang: str, req: ListRequest, chain) -> list[FilterSelect]:
    active = req.filters.active()
    any_option = ("", _("Any"))
    options = {
        "theme": [(t, messages.label(messages.THEME_LABELS, t)) for t in THEMES],
        "region": [(r, messages.label(messages.REGION_LABELS, r)) for r in REGIONS],
        "kind": [(k.value, messages.label(messages.KIND_LABELS, k)) for k in Kind],
        "campaign": [
            (c.slug, text_.title if (text_ := c.text_in(chain)) else c.slug)
            for c, _n in public.campaigns_with_material(db.session)
        ],
        "organisation": [
            (o.slug, o.name) for o, _n in public.organisations_with_content(db.session)
        ],
    }
    selects = [
        FilterSelect(
            name, str(FILTER_LABELS[name]), [any_option, *options[name]], active.get(name, "")
        )
        for name in FILTER_PARAMS
    ]
    languages_ = [(code, _language_name(code)) for code in enabled_languages()]
    selects.append(
        FilterSelect(
            "language",
            str(FILTER_LABELS["language"]),
            [(ALL_LANGUAGES, _("All languages")), *languages_],
            req.language,
        )
    )
    return selects


@dataclass(frozen=True)
class FilterChip:
    name: str  # what is filtered on ("Theme")
    value: str  # its value, as a reader says it ("Youth")
    remove_url: str
    is_invalid: bool = False


def _filter_chips(lang: str, req: ListRequest, chain) -> list[FilterChip]:
    chips = []
    active = {k: v for k, v in req.filters.active().items() if k != "lang"}
    for name in (*FILTER_PARAMS, "language"):
        if name in req.invalid:
            value, invalid = req.invalid[name], True
        elif name in active:
            value, invalid = _filter_value_label(name, active[name], chain), False
        elif name == "language" and req.language != lang:
            value = (
                _("All languages")
                if req.language == ALL_LANGUAGES
                else _language_name(req.language)
            )
            invalid = False
        else:
            continue
        remove = url_for("public.stories", lang=lang, **_list_query(lang, req, **{name: None}))
        chips.append(FilterChip(str(FILTER_LABELS[name]), value, remove, invalid))
    return chips


def _filter_value_label(name: str, value: str, chain) -> str:
    if name == "theme":
        return messages.label(messages.THEME_LABELS, value)
    if name == "region":
        return messages.label(messages.REGION_LABELS, value)
    if name == "kind":
        return messages.label(messages.KIND_LABELS, value)
    if name == "campaign":
        campaign = public.campaign_by_slug(db.session, value)
        text_ = campaign.text_in(chain) if campaign else None
        return text_.title if text_ else value
    if name == "organisation":
        org = public.public_organisation(db.session, value)
        return org.name if org else value
    return value


# --- a story ----------------------------------------------------------------------------------


@bp.get("/<lang>/stories/<slug>")
def story(lang: str, slug: str):
    t = queries.published_by_slug(db.session, lang, slug)
    if t is None or t.live_revision is None:
        abort(404)
    return _render_story(t, page_lang=lang)


@bp.get("/<lang>/s/<int:story_id>")
def story_by_id(lang: str, story_id: int):
    """A story in the page's language, or in the first language of its chain that has it."""
    live = {t.lang: t for t in queries.live_translations_of(db.session, story_id)}
    if not live:
        abort(404)
    if lang in live:
        return redirect(url_for("public.story", lang=lang, slug=live[lang].slug), code=302)
    for code in _chain(lang):
        if code in live:
            return _render_story(live[code], page_lang=lang)
    return _render_story(next(iter(live.values())), page_lang=lang)


def _render_story(t, *, page_lang: str):
    story = t.story
    rev = t.live_revision
    translations = queries.live_translations_of(db.session, t.story_id)
    others = [o for o in translations if o.id != t.id]
    by_lang = {o.lang: o for o in translations}
    g.alternate_urls = {
        code: (
            url_for("public.story", lang=code, slug=by_lang[code].slug)
            if code in by_lang
            else url_for("public.story_by_id", lang=code, story_id=t.story_id)
        )
        for code in enabled_languages()
    }
    translator = queries.translator_of(t)
    image = _social_image(story, t.lang)
    meta = _story_meta(t, rev, translations, translator, image)
    related = public.related_stories(db.session, story, _chain(page_lang), limit=RELATED_COUNT)
    return render_template(
        "public/story.html",
        t=t,
        rev=rev,
        story=story,
        others=others,
        translations=translations,
        content_lang=languages.get(t.lang),
        is_fallback=t.lang != page_lang,
        translator=translator,
        media=[a for a in story.assets if a.status == "ready"],
        media_url=media_url,
        image_sources=image_sources,
        related=related,
        organisation_url=_organisation_url(story.organisation, page_lang),
        share_networks=[(n, SHARE_LABELS[n]) for n in SHARE_NETWORKS],
        share_url=meta.canonical,
        meta=meta,
    )


def _organisation_url(org, lang: str) -> str | None:
    """The public page of ``org``, when it has one."""
    if org is None or not org.is_active:
        return None
    if public.public_organisation(db.session, org.slug) is None:
        return None
    return url_for("public.organisation", lang=lang, slug=org.slug)


def _story_meta(t, rev, translations, translator, image: SocialImage | None) -> PageMeta:
    url = external(url_for("public.story", lang=t.lang, slug=t.slug))
    alternates = [
        (languages.get(o.lang).tag, external(url_for("public.story", lang=o.lang, slug=o.slug)))
        for o in translations
    ]
    original = next((o for o in translations if o.is_source), None) or t
    alternates.append(
        ("x-default", external(url_for("public.story", lang=original.lang, slug=original.slug)))
    )
    summary = (rev.summary or "").strip()
    description = _describe(summary or rendering.html_to_text(rev.body_html or ""))
    return PageMeta(
        title=rev.title,
        description=description,
        canonical=url,
        alternates=alternates,
        locale=og_locale(t.lang),
        locale_alternates=[og_locale(o.lang) for o in translations if o.id != t.id],
        og_type="article",
        image=image,
        published_at=t.first_published_at or t.published_at,
        modified_at=t.published_at,
        json_ld=_article_ld(t, rev, url, description, translator, image),
    )


def _article_ld(t, rev, url: str, description: str, translator, image) -> dict:
    """schema.org Article. The byline mode decides the author: a person, the organisation,
    or (anonymous) nobody: the network publishes it, and no name appears."""
    story = t.story
    site = current_app.config["HUB_SITE_NAME"]
    publisher = {"@type": "Organization", "name": site, "url": external(url_for("public.root"))}
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": rev.title[:110],
        "inLanguage": languages.get(t.lang).tag,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": (t.first_published_at or t.published_at).isoformat(),
        "dateModified": t.published_at.isoformat(),
        "publisher": publisher,
    }
    if description:
        data["description"] = description
    if image is not None:
        data["image"] = {
            "@type": "ImageObject",
            "url": image.url,
            "width": image.width,
            "height": image.height,
        }
    org = {"@type": "Organization", "name": story.organisation.name}
    if story.byline_mode == BylineMode.NAMED:
        data["author"] = {"@type": "Person", "name": story.author.name}
        if translator is not None:
            data["translator"] = {"@type": "Person", "name": translator.name}
    elif story.byline_mode == BylineMode.ORGANISATION:
        data["author"] = org
        if translator is not None and translator.organisation is not None:
            data["translator"] = {"@type": "Organization", "name": translator.organisation.name}
    else:
        data["author"] = publisher
    return data


def _social_image(story, lang: str) -> SocialImage | None:
    """The 1200x630 rendition of the story's first finished image, for link previews."""
    for asset in story.assets:
        if asset.status != "ready" or asset.kind != "image":
            continue
        info = (asset.renditions or {}).get("social")
        if not info:
            continue
        alt = asset.text(lang) or next((x for x in asset.texts if x.alt_text), None)
        return SocialImage(
            url=external(media_url(asset, "social")),
            width=int(info.get("width") or 1200),
            height=int(info.get("height") or 630),
            mime=info.get("mime") or "image/jpeg",
            alt=alt.alt_text if alt else "",
        )
    return None


def image_sources(asset) -> list[tuple[str, int]]:
    """The WebP widths of an image, narrowest first, for srcset."""
    widths = sorted(
        (info["width"], name)
        for name, info in (asset.renditions or {}).items()
        if name[1:].isdigit()
    )
    return [(media_url(asset, name), width) for width, name in widths]


def media_url(asset, rendition: str) -> str:
    """Where the public fetches a published asset: the CDN when one is configured."""
    path = url_for("media.serve", asset_id=asset.id, rendition=rendition)
    base = current_app.config.get("MEDIA_PUBLIC_BASE_URL")
    if base and current_app.config.get("MEDIA_BACKEND") != "s3":
        return base.rstrip("/") + path  # a CDN in front of the hub's own /media/ path
    return path


# --- search -----------------------------------------------------------------------------------

MAX_QUERY_CHARS = 300
# URL parameter of each facet ("lang" is taken by the page's language in the path).
FACET_PARAMS = {
    "lang": "language",
    "themes": "theme",
    "region": "region",
    "kind": "kind",
    "campaign": "campaign",
    "organisation": "organisation",
}
SEARCH_PARAMS = {"q", "sort", "page", *FACET_PARAMS.values()}


@bp.get("/<lang>/search")
def search_page(lang: str):
    from search import FACETS, SORTS, SearchRequest, search

    indexer = current_app.extensions["hub.search"]
    q = (request.args.get("q") or "").strip()[:MAX_QUERY_CHARS]
    sort = request.args.get("sort") if request.args.get("sort") in SORTS else "relevance"
    filters = {
        name: request.args.get(FACET_PARAMS[name], "")[:80]
        for name in FACETS
        if request.args.get(FACET_PARAMS[name])
    }
    if filters.get("lang") and filters["lang"] not in enabled_languages():
        filters.pop("lang")
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 500))
    results = None
    if q and not indexer.is_rebuilding:
        results = search(
            indexer.index,
            SearchRequest(
                q=q,
                page=page,
                per_page=10,
                langs=enabled_languages(),
                prefer_lang=lang,
                filters=filters,
                sort=sort,
            ),
        )

    def link(**changes) -> str:
        """This search with some parameters changed (None removes one)."""
        args = {k: v for k, v in request.args.items() if k in SEARCH_PARAMS}
        for key, value in changes.items():
            key = FACET_PARAMS.get(key, key)
            if value is None:
                args.pop(key, None)
            else:
                args[key] = value
        return url_for("public.search_page", lang=lang, **args)

    return render_template(
        "public/search.html",
        link=link,
        facet_params=FACET_PARAMS,
        q=q,
        sort=sort,
        filters=filters,
        results=results,
        rebuilding=indexer.is_rebuilding,
        facet_label=_facet_value_label,
    )


def _facet_value_label(facet: str, value: str) -> str:
    """A search facet's value as readers see it: the same labels as the story list's filters."""
    if facet == "lang":
        return _language_name(value) if languages.is_known(value) else value
    name = "theme" if facet == "themes" else facet
    return _filter_value_label(name, value, _chain(g.lang))


# --- campaigns --------------------------------------------------------------------------------


@bp.get("/<lang>/campaigns/")
def campaigns(lang: str):
    chain = _chain(lang)
    found = [(c, c.text_in(chain), n) for c, n in public.campaigns_with_material(db.session)]
    return render_template(
        "public/campaigns.html",
        campaigns=found,
        meta=_site_meta(_("Campaigns"), "public.campaigns", lang),
    )


@bp.get("/<lang>/campaigns/<slug>")
def campaign(lang: str, slug: str):
    item = public.campaign_by_slug(db.session, slug)
    if item is None:
        abort(404)
    chain = _chain(lang)
    text_ = item.text_in(chain)
    materials = []
    for story_, shown in public.campaign_materials(db.session, item, chain):
        files = [a for a in story_.assets if a.status == "ready"]
        materials.append((story_, shown, files))
    all_files = [a for _s, _t, files in materials for a in files]
    title = text_.title if text_ else item.slug
    return render_template(
        "public/campaign.html",
        campaign=item,
        text=text_,
        is_fallback=text_ is not None and text_.lang != lang,
        materials=materials,
        media_url=media_url,
        has_files=bool(all_files),
        kit_size=sum(a.size or 0 for a in all_files),
        organisation=_campaign_organisation(item.organisation_id, lang),
        meta=_site_meta(
            title,
            "public.campaign",
            lang,
            description=_describe(text_.description if text_ else ""),
            slug=item.slug,
        ),
    )


def _campaign_organisation(org_id: int | None, lang: str):
    """(organisation, URL of its public page or None) of a campaign, or None."""
    from content.models import Organisation

    org = db.session.get(Organisation, org_id) if org_id is not None else None
    if org is None or not org.is_active:
        return None
    return (org, _organisation_url(org, lang))


@bp.get("/<lang>/campaigns/<slug>/kit.zip")
def campaign_kit(lang: str, slug: str):
    """Every published file of the campaign's materials in one zip, streamed as it is built."""
    from hub.media.kit import kit_entries, stream_zip

    item = public.campaign_by_slug(db.session, slug)
    if item is None:
        abort(404)
    stories_ = queries.live_stories_of_campaign(db.session, item.id)
    entries = kit_entries(stories_)
    if not entries:
        abort(404)
    store = current_app.extensions["hub.media"]
    response = current_app.response_class(
        stream_with_context(stream_zip(store, entries)), mimetype="application/zip"
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{item.slug}-kit.zip"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- organisations ----------------------------------------------------------------------------


@bp.get("/<lang>/organisations/")
def organisations(lang: str):
    return render_template(
        "public/organisations.html",
        organisations=public.organisations_with_content(db.session),
        meta=_site_meta(_("Organisations"), "public.organisations", lang),
    )


@bp.get("/<lang>/organisations/<slug>")
def organisation(lang: str, slug: str):
    org = public.public_organisation(db.session, slug)
    if org is None:
        abort(404)
    number = max(1, min(request.args.get("page", 1, type=int) or 1, MAX_PAGE))
    page = public.stories_of_organisation(
        db.session, org, _chain(lang), page=number, per_page=LIST_PER_PAGE
    )
    return render_template(
        "public/organisation.html",
        org=org,
        page=page,
        meta=_site_meta(
            org.name,
            "public.organisation",
            lang,
            description=_describe(org.description),
            noindex=not page.items,
            slug=org.slug,
            **({"page": page.page} if page.page > 1 else {}),
        ),
    )


# --- about ------------------------------------------------------------------------------------


@bp.get("/<lang>/about")
def about(lang: str):
    shown, texts = site_pages.text_for_reader(db.session, "about", _chain(lang))
    title = shown.title if shown else _("About the network")
    meta = _site_meta(
        title,
        "public.about",
        lang,
        description=_describe(rendering.html_to_text(shown.body_html)) if shown else "",
    )
    if texts:
        # Only the languages the page is written in are alternates; a page showing another
        # language's text names that text's own address as canonical.
        meta.alternates = [
            (languages.get(code).tag, external(url_for("public.about", lang=code)))
            for code in enabled_languages()
            if code in texts
        ]
        default = current_app.config["HUB_DEFAULT_LANGUAGE"]
        fallback_code = default if default in texts else shown.lang
        meta.alternates.append(("x-default", external(url_for("public.about", lang=fallback_code))))
        meta.canonical = external(url_for("public.about", lang=shown.lang))
        meta.locale = og_locale(shown.lang)
        meta.locale_alternates = [og_locale(code) for code in texts if code != shown.lang]
    return render_template(
        "public/about.html",
        page=shown,
        is_fallback=shown is not None and shown.lang != lang,
        organisations=public.organisations_with_content(db.session),
        meta=meta,
    )

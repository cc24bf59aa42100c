"""The public site: published content only, the same for everybody, no session cookie."""

from __future__ import annotations

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
from sqlalchemy import text

from content import languages
from content.services import queries
from hub.extensions import db
from hub.i18n import enabled_languages, negotiate

bp = Blueprint("public", __name__)


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


@bp.get("/<lang>/")
def home(lang: str):
    page = queries.latest_published(db.session, lang, page=request.args.get("page", 1, type=int))
    return render_template("public/home.html", page=page)


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
    for code in languages.fallback_chain(lang, enabled_languages()):
        if code in live:
            return _render_story(live[code], page_lang=lang)
    return _render_story(next(iter(live.values())), page_lang=lang)


def _render_story(t, *, page_lang: str):
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
    return render_template(
        "public/story.html",
        t=t,
        rev=t.live_revision,
        story=t.story,
        others=others,
        translations=translations,
        content_lang=languages.get(t.lang),
        is_fallback=t.lang != page_lang,
        translator=queries.translator_of(t),
        media=[a for a in t.story.assets if a.status == "ready"],
        media_url=media_url,
        image_sources=image_sources,
    )


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
    from content.models import Campaign, Organisation
    from hub import messages
    from hub.i18n import current_language

    if facet == "lang" and languages.is_known(value):
        return languages.get(value).native_name
    if facet == "themes":
        return messages.label(messages.THEME_LABELS, value)
    if facet == "region":
        return messages.label(messages.REGION_LABELS, value)
    if facet == "kind":
        return messages.label(messages.KIND_LABELS, value)
    if facet == "organisation":
        org = db.session.query(Organisation).filter_by(slug=value).first()
        return org.name if org else value
    if facet == "campaign":
        campaign = db.session.query(Campaign).filter_by(slug=value).first()
        text = (
            campaign.text_in(languages.fallback_chain(current_language().code))
            if campaign
            else None
        )
        return text.title if text else value
    return value


@bp.get("/<lang>/campaigns/<slug>")
def campaign(lang: str, slug: str):
    from content.models import Campaign

    item = db.session.query(Campaign).filter_by(slug=slug).first()
    if item is None:
        abort(404)
    stories = queries.live_stories_of_campaign(db.session, item.id)
    chain = languages.fallback_chain(lang, enabled_languages())
    materials = []
    for story in stories:
        live = {t.lang: t for t in story.translations if t.is_live}
        shown = next((live[c] for c in chain if c in live), next(iter(live.values())))
        files = [a for a in story.assets if a.status == "ready"]
        materials.append((story, shown, files))
    return render_template(
        "public/campaign.html",
        campaign=item,
        text=item.text_in(chain),
        materials=materials,
        media_url=media_url,
        has_files=any(files for _s, _t, files in materials),
    )


@bp.get("/<lang>/campaigns/<slug>/kit.zip")
def campaign_kit(lang: str, slug: str):
    """Every published file of the campaign's materials in one zip, streamed as it is built."""
    from content.models import Campaign
    from hub.media.kit import kit_entries, stream_zip

    item = db.session.query(Campaign).filter_by(slug=slug).first()
    if item is None:
        abort(404)
    stories = queries.live_stories_of_campaign(db.session, item.id)
    entries = kit_entries(stories)
    if not entries:
        abort(404)
    store = current_app.extensions["hub.media"]
    response = current_app.response_class(
        stream_with_context(stream_zip(store, entries)), mimetype="application/zip"
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{item.slug}-kit.zip"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

"""The read API, ``/api/v1/``: published stories, campaigns, search and languages as JSON.

Read only and the same for everybody: no session, no cookie, no CSRF (nothing here changes
anything), CORS open to any origin for GET and HEAD. Views check their query parameters
(`hub.api.params`), call one query of `content.services.api_queries` (or the search package)
and shape the answer with `hub.api.representations`; `hub.api.openapi` describes all of it.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, request, url_for
from werkzeug.exceptions import HTTPException

from content.models import REGIONS, THEMES, Kind
from content.services import api_queries
from content.services.public import StoryFilters
from hub.api import errors, openapi, params
from hub.api import representations as rep
from hub.api.errors import ALLOW, json_response
from hub.extensions import csrf, db
from hub.i18n import enabled_languages, negotiate
from search import SORTS, SearchIndexError, SearchRequest
from search import search as run_search

bp = Blueprint("api", __name__)
csrf.exempt(bp)
errors.register(bp)

KINDS = frozenset(k.value for k in Kind)
PREFLIGHT_MAX_AGE = 24 * 3600
# What a browser may send with a cross-origin GET: language and conditional requests.
ALLOWED_HEADERS = "Accept, Accept-Language, Content-Language, If-None-Match, If-Modified-Since"
EXPOSED_HEADERS = "Content-Language, ETag, Last-Modified, Retry-After"


@bp.before_request
def choose_language_and_answer_preflight():
    # The language of error messages: ``?lang=`` when it names a site language, else
    # Accept-Language. Never the signed-in user's preference: the API is the same for all.
    enabled = enabled_languages()
    asked = request.args.get("lang")
    g.lang = (
        asked
        if asked in enabled
        else negotiate(
            request.accept_languages, enabled, current_app.config["HUB_DEFAULT_LANGUAGE"]
        )
    )
    if request.method == "OPTIONS":
        response = current_app.response_class(status=204)
        del response.headers["Content-Type"]
        response.headers["Allow"] = ALLOW
        response.headers["Access-Control-Allow-Methods"] = ALLOW
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
        return response
    return None


@bp.after_request
def allow_any_origin(response):
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response


# --- resources ------------------------------------------------------------------------------


@bp.get("/", strict_slashes=False)
def index():
    return json_response(
        {
            "name": current_app.config["HUB_SITE_NAME"],
            "version": openapi.API_VERSION,
            "links": {
                "self": rep.api_url("index"),
                "openapi": rep.api_url("openapi_document"),
                "languages": rep.api_url("languages"),
                "stories": rep.api_url("stories"),
                "campaigns": rep.api_url("campaigns"),
                "search": rep.api_url("search"),
            },
        }
    )


@bp.get("/openapi.json")
def openapi_document():
    server = url_for("api.index", _external=True).rstrip("/")
    return json_response(openapi.document(server, enabled_languages()))


@bp.get("/languages")
def languages():
    return json_response({"languages": [rep.language(code) for code in enabled_languages()]})


def _filters(*, by_organisation: bool = True) -> StoryFilters:
    return StoryFilters(
        lang=params.language("lang", enabled_languages()),
        theme=params.choice("theme", THEMES),
        region=params.choice("region", REGIONS),
        kind=params.choice("kind", KINDS),
        campaign=params.slug("campaign"),
        organisation=params.slug("organisation") if by_organisation else None,
    )


def _page_links(endpoint: str, args: dict, page: int, pages: int) -> dict:
    """Absolute links to pages of the same query, its parameters in a fixed order (so a
    client following ``next`` sees the same URLs every time)."""

    def to(number: int) -> str:
        return rep.api_url(endpoint, **args, page=number)

    links = {"self": to(page), "first": to(1), "last": to(max(1, pages))}
    if page < pages:
        links["next"] = to(page + 1)
    if page > 1:
        links["prev"] = to(min(page - 1, max(1, pages)))
    return links


@bp.get("/stories")
def stories():
    filters = _filters()
    page = params.integer("page", default=1, minimum=1, maximum=openapi.MAX_PAGE)
    per_page = params.integer(
        "per_page", default=openapi.DEFAULT_PER_PAGE, minimum=1, maximum=openapi.MAX_PER_PAGE
    )
    result = api_queries.live_page(
        db.session, filters, enabled_languages(), page=page, per_page=per_page
    )
    args = {**filters.active(), "per_page": per_page}
    return json_response(
        {
            "items": [rep.story_summary(t) for t in result.items],
            "page": result.page,
            "per_page": result.per_page,
            "total": result.total,
            "pages": result.pages,
            "links": _page_links("stories", args, result.page, result.pages),
        }
    )


@bp.get("/stories/<int:story_id>")
def story(story_id: int):
    translations = api_queries.live_translations_of_story(db.session, story_id, enabled_languages())
    if not translations:
        raise errors.not_found()
    return json_response(rep.story_detail(translations))


@bp.get("/campaigns")
def campaigns():
    enabled = enabled_languages()
    found = api_queries.campaigns_with_live_stories(db.session, enabled)
    return json_response({"campaigns": [rep.campaign_summary(item, enabled) for item in found]})


@bp.get("/campaigns/<slug>")
def campaign(slug: str):
    enabled = enabled_languages()
    found = api_queries.campaign_with_live_stories(db.session, slug, enabled)
    if found is None:
        raise errors.not_found()
    item, stories_ = found
    return json_response(rep.campaign_detail(item, stories_, enabled))


# Query parameter of each search facet the API offers, as on the story list. Not the
# organisation: the index records it for anonymous stories too, so its counts (or a filter on
# it) would tie an anonymous story to its organisation. /stories?organisation= lists an
# organisation's stories, anonymous ones left out.
SEARCH_FILTERS = dict(zip(openapi.SEARCH_FACETS, openapi.SEARCH_FACET_PARAMETERS, strict=True))


@bp.get("/search")
def search():
    q = params.text("q", max_chars=openapi.MAX_QUERY_CHARS, required=True)
    filters = _filters(by_organisation=False).active()
    sort = params.choice("sort", SORTS) or "relevance"
    page = params.integer("page", default=1, minimum=1, maximum=openapi.SEARCH_MAX_PAGE)
    per_page = params.integer(
        "per_page",
        default=openapi.SEARCH_DEFAULT_PER_PAGE,
        minimum=1,
        maximum=openapi.SEARCH_MAX_PER_PAGE,
    )
    indexer = current_app.extensions["hub.search"]
    if indexer.is_rebuilding:
        raise errors.search_unavailable()
    facet_filters = {
        facet: filters[name] for facet, name in SEARCH_FILTERS.items() if name in filters
    }
    try:
        results = run_search(
            indexer.index,
            SearchRequest(
                q=q,
                page=page,
                per_page=per_page,
                langs=enabled_languages(),
                filters=facet_filters,
                sort=sort,
            ),
        )
    except SearchIndexError:
        current_app.logger.exception("search index unavailable")
        raise errors.search_unavailable() from None
    # The index follows the database after each commit; a hit whose text was unpublished a
    # moment ago is dropped here rather than shown.
    live = api_queries.live_translations_by_id(
        db.session, (int(hit.doc_id) for hit in results.hits), enabled_languages()
    )
    hits = [
        rep.search_hit(hit, live[int(hit.doc_id)])
        for hit in results.hits
        if int(hit.doc_id) in live
    ]
    args = {"q": q, **filters, "sort": sort, "per_page": per_page}
    return json_response(
        {
            "query": q,
            "total": results.total,
            "page": results.page,
            "per_page": results.per_page,
            "pages": max(1, results.pages),
            "hits": hits,
            "facets": {
                name: [{"value": value, "count": count} for value, count in values]
                for name, values in results.facets.items()
                if name in SEARCH_FILTERS
            },
            "suggestion": results.suggestion,
            "links": _page_links("search", args, results.page, max(1, results.pages)),
        }
    )


# Last: any other path or method under /api/v1 belongs to the API too, so it gets a JSON
# 404 or 405 (with CORS headers) instead of the site's HTML error page, which is all Flask
# would give a request no route of the blueprint matched.
@bp.route(
    "/", methods=["POST", "PUT", "PATCH", "DELETE"], defaults={"unknown": ""}, strict_slashes=False
)
@bp.route("/<path:unknown>", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
def unknown(unknown: str):
    if request.method not in ("GET", "HEAD"):
        adapter = current_app.url_map.bind_to_environ(request.environ)
        try:
            endpoint, _values = adapter.match(method="GET")
        except HTTPException:
            endpoint = None
        if endpoint is not None and endpoint != "api.unknown":
            raise errors.method_not_allowed()
    raise errors.not_found()

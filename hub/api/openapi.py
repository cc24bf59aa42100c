"""The OpenAPI 3.1 description of the read API, served at ``/api/v1/openapi.json``.

Written by hand as a Python dict, next to the code it describes: `hub.api.representations`
builds every body, and the tests validate real responses of every endpoint against the
schemas below (objects are closed with ``additionalProperties: false``, so a field added to a
response and not to this document fails the tests). Enumerations come from the same constants
the hub validates its input with; the language codes are the site's enabled languages.
"""

from __future__ import annotations

from collections.abc import Iterable

from content.models import REGIONS, THEMES, Kind
from search import SORTS
from search.query import MAX_PAGE as SEARCH_MAX_PAGE
from search.query import MAX_PER_PAGE as SEARCH_MAX_PER_PAGE

API_VERSION = "1.0.0"
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
SEARCH_DEFAULT_PER_PAGE = 10
MAX_QUERY_CHARS = 300
# Search facets offered, and their query parameters. Not the organisation: the index leaves
# it out for anonymous stories, so its counts would not add up to the total; an
# organisation's stories are listed by /stories?organisation= instead.
SEARCH_FACETS = ("lang", "themes", "region", "kind", "campaign")
SEARCH_FACET_PARAMETERS = ("lang", "theme", "region", "kind", "campaign")
ERROR_CODES = (
    "invalid_parameter",
    "unknown_language",
    "missing_parameter",
    "not_found",
    "method_not_allowed",
    "bad_request",
    "too_large",
    "too_many_requests",
    "http_error",
    "search_unavailable",
    "internal_error",
)

DESCRIPTION = """\
Published stories, campaigns and search of the Narratives Hub, read only.

* **Published only.** Drafts, stories in review, scheduled, unpublished and archived texts are
  never listed, and asking for one by id answers 404 exactly as for an id that does not exist.
* **Bylines.** `byline.type` is `person` (with the author's `name`), `organisation` (with the
  organisation's `name`) or `anonymous` (no name at all). An anonymous story names neither its
  author, nor its organisation (`organisation` is null), nor its translators, anywhere in the
  API; filtering stories by organisation leaves anonymous stories out.
* **Dates** are ISO 8601 in UTC (`2024-05-01T09:30:00Z`). `published_at` is when a text was
  first published, `updated_at` when its current version was; lists are newest
  `updated_at` first.
* **URLs** in responses are absolute: `url` is the public page, `links` point into this API.
* **Pagination.** `page` and `per_page` query parameters; responses carry `total`, `pages` and
  `links` (`self`, `first`, `last`, and `next`/`prev` only where such a page exists).
  Follow `links.next` until it is absent.
* **Search.** Hits are checked against the database before they are sent, so a text
  unpublished a moment ago is left out even if the index still has it; `total` and `facets`
  are the index's counts.
* **Search facets** count the hits by language, theme, region, kind and campaign (not by
  organisation: list an organisation's stories with `/stories?organisation=`).
* **Search snippets.** `snippet` is plain text; `snippet_html` and `title_html` are the same
  text HTML-escaped, with the matched words wrapped in `<mark>` and no other markup, safe to
  insert into a page as they are.
* **Errors** are JSON: `{"error": {"status", "code", "message", "parameter"?}}`. `code` is
  stable; `message` is in the request's language (`?lang=` when it names one of the site's
  languages, else `Accept-Language`).
* **CORS.** Every response allows any origin (`Access-Control-Allow-Origin: *`); preflight
  `OPTIONS` requests are answered; no credentials are used or accepted. Every path also
  answers `HEAD`; methods other than GET, HEAD and OPTIONS answer 405.
* **Encoding.** `application/json; charset=utf-8`, with Urdu and the other scripts written as
  they are, not as `\\u` escapes.
"""


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(properties: dict, optional: Iterable[str] = ()) -> dict:
    """A closed object whose properties are all required except ``optional``."""
    optional = set(optional)
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


def _nullable(schema: dict) -> dict:
    if "$ref" in schema:
        return {"oneOf": [schema, {"type": "null"}]}
    nullable = {**schema, "type": [schema["type"], "null"]}
    if "enum" in schema:
        nullable["enum"] = [*schema["enum"], None]
    return nullable


URI = {"type": "string", "format": "uri"}
DATE_TIME = {"type": "string", "format": "date-time"}
TEXT = {"type": "string"}
COUNT = {"type": "integer", "minimum": 0}
POSITIVE = {"type": "integer", "minimum": 1}


def _schemas(langs: tuple[str, ...]) -> dict:
    lang = {"type": "string", "enum": list(langs), "description": "A language code of the site."}
    theme = {"type": "string", "enum": list(THEMES)}
    region = {"type": "string", "enum": list(REGIONS)}
    kind = {"type": "string", "enum": [k.value for k in Kind]}
    story_meta = {
        "kind": kind,
        "themes": {"type": "array", "items": theme, "uniqueItems": True},
        "region": _nullable(region),
        "campaign": _nullable({"type": "string", "description": "The campaign's slug."}),
        "organisation": {
            **_nullable(_ref("Organisation")),
            "description": "Null for an anonymous story.",
        },
        "byline": _ref("Byline"),
    }
    story_link = _obj({"story": URI})
    return {
        "Error": _obj(
            {
                "error": _obj(
                    {
                        "status": {"type": "integer", "minimum": 400, "maximum": 599},
                        "code": {"type": "string", "enum": list(ERROR_CODES)},
                        "message": {
                            "type": "string",
                            "minLength": 1,
                            "description": "For people, in the request's language.",
                        },
                        "parameter": {
                            "type": "string",
                            "description": "The query parameter at fault (400 only).",
                        },
                    },
                    optional=("parameter",),
                )
            }
        ),
        "Index": _obj(
            {
                "name": TEXT,
                "version": TEXT,
                "links": _obj(
                    {
                        "self": URI,
                        "openapi": URI,
                        "languages": URI,
                        "stories": URI,
                        "campaigns": URI,
                        "search": URI,
                    }
                ),
            }
        ),
        "PageLinks": _obj(
            {"self": URI, "first": URI, "last": URI, "next": URI, "prev": URI},
            optional=("next", "prev"),
        ),
        "Organisation": _obj({"slug": TEXT, "name": TEXT}),
        "Byline": {
            "description": "Who signs the story, per its byline mode.",
            "oneOf": [
                _obj({"type": {"const": "person"}, "name": {"type": "string", "minLength": 1}}),
                _obj(
                    {"type": {"const": "organisation"}, "name": {"type": "string", "minLength": 1}}
                ),
                _obj({"type": {"const": "anonymous"}}),
            ],
        },
        "Image": _obj(
            {
                "url": URI,
                "width": POSITIVE,
                "height": POSITIVE,
                "alt": {"type": "string", "description": "In the language of the text."},
            }
        ),
        "Language": _obj(
            {
                "code": lang,
                "tag": {"type": "string", "description": "BCP 47, for lang= and hreflang=."},
                "name": {"type": "string", "description": "In English."},
                "native_name": TEXT,
                "direction": {"type": "string", "enum": ["ltr", "rtl"]},
                "links": _obj({"stories": URI, "home": URI}),
            }
        ),
        "LanguageList": _obj({"languages": {"type": "array", "items": _ref("Language")}}),
        "StorySummary": _obj(
            {
                "id": {**POSITIVE, "description": "The translation's id."},
                "story_id": POSITIVE,
                "lang": lang,
                "slug": TEXT,
                "title": TEXT,
                "summary": TEXT,
                "url": {**URI, "description": "The public page of this text."},
                "published_at": DATE_TIME,
                "updated_at": DATE_TIME,
                **story_meta,
                "image": _nullable(_ref("Image")),
                "links": story_link,
            }
        ),
        "StoryList": _obj(
            {
                "items": {"type": "array", "items": _ref("StorySummary")},
                "page": POSITIVE,
                "per_page": POSITIVE,
                "total": COUNT,
                "pages": POSITIVE,
                "links": _ref("PageLinks"),
            }
        ),
        "Translation": _obj(
            {
                "id": POSITIVE,
                "lang": lang,
                "direction": {"type": "string", "enum": ["ltr", "rtl"]},
                "slug": TEXT,
                "title": TEXT,
                "summary": TEXT,
                "body_html": {
                    "type": "string",
                    "description": "Sanitised HTML (paragraphs, headings, lists, links...).",
                },
                "url": URI,
                "published_at": DATE_TIME,
                "updated_at": DATE_TIME,
                "is_original": {
                    "type": "boolean",
                    "description": "The language the story was written in.",
                },
                "translator": {
                    **_nullable(_ref("Byline")),
                    "description": "Null for the original text.",
                },
            }
        ),
        "MediaText": _obj(
            {"lang": lang, "alt_text": TEXT, "caption": TEXT},
        ),
        "MediaSource": _obj(
            {"url": URI, "width": POSITIVE, "mime": {"type": "string", "const": "image/webp"}}
        ),
        "Media": _obj(
            {
                "id": POSITIVE,
                "kind": {"type": "string", "enum": ["image", "video", "audio", "document"]},
                "mime": TEXT,
                "url": {
                    **URI,
                    "description": "Images: a JPEG up to 1024 px wide; others: the file.",
                },
                "width": _nullable(POSITIVE),
                "height": _nullable(POSITIVE),
                "size": _nullable({**COUNT, "description": "Bytes."}),
                "sources": {
                    "type": "array",
                    "items": _ref("MediaSource"),
                    "description": "WebP widths of an image, narrowest first, for srcset.",
                },
                "credit": _nullable(TEXT),
                "licence": _nullable(TEXT),
                "texts": {"type": "array", "items": _ref("MediaText")},
            }
        ),
        "Story": _obj(
            {
                "id": POSITIVE,
                **story_meta,
                "image": _nullable(_ref("Image")),
                "media": {"type": "array", "items": _ref("Media")},
                "translations": {
                    "type": "array",
                    "items": _ref("Translation"),
                    "minItems": 1,
                },
                "links": _obj({"self": URI, "campaign": URI}, optional=("campaign",)),
            }
        ),
        "CampaignText": _obj(
            {
                "lang": lang,
                "title": TEXT,
                "description": TEXT,
                "url": {**URI, "description": "The campaign's public page in this language."},
            }
        ),
        "Campaign": _obj(_campaign_properties()),
        "CampaignList": _obj({"campaigns": {"type": "array", "items": _ref("Campaign")}}),
        "CampaignDetail": _obj(
            {
                **_campaign_properties(),
                "stories": {
                    "type": "array",
                    "items": _obj(
                        {
                            "id": POSITIVE,
                            "translations": {
                                "type": "array",
                                "minItems": 1,
                                "items": _obj(
                                    {"id": POSITIVE, "lang": lang, "title": TEXT, "url": URI}
                                ),
                            },
                            "links": _obj({"self": URI}),
                        }
                    ),
                },
            }
        ),
        "FacetValue": _obj({"value": TEXT, "count": POSITIVE}),
        "SearchHit": _obj(
            {
                "id": {**POSITIVE, "description": "The translation's id."},
                "story_id": POSITIVE,
                "lang": lang,
                "title": TEXT,
                "title_html": {"type": "string", "description": "Escaped, matches in <mark>."},
                "snippet": {"type": "string", "description": "Plain text."},
                "snippet_html": {"type": "string", "description": "Escaped, matches in <mark>."},
                "url": URI,
                "published_at": DATE_TIME,
                "updated_at": DATE_TIME,
                **story_meta,
                "links": story_link,
            }
        ),
        "SearchResults": _obj(
            {
                "query": TEXT,
                "total": COUNT,
                "page": POSITIVE,
                "per_page": POSITIVE,
                "pages": POSITIVE,
                "hits": {"type": "array", "items": _ref("SearchHit")},
                "facets": _obj(
                    {name: {"type": "array", "items": _ref("FacetValue")} for name in SEARCH_FACETS}
                ),
                "suggestion": _nullable(
                    {"type": "string", "description": "A spelling that finds something."}
                ),
                "links": _ref("PageLinks"),
            }
        ),
    }


def _campaign_properties() -> dict:
    return {
        "slug": TEXT,
        "organisation": _nullable(_ref("Organisation")),
        "starts_on": _nullable(DATE_TIME),
        "ends_on": _nullable(DATE_TIME),
        "texts": {"type": "array", "items": _ref("CampaignText")},
        "story_count": {**POSITIVE, "description": "Stories with a published text."},
        "links": _obj({"self": URI, "stories": URI}),
    }


def _parameters(langs: tuple[str, ...]) -> dict:
    def query(name, schema, description, required=False):
        return {
            "name": name,
            "in": "query",
            "required": required,
            "schema": schema,
            "description": description,
        }

    return {
        "page": query("page", {**POSITIVE, "maximum": MAX_PAGE, "default": 1}, "Page number."),
        "per_page": query(
            "per_page",
            {**POSITIVE, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
            "Items per page.",
        ),
        "lang": query(
            "lang",
            {"type": "string", "enum": list(langs)},
            "Only texts in this language (also the language of error messages).",
        ),
        "theme": query("theme", {"type": "string", "enum": list(THEMES)}, "Only this theme."),
        "region": query("region", {"type": "string", "enum": list(REGIONS)}, "Only this region."),
        "kind": query(
            "kind", {"type": "string", "enum": [k.value for k in Kind]}, "Only this kind."
        ),
        "campaign": query(
            "campaign",
            {"type": "string", "maxLength": 80},
            "Only stories of the campaign with this slug (an unknown slug matches nothing).",
        ),
        "organisation": query(
            "organisation",
            {"type": "string", "maxLength": 80},
            "Only stories of the organisation with this slug.",
        ),
        "q": query(
            "q",
            {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS},
            'What to search for: words, "a phrase", -excluded, prefix*.',
            required=True,
        ),
        "sort": query(
            "sort",
            {"type": "string", "enum": list(SORTS), "default": "relevance"},
            "Order of the hits.",
        ),
        "search_page": query(
            "page",
            {**POSITIVE, "maximum": SEARCH_MAX_PAGE, "default": 1},
            "Page number.",
        ),
        "search_per_page": query(
            "per_page",
            {
                **POSITIVE,
                "maximum": SEARCH_MAX_PER_PAGE,
                "default": SEARCH_DEFAULT_PER_PAGE,
            },
            "Hits per page.",
        ),
        "story_id": {
            "name": "story_id",
            "in": "path",
            "required": True,
            "schema": POSITIVE,
            "description": "The story's id (`story_id` in lists).",
        },
        "campaign_slug": {
            "name": "slug",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "maxLength": 80},
            "description": "The campaign's slug.",
        },
    }


CORS_HEADER = {"$ref": "#/components/headers/AccessControlAllowOrigin"}


def _json(schema_name: str, description: str) -> dict:
    return {
        "description": description,
        "headers": {"Access-Control-Allow-Origin": CORS_HEADER},
        "content": {"application/json": {"schema": _ref(schema_name)}},
    }


def _responses() -> dict:
    return {
        "BadRequest": _json("Error", "A query parameter the API cannot use."),
        "NotFound": _json("Error", "Nothing published at this address."),
        # What any other method gets, on any path of the API.
        "MethodNotAllowed": {
            **_json("Error", "The API only reads: GET, HEAD and OPTIONS."),
            "headers": {
                "Access-Control-Allow-Origin": CORS_HEADER,
                "Allow": {"schema": {"type": "string"}, "description": "GET, HEAD, OPTIONS"},
            },
        },
        "SearchUnavailable": {
            **_json("Error", "The search index is being rebuilt."),
            "headers": {
                "Access-Control-Allow-Origin": CORS_HEADER,
                "Retry-After": {"schema": POSITIVE, "description": "Seconds."},
            },
        },
        "InternalError": _json("Error", "Something failed on the server's side."),
        "Preflight": {
            "description": "A CORS preflight answer (no body).",
            "headers": {
                "Access-Control-Allow-Origin": CORS_HEADER,
                "Access-Control-Allow-Methods": {
                    "schema": {"type": "string"},
                    "description": "GET, HEAD, OPTIONS",
                },
                "Access-Control-Allow-Headers": {"schema": {"type": "string"}},
                "Access-Control-Max-Age": {"schema": POSITIVE},
                "Allow": {"schema": {"type": "string"}},
            },
        },
    }


def _path(
    operation_id: str,
    summary: str,
    schema_name: str,
    *,
    parameters: Iterable[str] = (),
    errors: Iterable[str] = (),
    path_parameters: Iterable[str] = (),
) -> dict:
    codes = {"400": "BadRequest", "404": "NotFound", "503": "SearchUnavailable"}
    responses = {"200": _json(schema_name, summary)}
    for code in errors:
        responses[code] = {"$ref": f"#/components/responses/{codes[code]}"}
    responses["500"] = {"$ref": "#/components/responses/InternalError"}
    item = {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": [{"$ref": f"#/components/parameters/{p}"} for p in parameters],
            "responses": responses,
        },
        "options": {
            "operationId": f"{operation_id}Preflight",
            "summary": "CORS preflight.",
            "responses": {"204": {"$ref": "#/components/responses/Preflight"}},
        },
    }
    if path_parameters:
        item["parameters"] = [{"$ref": f"#/components/parameters/{p}"} for p in path_parameters]
    return item


def _openapi_path() -> dict:
    item = _path("getOpenApi", "This document.", "Index")
    item["get"]["responses"]["200"]["content"]["application/json"]["schema"] = {"type": "object"}
    return item


def document(server_url: str, langs: Iterable[str]) -> dict:
    """The OpenAPI document for a server at ``server_url`` serving ``langs``."""
    langs = tuple(langs)
    filters = ("lang", "theme", "region", "kind", "campaign", "organisation")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Narratives Hub read API",
            "version": API_VERSION,
            "description": DESCRIPTION,
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/": _path("getIndex", "Links to the resources of the API.", "Index"),
            "/openapi.json": _openapi_path(),
            "/languages": _path(
                "listLanguages", "The languages the site publishes in.", "LanguageList"
            ),
            "/stories": _path(
                "listStories",
                "Published texts, newest first, one item per story and language.",
                "StoryList",
                parameters=(*filters, "page", "per_page"),
                errors=("400",),
            ),
            "/stories/{story_id}": _path(
                "getStory",
                "One story with all its published translations.",
                "Story",
                errors=("404",),
                path_parameters=("story_id",),
            ),
            "/campaigns": _path(
                "listCampaigns",
                "Campaigns with published material, newest first.",
                "CampaignList",
            ),
            "/campaigns/{slug}": _path(
                "getCampaign",
                "One campaign with its published stories.",
                "CampaignDetail",
                errors=("404",),
                path_parameters=("campaign_slug",),
            ),
            "/search": _path(
                "search",
                "Full-text search of the published texts.",
                "SearchResults",
                parameters=(
                    "q",
                    *SEARCH_FACET_PARAMETERS,
                    "sort",
                    "search_page",
                    "search_per_page",
                ),
                errors=("400", "503"),
            ),
        },
        "components": {
            "schemas": _schemas(langs),
            "parameters": _parameters(langs),
            "responses": _responses(),
            "headers": {
                "AccessControlAllowOrigin": {
                    "description": "Any origin may read the API (no credentials).",
                    "schema": {"type": "string", "const": "*"},
                }
            },
        },
    }

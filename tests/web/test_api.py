"""The read API from a client's side: every real response validated against the OpenAPI
document the API serves, published content only, anonymous stories naming nobody, filters,
pagination, search, CORS, and errors as translated JSON."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from babel.support import Translations
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_spec
from sqlalchemy import update

from content import services
from content.models import MediaAsset, MediaText, Translation
from content.services.campaigns import create_campaign, set_campaign_text
from content.services.reviews import ActionInput
from content.workflow import Action
from tests.support import workflow

ROOT = Path(__file__).resolve().parents[2]
API = "/api/v1"

# Invented names: none of them may reach a response about an anonymous story.
HIDDEN_AUTHOR = "Quillon Marsh"
HIDDEN_TRANSLATOR = "Tavish Oaken"
HIDDEN_TRANSLATOR_ORG = "Oaken Thistle Translators"
NAMED_AUTHOR = "Ellery Fenwick"
NAMED_TRANSLATOR = "Marlo Brightwater"

URDU_TITLE = "امن کی لائبریری"
URDU_BODY = "نوجوانوں نے امن اور رواداری کے لیے ایک لائبریری بنائی۔\n\nیہاں سب کو خوش آمدید ہے۔"


# --- helpers ------------------------------------------------------------------------------


def publish_translation(session, make_user, translator, source, lang, *, title, body, summary=""):
    """Request, claim, translate, review and publish ``source`` in ``lang`` (real services)."""
    return workflow.publish_translation(
        session,
        source,
        lang,
        translator=translator,
        editor=make_user("editor", all_languages=True),
        title=title,
        summary=summary,
        body=body,
    )


def add_image(session, story_id: int, uploader_id: int, *, alt: str, credit: str = "") -> int:
    """A ready image with the renditions an upload makes (the bytes are not needed here)."""

    def rendition(name, width, height, mime):
        ext = "jpg" if mime == "image/jpeg" else "webp"
        return {"key": f"k-{name}.{ext}", "width": width, "height": height, "mime": mime}

    asset = MediaAsset(
        story_id=story_id,
        uploaded_by_id=uploader_id,
        status="ready",
        kind="image",
        mime="image/jpeg",
        key=f"stories/{story_id}/photo",
        credit=credit,
        licence="CC BY 4.0",
        renditions={
            "w320": rendition("w320", 320, 213, "image/webp"),
            "w640": rendition("w640", 640, 427, "image/webp"),
            "fallback": {**rendition("fallback", 640, 427, "image/jpeg"), "size": 4000},
            "thumb": rendition("thumb", 240, 240, "image/webp"),
            "social": rendition("social", 1200, 630, "image/jpeg"),
        },
    )
    asset.texts.append(MediaText(lang="en", alt_text=alt, caption="A circle of chairs"))
    session.add(asset)
    session.commit()
    return asset.id


def get(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.headers["Content-Type"] == "application/json; charset=utf-8", url
    assert response.headers["Access-Control-Allow-Origin"] == "*", url
    return response


def body_of(response) -> dict:
    return json.loads(response.get_data(as_text=True))


def follow(client, link: str) -> dict:
    """GET an absolute link the API gave."""
    parts = urlsplit(link)
    assert parts.scheme == "http" and parts.netloc == "localhost", link
    response = get(client, parts.path + (f"?{parts.query}" if parts.query else ""))
    assert response.status_code == 200, (link, response.get_data(as_text=True))
    return body_of(response)


class Spec:
    """The API's own OpenAPI document, and validation of responses against it."""

    def __init__(self, document: dict):
        self.document = document

    def _resolve(self, node: dict) -> dict:
        while "$ref" in node:
            section, name = node["$ref"].split("/")[-2:]
            node = self.document["components"][section][name]
        return node

    def schema_for(self, path: str, status: int) -> dict:
        operation = self.document["paths"][path]["get"]
        response = self._resolve(operation["responses"][str(status)])
        return response["content"]["application/json"]["schema"]

    def check(self, path: str, response) -> dict:
        """Validate ``response`` (a real one) against the document's schema for ``path``."""
        data = body_of(response)
        schema = {**self.schema_for(path, response.status_code)}
        schema["components"] = self.document["components"]  # so that $refs resolve
        OAS31Validator(schema, format_checker=OAS31Validator.FORMAT_CHECKER).validate(data)
        return data

    def check_response(self, name: str, response) -> dict:
        """Validate ``response`` against the document's components/responses/``name``, the
        headers it lists included."""
        described = self.document["components"]["responses"][name]
        for header in described.get("headers", {}):
            assert header in response.headers, (name, header)
        schema = {**described["content"]["application/json"]["schema"]}
        schema["components"] = self.document["components"]
        data = body_of(response)
        OAS31Validator(schema, format_checker=OAS31Validator.FORMAT_CHECKER).validate(data)
        return data


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def spec(client) -> Spec:
    response = get(client, f"{API}/openapi.json")
    assert response.status_code == 200
    document = body_of(response)
    validate_spec(document)  # a valid OpenAPI 3.1 document, or this raises
    return Spec(document)


@pytest.fixture
def corpus(session, make_org, make_user, make_story):
    """Published, anonymous, translated, campaign and unpublished material, side by side."""
    org = make_org(slug="amn-youth", name="Amn Youth Network")
    other_org = make_org(slug="dialogue-forum", name="Dialogue Forum")
    translators_org = make_org(slug="oaken-thistle", name=HIDDEN_TRANSLATOR_ORG)
    named_author = make_user("contributor", org=org, name=NAMED_AUTHOR)
    hidden_author = make_user("contributor", org=org, name=HIDDEN_AUTHOR)
    editor = make_user("editor", all_languages=True)
    campaign = create_campaign(
        session,
        actor=editor,
        slug="peace-week",
        lang="en",
        title="Peace week",
        description="Stories of neighbours who listen.",
    )
    set_campaign_text(
        session,
        actor=editor,
        campaign=campaign,
        lang="ur",
        title="امن کا ہفتہ",
        description="پڑوسیوں کی کہانیاں جو ایک دوسرے کو سنتے ہیں۔",
    )
    quiet = create_campaign(session, actor=editor, slug="quiet-drafts", lang="en", title="Quiet")
    named = make_story(
        named_author,
        state="published",
        title="Youth dialogue circle in Hyderabad",
        themes=("youth", "dialogue"),
        region="sindh",
        campaign_id=campaign.id,
    )
    poster = make_story(
        named_author,
        state="published",
        title="A poster for tolerance",
        kind="poster",
        themes=("tolerance",),
        region="punjab",
        byline_mode="organisation",
    )
    urdu = make_story(
        make_user("contributor", org=other_org),
        state="published",
        lang="ur",
        title=URDU_TITLE,
        body=URDU_BODY,
        themes=("peace",),
        region="khyber_pakhtunkhwa",
    )
    anonymous = make_story(
        hidden_author,
        state="published",
        title="A survivor speaks of forgiveness",
        body="She chose forgiveness and now teaches reconciliation to young people.",
        byline_mode="anonymous",
        themes=("victims_voices",),
        campaign_id=campaign.id,
    )
    anonymous_ur = publish_translation(
        session,
        make_user,
        make_user("translator", languages=("ur",), name=HIDDEN_TRANSLATOR, org=translators_org),
        anonymous,
        "ur",
        title="معافی کی کہانی",
        body="اس نے معافی کا راستہ چنا اور اب نوجوانوں کو مفاہمت سکھاتی ہے۔",
    )
    named_ur = publish_translation(
        session,
        make_user,
        make_user("translator", languages=("ur",), name=NAMED_TRANSLATOR),
        named,
        "ur",
        title="حیدرآباد میں نوجوانوں کا مکالمہ",
        body="نوجوان ہر ہفتے ملتے اور ایک دوسرے کی بات سنتے تھے۔",
    )
    hidden = {
        state: make_story(
            named_author,
            state=state,
            title=f"Unpublished harmony {state}",
            body="harmony " + state,
            campaign_id=quiet.id,
        )
        for state in ("draft", "in_review", "approved", "scheduled", "unpublished", "archived")
    }
    image = add_image(
        session, named.story_id, named_author.id, alt="Young people sitting in a circle"
    )
    add_image(session, anonymous.story_id, hidden_author.id, alt="Hands holding a candle")
    return {
        "named": named,
        "named_ur": named_ur,
        "poster": poster,
        "urdu": urdu,
        "anonymous": anonymous,
        "anonymous_ur": anonymous_ur,
        "hidden": hidden,
        "campaign": campaign,
        "quiet": quiet,
        "org": org,
        "image": image,
    }


def live(corpus) -> list:
    return [corpus[k] for k in ("named", "named_ur", "poster", "urdu", "anonymous", "anonymous_ur")]


def list_all(client, **query) -> list[dict]:
    """Every item of /stories for ``query``, following next links."""
    page = body_of(get(client, f"{API}/stories", query_string={"per_page": 100, **query}))
    items = list(page["items"])
    while "next" in page["links"]:
        page = follow(client, page["links"]["next"])
        items += page["items"]
    return items


# --- the document -------------------------------------------------------------------------


def test_openapi_document_is_valid_and_describes_every_route(app, client, spec):
    documented = set(spec.document["paths"])
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.unknown":
            path = rule.rule.removeprefix(API) or "/"
            for name in rule.arguments:
                path = path.replace(f"<int:{name}>", f"{{{name}}}").replace(
                    f"<{name}>", f"{{{name}}}"
                )
            routes.add(path)
    assert routes == documented
    # The server is where the request came from (behind a proxy too, with HUB_PROXY_FIX).
    served = body_of(client.get(f"{API}/openapi.json", base_url="https://hub.example.org"))
    assert served["servers"] == [{"url": "https://hub.example.org/api/v1"}]
    schemas = spec.document["components"]["schemas"]
    assert schemas["StorySummary"]["properties"]["lang"]["enum"] == list(
        app.extensions["hub.languages"]
    )
    assert all(
        s.get("additionalProperties") is False for s in schemas.values() if "properties" in s
    )


def test_every_endpoint_answers_as_documented(client, spec, corpus):
    campaign = corpus["campaign"]
    named = corpus["named"]
    index = spec.check("/", get(client, f"{API}/"))
    assert index["links"]["stories"] == "http://localhost/api/v1/stories"
    for name, link in index["links"].items():
        if name == "search":  # q is required
            assert get(client, urlsplit(link).path).status_code == 400
        else:
            follow(client, link)
    spec.check("/languages", get(client, f"{API}/languages"))
    for query in ({}, {"lang": "ur"}, {"theme": "youth", "per_page": 1}, {"page": 9}):
        spec.check("/stories", get(client, f"{API}/stories", query_string=query))
    story = spec.check("/stories/{story_id}", get(client, f"{API}/stories/{named.story_id}"))
    spec.check("/stories/{story_id}", get(client, f"{API}/stories/{corpus['urdu'].story_id}"))
    assert {t["lang"] for t in story["translations"]} == {"en", "ur"}
    spec.check("/campaigns", get(client, f"{API}/campaigns"))
    spec.check("/campaigns/{slug}", get(client, f"{API}/campaigns/{campaign.slug}"))
    for query in ({"q": "dialogue"}, {"q": "امن", "lang": "ur"}, {"q": "nothingmatcheszzz"}):
        spec.check("/search", get(client, f"{API}/search", query_string=query))
    # Errors, in the shapes the document gives them.
    spec.check("/stories", get(client, f"{API}/stories", query_string={"page": "two"}))
    spec.check("/stories/{story_id}", get(client, f"{API}/stories/987654"))
    spec.check("/campaigns/{slug}", get(client, f"{API}/campaigns/no-such-campaign"))
    spec.check("/search", get(client, f"{API}/search"))
    spec.check_response("MethodNotAllowed", client.delete(f"{API}/stories"))
    spec.check_response("NotFound", client.get(f"{API}/no/such/thing"))


# --- published only -----------------------------------------------------------------------


def test_only_published_texts_are_listed_found_or_counted(client, corpus):
    listed = {item["id"] for item in list_all(client)}
    assert listed == {t.id for t in live(corpus)}
    for t in corpus["hidden"].values():
        response = get(client, f"{API}/stories/{t.story_id}")
        assert response.status_code == 404
        # Exactly the answer for an id that never existed: nothing tells a draft is there.
        assert response.get_data() == client.get(f"{API}/stories/987654").get_data()
    hits = body_of(get(client, f"{API}/search", query_string={"q": "harmony"}))
    assert hits["total"] == 0 and hits["hits"] == []
    campaigns = body_of(get(client, f"{API}/campaigns"))["campaigns"]
    assert [c["slug"] for c in campaigns] == ["peace-week"]
    assert campaigns[0]["story_count"] == 2
    assert get(client, f"{API}/campaigns/quiet-drafts").status_code == 404


def test_a_story_shows_only_its_published_translations(session, client, corpus, make_user):
    named = corpus["named"]
    editor = make_user("editor", all_languages=True)
    services.apply_action(
        session, actor=editor, translation=named, request=ActionInput(Action.UNPUBLISH)
    )
    story = body_of(get(client, f"{API}/stories/{named.story_id}"))
    assert [t["lang"] for t in story["translations"]] == ["ur"]
    assert named.id not in {item["id"] for item in list_all(client)}


def test_search_drops_a_hit_the_database_no_longer_publishes(session, client, corpus):
    poster = corpus["poster"]
    assert body_of(get(client, f"{API}/search", query_string={"q": "poster"}))["hits"]
    # Behind the services' back: the index still has the text, the database says no.
    session.execute(update(Translation).where(Translation.id == poster.id).values(is_live=False))
    session.commit()
    result = body_of(get(client, f"{API}/search", query_string={"q": "poster"}))
    assert poster.id not in {hit["id"] for hit in result["hits"]}


# --- stories ------------------------------------------------------------------------------


FILTER_CASES = [
    ({"lang": "ur"}, {"named_ur", "urdu", "anonymous_ur"}),
    ({"lang": "en"}, {"named", "poster", "anonymous"}),
    ({"theme": "youth"}, {"named", "named_ur"}),
    ({"region": "punjab"}, {"poster"}),
    ({"kind": "poster"}, {"poster"}),
    ({"campaign": "peace-week"}, {"named", "named_ur", "anonymous", "anonymous_ur"}),
    ({"campaign": "peace-week", "lang": "ur"}, {"named_ur", "anonymous_ur"}),
    ({"campaign": "quiet-drafts"}, set()),
    ({"campaign": "no-such-campaign"}, set()),
    # Anonymous stories are not listed under their organisation.
    ({"organisation": "amn-youth"}, {"named", "named_ur", "poster"}),
    ({"organisation": "dialogue-forum"}, {"urdu"}),
    ({"theme": "youth", "lang": "en", "region": "sindh"}, {"named"}),
]


def test_filters_narrow_the_list(client, corpus):
    # One corpus for all the cases: building it is what takes the time.
    for query, expected in FILTER_CASES:
        found = {item["id"] for item in list_all(client, **query)}
        assert found == {corpus[k].id for k in expected}, query


def test_pagination_next_links_walk_the_whole_list_once_and_stay_stable(client, corpus, make_story):
    for n in range(5):
        make_story(state="published", title=f"Community library {n}", themes=("community",))
    first = body_of(get(client, f"{API}/stories", query_string={"per_page": 3}))
    assert first["total"] == 11 and first["pages"] == 4 and "prev" not in first["links"]
    seen, pages, page = [], [], first
    while True:
        pages.append(page)
        seen += [item["id"] for item in page["items"]]
        # The same link gives the same page (stable order, canonical URLs).
        assert follow(client, page["links"]["self"]) == page
        if "next" not in page["links"]:
            break
        page = follow(client, page["links"]["next"])
        assert follow(client, page["links"]["prev"])["links"]["self"] == pages[-1]["links"]["self"]
    assert len(pages) == 4 and len(seen) == 11 and len(set(seen)) == 11
    assert pages[-1]["links"]["self"] == first["links"]["last"]
    assert [p["page"] for p in pages] == [1, 2, 3, 4]
    # Newest first, by when the current text was published.
    stamps = [item["updated_at"] for p in pages for item in p["items"]]
    assert stamps == sorted(stamps, reverse=True)
    # Filters carry over into the links.
    youth = body_of(get(client, f"{API}/stories", query_string={"theme": "youth", "per_page": 1}))
    assert parse_qs(urlsplit(youth["links"]["next"]).query) == {
        "theme": ["youth"],
        "per_page": ["1"],
        "page": ["2"],
    }
    beyond = body_of(get(client, f"{API}/stories", query_string={"page": 40}))
    assert beyond["items"] == [] and "next" not in beyond["links"]


def test_list_items_carry_what_a_partner_site_needs(client, corpus):
    items = {item["id"]: item for item in list_all(client)}
    named = items[corpus["named"].id]
    assert named["url"] == f"http://localhost/en/stories/{corpus['named'].slug}"
    assert named["byline"] == {"type": "person", "name": NAMED_AUTHOR}
    assert named["organisation"] == {"slug": "amn-youth", "name": "Amn Youth Network"}
    assert named["campaign"] == "peace-week" and named["themes"] == ["youth", "dialogue"]
    assert named["image"] == {
        "url": f"http://localhost/media/{corpus['image']}/social",
        "width": 1200,
        "height": 630,
        "alt": "Young people sitting in a circle",
    }
    assert datetime.fromisoformat(named["published_at"]).utcoffset().total_seconds() == 0
    assert named["links"]["story"] == f"http://localhost/api/v1/stories/{corpus['named'].story_id}"
    poster = items[corpus["poster"].id]
    assert poster["byline"] == {"type": "organisation", "name": "Amn Youth Network"}
    assert poster["image"] is None and poster["campaign"] is None


def test_story_detail_has_every_published_translation(client, corpus):
    named = corpus["named"]
    story = body_of(get(client, f"{API}/stories/{named.story_id}"))
    en, ur = story["translations"]
    assert (en["lang"], en["direction"], en["is_original"], en["translator"]) == (
        "en",
        "ltr",
        True,
        None,
    )
    assert "<p>Young people met every week.</p>" in en["body_html"]
    assert (ur["lang"], ur["direction"], ur["is_original"]) == ("ur", "rtl", False)
    assert ur["translator"] == {"type": "person", "name": NAMED_TRANSLATOR}
    assert ur["url"] == f"http://localhost/ur/stories/{quote(corpus['named_ur'].slug)}"
    assert story["links"]["campaign"] == "http://localhost/api/v1/campaigns/peace-week"
    (photo,) = story["media"]
    assert photo["url"].startswith("http://localhost/media/") and photo["url"].endswith("/fallback")
    assert [s["width"] for s in photo["sources"]] == [320, 640]
    assert photo["texts"] == [
        {
            "lang": "en",
            "alt_text": "Young people sitting in a circle",
            "caption": "A circle of chairs",
        }
    ]


# --- anonymous bylines --------------------------------------------------------------------


def test_anonymous_story_names_nobody_anywhere_in_the_api(client, corpus):
    anonymous = corpus["anonymous"]
    bodies = {
        "list": get(client, f"{API}/stories", query_string={"per_page": 100}),
        "list-ur": get(client, f"{API}/stories", query_string={"lang": "ur"}),
        "campaign-list": get(client, f"{API}/stories", query_string={"campaign": "peace-week"}),
        "detail": get(client, f"{API}/stories/{anonymous.story_id}"),
        "campaigns": get(client, f"{API}/campaigns"),
        "campaign": get(client, f"{API}/campaigns/peace-week"),
    }
    for q in ("forgiveness", "معافی", "Quillon", "Marsh", "Tavish", "survivor", "reconciliation"):
        bodies[f"search {q}"] = get(client, f"{API}/search", query_string={"q": q})
    for name, response in bodies.items():
        assert response.status_code == 200, name
        data = body_of(response)
        if name.startswith("search"):
            # A search repeats its query (which here is a name) in "query" and "links".
            data = {k: v for k, v in data.items() if k not in ("query", "links")}
        text = json.dumps(data, ensure_ascii=False)
        for secret in (
            HIDDEN_AUTHOR,
            "Quillon",
            HIDDEN_TRANSLATOR,
            "Tavish",
            HIDDEN_TRANSLATOR_ORG,
        ):
            assert secret not in text, (name, secret)
    # Nothing about the anonymous story alone (its page, a search only it matches) names or
    # counts its organisation either.
    for name in ("detail", "search forgiveness", "search معافی"):
        text = bodies[name].get_data(as_text=True)
        assert "amn-youth" not in text and "Amn Youth Network" not in text, name
    # The story and its translation are there, signed by nobody and no organisation.
    detail = body_of(bodies["detail"])
    assert detail["byline"] == {"type": "anonymous"} and detail["organisation"] is None
    assert [t["translator"] for t in detail["translations"]] == [None, {"type": "anonymous"}]
    hits = body_of(bodies["search forgiveness"])["hits"]
    assert [hit["id"] for hit in hits] == [anonymous.id]
    assert hits[0]["byline"] == {"type": "anonymous"} and hits[0]["organisation"] is None
    # ... while a named story does name its people, so the check above is not vacuous.
    named = get(client, f"{API}/stories/{corpus['named'].story_id}").get_data(as_text=True)
    assert NAMED_AUTHOR in named and NAMED_TRANSLATOR in named


# --- campaigns, languages -------------------------------------------------------------------


def test_campaigns_list_texts_per_language_and_their_published_stories(client, corpus):
    (campaign,) = body_of(get(client, f"{API}/campaigns"))["campaigns"]
    assert [(t["lang"], t["title"]) for t in campaign["texts"]] == [
        ("en", "Peace week"),
        ("ur", "امن کا ہفتہ"),
    ]
    assert campaign["texts"][1]["url"] == "http://localhost/ur/campaigns/peace-week"
    assert follow(client, campaign["links"]["stories"])["total"] == 4
    detail = follow(client, campaign["links"]["self"])
    assert {s["id"] for s in detail["stories"]} == {
        corpus["named"].story_id,
        corpus["anonymous"].story_id,
    }
    for story in detail["stories"]:
        assert [t["lang"] for t in story["translations"]] == ["en", "ur"]


def test_languages_are_the_sites_enabled_languages(app, client):
    languages = body_of(get(client, f"{API}/languages"))["languages"]
    assert [lang["code"] for lang in languages] == list(app.extensions["hub.languages"])
    urdu = next(lang for lang in languages if lang["code"] == "ur")
    assert (urdu["native_name"], urdu["direction"], urdu["tag"]) == ("اردو", "rtl", "ur")
    assert urdu["links"]["stories"] == "http://localhost/api/v1/stories?lang=ur"


def test_urdu_is_sent_as_readable_utf8(client, make_story):
    make_story(state="published", lang="ur", title=URDU_TITLE, body=URDU_BODY)
    response = get(client, f"{API}/stories", query_string={"lang": "ur"})
    raw = response.get_data()
    assert URDU_TITLE.encode("utf-8") in raw
    assert b"\\u06" not in raw  # no \u escapes of Arabic-script letters


# --- search -------------------------------------------------------------------------------


def test_search_hits_snippets_and_facets(client, corpus):
    result = body_of(get(client, f"{API}/search", query_string={"q": "رواداری"}))
    (hit,) = result["hits"]
    assert hit["id"] == corpus["urdu"].id and hit["lang"] == "ur"
    assert "<mark>رواداری</mark>" in hit["snippet_html"]
    assert "رواداری" in hit["snippet"] and "<mark>" not in hit["snippet"]
    assert hit["url"] == f"http://localhost/ur/stories/{quote(corpus['urdu'].slug)}"
    assert result["facets"]["lang"] == [{"value": "ur", "count": 1}]
    young = {"q": "نوجوانوں"}
    everywhere = body_of(get(client, f"{API}/search", query_string=young))
    assert {h["id"] for h in everywhere["hits"]} == {
        corpus[k].id for k in ("urdu", "named_ur", "anonymous_ur")
    }
    narrowed = body_of(get(client, f"{API}/search", query_string={**young, "theme": "peace"}))
    assert [h["id"] for h in narrowed["hits"]] == [corpus["urdu"].id]
    assert narrowed["total"] == 1
    english = body_of(get(client, f"{API}/search", query_string={**young, "lang": "en"}))
    assert english["hits"] == [] and english["total"] == 0
    youth = body_of(get(client, f"{API}/search", query_string={"q": "youth", "theme": "youth"}))
    assert {h["id"] for h in youth["hits"]} == {corpus["named"].id}


def test_search_while_the_index_is_rebuilt_is_a_503_with_retry_after(app, client, spec):
    client.get(f"{API}/")  # the first request builds the index
    indexer = app.extensions["hub.search"]
    indexer._rebuilding.set()
    try:
        response = get(client, f"{API}/search", query_string={"q": "peace"})
    finally:
        indexer._rebuilding.clear()
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    assert spec.check("/search", response)["error"]["code"] == "search_unavailable"


# --- CORS, methods ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/stories", "/stories/987654", "/search", "/nowhere"])
def test_cors_on_every_answer_and_preflight(client, spec, path):
    for response in (
        client.get(API + path, headers={"Origin": "https://partner.example"}),
        client.head(API + path, headers={"Origin": "https://partner.example"}),
    ):
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in response.headers
    preflight = client.options(
        API + path,
        headers={
            "Origin": "https://partner.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "accept-language",
        },
    )
    assert preflight.status_code == 204 and preflight.get_data() == b""
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    methods = {m.strip() for m in preflight.headers["Access-Control-Allow-Methods"].split(",")}
    assert methods == {"GET", "HEAD", "OPTIONS"}
    assert "accept-language" in preflight.headers["Access-Control-Allow-Headers"].lower()
    assert int(preflight.headers["Access-Control-Max-Age"]) >= 600
    assert "Access-Control-Allow-Credentials" not in preflight.headers
    for header in spec.document["components"]["responses"]["Preflight"]["headers"]:
        assert header in preflight.headers, header


def test_head_answers_without_a_body(client, corpus):
    response = client.head(f"{API}/stories")
    assert response.status_code == 200 and response.get_data() == b""
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/", "", "/stories", "/stories/1", "/search"])
def test_other_methods_are_405_json(client, method, path):
    response = getattr(client, method)(API + path)
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert body_of(response)["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize("path", ["/nowhere", "/stories/abc", "/stories/1/extra", "/campaigns/"])
def test_unknown_paths_are_404_json_not_the_html_page(client, path):
    response = get(client, API + path)
    assert response.status_code == 404
    assert body_of(response)["error"] == {
        "status": 404,
        "code": "not_found",
        "message": "Nothing published is found at this address.",
    }


# --- bad input ------------------------------------------------------------------------------


def urdu(msgid: str, **params) -> str:
    """``msgid`` as the Urdu catalog has it (English until the lead translates it)."""
    catalog = Translations.load(str(ROOT / "translations"), ["ur_PK"])
    return catalog.gettext(msgid) % params


BAD = [
    ("/stories", {"page": "two"}, "page", "invalid_parameter",
     "The parameter %(name)s must be a whole number.", {"name": "page"}),
    ("/stories", {"page": "٣"}, "page", "invalid_parameter",
     "The parameter %(name)s must be a whole number.", {"name": "page"}),
    ("/stories", {"page": "0"}, "page", "invalid_parameter",
     "The parameter %(name)s must be between %(minimum)d and %(maximum)d.",
     {"name": "page", "minimum": 1, "maximum": 10000}),
    ("/stories", {"per_page": "101"}, "per_page", "invalid_parameter",
     "The parameter %(name)s must be between %(minimum)d and %(maximum)d.",
     {"name": "per_page", "minimum": 1, "maximum": 100}),
    ("/stories", {"per_page": "-5"}, "per_page", "invalid_parameter",
     "The parameter %(name)s must be between %(minimum)d and %(maximum)d.",
     {"name": "per_page", "minimum": 1, "maximum": 100}),
    ("/stories", {"page": "9" * 40}, "page", "invalid_parameter",
     "The parameter %(name)s must be between %(minimum)d and %(maximum)d.",
     {"name": "page", "minimum": 1, "maximum": 10000}),
    ("/stories", {"lang": "xx"}, "lang", "unknown_language",
     "“%(value)s” is not one of the languages this site publishes in.", {"value": "xx"}),
    ("/stories", {"theme": "war"}, "theme", "invalid_parameter",
     "“%(value)s” is not a known value of the parameter %(name)s.",
     {"value": "war", "name": "theme"}),
    ("/stories", {"campaign": "c" * 81}, "campaign", "invalid_parameter",
     "The parameter %(name)s is too long: at most %(maximum)d characters.",
     {"name": "campaign", "maximum": 80}),
    ("/search", {}, "q", "missing_parameter",
     "The parameter %(name)s is required.", {"name": "q"}),
    ("/search", {"q": "امن " * 200}, "q", "invalid_parameter",
     "The parameter %(name)s is too long: at most %(maximum)d characters.",
     {"name": "q", "maximum": 300}),
    ("/search", {"q": "peace", "sort": "oldest"}, "sort", "invalid_parameter",
     "“%(value)s” is not a known value of the parameter %(name)s.",
     {"value": "oldest", "name": "sort"}),
    ("/search", {"q": "peace", "per_page": "51"}, "per_page", "invalid_parameter",
     "The parameter %(name)s must be between %(minimum)d and %(maximum)d.",
     {"name": "per_page", "minimum": 1, "maximum": 50}),
]  # fmt: skip


@pytest.mark.parametrize(("path", "query", "parameter", "code", "msgid", "params"), BAD)
def test_bad_parameters_are_400_with_a_message_in_the_request_language(
    client, spec, path, query, parameter, code, msgid, params
):
    english = get(client, API + path, query_string=query, headers={"Accept-Language": "en"})
    assert english.status_code == 400
    error = spec.check(path, english)["error"]
    assert (error["code"], error["parameter"]) == (code, parameter)
    assert error["message"] == msgid % params
    assert english.headers["Content-Language"] == "en"
    in_urdu = get(client, API + path, query_string=query, headers={"Accept-Language": "ur"})
    error = spec.check(path, in_urdu)["error"]
    assert (in_urdu.status_code, error["code"], error["parameter"]) == (400, code, parameter)
    assert error["message"] == urdu(msgid, **params)
    assert in_urdu.headers["Content-Language"] == "ur"
    # ?lang= picks the language of the message too (here a valid one, Urdu).
    if "lang" not in query:
        asked = get(client, API + path, query_string={**query, "lang": "ur"})
        assert asked.headers["Content-Language"] == "ur"


def test_a_failure_is_a_500_json_in_urdu(client, spec, monkeypatch):
    from content.services import api_queries

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(api_queries, "live_page", broken)
    response = get(client, f"{API}/stories", headers={"Accept-Language": "ur"})
    assert response.status_code == 500
    error = spec.check("/stories", response)["error"]
    assert error == {
        "status": 500,
        "code": "internal_error",
        "message": "ہماری طرف کوئی خرابی پیش آ گئی",  # already in the Urdu catalog
    }
    assert "database went away" not in response.get_data(as_text=True)

"""HTTP caching of the public site, through real requests: validators and 304s, validators
that change by themselves when content does, compression, Cache-Control per kind of page,
versioned static files, and a page cache that never serves a signed-in page to the public,
a public page to a signed-in user, or anything the public may no longer see.

The page cache is off in tests by default; here it is on, as in production.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import time
from collections import Counter
from pathlib import Path

import brotli
import pytest
from sqlalchemy import func, select, update

from content import services
from content.models import ReachView, SiteState, Translation
from content.services.reviews import ActionInput
from content.services.stories import CHECKLIST, TextInput
from content.workflow import Action

PUBLIC = "public, max-age=60, s-maxage=60, stale-while-revalidate=30"
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
STATIC = Path(__file__).resolve().parents[2] / "static"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "HUB_PAGE_CACHE": True}


@pytest.fixture
def page_cache(app):
    return app.extensions["hub.page_cache"]


def generation(session) -> tuple[int, int]:
    session.rollback()
    values = dict(session.execute(select(SiteState.key, SiteState.value)).all())
    return values.get("public", 0), values.get("public.changed_at", 0)


def change_made_long_ago(session) -> None:
    """As if the last public change were half a minute old: Last-Modified is only sent once
    the second of the last change is over."""
    session.execute(
        update(SiteState)
        .where(SiteState.key == "public.changed_at")
        .values(value=int(time.time()) - 30)
    )
    session.commit()


def act(session, actor, t, action, **extra):
    services.apply_action(
        session, actor=actor, translation=t, request=ActionInput(Action(action), **extra)
    )


def republish(session, t, *, author, editor, title, body):
    """An author edits a published story; an editor approves and publishes the new text."""
    services.save_revision(
        session,
        actor=author,
        translation=t,
        base_revision_id=t.latest_revision_id,
        text=TextInput(title=title, summary="Neighbours listen to each other.", body=body),
    )
    act(session, author, t, "submit")
    act(session, editor, t, "approve", checklist=frozenset(CHECKLIST))
    act(session, editor, t, "publish")


def public_pages(t) -> dict[str, str]:
    return {
        "home": "/en/",
        "story": f"/en/stories/{t.slug}",
        "list": "/en/stories/",
        "feed": "/en/feed.atom",
    }


# --- conditional requests --------------------------------------------------------------------


@pytest.mark.parametrize("cached", [True, False], ids=["page-cache", "no-page-cache"])
def test_repeated_conditional_requests_get_304(app, session, make_story, cached, page_cache):
    if not cached:
        app.extensions["hub.http_caching"].cache = None
    t = make_story(state="published", title="Youth dialogue in the old city")
    change_made_long_ago(session)
    client = app.test_client()
    for name, url in public_pages(t).items():
        first = client.get(url)
        assert first.status_code == 200, name
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert etag.startswith('W/"'), name

        by_tag = client.get(url, headers={"If-None-Match": etag})
        assert by_tag.status_code == 304, name
        assert by_tag.data == b"", name
        assert by_tag.headers["ETag"] == etag, name
        assert by_tag.headers["Cache-Control"] == PUBLIC, name

        by_date = client.get(url, headers={"If-Modified-Since": modified})
        assert by_date.status_code == 304, name

        other = client.get(url, headers={"If-None-Match": 'W/"something-else"'})
        assert other.status_code == 200 and other.data == first.data, name
    if cached:
        assert page_cache.hits >= 3 * len(public_pages(t))


def test_api_answers_conditional_requests(app, make_story):
    make_story(state="published", title="Interfaith football on Fridays")
    client = app.test_client()
    first = client.get("/api/v1/stories")
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == PUBLIC
    again = client.get("/api/v1/stories", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["Access-Control-Allow-Origin"] == "*"  # the API's own hook still ran


def test_validators_change_when_public_content_changes(
    app, session, make_user, make_story, page_cache
):
    author = make_user("contributor")
    editor = make_user("editor", all_languages=True)
    first = make_story(author, state="published", title="Tea with the neighbours")
    change_made_long_ago(session)
    client = app.test_client()
    home = client.get("/en/")
    story = client.get(f"/en/stories/{first.slug}")
    assert client.get("/en/").headers["ETag"] == home.headers["ETag"]  # stable meanwhile
    before = generation(session)

    # Publishing a new story: the home page has it at once, under a new validator.
    make_story(author, state="published", title="A library that never closes")
    after_publish = generation(session)
    assert after_publish[0] > before[0] and after_publish[1] >= before[1]
    fresh = client.get("/en/", headers={"If-None-Match": home.headers["ETag"]})
    assert fresh.status_code == 200
    assert "A library that never closes" in fresh.get_data(as_text=True)
    assert fresh.headers["ETag"] != home.headers["ETag"]
    # A client that only kept the date is not told its copy is current either.
    by_date = client.get("/en/", headers={"If-Modified-Since": home.headers["Last-Modified"]})
    assert by_date.status_code == 200

    # Editing: the new text, under a new validator.
    republish(
        session,
        first,
        author=author,
        editor=editor,
        title="Tea with the neighbours, every Sunday",
        body="Young people and elders meet every Sunday.\n\nThey listen first.",
    )
    assert generation(session)[0] > after_publish[0]
    edited = client.get(
        f"/en/stories/{first.slug}", headers={"If-None-Match": story.headers["ETag"]}
    )
    assert edited.status_code == 200
    assert "every Sunday" in edited.get_data(as_text=True)
    assert edited.headers["ETag"] != story.headers["ETag"]

    # Unpublishing: gone at once, from the story page and the home page.
    act(session, editor, first, "unpublish")
    gone = client.get(
        f"/en/stories/{first.slug}", headers={"If-None-Match": edited.headers["ETag"]}
    )
    assert gone.status_code == 404
    assert gone.headers["Cache-Control"] == "no-store"
    assert "every Sunday" not in client.get("/en/").get_data(as_text=True)


def test_each_transaction_that_changes_public_content_bumps_the_generation_once(
    session, make_user, make_story
):
    editor = make_user("editor", all_languages=True)
    t = make_story(state="approved", title="Cricket for peace")
    number, _at = generation(session)
    act(session, editor, t, "publish")  # one transaction: translation, audit, outbox rows
    assert generation(session)[0] == number + 1
    services.mark_read(session, editor)  # a bulk UPDATE of notifications: nothing public
    assert generation(session)[0] == number + 1


# --- compression -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "coding", "decompress"),
    [("gzip", "gzip", gzip.decompress), ("gzip, deflate, br", "br", brotli.decompress)],
)
def test_pages_are_compressed_when_the_client_accepts_it(
    app, make_story, accept, coding, decompress
):
    t = make_story(state="published", title="Listening circles in the bazaar", lang="en")
    client = app.test_client()
    for url in (f"/en/stories/{t.slug}", "/en/", "/en/feed.atom", "/api/v1/stories"):
        plain = client.get(url)
        assert "Content-Encoding" not in plain.headers, url
        for _round in ("stored", "from the cache"):
            packed = client.get(url, headers={"Accept-Encoding": accept})
            assert packed.headers["Content-Encoding"] == coding, url
            assert "Accept-Encoding" in packed.headers["Vary"], url
            assert decompress(packed.data) == plain.data, url
            assert len(packed.data) < len(plain.data), url
            # One weak tag for every encoding of the same page.
            assert packed.headers["ETag"] == plain.headers["ETag"], url


def test_static_text_is_compressed_but_fonts_are_not(app):
    client = app.test_client()
    css = client.get("/static/css/hub.css", headers={"Accept-Encoding": "gzip"})
    assert css.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(css.data) == (STATIC / "css" / "hub.css").read_bytes()
    font = next((STATIC / "fonts").glob("*.woff2"))
    got = client.get(f"/static/fonts/{font.name}", headers={"Accept-Encoding": "gzip, br"})
    assert got.status_code == 200
    assert "Content-Encoding" not in got.headers
    got.close()
    css.close()


def test_signed_in_pages_are_compressed_too(make_user, browser_as):
    b = browser_as(make_user("editor", all_languages=True))
    got = b.get("/editorial/", headers={"Accept-Encoding": "gzip"})
    assert got.status_code == 200
    assert got.headers["Content-Encoding"] == "gzip"
    assert got.headers["Cache-Control"] == "private, no-store"


# --- Cache-Control per kind of answer --------------------------------------------------------


def test_cache_control_for_each_kind_of_answer(app, make_user, make_story, browser_as):
    t = make_story(state="published", title="A mural painted together")
    client = app.test_client()
    for url in ("/en/", f"/en/stories/{t.slug}", "/en/stories/", "/en/feed.atom", "/sitemap.xml"):
        got = client.get(url)
        assert got.status_code == 200, url
        assert got.headers["Cache-Control"] == PUBLIC, url
        assert {"Accept-Encoding", "Cookie"} <= {
            v.strip() for v in got.headers["Vary"].split(",")
        }, url

    root = client.get("/", headers={"Accept-Language": "ur"})
    assert root.status_code == 302
    assert root.headers["Cache-Control"] == PUBLIC
    assert "Accept-Language" in root.headers["Vary"]

    assert client.get("/healthz").headers["Cache-Control"] == "no-store"
    missing = client.get("/en/stories/no-such-story")
    assert missing.status_code == 404 and missing.headers["Cache-Control"] == "no-store"
    share = client.get(f"/en/share/{t.id}/whatsapp")
    assert share.status_code == 302 and share.headers["Cache-Control"] == "no-store"

    b = browser_as(make_user("editor", all_languages=True))
    for url in ("/en/", f"/en/stories/{t.slug}", "/editorial/", "/api/v1/stories"):
        got = b.get(url)
        assert got.status_code == 200, url
        assert got.headers["Cache-Control"] == "private, no-store", url
        assert "ETag" not in got.headers, url


def test_a_session_cookie_makes_public_pages_private(app, make_story, page_cache):
    t = make_story(state="published", title="Students who disagree well")
    visitor = app.test_client()
    visitor.get("/auth/login")  # the sign-in form's token starts a session
    assert visitor.get_cookie(app.config["SESSION_COOKIE_NAME"]) is not None
    app.test_client().get(f"/en/stories/{t.slug}")  # someone else fills the cache
    hits = page_cache.hits
    for _ in range(2):
        got = visitor.get(f"/en/stories/{t.slug}")
        assert got.status_code == 200
        assert got.headers["Cache-Control"] == "private, no-store"
        assert "ETag" not in got.headers
    assert page_cache.hits == hits


# --- the page cache ----------------------------------------------------------------------------


def test_cache_never_mixes_signed_in_and_public_pages(
    app, make_user, make_story, browser_as, page_cache
):
    editor = make_user("editor", all_languages=True, name="Editor Amina")
    t = make_story(state="published", title="Peace committee in the valley")
    public = app.test_client()
    signed_in = browser_as(editor)
    for url in ("/en/", f"/en/stories/{t.slug}"):
        # Public first (kept), then signed in: the signed-in page is the user's own.
        assert "Editor Amina" not in public.get(url).get_data(as_text=True)
        own = signed_in.get(url)
        assert "Editor Amina" in own.get_data(as_text=True), url
        # Then public again, from the cache: still nobody's page.
        hits = page_cache.hits
        again = public.get(url)
        assert page_cache.hits == hits + 1, url
        assert "Editor Amina" not in again.get_data(as_text=True), url
        assert again.headers["Cache-Control"] == PUBLIC, url
    # Signed in first on a fresh page: nothing of it is kept for the public.
    page_cache.clear()
    other = make_story(state="published", title="Elders and youth at one table")
    assert "Editor Amina" in signed_in.get(f"/en/stories/{other.slug}").get_data(as_text=True)
    assert len(page_cache) == 0
    assert "Editor Amina" not in public.get(f"/en/stories/{other.slug}").get_data(as_text=True)


def test_cache_never_serves_an_unpublished_story(app, session, make_user, make_story, page_cache):
    editor = make_user("editor", all_languages=True)
    t = make_story(state="published", title="Sports day for two schools")
    client = app.test_client()
    url = f"/en/stories/{t.slug}"
    assert client.get(url).status_code == 200
    hits = page_cache.hits
    assert client.get(url).status_code == 200
    assert page_cache.hits == hits + 1  # it is in the cache

    act(session, editor, t, "unpublish")
    assert client.get(url).status_code == 404  # at once, not after some expiry
    assert "Sports day for two schools" not in client.get("/en/").get_data(as_text=True)

    draft = make_story(state="draft", title="A draft nobody may read yet")
    assert client.get(f"/en/stories/{draft.slug}").status_code == 404
    assert "A draft nobody may read yet" not in client.get("/en/").get_data(as_text=True)


def test_publishing_shows_on_the_home_page_at_once(app, make_story, page_cache):
    client = app.test_client()
    make_story(state="published", title="First light of the festival")
    assert "First light of the festival" in client.get("/en/").get_data(as_text=True)
    client.get("/en/")
    assert page_cache.hits >= 1
    make_story(state="published", title="Neighbours rebuild the school wall")
    assert "Neighbours rebuild the school wall" in client.get("/en/").get_data(as_text=True)


def test_search_results_follow_unpublishing(app, session, make_user, make_story):
    editor = make_user("editor", all_languages=True)
    t = make_story(
        state="published",
        title="Kitemakers of the riverside",
        body="The kitemakers taught children patience.\n\nEveryone flew one together.",
    )
    client = app.test_client()
    url = "/en/search?q=kitemakers"
    link = f'href="/en/stories/{t.slug}"'
    assert link in client.get(url).get_data(as_text=True)
    assert link in client.get(url).get_data(as_text=True)  # kept, and served from the cache
    act(session, editor, t, "unpublish")
    html = client.get(url).get_data(as_text=True)
    assert link not in html and "kitemakers taught" not in html.lower()


def test_cache_hits_and_304s_are_counted_as_views(app, session, make_story, page_cache):
    t = make_story(state="published", title="Football without borders")
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = BROWSER_UA
    url = f"/en/stories/{t.slug}"
    first = client.get(url)
    hits = page_cache.hits
    client.get(url)
    client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert page_cache.hits == hits + 2
    session.rollback()
    views = session.scalar(
        select(func.sum(ReachView.count)).where(ReachView.translation_id == t.id)
    )
    assert views == 3


# --- static files --------------------------------------------------------------------------------


def test_static_urls_carry_a_content_hash_and_are_immutable(app):
    client = app.test_client()
    html = client.get("/en/").get_data(as_text=True)
    match = re.search(r'href="(/static/css/hub\.css\?v=([0-9a-f]{12}))"', html)
    assert match, "the stylesheet link has no version"
    url, version = match.groups()
    assert version == hashlib.sha256((STATIC / "css" / "hub.css").read_bytes()).hexdigest()[:12]
    versioned = client.get(url)
    assert versioned.status_code == 200
    assert versioned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    for other in ("/static/css/hub.css", "/static/css/hub.css?v=000000000000"):
        got = client.get(other)
        assert got.status_code == 200
        assert got.headers["Cache-Control"] == "public, max-age=86400", other
        got.close()
    versioned.close()


# --- the benchmark's data ----------------------------------------------------------------------


def test_demo_scale_adds_published_stories_in_four_languages(app, runner, session):
    def live() -> dict[int, tuple[str, str]]:
        session.rollback()
        rows = session.execute(
            select(Translation.id, Translation.lang, Translation.slug).where(
                Translation.is_live.is_(True)
            )
        )
        return {i: (lang, slug) for i, lang, slug in rows.all()}

    assert runner.invoke(args=["hub", "demo"]).exit_code == 0
    before, number = live(), generation(session)[0]
    result = runner.invoke(args=["hub", "demo", "--if-empty", "--scale", "8"])
    assert result.exit_code == 0, result.output
    assert "Added 8 published stories" in result.output
    added = {i: t for i, t in live().items() if i not in before}
    # Sources take turns in en, ur, sd, ps; every fourth story also has a translation.
    assert Counter(lang for lang, _slug in added.values()) == {"en": 4, "ur": 2, "sd": 2, "ps": 2}
    assert generation(session)[0] > number
    client = app.test_client()
    for lang, slug in added.values():
        assert client.get(f"/{lang}/stories/{slug}").status_code == 200, (lang, slug)

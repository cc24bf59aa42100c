"""Every page in every language: status 200, the right lang and dir, content in its own
language marked as such."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from content import languages
from content.models import Story, Translation

CODES = sorted(languages.LANGUAGES)


@pytest.fixture
def world(session, make_user, make_story, runner):
    """A published Urdu story with an English translation, and an editor for everything."""
    assert runner.invoke(args=["hub", "demo"]).exit_code == 0
    session.rollback()
    published = session.scalars(select(Translation).where(Translation.is_live.is_(True))).all()
    return {"published": published}


def html_tag(html: str) -> str:
    return html.split("<html", 1)[1].split(">", 1)[0]


@pytest.mark.parametrize("code", CODES)
def test_public_pages_in_every_language(app, world, code):
    lang = languages.get(code)
    client = app.test_client()
    story = world["published"][0]
    pages = [f"/{code}/", f"/{code}/s/{story.story_id}", f"/{code}/stories/no-such-story"]
    for url in pages:
        response = client.get(url, follow_redirects=True)
        assert response.status_code in (200, 404), url
        html = response.get_data(as_text=True)
        assert f'lang="{lang.tag}" dir="{lang.direction}"' in html_tag(html), url
        assert "Set-Cookie" not in response.headers
    # A story not yet in this language is shown in its chain's first language, marked.
    html = client.get(f"/{code}/s/{story.story_id}", follow_redirects=True).get_data(as_text=True)
    content_lang = languages.get(story.lang)
    assert f'lang="{content_lang.tag}" dir="{content_lang.direction}"' in html


@pytest.mark.parametrize("code", CODES)
def test_editorial_pages_in_every_language(app, world, make_user, browser_as, session, code):
    lang = languages.get(code)
    admin = make_user(
        "admin",
        roles=["admin", "editor", "translator"],
        all_languages=True,
        languages=(code, "en"),
        preferred_language=code,
    )
    b = browser_as(admin)
    t = world["published"][0]
    story = session.get(Story, t.story_id)
    pages = [
        "/editorial/",
        "/editorial/review",
        "/editorial/stories/new",
        f"/editorial/t/{t.id}",
        f"/editorial/t/{t.id}/edit",
        f"/editorial/stories/{story.id}/details",
        "/editorial/translations",
        "/editorial/translations/grid",
        "/editorial/campaigns",
        "/editorial/notifications",
        "/auth/account",
        "/admin/users",
        "/admin/organisations",
        "/admin/audit",
    ]
    for url in pages:
        response = b.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert f'lang="{lang.tag}" dir="{lang.direction}"' in html_tag(html), url
        assert response.headers["Cache-Control"] == "private, no-store"


URDU_MUST_NOT_SHOW = ("My work", "Notifications", "Sign out", "Review queue", "Write a new story")


def test_urdu_interface_has_no_english_left(app, world, make_user, browser_as):
    editor = make_user("editor", all_languages=True, preferred_language="ur")
    b = browser_as(editor)
    html = b.get("/editorial/").get_data(as_text=True)
    for english in URDU_MUST_NOT_SHOW:
        assert english not in html, english


def test_sign_in_page_follows_the_browser_language(app):
    html = (
        app.test_client()
        .get("/auth/login", headers={"Accept-Language": "sd"})
        .get_data(as_text=True)
    )
    assert 'lang="sd" dir="rtl"' in html_tag(html)
    assert ">Sign in<" not in html


def test_language_switcher_keeps_the_same_story(app, world):
    client = app.test_client()
    t = world["published"][0]
    html = client.get(f"/{t.lang}/stories/{t.slug}").get_data(as_text=True)
    for code in CODES:
        if code == t.lang:
            continue
        assert f'href="/{code}/' in html
    # Switching to a language without this story keeps the story (fallback), not the home page.
    other = next(
        c
        for c in CODES
        if c not in {x.lang for x in world["published"] if x.story_id == t.story_id}
    )
    assert f'href="/{other}/s/{t.story_id}"' in html

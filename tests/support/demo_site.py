"""The demo site served on loopback for the browser tests that read the public pages.

Register with ``pytest_plugins = ["tests.support.demo_site"]``. The ``demo_site`` fixture
(module scope) builds the app on a copy of the migrated SQLite template with the demo content
(tests/e2e/screenshots.py: ``build_app``), serves it with ``serve_app`` and yields a
``DemoSite``: the base URL, ``url(endpoint, **values)`` to build a page's address with the
app's own routes, which endpoints exist, and where the demo's stories and campaign are. The
tests only read: nothing they do changes what the next test sees.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import url_for
from sqlalchemy import select

from content.models import Campaign, Translation
from hub.extensions import db as hub_db
from tests.e2e.screenshots import build_app
from tests.support.browser import serve_app


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    summary: str


@dataclass(frozen=True)
class DemoSite:
    base: str
    endpoints: frozenset[str]
    originals: dict[str, Story]  # language -> a published original in it
    shared: dict[str, Story]  # language -> the live translations of one story (en and ur)
    campaign: str  # slug of the demo campaign
    organisation: str  # slug of the organisation that published the shared story
    _url_for: Callable[..., str]

    def url(self, endpoint: str, **values) -> str:
        return self.base + self._url_for(endpoint, **values)

    def has(self, endpoint: str) -> bool:
        return endpoint in self.endpoints


def _story(t: Translation) -> Story:
    return Story(slug=t.slug, title=t.live_revision.title, summary=t.live_revision.summary or "")


@pytest.fixture(scope="module")
def demo_site(sqlite_template, tmp_path_factory, chromium_browser):
    # chromium_browser first: without Chromium the module skips before building anything.
    data_dir = tmp_path_factory.mktemp("demo-site")
    shutil.copy(sqlite_template, data_dir / "hub.sqlite3")
    app = build_app(data_dir, database_url=f"sqlite:///{data_dir / 'hub.sqlite3'}", TESTING=True)

    def app_url_for(endpoint: str, **values) -> str:
        with app.test_request_context():
            return url_for(endpoint, **values)

    with app.app_context():
        live = [t for t in hub_db.session.scalars(select(Translation)) if t.is_live]
        originals = {t.lang: _story(t) for t in live if t.is_source}
        by_story: dict[int, dict[str, Translation]] = {}
        for t in live:
            by_story.setdefault(t.story_id, {})[t.lang] = t
        shared_rows = next(
            langs
            for langs in by_story.values()
            if {"en", "ur"} <= set(langs) and langs["en"].is_source
        )
        shared = {code: _story(t) for code, t in shared_rows.items()}
        organisation = shared_rows["en"].story.organisation.slug
        campaign = hub_db.session.scalars(select(Campaign.slug)).first()
        hub_db.session.remove()
    try:
        with serve_app(app) as base:
            yield DemoSite(
                base=base,
                endpoints=frozenset(app.view_functions),
                originals=originals,
                shared=shared,
                campaign=campaign,
                organisation=organisation,
                _url_for=app_url_for,
            )
    finally:
        app.extensions["hub.search"].wait(30)
        hub_db.dispose(app)

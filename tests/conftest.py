"""The fixture chain: database -> app -> client, plus factories for users and stories.

Every web test runs on SQLite, and on PostgreSQL too when HUB_TEST_DATABASE_URL is set
(under HUB_TEST_REQUIRE_ALL=1 it must be). Schemas come from the Alembic migrations, not
create_all: migrated once per session, then copied (SQLite) or truncated (PostgreSQL) per
test.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, text

from content import services
from content.models import Base, utcnow
from content.services.reviews import ActionInput
from content.services.stories import CHECKLIST, StoryInput
from content.workflow import Action
from hub import create_app
from hub.config import normalise_database_url
from hub.extensions import db as hub_db
from hub.migrate import upgrade_database
from tests.services import require_service

pytest_plugins = [
    "tests.support.s3",
    "tests.support.browser",
    "tests.support.axe",
    "tests.support.demo_site",
]

PASSWORD = "correct horse battery"


# --- interface catalogs ---------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs():
    """`make test` compiles the catalogs; a bare `pytest` run gets them compiled here."""
    from hub.i18n import compile_catalogs

    compile_catalogs(str(Path(__file__).resolve().parents[1] / "translations"))


# --- databases -------------------------------------------------------------------------------


def _backends() -> list:
    return ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    upgrade_database(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url():
    url = os.environ.get("HUB_TEST_DATABASE_URL")
    require_service("PostgreSQL", bool(url), "set HUB_TEST_DATABASE_URL")
    url = normalise_database_url(url)
    schema = f"hub_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # a configured but unreachable server is a failure
        pytest.fail(f"PostgreSQL at HUB_TEST_DATABASE_URL is not reachable: {exc}")
    sep = "&" if "?" in url else "?"
    scoped = f"{url}{sep}options=-csearch_path%3D{schema}"
    upgrade_database(scoped)
    yield scoped
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _truncate_postgres(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=_backends())
def database_url(request, tmp_path, sqlite_template):
    if request.param == "sqlite":
        path = tmp_path / "hub.sqlite3"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    _truncate_postgres(url)
    return url


# --- the app ---------------------------------------------------------------------------------


@pytest.fixture
def app_config(database_url, tmp_path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-000",
        "HUB_DATABASE_URL": database_url,
        "HUB_DATA_DIR": str(tmp_path),
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "HUB_RATELIMIT_STORAGE_URL": "memory://",
        # A fresh index is rebuilt at the first request: in the foreground here, so that no
        # thread still holds a connection when the test ends.
        "HUB_SEARCH_BACKGROUND_REBUILD": False,
    }


@pytest.fixture
def app(app_config):
    # No app context is held for the test: requests must each get their own, or Flask's
    # ``g`` (and the signed-in user cached in it) would leak from one request to the next.
    app = create_app(app_config)
    app.extensions["hub.mail_outbox"] = []
    yield app
    app.extensions["hub.search"].wait(30)
    hub_db.dispose(app)


@pytest.fixture
def session(app):
    """The test's own session, apart from the one requests use (and remove after each
    request), so objects made by factories stay usable. Call ``session.rollback()`` before
    reading what a request changed."""
    own = app.extensions["hub.sessionmaker"]()  # same hooks (search sync) as the app's
    yield own
    own.close()


@pytest.fixture
def outbox(app) -> list:
    return app.extensions["hub.mail_outbox"]


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- browsing as a person ----------------------------------------------------------------------

CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token_in(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1) or match.group(2)


class _FormParser(HTMLParser):
    """Collects each form's action and its hidden inputs, as a browser would send them."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs.get("action") or "", {}))
        elif tag == "input" and self.forms and attrs.get("type") == "hidden" and attrs.get("name"):
            self.forms[-1][1].setdefault(attrs["name"], attrs.get("value") or "")


def hidden_fields(html: str, action: str, page_url: str) -> dict:
    """The hidden inputs of the first form in ``html`` that posts to ``action``."""
    parser = _FormParser()
    parser.feed(html)
    target = urlsplit(action).path
    for form_action, fields in parser.forms:
        resolved = urlsplit(form_action or page_url).path
        if resolved == target:
            return dict(fields)
    raise AssertionError(f"no form posting to {action} on {page_url}")


class Browser:
    """A test client that behaves like a person: fills in a form the page really shows and
    sends its hidden fields (CSRF token included) along with what the person typed."""

    def __init__(self, client):
        self.client = client

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def token(self, url: str = "/editorial/") -> str:
        response = self.client.get(url)
        return csrf_token_in(response.get_data(as_text=True))

    def submit(self, form_url: str, data: dict, *, action: str | None = None, **kwargs):
        """GET ``form_url``, take its CSRF token, POST ``data`` to ``action`` (or the same URL)."""
        page = self.client.get(form_url)
        assert page.status_code == 200, (form_url, page.status_code)
        target = action or form_url
        payload = {**hidden_fields(page.get_data(as_text=True), target, form_url), **data}
        return self.client.post(target, data=payload, **kwargs)

    def login(self, email: str, password: str = PASSWORD):
        response = self.submit("/auth/login", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    def logout(self):
        token = self.token()
        return self.client.post("/auth/logout", data={"csrf_token": token})


@pytest.fixture
def browser(app) -> Browser:
    return Browser(app.test_client())


@pytest.fixture
def browser_as(app, make_user):
    """``browser_as(user)`` -> a signed-in Browser of its own (separate cookies)."""

    def sign_in(user) -> Browser:
        b = Browser(app.test_client())
        b.login(user.email)
        return b

    return sign_in


# --- factories ---------------------------------------------------------------------------------


@pytest.fixture
def make_org(session):
    counter = iter(range(1, 10_000))

    def make(slug: str | None = None, name: str | None = None):
        n = next(counter)
        return services.create_organisation(
            session, actor=None, slug=slug or f"org-{n}", name=name or f"Peace Org {n}"
        )

    return make


@pytest.fixture
def make_user(session, make_org):
    counter = iter(range(1, 10_000))

    def make(role="contributor", *, org=None, languages=(), all_languages=False, roles=None, **kw):
        n = next(counter)
        roles = roles or [role]
        if org is None and "contributor" in roles:
            org = make_org()
        if not languages and not all_languages and {"editor", "translator"} & set(roles):
            languages = ("en", "ur")
        return services.create_user(
            session,
            actor=None,
            email=kw.pop("email", f"{roles[0]}{n}@example.org"),
            name=kw.pop("name", f"{roles[0].title()} {n}"),
            password=PASSWORD,
            roles=roles,
            organisation_id=org.id if org is not None else None,
            languages_=languages,
            all_languages=all_languages,
            **kw,
        )

    return make


STATES_PATH = {
    "draft": [],
    "in_review": ["submit"],
    "changes_requested": ["submit", "request_changes"],
    "approved": ["submit", "approve"],
    "scheduled": ["submit", "approve", "schedule"],
    "published": ["submit", "approve", "publish"],
    "unpublished": ["submit", "approve", "publish", "unpublish"],
    "archived": ["submit", "approve", "publish", "archive"],
}


@pytest.fixture
def make_story(session, make_user):
    """``make_story(author, state="published", lang="en", ...)`` drives the real workflow."""
    cache = {}

    def editor_for(lang):
        if lang not in cache:
            cache[lang] = make_user("editor", all_languages=True)
        return cache[lang]

    def make(author=None, *, state="draft", lang="en", title=None, body=None, **meta):
        author = author or make_user("contributor")
        t = services.create_story(
            session,
            actor=author,
            data=StoryInput(
                title=title or f"Dialogue circle {uuid.uuid4().hex[:6]}",
                summary=meta.pop("summary", "Neighbours meet to talk and listen."),
                body=body or "Young people met every week.\n\nThey listened to each other.",
                source_language=lang,
                **meta,
            ),
        )
        editor = editor_for(lang)
        for step in STATES_PATH[state]:
            actor = author if step == "submit" else editor
            extra = {}
            if step == "approve":
                extra["checklist"] = frozenset(CHECKLIST)
            if step == "schedule":
                extra["scheduled_at"] = utcnow() + timedelta(hours=1)
            services.apply_action(
                session, actor=actor, translation=t, request=ActionInput(Action(step), **extra)
            )
        assert t.state == state
        return t

    return make

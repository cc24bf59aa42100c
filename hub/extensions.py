"""The extension objects, unbound; the factory initialises them.

Everything imports them from here, never from ``hub``.
"""

from __future__ import annotations

from flask import Flask, current_app, has_app_context
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from content.services._base import AFTER_COMMIT_KEY
from content.services.generation import track_public_changes


class Database:
    """An engine and a session factory per app; one request-scoped session proxy for all.

    ``db.session`` is a thread-scoped session made by the current app's factory, so two apps
    in one process (tests, a CLI next to a server) never share an engine.
    """

    def __init__(self) -> None:
        self.session: scoped_session[Session] = scoped_session(self._new_session)
        # Run after each service's commit (mail, search sync): see content.services._base.
        self.after_commit_hooks: list = []
        self._last_factory: sessionmaker | None = None

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["HUB_DATABASE_URL"])
        hooks: list = []
        # expire_on_commit=False: a view keeps using the objects a service committed.
        factory = sessionmaker(
            bind=engine,
            expire_on_commit=False,
            info={AFTER_COMMIT_KEY: lambda session: [hook(session) for hook in hooks]},
        )
        # Every transaction that changes public content bumps the public generation, which
        # the page cache and HTTP validators are keyed on (hub.public.caching).
        track_public_changes(factory)
        app.extensions["hub.db"] = self
        app.extensions["hub.engine"] = engine
        app.extensions["hub.sessionmaker"] = factory
        app.extensions["hub.after_commit_hooks"] = hooks
        self.after_commit_hooks = hooks
        self._last_factory = factory

        @app.teardown_appcontext
        def remove_session(exc: BaseException | None) -> None:
            if exc is not None:
                self.session.rollback()
            self.session.remove()

    def _new_session(self) -> Session:
        if has_app_context() and "hub.sessionmaker" in current_app.extensions:
            return current_app.extensions["hub.sessionmaker"]()
        if self._last_factory is None:
            raise RuntimeError("no app has initialised the database")
        return self._last_factory()

    def factory(self, app: Flask | None = None) -> sessionmaker:
        app = app or current_app
        return app.extensions["hub.sessionmaker"]

    def engine_of(self, app: Flask | None = None) -> Engine:
        app = app or current_app
        return app.extensions["hub.engine"]

    def dispose(self, app: Flask | None = None) -> None:
        """Close the app's connections (the last initialised app's when none is given)."""
        self.session.remove()
        if app is not None:
            app.extensions["hub.engine"].dispose()
        elif self._last_factory is not None:
            self._last_factory.kw["bind"].dispose()


def make_engine(url: str) -> Engine:
    from hub.config import normalise_database_url

    url = normalise_database_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15})

        @event.listens_for(engine, "connect")
        def sqlite_pragmas(dbapi_conn, record):
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


db = Database()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
# Compression of everything the page cache does not already hold compressed (set up, and
# called, by hub.public.caching so that it runs after every other response hook).
compress = Compress()

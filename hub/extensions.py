"""The extension objects, unbound; the factory initialises them.

Everything imports them from here, never from ``hub``.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from content.services._base import AFTER_COMMIT_KEY


class Database:
    """One engine and a request-scoped session per app (plain SQLAlchemy 2)."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.session: scoped_session[Session] | None = None
        # Run after each service's commit (mail, search sync): see content.services._base.
        self.after_commit_hooks: list = []

    def init_app(self, app: Flask) -> None:
        url = app.config["HUB_DATABASE_URL"]
        self.engine = make_engine(url)
        # expire_on_commit=False: a view keeps using the objects a service committed.
        self.after_commit_hooks = []
        factory = sessionmaker(
            bind=self.engine,
            expire_on_commit=False,
            info={AFTER_COMMIT_KEY: self._after_commit},
        )
        self.session = scoped_session(factory)
        app.extensions["hub.db"] = self

        @app.teardown_appcontext
        def remove_session(exc: BaseException | None) -> None:
            if exc is not None:
                self.session.rollback()
            self.session.remove()

    def _after_commit(self, session: Session) -> None:
        for hook in self.after_commit_hooks:
            hook(session)

    def dispose(self) -> None:
        if self.session is not None:
            self.session.remove()
        if self.engine is not None:
            self.engine.dispose()


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

"""The web layer: ``create_app`` wires settings, extensions, blueprints, errors and the CLI.

It only wires: no migrations, queries, prompts or network calls happen here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from hub.config import ROOT, check_config, load_config


def create_app(config: Mapping | None = None) -> Flask:
    app = Flask(
        __name__,
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.update(load_config())
    if config:
        app.config.update(config)
    check_config(app.config)
    configure_logging(app)
    register_extensions(app)
    init_media(app)
    init_search(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_request_hooks(app)
    register_template_helpers(app)
    register_commands(app)
    if app.config.get("HUB_PROXY_FIX"):
        hops = int(app.config["HUB_PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app


def configure_logging(app: Flask) -> None:
    app.logger.setLevel(app.config.get("HUB_LOG_LEVEL", "INFO"))
    logging.getLogger("hub").setLevel(app.config.get("HUB_LOG_LEVEL", "INFO"))


def register_extensions(app: Flask) -> None:
    from content.workflow import Policy
    from hub import mail
    from hub.auth.manager import init_login
    from hub.extensions import babel, csrf, db, limiter
    from hub.i18n import ChainDomain, babel_locale_selector, parse_enabled

    app.extensions["hub.languages"] = parse_enabled(app.config["HUB_LANGUAGES"])
    app.extensions["hub.policy"] = Policy(four_eyes=bool(app.config["HUB_FOUR_EYES"]))
    db.init_app(app)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["HUB_RATELIMIT_STORAGE_URL"])
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=babel_locale_selector,
        default_translation_directories=str(ROOT / "translations"),
    )
    babel.domain_instance = ChainDomain(str(ROOT / "translations"))
    init_login(app)
    mail.init_mail(app)


def init_media(app: Flask) -> None:
    """The media store (built once) and the upload limits."""
    from pathlib import Path

    from content.media.store import build_store
    from content.services.media import MB, MediaLimits

    settings = dict(app.config)
    if not settings.get("MEDIA_ROOT"):
        settings["MEDIA_ROOT"] = str(Path(app.config["HUB_DATA_DIR"]) / "media")
    app.extensions["hub.media"] = build_store(settings)
    app.extensions["hub.media_limits"] = MediaLimits(
        image=int(app.config["HUB_MEDIA_MAX_IMAGE_MB"]) * MB,
        video=int(app.config["HUB_MEDIA_MAX_VIDEO_MB"]) * MB,
        audio=int(app.config["HUB_MEDIA_MAX_AUDIO_MB"]) * MB,
        document=int(app.config["HUB_MEDIA_MAX_DOCUMENT_MB"]) * MB,
    )


def init_search(app: Flask) -> None:
    """The search index, kept in step after every commit that wrote the outbox, and brought
    up to date (or rebuilt, in the background) at the first request."""
    import threading
    from pathlib import Path

    from content.services._base import OUTBOX_WRITTEN_KEY
    from hub.indexing import Indexer
    from search import SearchIndex

    path = app.config.get("HUB_SEARCH_DIR") or str(Path(app.config["HUB_DATA_DIR"]) / "search")
    indexer = Indexer(SearchIndex(path), app.extensions["hub.sessionmaker"])
    app.extensions["hub.search"] = indexer

    def sync_after_commit(session) -> None:
        if session.info.pop(OUTBOX_WRITTEN_KEY, False):
            indexer.sync_quietly()

    app.extensions["hub.after_commit_hooks"].append(sync_after_commit)
    started = threading.Lock()
    state = {"started": False}

    @app.before_request
    def start_search_once() -> None:
        if state["started"]:
            return
        with started:
            if not state["started"]:
                state["started"] = True
                indexer.start(background=app.config.get("HUB_SEARCH_BACKGROUND_REBUILD", True))


def register_blueprints(app: Flask) -> None:
    from hub.admin import site_pages  # noqa: F401 - the pages admins write (about)
    from hub.admin.routes import bp as admin_bp
    from hub.api.routes import bp as api_bp
    from hub.auth.routes import bp as auth_bp
    from hub.editorial import (  # noqa: F401 - add their routes
        campaigns,
        media,
        reviewing,
        translating,
        writing,
    )
    from hub.editorial import reach as reach_views  # noqa: F401 - the reach dashboard
    from hub.editorial.routes import bp as editorial_bp
    from hub.media.routes import bp as media_bp
    from hub.public import discovery  # noqa: F401 - adds the feeds, sitemap and robots.txt
    from hub.public import share as share_routes  # noqa: F401 - the counting share redirect
    from hub.public.routes import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(editorial_bp, url_prefix="/editorial")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(media_bp, url_prefix="/media")
    app.register_blueprint(api_bp, url_prefix="/api/v1")


def register_errorhandlers(app: Flask) -> None:
    from hub import errors

    errors.register(app)


def register_request_hooks(app: Flask) -> None:
    from hub import reach, security
    from hub.public import caching

    caching.register(app)  # first: its after_request (304s, compression) runs after the rest
    security.register(app)
    reach.register(app)


def register_template_helpers(app: Flask) -> None:
    from hub import templating

    templating.register(app)


def register_commands(app: Flask) -> None:
    from hub.cli import hub_cli

    app.cli.add_command(hub_cli)

"""Error pages and the mapping of domain errors to HTTP statuses, in the user's language.

A page under a language prefix (``/ur/...``) answers in that language even when no route
matched. Error pages are light: no script, no image. The 500 page is drawn without the
template context processors (they read the signed-in user from the database, which may be
what failed), and as plain built-in HTML if even that fails.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_babel import refresh
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from content.errors import Conflict, ContentError, InvalidInput, InvalidTransition, NotAllowed
from content.errors import NotFound as DomainNotFound
from hub.extensions import db
from hub.messages import error_text

log = logging.getLogger("hub.errors")

STATUS_FOR = (
    (DomainNotFound, 404),
    (NotAllowed, 403),
    (Conflict, 409),
    (InvalidTransition, 409),
    (InvalidInput, 400),
    (ContentError, 400),
)


def status_for(exc: ContentError) -> int:
    for cls, status in STATUS_FOR:
        if isinstance(exc, cls):
            return status
    return 400


def _titles() -> dict[int, str]:
    return {
        400: _("That request could not be handled"),
        403: _("You are not allowed to do this"),
        404: _("Page not found"),
        405: _("That request could not be handled"),
        409: _("This changed in the meantime"),
        413: _("That is too large"),
        429: _("Too many attempts"),
        500: _("Something went wrong on our side"),
    }


def _explanations() -> dict[int, str]:
    return {
        404: _("The page you asked for does not exist, or is not available to you."),
        413: _("The data you sent is larger than the hub accepts."),
        429: _("Please wait a minute and try again."),
        500: _("The error has been logged. Please try again in a moment."),
    }


def _language_from_path() -> None:
    """Speak the language of the URL's prefix, when it names an enabled one."""
    from hub.i18n import enabled_languages

    first = request.path.lstrip("/").split("/", 1)[0]
    if first in enabled_languages() and g.get("lang") != first:
        g.lang = first
        refresh()  # Flask-Babel may have cached the locale chosen before


def _language_without_database() -> None:
    """Choose the language of a 500 page without current_language(), which (without a
    language prefix) asks for the signed-in user: a database read, and the database may be
    what failed."""
    from hub.i18n import enabled_languages, negotiate

    if not g.get("lang"):
        g.lang = negotiate(
            request.accept_languages,
            enabled_languages(),
            current_app.config["HUB_DEFAULT_LANGUAGE"],
        )
        refresh()


def render_error(status: int, message: str | None = None):
    _language_from_path()
    if status >= 500:
        _language_without_database()
    title = _titles().get(status, _titles()[400])
    message = message or _explanations().get(status, "")
    if status >= 500:
        return render_server_error(status, title, message)
    return render_template("errors/error.html", status=status, title=title, message=message), status


def render_server_error(status: int, title: str, message: str):
    from content import languages

    try:
        template = current_app.jinja_env.get_template("errors/server_error.html")
        html = template.render(
            status=status,
            title=title,
            message=message,
            page_lang=languages.get(g.lang),
            site_name=current_app.config["HUB_SITE_NAME"],
        )
    except Exception:
        log.exception("the error page itself failed")
        home = escape(request.script_root + "/")
        html = (
            f'<!doctype html><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<h1>{escape(title)}</h1><p>{escape(message)}</p>"
            f'<p><a href="{home}">{escape(_("Go to the home page"))}</a></p>'
        )
    return html, status, {"Content-Type": "text/html; charset=utf-8"}


def report_unexpected(logger: logging.Logger = log) -> None:
    """Log the exception being handled, with the request, and end the failed transaction so
    the error page (and the next request on this session) starts clean."""
    logger.exception("unhandled error on %s %s", request.method, request.path)
    try:
        db.session.rollback()
    except Exception:
        logger.exception("rollback failed")


def register(app: Flask) -> None:
    @app.errorhandler(ContentError)
    def content_error(exc: ContentError):
        status = status_for(exc)
        return render_error(status, None if status == 404 else error_text(exc))

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return render_error(
            400,
            _("This form has expired or was sent from elsewhere. Please go back and try again."),
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        return render_error(exc.code)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        report_unexpected()
        return render_error(500)

"""What every template can use: the page language, the signed-in user, labels, formatting.

Templates format; they do not decide. Permission answers come from content.workflow.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, current_app, g, request, url_for
from flask_babel import format_datetime
from markupsafe import Markup, escape

from content import languages, workflow
from hub import messages
from hub.auth.manager import acting_user
from hub.extensions import db
from hub.i18n import current_language, enabled_language_objects


def lang_attrs(code: str | None) -> Markup:
    """``lang`` and ``dir`` attributes for content in language ``code``."""
    if not code or not languages.is_known(code):
        return Markup("")
    lang = languages.get(code)
    return Markup(' lang="{}" dir="{}"').format(lang.tag, lang.direction)


def switch_language_url(code: str) -> str:
    """The same page in another language."""
    alternates = getattr(g, "alternate_urls", None) or {}
    if code in alternates:
        return alternates[code]
    args = dict(request.view_args or {})
    if request.endpoint and "lang" in args:
        args["lang"] = code
        return url_for(request.endpoint, **args)
    query = request.args.to_dict()
    query["lang"] = code
    return f"{request.path}?{urlencode(query)}"


def format_dt(value, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_datetime(value, fmt)


def register(app: Flask) -> None:
    @app.context_processor
    def page_context():
        lang = current_language()
        actor = acting_user()
        unread = 0
        if actor is not None:
            from content.services.notifications import unread_count

            unread = unread_count(db.session, actor)
        return {
            "page_lang": lang,
            "languages_enabled": enabled_language_objects(),
            "actor": actor,
            "unread_count": unread,
            "site_name": current_app.config["HUB_SITE_NAME"],
            "wf": workflow,
            "policy": current_app.extensions["hub.policy"],
        }

    app.jinja_env.globals.update(
        lang_attrs=lang_attrs,
        switch_language_url=switch_language_url,
        language=languages.get,
        label=messages.label,
        labels=messages,
    )
    app.jinja_env.filters["datetime"] = format_dt
    app.jinja_env.filters["bdi"] = lambda value: Markup("<bdi>{}</bdi>").format(escape(value))

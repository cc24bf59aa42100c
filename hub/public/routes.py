"""The public site: published content only, the same for everybody, no session cookie."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from sqlalchemy import text

from content import languages
from content.services import queries
from hub.extensions import db
from hub.i18n import enabled_languages, negotiate

bp = Blueprint("public", __name__)


@bp.url_value_preprocessor
def pull_lang(endpoint, values):
    if values is None or "lang" not in values:
        return
    if values["lang"] not in enabled_languages():
        abort(404)
    g.lang = values["lang"]


@bp.get("/")
def root():
    code = negotiate(
        request.accept_languages, enabled_languages(), current_app.config["HUB_DEFAULT_LANGUAGE"]
    )
    response = redirect(url_for("public.home", lang=code), code=302)
    response.headers["Vary"] = "Accept-Language"
    return response


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        current_app.logger.exception("health check: database unreachable")
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}


@bp.get("/<lang>/")
def home(lang: str):
    page = queries.latest_published(db.session, lang, page=request.args.get("page", 1, type=int))
    return render_template("public/home.html", page=page)


@bp.get("/<lang>/stories/<slug>")
def story(lang: str, slug: str):
    t = queries.published_by_slug(db.session, lang, slug)
    if t is None or t.live_revision is None:
        abort(404)
    return _render_story(t, page_lang=lang)


@bp.get("/<lang>/s/<int:story_id>")
def story_by_id(lang: str, story_id: int):
    """A story in the page's language, or in the first language of its chain that has it."""
    live = {t.lang: t for t in queries.live_translations_of(db.session, story_id)}
    if not live:
        abort(404)
    if lang in live:
        return redirect(url_for("public.story", lang=lang, slug=live[lang].slug), code=302)
    for code in languages.fallback_chain(lang, enabled_languages()):
        if code in live:
            return _render_story(live[code], page_lang=lang)
    return _render_story(next(iter(live.values())), page_lang=lang)


def _render_story(t, *, page_lang: str):
    translations = queries.live_translations_of(db.session, t.story_id)
    others = [o for o in translations if o.id != t.id]
    by_lang = {o.lang: o for o in translations}
    g.alternate_urls = {
        code: (
            url_for("public.story", lang=code, slug=by_lang[code].slug)
            if code in by_lang
            else url_for("public.story_by_id", lang=code, story_id=t.story_id)
        )
        for code in enabled_languages()
    }
    return render_template(
        "public/story.html",
        t=t,
        rev=t.live_revision,
        story=t.story,
        others=others,
        translations=translations,
        content_lang=languages.get(t.lang),
        is_fallback=t.lang != page_lang,
        translator=queries.translator_of(t),
    )

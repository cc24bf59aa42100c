"""Administration of the pages admins write for the public site ("about the network"), one
text per language. Registered on the admin blueprint (admins only, like all of it).

A save carries the version of the text the form was opened on; when another admin saved in
between, the save is refused, the admin's text stays in the form, and the saved text is
shown beside it to compare.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from content import languages
from content.errors import Conflict, InvalidInput
from content.models import SITE_PAGES
from content.services import site_pages
from hub.admin.routes import bp
from hub.auth.manager import acting_user
from hub.extensions import db
from hub.forms_support import apply_error
from hub.i18n import enabled_language_objects, enabled_languages
from hub.messages import error_text

PAGE_NAMES = {"about": _l("About the network")}


class SitePageForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=site_pages.MAX_TITLE)])
    body = TextAreaField(_l("Text (Markdown)"))
    # The version this form was opened on; empty for a language not written yet.
    version = HiddenField(validators=[Optional(), Regexp(r"^\d{1,9}$")])
    submit = SubmitField(_l("Save this language"))


def _page_name(slug: str) -> str:
    return str(PAGE_NAMES.get(slug, slug))


@bp.get("/pages/")
def site_pages_index():
    rows = []
    for slug in SITE_PAGES:
        texts = site_pages.texts_of(db.session, slug)
        rows.append(
            (
                slug,
                _page_name(slug),
                [(lang, texts.get(lang.code)) for lang in enabled_language_objects()],
            )
        )
    return render_template("admin/site_pages.html", pages=rows)


# The text's language is <code>, not <lang>: a "lang" view argument would switch the
# interface language (hub.i18n.select_language), and the admin's interface stays theirs.
@bp.route("/pages/<slug>/<code>", methods=["GET", "POST"])
def edit_site_page(slug: str, code: str):
    lang = code
    if slug not in SITE_PAGES or lang not in enabled_languages():
        abort(404)
    page = site_pages.text_in(db.session, slug, lang)
    form = SitePageForm()
    if request.method == "GET" and page is not None:
        form.title.data = page.title
        form.body.data = page.body
        form.version.data = str(page.version)
    conflict = None
    status = 200
    if form.validate_on_submit():
        base = int(form.version.data) if form.version.data else None
        try:
            site_pages.save_site_page(
                db.session,
                actor=acting_user(),
                slug=slug,
                lang=lang,
                title=form.title.data,
                body=form.body.data or "",
                base_version=base,
            )
        except Conflict as exc:
            db.session.expire_all()
            conflict = site_pages.text_in(db.session, slug, lang)
            # Saving again is a deliberate choice over the text shown beside the form.
            form.version.data = str(conflict.version) if conflict is not None else ""
            flash(error_text(exc), "error")
            status = 409
        except InvalidInput as exc:
            apply_error(form, exc)
            status = 400
        else:
            flash(_("The page is saved."), "success")
            return redirect(url_for("admin.edit_site_page", slug=slug, code=lang), code=303)
    elif request.method == "POST":
        status = 400
    return (
        render_template(
            "admin/site_page_form.html",
            form=form,
            slug=slug,
            page_name=_page_name(slug),
            text_lang=languages.get(lang),
            page=page if conflict is None else conflict,
            conflict=conflict,
        ),
        status,
    )

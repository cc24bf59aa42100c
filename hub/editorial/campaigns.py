"""Campaign pages of the editorial area: create campaigns and write their title and
description in each language. Registered on the editorial blueprint."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from content.errors import ContentError, InvalidInput
from content.models import Campaign, utcnow
from content.services import campaigns as campaign_services
from content.services import queries
from hub.auth.manager import acting_user
from hub.editorial.routes import _language_choices, bp
from hub.extensions import db
from hub.forms_support import apply_error
from hub.i18n import current_language, enabled_language_objects
from hub.messages import error_text


class CampaignForm(FlaskForm):
    slug = StringField(
        _l("Short name for addresses (a-z, 0-9, -)"), validators=[DataRequired(), Length(max=64)]
    )
    lang = SelectField(_l("Language of the first title"), choices=[])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    organisation = SelectField(_l("Organisation"), choices=[], validators=[Optional()])
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    submit = SubmitField(_l("Create campaign"))


class CampaignTextForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    submit = SubmitField(_l("Save this language"))


def _date_to_utc(value):
    if value is None:
        return None
    from datetime import UTC, datetime

    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def _require_manager():
    actor = acting_user()
    if not campaign_services.can_manage_campaigns(actor):
        abort(404)
    return actor


@bp.get("/campaigns")
def campaigns():
    _require_manager()
    return render_template(
        "editorial/campaigns.html",
        campaigns=campaign_services.list_campaigns(db.session),
        languages_list=enabled_language_objects(),
        chain=(current_language().code, "en"),
    )


@bp.route("/campaigns/new", methods=["GET", "POST"])
def new_campaign():
    actor = _require_manager()
    form = CampaignForm()
    form.lang.choices = _language_choices()
    form.organisation.choices = [("", _("Whole network"))] + [
        (str(o.id), o.name) for o in queries.organisations(db.session)
    ]
    if request.method == "GET":
        form.lang.data = current_language().code
    if form.validate_on_submit():
        org = form.organisation.data
        try:
            campaign = campaign_services.create_campaign(
                db.session,
                actor=actor,
                slug=form.slug.data,
                lang=form.lang.data,
                title=form.title.data,
                description=form.description.data or "",
                organisation_id=int(org) if org else None,
                starts_on=_date_to_utc(form.starts_on.data),
                ends_on=_date_to_utc(form.ends_on.data),
            )
        except InvalidInput as exc:
            apply_error(form, exc)
        except ContentError as exc:
            flash(error_text(exc), "error")
        else:
            flash(_("The campaign is created."), "success")
            return redirect(url_for("editorial.campaign", campaign_id=campaign.id), code=303)
    return render_template("editorial/campaign_new.html", form=form)


@bp.get("/campaigns/<int:campaign_id>")
def campaign(campaign_id: int):
    actor = _require_manager()
    item = db.session.get(Campaign, campaign_id) or abort(404)
    texts = {t.lang: t for t in item.texts}
    forms = []
    for lang in enabled_language_objects():
        form = CampaignTextForm(prefix=lang.code)
        text = texts.get(lang.code)
        if text is not None:
            form.title.data, form.description.data = text.title, text.description
        editable = campaign_services.can_edit_campaign_text(actor, lang.code)
        forms.append((lang, form, text, editable))
    return render_template("editorial/campaign.html", campaign=item, forms=forms, now=utcnow())


@bp.post("/campaigns/<int:campaign_id>/text/<lang>")
def campaign_text(campaign_id: int, lang: str):
    actor = _require_manager()
    item = db.session.get(Campaign, campaign_id) or abort(404)
    form = CampaignTextForm(prefix=lang)
    if form.validate_on_submit():
        try:
            campaign_services.set_campaign_text(
                db.session,
                actor=actor,
                campaign=item,
                lang=lang,
                title=form.title.data,
                description=form.description.data or "",
            )
        except ContentError as exc:
            flash(error_text(exc), "error")
        else:
            flash(_("Saved."), "success")
    else:
        flash(_("The title is required."), "error")
    return redirect(url_for("editorial.campaign", campaign_id=item.id) + f"#text-{lang}", 303)

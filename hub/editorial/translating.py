"""The editorial pages for content translation: requests, claims, the translator's queue
and the status grid. Registered on the editorial blueprint."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from content import languages, workflow
from content.errors import ContentError
from content.models import Campaign, Story
from content.services import queries
from content.services import translations as translation_services
from hub.auth.manager import acting_user
from hub.editorial.forms import ClaimForm, GridFilterForm, RequestTranslationsForm
from hub.editorial.routes import _campaign_choices, _language_choices, _translation, bp
from hub.extensions import db
from hub.i18n import enabled_languages
from hub.messages import CELL_LABELS, error_text


@bp.post("/stories/<int:story_id>/translations")
def request_translations(story_id: int):
    actor = acting_user()
    story = db.session.get(Story, story_id)
    if story is None or not workflow.can_view_story(actor, story):
        abort(404)
    form = RequestTranslationsForm()
    form.languages.choices = _language_choices()
    target = url_for("editorial.translation", translation_id=story.source.id)
    if not form.validate_on_submit():
        flash(_("Choose at least one language."), "error")
        return redirect(target, code=303)
    try:
        created = translation_services.request_translations(
            db.session, actor=actor, story=story, langs=form.languages.data or []
        )
    except ContentError as exc:
        flash(error_text(exc), "error")
    else:
        names = ", ".join(languages.get(t.lang).native_name for t in created)
        flash(_("Translation requested: %(languages)s.", languages=names), "success")
    return redirect(target, code=303)


@bp.post("/t/<int:translation_id>/claim")
def claim(translation_id: int):
    t = _translation(translation_id)
    if not ClaimForm().validate_on_submit():
        abort(400)
    try:
        translation_services.claim(db.session, actor=acting_user(), translation=t)
    except ContentError as exc:
        if t.claimed_by_id is not None and t.claimed_by_id != acting_user().id:
            flash(_("Someone else has already taken this translation."), "error")
        else:
            flash(error_text(exc), "error")
        return redirect(url_for("editorial.translation_queue"), code=303)
    flash(_("It is yours: nobody else will start this translation."), "success")
    return redirect(url_for("editorial.edit", translation_id=t.id), code=303)


@bp.post("/t/<int:translation_id>/release")
def release(translation_id: int):
    t = _translation(translation_id)
    if not ClaimForm().validate_on_submit():
        abort(400)
    try:
        translation_services.release(db.session, actor=acting_user(), translation=t)
    except ContentError as exc:
        flash(error_text(exc), "error")
    else:
        flash(_("The translation is free for another translator."), "success")
    return redirect(url_for("editorial.translation", translation_id=t.id), code=303)


@bp.get("/translations")
def translation_queue():
    actor = acting_user()
    items = translation_services.translator_queue(db.session, actor)
    return render_template(
        "editorial/translation_queue.html",
        items=items,
        claim_form=ClaimForm(),
        can_claim=workflow.can_claim,
    )


@bp.get("/translations/grid")
def translation_grid():
    actor = acting_user()
    if not workflow.can_review(actor):
        abort(404)
    form = GridFilterForm(request.args)
    form.campaign.choices = [("", _("All campaigns")), *_campaign_choices()]
    form.organisation.choices = [("", _("All organisations"))] + [
        (str(o.id), o.name) for o in queries.organisations(db.session)
    ]
    form.lang.choices = [("", _("All languages")), *_language_choices()]
    codes = [form.lang.data] if form.lang.data in enabled_languages() else enabled_languages()
    campaign, org = form.campaign.data, form.organisation.data
    rows = translation_services.status_grid(
        db.session,
        actor,
        codes=codes,
        campaign_id=int(campaign) if campaign and campaign.isdigit() else None,
        organisation_id=int(org) if org and org.isdigit() else None,
    )
    return render_template(
        "editorial/translation_grid.html",
        rows=rows,
        codes=codes,
        form=form,
        cell_labels=CELL_LABELS,
        request_form=RequestTranslationsForm(),
        has_campaigns=db.session.query(Campaign.id).first() is not None,
    )

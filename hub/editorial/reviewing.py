"""The editorial pages for one translation: its page, old revisions, workflow actions and
comments; and the user's notifications. Registered on the editorial blueprint."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from content import services, workflow
from content.errors import ContentError
from content.services import queries
from content.workflow import Action
from hub.auth.manager import acting_user
from hub.editorial.forms import (
    ActionForm,
    ClaimForm,
    CommentForm,
    MarkReadForm,
    RequestTranslationsForm,
)
from hub.editorial.routes import _changes_view, _diff, _policy, _translation, bp
from hub.extensions import db
from hub.i18n import enabled_language_objects
from hub.messages import ACTION_DONE, error_text, media_problem_text
from hub.notices import describe


@bp.get("/t/<int:translation_id>")
def translation(translation_id: int):
    actor = acting_user()
    t = _translation(translation_id)
    live = t.live_revision
    latest = t.latest_revision
    diff = None
    if live is not None and latest is not None and live.id != latest.id:
        diff = _diff(live.body, latest.body)
    actions = workflow.available_actions(actor, t, _policy())
    story = t.story
    missing = [
        (lang.code, lang.native_name)
        for lang in enabled_language_objects()
        if story.translation(lang.code) is None
        and workflow.can_request_translation(actor, story, lang.code)
    ]
    request_form = None
    if missing:
        request_form = RequestTranslationsForm()
        request_form.languages.choices = missing
    others = [o for o in story.translations if o.id != t.id and workflow.can_view(actor, o)]
    return render_template(
        "editorial/translation.html",
        t=t,
        story=story,
        live=live,
        latest=latest,
        diff=diff,
        others=others,
        actions=[a for a in actions if a != Action.EDIT],
        can_edit=Action.EDIT in actions,
        can_comment=workflow.can_comment(actor, t),
        can_claim=workflow.can_claim(actor, t),
        can_release=workflow.can_release_claim(actor, t),
        refusal=workflow.refusal(actor, Action.APPROVE, t, _policy()),
        comments=services.comments_of(db.session, t),
        revisions=services.revisions_of(db.session, t),
        history=queries.audit_for_translation(db.session, t),
        source_changes=_changes_view(t),
        media_issues=[
            (asset, media_problem_text(reason)) for asset, reason in workflow.media_problems(t)
        ],
        action_form=ActionForm(version=t.version),
        comment_form=CommentForm(),
        claim_form=ClaimForm(),
        request_form=request_form,
        timezone=current_app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC"),
    )


@bp.get("/t/<int:translation_id>/revisions/<int:revision_id>")
def revision(translation_id: int, revision_id: int):
    t = _translation(translation_id)
    try:
        rev = services.get_revision(db.session, t, revision_id)
    except ContentError:
        abort(404)
    return render_template("editorial/revision.html", t=t, rev=rev)


def _local_to_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC"))
    return value.replace(tzinfo=zone).astimezone(ZoneInfo("UTC"))


@bp.post("/t/<int:translation_id>/action")
def act(translation_id: int):
    actor = acting_user()
    t = _translation(translation_id)
    form = ActionForm()
    if not form.validate_on_submit() or form.action.data not in {a.value for a in Action}:
        flash(_("This form was not complete. Please try again."), "error")
        return redirect(url_for("editorial.translation", translation_id=t.id), code=303)
    action = Action(form.action.data)
    try:
        services.apply_action(
            db.session,
            actor=actor,
            translation=t,
            request=services.ActionInput(
                action=action,
                note=form.note.data or "",
                checklist=frozenset(form.checklist.data or ()),
                scheduled_at=_local_to_utc(form.scheduled_at.data),
                expected_version=form.version.data,
                minor=bool(request.form.get("minor")),
            ),
            policy=_policy(),
        )
    except ContentError as exc:
        flash(error_text(exc), "error")
    else:
        flash(str(ACTION_DONE.get(action.value, _("Done."))), "success")
    return redirect(url_for("editorial.translation", translation_id=t.id), code=303)


@bp.post("/t/<int:translation_id>/comments")
def comment(translation_id: int):
    actor = acting_user()
    t = _translation(translation_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            services.add_comment(db.session, actor=actor, translation=t, body=form.body.data)
        except ContentError as exc:
            flash(error_text(exc), "error")
        else:
            flash(_("Your comment is added."), "success")
    else:
        flash(_("Write a comment first."), "error")
    return redirect(url_for("editorial.translation", translation_id=t.id) + "#comments", 303)


# --- notifications ----------------------------------------------------------------------


@bp.get("/notifications")
def notifications():
    actor = acting_user()
    items = services.list_notifications(db.session, actor)
    return render_template(
        "editorial/notifications.html",
        items=[(n, describe(n)) for n in items],
        form=MarkReadForm(),
    )


@bp.post("/notifications/read")
def mark_read():
    actor = acting_user()
    form = MarkReadForm()
    if not form.validate_on_submit():
        abort(400)
    only = request.form.get("id", "")
    services.mark_read(db.session, actor, [int(only)] if only.isdigit() else None)
    return redirect(url_for("editorial.notifications"), code=303)

"""The editorial pages for writing: a new story, editing a translation's text (with the
side-by-side helpers for translators), a story's details, the Markdown preview and
autosave. Registered on the editorial blueprint."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from content import rendering, services, workflow
from content.errors import Conflict, InvalidInput
from content.models import Story
from content.segments import split_segments
from content.services import queries
from content.services import translations as translation_services
from content.services.stories import StoryInput, TextInput
from content.workflow import Action
from hub.auth.manager import acting_user
from hub.editorial.forms import (
    DiscardAutosaveForm,
    EditTextForm,
    NewStoryForm,
    PreviewForm,
    StoryDetailsForm,
)
from hub.editorial.routes import (
    _campaign_choices,
    _changes_view,
    _diff,
    _language_choices,
    _policy,
    _translation,
    bp,
)
from hub.extensions import db
from hub.forms_support import apply_error
from hub.messages import error_text


def _side_by_side(t):
    """The source segments a translation is made from, or None for the original text."""
    if t.is_source:
        return None
    source = translation_services.source_revision_for(t)
    return split_segments(source.body) if source is not None else None


def _pair_segments(source_segments, target_body: str):
    """Source paragraphs beside the translation's, aligned by position. When the counts
    differ (the translator merged or split paragraphs) the last field takes the rest."""
    target = [seg.text for seg in split_segments(target_body)]
    n = len(source_segments)
    if len(target) > n and n:
        target = [*target[: n - 1], "\n\n".join(target[n - 1 :])]
    target += [""] * (n - len(target))
    return [
        (seg, Markup(rendering.render_markdown(seg.text)), text)  # noqa: S704 - sanitised
        for seg, text in zip(source_segments, target, strict=True)
    ]


def _story_input(form, *, with_text: bool) -> StoryInput:
    campaign = form.campaign.data
    org = getattr(form, "organisation", None)
    return StoryInput(
        title=form.title.data if with_text else "",
        summary=form.summary.data or "" if with_text else "",
        body=form.body.data or "" if with_text else "",
        kind=form.kind.data,
        source_language=getattr(form, "source_language", None).data if with_text else "en",
        themes=tuple(form.themes.data or ()),
        region=form.region.data or None,
        byline_mode=form.byline_mode.data,
        is_sensitive=bool(form.is_sensitive.data),
        campaign_id=int(campaign) if campaign else None,
        organisation_id=int(org.data) if org is not None and org.data else None,
    )


@bp.route("/stories/new", methods=["GET", "POST"])
def new_story():
    actor = acting_user()
    if not workflow.can_create_story(actor):
        abort(404)
    form = NewStoryForm()
    form.fill_choices(_campaign_choices())
    form.source_language.choices = _language_choices()
    may_choose_org = workflow.can_choose_organisation(actor)
    form.organisation.choices = [(str(o.id), o.name) for o in queries.organisations(db.session)]
    if request.method == "GET":
        form.source_language.data = actor.preferred_language
        form.byline_mode.data = "named"
        if actor.organisation_id:
            form.organisation.data = str(actor.organisation_id)
    if form.validate_on_submit():
        try:
            t = services.create_story(
                db.session, actor=actor, data=_story_input(form, with_text=True)
            )
        except InvalidInput as exc:
            apply_error(form, exc, {"campaign": "campaign", "organisation": "organisation"})
        else:
            services.discard_autosave(db.session, actor=actor, translation=None)
            flash(_("Your draft is saved."), "success")
            return redirect(url_for("editorial.translation", translation_id=t.id), code=303)
    saved = services.get_autosave(db.session, actor, None)
    return render_template(
        "editorial/story_new.html",
        form=form,
        may_choose_org=may_choose_org,
        autosave=saved,
        discard_form=DiscardAutosaveForm(scope="new-story"),
    ), (400 if form.errors else 200)


def _segment_values() -> list[str] | None:
    """The per-paragraph fields of the side-by-side translation editor, in order."""
    keys = [k for k in request.form if k.startswith("seg-") and k[4:].isdigit()]
    if not keys:
        return None
    return [request.form[k] for k in sorted(keys, key=lambda k: int(k[4:]))]


@bp.route("/t/<int:translation_id>/edit", methods=["GET", "POST"])
def edit(translation_id: int):
    actor = acting_user()
    t = _translation(translation_id)
    if not workflow.can(actor, Action.EDIT, t, _policy()):
        abort(403)
    form = EditTextForm()
    latest = t.latest_revision
    segments = _side_by_side(t)
    if request.method == "POST" and (values := _segment_values()) is not None:
        form.body.data = "\n\n".join(v.strip() for v in values if v.strip())
    if request.method == "GET":
        form.title.data = latest.title if latest else ""
        form.summary.data = latest.summary if latest else ""
        form.body.data = latest.body if latest else ""
        form.base_revision_id.data = str(latest.id) if latest else ""
    conflict = None
    status = 200
    if form.validate_on_submit():
        base = form.base_revision_id.data
        text = TextInput(form.title.data, form.summary.data or "", form.body.data or "")
        try:
            services.save_revision(
                db.session,
                actor=actor,
                translation=t,
                base_revision_id=int(base) if base and base.isdigit() else None,
                text=text,
                note=form.note.data or "",
                policy=_policy(),
            )
        except Conflict:
            db.session.refresh(t)
            conflict = t.latest_revision
            # The next save is a deliberate choice over the newer revision.
            form.base_revision_id.data = str(conflict.id)
            status = 409
            flash(error_text(Conflict()), "error")
        except InvalidInput as exc:
            apply_error(form, exc)
            status = 400
        else:
            flash(_("Saved as a new revision."), "success")
            return redirect(url_for("editorial.translation", translation_id=t.id), code=303)
    elif request.method == "POST":
        status = 400
    conflict_diff = None
    if conflict is not None:
        conflict_diff = _diff(conflict.body, form.body.data or "")
    return render_template(
        "editorial/edit.html",
        t=t,
        form=form,
        conflict=conflict,
        conflict_diff=conflict_diff,
        side_by_side=_pair_segments(segments, form.body.data or "") if segments else None,
        source_changes=_changes_view(t),
        autosave=services.get_autosave(db.session, actor, t),
        discard_form=DiscardAutosaveForm(scope=f"translation:{t.id}"),
    ), status


@bp.route("/stories/<int:story_id>/details", methods=["GET", "POST"])
def story_details(story_id: int):
    actor = acting_user()
    story = db.session.get(Story, story_id)
    if story is None or story.source is None or not workflow.can_view(actor, story.source):
        abort(404)
    if not workflow.can(actor, Action.EDIT, story.source, _policy()):
        abort(403)
    form = StoryDetailsForm()
    form.fill_choices(_campaign_choices())
    if request.method == "GET":
        form.kind.data = story.kind
        form.themes.data = list(story.themes)
        form.region.data = story.region or ""
        form.byline_mode.data = story.byline_mode
        form.is_sensitive.data = story.is_sensitive
        form.campaign.data = str(story.campaign_id or "")
    if form.validate_on_submit():
        try:
            services.update_story_meta(
                db.session, actor=actor, story=story, data=_story_input(form, with_text=False)
            )
        except InvalidInput as exc:
            apply_error(form, exc)
        else:
            flash(_("The story's details are saved."), "success")
            return redirect(url_for("editorial.translation", translation_id=story.source.id), 303)
    return render_template("editorial/details.html", story=story, form=form)


@bp.post("/preview")
def preview():
    form = PreviewForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        html = rendering.render_markdown(form.body.data or "")
    except InvalidInput as exc:
        return jsonify(error=error_text(exc)), 400
    return jsonify(html=html)


@bp.post("/autosave")
def autosave():
    actor = acting_user()
    form = PreviewForm()  # only for its CSRF check
    if not form.validate_on_submit():
        abort(400)
    scope = request.form.get("scope", "")
    translation = None
    if scope.startswith("translation:") and scope[12:].isdigit():
        translation = _translation(int(scope[12:]))
    elif scope != "new-story":
        abort(400)
    base = request.form.get("base_revision_id", "")
    services.autosave(
        db.session,
        actor=actor,
        translation=translation,
        base_revision_id=int(base) if base.isdigit() else None,
        data={k: request.form.get(k, "") for k in ("title", "summary", "body")},
    )
    return jsonify(saved=True)


@bp.post("/autosave/discard")
def discard_autosave():
    actor = acting_user()
    form = DiscardAutosaveForm()
    if not form.validate_on_submit():
        abort(400)
    scope = form.scope.data or ""
    translation = None
    target = url_for("editorial.new_story")
    if scope.startswith("translation:") and scope[12:].isdigit():
        translation = _translation(int(scope[12:]))
        target = url_for("editorial.edit", translation_id=translation.id)
    services.discard_autosave(db.session, actor=actor, translation=translation)
    flash(_("The unsaved text was discarded."), "success")
    return redirect(target, code=303)

"""The editorial area: writing, reviewing and publishing stories.

Thin views: parse the form, call one service with the acting user, turn domain errors into
messages. Anything a user may not see answers 404.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import Markup

from content import languages, rendering, services, workflow
from content.errors import Conflict, ContentError, InvalidInput
from content.models import Campaign, Story
from content.segments import diff_html, split_segments
from content.services import queries
from content.services import translations as translation_services
from content.services.stories import StoryInput, TextInput
from content.workflow import Action
from hub.auth.manager import acting_user
from hub.editorial.forms import (
    ActionForm,
    ClaimForm,
    CommentForm,
    DiscardAutosaveForm,
    EditTextForm,
    MarkReadForm,
    NewStoryForm,
    PreviewForm,
    QueueFilterForm,
    RequestTranslationsForm,
    StoryDetailsForm,
)
from hub.extensions import db
from hub.forms_support import apply_error
from hub.i18n import current_language, enabled_language_objects
from hub.messages import ACTION_DONE, STATE_LABELS, error_text, media_problem_text
from hub.notices import describe

bp = Blueprint("editorial", __name__)


@bp.before_request
@login_required
def require_login():
    """Every editorial page needs a signed-in, active user."""


def _policy() -> workflow.Policy:
    return current_app.extensions["hub.policy"]


def _translation(translation_id: int):
    try:
        return services.visible_translation(db.session, acting_user(), translation_id)
    except ContentError:
        abort(404)


def _diff(old: str, new: str) -> Markup:
    return Markup(diff_html(old, new))  # noqa: S704 - diff_html escapes every piece of text


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


def _changes_view(t):
    """What changed in the source since this translation was made, as safe diff HTML."""
    if t.is_source:
        return []
    return [
        (
            change,
            _diff(change.old.text if change.old else "", change.new.text if change.new else ""),
        )
        for change in translation_services.source_changes(db.session, t)
    ]


def _campaign_choices() -> list[tuple[str, str]]:
    chain = languages.fallback_chain(current_language().code)
    choices = []
    for campaign in db.session.query(Campaign).order_by(Campaign.slug):
        text = campaign.text_in(chain)
        choices.append((str(campaign.id), text.title if text else campaign.slug))
    return choices


def _language_choices() -> list[tuple[str, str]]:
    return [(lang.code, lang.native_name) for lang in enabled_language_objects()]


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


# --- dashboard and lists ------------------------------------------------------------------


@bp.get("/")
def dashboard():
    actor = acting_user()
    state = request.args.get("state") or None
    if state not in STATE_LABELS:
        state = None
    page = request.args.get("page", 1, type=int)
    work = queries.my_work(db.session, actor, state=state, page=page)
    return render_template(
        "editorial/dashboard.html",
        work=work,
        state=state,
        can_create=workflow.can_create_story(actor),
        can_review=workflow.can_review(actor),
    )


@bp.get("/search")
def search():
    """Drafts and submissions, as far as the user may see them (not the public index)."""
    actor = acting_user()
    q = (request.args.get("q") or "").strip()[:200]
    results = queries.editorial_search(db.session, actor, q) if q else []
    return render_template("editorial/search.html", q=q, results=results)


@bp.get("/review")
def review_queue():
    actor = acting_user()
    if not workflow.can_review(actor):
        abort(404)
    form = QueueFilterForm(request.args)
    form.lang.choices = [("", _("All my languages")), *_language_choices()]
    form.organisation.choices = [("", _("All organisations"))] + [
        (str(o.id), o.name) for o in queries.organisations(db.session)
    ]
    form.state.choices = [(s, str(label)) for s, label in STATE_LABELS.items()]
    state = form.state.data if form.state.data in STATE_LABELS else "in_review"
    form.state.data = state
    org = form.organisation.data
    queue = queries.review_queue(
        db.session,
        actor,
        lang=form.lang.data or None,
        organisation_id=int(org) if org and org.isdigit() else None,
        state=state,
        page=request.args.get("page", 1, type=int),
    )
    return render_template("editorial/queue.html", queue=queue, form=form)


# --- writing --------------------------------------------------------------------------------


@bp.route("/stories/new", methods=["GET", "POST"])
def new_story():
    actor = acting_user()
    if not workflow.can_create_story(actor):
        abort(404)
    form = NewStoryForm()
    form.fill_choices(_campaign_choices())
    form.source_language.choices = _language_choices()
    may_choose_org = bool(actor.roles & {"admin", "editor"})
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


# --- one translation: review and workflow ----------------------------------------------


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

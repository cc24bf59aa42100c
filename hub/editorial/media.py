"""The media pages of the editorial area: upload (streamed through the hub, or straight to
S3), describe, delete. Registered on the editorial blueprint."""

from __future__ import annotations

from urllib.parse import unquote

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError

from content import workflow
from content.errors import ContentError, InvalidInput, NotAllowed
from content.models import Story
from content.services import media as media_services
from hub.auth.manager import acting_user
from hub.editorial.routes import bp
from hub.extensions import db
from hub.messages import error_text, media_problem_text

DIRECT_UPLOAD_MIN = 20 * 1024 * 1024  # larger files go straight to S3 when S3 is on


def _store():
    return current_app.extensions["hub.media"]


def _limits() -> media_services.MediaLimits:
    return current_app.extensions["hub.media_limits"]


def _story(story_id: int) -> Story:
    story = db.session.get(Story, story_id)
    if story is None or not workflow.can_view_story(acting_user(), story):
        abort(404)
    return story


def _asset(asset_id: int):
    try:
        return media_services.asset_for(db.session, acting_user(), asset_id)
    except ContentError:
        abort(404)


def _check_csrf() -> None:
    token = request.headers.get("X-CSRFToken") or request.form.get("csrf_token")
    try:
        validate_csrf(token)
    except ValidationError:
        abort(400)


def _json_error(exc: ContentError, status: int = 400):
    return jsonify(error=error_text(exc)), status


@bp.get("/stories/<int:story_id>/media")
def media(story_id: int):
    actor = acting_user()
    story = _story(story_id)
    langs = [t.lang for t in story.translations]
    problems = {}
    for t in story.translations:
        for asset, reason in workflow.media_problems(t):
            problems.setdefault(asset.id, []).append((t.lang, media_problem_text(reason)))
    return render_template(
        "editorial/media.html",
        story=story,
        assets=[a for a in story.assets if a.status == "ready"],
        langs=langs,
        problems=problems,
        can_manage=workflow.can_manage_media(actor, story),
        can_describe=lambda lang: workflow.can_describe_media(actor, story, lang),
        limits=_limits(),
        direct_upload=_store().supports_direct_upload,
        direct_upload_min=DIRECT_UPLOAD_MIN,
    )


@bp.post("/stories/<int:story_id>/media/upload")
def upload(story_id: int):
    """The file is the request body (from the page's script) or a multipart field (without
    script). Streamed to the store; nothing is kept if anything fails."""
    _check_csrf()
    actor = acting_user()
    story = _story(story_id)
    wants_json = request.mimetype != "multipart/form-data"
    # Uploads may be far larger than ordinary forms.
    request.max_content_length = _limits().largest + 1024 * 1024
    if wants_json:
        filename = unquote(request.headers.get("X-Filename", "") or "file")
        stream = request.stream
    else:
        upload_field = request.files.get("file")
        if upload_field is None or not upload_field.filename:
            flash(_("Choose a file first."), "error")
            return redirect(url_for("editorial.media", story_id=story.id), code=303)
        filename, stream = upload_field.filename, upload_field.stream
    try:
        asset = media_services.begin_upload(db.session, actor=actor, story=story, filename=filename)
        asset = media_services.receive_upload(
            db.session, _store(), actor=actor, asset=asset, stream=stream, limits=_limits()
        )
    except ContentError as exc:
        if wants_json:
            return _json_error(exc, 403 if isinstance(exc, NotAllowed) else 400)
        flash(error_text(exc), "error")
        return redirect(url_for("editorial.media", story_id=story.id), code=303)
    if wants_json:
        return jsonify(id=asset.id, kind=asset.kind, thumb=_thumb_url(asset))
    flash(_("The file is uploaded."), "success")
    return redirect(url_for("editorial.media", story_id=story.id), code=303)


def _thumb_url(asset) -> str | None:
    if asset.kind == "image":
        return url_for("media.serve", asset_id=asset.id, rendition="thumb")
    return None


@bp.post("/stories/<int:story_id>/media/direct")
def direct_upload(story_id: int):
    """Start an upload straight from the browser to S3: a presigned POST for this asset."""
    _check_csrf()
    actor = acting_user()
    story = _story(story_id)
    store = _store()
    if not store.supports_direct_upload:
        return jsonify(error="direct upload is not available"), 409
    filename = (request.get_json(silent=True) or {}).get("filename", "file")
    try:
        asset = media_services.begin_upload(db.session, actor=actor, story=story, filename=filename)
    except ContentError as exc:
        return _json_error(exc, 403)
    post = store.presigned_post(
        asset.key, "application/octet-stream", _limits().largest, expires=3600
    )
    return jsonify(
        id=asset.id,
        url=post["url"],
        fields=post["fields"],
        complete=url_for("editorial.complete_upload", asset_id=asset.id),
    )


@bp.post("/media/<int:asset_id>/complete")
def complete_upload(asset_id: int):
    _check_csrf()
    asset = _asset(asset_id)
    try:
        asset = media_services.complete_direct_upload(
            db.session, _store(), actor=acting_user(), asset=asset, limits=_limits()
        )
    except ContentError as exc:
        return _json_error(exc)
    return jsonify(id=asset.id, kind=asset.kind, thumb=_thumb_url(asset))


@bp.post("/media/<int:asset_id>/cancel")
def cancel_upload(asset_id: int):
    _check_csrf()
    asset = _asset(asset_id)
    try:
        media_services.cancel_upload(db.session, _store(), actor=acting_user(), asset=asset)
    except ContentError as exc:
        return _json_error(exc, 403)
    return jsonify(cancelled=True)


@bp.post("/media/<int:asset_id>")
def update_media(asset_id: int):
    _check_csrf()
    asset = _asset(asset_id)
    try:
        media_services.update_asset(
            db.session,
            actor=acting_user(),
            asset=asset,
            credit=request.form.get("credit", ""),
            licence=request.form.get("licence", ""),
            shows_people=bool(request.form.get("shows_people")),
            consent_recorded=bool(request.form.get("consent_recorded")),
        )
        for lang in request.form.getlist("langs"):
            if workflow.can_describe_media(
                acting_user(), db.session.get(Story, asset.story_id), lang
            ):
                media_services.set_asset_text(
                    db.session,
                    actor=acting_user(),
                    asset=asset,
                    lang=lang,
                    alt_text=request.form.get(f"alt-{lang}", ""),
                    caption=request.form.get(f"caption-{lang}", ""),
                )
    except (InvalidInput, NotAllowed) as exc:
        flash(error_text(exc), "error")
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("editorial.media", story_id=asset.story_id) + f"#asset-{asset.id}", 303)


@bp.post("/media/<int:asset_id>/delete")
def delete_media(asset_id: int):
    _check_csrf()
    asset = _asset(asset_id)
    story_id = asset.story_id
    try:
        media_services.delete_asset(db.session, _store(), actor=acting_user(), asset=asset)
    except ContentError as exc:
        flash(error_text(exc), "error")
    else:
        flash(_("The file is deleted."), "success")
    return redirect(url_for("editorial.media", story_id=story_id), code=303)

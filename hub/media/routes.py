"""Serving media: ``/media/<id>/<rendition>`` checks who may see the story, then streams the
file (local store) or redirects to a short-lived presigned URL (S3). Published media may be
served from the public base URL (a CDN) with long cache headers."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, redirect, request

from content.media.store import MediaError, content_disposition
from content.models import MediaAsset, Story
from content.workflow import can_view_story
from hub.auth.manager import acting_user
from hub.extensions import db

bp = Blueprint("media", __name__)

INLINE = ("image/", "video/", "audio/")
PUBLIC_MAX_AGE = 24 * 3600


def is_public(story: Story) -> bool:
    return any(t.is_live for t in story.translations)


def resolve(asset: MediaAsset, rendition: str) -> tuple[str, str, int | None] | None:
    """(key, mime, size) of a rendition name, or None."""
    if rendition == "file" and asset.kind != "image":
        return asset.key, asset.mime, asset.size
    info = (asset.renditions or {}).get(rendition)
    if info is None:
        return None
    return info["key"], info["mime"], info.get("size")


def _stream(body, chunk: int = 256 * 1024):
    try:
        while True:
            data = body.read(chunk)
            if not data:
                break
            yield data
    finally:
        body.close()


@bp.get("/<int:asset_id>/<rendition>")
def serve(asset_id: int, rendition: str):
    asset = db.session.get(MediaAsset, asset_id)
    if asset is None or asset.status != "ready":
        abort(404)
    story = db.session.get(Story, asset.story_id)
    public = is_public(story)
    if not public and not can_view_story(acting_user(), story):
        abort(404)  # the same answer as for an id that does not exist
    found = resolve(asset, rendition)
    if found is None:
        abort(404)
    key, mime, size = found
    store = current_app.extensions["hub.media"]
    download = None if mime.startswith(INLINE) else asset.filename or "file"
    try:
        if public and current_app.config.get("MEDIA_PUBLIC_BASE_URL"):
            url = store.url(key, public=True)
            if url:
                response = redirect(url, code=302)
                response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
                return response
        url = store.url(key, expires=300, download_name=download)
        if url:
            response = redirect(url, code=302)
            response.headers["Cache-Control"] = "private, no-store"
            return response
        body = store.open(key)
    except MediaError:
        current_app.logger.exception("media %s/%s unavailable", asset_id, rendition)
        abort(404)
    response = Response(_stream(body), mimetype=mime, direct_passthrough=True)
    if size:
        response.headers["Content-Length"] = str(size)
    response.headers["X-Content-Type-Options"] = "nosniff"
    if download:
        # A browser must never run a document from the hub's origin.
        response.headers["Content-Disposition"] = content_disposition(download)
    if public:
        response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
        response.headers["ETag"] = f'"{key}"'
        if request.headers.get("If-None-Match") == f'"{key}"':
            body.close()
            return Response(status=304, headers={"ETag": f'"{key}"'})
    else:
        response.headers["Cache-Control"] = "private, no-store"
    return response

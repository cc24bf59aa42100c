"""Media use cases: upload (through the hub or straight to S3), describe, delete, check.

An upload is recorded ``pending`` (committed) before its bytes go to the store and marked
``ready`` after; any failure in between deletes what was stored and the row, so there is never
an unknown object or a row pointing at nothing. A crash in between leaves a pending row, which
``check_media(fix=True)`` cleans up. Images are never kept as uploaded: only metadata-free
renditions are stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from content import languages
from content.errors import InvalidInput, NotAllowed, NotFound
from content.media.images import make_renditions
from content.media.sniff import SNIFF_BYTES, clean_filename, sniff
from content.media.store import MediaStore, new_key
from content.models import MediaAsset, MediaText, Story, User, utcnow
from content.services._base import audit, now_or, unit_of_work
from content.workflow import can_describe_media, can_manage_media, can_view_story

log = logging.getLogger("content.media")

MB = 1024 * 1024
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class MediaLimits:
    """Largest accepted file per kind, in bytes (HUB_MEDIA_MAX_*_MB)."""

    image: int = 25 * MB
    video: int = 500 * MB
    audio: int = 100 * MB
    document: int = 50 * MB

    @property
    def largest(self) -> int:
        return max(self.image, self.video, self.audio, self.document)

    def for_kind(self, kind: str) -> int:
        return getattr(self, kind)


def asset_for(session: Session, actor: User | None, asset_id: int) -> MediaAsset:
    """An asset ``actor`` may see in the editorial area (NotFound otherwise)."""
    asset = session.get(MediaAsset, asset_id)
    if asset is None:
        raise NotFound("media")
    story = session.get(Story, asset.story_id)
    if not can_view_story(actor, story):
        raise NotFound("media")
    return asset


@unit_of_work
def begin_upload(session: Session, *, actor: User, story: Story, filename: str) -> MediaAsset:
    """Record an upload as pending, with a generated key, before any byte is stored."""
    if not can_manage_media(actor, story):
        raise NotAllowed("media")
    position = len(story.assets)
    asset = MediaAsset(
        story_id=story.id,
        uploaded_by_id=actor.id,
        status="pending",
        key=new_key(f"stories/{story.id}"),
        filename=clean_filename(filename),
        position=position,
    )
    session.add(asset)
    session.flush()
    return asset


class _Prefixed(io.RawIOBase):
    """A stream that yields ``head`` and then the rest of ``stream``."""

    def __init__(self, head: bytes, stream):
        self._head = head
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._stream.read(len(buffer))
        if not data:
            return 0
        buffer[: len(data)] = data
        return len(data)


def _read_head(stream) -> bytes:
    head = b""
    while len(head) < SNIFF_BYTES:
        chunk = stream.read(SNIFF_BYTES - len(head))
        if not chunk:
            break
        head += chunk
    return head


@dataclass
class _Stored:
    keys: list[str] = field(default_factory=list)


def _store_renditions(store: MediaStore, asset: MediaAsset, source, stored: _Stored) -> dict:
    renditions = {}
    for rendition in make_renditions(source):
        key = f"{asset.key}-{rendition.name}.{rendition.extension}"
        obj = store.put(key, io.BytesIO(rendition.data), rendition.mime)
        stored.keys.append(key)
        renditions[rendition.name] = {
            "key": key,
            "width": rendition.width,
            "height": rendition.height,
            "mime": rendition.mime,
            "size": obj.size,
        }
    return renditions


def _largest(renditions: dict) -> tuple[int | None, int | None]:
    widest = max(
        (r for name, r in renditions.items() if name.startswith("w")),
        key=lambda r: r["width"],
        default=None,
    )
    return (widest["width"], widest["height"]) if widest else (None, None)


def _fail(session: Session, store: MediaStore, asset_id: int, keys: Iterable[str]) -> None:
    """Undo an upload: its stored objects, then its row."""
    for key in keys:
        with contextlib.suppress(Exception):
            store.delete(key)
    session.rollback()
    asset = session.get(MediaAsset, asset_id)
    if asset is not None:
        session.delete(asset)
        session.commit()


def receive_upload(
    session: Session, store: MediaStore, *, actor: User, asset: MediaAsset, stream, limits
) -> MediaAsset:
    """Stream an upload through the hub into the store and make it ready (or leave nothing)."""
    _check_own_pending(session, actor, asset)
    stored = _Stored()
    asset_id = asset.id
    try:
        head = _read_head(stream)
        kind = sniff(head)
        limit = limits.for_kind(kind.kind)
        if kind.kind == "image":
            with tempfile.SpooledTemporaryFile(max_size=4 * MB) as spool:
                digest = hashlib.sha256()
                size = 0
                for chunk in _chunks(_Prefixed(head, stream)):
                    size += len(chunk)
                    if size > limit:
                        raise InvalidInput("file", "too_large", maximum=limit)
                    digest.update(chunk)
                    spool.write(chunk)
                spool.seek(0)
                renditions = _store_renditions(store, asset, spool, stored)
            asset.sha256, asset.size = digest.hexdigest(), size
            asset.renditions = renditions
            asset.width, asset.height = _largest(renditions)
        else:
            obj = store.put(asset.key, _Prefixed(head, stream), kind.mime, size_limit=limit)
            stored.keys.append(asset.key)
            asset.size, asset.sha256 = obj.size, obj.sha256
        _mark_ready(session, actor, asset, kind)
    except BaseException:
        _fail(session, store, asset_id, stored.keys)
        raise
    return asset


def _mark_ready(session: Session, actor: User, asset: MediaAsset, kind) -> None:
    """The upload's bytes are all stored: record what they are, audit, commit."""
    asset.kind, asset.mime = kind.kind, kind.mime
    asset.status, asset.ready_at = "ready", utcnow()
    audit(
        session,
        actor=actor,
        action="upload",
        object_type="media",
        object_id=asset.id,
        story_id=asset.story_id,
    )
    session.commit()


def _chunks(stream) -> Iterator[bytes]:
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            return
        yield chunk


def complete_direct_upload(
    session: Session, store: MediaStore, *, actor: User, asset: MediaAsset, limits
) -> MediaAsset:
    """The browser put the file straight into S3: check it there, then make it ready."""
    _check_own_pending(session, actor, asset)
    stored = _Stored()
    asset_id = asset.id
    try:
        size = store.size(asset.key)
        kind = sniff(store.read_head(asset.key, SNIFF_BYTES))
        if size > limits.for_kind(kind.kind):
            raise InvalidInput("file", "too_large", maximum=limits.for_kind(kind.kind))
        if kind.kind == "image":
            with tempfile.SpooledTemporaryFile(max_size=4 * MB) as spool:
                digest = hashlib.sha256()
                with store.open(asset.key) as source:
                    for chunk in _chunks(source):
                        digest.update(chunk)
                        spool.write(chunk)
                spool.seek(0)
                asset.renditions = _store_renditions(store, asset, spool, stored)
            asset.sha256 = digest.hexdigest()
            asset.width, asset.height = _largest(asset.renditions)
            store.delete(asset.key)  # the original may carry GPS: never kept
        asset.size = size
        _mark_ready(session, actor, asset, kind)
    except BaseException:
        _fail(session, store, asset_id, [*stored.keys, asset.key])
        raise
    return asset


def cancel_upload(session: Session, store: MediaStore, *, actor: User, asset: MediaAsset) -> None:
    _check_own_pending(session, actor, asset, must_manage=False)
    _fail(session, store, asset.id, [asset.key])


def _check_own_pending(
    session: Session, actor: User, asset: MediaAsset, *, must_manage: bool = True
) -> None:
    """Only the uploader finishes (or cancels) their own pending upload, and only while they
    may still manage the story's media. Checked before anything is touched: a refusal must
    never delete someone else's file."""
    story = session.get(Story, asset.story_id)
    if (
        asset.status != "pending"
        or asset.uploaded_by_id != actor.id
        or (must_manage and not can_manage_media(actor, story))
    ):
        raise NotAllowed("media")


def delete_asset(session: Session, store: MediaStore, *, actor: User, asset: MediaAsset) -> None:
    """Remove an asset and every rendition of it from the store."""
    story = session.get(Story, asset.story_id)
    if not can_manage_media(actor, story):
        raise NotAllowed("media")
    keys = asset.keys() if asset.status == "ready" else [asset.key]
    asset_id, story_id = asset.id, asset.story_id
    session.delete(asset)
    audit(
        session,
        actor=actor,
        action="delete",
        object_type="media",
        object_id=asset_id,
        story_id=story_id,
    )
    session.commit()
    for key in keys:
        try:
            store.delete(key)
        except Exception:
            # The row is gone; `media check --fix` removes what the store kept.
            log.exception("could not delete %s from the media store", key)


def _clean(value: str, limit: int) -> str:
    return " ".join(unicodedata.normalize("NFC", value or "").split())[:limit]


@unit_of_work
def update_asset(
    session: Session,
    *,
    actor: User,
    asset: MediaAsset,
    credit: str,
    licence: str,
    shows_people: bool,
    consent_recorded: bool,
) -> MediaAsset:
    story = session.get(Story, asset.story_id)
    if not can_manage_media(actor, story):
        raise NotAllowed("media")
    asset.credit = _clean(credit, 300)
    asset.licence = _clean(licence, 120)
    asset.shows_people = bool(shows_people)
    asset.consent_recorded = bool(consent_recorded)
    audit(
        session,
        actor=actor,
        action="update",
        object_type="media",
        object_id=asset.id,
        story_id=asset.story_id,
    )
    return asset


@unit_of_work
def set_asset_text(
    session: Session, *, actor: User, asset: MediaAsset, lang: str, alt_text: str, caption: str
) -> MediaText:
    if not languages.is_known(lang):
        raise InvalidInput("lang", "unknown_language")
    story = session.get(Story, asset.story_id)
    if not can_describe_media(actor, story, lang):
        raise NotAllowed("media")
    text = asset.text(lang)
    if text is None:
        text = MediaText(asset_id=asset.id, lang=lang)
        session.add(text)
        asset.texts.append(text)
    text.alt_text = _clean(alt_text, 500)
    text.caption = _clean(caption, 1000)
    return text


@dataclass
class CheckReport:
    missing: list[tuple[int, str]] = field(default_factory=list)  # (asset id, key)
    orphans: list[str] = field(default_factory=list)
    stale_pending: list[int] = field(default_factory=list)
    fixed: bool = False

    @property
    def clean(self) -> bool:
        return not (self.missing or self.orphans or self.stale_pending)


def check_media(
    session: Session,
    store: MediaStore,
    *,
    fix: bool = False,
    pending_grace: timedelta = timedelta(hours=2),
    now: datetime | None = None,
) -> CheckReport:
    """Differences between the database and the store; with ``fix``, repair them:
    delete orphan objects, abandoned pending uploads, and rows whose objects are gone."""
    report = CheckReport()
    cutoff = now_or(now) - pending_grace
    assets = list(session.scalars(select(MediaAsset)))
    known: set[str] = set()
    broken: set[int] = set()
    for asset in assets:
        keys = asset.keys() if asset.status == "ready" else [asset.key]
        known.update(keys)
        if asset.status == "pending":
            if asset.created_at < cutoff:
                report.stale_pending.append(asset.id)
            continue
        for key in keys:
            if not store.exists(key):
                report.missing.append((asset.id, key))
                broken.add(asset.id)
    for key in store.iter_keys("stories/"):
        if key not in known:
            report.orphans.append(key)
    if fix:
        for key in report.orphans:
            store.delete(key)
        for asset in assets:
            if asset.id in broken or asset.id in report.stale_pending:
                for key in [*asset.keys(), asset.key]:
                    with contextlib.suppress(Exception):
                        store.delete(key)
                session.delete(asset)
        session.commit()
        report.fixed = True
    else:
        session.rollback()
    return report

"""Content translation inside the hub: requests, claims, outdated texts, the status grid.

A translation is a row per (story, language) with its own slug, revisions and workflow; the
workflow itself is the same table as for the original text (content/workflow.py).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from content import languages
from content.errors import InvalidInput, NotAllowed, NotFound
from content.models import Revision, Story, Translation, User
from content.segments import SegmentChange, changed_since, diff_segments, split_segments
from content.services._base import audit_translation, now_or, unit_of_work
from content.services.notifications import Kind as Note
from content.services.notifications import notify, translators_of
from content.workflow import (
    State,
    can_claim,
    can_release_claim,
    can_request_translation,
    can_view_story,
)


def _placeholder_slug(story: Story, lang: str) -> str:
    # Replaced by a slug from the translated title at the first save.
    return f"story-{story.id}-{lang}"


@unit_of_work
def request_translations(
    session: Session,
    *,
    actor: User,
    story: Story,
    langs: Iterable[str],
    now: datetime | None = None,
) -> list[Translation]:
    """Ask for ``story`` in ``langs``; translators of each language are told."""
    if not can_view_story(actor, story):
        raise NotFound("story")
    at = now_or(now)
    codes = []
    for code in langs:
        if not languages.is_known(code):
            raise InvalidInput("languages", "unknown_language")
        if code == story.source_language or story.translation(code) is not None:
            continue
        if not can_request_translation(actor, story, code):
            raise NotAllowed("request_translation")
        codes.append(code)
    if not codes:
        raise InvalidInput("languages", "required")
    created = []
    for code in codes:
        t = Translation(
            story_id=story.id,
            lang=code,
            slug=_placeholder_slug(story, code),
            state=State.DRAFT,
            requested_by_id=actor.id,
            requested_at=at,
            created_at=at,
            updated_at=at,
        )
        session.add(t)
        session.flush()
        audit_translation(
            session, actor=actor, action="request_translation", t=t, from_state=None, at=at
        )
        notify(
            session,
            translators_of(session, code),
            kind=Note.TRANSLATION_REQUESTED,
            actor=actor,
            translation=t,
        )
        created.append(t)
    session.expire(story, ["translations"])
    return created


@unit_of_work
def claim(session: Session, *, actor: User, translation: Translation) -> Translation:
    """A translator takes the work, so that nobody else starts the same translation."""
    if not can_claim(actor, translation):
        raise NotAllowed("claim")
    translation.claimed_by_id = actor.id
    translation.claimed_at = now_or(None)
    session.flush()
    session.expire(translation, ["claimed_by"])
    audit_translation(
        session, actor=actor, action="claim", t=translation, from_state=translation.state
    )
    return translation


@unit_of_work
def release(session: Session, *, actor: User, translation: Translation) -> Translation:
    """Give the work back (the translator) or free a stale claim (an editor)."""
    if not can_release_claim(actor, translation):
        raise NotAllowed("release")
    translation.claimed_by_id = None
    translation.claimed_at = None
    session.flush()
    session.expire(translation, ["claimed_by"])
    audit_translation(
        session, actor=actor, action="release", t=translation, from_state=translation.state
    )
    return translation


def source_revision_for(t: Translation) -> Revision | None:
    """The source text a translator works from now: the published one, else the latest."""
    source = t.story.source
    if source is None:
        return None
    return source.live_revision or source.latest_revision


def based_on(session: Session, t: Translation) -> Revision | None:
    """The source revision ``t``'s latest revision was translated from."""
    latest = t.latest_revision
    if latest is None or latest.source_revision_id is None:
        return None
    return session.get(Revision, latest.source_revision_id)


def source_changes(session: Session, t: Translation) -> list[SegmentChange]:
    """What changed in the source since ``t`` was translated from it, segment by segment."""
    base = based_on(session, t)
    current = source_revision_for(t)
    if base is None or current is None or base.id == current.id:
        return []
    changes = diff_segments(split_segments(base.body), split_segments(current.body))
    return [c for c in changes if c.op != "equal"]


def mark_outdated_after_source_publish(session: Session, source: Translation, minor: bool) -> int:
    """Called when the source text is published: flag translations whose source segments
    changed since they were made. A minor edit (a typo fix) outdates nothing."""
    if minor or not source.is_source:
        return 0
    live = source.live_revision
    marked = 0
    for t in source.story.translations:
        if t.id == source.id or t.latest_revision is None:
            continue
        base = based_on(session, t)
        if base is None or live is None or base.id == live.id:
            continue
        if t.is_outdated:
            continue
        if changed_since(base.body, live.body):
            t.is_outdated = True
            marked += 1
    return marked


class Cell(enum.StrEnum):
    MISSING = "missing"
    REQUESTED = "requested"
    CLAIMED = "claimed"
    IN_PROGRESS = "in_progress"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    PUBLISHED = "published"
    OUTDATED = "outdated"
    UNPUBLISHED = "unpublished"
    ARCHIVED = "archived"
    SOURCE = "source"


def cell_of(t: Translation | None) -> Cell:
    if t is None:
        return Cell.MISSING
    if t.is_source:
        return Cell.SOURCE
    if t.is_outdated:
        return Cell.OUTDATED
    if t.state == State.ARCHIVED:
        return Cell.ARCHIVED
    if t.is_live:
        return Cell.PUBLISHED
    if t.state == State.UNPUBLISHED:
        return Cell.UNPUBLISHED
    if t.state in (State.APPROVED, State.SCHEDULED):
        return Cell.APPROVED
    if t.state == State.IN_REVIEW:
        return Cell.IN_REVIEW
    if t.latest_revision_id is not None:
        return Cell.IN_PROGRESS
    if t.claimed_by_id is not None:
        return Cell.CLAIMED
    return Cell.REQUESTED


@dataclass(frozen=True)
class GridRow:
    story: Story
    title: str
    cells: dict[str, tuple[Cell, Translation | None]]


def status_grid(
    session: Session,
    actor: User,
    *,
    codes: Iterable[str],
    campaign_id: int | None = None,
    organisation_id: int | None = None,
    limit: int = 200,
) -> list[GridRow]:
    """Stories down, languages across, for the stories ``actor`` may see."""
    stmt = select(Story).order_by(Story.updated_at.desc(), Story.id.desc()).limit(limit)
    if campaign_id:
        stmt = stmt.where(Story.campaign_id == campaign_id)
    if organisation_id:
        stmt = stmt.where(Story.organisation_id == organisation_id)
    rows = []
    codes = list(codes)
    for story in session.scalars(stmt).unique():
        if not can_view_story(actor, story):
            continue
        source = story.source
        title = source.latest_revision.title if source and source.latest_revision else ""
        cells = {
            code: (cell_of(story.translation(code)), story.translation(code)) for code in codes
        }
        rows.append(GridRow(story=story, title=title, cells=cells))
    return rows


def translator_queue(session: Session, actor: User) -> list[Translation]:
    """Requested translations in the actor's languages that nobody claimed, and theirs."""
    codes = sorted(actor.languages)
    if not codes:
        return []
    stmt = (
        select(Translation)
        .where(Translation.lang.in_(codes), Translation.requested_at.is_not(None))
        .where(
            (Translation.claimed_by_id.is_(None) & Translation.latest_revision_id.is_(None))
            | (Translation.claimed_by_id == actor.id)
        )
        .where(Translation.state.not_in([State.ARCHIVED]))
        .order_by(Translation.requested_at)
    )
    return list(session.scalars(stmt).unique())

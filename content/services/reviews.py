"""The workflow's side of a story: actions (submit, approve, publish, ...), scheduled
publishing and review comments. Each use case is one transaction: check (the workflow
table), change, audit, outbox, notify."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from content.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed, NotFound
from content.models import ReviewComment, Translation, User
from content.services._base import audit_translation, enqueue_search, now_or, unit_of_work
from content.services.notifications import Kind as Note
from content.services.notifications import editors_of, notify, participants_of, writers_of
from content.services.stories import CHECKLIST, MAX_COMMENT, MAX_NOTE, _clean_text
from content.services.translations import mark_outdated_after_source_publish
from content.workflow import (
    DEFAULT_POLICY,
    Action,
    Policy,
    State,
    can_comment,
    can_view,
    media_problems,
    transition,
)

__all__ = ["CHECKLIST", "ActionInput", "add_comment", "apply_action", "publish_due"]


@dataclass(frozen=True)
class ActionInput:
    action: Action
    note: str = ""
    checklist: frozenset[str] = frozenset()
    scheduled_at: datetime | None = None
    expected_version: int | None = None
    minor: bool = False  # publishing a typo fix of the source outdates no translation


@unit_of_work
def apply_action(
    session: Session,
    *,
    actor: User,
    translation: Translation,
    request: ActionInput,
    policy: Policy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> Translation:
    """Take a workflow action (submit, approve, publish, ...) on ``translation``.

    ``expected_version`` is the version the actor saw: a double click or a second editor
    acting on a stale page is refused (Conflict), so it happens and is audited once.
    """
    if not can_view(actor, translation):
        raise NotFound("translation")
    t = translation
    if request.expected_version is not None and request.expected_version != t.version:
        raise Conflict("changed since", state=t.state, kind="action")
    action = Action(request.action)
    if action == Action.EDIT:
        raise InvalidTransition("edit is save_revision")
    new_state = transition(actor, action, t, policy)
    at = now_or(now)
    note = request.note.strip()[:MAX_NOTE]
    from_state = t.state

    if action == Action.APPROVE:
        missing = [item for item in CHECKLIST if item not in request.checklist]
        if missing:
            raise InvalidInput("checklist", "incomplete", missing=missing)
        t.approved_revision_id = t.latest_revision_id
        t.approved_by_id = actor.id
    elif action == Action.SCHEDULE:
        when = request.scheduled_at
        if when is None:
            raise InvalidInput("scheduled_at", "required")
        if when.tzinfo is None:
            raise InvalidInput("scheduled_at", "invalid")
        if when <= at:
            raise InvalidInput("scheduled_at", "past")
        t.scheduled_at = when
    elif action == Action.UNSCHEDULE:
        t.scheduled_at = None
    elif action in (Action.REQUEST_CHANGES, Action.WITHDRAW):
        t.approved_revision_id = None
        t.approved_by_id = None
        t.scheduled_at = None

    t.state = new_state
    if action == Action.PUBLISH:
        _go_live(session, t, at)
    elif action in (Action.UNPUBLISH, Action.ARCHIVE) and t.is_live:
        t.is_live = False
        enqueue_search(session, t, "delete")
    t.updated_at = at

    if action == Action.REQUEST_CHANGES and note:
        session.add(
            ReviewComment(
                translation_id=t.id,
                revision_id=t.latest_revision_id,
                author_id=actor.id,
                body=note,
                created_at=at,
            )
        )
    try:
        session.flush()
    except StaleDataError:
        raise Conflict("changed since", kind="action") from None
    session.expire(t, ["live_revision"])
    if action == Action.PUBLISH:
        mark_outdated_after_source_publish(session, t, minor=request.minor)
    audit_translation(session, actor=actor, action=action, t=t, from_state=from_state, note=note)
    _notify_action(session, actor, action, t)
    return t


def _go_live(session: Session, t: Translation, at: datetime) -> None:
    t.live_revision_id = t.latest_revision_id
    t.is_live = True
    t.scheduled_at = None
    t.published_at = at
    if t.first_published_at is None:
        t.first_published_at = at
    enqueue_search(session, t, "upsert")


def _notify_action(session: Session, actor: User | None, action: Action, t: Translation) -> None:
    if action == Action.SUBMIT:
        notify(
            session, editors_of(session, t.lang), kind=Note.SUBMITTED, actor=actor, translation=t
        )
    elif action == Action.REQUEST_CHANGES:
        kind = Note.CHANGES_REQUESTED
        notify(session, writers_of(session, t), kind=kind, actor=actor, translation=t)
    elif action == Action.APPROVE:
        notify(session, writers_of(session, t), kind=Note.APPROVED, actor=actor, translation=t)
    elif action == Action.PUBLISH:
        notify(session, writers_of(session, t), kind=Note.PUBLISHED, actor=actor, translation=t)


def publish_due(session: Session, *, now: datetime | None = None) -> list[Translation]:
    """Publish every scheduled translation whose time has come, each in its own transaction.

    Safe to run concurrently (two schedulers, or an editor publishing by hand meanwhile):
    the loser of a race skips that translation; it is published and audited once.
    """
    at = now_or(now)
    due_ids = session.scalars(
        select(Translation.id)
        .where(Translation.state == State.SCHEDULED, Translation.scheduled_at <= at)
        .order_by(Translation.scheduled_at, Translation.id)
    ).all()
    session.rollback()
    published = []
    for translation_id in due_ids:
        try:
            t = _publish_scheduled(session, translation_id, at)
        except Conflict:
            continue
        if t is not None:
            published.append(t)
    return published


@unit_of_work
def _publish_scheduled(session: Session, translation_id: int, at: datetime) -> Translation | None:
    t = session.get(Translation, translation_id)
    if t is None or t.state != State.SCHEDULED or t.scheduled_at is None or t.scheduled_at > at:
        return None
    if media_problems(t):
        # Media changed since it was scheduled (say, a photo without alt text): it waits.
        return None
    from_state = t.state
    t.state = State.PUBLISHED
    _go_live(session, t, at)
    try:
        session.flush()
    except StaleDataError:
        raise Conflict("published meanwhile") from None
    session.expire(t, ["live_revision"])
    mark_outdated_after_source_publish(session, t, minor=False)
    audit_translation(
        session, actor=None, action="publish", t=t, from_state=from_state, note="scheduled", at=at
    )
    notify(session, writers_of(session, t), kind=Note.PUBLISHED, actor=None, translation=t)
    return t


@unit_of_work
def add_comment(
    session: Session, *, actor: User, translation: Translation, body: str
) -> ReviewComment:
    if not can_view(actor, translation):
        raise NotFound("translation")
    if not can_comment(actor, translation):
        raise NotAllowed("comment")
    body = _clean_text(body).strip()
    if not body:
        raise InvalidInput("body", "required")
    if len(body) > MAX_COMMENT:
        raise InvalidInput("body", "too_long", maximum=MAX_COMMENT)
    comment = ReviewComment(
        translation_id=translation.id,
        revision_id=translation.latest_revision_id,
        author_id=actor.id,
        body=body,
    )
    session.add(comment)
    session.flush()
    audit_translation(
        session, actor=actor, action="comment", t=translation, from_state=translation.state
    )
    recipients = participants_of(session, translation)
    if translation.state == State.IN_REVIEW:
        recipients += editors_of(session, translation.lang)
    notify(session, recipients, kind=Note.COMMENTED, actor=actor, translation=translation)
    return comment

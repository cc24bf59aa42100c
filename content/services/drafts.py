"""Autosave: the editor's unsaved text, kept per user so that closing the browser loses
nothing. It never touches revisions or what the public sees; restoring is the user's choice."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from content import rendering
from content.errors import NotFound
from content.models import Autosave, Translation, User
from content.services._base import now_or, unit_of_work
from content.workflow import can_view


def autosave_scope(translation: Translation | None) -> str:
    return f"translation:{translation.id}" if translation is not None else "new-story"


@unit_of_work
def autosave(
    session: Session,
    *,
    actor: User,
    translation: Translation | None,
    base_revision_id: int | None,
    data: Mapping[str, str],
    now: datetime | None = None,
) -> Autosave:
    """Keep the user's unsaved text. Never touches revisions or what the public sees."""
    if translation is not None and not can_view(actor, translation):
        raise NotFound("translation")
    allowed = {"title", "summary", "body"}
    clean = {k: str(v)[: rendering.MAX_BODY_CHARS] for k, v in data.items() if k in allowed}
    scope = autosave_scope(translation)
    row = session.scalar(
        select(Autosave).where(Autosave.user_id == actor.id, Autosave.scope == scope)
    )
    if row is None:
        row = Autosave(user_id=actor.id, scope=scope)
        session.add(row)
    row.data = clean
    row.base_revision_id = base_revision_id
    row.saved_at = now_or(now)
    return row


def get_autosave(session: Session, actor: User, translation: Translation | None) -> Autosave | None:
    return session.scalar(
        select(Autosave).where(
            Autosave.user_id == actor.id, Autosave.scope == autosave_scope(translation)
        )
    )


def _discard_autosave(session: Session, actor: User, translation: Translation | None) -> None:
    row = get_autosave(session, actor, translation)
    if row is not None:
        session.delete(row)


@unit_of_work
def discard_autosave(session: Session, *, actor: User, translation: Translation | None) -> None:
    _discard_autosave(session, actor, translation)

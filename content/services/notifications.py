"""In-app notifications: who hears about what, and reading and clearing them.

Rows are written in the same transaction as their cause. Each new row is also put in
``session.info["hub.new_notifications"]`` so the web layer can e-mail it after commit, in
the recipient's language (this package knows no language catalogs and no SMTP).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from content.models import (
    Notification,
    ReviewComment,
    Revision,
    Role,
    Translation,
    User,
    UserLanguage,
    UserRole,
    utcnow,
)

NEW_NOTIFICATIONS_KEY = "hub.new_notifications"


class Kind:
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    PUBLISHED = "published"
    COMMENTED = "commented"
    TRANSLATION_REQUESTED = "translation_requested"


def notify(
    session: Session,
    recipients: Iterable[User],
    *,
    kind: str,
    actor: User | None,
    translation: Translation | None,
) -> list[Notification]:
    seen: set[int] = set()
    created = []
    for user in recipients:
        if user.id in seen or not user.is_active or (actor is not None and user.id == actor.id):
            continue
        seen.add(user.id)
        row = Notification(
            user_id=user.id,
            kind=kind,
            actor_id=actor.id if actor is not None else None,
            translation_id=translation.id if translation is not None else None,
        )
        session.add(row)
        created.append(row)
    session.info.setdefault(NEW_NOTIFICATIONS_KEY, []).extend(created)
    return created


def editors_of(session: Session, lang: str) -> list[User]:
    """Active editors who work in ``lang`` (explicitly or through all languages)."""
    works_in = User.all_languages.is_(True) | User.id.in_(
        select(UserLanguage.user_id).where(UserLanguage.lang == lang)
    )
    stmt = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.EDITOR, User.is_active.is_(True), works_in)
        .order_by(User.id)
    )
    return list(session.scalars(stmt).unique())


def translators_of(session: Session, lang: str) -> list[User]:
    stmt = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .join(UserLanguage, UserLanguage.user_id == User.id)
        .where(UserRole.role == Role.TRANSLATOR, UserLanguage.lang == lang)
        .where(User.is_active.is_(True))
        .order_by(User.id)
    )
    return list(session.scalars(stmt).unique())


def writers_of(session: Session, t: Translation) -> list[User]:
    """The people whose work ``t`` is: the story's author (source) or its translator, and
    everyone who wrote one of its revisions."""
    people: list[User] = []
    if t.is_source:
        people.append(t.story.author)
    elif t.claimed_by is not None:
        people.append(t.claimed_by)
    authors = session.scalars(
        select(User)
        .join(Revision, Revision.author_id == User.id)
        .where(Revision.translation_id == t.id)
    ).unique()
    people.extend(authors)
    return people


def participants_of(session: Session, t: Translation) -> list[User]:
    """Writers and everyone who commented on ``t``."""
    commenters = session.scalars(
        select(User)
        .join(ReviewComment, ReviewComment.author_id == User.id)
        .where(ReviewComment.translation_id == t.id)
    ).unique()
    return [*writers_of(session, t), *commenters]


def unread_count(session: Session, user: User) -> int:
    return session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def list_notifications(session: Session, user: User, *, limit: int = 100) -> list[Notification]:
    stmt = (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.read_at.is_not(None), Notification.created_at.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def mark_read(session: Session, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications (all, or these ids) read. Only ever their own."""
    stmt = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(list(ids)))
    result = session.execute(stmt.values(read_at=utcnow()))
    session.commit()
    return result.rowcount

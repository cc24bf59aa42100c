"""Read-only queries the pages need: queues, lists, the audit log, the public pages.

Every editorial query applies the reader's permissions in SQL; every public query returns
live translations only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from content.models import (
    AuditEvent,
    Organisation,
    Role,
    Story,
    Translation,
    User,
    UserLanguage,
)
from content.workflow import State


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def paginate(session: Session, stmt: Select, page: int, per_page: int) -> Page:
    page = max(1, page)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = list(session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items=items, page=page, per_page=per_page, total=total or 0)


def visible_translations_stmt(user: User) -> Select:
    """Translations ``user`` may see in the editorial area, as SQL (mirrors can_view)."""
    stmt = select(Translation).join(Story, Story.id == Translation.story_id)
    roles = user.roles
    if not user.is_active:
        return stmt.where(False)
    if roles & {Role.ADMIN, Role.EDITOR}:
        return stmt
    conditions = []
    if Role.CONTRIBUTOR in roles and user.organisation_id is not None:
        conditions.append(Story.organisation_id == user.organisation_id)
    if Role.TRANSLATOR in roles:
        mine = select(UserLanguage.lang).where(UserLanguage.user_id == user.id)
        stories_in_my_langs = select(Translation.story_id).where(
            Translation.lang.in_(mine),
            Translation.lang
            != select(Story.source_language)
            .where(Story.id == Translation.story_id)
            .scalar_subquery(),
        )
        conditions.append(
            Translation.story_id.in_(stories_in_my_langs)
            & (Translation.lang.in_(mine) | (Translation.lang == Story.source_language))
        )
    if not conditions:
        return stmt.where(False)
    return stmt.where(or_(*conditions))


def my_work(
    session: Session,
    user: User,
    *,
    state: str | None = None,
    lang: str | None = None,
    page: int = 1,
    per_page: int = 25,
) -> Page:
    stmt = visible_translations_stmt(user)
    if state:
        stmt = stmt.where(Translation.state == state)
    if lang:
        stmt = stmt.where(Translation.lang == lang)
    stmt = stmt.order_by(Translation.updated_at.desc(), Translation.id.desc())
    return paginate(session, stmt, page, per_page)


def review_queue(
    session: Session,
    user: User,
    *,
    lang: str | None = None,
    organisation_id: int | None = None,
    state: str | None = State.IN_REVIEW,
    page: int = 1,
    per_page: int = 25,
) -> Page:
    """What an editor should look at, oldest first, in the languages they work in."""
    stmt = visible_translations_stmt(user)
    if Role.ADMIN not in user.roles and not user.all_languages:
        stmt = stmt.where(Translation.lang.in_(sorted(user.languages)))
    if state:
        stmt = stmt.where(Translation.state == state)
    if lang:
        stmt = stmt.where(Translation.lang == lang)
    if organisation_id:
        stmt = stmt.where(Story.organisation_id == organisation_id)
    stmt = stmt.order_by(Translation.updated_at.asc(), Translation.id.asc())
    return paginate(session, stmt, page, per_page)


def audit_log(
    session: Session,
    *,
    action: str | None = None,
    actor_id: int | None = None,
    story_id: int | None = None,
    object_type: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page:
    stmt = select(AuditEvent)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if actor_id:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    if story_id:
        stmt = stmt.where(AuditEvent.story_id == story_id)
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if since:
        stmt = stmt.where(AuditEvent.at >= since)
    if until:
        stmt = stmt.where(AuditEvent.at < until)
    stmt = stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    return paginate(session, stmt, page, per_page)


def audit_for_translation(session: Session, t: Translation) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == "translation", AuditEvent.object_id == t.id)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    )


def organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


def users(session: Session, *, page: int = 1, per_page: int = 50) -> Page:
    stmt = (
        select(User)
        .options(selectinload(User.role_rows), selectinload(User.language_rows))
        .order_by(User.name, User.id)
    )
    return paginate(session, stmt, page, per_page)


def user_by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


# --- public ---------------------------------------------------------------------------------


def latest_published(session: Session, lang: str, *, page: int = 1, per_page: int = 12) -> Page:
    stmt = (
        select(Translation)
        .where(Translation.is_live.is_(True), Translation.lang == lang)
        .order_by(Translation.published_at.desc(), Translation.id.desc())
    )
    return paginate(session, stmt, page, per_page)


def published_by_slug(session: Session, lang: str, slug: str) -> Translation | None:
    return session.scalar(
        select(Translation).where(
            Translation.lang == lang, Translation.slug == slug, Translation.is_live.is_(True)
        )
    )


def live_translations_of(session: Session, story_id: int) -> list[Translation]:
    return list(
        session.scalars(
            select(Translation)
            .where(Translation.story_id == story_id, Translation.is_live.is_(True))
            .order_by(Translation.lang)
        )
    )


def translator_of(t: Translation) -> User | None:
    """Who translated ``t`` (None for the original text): the claimer, else the author of
    its live revision."""
    if t.is_source:
        return None
    if t.claimed_by is not None:
        return t.claimed_by
    return t.live_revision.author if t.live_revision is not None else None


# Letters typed differently on Arabic and Urdu keyboards: each token is looked for in all
# its spellings (the editorial search runs in SQL over drafts, without the search index).
_VARIANTS = (("ی", "ي", "ى"), ("ک", "ك"), ("ہ", "ه"), ("ۃ", "ة"))
MAX_EDITORIAL_TOKENS = 8


def _spellings(token: str) -> set[str]:
    spellings = {token}
    for group in _VARIANTS:
        for letter in group:
            for known in list(spellings):
                if letter in known:
                    for other in group:
                        spellings.add(known.replace(letter, other))
    return spellings


def _strip_marks(text: str) -> str:
    import unicodedata

    return "".join(
        ch for ch in text if unicodedata.category(ch) != "Mn" and ch not in "\u0640\u200c\u200d"
    )


def editorial_search(session: Session, user: User, q: str, *, limit: int = 50) -> list:
    """Drafts and submissions ``user`` may see whose latest text has every word of ``q``."""
    from sqlalchemy import and_

    from content.models import Revision

    tokens = [t for t in _strip_marks(q).split() if t][:MAX_EDITORIAL_TOKENS]
    if not tokens:
        return []
    stmt = visible_translations_stmt(user).join(
        Revision, Revision.id == Translation.latest_revision_id
    )
    clauses = []
    for token in tokens:
        like = []
        for spelling in _spellings(token[:100]):
            pattern = (
                "%" + spelling.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
            for column in (Revision.title, Revision.summary, Revision.body):
                like.append(column.ilike(pattern, escape="\\"))
        clauses.append(or_(*like))
    stmt = stmt.where(and_(*clauses)).order_by(Translation.updated_at.desc()).limit(limit)
    return list(session.scalars(stmt).unique())


def live_stories_of_campaign(session: Session, campaign_id: int) -> list[Story]:
    """Stories of a campaign with at least one published translation, newest first."""
    live = select(Translation.story_id).where(Translation.is_live.is_(True))
    stmt = (
        select(Story)
        .where(Story.campaign_id == campaign_id, Story.id.in_(live))
        .order_by(Story.created_at.desc(), Story.id.desc())
    )
    return list(session.scalars(stmt).unique())

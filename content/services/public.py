"""Queries of the public site and the read API: live translations only, public fields only.

Every function here returns published content and nothing else; the pages, the feeds and the
API all read through it, so "published only" is enforced in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, String, cast, select
from sqlalchemy.orm import Session

from content.models import Campaign, Organisation, Story, Translation
from content.services.queries import Page, paginate


@dataclass(frozen=True)
class StoryFilters:
    """What a story list is narrowed by; None means "any"."""

    lang: str | None = None
    theme: str | None = None
    region: str | None = None
    kind: str | None = None
    campaign: str | None = None  # slug
    organisation: str | None = None  # slug

    def active(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


def live_stmt(filters: StoryFilters) -> Select:
    """Live translations matching ``filters``, newest first."""
    stmt = (
        select(Translation)
        .join(Story, Story.id == Translation.story_id)
        .where(Translation.is_live.is_(True))
    )
    if filters.lang:
        stmt = stmt.where(Translation.lang == filters.lang)
    if filters.theme:
        # Themes are a JSON list of codes; its text holds each code in double quotes on
        # SQLite and PostgreSQL alike, and codes are plain ASCII words.
        stmt = stmt.where(cast(Story.themes, String).like(f'%"{_code(filters.theme)}"%'))
    if filters.region:
        stmt = stmt.where(Story.region == filters.region)
    if filters.kind:
        stmt = stmt.where(Story.kind == filters.kind)
    if filters.campaign:
        stmt = stmt.join(Campaign, Campaign.id == Story.campaign_id).where(
            Campaign.slug == filters.campaign
        )
    if filters.organisation:
        stmt = stmt.join(Organisation, Organisation.id == Story.organisation_id).where(
            Organisation.slug == filters.organisation
        )
    return stmt.order_by(Translation.published_at.desc(), Translation.id.desc())


def list_published(
    session: Session, filters: StoryFilters, *, page: int = 1, per_page: int = 12
) -> Page:
    """One page of live translations matching ``filters``, newest first."""
    return paginate(session, live_stmt(filters), page, per_page)


def _code(value: str) -> str:
    """A theme code safe inside a LIKE pattern (codes are lowercase ASCII words)."""
    return "".join(ch for ch in value if ch.isascii() and (ch.isalnum() or ch in "_-"))[:40]

"""Reads of the public JSON API: live translations in the site's languages, nothing else.

The API answers for many stories at once, so these queries load what a response shows in a
fixed number of statements (no per-row lazy loads), and they take the enabled languages as an
argument: a translation live in a language the site does not serve has no public page, so the
API does not list it either. Like `content.services.public`, every function here returns
published content only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import Select, distinct, func, select
from sqlalchemy.orm import Session, joinedload

from content.models import Campaign, Organisation, Story, Translation
from content.services.public import StoryFilters, live_stmt
from content.services.queries import Page, paginate


def _with_story_details(stmt: Select) -> Select:
    # Story, organisation and author come joined with the translation; the campaign would be
    # one lazy query per row.
    return stmt.options(joinedload(Translation.story).selectinload(Story.campaign))


def live_page(
    session: Session,
    filters: StoryFilters,
    langs: Iterable[str],
    *,
    page: int,
    per_page: int,
) -> Page:
    """One page of live translations in ``langs`` matching ``filters``, newest first."""
    stmt = live_stmt(filters).where(
        Translation.lang.in_(tuple(langs)), Translation.live_revision_id.is_not(None)
    )
    return paginate(session, _with_story_details(stmt), page, per_page)


def live_translations_of_story(
    session: Session, story_id: int, langs: Iterable[str]
) -> list[Translation]:
    """The live translations of one story in ``langs``, by language code; empty when the
    story does not exist or nothing of it is published (the two look the same)."""
    stmt = select(Translation).where(
        Translation.story_id == story_id,
        Translation.is_live.is_(True),
        Translation.live_revision_id.is_not(None),
        Translation.lang.in_(tuple(langs)),
    )
    return list(session.scalars(_with_story_details(stmt).order_by(Translation.lang)).unique())


def live_translations_by_id(
    session: Session, ids: Iterable[int], langs: Iterable[str]
) -> dict[int, Translation]:
    """Those of ``ids`` that are live translations in ``langs`` (search hits are checked
    against this: the index follows the database, it does not replace it)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    stmt = select(Translation).where(
        Translation.id.in_(wanted),
        Translation.is_live.is_(True),
        Translation.live_revision_id.is_not(None),
        Translation.lang.in_(tuple(langs)),
    )
    return {t.id: t for t in session.scalars(_with_story_details(stmt)).unique()}


def _live_count_by_campaign(langs: Iterable[str]):
    return (
        select(Story.campaign_id, func.count(distinct(Story.id)).label("stories"))
        .join(Translation, Translation.story_id == Story.id)
        .where(
            Story.campaign_id.is_not(None),
            Translation.is_live.is_(True),
            Translation.lang.in_(tuple(langs)),
        )
        .group_by(Story.campaign_id)
        .subquery()
    )


class LiveCampaign(NamedTuple):
    campaign: Campaign
    organisation: Organisation | None
    story_count: int  # stories with at least one live translation in the languages asked


def campaigns_with_live_stories(session: Session, langs: Iterable[str]) -> list[LiveCampaign]:
    """Campaigns with at least one story live in ``langs``, newest first."""
    counts = _live_count_by_campaign(langs)
    stmt = (
        select(Campaign, Organisation, counts.c.stories)
        .join(counts, counts.c.campaign_id == Campaign.id)
        .outerjoin(Organisation, Organisation.id == Campaign.organisation_id)
        .order_by(Campaign.created_at.desc(), Campaign.id.desc())
    )
    return [LiveCampaign(*row) for row in session.execute(stmt)]


def campaign_with_live_stories(
    session: Session, slug: str, langs: Iterable[str]
) -> tuple[LiveCampaign, list[Story]] | None:
    """A campaign and its stories live in ``langs`` (newest first), or None when it has none
    (an unknown slug and a campaign with nothing published look the same)."""
    langs = tuple(langs)
    campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
    if campaign is None:
        return None
    live = select(Translation.story_id).where(
        Translation.is_live.is_(True), Translation.lang.in_(langs)
    )
    stmt = (
        select(Story)
        .where(Story.campaign_id == campaign.id, Story.id.in_(live))
        .order_by(Story.created_at.desc(), Story.id.desc())
    )
    stories = list(session.scalars(stmt).unique())
    if not stories:
        return None
    organisation = (
        session.get(Organisation, campaign.organisation_id) if campaign.organisation_id else None
    )
    return LiveCampaign(campaign, organisation, len(stories)), stories

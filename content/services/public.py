"""Queries of the public site and the read API: live translations only, public fields only.

Every function here returns published content and nothing else; the pages, the feeds and the
API all read through it, so "published only" is enforced in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, String, Subquery, case, cast, func, or_, select, true
from sqlalchemy.orm import Session

from content.models import (
    REGIONS,
    THEMES,
    BylineMode,
    Campaign,
    Organisation,
    Story,
    Translation,
)
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
        # Anonymous stories never show under their organisation: that would narrow down
        # who wrote them.
        stmt = stmt.join(Organisation, Organisation.id == Story.organisation_id).where(
            Organisation.slug == filters.organisation,
            Story.byline_mode != BylineMode.ANONYMOUS,
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


# --- the pages of the public site ------------------------------------------------------------
#
# Lists of *stories* (one entry per story, in the best language a reader's fallback chain
# offers) as opposed to ``list_published``, which lists *translations* (one entry per text).


def _last_published() -> Subquery:
    """Per story with a live translation: when one of its texts was last published."""
    return (
        select(
            Translation.story_id.label("story_id"),
            func.max(Translation.published_at).label("last_published_at"),
        )
        .where(Translation.is_live.is_(True))
        .group_by(Translation.story_id)
        .subquery()
    )


def _stories_newest_first(*conditions) -> Select:
    """Stories with at least one live translation, matching ``conditions``, newest first."""
    last = _last_published()
    return (
        select(Story)
        .join(last, last.c.story_id == Story.id)
        .where(*conditions)
        .order_by(last.c.last_published_at.desc(), Story.id.desc())
    )


def _has_live_text_in(langs: tuple[str, ...]):
    return Story.id.in_(
        select(Translation.story_id).where(
            Translation.is_live.is_(True), Translation.lang.in_(langs)
        )
    )


def best_translation(live: list[Translation], chain: tuple[str, ...]) -> Translation | None:
    """The text of one story to show a reader of ``chain``: the first language of the chain
    it has, else its original, else its most recently published text."""
    by_lang = {t.lang: t for t in live if t.is_live}
    for code in chain:
        if code in by_lang:
            return by_lang[code]
    if not by_lang:
        return None
    source = next((t for t in by_lang.values() if t.is_source), None)
    return source or max(by_lang.values(), key=lambda t: (t.published_at, t.id))


def _in_best_language(
    session: Session, stories: list[Story], chain: tuple[str, ...]
) -> list[tuple[Story, Translation]]:
    if not stories:
        return []
    rows = session.scalars(
        select(Translation).where(
            Translation.story_id.in_([s.id for s in stories]), Translation.is_live.is_(True)
        )
    ).unique()
    live: dict[int, list[Translation]] = {}
    for t in rows:
        live.setdefault(t.story_id, []).append(t)
    pairs = []
    for story in stories:
        shown = best_translation(live.get(story.id, []), chain)
        if shown is not None:
            pairs.append((story, shown))
    return pairs


def latest_for_home(
    session: Session, chain: tuple[str, ...], *, limit: int = 6, handful: int = 4
) -> list[Translation]:
    """The newest live texts in ``chain[0]``; when there are fewer than ``handful`` of them,
    topped up to ``limit`` with other stories, each in the best language it has."""
    own = list(session.scalars(live_stmt(StoryFilters(lang=chain[0])).limit(limit)).unique())
    if len(own) >= handful:
        return own
    seen = {t.story_id for t in own}
    others = _stories_newest_first(Story.id.not_in(seen) if seen else true())
    stories = list(session.scalars(others.limit(limit - len(own))).unique())
    return own + [t for _story, t in _in_best_language(session, stories, chain)]


def related_stories(
    session: Session, story: Story, chain: tuple[str, ...], *, limit: int = 4
) -> list[Translation]:
    """Other live stories near ``story``: of its campaign first, then sharing a theme with
    it; each in the first language of ``chain`` it has (stories in none are left out)."""
    readable = (Story.id != story.id, _has_live_text_in(chain))
    picked: list[Story] = []
    if story.campaign_id is not None:
        stmt = _stories_newest_first(*readable, Story.campaign_id == story.campaign_id)
        picked = list(session.scalars(stmt.limit(limit)).unique())
    themes = [code for code in (story.themes or []) if _code(code)]
    if len(picked) < limit and themes:
        shares_a_theme = or_(
            *(cast(Story.themes, String).like(f'%"{_code(code)}"%') for code in themes)
        )
        taken = [s.id for s in picked]
        stmt = _stories_newest_first(
            *readable, shares_a_theme, Story.id.not_in(taken) if taken else true()
        )
        picked += list(session.scalars(stmt.limit(limit - len(picked))).unique())
    return [t for _story, t in _in_best_language(session, picked, chain)]


def stories_of_organisation(
    session: Session,
    organisation: Organisation,
    chain: tuple[str, ...],
    *,
    page: int = 1,
    per_page: int = 12,
) -> Page:
    """One page of what ``organisation`` has published, one entry per story in the best
    language of ``chain``. Anonymous stories are left out: listing them under their
    organisation would narrow down who wrote them."""
    stmt = _stories_newest_first(
        Story.organisation_id == organisation.id, Story.byline_mode != BylineMode.ANONYMOUS
    )
    found = paginate(session, stmt, page, per_page)
    items = [t for _story, t in _in_best_language(session, found.items, chain)]
    return Page(items=items, page=found.page, per_page=found.per_page, total=found.total)


def campaign_materials(
    session: Session, campaign: Campaign, chain: tuple[str, ...]
) -> list[tuple[Story, Translation]]:
    """The campaign's live stories, newest first, each in the best language of ``chain``."""
    stmt = _stories_newest_first(Story.campaign_id == campaign.id)
    return _in_best_language(session, list(session.scalars(stmt).unique()), chain)


def _live_story_count():
    return func.count(func.distinct(Translation.story_id))


def campaigns_with_material(session: Session) -> list[tuple[Campaign, int]]:
    """Campaigns with at least one live story and how many, the most recent first."""
    stmt = (
        select(Campaign, _live_story_count())
        .join(Story, Story.campaign_id == Campaign.id)
        .join(Translation, Translation.story_id == Story.id)
        .where(Translation.is_live.is_(True))
        .group_by(Campaign.id)
        .order_by(func.coalesce(Campaign.starts_on, Campaign.created_at).desc(), Campaign.id.desc())
    )
    return [(campaign, count) for campaign, count in session.execute(stmt).unique()]


def featured_campaign(session: Session) -> Campaign | None:
    """The most recent campaign with published material."""
    found = campaigns_with_material(session)
    return found[0][0] if found else None


def campaign_by_slug(session: Session, slug: str) -> Campaign | None:
    return session.scalar(select(Campaign).where(Campaign.slug == slug))


def organisations_with_content(session: Session) -> list[tuple[Organisation, int]]:
    """Active organisations that have published something they sign, and how many stories,
    by name. (Anonymous stories count for nobody: see ``stories_of_organisation``.)"""
    stmt = (
        select(Organisation, _live_story_count())
        .join(Story, Story.organisation_id == Organisation.id)
        .join(Translation, Translation.story_id == Story.id)
        .where(
            Organisation.is_active.is_(True),
            Translation.is_live.is_(True),
            Story.byline_mode != BylineMode.ANONYMOUS,
        )
        .group_by(Organisation.id)
        .order_by(Organisation.name, Organisation.id)
    )
    return [(org, count) for org, count in session.execute(stmt)]


def public_organisation(session: Session, slug: str) -> Organisation | None:
    """The organisation with ``slug`` if the public may see its page: active, with
    something published that it signs."""
    stmt = (
        select(Organisation)
        .join(Story, Story.organisation_id == Organisation.id)
        .join(Translation, Translation.story_id == Story.id)
        .where(
            Organisation.slug == slug,
            Organisation.is_active.is_(True),
            Translation.is_live.is_(True),
            Story.byline_mode != BylineMode.ANONYMOUS,
        )
        .limit(1)
    )
    return session.scalar(stmt)


@dataclass(frozen=True)
class Counts:
    themes: list[tuple[str, int]]  # (code, live texts), vocabulary order, zeros left out
    regions: list[tuple[str, int]]


def theme_and_region_counts(session: Session, lang: str | None) -> Counts:
    """How many live texts (in ``lang``, or in any language for None) each theme and region
    has: the numbers the story list shows for the same filters."""
    conditions = [Translation.is_live.is_(True)]
    if lang:
        conditions.append(Translation.lang == lang)

    def counted(*columns) -> Select:
        return (
            select(*columns)
            .select_from(Translation)
            .join(Story, Story.id == Translation.story_id)
            .where(*conditions)
        )

    themes_text = cast(Story.themes, String)
    row = session.execute(
        counted(*(func.sum(case((themes_text.like(f'%"{code}"%'), 1), else_=0)) for code in THEMES))
    ).one()
    themes = [(code, int(n or 0)) for code, n in zip(THEMES, row, strict=True) if n]
    region_rows = session.execute(
        counted(Story.region, func.count()).where(Story.region.is_not(None)).group_by(Story.region)
    ).all()
    by_region = dict(region_rows)
    regions = [(code, by_region[code]) for code in REGIONS if by_region.get(code)]
    return Counts(themes=themes, regions=regions)

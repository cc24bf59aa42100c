"""What the Atom feeds and the sitemap list: live translations in the enabled languages.

Read-only, published content only (through ``public.live_stmt`` where whole translations are
needed). The sitemap reads light rows, not ORM objects, one slice at a time, so a site with
tens of thousands of translations is listed in a few queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from content.models import BylineMode, Campaign, Organisation, SitePage, Story, Translation
from content.services import queries
from content.services.public import StoryFilters, live_stmt

FEED_SIZE = 50


# --- feeds ----------------------------------------------------------------------------------


def latest_live(session: Session, lang: str, *, limit: int = FEED_SIZE) -> list[Translation]:
    """The newest ``limit`` live translations in ``lang``, newest first."""
    stmt = live_stmt(StoryFilters(lang=lang)).where(Translation.live_revision_id.is_not(None))
    return list(session.scalars(stmt.limit(limit)).unique())


def live_siblings(
    session: Session, story_ids: Iterable[int], langs: Sequence[str]
) -> dict[int, dict[str, str]]:
    """{story id: {lang: slug}} of the live translations of a few stories in ``langs``."""
    ids = sorted(set(story_ids))
    found: dict[int, dict[str, str]] = {}
    if not ids:
        return found
    rows = session.execute(
        select(Translation.story_id, Translation.lang, Translation.slug).where(
            Translation.story_id.in_(ids),
            Translation.is_live.is_(True),
            Translation.lang.in_(list(langs)),
        )
    )
    for story_id, lang, slug in rows:
        found.setdefault(story_id, {})[lang] = slug
    return found


def campaign_by_slug(session: Session, slug: str) -> Campaign | None:
    return session.scalar(select(Campaign).where(Campaign.slug == slug))


def campaign_entries(
    session: Session,
    campaign_id: int,
    chain: Sequence[str],
    langs: Sequence[str],
    *,
    limit: int = FEED_SIZE,
) -> list[Translation]:
    """One live translation per story of the campaign, newest first: in the first language
    of ``chain`` that has one, else its original, else its latest published text, so every
    story the campaign page shows is in its feed. Texts in languages outside ``langs`` are
    never chosen: their pages are not served."""
    chosen = []
    for story in queries.live_stories_of_campaign(session, campaign_id):
        live = {
            t.lang: t
            for t in story.translations
            if t.is_live and t.live_revision_id is not None and t.lang in langs
        }
        shown = next((live[code] for code in chain if code in live), None)
        if shown is None and live:
            shown = live.get(story.source_language) or max(
                live.values(), key=lambda t: (t.published_at, t.id)
            )
        if shown is not None:
            chosen.append(shown)
    chosen.sort(key=lambda t: (t.published_at, t.id), reverse=True)
    return chosen[:limit]


# --- the sitemap ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveRow:
    """One live translation as the sitemap needs it."""

    story_id: int
    lang: str
    slug: str
    published_at: datetime
    source_language: str


@dataclass(frozen=True)
class SitemapEntry:
    row: LiveRow
    siblings: tuple[LiveRow, ...]  # every live translation of the story, this one included

    @property
    def source(self) -> LiveRow | None:
        return next((s for s in self.siblings if s.lang == s.source_language), None)


def _rows_stmt(langs: Sequence[str]):
    return (
        select(
            Translation.story_id,
            Translation.lang,
            Translation.slug,
            Translation.published_at,
            Story.source_language,
        )
        .join(Story, Story.id == Translation.story_id)
        .where(Translation.is_live.is_(True), Translation.lang.in_(list(langs)))
    )


def count_live(session: Session, langs: Sequence[str]) -> int:
    return (
        session.scalar(
            select(func.count(Translation.id)).where(
                Translation.is_live.is_(True), Translation.lang.in_(list(langs))
            )
        )
        or 0
    )


def sitemap_entries(
    session: Session, langs: Sequence[str], *, offset: int, limit: int
) -> list[SitemapEntry]:
    """Live translations ``offset`` to ``offset + limit`` (by story, then language), each with
    its live siblings. Two queries: the slice, then every live translation of the stories
    the slice spans (a range of ids, never a list as long as the slice)."""
    if limit <= 0:
        return []
    ordered = _rows_stmt(langs).order_by(Translation.story_id, Translation.lang)
    rows = [LiveRow(*r) for r in session.execute(ordered.offset(max(0, offset)).limit(limit))]
    if not rows:
        return []
    spanned = session.execute(
        _rows_stmt(langs)
        .where(Translation.story_id.between(rows[0].story_id, rows[-1].story_id))
        .order_by(Translation.story_id, Translation.lang)
    )
    by_story: dict[int, list[LiveRow]] = {}
    for r in spanned:
        row = LiveRow(*r)
        by_story.setdefault(row.story_id, []).append(row)
    return [SitemapEntry(row=row, siblings=tuple(by_story[row.story_id])) for row in rows]


def last_published_by_lang(session: Session, langs: Sequence[str]) -> dict[str, datetime]:
    """When each language last had something published (still live)."""
    rows = session.execute(
        select(Translation.lang, func.max(Translation.published_at))
        .where(Translation.is_live.is_(True), Translation.lang.in_(list(langs)))
        .group_by(Translation.lang)
    )
    return {lang: at for lang, at in rows if at is not None}


def campaigns_with_live_stories(
    session: Session, langs: Sequence[str]
) -> list[tuple[str, datetime]]:
    """(slug, last publication) of the campaigns that have published material."""
    rows = session.execute(
        select(Campaign.slug, func.max(Translation.published_at))
        .join(Story, Story.campaign_id == Campaign.id)
        .join(Translation, Translation.story_id == Story.id)
        .where(Translation.is_live.is_(True), Translation.lang.in_(list(langs)))
        .group_by(Campaign.slug)
        .order_by(Campaign.slug)
    )
    return [(slug, at) for slug, at in rows]


def organisations_with_live_stories(
    session: Session, langs: Sequence[str]
) -> list[tuple[str, datetime]]:
    """(slug, last publication) of the active organisations that have published stories.

    Anonymous stories do not count: an organisation page never lists them, and neither its
    presence nor its date may hint at when one was published."""
    rows = session.execute(
        select(Organisation.slug, func.max(Translation.published_at))
        .join(Story, Story.organisation_id == Organisation.id)
        .join(Translation, Translation.story_id == Story.id)
        .where(
            Organisation.is_active.is_(True),
            Story.byline_mode != BylineMode.ANONYMOUS,
            Translation.is_live.is_(True),
            Translation.lang.in_(list(langs)),
        )
        .group_by(Organisation.slug)
        .order_by(Organisation.slug)
    )
    return [(slug, at) for slug, at in rows]


def site_page_langs(session: Session, slug: str, langs: Sequence[str]) -> dict[str, datetime]:
    """{lang: updated_at} of an admin-written page (such as "about") in ``langs``."""
    rows = session.execute(
        select(SitePage.lang, SitePage.updated_at).where(
            SitePage.slug == slug, SitePage.lang.in_(list(langs))
        )
    )
    return dict(rows.all())

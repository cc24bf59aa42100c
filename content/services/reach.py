"""Reach figures: writing the counters in batches, and reading them back for reports.

Writing: the web layer counts in memory and hands over a batch; ``write_counts`` resolves
what the batch names (a story page's language and slug, a fallback page's story) to
translation ids, drops what no longer exists, and adds everything in one transaction with
one upsert per table (``count = count + excluded.count``), so concurrent writers never lose
an increment. Nothing about a visitor is ever part of a batch.

Reading: every report query joins the counters to their story and applies the reader's
scope (``workflow.reach_scope``) in SQL, so a contributor's report can only ever add up
their own organisation's rows. The dashboard and the CSV export both come from
``figures_by``: the same filters give the same numbers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from content import languages
from content.models import (
    SHARE_NETWORKS,
    Campaign,
    MediaAsset,
    Organisation,
    ReachDownload,
    ReachShare,
    ReachView,
    Revision,
    Story,
    Translation,
    User,
)
from content.services._base import upsert_insert
from content.workflow import reach_scope

# The longest period one report covers (three years and a leap day).
MAX_PERIOD_DAYS = 3 * 365 + 1
# Rows per statement: well under SQLite's limit on bound parameters.
CHUNK = 500

# --- what the web layer hands over ---------------------------------------------------------

# Kinds of pending counts. Keys are (kind, ref, day, network):
#   VIEW            ref = translation id
#   VIEW_SLUG       ref = (lang, slug) of /<lang>/stories/<slug>
#   VIEW_FALLBACK   ref = (page lang, story id) of /<lang>/s/<id> when it showed a fallback
#   SHARE           ref = translation id, network = one of SHARE_NETWORKS
#   DOWNLOAD        ref = media asset id
VIEW = "view"
VIEW_SLUG = "view_slug"
VIEW_FALLBACK = "view_fallback"
SHARE = "share"
DOWNLOAD = "download"
KINDS = (VIEW, VIEW_SLUG, VIEW_FALLBACK, SHARE, DOWNLOAD)


@dataclass
class WriteResult:
    """What one batch became: rows upserted per table, and counts dropped because what they
    named no longer exists (or never did)."""

    views: int = 0
    shares: int = 0
    downloads: int = 0
    dropped: int = 0

    @property
    def rows(self) -> int:
        return self.views + self.shares + self.downloads


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _existing_ids(session: Session, column, ids: Iterable[int]) -> set[int]:
    found: set[int] = set()
    for part in _chunks(sorted(set(ids))):
        found.update(session.scalars(select(column).where(column.in_(part))))
    return found


def _slug_ids(session: Session, refs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    by_lang: dict[str, set[str]] = defaultdict(set)
    for lang, slug in refs:
        by_lang[lang].add(slug)
    found = {}
    for lang, slugs in by_lang.items():
        for part in _chunks(sorted(slugs)):
            rows = session.execute(
                select(Translation.id, Translation.slug).where(
                    Translation.lang == lang, Translation.slug.in_(part)
                )
            )
            found.update({(lang, slug): tid for tid, slug in rows})
    return found


def _fallback_ids(
    session: Session, refs: Iterable[tuple[str, int]], enabled: Iterable[str] | None
) -> dict[tuple[str, int], int]:
    """The translation a story page in a language it lacks shows: the first of the page
    language's fallback chain that is live, else the first live one (the public view's rule)."""
    refs = set(refs)
    live: dict[int, dict[str, int]] = defaultdict(dict)
    for part in _chunks(sorted({story_id for _lang, story_id in refs})):
        rows = session.execute(
            select(Translation.id, Translation.story_id, Translation.lang)
            .where(Translation.story_id.in_(part), Translation.is_live.is_(True))
            .order_by(Translation.lang)
        )
        for tid, story_id, lang in rows:
            live[story_id][lang] = tid
    enabled = tuple(enabled) if enabled is not None else None
    found = {}
    for lang, story_id in refs:
        shown = live.get(story_id)
        if not shown or not languages.is_known(lang):
            continue
        chain = languages.fallback_chain(lang, enabled)
        code = next((c for c in (lang, *chain) if c in shown), next(iter(shown)))
        found[(lang, story_id)] = shown[code]
    return found


def _upsert(session: Session, model, keys: tuple[str, ...], rows: list[dict]) -> None:
    """Add ``count`` to each row, inserting the rows that do not exist yet."""
    if not rows:
        return
    # One order for every writer: two processes upserting the same rows cannot deadlock.
    rows = sorted(rows, key=lambda row: tuple(str(row[k]) for k in keys))
    table = model.__table__
    stmt = upsert_insert(session)(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys),
        set_={"count": table.c["count"] + stmt.excluded["count"]},
    )
    for part in _chunks(rows):
        session.execute(stmt, part)


def write_counts(
    session: Session,
    counts: Mapping[tuple, int],
    *,
    enabled_languages: Iterable[str] | None = None,
) -> WriteResult:
    """Add a batch of pending counts (keys as described above) in one transaction.

    Counts naming a translation or asset that does not exist (deleted since) are dropped,
    never allowed to fail the batch. Raises whatever the database raises; the caller keeps
    the batch for another try.
    """
    result = WriteResult()
    slug_ids = _slug_ids(session, {ref for (kind, ref, _d, _n) in counts if kind == VIEW_SLUG})
    fallback_ids = _fallback_ids(
        session,
        {ref for (kind, ref, _d, _n) in counts if kind == VIEW_FALLBACK},
        enabled_languages,
    )
    views: Counter = Counter()
    shares: Counter = Counter()
    downloads: Counter = Counter()
    for (kind, ref, day, network), n in counts.items():
        if n <= 0:
            continue
        if kind == VIEW:
            views[(ref, day)] += n
        elif kind == VIEW_SLUG:
            if ref in slug_ids:
                views[(slug_ids[ref], day)] += n
            else:
                result.dropped += n
        elif kind == VIEW_FALLBACK:
            if ref in fallback_ids:
                views[(fallback_ids[ref], day)] += n
            else:
                result.dropped += n
        elif kind == SHARE and network in SHARE_NETWORKS:
            shares[(ref, day, network)] += n
        elif kind == DOWNLOAD:
            downloads[(ref, day)] += n
        else:
            result.dropped += n

    translations = _existing_ids(
        session, Translation.id, [k[0] for k in views] + [k[0] for k in shares]
    )
    assets = _existing_ids(session, MediaAsset.id, [k[0] for k in downloads])
    view_rows = [
        {"translation_id": tid, "day": day, "count": n}
        for (tid, day), n in views.items()
        if tid in translations
    ]
    share_rows = [
        {"translation_id": tid, "day": day, "network": network, "count": n}
        for (tid, day, network), n in shares.items()
        if tid in translations
    ]
    download_rows = [
        {"asset_id": aid, "day": day, "count": n}
        for (aid, day), n in downloads.items()
        if aid in assets
    ]
    result.dropped += (
        sum(views.values())
        - sum(r["count"] for r in view_rows)
        + sum(shares.values())
        - sum(r["count"] for r in share_rows)
        + sum(downloads.values())
        - sum(r["count"] for r in download_rows)
    )
    _upsert(session, ReachView, ("translation_id", "day"), view_rows)
    _upsert(session, ReachShare, ("translation_id", "day", "network"), share_rows)
    _upsert(session, ReachDownload, ("asset_id", "day"), download_rows)
    session.commit()
    result.views, result.shares, result.downloads = (
        len(view_rows),
        len(share_rows),
        len(download_rows),
    )
    return result


# --- reading: filters, scope and figures ---------------------------------------------------


@dataclass(frozen=True)
class ReachFilter:
    """What a report covers: a period of UTC days (both ends included) and optional
    narrowing. ``lang`` narrows views and shares; downloads are of files, which have no
    language, so a report narrowed to a language has none."""

    start: date
    end: date
    lang: str | None = None
    campaign_id: int | None = None
    organisation_id: int | None = None
    region: str | None = None
    story_id: int | None = None

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


@dataclass
class Figures:
    views: int = 0
    shares: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SHARE_NETWORKS, 0))
    downloads: int = 0

    @property
    def shares_total(self) -> int:
        return sum(self.shares.values())

    @property
    def is_empty(self) -> bool:
        return not (self.views or self.shares_total or self.downloads)


# Dimensions a report can be broken down by, and the story column each one reads.
DIMENSIONS = ("day", "lang", "story", "campaign", "organisation", "region")
_STORY_COLUMNS = {
    "story": Story.id,
    "campaign": Story.campaign_id,
    "organisation": Story.organisation_id,
    "region": Story.region,
}


def _story_conditions(f: ReachFilter, scope: int | None) -> list:
    conditions = []
    if scope is not None:
        conditions.append(Story.organisation_id == scope)
    if f.organisation_id is not None:
        conditions.append(Story.organisation_id == f.organisation_id)
    if f.campaign_id is not None:
        conditions.append(Story.campaign_id == f.campaign_id)
    if f.region:
        conditions.append(Story.region == f.region)
    if f.story_id is not None:
        conditions.append(Story.id == f.story_id)
    return conditions


def _columns(model, dims: tuple[str, ...]) -> list:
    columns = []
    for dim in dims:
        if dim == "day":
            columns.append(model.day)
        elif dim == "lang":
            columns.append(Translation.lang)
        else:
            columns.append(_STORY_COLUMNS[dim])
    return columns


def _translation_counts(session, model, f, scope, dims, extra=()) -> list:
    columns = _columns(model, dims) + list(extra)
    stmt = (
        select(*columns, func.sum(model.count))
        .join(Translation, Translation.id == model.translation_id)
        .join(Story, Story.id == Translation.story_id)
        .where(model.day >= f.start, model.day <= f.end, *_story_conditions(f, scope))
    )
    if f.lang:
        stmt = stmt.where(Translation.lang == f.lang)
    if columns:
        stmt = stmt.group_by(*columns)
    return list(session.execute(stmt))


def _download_counts(session, f, scope, dims) -> list:
    if f.lang or "lang" in dims:
        return []
    columns = _columns(ReachDownload, dims)
    stmt = (
        select(*columns, func.sum(ReachDownload.count))
        .join(MediaAsset, MediaAsset.id == ReachDownload.asset_id)
        .join(Story, Story.id == MediaAsset.story_id)
        .where(
            ReachDownload.day >= f.start,
            ReachDownload.day <= f.end,
            *_story_conditions(f, scope),
        )
    )
    if columns:
        stmt = stmt.group_by(*columns)
    return list(session.execute(stmt))


def figures_by(
    session: Session, actor: User, f: ReachFilter, dims: tuple[str, ...] = ()
) -> dict[tuple, Figures]:
    """Figures per combination of ``dims`` (``()`` gives one total under the key ``()``).

    Only what ``actor`` may see is counted. Download figures have no language: broken down
    by ``lang`` (or filtered by it) they are absent.
    """
    for dim in dims:
        if dim not in DIMENSIONS:
            raise ValueError(f"unknown dimension {dim!r}")
    scope = reach_scope(actor)
    out: dict[tuple, Figures] = defaultdict(Figures)
    for row in _translation_counts(session, ReachView, f, scope, dims):
        out[tuple(row[:-1])].views += int(row[-1] or 0)
    for row in _translation_counts(session, ReachShare, f, scope, dims, (ReachShare.network,)):
        *key, network, n = row
        figures = out[tuple(key)]
        if network in figures.shares:
            figures.shares[network] += int(n or 0)
    for row in _download_counts(session, f, scope, dims):
        out[tuple(row[:-1])].downloads += int(row[-1] or 0)
    if not dims:
        out.setdefault((), Figures())
    return dict(out)


def total(session: Session, actor: User, f: ReachFilter) -> Figures:
    return figures_by(session, actor, f)[()]


def daily(session: Session, actor: User, f: ReachFilter) -> list[tuple[date, Figures]]:
    """Every day of the period in order, with zeros for days nothing was counted."""
    by_day = figures_by(session, actor, f, ("day",))
    return [(day, by_day.get((day,), Figures())) for day in f.days]


def ranked(session: Session, actor: User, f: ReachFilter, dim: str) -> list[tuple[object, Figures]]:
    """Figures per value of one dimension, most viewed first (then shares, downloads)."""
    rows = [(key[0], figures) for key, figures in figures_by(session, actor, f, (dim,)).items()]
    rows.sort(key=lambda r: (-r[1].views, -r[1].shares_total, -r[1].downloads, str(r[0])))
    return rows


# --- reading: what the rows are about -------------------------------------------------------


@dataclass(frozen=True)
class StoryInfo:
    id: int
    organisation_id: int
    campaign_id: int | None
    region: str | None
    source_language: str
    # (lang -> title) of every translation that has text: the live one, else the latest.
    titles: dict[str, str]

    def title_in(self, chain: Iterable[str]) -> tuple[str, str]:
        """(title, lang) in the first language of ``chain`` that has one, else the source."""
        for code in chain:
            if code in self.titles:
                return self.titles[code], code
        if self.source_language in self.titles:
            return self.titles[self.source_language], self.source_language
        if self.titles:
            code = sorted(self.titles)[0]
            return self.titles[code], code
        return f"#{self.id}", self.source_language


def story_info(session: Session, story_ids: Iterable[int]) -> dict[int, StoryInfo]:
    ids = sorted(set(story_ids))
    stories = {}
    titles: dict[int, dict[str, str]] = defaultdict(dict)
    for part in _chunks(ids):
        for row in session.execute(
            select(
                Story.id,
                Story.organisation_id,
                Story.campaign_id,
                Story.region,
                Story.source_language,
            ).where(Story.id.in_(part))
        ):
            stories[row[0]] = row
        revision_id = func.coalesce(Translation.live_revision_id, Translation.latest_revision_id)
        for story_id, lang, title in session.execute(
            select(Translation.story_id, Translation.lang, Revision.title)
            .join(Revision, Revision.id == revision_id)
            .where(Translation.story_id.in_(part))
        ):
            titles[story_id][lang] = title
    return {
        sid: StoryInfo(
            id=sid,
            organisation_id=row[1],
            campaign_id=row[2],
            region=row[3],
            source_language=row[4],
            titles=titles.get(sid, {}),
        )
        for sid, row in stories.items()
    }


def stories_in_scope(session: Session, actor: User) -> list[StoryInfo]:
    """Stories the actor may report on that the public has seen (published at least once),
    for the story filter."""
    scope = reach_scope(actor)
    stmt = (
        select(Story.id)
        .join(Translation, Translation.story_id == Story.id)
        .where(Translation.first_published_at.is_not(None))
        .distinct()
    )
    if scope is not None:
        stmt = stmt.where(Story.organisation_id == scope)
    return list(story_info(session, session.scalars(stmt)).values())


def organisation_names(session: Session, ids: Iterable[int] | None = None) -> dict[int, str]:
    stmt = select(Organisation.id, Organisation.name).order_by(Organisation.name)
    if ids is not None:
        stmt = stmt.where(Organisation.id.in_(sorted(set(ids))))
    return dict(session.execute(stmt).all())


def campaigns(session: Session) -> list[Campaign]:
    return list(session.scalars(select(Campaign).order_by(Campaign.slug)))


# --- reading: the export -----------------------------------------------------------------


@dataclass(frozen=True)
class ExportRow:
    """One line of the CSV: a story on a day in one language (``lang`` None: its files'
    downloads, which belong to no language)."""

    day: date
    story: StoryInfo
    lang: str | None
    figures: Figures


def export_rows(session: Session, actor: User, f: ReachFilter) -> list[ExportRow]:
    """Every (day, story, language) with something counted, in day, story, language order.

    Summed, these rows give exactly ``total()`` for the same filter."""
    by_lang = figures_by(session, actor, f, ("day", "story", "lang"))
    keyed: dict[tuple, Figures] = {
        (day, story_id, lang): figures for (day, story_id, lang), figures in by_lang.items()
    }
    for day, story_id, n in _download_counts(session, f, reach_scope(actor), ("day", "story")):
        if n:
            keyed[(day, story_id, None)] = Figures(downloads=int(n))
    info = story_info(session, {story_id for _day, story_id, _lang in keyed})
    rows = [
        ExportRow(day=day, story=info[story_id], lang=lang, figures=figures)
        for (day, story_id, lang), figures in keyed.items()
        if story_id in info and not figures.is_empty
    ]
    rows.sort(key=lambda r: (r.day, r.story.id, r.lang or ""))
    return rows

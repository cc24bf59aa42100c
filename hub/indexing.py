"""Keeping the search index in step with the database, through the outbox.

The only place that knows both sides: it reads translations and outbox rows (content) and
writes search documents (search). It needs no request, so the CLI, the web workers and the
tests all call the same functions.

* ``sync`` applies outbox rows above the index's recorded position, in order, in batches;
  several processes may call it at once (the index takes one writer at a time and skips rows
  already applied). After a bulk import it rebuilds instead (``REBUILD_BACKLOG``).
* ``rebuild`` builds a fresh index from the database into a new directory and swaps it in.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from content.models import BylineMode, Campaign, Organisation, SearchOutbox, Story, Translation
from content.rendering import html_to_text
from search import Change, IndexBusyError, SearchDocument, SearchIndex

log = logging.getLogger("hub.search")

BATCH = 500
# Above this many outbox rows to apply, sync rebuilds instead (see sync).
REBUILD_BACKLOG = 5_000


def document_for(session: Session, t: Translation) -> SearchDocument | None:
    """The public document of a live translation, or None when the public cannot see it."""
    rev = t.live_revision
    if not t.is_live or rev is None:
        return None
    story: Story = t.story
    campaign = session.get(Campaign, story.campaign_id) if story.campaign_id else None
    org = session.get(Organisation, story.organisation_id)
    return SearchDocument(
        doc_id=str(t.id),
        story_id=story.id,
        lang=t.lang,
        slug=t.slug,
        title=rev.title,
        summary=rev.summary,
        body=html_to_text(rev.body_html),
        kind=story.kind,
        themes=tuple(story.themes or ()),
        region=story.region,
        campaign=campaign.slug if campaign else None,
        # An anonymous story is not tied to its organisation anywhere public: no facet count
        # or filter may narrow down who wrote it.
        organisation=None if story.byline_mode == BylineMode.ANONYMOUS else org.slug,
        published_at=t.published_at or rev.created_at,
    )


def _changes(session: Session, rows: list[SearchOutbox]) -> Iterator[Change]:
    for row in rows:
        t = session.get(Translation, row.translation_id)
        doc = document_for(session, t) if t is not None else None
        # The row says what happened; the database says what is true now. Index the truth.
        if doc is not None:
            yield Change(row.id, "upsert", doc)
        else:
            yield Change(row.id, "delete", str(row.translation_id))


def sync(session: Session, index: SearchIndex, *, rebuild_backlog: bool = True) -> int:
    """Apply every outbox row the index has not seen. Returns how many were applied.

    A backlog of more than ``REBUILD_BACKLOG`` rows (a bulk import) is brought in by a
    rebuild instead, which is several times faster than applying the rows in batches (each
    batch is a commit that merges segments). If another process is rebuilding already, that
    rebuild replays these rows when it finishes: this call returns 0 at once.
    """
    if rebuild_backlog:
        last = index.last_applied_seq()
        backlog = session.scalar(
            select(func.count()).select_from(SearchOutbox).where(SearchOutbox.id > last)
        )
        if backlog > REBUILD_BACKLOG:
            log.info("search: %d changes to apply, rebuilding instead", backlog)
            try:
                rebuild(session, index, wait=False)
            except IndexBusyError:
                session.rollback()
                return 0
            return backlog
    applied = 0
    while True:
        last = index.last_applied_seq()
        rows = list(
            session.scalars(
                select(SearchOutbox)
                .where(SearchOutbox.id > last)
                .order_by(SearchOutbox.id)
                .limit(BATCH)
            )
        )
        if not rows:
            break
        changes = list(_changes(session, rows))
        applied += index.apply(changes, rows[-1].id)
        if len(rows) < BATCH:
            break
    session.rollback()  # end the read transaction; nothing was written here
    return applied


def live_documents(session: Session, batch: int = 500) -> Iterator[SearchDocument]:
    """Every public document, read in id-ordered batches (memory stays flat at any size)."""
    last_id = 0
    while True:
        stmt = (
            select(Translation)
            .where(Translation.is_live.is_(True), Translation.id > last_id)
            .order_by(Translation.id)
            .limit(batch)
        )
        rows = list(session.scalars(stmt).unique())
        if not rows:
            return
        for t in rows:
            doc = document_for(session, t)
            if doc is not None:
                yield doc
        last_id = rows[-1].id
        session.expunge_all()


def rebuild(session: Session, index: SearchIndex, *, wait: bool = True) -> int:
    """Rebuild from the database into a new directory and swap it in atomically.

    With ``wait=False``, raises ``IndexBusyError`` at once if another rebuild is running.
    """
    # Read the outbox position first: a change made meanwhile is applied again, not lost.
    last = session.scalar(select(func.max(SearchOutbox.id))) or 0
    count = index.rebuild(live_documents(session), last, wait=wait)
    session.rollback()
    sync(session, index, rebuild_backlog=False)
    return count


class Indexer:
    """The web app's handle on the index: sync after commits, rebuild in the background."""

    def __init__(self, index: SearchIndex, session_factory):
        self.index = index
        self.session_factory = session_factory
        self._rebuilding = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def is_rebuilding(self) -> bool:
        return self._rebuilding.is_set()

    def start(self, *, background: bool = True) -> None:
        """At start-up: rebuild a missing, corrupt or outdated index (in the background,
        so the site serves meanwhile), else catch up with the outbox."""
        try:
            reason = self.index.rebuild_reason()
        except Exception:
            log.exception("search index unreadable")
            reason = "unreadable"
        if reason is None:
            self.sync_quietly()
            return
        log.warning("search index needs a rebuild (%s)", reason)
        self._rebuilding.set()
        if background:
            self._thread = threading.Thread(
                target=self._rebuild, name="search-rebuild", daemon=True
            )
            self._thread.start()
        else:
            self._rebuild()

    def _rebuild(self) -> None:
        session = self.session_factory()
        try:
            count = rebuild(session, self.index)
            log.info("search index rebuilt with %d documents", count)
        except Exception:
            log.exception("search index rebuild failed")
        finally:
            session.close()
            self._rebuilding.clear()

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def sync_quietly(self) -> int:
        """Catch up; a failure is logged, never raised (the next sync catches up)."""
        if self.is_rebuilding:
            return 0
        session = self.session_factory()
        try:
            return sync(session, self.index)
        except Exception:
            log.exception("search sync failed; it will be retried")
            return 0
        finally:
            session.close()

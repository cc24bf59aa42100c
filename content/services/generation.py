"""The public content generation: one number that changes whenever what the public sees may
have changed, in the same transaction as the change.

Page caches and HTTP validators (``hub.public.caching``) are keyed on it, so publishing,
editing, unpublishing or deleting anything public invalidates every cached page at once, in
every worker, with nothing purged by hand. It lives in the ``site_state`` table: the number
under ``public``, and the time of the last change (Unix seconds, never going backwards) under
``public.changed_at``.

``track_public_changes(factory)`` installs the listeners on a sessionmaker, so the services,
the CLI and the tests (which all use the app's factory) are covered without any service having
to remember a call. What counts: a new, changed or deleted row of the tables the public site
is built from (``WATCHED``), an ORM bulk UPDATE or DELETE of one of them, and a change to a
user's name or organisation (both appear in bylines). Counting a change the public cannot see
(a draft's revision, say) costs one cache refill; missing one would serve a stale page, so the
list errs on the side of counting.

The bump is written just before the commit, after the last flush: the ``site_state`` row lock
is then always the last lock a transaction takes (after the search outbox's advisory lock,
for one), so two publishing transactions cannot deadlock on it, and it is held only for the
commit itself.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from itertools import chain

from sqlalchemy import case, event, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from content.models import (
    Campaign,
    CampaignText,
    MediaAsset,
    MediaText,
    Organisation,
    Revision,
    SearchOutbox,
    SitePage,
    SiteState,
    Story,
    Translation,
    User,
)
from content.services._base import upsert_insert

GENERATION_KEY = "public"
CHANGED_AT_KEY = "public.changed_at"

# Tables whose rows the public site shows (or whose change means it shows something else).
WATCHED = (
    Story,
    Translation,
    Revision,
    Campaign,
    CampaignText,
    Organisation,
    SitePage,
    MediaAsset,
    MediaText,
    SearchOutbox,
)
# A user is public only through a byline: their name, or their organisation's.
USER_FIELDS = ("name", "organisation_id")

# Set in ``session.info`` when the transaction changed something public.
_CHANGED = "hub.public_changed"

_TABLE = SiteState.__table__
# The same read as plain SQL, for a DBAPI cursor (no parameters: every driver's paramstyle).
# The keys are written out: they are the two constants above.
_READ_SQL = (
    'SELECT "key", "value" FROM site_state WHERE "key" IN (\'public\', \'public.changed_at\')'
)
_READ = select(_TABLE.c.key, _TABLE.c.value).where(
    _TABLE.c.key.in_((GENERATION_KEY, CHANGED_AT_KEY))
)


@dataclass(frozen=True, slots=True)
class Generation:
    number: int  # 0 before anything public was ever written
    changed_at: int  # Unix seconds of the last change (0: unknown)


def _generation_of(rows) -> Generation:
    values = dict(rows)
    return Generation(int(values.get(GENERATION_KEY, 0)), int(values.get(CHANGED_AT_KEY, 0)))


def read_generation(session: Session) -> Generation:
    """The current generation: one indexed read of two rows of ``site_state``."""
    return _generation_of(session.connection().execute(_READ).all())


def read_generation_from(engine: Engine) -> Generation:
    """The same read on a pooled DBAPI connection of its own, outside any Session: about a
    sixth of a Session's cost, for a page cache hit, which needs nothing else from the
    database. (The connection goes back to the pool rolled back, so no snapshot lingers.)"""
    conn = engine.raw_connection()
    try:
        cursor = conn.cursor()
        try:
            cursor.execute(_READ_SQL)
            rows = cursor.fetchall()
        finally:
            cursor.close()
    finally:
        conn.close()
    return _generation_of(rows)


def _changes_public(session: Session) -> bool:
    for obj in chain(session.new, session.deleted):
        if isinstance(obj, WATCHED) or (isinstance(obj, User) and obj in session.deleted):
            return True
    for obj in session.dirty:
        if isinstance(obj, WATCHED):
            return True
        if isinstance(obj, User):
            attrs = inspect(obj).attrs
            if any(attrs[name].history.has_changes() for name in USER_FIELDS):
                return True
    return False


def _after_flush(session: Session, _flush_context) -> None:
    # new/dirty/deleted still show what this flush wrote (the pre-flush state).
    if not session.info.get(_CHANGED) and _changes_public(session):
        session.info[_CHANGED] = True


def _do_orm_execute(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    mapper = state.bind_mapper
    if mapper is not None and issubclass(mapper.class_, WATCHED):
        state.session.info[_CHANGED] = True


def _before_commit(session: Session) -> None:
    session.flush()  # the commit would flush next: do it now, so its changes are seen
    if session.info.pop(_CHANGED, False):
        bump(session)


def _forget(session: Session, *_args) -> None:
    session.info.pop(_CHANGED, None)


def bump(session: Session, *, now: int | None = None) -> None:
    """Advance the generation and stamp the change time, in the session's transaction.

    One upsert per row, the same on SQLite and PostgreSQL; a missing row is created. The time
    never goes backwards (a server with a slow clock must not make Last-Modified older)."""
    stamp = int(time.time()) if now is None else now
    insert = upsert_insert(session)
    conn = session.connection()
    stmt = insert(_TABLE).values(key=GENERATION_KEY, value=1)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[_TABLE.c.key], set_={"value": _TABLE.c.value + 1}
        )
    )
    stmt = insert(_TABLE).values(key=CHANGED_AT_KEY, value=stamp)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[_TABLE.c.key],
            set_={"value": case((_TABLE.c.value > stamp, _TABLE.c.value), else_=stamp)},
        )
    )


def track_public_changes(factory: sessionmaker) -> None:
    """Bump the generation in every transaction of ``factory``'s sessions that changes
    public content. Idempotent."""
    if event.contains(factory, "before_commit", _before_commit):
        return
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "do_orm_execute", _do_orm_execute)
    event.listen(factory, "before_commit", _before_commit)
    event.listen(factory, "after_rollback", _forget)
    event.listen(factory, "after_commit", _forget)

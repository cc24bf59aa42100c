"""What every service shares: the unit of work, the clock, the audit log and the outbox."""

from __future__ import annotations

import functools
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from content.models import AuditEvent, SearchOutbox, Translation, User, utcnow

# A callable in ``session.info`` under this key runs after each service commits (the web
# layer uses it to e-mail new notifications). It runs outside the committed transaction.
AFTER_COMMIT_KEY = "hub.after_commit"
# Set in ``session.info`` when a transaction wrote search outbox rows.
OUTBOX_WRITTEN_KEY = "hub.outbox_written"


def unit_of_work(func):
    """Run a service as one transaction: commit when it returns, roll back when it raises.

    Each service takes the session as its first argument.
    """

    @functools.wraps(func)
    def wrapper(session: Session, *args, **kwargs):
        try:
            result = func(session, *args, **kwargs)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        after = session.info.get(AFTER_COMMIT_KEY)
        if after is not None:
            after(session)
        return result

    return wrapper


def now_or(now: datetime | None) -> datetime:
    return now if now is not None else utcnow()


def audit(
    session: Session,
    *,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: int | None,
    story_id: int | None = None,
    lang: str | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    note: str = "",
    at: datetime | None = None,
) -> AuditEvent:
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=str(action),
        object_type=object_type,
        object_id=object_id,
        story_id=story_id,
        lang=lang,
        from_state=from_state,
        to_state=to_state,
        note=note,
        at=now_or(at),
    )
    session.add(event)
    return event


def audit_translation(session, *, actor, action, t: Translation, from_state, note="", at=None):
    return audit(
        session,
        actor=actor,
        action=action,
        object_type="translation",
        object_id=t.id,
        story_id=t.story_id,
        lang=t.lang,
        from_state=from_state,
        to_state=t.state,
        note=note,
        at=at,
    )


def enqueue_search(session: Session, t: Translation, op: str | None = None) -> SearchOutbox:
    """Tell the indexer that what the public can see of ``t`` changed."""
    if op is None:
        op = "upsert" if t.is_live else "delete"
    if session.get_bind().dialect.name == "postgresql":
        # Outbox ids must be committed in id order, or an indexer that already applied a
        # later id would skip an earlier one for good. This lock, held to commit, makes
        # transactions that write the outbox take their ids one after the other.
        session.execute(text("SELECT pg_advisory_xact_lock(7040512)"))
    row = SearchOutbox(translation_id=t.id, op=op)
    session.add(row)
    session.info[OUTBOX_WRITTEN_KEY] = True
    return row


# The databases the hub runs on (README: SQLite by default, PostgreSQL in production); both
# have INSERT ... ON CONFLICT, which counters and shared state rely on.
_UPSERT_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def upsert_insert(session: Session):
    """The ``insert`` construct of the session's database that has ``on_conflict_do_update``."""
    name = session.get_bind().dialect.name
    try:
        return _UPSERT_INSERTS[name]
    except KeyError:
        raise RuntimeError(
            f"Narratives Hub runs on SQLite or PostgreSQL, not on {name!r}"
        ) from None

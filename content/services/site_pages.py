"""Pages of the public site that admins write ("about the network"), one text per language.

A text is Markdown, rendered and sanitised by ``content.rendering`` like a story's body.
Saving is guarded by the row's ``version``: an edit based on an older version is refused
as a Conflict and nothing is overwritten.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from content import languages, rendering
from content.errors import Conflict, InvalidInput, NotAllowed, NotFound
from content.models import SITE_PAGES, SitePage, User
from content.services._base import audit, now_or, unit_of_work
from content.workflow import is_admin

MAX_TITLE = 300


def texts_of(session: Session, slug: str) -> dict[str, SitePage]:
    """Every language's text of page ``slug``, by language code."""
    rows = session.scalars(select(SitePage).where(SitePage.slug == slug))
    return {row.lang: row for row in rows}


def text_in(session: Session, slug: str, lang: str) -> SitePage | None:
    return session.scalar(select(SitePage).where(SitePage.slug == slug, SitePage.lang == lang))


def text_for_reader(
    session: Session, slug: str, chain: tuple[str, ...]
) -> tuple[SitePage | None, dict[str, SitePage]]:
    """The text of ``slug`` to show a reader of ``chain`` (the first language of the chain
    that has one, else the oldest text there is), and all its texts by language."""
    texts = texts_of(session, slug)
    for code in chain:
        if code in texts:
            return texts[code], texts
    if texts:
        return min(texts.values(), key=lambda p: p.id), texts
    return None, texts


def _clean(value: str) -> str:
    return unicodedata.normalize("NFC", (value or "").replace("\r\n", "\n").replace("\r", "\n"))


@unit_of_work
def save_site_page(
    session: Session,
    *,
    actor: User,
    slug: str,
    lang: str,
    title: str,
    body: str,
    base_version: int | None,
    now: datetime | None = None,
) -> SitePage:
    """Write page ``slug`` in ``lang``. ``base_version`` is the version the admin started
    from (None for a language not written yet); if the text changed since, this raises
    Conflict (with ``current_version``) and writes nothing."""
    if not is_admin(actor):
        raise NotAllowed("site_page")
    if slug not in SITE_PAGES:
        raise NotFound("site_page")
    if not languages.is_known(lang):
        raise InvalidInput("lang", "unknown_language")
    title = " ".join(_clean(title).split())
    body = _clean(body).strip("\n")
    if not title:
        raise InvalidInput("title", "required")
    if len(title) > MAX_TITLE:
        raise InvalidInput("title", "too_long", maximum=MAX_TITLE)
    body_html = rendering.render_markdown(body)  # refuses an oversized or hostile body
    at = now_or(now)
    page = text_in(session, slug, lang)
    current = page.version if page is not None else None
    if base_version != current:
        raise Conflict("site page edited since", current_version=current, base=base_version)
    if page is None:
        page = SitePage(slug=slug, lang=lang)
        session.add(page)
        action = "create"
    else:
        action = "update"
    page.title = title
    page.body = body
    page.body_html = body_html
    page.updated_at = at
    page.updated_by_id = actor.id
    try:
        # The version column makes the UPDATE match only the version read above, so two
        # admins saving at the same moment cannot both win; two first texts collide on the
        # (slug, lang) key.
        session.flush()
    except (StaleDataError, IntegrityError):
        session.rollback()
        raise Conflict("site page edited since", base=base_version) from None
    audit(
        session,
        actor=actor,
        action=action,
        object_type="site_page",
        object_id=page.id,
        lang=lang,
        note=slug,
        at=at,
    )
    return page

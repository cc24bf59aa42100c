"""Stories, revisions and the workflow's side effects.

Each public function is one use case and one transaction (``unit_of_work``): check (the
workflow table), change, audit, outbox, notify, in that order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from content import languages, rendering
from content.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed, NotFound
from content.models import (
    REGIONS,
    THEMES,
    BylineMode,
    Campaign,
    Kind,
    Organisation,
    ReviewComment,
    Revision,
    Story,
    Translation,
    User,
)
from content.services._base import audit_translation, enqueue_search, now_or, unit_of_work
from content.services.drafts import _discard_autosave
from content.workflow import (
    DEFAULT_POLICY,
    Action,
    Policy,
    State,
    can_choose_organisation,
    can_create_story,
    can_view,
    transition,
)

MAX_TITLE = 300
MAX_SUMMARY = 1000
MAX_COMMENT = 5000
MAX_NOTE = 500

# The safeguarding checklist an editor ticks before approving (DESIGN.md section 4).
CHECKLIST = (
    "consent",
    "no_identification",
    "no_hate_speech",
    "no_graphic_violence",
    "facts_checked",
)


@dataclass(frozen=True)
class StoryInput:
    """What the story form gives, already parsed by the web layer or the CLI."""

    title: str
    summary: str
    body: str
    kind: str = Kind.STORY
    source_language: str = "en"
    themes: tuple[str, ...] = ()
    region: str | None = None
    byline_mode: str = BylineMode.NAMED
    is_sensitive: bool = False
    campaign_id: int | None = None
    organisation_id: int | None = None


@dataclass(frozen=True)
class TextInput:
    title: str
    summary: str
    body: str


# --- validation -----------------------------------------------------------------------


def _clean_text(value: str) -> str:
    # Stored NFC (visually lossless); line endings normalised so diffs and segments agree.
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))


def validate_text(text: TextInput) -> TextInput:
    title = " ".join(_clean_text(text.title).split())
    summary = _clean_text(text.summary).strip()
    body = _clean_text(text.body).strip("\n")
    if not title:
        raise InvalidInput("title", "required")
    if len(title) > MAX_TITLE:
        raise InvalidInput("title", "too_long", maximum=MAX_TITLE)
    if len(summary) > MAX_SUMMARY:
        raise InvalidInput("summary", "too_long", maximum=MAX_SUMMARY)
    if len(body) > rendering.MAX_BODY_CHARS:
        raise InvalidInput("body", "too_long", maximum=rendering.MAX_BODY_CHARS)
    return TextInput(title=title, summary=summary, body=body)


def _validate_meta(session: Session, data: StoryInput) -> None:
    if data.kind not in {k.value for k in Kind}:
        raise InvalidInput("kind", "invalid")
    if not languages.is_known(data.source_language):
        raise InvalidInput("source_language", "unknown_language")
    unknown = [t for t in data.themes if t not in THEMES]
    if unknown:
        raise InvalidInput("themes", "invalid")
    if data.region is not None and data.region not in REGIONS:
        raise InvalidInput("region", "invalid")
    if data.byline_mode not in {b.value for b in BylineMode}:
        raise InvalidInput("byline_mode", "invalid")
    if data.campaign_id is not None and session.get(Campaign, data.campaign_id) is None:
        raise InvalidInput("campaign", "unknown")


_SLUG_STRIP = re.compile(r"[^\w\s-]", re.UNICODE)
_SLUG_SPACE = re.compile(r"[\s_-]+", re.UNICODE)


def slugify(title: str, max_length: int = 80) -> str:
    """A URL slug that keeps Urdu and other scripts' letters (and their marks)."""
    text = unicodedata.normalize("NFC", title).lower()
    # \w misses combining marks: keep them explicitly, drop other punctuation.
    kept = "".join(
        ch if (unicodedata.category(ch).startswith(("L", "N", "M")) or ch in " -_") else " "
        for ch in text
    )
    kept = _SLUG_STRIP.sub("", kept)
    slug = _SLUG_SPACE.sub("-", kept).strip("-")
    return slug[:max_length].strip("-") or "story"


def _unique_slug(session: Session, lang: str, title: str) -> str:
    base = slugify(title)
    slug, n = base, 1
    while session.scalar(
        select(Translation.id).where(Translation.lang == lang, Translation.slug == slug)
    ):
        n += 1
        slug = f"{base}-{n}"
    return slug


def _render(body: str) -> str:
    return rendering.render_markdown(body)


def _new_revision(
    session: Session,
    t: Translation,
    *,
    author: User,
    text: TextInput,
    at: datetime,
    note: str = "",
    source_revision_id: int | None = None,
) -> Revision:
    number = (
        session.scalar(select(func.max(Revision.number)).where(Revision.translation_id == t.id))
        or 0
    ) + 1
    rev = Revision(
        translation_id=t.id,
        number=number,
        title=text.title,
        summary=text.summary,
        body=text.body,
        body_html=_render(text.body),
        renderer_version=rendering.RENDERER_VERSION,
        author_id=author.id,
        source_revision_id=source_revision_id,
        note=note[:MAX_NOTE],
        created_at=at,
    )
    session.add(rev)
    session.flush()
    t.latest_revision_id = rev.id
    t.updated_at = at
    session.flush()
    session.expire(t, ["latest_revision"])
    return rev


def new_story_row(session: Session, *, org_id: int, author: User, meta, at: datetime) -> Story:
    """The Story row for validated ``meta`` (a StoryInput, or an import record)."""
    story = Story(
        organisation_id=org_id,
        author_id=author.id,
        kind=meta.kind,
        source_language=meta.source_language,
        campaign_id=meta.campaign_id,
        themes=list(meta.themes),
        region=meta.region,
        byline_mode=meta.byline_mode,
        is_sensitive=meta.is_sensitive,
        created_at=at,
        updated_at=at,
    )
    session.add(story)
    session.flush()
    return story


# --- use cases --------------------------------------------------------------------------


@unit_of_work
def create_story(
    session: Session, *, actor: User, data: StoryInput, now: datetime | None = None
) -> Translation:
    """A new story with its source translation at revision 1, as a draft."""
    if not can_create_story(actor):
        raise NotAllowed("create_story")
    at = now_or(now)
    org_id = data.organisation_id
    if not can_choose_organisation(actor):
        org_id = actor.organisation_id  # contributors write for their own organisation
    if org_id is None or session.get(Organisation, org_id) is None:
        raise InvalidInput("organisation", "required")
    _validate_meta(session, data)
    text = validate_text(TextInput(data.title, data.summary, data.body))
    body_html = _render(text.body)  # refuse a pathological body before writing anything
    story = new_story_row(session, org_id=org_id, author=actor, meta=data, at=at)
    t = Translation(
        story_id=story.id,
        lang=data.source_language,
        slug=_unique_slug(session, data.source_language, text.title),
        state=State.DRAFT,
        created_at=at,
        updated_at=at,
    )
    session.add(t)
    session.flush()
    rev = _new_revision(session, t, author=actor, text=text, at=at)
    assert rev.body_html == body_html
    audit_translation(session, actor=actor, action="create", t=t, from_state=None, at=at)
    return t


@unit_of_work
def update_story_meta(
    session: Session, *, actor: User, story: Story, data: StoryInput, now: datetime | None = None
) -> Story:
    """Change kind, themes, region, byline, sensitivity, campaign (not the language)."""
    source = story.source
    if source is None or not transition_allowed(actor, Action.EDIT, source):
        raise NotAllowed("edit")
    _validate_meta(session, data)
    story.kind = data.kind
    story.themes = list(data.themes)
    story.region = data.region
    story.byline_mode = data.byline_mode
    story.is_sensitive = data.is_sensitive
    story.campaign_id = data.campaign_id
    story.updated_at = now_or(now)
    for t in story.translations:
        if t.is_live:
            enqueue_search(session, t)
    return story


def transition_allowed(actor: User, action: Action, t: Translation, policy=DEFAULT_POLICY):
    try:
        transition(actor, action, t, policy)
    except (NotAllowed, InvalidTransition):
        return False
    return True


@unit_of_work
def save_revision(
    session: Session,
    *,
    actor: User,
    translation: Translation,
    base_revision_id: int | None,
    text: TextInput,
    note: str = "",
    policy: Policy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> Revision:
    """Save the editor's text as a new revision of ``translation``.

    ``base_revision_id`` is the revision the editor started from; if somebody saved since,
    this raises Conflict carrying the newer revision and nothing is written.
    """
    if not can_view(actor, translation):
        raise NotFound("translation")
    new_state = transition(actor, Action.EDIT, translation, policy)
    if base_revision_id != translation.latest_revision_id:
        raise Conflict(
            "edited since", latest_revision_id=translation.latest_revision_id, base=base_revision_id
        )
    text = validate_text(text)
    latest = translation.latest_revision
    if (
        latest is not None
        and (latest.title, latest.summary, latest.body) == (text.title, text.summary, text.body)
        and new_state == translation.state
    ):
        return latest  # nothing changed: no empty revision, no audit noise
    at = now_or(now)
    source_revision_id = None
    if not translation.is_source:
        source = translation.story.source
        source_revision_id = source.live_revision_id or source.latest_revision_id
    from_state = translation.state
    if not translation.is_source:
        if translation.latest_revision_id is None:
            # The first text of a requested translation names it.
            translation.slug = _unique_slug(session, translation.lang, text.title)
        translation.is_outdated = False  # made from the current source text
    rev = _new_revision(
        session,
        translation,
        author=actor,
        text=text,
        at=at,
        note=note,
        source_revision_id=source_revision_id,
    )
    translation.state = new_state
    if new_state != State.SCHEDULED:
        translation.scheduled_at = None
    translation.approved_revision_id = None
    translation.approved_by_id = None
    _discard_autosave(session, actor, translation)
    audit_translation(
        session, actor=actor, action=Action.EDIT, t=translation, from_state=from_state, at=at
    )
    return rev


# --- reading ------------------------------------------------------------------------------


def get_translation(session: Session, translation_id: int) -> Translation:
    t = session.get(Translation, translation_id)
    if t is None:
        raise NotFound("translation")
    return t


def visible_translation(session: Session, actor: User, translation_id: int) -> Translation:
    """The translation if ``actor`` may see it; NotFound otherwise (never a 403)."""
    t = session.get(Translation, translation_id)
    if t is None or not can_view(actor, t):
        raise NotFound("translation")
    return t


def revisions_of(session: Session, t: Translation) -> list[Revision]:
    return list(
        session.scalars(
            select(Revision).where(Revision.translation_id == t.id).order_by(Revision.number.desc())
        )
    )


def comments_of(session: Session, t: Translation) -> list[ReviewComment]:
    return list(
        session.scalars(
            select(ReviewComment)
            .where(ReviewComment.translation_id == t.id)
            .order_by(ReviewComment.created_at, ReviewComment.id)
        )
    )


def get_revision(session: Session, t: Translation, revision_id: int) -> Revision:
    rev = session.get(Revision, revision_id)
    if rev is None or rev.translation_id != t.id:
        raise NotFound("revision")
    return rev


def themes_of(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(v for v in THEMES if v in set(values))

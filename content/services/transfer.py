"""Bulk import and export of stories as JSON lines (one story per line).

A line:
``{"organisation": "amn-youth", "kind": "story", "source_language": "ur", "themes": ["youth"],
"region": "punjab", "campaign": null, "publish": true,
"translations": {"ur": {"title": "...", "summary": "...", "body": "..."}, "en": {...}}}``

Import validates every line first and then imports all of them in one transaction, or
nothing, naming the line numbers of bad input. Export writes the same format (the latest
text of each translation; ``publish`` is true when the source text is online), so an export
imported into an empty database gives the same stories.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from content import languages, rendering
from content.errors import InvalidInput, NotAllowed
from content.models import (
    REGIONS,
    THEMES,
    BylineMode,
    Campaign,
    Kind,
    Organisation,
    Revision,
    Role,
    Story,
    Translation,
    User,
)
from content.services._base import audit_translation, enqueue_search, now_or
from content.services.stories import TextInput, _unique_slug, new_story_row, validate_text
from content.workflow import State

KEYS = {
    "organisation",
    "kind",
    "source_language",
    "themes",
    "region",
    "campaign",
    "publish",
    "translations",
    "byline_mode",
    "is_sensitive",
}
REQUIRED = {"organisation", "kind", "source_language", "translations"}
TEXT_KEYS = {"title", "summary", "body"}


class ImportRefused(InvalidInput):
    """Bad lines: ``problems`` is a list of (line number, message)."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__("file", "bad_lines", problems=problems)
        self.problems = problems


@dataclass(frozen=True)
class StoryRecord:
    line: int
    organisation_id: int
    kind: str
    source_language: str
    themes: tuple[str, ...]
    region: str | None
    campaign_id: int | None
    publish: bool
    byline_mode: str
    is_sensitive: bool
    texts: dict[str, TextInput]


def _check(line_no: int, data: object, orgs: dict, campaigns: dict) -> StoryRecord:
    if not isinstance(data, dict):
        raise ValueError("a line must be a JSON object")
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise ValueError(f"unknown key(s): {', '.join(unknown)}")
    missing = sorted(REQUIRED - set(data))
    if missing:
        raise ValueError(f"missing key(s): {', '.join(missing)}")
    org = data["organisation"]
    if org not in orgs:
        raise ValueError(f"unknown organisation {org!r}")
    if data["kind"] not in {k.value for k in Kind}:
        raise ValueError(f"unknown kind {data['kind']!r}")
    source = data["source_language"]
    if not languages.is_known(source):
        raise ValueError(f"unknown language {source!r}")
    themes = data.get("themes") or []
    if not isinstance(themes, list) or any(t not in THEMES for t in themes):
        raise ValueError(f"themes must be a list of: {', '.join(THEMES)}")
    region = data.get("region")
    if region is not None and region not in REGIONS:
        raise ValueError(f"unknown region {region!r}")
    campaign = data.get("campaign")
    if campaign is not None and campaign not in campaigns:
        raise ValueError(f"unknown campaign {campaign!r}")
    publish = data.get("publish", False)
    if not isinstance(publish, bool):
        raise ValueError("publish must be true or false")
    byline = data.get("byline_mode", BylineMode.NAMED)
    if byline not in {b.value for b in BylineMode}:
        raise ValueError(f"unknown byline_mode {byline!r}")
    sensitive = data.get("is_sensitive", False)
    if not isinstance(sensitive, bool):
        raise ValueError("is_sensitive must be true or false")
    translations = data["translations"]
    if not isinstance(translations, dict) or source not in translations:
        raise ValueError("translations must be an object that includes the source language")
    texts = {}
    for code, text in translations.items():
        if not languages.is_known(code):
            raise ValueError(f"unknown language {code!r} in translations")
        if not isinstance(text, dict) or set(text) - TEXT_KEYS or "title" not in text:
            raise ValueError(f"translations.{code} needs title (and optional summary, body)")
        if not all(isinstance(v, str) for v in text.values()):
            raise ValueError(f"translations.{code}: values must be strings")
        try:
            texts[code] = validate_text(
                TextInput(text["title"], text.get("summary", ""), text.get("body", ""))
            )
        except InvalidInput as exc:
            raise ValueError(f"translations.{code}.{exc.field}: {exc.reason}") from None
    return StoryRecord(
        line=line_no,
        organisation_id=orgs[org],
        kind=data["kind"],
        source_language=source,
        themes=tuple(themes),
        region=region,
        campaign_id=campaigns[campaign] if campaign else None,
        publish=publish,
        byline_mode=byline,
        is_sensitive=sensitive,
        texts=texts,
    )


def read_records(session: Session, lines: Iterable[str]) -> list[StoryRecord]:
    """Parse and validate every line; raise ImportRefused listing every bad line."""
    orgs = dict(session.execute(select(Organisation.slug, Organisation.id)).all())
    campaigns = dict(session.execute(select(Campaign.slug, Campaign.id)).all())
    records, problems = [], []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            records.append(_check(number, json.loads(raw), orgs, campaigns))
        except json.JSONDecodeError as exc:
            problems.append((number, f"not valid JSON ({exc.msg})"))
        except ValueError as exc:
            problems.append((number, str(exc)))
    if problems:
        raise ImportRefused(problems)
    return records


def import_stories(
    session: Session, *, actor: User, lines: Iterable[str], now: datetime | None = None
) -> int:
    """Import all lines in one transaction, or nothing. Returns the number of stories."""
    if not (actor.is_active and Role.ADMIN in actor.roles):
        raise NotAllowed("import")
    at = now_or(now)
    try:
        records = read_records(session, lines)
        problems = []
        rendered = {}
        for record in records:
            for code, text in record.texts.items():
                try:
                    rendered[record.line, code] = rendering.render_markdown(text.body)
                except InvalidInput as exc:
                    problems.append((record.line, f"translations.{code}.body: {exc.reason}"))
        if problems:
            raise ImportRefused(problems)
        for record in records:
            _import_one(session, actor, record, rendered, at)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return len(records)


def _import_one(session, actor, record: StoryRecord, rendered, at) -> None:
    story = new_story_row(session, org_id=record.organisation_id, author=actor, meta=record, at=at)
    source_rev_id = None
    # The source first, so translations can point at the revision they come from.
    order = [record.source_language] + [c for c in record.texts if c != record.source_language]
    for code in order:
        text = record.texts[code]
        t = Translation(
            story_id=story.id,
            lang=code,
            slug=_unique_slug(session, code, text.title),
            state=State.PUBLISHED if record.publish else State.DRAFT,
            created_at=at,
            updated_at=at,
        )
        session.add(t)
        session.flush()
        rev = Revision(
            translation_id=t.id,
            number=1,
            title=text.title,
            summary=text.summary,
            body=text.body,
            body_html=rendered[record.line, code],
            renderer_version=rendering.RENDERER_VERSION,
            author_id=actor.id,
            source_revision_id=None if code == record.source_language else source_rev_id,
            note="import",
            created_at=at,
        )
        session.add(rev)
        session.flush()
        if code == record.source_language:
            source_rev_id = rev.id
        t.latest_revision_id = rev.id
        if record.publish:
            t.live_revision_id = rev.id
            t.is_live = True
            t.published_at = t.first_published_at = at
            t.approved_revision_id = rev.id
            t.approved_by_id = actor.id
            enqueue_search(session, t, "upsert")
        audit_translation(
            session, actor=actor, action="import", t=t, from_state=None, note="import", at=at
        )


def export_stories(session: Session) -> Iterator[str]:
    """Every story as one JSON line, in the import format."""
    orgs = dict(session.execute(select(Organisation.id, Organisation.slug)).all())
    campaigns = dict(session.execute(select(Campaign.id, Campaign.slug)).all())
    for story in session.scalars(select(Story).order_by(Story.id)).unique():
        texts = {}
        for t in sorted(story.translations, key=lambda t: t.lang != story.source_language):
            rev = t.latest_revision
            if rev is None:
                continue
            texts[t.lang] = {"title": rev.title, "summary": rev.summary, "body": rev.body}
        if story.source_language not in texts:
            continue
        source = story.source
        yield json.dumps(
            {
                "organisation": orgs[story.organisation_id],
                "kind": story.kind,
                "source_language": story.source_language,
                "themes": list(story.themes or []),
                "region": story.region,
                "campaign": campaigns.get(story.campaign_id),
                "publish": bool(source and source.is_live),
                "byline_mode": story.byline_mode,
                "is_sensitive": story.is_sensitive,
                "translations": texts,
            },
            ensure_ascii=False,
        )


def write_export(session: Session, out: IO[str]) -> int:
    count = 0
    for line in export_stories(session):
        out.write(line + "\n")
        count += 1
    return count


__all__ = ["ImportRefused", "import_stories", "read_records", "write_export"]

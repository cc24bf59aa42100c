"""What the search layer is given: one public document per translation, and the changes the
outbox asks for.

A ``SearchDocument`` holds only what the public may see (never status, author or email): the
index is public data and its stored fields end up in result pages. Checks here are the ones
the index relies on: a known language, an aware publication time, facet values that the
comma-separated keyword field can hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, NamedTuple

from content import languages

__all__ = ["Change", "SearchDocument"]


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """One translation's live revision, as the public sees it."""

    doc_id: str  # the translation id
    story_id: int
    lang: str  # registry code, e.g. "pa" (its analyzer key picks the fields)
    slug: str
    title: str
    summary: str
    body: str  # plain text, not HTML
    kind: str
    themes: tuple[str, ...]
    region: str | None
    campaign: str | None  # slug
    organisation: str | None  # slug; None for an anonymous story (it would tie it to its CSO)
    published_at: datetime  # aware; stored as UTC

    def __post_init__(self):
        if not isinstance(self.doc_id, str) or not self.doc_id:
            raise ValueError("doc_id must be a non-empty string")
        languages.get(self.lang)  # raises UnknownLanguageError
        if self.published_at.tzinfo is None:
            raise ValueError("published_at must be timezone-aware")
        object.__setattr__(self, "published_at", self.published_at.astimezone(UTC))
        object.__setattr__(self, "themes", tuple(self.themes))
        for value in (*self.themes, self.kind, self.region, self.campaign, self.organisation):
            # Themes share one comma-separated keyword field.
            if value is not None and ("," in value or value != value.strip()):
                raise ValueError(f"facet value {value!r} has a comma or outer spaces")

    @property
    def analyzer_key(self) -> str:
        return languages.get(self.lang).analyzer


class Change(NamedTuple):
    """One outbox row: ``payload`` is the document to upsert, or the doc_id to delete."""

    seq: int
    op: Literal["upsert", "delete"]
    payload: SearchDocument | str

    @property
    def doc_id(self) -> str:
        if isinstance(self.payload, SearchDocument):
            return self.payload.doc_id
        return self.payload

"""Building ``SearchDocument``s for the search tests, with defaults and keyword overrides."""

from __future__ import annotations

from datetime import UTC, datetime

from search import SearchDocument


def build_doc(doc_id: str, **overrides) -> SearchDocument:
    """A public document; every field can be overridden by keyword."""
    fields = {
        "doc_id": doc_id,
        "story_id": int("".join(c for c in doc_id if c.isdigit()) or 0),
        "lang": "ur",
        "slug": f"story-{doc_id}",
        "title": "",
        "summary": "",
        "body": "",
        "kind": "story",
        "themes": ("peace",),
        "region": "Sindh",
        "campaign": None,
        "organisation": "org-a",
        "published_at": datetime(2024, 1, 1, tzinfo=UTC),
    }
    fields.update(overrides)
    return SearchDocument(**fields)

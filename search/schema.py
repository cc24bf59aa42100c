"""The Whoosh schema and the mapping of a ``SearchDocument`` onto its fields.

One TEXT field per analyzer key for title, summary and body (``title_ur``, ``body_pa_Arab``...):
a document fills only its own language's fields, and the query parser analyses the query once
per field with that field's rules. Beside them, ``spell_<key>`` holds the same text unstemmed
and without positions: it is the vocabulary for "did you mean" and the target of prefix and
wildcard queries (a prefix of an unstemmed word is not a prefix of its stem). Whoosh's own
``TEXT(spelling=True)`` cannot serve: its SpellField passes ``nomorph`` where the analyzer
expects ``no_morph``, so it indexes stems anyway.

Facet fields: single-valued ones are sortable ID fields (a column makes grouping cheap);
themes is a comma-separated KEYWORD field. A single bookkeeping document (``META_DOC_ID``)
carries the analysis version and the last applied outbox sequence number, so that both change
in the same commit as the documents they describe.
"""

from __future__ import annotations

from datetime import UTC

from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from content import languages
from search.analysis import make_analyzer
from search.documents import SearchDocument

__all__ = [
    "FACETS",
    "META_DOC_ID",
    "TEXT_KINDS",
    "analyzer_keys",
    "build_schema",
    "document_fields",
    "spell_field",
    "text_field",
]

TEXT_KINDS = ("title", "summary", "body")
FACETS = ("lang", "themes", "region", "kind", "campaign", "organisation")
META_DOC_ID = "__search_index_meta__"


def analyzer_keys() -> tuple[str, ...]:
    """The analyzer keys of the registry's languages, in registry order."""
    keys: list[str] = []
    for lang in languages.LANGUAGES.values():
        if lang.analyzer not in keys:
            keys.append(lang.analyzer)
    return tuple(keys)


def text_field(kind: str, key: str) -> str:
    return f"{kind}_{key}"


def spell_field(key: str) -> str:
    return f"spell_{key}"


def build_schema() -> Schema:
    """A fresh schema for the registry's current languages."""
    fields = {
        "doc_id": ID(stored=True, unique=True),
        "story_id": NUMERIC(int, stored=True),
        "slug": STORED(),
        "lang": ID(stored=True, sortable=True),
        "kind": ID(stored=True, sortable=True),
        "region": ID(stored=True, sortable=True),
        "campaign": ID(stored=True, sortable=True),
        "organisation": ID(stored=True, sortable=True),
        "themes": KEYWORD(stored=True, commas=True, scorable=False),
        "published_at": DATETIME(stored=True, sortable=True),
        "meta": STORED(),
    }
    for key in analyzer_keys():
        for kind in TEXT_KINDS:
            fields[text_field(kind, key)] = TEXT(
                analyzer=make_analyzer(key), stored=True, multitoken_query="phrase"
            )
        fields[spell_field(key)] = TEXT(analyzer=make_analyzer(key, stem=False), phrase=False)
    return Schema(**fields)


def document_fields(doc: SearchDocument) -> dict[str, object]:
    """The Whoosh fields of ``doc``; empty and missing values are left out."""
    key = doc.analyzer_key
    fields: dict[str, object] = {
        "doc_id": doc.doc_id,
        "story_id": doc.story_id,
        "slug": doc.slug,
        "lang": doc.lang,
        "kind": doc.kind,
        # Whoosh's DATETIME subtracts a naive datetime: store naive UTC, re-attach on read.
        "published_at": doc.published_at.astimezone(UTC).replace(tzinfo=None),
        spell_field(key): "\n".join((doc.title, doc.summary, doc.body)),
    }
    for kind, text in zip(TEXT_KINDS, (doc.title, doc.summary, doc.body), strict=True):
        fields[text_field(kind, key)] = text
    if doc.themes:
        fields["themes"] = ",".join(doc.themes)
    if doc.region:
        fields["region"] = doc.region
    if doc.campaign:
        fields["campaign"] = doc.campaign
    if doc.organisation:
        fields["organisation"] = doc.organisation
    return fields

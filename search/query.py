"""Public search: a ``SearchRequest`` in, a page of ``SearchResults`` out.

Ranking is BM25F over the title (boost 3), summary (1.5) and body fields of the requested
languages; ``prefer_lang`` puts that language's results first (a two-tier sort: preferred
language, then relevance or date), so a reader of Sindhi sees Sindhi stories before their
Urdu translations however the scores fall. Facet counts cover the whole filtered result set,
not the page. An empty query browses: every document of the requested languages that passes
the filters, newest first. Nothing in a request's ``q`` can make this raise (see
`search.parsing`); unknown facet names, sorts or languages are programming errors and do.

Whoosh parses the query; `search.engine` runs it (the same matches and BM25F scores as
Whoosh's collectors, several times faster) and counts the facets exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from whoosh import query

from content import languages
from search.engine import evaluate, sort_counts, top_documents
from search.index import SearchIndex
from search.parsing import build_query, positive_leaves, sanitize_query_text
from search.schema import FACETS, TEXT_KINDS, analyzer_keys, spell_field, text_field
from search.snippets import highlight_html
from search.suggest import suggest_words

__all__ = ["SORTS", "Hit", "SearchRequest", "SearchResults", "search"]

SORTS = ("relevance", "newest")
MAX_PER_PAGE = 50
MAX_PAGE = 1000  # deeper pages cost a collector that large, and nobody reads them


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    page: int = 1
    per_page: int = 10
    langs: tuple[str, ...] | None = None  # registry codes; None: all
    prefer_lang: str | None = None
    filters: Mapping[str, str] = field(default_factory=dict)  # facet -> value
    sort: str = "relevance"


@dataclass(frozen=True)
class Hit:
    doc_id: str
    story_id: int
    lang: str
    slug: str
    title: str  # plain text: escape it like any text
    title_html: str  # escaped, matched words in <mark>: safe to insert as is
    snippet_html: str  # likewise
    summary: str
    published_at: datetime
    kind: str
    themes: tuple[str, ...]
    region: str | None
    campaign: str | None
    organisation: str | None
    score: float | None


@dataclass(frozen=True)
class SearchResults:
    total: int
    page: int
    pages: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]
    suggestion: str | None = None


@dataclass(frozen=True)
class _Plan:
    codes: tuple[str, ...]
    keys: tuple[str, ...]
    page: int
    per_page: int
    prefer: str | None
    filters: dict[str, str]
    sort: str


def _plan(request: SearchRequest) -> _Plan:
    if request.langs is None:
        codes = languages.all_codes()
    elif isinstance(request.langs, str):
        codes = (request.langs,)
    else:
        codes = tuple(request.langs)
    keys = tuple(dict.fromkeys(languages.get(code).analyzer for code in codes))
    known_keys = analyzer_keys()
    keys = tuple(k for k in keys if k in known_keys)
    if request.prefer_lang is not None:
        languages.get(request.prefer_lang)
    if request.sort not in SORTS:
        raise ValueError(f"unknown sort {request.sort!r}; expected one of {SORTS}")
    filters = {}
    for name, value in request.filters.items():
        if name not in FACETS:
            raise ValueError(f"unknown facet {name!r}; expected one of {FACETS}")
        if value:
            filters[name] = str(value)
    return _Plan(
        codes=codes,
        keys=keys,
        page=min(MAX_PAGE, max(1, int(request.page))),
        per_page=min(MAX_PER_PAGE, max(1, int(request.per_page))),
        prefer=request.prefer_lang,
        filters=filters,
        sort=request.sort,
    )


def _allowed(plan: _Plan, view, readers) -> frozenset | None:
    """The documents the request's languages and facet filters allow (None: all of them)."""
    sets = []
    if set(plan.codes) != set(languages.all_codes()):
        sets.append(
            frozenset().union(*(view.docs_with(readers, "lang", code) for code in plan.codes))
        )
    sets += [view.docs_with(readers, name, value) for name, value in plan.filters.items()]
    if not sets:
        return None
    sets.sort(key=len)
    allowed = sets[0]
    for other in sets[1:]:
        allowed = allowed & other
    return allowed


def _indexed_keys(searcher, keys: tuple[str, ...]) -> tuple[str, ...]:
    """The analyzer keys some indexed document has text in: parsing the query for the others
    (languages enabled but not yet written in) would only cost time."""
    return tuple(
        key
        for key in keys
        if any(searcher.field_length(text_field(kind, key)) for kind in TEXT_KINDS)
    )


def _ranked(plan: _Plan, docs, scores, view, readers, browsing: bool) -> list[int]:
    """The first ``page * per_page`` documents in order: the preferred language first, then
    by relevance (ties: index order) or newest first."""
    wanted = plan.page * plan.per_page
    if plan.sort == "newest" or browsing:
        key = view.published(readers).__getitem__
    else:
        key = scores.__getitem__
    if plan.prefer:
        preferred = view.docs_with(readers, "lang", plan.prefer)
        first = docs & preferred
        order = top_documents(first, key, wanted)
        if len(order) < wanted:
            order += top_documents(docs - preferred, key, wanted - len(order))
        return order
    return top_documents(docs, key, wanted)


def _matched_terms(q: query.Query, reader, keys) -> dict[str, tuple[set[str], set[str]]]:
    """Per analyzer key: the indexed terms and the unstemmed words the query matched."""
    kind_of = {text_field(kind, key): key for key in keys for kind in TEXT_KINDS}
    spell_of = {spell_field(key): key for key in keys}
    terms = {key: (set(), set()) for key in keys}
    for leaf in positive_leaves(q):
        for fieldname, text in leaf.existing_terms(reader, phrases=True, expand=True):
            word = text.decode("utf-8") if isinstance(text, bytes) else text
            if fieldname in kind_of:
                terms[kind_of[fieldname]][0].add(word)
            elif fieldname in spell_of:
                terms[spell_of[fieldname]][1].add(word)
    return terms


def _hit(stored: dict, score: float | None, terms) -> Hit:
    key = languages.get(stored["lang"]).analyzer
    stemmed, surface = terms.get(key, ((), ()))
    title = stored.get(text_field("title", key), "")
    summary = stored.get(text_field("summary", key), "")
    body = stored.get(text_field("body", key), "")
    snippet = ""
    for text in (body, summary):
        snippet = highlight_html(text, key, stemmed, surface)
        if "<mark>" in snippet:
            break
    else:
        snippet = highlight_html(summary or body, key, (), ())
    themes = stored.get("themes") or ""
    return Hit(
        doc_id=stored["doc_id"],
        story_id=stored["story_id"],
        lang=stored["lang"],
        slug=stored["slug"],
        title=title,
        title_html=highlight_html(title, key, stemmed, surface, size=None),
        snippet_html=snippet,
        summary=summary,
        published_at=stored["published_at"].replace(tzinfo=UTC),
        kind=stored["kind"],
        themes=tuple(t for t in themes.split(",") if t),
        region=stored.get("region"),
        campaign=stored.get("campaign"),
        organisation=stored.get("organisation"),
        score=score,
    )


def search(index: SearchIndex, request: SearchRequest) -> SearchResults:
    """Run ``request`` against ``index``: one page of hits, facet counts, a suggestion."""
    plan = _plan(request)
    text = sanitize_query_text(request.q)
    browsing = not text
    with index.searcher() as searcher:
        view, readers = index.engine.view(searcher)
        allowed = _allowed(plan, view, readers)
        scores: dict[int, float] = {}
        if browsing:
            q = query.Every("lang")
            docs = view.all_documents(readers)
        else:
            keys = _indexed_keys(searcher, plan.keys)
            q = build_query(text, searcher.schema, keys) if keys else query.NullQuery
            scores = evaluate(q, searcher, index.engine, view)
            docs = scores.keys()
        if allowed is not None:
            docs = docs & allowed
        total = len(docs)
        order = _ranked(plan, docs, scores, view, readers, browsing)
        start = (plan.page - 1) * plan.per_page
        page = order[start : start + plan.per_page]
        # Whoosh reported a score only for a plain relevance ranking; so does this.
        plain = not browsing and not plan.prefer and plan.sort == "relevance"
        terms = _matched_terms(q, searcher.reader(), plan.keys) if not browsing else {}
        hits = [_hit(searcher.stored_fields(d), scores[d] if plain else None, terms) for d in page]
        counts = view.facet_counts(readers, docs)
        facets = {name: sort_counts(counts[name]) for name in FACETS}
        suggestion = None
        if total == 0 and not browsing and plan.keys:
            suggestion = suggest_words(searcher.reader(), text, plan.keys)
            if suggestion is not None:
                check = build_query(sanitize_query_text(suggestion), searcher.schema, plan.keys)
                found = evaluate(check, searcher, index.engine, view).keys()
                if not (found & allowed if allowed is not None else found):
                    suggestion = None
    return SearchResults(
        total=total,
        page=plan.page,
        pages=math.ceil(total / plan.per_page),
        per_page=plan.per_page,
        hits=hits,
        facets=facets,
        suggestion=suggestion,
    )

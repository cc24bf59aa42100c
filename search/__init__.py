"""Full-text search of the hub's public content, behind a small interface.

Callers use only what is exported here: ``SearchDocument`` and ``Change`` (what to index),
``SearchIndex`` (open, upsert, delete, apply an outbox batch, rebuild) and ``search()`` with
``SearchRequest``/``SearchResults``. Whoosh stays inside this package, so another engine would
replace these modules and nothing else. Nothing here imports Flask, SQLAlchemy or ``hub``; the
only outside import is the language registry (`content.languages`).
"""

from search.analysis import ANALYSIS_VERSION, make_analyzer, normalize_query_string
from search.documents import Change, SearchDocument
from search.index import IndexUnavailableError, SearchIndex, SearchIndexError
from search.locking import IndexBusyError
from search.query import SORTS, Hit, SearchRequest, SearchResults, search
from search.schema import FACETS

__all__ = [
    "ANALYSIS_VERSION",
    "FACETS",
    "SORTS",
    "Change",
    "Hit",
    "IndexBusyError",
    "IndexUnavailableError",
    "SearchDocument",
    "SearchIndex",
    "SearchIndexError",
    "SearchRequest",
    "SearchResults",
    "make_analyzer",
    "normalize_query_string",
    "search",
]

"""Fixtures for the search tests: a fresh index in a temporary directory, a document factory."""

from __future__ import annotations

import pytest

from search import SearchIndex
from tests.unit.search.factories import build_doc


@pytest.fixture
def make_doc():
    return build_doc


@pytest.fixture
def index(tmp_path):
    ix = SearchIndex(tmp_path / "index", lock_timeout=20)
    ix.open_or_create()
    yield ix
    ix.close()

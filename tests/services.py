"""Deciding whether a test that needs an outside service runs, skips or fails.

Locally a missing PostgreSQL, S3 endpoint or Chromium skips the tests that need it. CI sets
HUB_TEST_REQUIRE_ALL=1, and then a missing service is a failure, never a silent skip.
"""

from __future__ import annotations

import os

import pytest


def require_all() -> bool:
    return os.environ.get("HUB_TEST_REQUIRE_ALL", "") in {"1", "true", "yes"}


def require_service(name: str, available: bool, why: str = "") -> None:
    """Skip (or, under HUB_TEST_REQUIRE_ALL=1, fail) when ``name`` is not available."""
    if available:
        return
    message = f"{name} is not available" + (f": {why}" if why else "")
    if require_all():
        pytest.fail(message + " (HUB_TEST_REQUIRE_ALL=1)", pytrace=False)
    pytest.skip(message)

"""Real-browser fixtures: Debian's Chromium driven by Playwright, and a live WSGI server.

Register with ``pytest_plugins = ["tests.support.browser"]``. Fixtures:

* ``chromium_browser`` (session): a headless Chromium. Not called ``browser``: the
  ``browser`` fixture of tests/conftest.py (the test-client Browser) would shadow it. Missing
  Chromium or Playwright skips the test locally and fails it under HUB_TEST_REQUIRE_ALL=1
  (tests/services.py).
* ``page``: a fresh context (1280x800) and page per test, closed afterwards.
* ``phone_page``: the same at 390x844, device scale factor 2, mobile and touch.
* ``live_server``: a callable ``live_server(app) -> base_url`` that serves a WSGI app on a
  free loopback port until the test ends. ``serve_app(app)`` is the context manager behind it.

``HUB_CHROMIUM`` names another Chromium binary.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.services import require_service

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def chromium_path() -> str | None:
    """The Chromium to drive: $HUB_CHROMIUM, Debian's /usr/bin/chromium, or one on PATH."""
    configured = os.environ.get("HUB_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def chromium_browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - depends on the environment
        require_service("Chromium", False, f"playwright is not installed ({exc})")
    executable = chromium_path()
    require_service("Chromium", executable is not None, "set HUB_CHROMIUM or install chromium")

    playwright = sync_playwright().start()
    try:
        try:
            chromium = playwright.chromium.launch(
                executable_path=executable, args=CHROMIUM_ARGS, headless=True
            )
        except Exception as exc:
            require_service("Chromium", False, f"{executable} did not start: {exc}")
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@contextmanager
def _new_page(browser, options: dict):
    context = browser.new_context(**options)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(chromium_browser):
    with _new_page(chromium_browser, DESKTOP) as p:
        yield p


@pytest.fixture
def phone_page(chromium_browser):
    with _new_page(chromium_browser, PHONE) as p:
        yield p


def buffered(app):
    """Each response read to the end (and closed) before the server writes it.

    Chromium drops a font download when a test navigates away or closes its context. When
    werkzeug's dev server then finds the socket reset, the exception leaves its ``finally``
    before it closes the response, and the open static file surfaces later, in whichever test
    is running, as a ResourceWarning (an error here). Production servers are not involved.
    """

    def app_buffered(environ, start_response):
        chunks = app(environ, start_response)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        return [body]

    return app_buffered


@contextmanager
def serve_app(app) -> Iterator[str]:
    """Serve the WSGI ``app`` on 127.0.0.1 (free port) in a daemon thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},  # shutdown() waits up to one poll
        name="live-server",
        daemon=True,
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def live_server() -> Iterator[Callable[..., str]]:
    """``live_server(app)`` starts serving ``app`` and returns its base URL (no trailing /)."""
    with ExitStack() as stack:
        yield lambda app: stack.enter_context(serve_app(app))

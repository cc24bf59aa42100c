"""Uploading from the page in a real browser: progress to 100 %, then the thumbnail."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from content.models import MediaAsset
from tests.conftest import PASSWORD
from tests.unit.media.test_images import photo_with_metadata

pytestmark = pytest.mark.browser


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(f"{base}/editorial/")


def test_upload_shows_progress_and_thumbnail(
    app, session, make_user, make_story, page, live_server, tmp_path
):
    author = make_user("contributor")
    t = make_story(author, state="draft")
    base = live_server(app)
    photo = tmp_path / "تصویر.jpg"
    photo.write_bytes(photo_with_metadata())
    refused = tmp_path / "notes.jpg"
    refused.write_bytes(b"<!doctype html><p>not an image</p>")
    sign_in(page, base, author.email)
    page.goto(f"{base}/editorial/stories/{t.story_id}/media")
    # The largest progress value seen, recorded as the upload runs.
    page.evaluate(
        """() => { window.__maxProgress = 0; new MutationObserver(() => {
             document.querySelectorAll('.upload-item progress').forEach(p => {
               window.__maxProgress = Math.max(window.__maxProgress, p.value / p.max); });
           }).observe(document.querySelector('.upload-list'),
                      {subtree: true, attributes: true, childList: true}); }"""
    )
    page.set_input_files("#file-input", [str(photo), str(refused)])
    page.wait_for_selector(".upload-item.done", timeout=20_000)
    page.wait_for_selector(".upload-item.failed", timeout=20_000)
    done = page.locator(".upload-item.done")
    assert done.locator("progress").evaluate("p => p.value === p.max")
    assert done.locator(".pct").inner_text() == "100 %"
    assert "not accepted" in page.locator(".upload-item.failed .status").inner_text()
    assert page.evaluate("window.__maxProgress") == 1
    # After the page reloads, the stored image shows as a thumbnail.
    page.wait_for_function(
        "() => { const i = document.querySelector('.asset img.thumb');"
        " return i && i.complete && i.naturalWidth > 0; }",
        timeout=20_000,
    )
    session.rollback()
    assets = session.scalars(select(MediaAsset)).all()
    assert [(a.status, a.filename) for a in assets] == [("ready", "تصویر.jpg")]

"""Page weight of a story page, measured by the browser: first visit, cold cache.

Issue budget (images excluded): HTML + CSS + JS + fonts transferred ≤ 120 KB for an English
story and ≤ 220 KB for an Urdu one (it pulls the subset Nastaliq font, about 100 KB). A KB
here is 1,000 bytes, the stricter reading.

The sizes are the browser's own: each PerformanceResourceTiming entry's ``transferSize`` (body
as it came over the wire, compressed if the server compressed it, plus headers) and the
navigation entry's for the HTML. Every request Playwright sees must have its timing entry, so
nothing a page fetches escapes the sum, and a zero size on a cold cache fails the test rather
than making the page look light. HTML, CSS and JavaScript must arrive compressed. Each run
prints the breakdown (``pytest -s`` shows it).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import pytest

from tests.support.browser import DESKTOP

KB = 1000
BUDGETS = {"en": 120 * KB, "ur": 220 * KB}
COMPRESS_ABOVE = 1400  # bytes: smaller bodies fit one packet either way
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg", ".ico")

ENTRIES_JS = """async () => {
  await document.fonts.ready;
  const pick = (e, kind) => ({
    url: e.name, kind, initiator: e.initiatorType || "",
    transfer: e.transferSize, encoded: e.encodedBodySize, decoded: e.decodedBodySize,
  });
  return [
    ...performance.getEntriesByType("navigation").map(e => pick(e, "document")),
    ...performance.getEntriesByType("resource").map(e => pick(e, "resource")),
  ];
}"""


@dataclass(frozen=True)
class Entry:
    url: str
    kind: str  # document, css, js, font, image, other
    transfer: int
    encoded: int
    decoded: int
    encoding: str = ""  # Content-Encoding as served


def classify(url: str, initiator: str, kind: str) -> str:
    """What a fetched resource is, from its timing entry. Anything that is not an image
    counts against the budget, whatever it is (an unknown kind is not an excuse)."""
    if kind == "document":
        return "document"
    path = urlsplit(url).path.lower()
    if initiator in {"img", "image"} or path.endswith(IMAGE_SUFFIXES) or "/media/" in path:
        return "image"
    if path.endswith(".css"):
        return "css"
    if path.endswith((".js", ".mjs")):
        return "js"
    if path.endswith((".woff2", ".woff", ".ttf", ".otf")):
        return "font"
    return "other"


def counted(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if e.kind != "image"]


def breakdown(entries: list[Entry], budget: int) -> str:
    total = sum(e.transfer for e in counted(entries))
    lines = [f"{total:,} bytes transferred of a {budget:,} byte budget (images excluded):"]
    for e in sorted(entries, key=lambda e: -e.transfer):
        path = unquote(urlsplit(e.url).path)
        mark = " (image, not counted)" if e.kind == "image" else ""
        lines.append(
            f"  {e.kind:<8} {e.transfer:>8,} B  (body {e.encoded:,} of {e.decoded:,}"
            f"{', ' + e.encoding if e.encoding else ''})  {path}{mark}"
        )
    return "\n".join(lines)


def measure(browser, url: str) -> list[Entry]:
    """Load ``url`` in a new context (a cold cache) and return what the page fetched."""
    context = browser.new_context(**DESKTOP)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        seen: dict[str, dict[str, str]] = {}
        page.on("response", lambda r: seen.setdefault(r.url, r.all_headers()))
        response = page.goto(url, wait_until="load")
        assert response is not None and response.status == 200, url
        page.wait_for_load_state("networkidle")
        raw = page.evaluate(ENTRIES_JS)
    finally:
        context.close()
    entries = [
        Entry(
            url=r["url"],
            kind=classify(r["url"], r["initiator"], r["kind"]),
            transfer=r["transfer"],
            encoded=r["encoded"],
            decoded=r["decoded"],
            encoding=seen.get(r["url"], {}).get("content-encoding", ""),
        )
        for r in raw
    ]
    timed = {e.url for e in entries}
    # Chromium asks for /favicon.ico by itself, outside the page's timeline; it is an image.
    untimed = [
        u for u in seen if u not in timed and not urlsplit(u).path.rstrip("/").endswith(".ico")
    ]
    assert not untimed, f"fetched but missing from resource timing: {untimed}"
    zero = [e.url for e in counted(entries) if e.transfer <= 0]
    assert not zero, f"no transfer size on a cold cache, the measurement is broken: {zero}"
    return entries


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "ur"])
def test_story_page_weight_within_budget(chromium_browser, demo_site, lang):
    slug = demo_site.shared[lang].slug  # with its other languages and related stories
    url = demo_site.url("public.story", lang=lang, slug=slug)
    entries = measure(chromium_browser, url)
    report = breakdown(entries, BUDGETS[lang])
    print(f"\n{lang} story {url}\n{report}")

    kinds = {e.kind for e in entries}
    assert {"document", "css"} <= kinds, report
    if lang == "ur":  # the budget is only meaningful with the Nastaliq font in it
        fonts = [e for e in entries if e.kind == "font"]
        assert any("nastaliq" in e.url for e in fonts), report
    # Text goes over the wire compressed (gzip, brotli...), as the server sends it.
    plain = [
        e.url
        for e in entries
        if e.kind in {"document", "css", "js"} and e.decoded > COMPRESS_ABOVE and not e.encoding
    ]
    assert not plain, f"served uncompressed: {plain}\n{report}"
    total = sum(e.transfer for e in counted(entries))
    assert total <= BUDGETS[lang], report


def test_budget_counts_everything_but_images():
    def entry(url: str, initiator: str, transfer: int) -> Entry:
        kind = classify(url, initiator, "document" if initiator == "navigation" else "resource")
        return Entry(url, kind, transfer, transfer - 300, transfer * 3)

    entries = [
        entry("http://h/en/stories/a", "navigation", 9_000),
        entry("http://h/static/css/hub.css", "link", 5_000),
        entry("http://h/static/js/share.js", "script", 1_000),
        entry("http://h/static/fonts/f.woff2", "css", 100_000),
        entry("http://h/media/7/w800", "img", 400_000),
        entry("http://h/api/x", "fetch", 6_000),
    ]
    assert [e.kind for e in entries] == ["document", "css", "js", "font", "image", "other"]
    assert sum(e.transfer for e in counted(entries)) == 121_000  # the image left out
    report = breakdown(entries, 120 * KB)
    assert report.startswith("121,000 bytes transferred of a 120,000 byte budget")
    assert "/media/7/w800 (image, not counted)" in report
    assert "/api/x" in report

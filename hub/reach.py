"""Counting reach from the requests the public makes, without slowing them down.

Which responses count (``register``): a GET (never HEAD) of a story page answering 200 or
304, a click through the share redirect, a public download of a file (``media.serve`` with
the ``file`` rendition: documents, video, audio; not a page's own player fetching it) and
every file of a campaign kit. The hook runs after the response is made, so pages the page
cache or a 304 answered count too.

Who does not count: crawlers, link-preview fetchers and scripts (``is_bot``), speculative
prefetches, and anyone signed in (staff previewing their own work).

Nothing about a visitor is kept: a count is (what, UTC day, network) -> n. Counts gather in
memory (``ReachBuffer``) and go to the database in one transaction every
HUB_REACH_FLUSH_SECONDS (a daemon thread), at process exit, or after each response when the
setting is 0. A failed write is logged and the counts kept for the next try, up to
HUB_REACH_MAX_PENDING distinct keys.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import threading
import weakref
from collections import Counter
from datetime import UTC, date, datetime

from flask import Flask, current_app, g, request
from flask_login import current_user
from sqlalchemy.orm import sessionmaker

from content.services import reach as reach_services

log = logging.getLogger("hub.reach")

# User agents that are not a person reading: search and AI crawlers ("bot", "crawl",
# "spider", "slurp"), link-preview fetchers (a preview is fetched once per paste, by the
# network, not by a reader: facebookexternalhit, WhatsApp's "WhatsApp/2.x" fetcher,
# Twitterbot, TelegramBot, Slackbot, Discordbot, SkypeUriPreview...), speed and uptime
# checkers, headless browsers and HTTP libraries. "(?<!cu)bot": Cubot phones are people.
# In-app browsers stay counted: Telegram's ("Telegram-Android/..." after a real browser's
# string) and the Facebook app's ("FBAN/...") are readers.
BOT_PATTERN = re.compile(
    r"(?<!cu)bot|crawl|spider|slurp|scrap(?:er|y)|archiver|preview|"
    r"facebookexternalhit|facebookcatalog|meta-external|^whatsapp/|embedly|"
    r"headless|phantomjs|lighthouse|pagespeed|gtmetrix|ptst|pingdom|uptime|monitor|"
    r"statuscake|google-inspectiontool|google-pagerenderer|googleother|"
    r"curl|wget|python|httpx|aiohttp|werkzeug|go-http-client|okhttp|java/|libwww|"
    r"ruby|php/|node-fetch|axios|undici|postman|insomnia|http_request|apache-httpclient|"
    r"feedfetcher|feedly|feedbin|newsblur|inoreader|validator|perplexity|claude-web|"
    r"anthropic-ai",
    re.IGNORECASE,
)

# Which responses of which endpoints count.
STORY_STATUSES = frozenset({200, 304})
DOWNLOAD_STATUSES = frozenset({200, 302})  # 302: the hub sent the browser to the store/CDN
SHARE_STATUS = 302


def is_bot(user_agent: str | None) -> bool:
    """Empty user agents count as bots: every browser sends one."""
    ua = (user_agent or "").strip()
    return not ua or BOT_PATTERN.search(ua) is not None


def is_prefetch() -> bool:
    """A speculative load the browser may never show (link prefetch, prerender)."""
    purpose = (
        request.headers.get("Sec-Purpose")
        or request.headers.get("Purpose")
        or request.headers.get("X-Moz")
        or ""
    )
    return "prefetch" in purpose.lower()


def is_countable() -> bool:
    """Does this request come from a member of the public reading with a browser?"""
    if request.method != "GET":
        return False
    if is_bot(request.headers.get("User-Agent")) or is_prefetch():
        return False
    return not current_user.is_authenticated


def today() -> date:
    return datetime.now(UTC).date()


class ReachBuffer:
    """Pending counts of one app, in memory, written in batches."""

    def __init__(
        self,
        factory: sessionmaker,
        *,
        interval: float,
        enabled_languages: tuple[str, ...],
        max_pending: int = 50_000,
    ) -> None:
        self.factory = factory
        self.interval = interval
        self.enabled_languages = enabled_languages
        self.max_pending = max_pending
        self.flushes = 0  # batches written, for tests and the log
        self._pending: Counter = Counter()
        self._lock = threading.Lock()  # guards _pending
        self._flush_lock = threading.Lock()  # one write at a time
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._thread_pid: int | None = None

    @property
    def pending(self) -> dict:
        with self._lock:
            return dict(self._pending)

    def add(self, kind: str, ref, network: str | None = None, n: int = 1) -> None:
        key = (kind, ref, today(), network)
        with self._lock:
            if key not in self._pending and len(self._pending) >= self.max_pending:
                log.warning("reach: %d counts pending, dropping new ones", len(self._pending))
                return
            self._pending[key] += n
        if self.interval > 0:
            self._ensure_thread()

    def flush(self) -> int:
        """Write what is pending in one transaction; returns the rows written. On failure the
        counts go back into the buffer (as far as it has room) for the next flush."""
        with self._flush_lock:
            with self._lock:
                batch, self._pending = self._pending, Counter()
            if not batch:
                return 0
            session = self.factory()
            try:
                result = reach_services.write_counts(
                    session, batch, enabled_languages=self.enabled_languages
                )
            except Exception:
                session.rollback()
                log.exception("reach: could not write %d counts; keeping them", len(batch))
                self._restore(batch)
                return 0
            finally:
                session.close()
            self.flushes += 1
            if result.dropped:
                log.info("reach: %d counts named deleted content and were dropped", result.dropped)
            return result.rows

    def _restore(self, batch: Counter) -> None:
        with self._lock:
            lost = 0
            for key, n in batch.items():
                if key in self._pending or len(self._pending) < self.max_pending:
                    self._pending[key] += n
                else:
                    lost += n
        if lost:
            log.error("reach: buffer full, %d counts lost", lost)

    def _ensure_thread(self) -> None:
        pid = os.getpid()
        thread = self._thread
        if thread is not None and thread.is_alive() and self._thread_pid == pid:
            return
        with self._lock:
            if self._thread is not None and self._thread.is_alive() and self._thread_pid == pid:
                return
            # A weak reference: the thread does not keep a discarded app's buffer alive.
            self._thread = threading.Thread(
                target=_flush_every,
                args=(weakref.ref(self), self.interval, self._stop),
                name="hub-reach-flush",
                daemon=True,
            )
            self._thread_pid = pid  # after a fork the child starts its own thread
            self._thread.start()

    def stop(self) -> None:
        """Stop the background thread and write what is pending."""
        self._stop.set()
        self.flush()


def _flush_every(ref, interval: float, stop: threading.Event) -> None:
    while not stop.wait(interval):
        buffer = ref()
        if buffer is None:
            return
        try:
            buffer.flush()
        except Exception:  # never let the thread die: the next round tries again
            log.exception("reach: flush failed")
        del buffer


_BUFFERS: weakref.WeakSet[ReachBuffer] = weakref.WeakSet()


@atexit.register
def _flush_at_exit() -> None:
    for buffer in list(_BUFFERS):
        buffer.flush()


def buffer_of(app: Flask | None = None) -> ReachBuffer:
    return (app or current_app).extensions["hub.reach"]


def count_share(translation_id: int, network: str) -> None:
    """Called by the share redirect for a live translation and a known network."""
    g.reach_share = (translation_id, network)


# --- which responses count -----------------------------------------------------------------


def _kit_asset_ids(slug: str) -> list[int]:
    """The assets a campaign kit holds: those whose stored file the kit lists."""
    from content.models import Campaign
    from content.services import queries
    from hub.extensions import db
    from hub.media.kit import kit_entries

    campaign = db.session.query(Campaign).filter_by(slug=slug).first()
    if campaign is None:
        return []
    stories = queries.live_stories_of_campaign(db.session, campaign.id)
    keys = {key for key, _name in kit_entries(stories)}
    ids = []
    for story in stories:
        for asset in story.assets:
            stored = {asset.key, *(info["key"] for info in (asset.renditions or {}).values())}
            if stored & keys:
                ids.append(asset.id)
    return ids


# Fetches by a page's own <video>, <audio> or <img>: part of reading the story, not a
# download (a video with preload="metadata" is fetched whenever its page is shown).
EMBEDDED_DESTS = frozenset({"audio", "video", "track", "image"})


def is_download() -> bool:
    """A person asked for the file itself (a download link, the kit page's list), rather
    than a media player on a page fetching it in ranges."""
    if "Range" in request.headers:
        return False
    return request.headers.get("Sec-Fetch-Dest", "").lower() not in EMBEDDED_DESTS


def count_response(buffer: ReachBuffer, response) -> None:
    endpoint = request.endpoint
    args = request.view_args or {}
    status = response.status_code
    if endpoint == "public.story":
        if status in STORY_STATUSES and "slug" in args and is_countable():
            buffer.add(reach_services.VIEW_SLUG, (args.get("lang"), args["slug"]))
    elif endpoint == "public.story_by_id":
        # A 302 sends the reader to the story's own page, which counts there.
        if status in STORY_STATUSES and "story_id" in args and is_countable():
            buffer.add(reach_services.VIEW_FALLBACK, (args.get("lang"), args["story_id"]))
    elif endpoint == "public.share":
        share = g.get("reach_share")
        if share and status == SHARE_STATUS and is_countable():
            buffer.add(reach_services.SHARE, share[0], share[1])
    elif endpoint == "media.serve":
        if (
            args.get("rendition") == "file"
            and status in DOWNLOAD_STATUSES
            and is_download()
            and is_countable()  # signed out: only a published story's files answer
        ):
            buffer.add(reach_services.DOWNLOAD, args["asset_id"])
    elif endpoint == "public.campaign_kit" and status == 200 and is_countable():
        for asset_id in _kit_asset_ids(args.get("slug", "")):
            buffer.add(reach_services.DOWNLOAD, asset_id)


def register(app: Flask) -> None:
    interval = app.config.get("HUB_REACH_FLUSH_SECONDS")
    if interval is None:  # unset: batches of 10 s; tests write synchronously
        interval = 0 if app.testing else 10
    buffer = ReachBuffer(
        app.extensions["hub.sessionmaker"],
        interval=float(interval),
        enabled_languages=app.extensions["hub.languages"],
        max_pending=int(app.config.get("HUB_REACH_MAX_PENDING") or 50_000),
    )
    app.extensions["hub.reach"] = buffer
    _BUFFERS.add(buffer)

    @app.after_request
    def count_reach(response):
        try:
            count_response(buffer, response)
            if buffer.interval <= 0:
                buffer.flush()
        except Exception:  # counting must never cost a reader their page
            log.exception("reach: counting failed")
        return response

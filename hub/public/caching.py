"""HTTP caching of the public site: validators and 304s, Cache-Control, compression, a page
cache that publishing invalidates, and versioned static URLs.

Who gets what:

* A *public request* is a GET or HEAD to the ``public`` or ``api`` blueprint (pages, feeds,
  sitemap, API) by someone anonymous who sends neither the session nor the remember cookie
  (``hub.security.is_anonymous_request``). Its 200 answer gets a weak ``ETag`` (a hash of the
  uncompressed body, so one tag serves every encoding), ``Last-Modified`` (the last public
  change, see below), ``Cache-Control: public, max-age=60, s-maxage=60,
  stale-while-revalidate=30`` (HUB_PUBLIC_*), ``Vary: Accept-Encoding, Cookie``, and a 304
  when the request's ``If-None-Match`` or ``If-Modified-Since`` says it has that version. The
  ``/`` redirect is public too (it varies on Accept-Language); other redirects (the counting
  share link) and errors are ``no-store``.
* Everything else: signed-in users, any request carrying the session cookie, editorial and
  admin pages, answers that set a cookie: ``private, no-store`` (``hub.security``), never
  kept and never answered from the page cache.
* Static files: ``url_for('static', ...)`` adds ``?v=<content hash>``; a request whose ``v``
  is the file's current hash is ``immutable`` for a year, any other for HUB_STATIC_MAX_AGE.

Validators change by themselves: the ETag is the body's hash, and Last-Modified is the time of
the last public change (``content.services.generation``), or of the code, whichever is later,
so a deploy that changes templates is not answered with a 304 either.

The page cache (HUB_PAGE_CACHE, per worker, bounded by entries and bytes) keeps the 200
answers to public requests, compressed as the client asked, keyed on (public generation,
scheme, host, path with query, page language, encoding). Every transaction that changes public
content bumps the generation in the same transaction, so every request of every worker that
starts after the commit reads a new key: no page from before an unpublish is served again,
not even once, and nothing is purged by hand. Hits are answered from a
``before_request`` hook of the blueprint, so every ``after_request`` hook (the reach counter
included) still runs for them, as it does for 304s. Never kept: non-200 answers, streamed
ones, answers that set a cookie or whose view chose its own ``private``/``no-store`` policy,
the search page while the index is being rebuilt (its key also carries the index's position,
since the index follows the database a moment later).

Compression (HUB_COMPRESS): brotli or gzip for text types, on the dev server as under
gunicorn; kept pages are compressed once, when stored; everything else goes through
Flask-Compress. Already compressed media (images, fonts, zip) are left alone.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache

import brotli
from flask import Flask, current_app, g, request, session
from werkzeug.http import http_date
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

from content.services.generation import Generation, read_generation_from
from hub.config import ROOT
from hub.extensions import compress, db
from hub.i18n import current_language
from hub.security import PUBLIC_BLUEPRINTS, is_anonymous_request

# Public endpoints that are never kept: the health check must reach the database each time,
# and a share click or a kit download must reach the reach counters.
NEVER_STORED = frozenset({"public.healthz", "public.share", "public.campaign_kit"})
# Redirects that are the same for everybody who sends the same headers (see their Vary).
PUBLIC_REDIRECTS = frozenset({"public.root"})
# Endpoints whose answer depends on the search index, which follows the database a moment
# after each commit: their key also carries the index's position.
SEARCH_ENDPOINTS = frozenset({"public.search_page", "api.search"})

# Compressed on the way out, and kept by the page cache.
TEXT_TYPES = (
    "text/html",
    "text/css",
    "text/plain",
    "text/xml",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/ld+json",
    "application/manifest+json",
    "application/problem+json",
    "application/xml",
    "application/atom+xml",
    "application/rss+xml",
    "application/xhtml+xml",
    "application/opensearchdescription+xml",
    "image/svg+xml",
)
PAGE_TYPES = frozenset(TEXT_TYPES)
ENCODINGS = ("br", "gzip")  # server preference on equal quality

# Response headers the page cache does not keep from a view: they are set again for each
# answer (by this module, by Werkzeug, or by the session).
RESET_HEADERS = frozenset(
    {
        "cache-control",
        "content-encoding",
        "content-length",
        "date",
        "etag",
        "expires",
        "last-modified",
        "set-cookie",
        "vary",
    }
)
# A view's Vary may name these and still be kept: they are in the key (or decide privacy).
KEYED_VARY = frozenset({"accept-encoding", "cookie"})
KEY_CODING = 5  # where a page cache key holds the content coding
IMMUTABLE = "public, max-age=31536000, immutable"
STATIC_IN_MEMORY = 1024 * 1024  # static text files up to this size are compressed whole
NO_STORE = "no-store"
PRIVATE = "private, no-store"


# --- pieces with no request -------------------------------------------------------------------


@lru_cache(maxsize=512)
def negotiate_encoding(accept_encoding: str, offered: tuple[str, ...] = ENCODINGS) -> str:
    """The content coding to answer with: one of ``offered``, or "" for none (identity).

    Highest quality wins, the server's order breaks ties, ``q=0`` refuses, ``*`` stands for
    any coding not named."""
    qualities: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        name = name.strip()
        if not name:
            continue
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        qualities[name] = quality
    wildcard = qualities.get("*", 0.0)
    best, best_q = "", 0.0
    for coding in offered:
        q = qualities.get(coding, wildcard)
        if q > best_q:
            best, best_q = coding, q
    return best


def compress_body(body: bytes, coding: str, *, gzip_level: int = 6, br_level: int = 5) -> bytes:
    if coding == "br":
        return brotli.compress(body, quality=br_level)
    if coding == "gzip":
        return gzip.compress(body, compresslevel=gzip_level, mtime=0)
    raise ValueError(f"unknown content coding {coding!r}")


def weak_etag(body: bytes) -> str:
    """A weak tag: the same page compressed differently is still the same page."""
    return 'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


@dataclass(frozen=True, slots=True)
class CachedPage:
    """One kept answer: every header it starts with (ETag, Cache-Control, Vary and
    Content-Encoding included) and its body, compressed as the key says."""

    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 200


class PageCache:
    """A thread-safe LRU of ``CachedPage``, bounded by entries and by bytes.

    Keys start with the public generation. Storing a page of a newer generation drops every
    older page at once (they can never be asked for again); an older one (a request that
    started before a publish and finished after) is kept like any other and ages out."""

    def __init__(self, max_entries: int, max_bytes: int):
        self.max_entries = max(1, max_entries)
        self.max_bytes = max(1, max_bytes)
        self._entries: OrderedDict[tuple, CachedPage] = OrderedDict()
        self._bytes = 0
        self._generation = -1
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        return self._bytes

    def get(self, key: tuple) -> CachedPage | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: tuple, entry: CachedPage) -> bool:
        size = entry.size
        if size > self.max_bytes // 4:
            return False  # one huge page must not empty the cache
        with self._lock:
            generation = key[0]
            if generation > self._generation:
                self._entries.clear()
                self._bytes = 0
                self._generation = generation
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._entries[key] = entry
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _key, dropped = self._entries.popitem(last=False)
                self._bytes -= dropped.size
        return True

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


class StaticVersions:
    """Content hashes of static files, for cache-busting ``?v=`` URLs. A file's hash is
    computed again only when its size or modification time changes."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = str(folder)
        self._known: dict[str, tuple[tuple[int, int], str]] = {}
        self._lock = threading.Lock()

    def version(self, filename: str) -> str | None:
        path = safe_join(self.folder, filename)
        if path is None:
            return None
        try:
            st = os.stat(path)
        except OSError:
            return None
        stamp = (st.st_mtime_ns, st.st_size)
        known = self._known.get(filename)
        if known is not None and known[0] == stamp:
            return known[1]
        try:
            with open(path, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()[:12]
        except OSError:
            return None
        with self._lock:
            self._known[filename] = (stamp, digest)
        return digest


@lru_cache(maxsize=1)
def code_time() -> int:
    """When the code, templates, catalogs or static files last changed (Unix seconds): a
    deploy makes every Last-Modified at least this recent."""
    newest = 0.0
    for folder in ("hub", "content", "search", "templates", "translations", "static"):
        for dirpath, _dirs, files in os.walk(ROOT / folder):
            for name in files:
                if name.endswith((".py", ".html", ".mo", ".css", ".js", ".woff2", ".txt")):
                    try:
                        newest = max(newest, os.stat(os.path.join(dirpath, name)).st_mtime)
                    except OSError:
                        continue
    return int(newest)


@lru_cache(maxsize=64)
def _http_date(seconds: int) -> str:
    return http_date(seconds)


def last_modified(generation: Generation, now: float | None = None) -> str | None:
    """The Last-Modified of every public page in this generation, or None within the very
    second of the change: a second change in that same second would carry the same date,
    and a client holding the first version would be told it is current."""
    stamp = max(generation.changed_at, code_time())
    if int(time.time() if now is None else now) <= stamp:
        return None
    return _http_date(stamp)


# --- the request side ---------------------------------------------------------------------------


@dataclass(slots=True)
class PublicRequest:
    """What the hooks of one public request tell each other (kept in ``g``)."""

    generation: Generation
    key: tuple | None = None  # None: not looked up in (or kept by) the page cache
    hit: CachedPage | None = None
    view_headers: list[tuple[str, str]] = field(default_factory=list)
    view_cache_control: str | None = None
    view_vary: str | None = None


class HttpCaching:
    """The hooks, with the settings of one app."""

    def __init__(self, app: Flask, cache: PageCache | None):
        config = app.config
        self.cache = cache
        self.compress = bool(config.get("HUB_COMPRESS", True))
        self.min_size = int(config.get("COMPRESS_MIN_SIZE", 500))
        self.gzip_level = int(config.get("COMPRESS_LEVEL", 6))
        self.br_level = int(config.get("COMPRESS_BR_LEVEL", 5))
        self.public_cache_control = (
            f"public, max-age={int(config['HUB_PUBLIC_MAX_AGE'])}, "
            f"s-maxage={int(config['HUB_PUBLIC_CDN_MAX_AGE'])}, "
            f"stale-while-revalidate={int(config['HUB_PUBLIC_STALE_SECONDS'])}"
        )
        self.static_cache_control = f"public, max-age={int(config['HUB_STATIC_MAX_AGE'])}"
        self.static = StaticVersions(app.static_folder or ROOT / "static")

    # -- before the view ----------------------------------------------------------------------

    def serve_from_cache(self) -> Response | None:
        """``before_request`` of the public blueprints: note the generation, and answer
        from the page cache when it holds this page."""
        if (
            request.method not in ("GET", "HEAD")
            or request.endpoint in NEVER_STORED
            or not is_anonymous_request()
        ):
            return None
        state = PublicRequest(read_generation_from(db.engine_of(current_app)))
        g.hub_public = state
        if self.cache is None:
            return None
        state.key = self._key(state.generation)
        if state.key is None:
            return None
        entry = self.cache.get(state.key)
        if entry is None:
            return None
        state.hit = entry
        return current_app.response_class(entry.body, headers=entry.headers)

    def _key(self, generation: Generation) -> tuple | None:
        extra = None
        if request.endpoint in SEARCH_ENDPOINTS:
            indexer = current_app.extensions["hub.search"]
            if indexer.is_rebuilding:
                return None  # the page says "rebuilding": never keep it
            extra = indexer.index.last_applied_seq()
        coding = (
            negotiate_encoding(request.headers.get("Accept-Encoding", "")) if self.compress else ""
        )
        return (  # KEY_CODING is the place of the coding in this tuple
            generation.number,
            request.scheme,
            request.host,
            request.full_path,
            current_language().code,  # the path's language, or the negotiated one
            coding,
            extra,
        )

    # -- after the view, before any other hook ---------------------------------------------------

    def remember_view_headers(self, response: Response) -> Response:
        """``after_request`` of the public blueprints, run first: what the view itself set,
        which is what a hit starts from (the other hooks then run on the hit as well)."""
        state: PublicRequest | None = g.get("hub_public")
        if state is not None and state.hit is None:
            headers = response.headers
            state.view_cache_control = headers.get("Cache-Control")
            state.view_vary = headers.get("Vary")
            state.view_headers = [
                (k, v) for k, v in headers.items() if k.lower() not in RESET_HEADERS
            ]
        return response

    # -- last of all hooks ---------------------------------------------------------------------

    def finalize(self, response: Response) -> Response:
        """The app's last ``after_request``: caching headers, 304s, compression, storing."""
        response = self._finalize(response)
        # Werkzeug's make_conditional (here, in Flask-Compress and in send_file) adds a Date
        # header; the server (gunicorn, the dev server) always sends its own: one is enough.
        response.headers.pop("Date", None)
        return response

    def _finalize(self, response: Response) -> Response:
        if request.endpoint == "static":
            self._static_headers(response)
            if (
                response.is_streamed
                and response.mimetype in PAGE_TYPES
                and (response.content_length or 0) <= STATIC_IN_MEMORY
            ):
                # A stylesheet or script is small: read it (the file is closed with the
                # response) and compress it whole, rather than streamed, which Flask-Compress
                # would do without closing the file.
                response.direct_passthrough = False
                response.make_sequence()
            return self._compress_other(response)
        state: PublicRequest | None = g.get("hub_public")
        if state is None:
            if request.blueprint in PUBLIC_BLUEPRINTS:
                # Not a keepable request (a health check, a share click, a POST), or one that
                # failed before the cache was asked: hub.security made the private ones
                # private; the rest are fresh every time.
                response.headers.setdefault("Cache-Control", NO_STORE)
            return self._compress_other(response)
        if state.hit is not None:
            self._set_last_modified(response, state.generation)
            return response.make_conditional(request)
        return self._finish_public(response, state)

    def _finish_public(self, response: Response, state: PublicRequest) -> Response:
        headers = response.headers
        if session.modified or "Set-Cookie" in headers:
            # The view started a session (a flash, a form token): this answer is somebody's.
            headers["Cache-Control"] = PRIVATE
            response.vary.add("Cookie")
            return self._compress_other(response)
        view_policy = (state.view_cache_control or "").lower()
        if response.status_code == 200 and not any(
            word in view_policy for word in ("private", "no-store", "no-cache")
        ):
            if not response.is_streamed and response.mimetype in PAGE_TYPES:
                return self._finish_page(response, state)
            headers.setdefault("Cache-Control", NO_STORE)
        elif 300 <= response.status_code < 400 and request.endpoint in PUBLIC_REDIRECTS:
            headers.setdefault("Cache-Control", self.public_cache_control)
            response.vary.update(("Accept-Encoding", "Cookie"))
        else:
            headers.setdefault("Cache-Control", NO_STORE)
        return self._compress_other(response)

    def _finish_page(self, response: Response, state: PublicRequest) -> Response:
        body = response.get_data()
        etag = weak_etag(body)
        coding = state.key[KEY_CODING] if state.key is not None else self._coding()
        if coding and len(body) >= self.min_size:
            data = compress_body(body, coding, gzip_level=self.gzip_level, br_level=self.br_level)
        else:
            coding, data = "", body
        vary = ["Accept-Encoding", "Cookie"]
        extra_vary = [
            v.strip()
            for v in (state.view_vary or "").split(",")
            if v.strip() and v.strip().lower() not in KEYED_VARY
        ]
        vary += extra_vary
        own = [
            ("ETag", etag),
            ("Cache-Control", state.view_cache_control or self.public_cache_control),
        ]
        if coding:
            own.append(("Content-Encoding", coding))
        response.set_data(data)
        for name, value in own:
            response.headers[name] = value
        response.vary.update(vary)  # added to what the other hooks may have said
        if (
            self.cache is not None
            and state.key is not None
            and not extra_vary
            and not self._search_rebuilding()
        ):
            stored = (*state.view_headers, *own, ("Vary", ", ".join(vary)))
            self.cache.put(state.key, CachedPage(stored, data, etag))
        self._set_last_modified(response, state.generation)
        return response.make_conditional(request)

    def _coding(self) -> str:
        if not self.compress:
            return ""
        return negotiate_encoding(request.headers.get("Accept-Encoding", ""))

    @staticmethod
    def _search_rebuilding() -> bool:
        return (
            request.endpoint in SEARCH_ENDPOINTS
            and current_app.extensions["hub.search"].is_rebuilding
        )

    @staticmethod
    def _set_last_modified(response: Response, generation: Generation) -> None:
        stamp = last_modified(generation)
        if stamp is not None:
            response.headers["Last-Modified"] = stamp

    def _compress_other(self, response: Response) -> Response:
        if not self.compress or "Content-Encoding" in response.headers:
            return response
        return compress.after_request(response)

    def _static_headers(self, response: Response) -> None:
        if response.status_code not in (200, 304):
            return
        filename = (request.view_args or {}).get("filename", "")
        asked = request.args.get("v")
        if asked and asked == self.static.version(filename):
            response.headers["Cache-Control"] = IMMUTABLE
        else:
            response.headers["Cache-Control"] = self.static_cache_control

    def version_static_urls(self, endpoint: str, values: dict) -> None:
        """``url_defaults``: ``url_for('static', filename=...)`` gets ``v=<content hash>``."""
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = self.static.version(values["filename"])
            if version:
                values["v"] = version


def register(app: Flask) -> None:
    """Install the hooks. Call before any other ``after_request`` hook that may change the
    answer is registered: Flask runs them in reverse order, and ``finalize`` must be last."""
    enabled = app.config.get("HUB_PAGE_CACHE")
    if enabled is None:
        # Off for tests (most check one request at a time) and in debug mode (where templates
        # reload when edited, and a kept page would hide the edit).
        enabled = not (app.testing or app.debug)
    cache = None
    if enabled:
        cache = PageCache(
            int(app.config["HUB_PAGE_CACHE_SIZE"]),
            int(app.config["HUB_PAGE_CACHE_MB"]) * 1024 * 1024,
        )
    # Flask-Compress is called by ``finalize``, after every other hook, not on its own.
    app.config["COMPRESS_REGISTER"] = False
    app.config.setdefault("COMPRESS_MIMETYPES", list(TEXT_TYPES))
    app.config.setdefault("COMPRESS_ALGORITHM", list(ENCODINGS))
    # Streamed answers (media files, the kit zip) stay as they are: Flask-Compress would not
    # close a streamed file; small static text files are read whole first (``finalize``).
    app.config.setdefault("COMPRESS_STREAMS", False)
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)
    compress.init_app(app)
    caching = HttpCaching(app, cache)
    app.extensions["hub.http_caching"] = caching
    app.extensions["hub.page_cache"] = cache
    app.after_request(caching.finalize)
    app.url_defaults(caching.version_static_urls)
    for name in PUBLIC_BLUEPRINTS:
        # Last of the blueprint's before_request hooks, first of its after_request hooks.
        app.before_request_funcs.setdefault(name, []).append(caching.serve_from_cache)
        app.after_request_funcs.setdefault(name, []).append(caching.remember_view_headers)

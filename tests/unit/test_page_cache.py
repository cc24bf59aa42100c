"""The pieces of HTTP caching without a request: the page cache's bounds and generations,
content-coding negotiation, validators, static versions, and the public content generation
that every transaction changing public content bumps (on SQLite and PostgreSQL)."""

from __future__ import annotations

import gzip
import random
import threading
import time

import brotli
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from content import services
from content.models import AuditEvent, Organisation, User
from content.services.generation import (
    Generation,
    bump,
    read_generation,
    read_generation_from,
    track_public_changes,
)
from hub.extensions import make_engine
from hub.public.caching import (
    CachedPage,
    PageCache,
    StaticVersions,
    code_time,
    compress_body,
    last_modified,
    negotiate_encoding,
    weak_etag,
)


def page(size: int, tag: str = "x") -> CachedPage:
    return CachedPage((("Content-Type", "text/html; charset=utf-8"),), b"p" * size, tag)


def key(generation: int, path: str) -> tuple:
    return (generation, "http", "localhost", path, "en", "", None)


# --- the page cache ------------------------------------------------------------------------------


def test_cache_keeps_at_most_max_entries_dropping_the_least_recently_used():
    cache = PageCache(max_entries=3, max_bytes=10**6)
    for path in ("/a", "/b", "/c"):
        assert cache.put(key(1, path), page(100))
    assert cache.get(key(1, "/a")) is not None  # /a is now the most recently used
    cache.put(key(1, "/d"), page(100))
    assert len(cache) == 3
    assert cache.get(key(1, "/b")) is None  # the least recently used went
    assert all(cache.get(key(1, p)) is not None for p in ("/a", "/c", "/d"))


def test_cache_keeps_within_its_byte_budget():
    one = page(1000).size
    cache = PageCache(max_entries=100, max_bytes=one * 5)
    for n in range(12):
        cache.put(key(1, f"/{n}"), page(1000))
        assert cache.bytes <= one * 5
    assert len(cache) == 5
    assert cache.get(key(1, "/11")) is not None and cache.get(key(1, "/0")) is None


def test_cache_refuses_a_page_too_large_to_share_the_budget():
    cache = PageCache(max_entries=100, max_bytes=40_000)
    cache.put(key(1, "/small"), page(100))
    assert not cache.put(key(1, "/huge"), page(20_000))
    assert cache.get(key(1, "/small")) is not None and cache.get(key(1, "/huge")) is None


def test_a_newer_generation_drops_every_older_page():
    cache = PageCache(max_entries=100, max_bytes=10**6)
    for path in ("/a", "/b"):
        cache.put(key(7, path), page(100))
    cache.put(key(8, "/a"), page(100))
    assert len(cache) == 1
    assert cache.get(key(7, "/b")) is None
    # A page rendered from the older generation and stored late is harmless: nobody asks
    # for that key any more, and it ages out.
    cache.put(key(7, "/late"), page(100))
    assert cache.get(key(8, "/a")) is not None


def test_cache_counts_hits_and_misses():
    cache = PageCache(max_entries=10, max_bytes=10**6)
    assert cache.get(key(1, "/")) is None
    cache.put(key(1, "/"), page(10))
    assert cache.get(key(1, "/")) is not None
    assert (cache.hits, cache.misses) == (1, 1)


def test_cache_stays_consistent_under_threads():
    cache = PageCache(max_entries=50, max_bytes=50 * page(500).size)
    errors = []

    def work(seed: int):
        rng = random.Random(seed)
        try:
            for _ in range(2000):
                k = key(rng.choice((1, 2)), f"/{rng.randrange(200)}")
                if rng.random() < 0.5:
                    cache.put(k, page(rng.randrange(100, 500)))
                else:
                    cache.get(k)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(cache) <= 50
    assert cache.bytes == sum(e.size for e in cache._entries.values())


# --- encodings and validators --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", ""),
        ("gzip", "gzip"),
        ("gzip, deflate, br, zstd", "br"),
        ("br;q=0.5, gzip", "gzip"),
        ("br;q=0, gzip;q=0", ""),
        ("identity", ""),
        ("*", "br"),
        ("*;q=0.1, br;q=0", "gzip"),
        ("deflate", ""),
        ("GZIP;Q=0.8", "gzip"),
        ("gzip;q=nonsense, br", "br"),
    ],
)
def test_negotiate_encoding(header, expected):
    assert negotiate_encoding(header) == expected


def test_compress_body_round_trips_and_is_deterministic():
    body = ("<p>امن اور مکالمہ — peace and dialogue</p>" * 200).encode()
    packed = compress_body(body, "gzip")
    assert gzip.decompress(packed) == body and packed == compress_body(body, "gzip")
    assert brotli.decompress(compress_body(body, "br")) == body
    with pytest.raises(ValueError):
        compress_body(body, "zstd")


def test_weak_etag_follows_the_body_alone():
    assert weak_etag(b"a page") == weak_etag(b"a page")
    assert weak_etag(b"a page") != weak_etag(b"a page!")
    assert weak_etag(b"x").startswith('W/"') and weak_etag(b"x").endswith('"')


def test_last_modified_is_not_sent_within_the_second_of_the_change():
    changed = max(code_time(), int(time.time()) - 100)
    assert last_modified(Generation(5, changed), now=changed + 0.9) is None
    assert last_modified(Generation(5, changed), now=changed + 1) is not None
    # A deploy (newer code) is a change too: never older than the code.
    old = last_modified(Generation(5, 0), now=code_time() + 10)
    assert old == last_modified(Generation(5, code_time()), now=code_time() + 10)


def test_static_versions_follow_the_content(tmp_path):
    css = tmp_path / "css" / "site.css"
    css.parent.mkdir()
    css.write_text("body { margin-inline: 0 }")
    versions = StaticVersions(tmp_path)
    first = versions.version("css/site.css")
    assert first and len(first) == 12
    assert versions.version("css/site.css") == first
    css.write_text("body { margin-inline: 1rem }")
    assert versions.version("css/site.css") not in (None, first)
    assert versions.version("css/missing.css") is None
    assert versions.version("../secrets.txt") is None


# --- the public content generation ---------------------------------------------------------------


@pytest.fixture
def factory(database_url):
    engine = make_engine(database_url)
    made = sessionmaker(bind=engine, expire_on_commit=False)
    track_public_changes(made)
    track_public_changes(made)  # idempotent: still one bump per transaction
    yield made
    engine.dispose()


def now_generation(factory) -> Generation:
    with factory() as s:
        return read_generation(s)


def test_generation_starts_at_zero_and_both_reads_agree(factory):
    assert now_generation(factory) == Generation(0, 0)
    services.create_organisation(factory(), actor=None, slug="amn", name="Amn Youth")
    with factory() as s:
        assert read_generation(s) == read_generation_from(s.get_bind())


def test_one_bump_per_committed_transaction_that_changes_public_content(factory):
    before = int(time.time())
    services.create_organisation(factory(), actor=None, slug="amn", name="Amn Youth")
    first = now_generation(factory)
    assert first.number == 1 and first.changed_at >= before

    with factory() as s:  # several flushes, one transaction: one bump
        s.add(Organisation(slug="a", name="A"))
        s.flush()
        s.add(Organisation(slug="b", name="B"))
        s.flush()
        s.commit()
    assert now_generation(factory).number == 2

    with factory() as s:  # rolled back: nothing changed, nothing bumped
        s.add(Organisation(slug="c", name="C"))
        s.flush()
        s.rollback()
    assert now_generation(factory).number == 2

    with factory() as s:  # an audit event alone is not public
        s.add(AuditEvent(action="note", object_type="site", object_id=None))
        s.commit()
    assert now_generation(factory).number == 2


def test_user_changes_count_only_when_a_byline_could_show_them(factory):
    session = factory()
    org = services.create_organisation(session, actor=None, slug="amn", name="Amn Youth")
    user = services.create_user(
        session,
        actor=None,
        email="writer@example.org",
        name="Peace Writer",
        password="correct horse battery",
        roles=["contributor"],
        organisation_id=org.id,
    )
    start = now_generation(factory).number
    with factory() as s:
        s.get(User, user.id).last_login_at = org.created_at
        s.commit()
    assert now_generation(factory).number == start
    with factory() as s:
        s.get(User, user.id).name = "Dialogue Writer"
        s.commit()
    assert now_generation(factory).number == start + 1


def test_bulk_updates_of_public_tables_count(factory):
    with factory() as s:
        s.execute(update(Organisation).where(Organisation.slug == "none").values(name="N"))
        s.commit()
    assert now_generation(factory).number == 1
    with factory() as s:  # reads do not
        s.scalars(select(Organisation)).all()
        s.commit()
    assert now_generation(factory).number == 1


def test_change_time_never_goes_backwards(factory):
    with factory() as s:
        bump(s, now=2_000_000_000)
        s.commit()
    with factory() as s:
        bump(s, now=1_000_000_000)  # a server with a slow clock
        s.commit()
    assert now_generation(factory) == Generation(2, 2_000_000_000)

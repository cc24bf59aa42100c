"""Search benchmark: import, indexing, query latency and publish→searchable at a realistic size,
next to SQLite FTS5 as the C-speed floor.

One run:

1. generates ``--docs`` documents (translations) of Urdu, English, Sindhi, Pashto and mixed
   Urdu/English text from the vocabularies below (Zipf-like word frequencies, realistic lengths,
   some documents typed with diacritics, tatweel or Arabic-keyboard letters), as JSON lines in
   the hub's import format;
2. migrates a fresh SQLite database, creates an admin, organisations and campaigns through the
   services, imports the corpus with ``content.services.transfer.import_stories`` (in chunks:
   all-or-nothing applies per chunk), then builds a fresh index with ``hub.indexing.rebuild``;
3. times ``search.search`` on a few hundred 1–3-word queries (after a warm-up), then again with
   the engine's cache of decoded postings emptied before each query (every term read from
   disk, as for words nobody searched since the process started);
4. times publish→searchable: a story written, submitted, approved and published through the
   services, with the app's own after-commit search sync (``hub.create_app`` on the same
   database and index), until ``search`` returns it;
5. does the same corpus and queries in SQLite FTS5 (unicode61 remove_diacritics 2, bm25,
   snippet());
6. prints a table with the targets and writes the figures as JSON.

    .venv/bin/python bench/search.py [--docs 50000] [--queries 300] [--out bench/out]
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import math
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from content.corpus import (  # noqa: E402 - after the sys.path line above
    CAMPAIGNS,
    EN_STEM_QUERIES,
    KEYBOARD_FORMS,
    KINDS,
    LANGUAGE_SHARE,
    ORGANISATIONS,
    TRANSLATED_SHARE,
    UR_LOANS,
    VOCABULARIES,
    DocStyle,
    Writer,
    add_marks,
    add_tatweel,
    check_vocabularies,
)

TARGET_P95_MS = 50.0
TARGET_PUBLISH_S = 1.0
TARGET_DOCS = 50_000
PASSWORD = "bench password 12345"  # noqa: S105 - throwaway accounts in a temp database


@dataclass
class CorpusStats:
    documents: int = 0
    stories: int = 0
    by_language: Counter = field(default_factory=Counter)
    body_words: int = 0
    text_chars: int = 0
    keyboard_forms: int = 0
    diacritics: int = 0
    tatweel: int = 0
    with_campaign: int = 0


def _weighted(rng: random.Random, pairs) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _region(rng: random.Random, code: str) -> str | None:
    from content.models import REGIONS

    if rng.random() < 0.1:
        return None
    if code == "sd" and rng.random() < 0.8:
        return "sindh"
    if code == "ps" and rng.random() < 0.9:
        return "khyber_pakhtunkhwa" if rng.random() < 0.78 else "balochistan"
    return rng.choice(REGIONS)


def generate_corpus(path: Path, n_docs: int, seed: int) -> CorpusStats:
    """Write ``n_docs`` translations as import lines (publish: true) to ``path``."""
    from content.models import THEMES

    rng = random.Random(seed)
    writer = Writer(rng)
    stats = CorpusStats()
    with open(path, "w", encoding="utf-8") as out:
        while stats.documents < n_docs:
            kind = _weighted(rng, LANGUAGE_SHARE)
            source = "ur" if kind == "mixed" else kind
            codes = [source]
            if n_docs - stats.documents >= 2 and rng.random() < TRANSLATED_SHARE:
                # English stories are translated into Urdu; the others mostly into English.
                if source == "en" or (source != "ur" and rng.random() < 0.4):
                    codes.append("ur")
                else:
                    codes.append("en")
            translations = {}
            for i, code in enumerate(codes):
                v = VOCABULARIES[code]
                topic = rng.sample(v.topical, rng.randint(4, 9))
                loans = UR_LOANS if (kind == "mixed" and i == 0) else None
                style = DocStyle()
                if code != "en":
                    style = DocStyle(
                        keyboard=rng.random() < 0.10,
                        marks=rng.random() < 0.08,
                        tatweel=rng.random() < 0.05,
                    )
                title = writer.styled(writer.title(v, topic, loans), code, style)
                summary = writer.styled(writer.summary(v, topic, loans), code, style)
                body, words = writer.body(v, topic, loans)
                body = writer.styled(body, code, style)
                translations[code] = {"title": title, "summary": summary, "body": body}
                stats.documents += 1
                stats.by_language["mixed" if loans else code] += 1
                stats.body_words += words
                stats.text_chars += len(title) + len(summary) + len(body)
                stats.keyboard_forms += style.keyboard
                stats.diacritics += style.marks
                stats.tatweel += style.tatweel
            campaign = None
            if rng.random() < 0.3:
                campaign = rng.choice(CAMPAIGNS)[0]
                stats.with_campaign += 1
            line = {
                "organisation": rng.choice(ORGANISATIONS)[0],
                "kind": _weighted(rng, KINDS),
                "source_language": source,
                "themes": rng.sample(THEMES, rng.randint(1, 3)),
                "region": _region(rng, source),
                "campaign": campaign,
                "publish": True,
                "translations": translations,
            }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            stats.stories += 1
    return stats


# --- queries ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchQuery:
    text: str
    lang: str  # prefer_lang
    kind: str  # plain, variant, marks, stem, mixed


QUERY_KINDS = (("plain", 62), ("variant", 10), ("marks", 8), ("stem", 10), ("mixed", 10))
QUERY_LANGS = (("en", 35), ("ur", 30), ("sd", 17), ("ps", 18))


def make_queries(n: int, seed: int) -> list[BenchQuery]:
    """1–3-word queries from the corpus vocabularies (content words and places, any rank)."""
    rng = random.Random(seed)
    queries = []
    while len(queries) < n:
        kind = _weighted(rng, QUERY_KINDS)
        lang = _weighted(rng, QUERY_LANGS)
        words = rng.choices((1, 2, 3), weights=(45, 35, 20))[0]
        if kind in ("variant", "marks") and lang == "en":
            lang = rng.choice(("ur", "sd", "ps"))
        if kind == "mixed":
            lang = "ur"
        if kind == "stem":
            lang = "en"
        v = VOCABULARIES[lang]
        terms = rng.sample(v.topical, words)
        if kind == "stem":
            terms[0] = rng.choice(EN_STEM_QUERIES)
        elif kind == "mixed":
            terms[-1] = rng.choice(UR_LOANS)
            if len(terms) == 1:
                terms.insert(0, rng.choice(v.content))
        elif kind == "variant":
            terms = [t.translate(KEYBOARD_FORMS[lang]) for t in terms]
            if all(t in v.topical for t in terms):
                continue  # no letter of these words has another keyboard form: draw again
        elif kind == "marks":
            terms = [
                add_tatweel(t, rng) if rng.random() < 0.3 else add_marks(t, rng) for t in terms
            ]
        queries.append(BenchQuery(" ".join(terms), lang, kind))
    return queries


# --- helpers ------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Linear-interpolated percentile (p in 0..100)."""
    data = sorted(values)
    if not data:
        return float("nan")
    k = (len(data) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return data[lo] + (data[hi] - data[lo]) * (k - lo)


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def read_chunks(path: Path, size: int) -> Iterator[list[str]]:
    with open(path, encoding="utf-8") as f:
        while True:
            chunk = list(itertools.islice(f, size))
            if not chunk:
                return
            yield chunk


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the hub: database, import, indexing ---------------------------------------------------------


def setup_database(url: str) -> dict:
    """Migrate, then create the admin, organisations and campaigns through the services."""
    from sqlalchemy.orm import sessionmaker

    from content import services
    from content.services.campaigns import create_campaign
    from hub.extensions import make_engine
    from hub.migrate import upgrade_database

    upgrade_database(url)
    engine = make_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with factory() as session:
        admin = services.create_user(
            session,
            actor=None,
            email="admin@bench.example.org",
            name="Bench Admin",
            password=PASSWORD,
            roles=["admin"],
            all_languages=True,
        )
        orgs = {}
        for slug, name in ORGANISATIONS:
            orgs[slug] = services.create_organisation(session, actor=None, slug=slug, name=name)
        for i, (slug, title) in enumerate(CAMPAIGNS):
            create_campaign(
                session,
                actor=admin,
                slug=slug,
                lang="en",
                title=title,
                organisation_id=orgs[ORGANISATIONS[i][0]].id,
            )
        ids = {"admin": admin.id, "orgs": {slug: org.id for slug, org in orgs.items()}}
    return {"engine": engine, "factory": factory, **ids}


def import_corpus(db: dict, corpus: Path, chunk: int) -> dict:
    """Import through content.services.transfer.import_stories, ``chunk`` lines per call."""
    from sqlalchemy import func, select

    from content.models import Translation, User
    from content.services.transfer import import_stories

    seconds, cpu, stories, calls = 0.0, 0.0, 0, 0
    for lines in read_chunks(corpus, chunk):
        with db["factory"]() as session:
            admin = session.get(User, db["admin"])
            start, start_cpu = time.perf_counter(), time.process_time()
            stories += import_stories(session, actor=admin, lines=lines)
            seconds += time.perf_counter() - start
            cpu += time.process_time() - start_cpu
            calls += 1
        if calls % 5 == 0:
            say(f"  imported {stories:,} stories ({stories / seconds:,.0f} stories/s)")
    with db["factory"]() as session:
        documents = session.scalar(select(func.count(Translation.id)))
    return {
        "stories": stories,
        "documents": documents,  # translations in the database: what the index will hold
        "seconds": seconds,
        # This process only: Markdown is rendered in the hub's renderer child process.
        "cpu_seconds": cpu,
        "calls": calls,
        "lines_per_call": chunk,
    }


def build_index(db: dict, search_dir: Path) -> dict:
    """hub.indexing.rebuild into a fresh directory; times the reading of documents apart."""
    import hub.indexing as indexing
    from search import SearchIndex

    original = indexing.live_documents
    reading = [0.0]

    def timed_documents(session):
        documents = original(session)
        while True:
            start = time.perf_counter()
            try:
                doc = next(documents)
            except StopIteration:
                reading[0] += time.perf_counter() - start
                return
            reading[0] += time.perf_counter() - start
            yield doc

    indexing.live_documents = timed_documents
    try:
        with db["factory"]() as session:
            start, start_cpu = time.perf_counter(), time.process_time()
            count = indexing.rebuild(session, SearchIndex(search_dir))
            seconds = time.perf_counter() - start
            cpu = time.process_time() - start_cpu
    finally:
        indexing.live_documents = original
    return {
        "documents": count,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "reading_seconds": reading[0],
        "size_bytes": dir_size(search_dir),
    }


def sync_index(db: dict, search_dir: Path) -> dict:
    """hub.indexing.sync from an empty index: what `flask hub import` does after importing."""
    from hub.indexing import sync
    from search import SearchIndex

    with db["factory"]() as session:
        start = time.perf_counter()
        count = sync(session, SearchIndex(search_dir))
        seconds = time.perf_counter() - start
    return {"documents": count, "seconds": seconds, "size_bytes": dir_size(search_dir)}


def run_queries(index, queries: list[BenchQuery], warmup: list[BenchQuery]) -> dict:
    """Time each query after a warm-up; then time them all again with the decoded-postings
    cache emptied before each one (every term read from disk: the worst case)."""
    from search import SearchRequest, search

    def one(q: BenchQuery):
        return search(index, SearchRequest(q=q.text, prefer_lang=q.lang, per_page=10))

    for q in warmup:
        one(q)
    gc.collect()
    load = [os.getloadavg()]
    times, cpu, totals = [], [], []
    for q in queries:
        start, start_cpu = time.perf_counter(), time.process_time()
        results = one(q)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        totals.append(results.total)
    load.append(os.getloadavg())
    cold, cold_cpu = [], []
    for q in queries:
        index.engine.clear_postings()
        start, start_cpu = time.perf_counter(), time.process_time()
        one(q)
        cold.append((time.perf_counter() - start) * 1000)
        cold_cpu.append((time.process_time() - start_cpu) * 1000)
    load.append(os.getloadavg())
    return {
        "ms": times,
        "cpu_ms": cpu,
        "totals": totals,
        "cold_ms": cold,
        "cold_cpu_ms": cold_cpu,
        "load_average": load,
    }


def publish_latency(db_url: str, data_dir: Path, search_dir: Path, reps: int, seed: int) -> dict:
    """Write, submit, approve and publish through the services on an app built with
    hub.create_app, so the app's after-commit hook syncs the index (as in a web request);
    time from the publish call until ``search`` returns the story."""
    from content import services
    from content.models import REGIONS, THEMES
    from content.services.reviews import ActionInput
    from content.services.stories import CHECKLIST, StoryInput
    from content.workflow import Action
    from hub import create_app
    from search import SearchRequest, search

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-secret-key-that-is-long-enough-0000",
            "HUB_DATABASE_URL": db_url,
            "HUB_DATA_DIR": str(data_dir),
            "HUB_SEARCH_DIR": str(search_dir),
            "HUB_RATELIMIT_STORAGE_URL": "memory://",
            "HUB_LOG_LEVEL": "WARNING",
        }
    )
    app.extensions["hub.mail_outbox"] = []
    indexer = app.extensions["hub.search"]
    indexer.start(background=False)  # what the first request does: the index is fine, sync
    rng = random.Random(seed)
    writer = Writer(rng)
    # The app's own session factory (the one its Indexer uses): its sessions run the app's
    # after-commit hooks, search sync included, exactly as in a request.
    factory = indexer.session_factory
    session = factory()
    runs = []
    try:
        org = services.get_organisation(session, ORGANISATIONS[0][0])
        author = services.create_user(
            session,
            actor=None,
            email="writer@bench.example.org",
            name="Bench Writer",
            password=PASSWORD,
            roles=["contributor"],
            organisation_id=org.id,
        )
        approver, publisher = (
            services.create_user(
                session,
                actor=None,
                email=f"editor{n}@bench.example.org",
                name=f"Bench Editor {n}",
                password=PASSWORD,
                roles=["editor"],
                all_languages=True,
            )
            for n in (1, 2)
        )
        safe_letters = "بتجدرسفقلمن"  # the same in Urdu, Sindhi and Pashto, and never folded
        for i in range(reps):
            lang = ("en", "ur", "sd", "ps")[i % 4]
            if lang == "en":
                word = "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(9))
            else:
                word = "".join(rng.choice(safe_letters) for _ in range(8))
            v = VOCABULARIES[lang]
            topic = rng.sample(v.topical, 6)
            body, _ = writer.body(v, topic, None)
            t = services.create_story(
                session,
                actor=author,
                data=StoryInput(
                    title=f"{writer.title(v, topic, None)} {word}",
                    summary=writer.summary(v, topic, None),
                    body=f"{body}\n\n{word}",
                    source_language=lang,
                    themes=(rng.choice(THEMES),),
                    region=rng.choice(REGIONS),
                ),
            )
            services.apply_action(
                session, actor=author, translation=t, request=ActionInput(Action.SUBMIT)
            )
            services.apply_action(
                session,
                actor=approver,
                translation=t,
                request=ActionInput(Action.APPROVE, checklist=frozenset(CHECKLIST)),
            )
            start = time.perf_counter()
            services.apply_action(
                session, actor=publisher, translation=t, request=ActionInput(Action.PUBLISH)
            )
            returned = time.perf_counter()
            polls = 0
            while True:
                polls += 1
                results = search(indexer.index, SearchRequest(q=word, prefer_lang=lang))
                if any(hit.doc_id == str(t.id) for hit in results.hits):
                    break
                if time.perf_counter() - start > 60:
                    raise SystemExit(f"published story {t.id} not searchable after 60 s")
                time.sleep(0.005)
            found = time.perf_counter()
            runs.append(
                {
                    "lang": lang,
                    "publish_call_s": returned - start,
                    "searchable_s": found - start,
                    "polls": polls,
                }
            )
    finally:
        session.close()
        indexer.index.close()
        factory.kw["bind"].dispose()
    return {"runs": runs}


# --- SQLite FTS5, the floor ----------------------------------------------------------------------

_MARKDOWN_LINE_RE = re.compile(r"^(?:#+|-)\s+", re.MULTILINE)
# Ranked like the hub (preferred language first, then BM25 with the hub's field boosts). The
# inner query picks the page; the outer one runs highlight()/snippet() on those 10 rows only
# (in one flat query SQLite would compute a snippet for every match before sorting: 2x slower).
FTS_TOP = (
    "SELECT rowid, highlight(docs, 0, '<mark>', '</mark>'),"
    " snippet(docs, 2, '<mark>', '</mark>', '…', 32) FROM docs"
    " WHERE docs MATCH ?1 AND rowid IN"
    " (SELECT rowid FROM docs WHERE docs MATCH ?1"
    "  ORDER BY lang <> ?2, bm25(docs, 3.0, 1.5, 1.0) LIMIT 10)"
    " ORDER BY lang <> ?2, bm25(docs, 3.0, 1.5, 1.0)"
)
FTS_COUNT = "SELECT count(*) FROM docs WHERE docs MATCH ?1"


def fts_match(text: str) -> str:
    """Each word as a quoted FTS5 string, implicitly ANDed (as the hub ANDs words)."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in text.split())


def fts_build(corpus: Path, path: Path, chunk: int) -> dict:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(title, summary, body, lang UNINDEXED,"
        " tokenize = 'unicode61 remove_diacritics 2')"
    )
    seconds, cpu, count = 0.0, 0.0, 0
    con.execute("BEGIN")
    for lines in read_chunks(corpus, chunk):
        rows = []
        for raw in lines:
            for code, text in json.loads(raw)["translations"].items():
                body = _MARKDOWN_LINE_RE.sub("", text["body"])
                rows.append((text["title"], text["summary"], body, code))
        start, start_cpu = time.perf_counter(), time.process_time()
        con.executemany("INSERT INTO docs (title, summary, body, lang) VALUES (?, ?, ?, ?)", rows)
        seconds += time.perf_counter() - start
        cpu += time.process_time() - start_cpu
        count += len(rows)
    start, start_cpu = time.perf_counter(), time.process_time()
    con.execute("COMMIT")
    seconds += time.perf_counter() - start
    cpu += time.process_time() - start_cpu
    con.close()
    return {
        "documents": count,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "size_bytes": path.stat().st_size,
    }


def fts_queries(path: Path, queries: list[BenchQuery], warmup: list[BenchQuery]) -> dict:
    con = sqlite3.connect(path)
    for q in warmup:
        con.execute(FTS_TOP, (fts_match(q.text), q.lang)).fetchall()
        con.execute(FTS_COUNT, (fts_match(q.text),)).fetchone()
    load = [os.getloadavg()]
    top_ms, cpu_ms, with_count_ms, totals = [], [], [], []
    for q in queries:
        match = fts_match(q.text)
        start, start_cpu = time.perf_counter(), time.process_time()
        con.execute(FTS_TOP, (match, q.lang)).fetchall()
        middle = time.perf_counter()
        cpu_ms.append((time.process_time() - start_cpu) * 1000)
        total = con.execute(FTS_COUNT, (match,)).fetchone()[0]
        end = time.perf_counter()
        top_ms.append((middle - start) * 1000)
        with_count_ms.append((end - start) * 1000)
        totals.append(total)
    con.close()
    load.append(os.getloadavg())
    return {
        "ms": top_ms,
        "cpu_ms": cpu_ms,
        "with_count_ms": with_count_ms,
        "totals": totals,
        "load_average": load,
    }


# --- report -------------------------------------------------------------------------------------


def _fmt(value, digits=1) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def _ratio(hub, fts) -> float | None:
    return hub / fts if hub and fts else None


def print_report(r: dict) -> None:
    c, imp, ix, q, pub, fts = (
        r["corpus"],
        r["import"],
        r["index"],
        r["queries"],
        r["publish"],
        r["fts5"],
    )
    langs = ", ".join(f"{k} {v:,}" for k, v in sorted(c["by_language"].items()))
    print()
    print(f"Search benchmark — {c['documents']:,} documents ({langs}); {c['stories']:,} stories")
    print(
        f"  body words: mean {c['body_words_mean']:.0f}; text {c['text_mb']:.0f} MB;"
        f" keyboard forms {c['keyboard_forms']:,}, diacritics {c['diacritics']:,},"
        f" tatweel {c['tatweel']:,} documents"
    )
    print(
        f"  import: {imp['calls']} import_stories calls of {imp['lines_per_call']:,} lines"
        " (all-or-nothing applies per call, not to the whole corpus)"
    )
    print(
        f"  queries: {q['count']} ({', '.join(f'{k} {v}' for k, v in q['kinds'].items())}),"
        f" {q['warmup']} warm-up; search() with prefer_lang, per_page=10, all languages,"
        " facets and highlights"
    )
    print(
        "  publish→searchable: hub.create_app on the same database and index; the app's"
        " after-commit hook syncs (synchronously, inside the publish call)"
    )
    m = r["machine"]
    print(
        f"  machine: {m['cpus']} CPUs, load average {m['load_average_at_start'][0]:.1f} at start,"
        f" {m['load_average_at_end'][0]:.1f} at end (other work shares the CPUs: see CPU times)"
    )
    hub_load = " → ".join(f"{one[0]:.1f}" for one in q["load_average"])
    fts_load = " → ".join(f"{one[0]:.1f}" for one in fts["load_average"])
    print(f"  load average (1 min) while querying: hub {hub_load}; FTS5 {fts_load}")
    print()
    header = f"{'figure':<38}{'hub':>12}{'FTS5':>12}{'hub/FTS5':>10}  {'target':<10}{'met':<4}"
    print(header)
    print("-" * len(header))
    pm = pub["median_s"]
    rows = [
        ("import throughput (docs/s)", imp["docs_per_s"], None, "", ""),
        ("indexing throughput (docs/s)", ix["docs_per_s"], fts["docs_per_s"], "", ""),
        ("indexing CPU time (s)", ix["cpu_seconds"], fts["cpu_seconds"], "", ""),
        ("  of which reading docs from the DB (s)", ix["reading_seconds"], None, "", ""),
        ("index size (MB)", ix["size_mb"], fts["size_mb"], "", ""),
        ("query p50 (ms)", q["p50_ms"], fts["p50_ms"], "", ""),
        (
            "query p95 (ms)",
            q["p95_ms"],
            fts["p95_ms"],
            f"≤ {TARGET_P95_MS:.0f} ms",
            "yes" if q["p95_ms"] <= TARGET_P95_MS else "NO",
        ),
        ("query p99 (ms)", q["p99_ms"], fts["p99_ms"], "", ""),
        ("query p50 CPU time (ms)", q["p50_cpu_ms"], fts["p50_cpu_ms"], "", ""),
        ("query p95 CPU time (ms)", q["p95_cpu_ms"], fts["p95_cpu_ms"], "", ""),
        ("query p95, no cached postings (ms)", q["cold_p95_ms"], fts["p95_ms"], "", ""),
        ("  its CPU time (ms)", q["cold_p95_cpu_ms"], fts["p95_cpu_ms"], "", ""),
        ("FTS5 p95 with a total count (ms)", None, fts["p95_with_count_ms"], "", ""),
        ("queries with no result", q["zero_hits"], fts["zero_hits"], "", ""),
        (
            "publish→searchable median (s)",
            pm,
            None,
            f"≤ {TARGET_PUBLISH_S:.0f} s",
            "yes" if pm <= TARGET_PUBLISH_S else "NO",
        ),
        (
            "publish→searchable max (s)",
            pub["max_s"],
            None,
            f"≤ {TARGET_PUBLISH_S:.0f} s",
            "yes" if pub["max_s"] <= TARGET_PUBLISH_S else "NO",
        ),
    ]
    if r.get("sync"):
        rows.insert(2, ("indexing via sync (docs/s)", r["sync"]["docs_per_s"], None, "", ""))
    for name, hub, floor, target, met in rows:
        ratio = _ratio(hub, floor)
        digits = 3 if "(s)" in name and (hub or floor or 10) < 10 else 1
        print(
            f"{name:<38}{_fmt(hub, digits):>12}{_fmt(floor, digits):>12}"
            f"{_fmt(ratio, 2) if ratio is not None else '':>10}  {target:<10}{met:<4}"
        )
    print()
    print("  hub/FTS5 is the plain ratio: above 1 for times and sizes means the hub is that many")
    print("  times slower/larger; below 1 for throughput means it is that fraction as fast.")
    print(f"  median hits per query: hub {q['median_total']:,}, FTS5 {fts['median_total']:,}")
    for kind, (hub_total, fts_total) in r["totals_by_kind"].items():
        print(f"    {kind:<8} matches summed over queries: hub {hub_total:,}, FTS5 {fts_total:,}")
    print(
        "  publish call (commit + sync) median {:.3f} s; runs: {}".format(
            statistics.median(run["publish_call_s"] for run in pub["runs"]),
            ", ".join(f"{run['lang']} {run['searchable_s']:.3f}" for run in pub["runs"]),
        )
    )


# --- main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=TARGET_DOCS)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=40)
    parser.add_argument("--publish-reps", type=int, default=10)
    parser.add_argument("--chunk", type=int, default=2000, help="import lines per call")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--sync",
        action="store_true",
        help="also index through hub.indexing.sync into another fresh index (what the import"
        " command does; slower)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--tmp", type=Path, default=None, help="where the temp dir goes")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = parser.parse_args(argv)

    check_vocabularies()
    args.load_at_start = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="hub-search-bench-", dir=args.tmp))
    say(f"working in {work}")
    try:
        report = run(args, work)
    finally:
        if args.keep:
            say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / "search.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print_report(report)
    print(f"\nfigures written to {out}")
    return report


def run(args, work: Path) -> dict:
    corpus = work / "corpus.jsonl"
    say(f"generating {args.docs:,} documents")
    start = time.perf_counter()
    stats = generate_corpus(corpus, args.docs, args.seed)
    say(
        f"  {stats.stories:,} stories, {corpus.stat().st_size / 1e6:,.0f} MB of JSON lines"
        f" in {time.perf_counter() - start:.0f} s"
    )

    db_url = f"sqlite:///{work / 'hub.sqlite3'}"
    say("migrating a fresh SQLite database and creating accounts")
    db = setup_database(db_url)
    say(f"importing through import_stories, {args.chunk:,} lines per call")
    imported = import_corpus(db, corpus, args.chunk)
    imported["docs_per_s"] = imported["documents"] / imported["seconds"]
    if imported["documents"] != stats.documents:
        raise SystemExit(
            f"the database holds {imported['documents']:,} translations, the corpus"
            f" {stats.documents:,}: the generator wrote a line the import read differently"
        )
    say(f"  {imported['seconds']:.0f} s, {imported['docs_per_s']:,.0f} docs/s")

    search_dir = work / "search"
    say("indexing: hub.indexing.rebuild into a fresh index")
    index = build_index(db, search_dir)
    index["docs_per_s"] = index["documents"] / index["seconds"]
    index["size_mb"] = index["size_bytes"] / 1e6
    say(f"  {index['seconds']:.0f} s, {index['docs_per_s']:,.0f} docs/s, {index['size_mb']:.0f} MB")
    synced = None
    if args.sync:
        say("indexing again: hub.indexing.sync from the outbox into another fresh index")
        synced = sync_index(db, work / "search-sync")
        synced["docs_per_s"] = synced["documents"] / synced["seconds"]
        say(f"  {synced['seconds']:.0f} s, {synced['docs_per_s']:,.0f} docs/s")
        shutil.rmtree(work / "search-sync", ignore_errors=True)
    db["engine"].dispose()

    queries = make_queries(args.queries, args.seed + 1)
    warmup = make_queries(args.warmup, args.seed + 2)
    say(f"querying: {len(queries)} queries after {len(warmup)} warm-up")
    from search import SearchIndex

    searcher_index = SearchIndex(search_dir)
    hub_q = run_queries(searcher_index, queries, warmup)
    searcher_index.close()
    say(f"  p50 {percentile(hub_q['ms'], 50):.1f} ms, p95 {percentile(hub_q['ms'], 95):.1f} ms")

    say(f"publish→searchable: {args.publish_reps} stories")
    published = publish_latency(db_url, work, search_dir, args.publish_reps, args.seed + 3)
    latencies = [run["searchable_s"] for run in published["runs"]]
    published["median_s"] = statistics.median(latencies)
    published["max_s"] = max(latencies)
    say(f"  median {published['median_s']:.3f} s, max {published['max_s']:.3f} s")

    say("SQLite FTS5: indexing the same corpus")
    fts_path = work / "fts5.sqlite3"
    fts = fts_build(corpus, fts_path, args.chunk)
    fts["docs_per_s"] = fts["documents"] / fts["seconds"]
    fts["size_mb"] = fts["size_bytes"] / 1e6
    say(f"  {fts['seconds']:.1f} s, {fts['docs_per_s']:,.0f} docs/s, {fts['size_mb']:.0f} MB")
    say("SQLite FTS5: the same queries")
    fts_q = fts_queries(fts_path, queries, warmup)

    kinds = Counter(q.kind for q in queries)
    totals_by_kind = {}
    for kind in kinds:
        picked = [i for i, q in enumerate(queries) if q.kind == kind]
        totals_by_kind[kind] = (
            sum(hub_q["totals"][i] for i in picked),
            sum(fts_q["totals"][i] for i in picked),
        )
    return {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_average_at_start": args.load_at_start,
            "load_average_at_end": os.getloadavg(),
        },
        "targets": {"query_p95_ms": TARGET_P95_MS, "publish_to_searchable_s": TARGET_PUBLISH_S},
        "corpus": {
            "documents": stats.documents,
            "stories": stats.stories,
            "by_language": dict(stats.by_language),
            "body_words_mean": stats.body_words / stats.documents,
            "text_mb": stats.text_chars / 1e6,
            "keyboard_forms": stats.keyboard_forms,
            "diacritics": stats.diacritics,
            "tatweel": stats.tatweel,
            "with_campaign_stories": stats.with_campaign,
            "seed": args.seed,
        },
        "import": imported,
        "index": index,
        "sync": synced,
        "queries": {
            "count": len(queries),
            "warmup": len(warmup),
            "kinds": dict(kinds),
            "p50_ms": percentile(hub_q["ms"], 50),
            "p95_ms": percentile(hub_q["ms"], 95),
            "p99_ms": percentile(hub_q["ms"], 99),
            "p50_cpu_ms": percentile(hub_q["cpu_ms"], 50),
            "p95_cpu_ms": percentile(hub_q["cpu_ms"], 95),
            "cold_p50_ms": percentile(hub_q["cold_ms"], 50),
            "cold_p95_ms": percentile(hub_q["cold_ms"], 95),
            "cold_p95_cpu_ms": percentile(hub_q["cold_cpu_ms"], 95),
            "load_average": hub_q["load_average"],
            "max_ms": max(hub_q["ms"]),
            "zero_hits": sum(1 for t in hub_q["totals"] if t == 0),
            "median_total": int(statistics.median(hub_q["totals"])),
            "samples": [
                {"q": q.text, "lang": q.lang, "kind": q.kind, "ms": ms, "cpu_ms": cpu, "total": n}
                for q, ms, cpu, n in zip(
                    queries, hub_q["ms"], hub_q["cpu_ms"], hub_q["totals"], strict=True
                )
            ],
        },
        "publish": published,
        "fts5": {
            **fts,
            "p50_ms": percentile(fts_q["ms"], 50),
            "p95_ms": percentile(fts_q["ms"], 95),
            "p99_ms": percentile(fts_q["ms"], 99),
            "p50_cpu_ms": percentile(fts_q["cpu_ms"], 50),
            "p95_cpu_ms": percentile(fts_q["cpu_ms"], 95),
            "p95_with_count_ms": percentile(fts_q["with_count_ms"], 95),
            "load_average": fts_q["load_average"],
            "zero_hits": sum(1 for t in fts_q["totals"] if t == 0),
            "median_total": int(statistics.median(fts_q["totals"])),
            "query": FTS_TOP,
        },
        "totals_by_kind": totals_by_kind,
        "notes": [
            f"import_stories called once per {args.chunk} lines: all-or-nothing per call",
            "indexing = hub.indexing.rebuild into a fresh directory (reads the DB, one writer)",
            "publish→searchable: the app's after-commit hook (hub.create_app) syncs the index",
            "FTS5 indexing time excludes reading the corpus; the hub's includes the DB reads",
        ],
    }


if __name__ == "__main__":
    main()

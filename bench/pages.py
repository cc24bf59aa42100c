"""Page benchmark: the public pages under gunicorn and a real HTTP load generator, next to a
bare Flask route that renders the same story template from memory (the floor).

One run:

1. makes a temporary data directory with a SQLite database, migrates it, loads the demo and
   scales it up with ``flask hub demo --scale N`` (N published stories in en, ur, sd and ps),
   then rebuilds the search index;
2. starts gunicorn on loopback with ``create_bench_app()`` below: the hub's own app, plus one
   route that exists only here, ``/_bench/floor``, which renders ``public/story.html`` with
   the context the real story view built once at start-up (objects loaded once, no query, no
   cache: a template and Flask, nothing else);
3. loads each target with wrk (``--latency``) for a fixed time after a short warm-up: the
   floor, the home page, a story page (the same story the floor renders), the story list and
   a search page rotating through generated queries; the floor runs first and last, and the
   ratio uses their mean, since anything else running on the machine moves both;
4. prints requests/s, p50 and p99 per target and the ratio to the floor, and whether the
   targets hold: story and home at least 0.8x the floor's requests/s, p99 under 100 ms.

Requests send a browser's User-Agent, so the reach counter counts them as it would a reader's.

    .venv/bin/python bench/pages.py [--stories 2000] [--duration 10] [--connections 16]

Needs wrk (Debian/Ubuntu: ``apt-get install wrk``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_RATIO = 0.8
TARGET_P99_MS = 100.0
FLOOR_PATH = "/_bench/floor"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
STORY_ENV = "HUB_BENCH_STORY_PATH"  # tells create_bench_app which story the floor renders


# --- the app under test (imported by gunicorn in each worker) --------------------------------


def create_bench_app():
    """The hub's app with the floor route. Each worker renders the story page once through
    the real view, keeps the template context it built, and serves the floor from it."""
    from flask import g, render_template, template_rendered

    from hub import create_app

    app = create_app()
    story_path = os.environ[STORY_ENV]
    captured: dict = {}
    context: dict = {}
    saved_g: dict = {}

    def floor():
        for name, value in saved_g.items():
            setattr(g, name, value)
        return render_template("public/story.html", **context)

    # Routes must exist before the app's first request (the one that captures the context).
    app.add_url_rule(FLOOR_PATH, "bench_floor", floor)

    def capture(sender, template, context, **extra):
        if template.name == "public/story.html" and not captured:
            captured["context"] = dict(context)
            captured["g"] = {k: v for k, v in vars(g).items() if not k.startswith("_")}

    with template_rendered.connected_to(capture, app), app.test_client() as client:
        response = client.get(story_path, headers={"User-Agent": USER_AGENT})
        if response.status_code != 200 or "context" not in captured:
            raise RuntimeError(f"the story page {story_path} did not render")
    with app.test_request_context(story_path):
        added: dict = {}
        app.update_template_context(added)  # what context processors add on every render
    context.update((k, v) for k, v in captured["context"].items() if k not in added)
    saved_g.update((k, v) for k, v in captured["g"].items() if not k.startswith("hub_"))
    return app


# --- setting up ---------------------------------------------------------------------------------


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def flask_cli(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "hub", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"flask hub {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def pick_targets(database_url: str) -> dict[str, str]:
    """A typical English story (median body length), and the list page."""
    from sqlalchemy import create_engine, func, select

    from content.models import Revision, Translation

    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(Translation.slug, func.length(Revision.body))
            .join(Revision, Revision.id == Translation.live_revision_id)
            .where(Translation.is_live.is_(True), Translation.lang == "en")
            .order_by(func.length(Revision.body))
        ).all()
    engine.dispose()
    if not rows:
        raise SystemExit("no published English story to load")
    slug, _length = rows[len(rows) // 2]
    return {"story": f"/en/stories/{slug}"}


def search_queries(n: int, seed: int) -> list[str]:
    """Queries from the search benchmark's vocabularies (one to three words)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    rng = random.Random(seed)
    words = [w for v in module.VOCABULARIES.values() for w in v.content]
    return [" ".join(rng.sample(words, rng.randint(1, 2))) for _ in range(n)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(base: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited during start-up (see its output above)")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within a minute")


def fetch(url: str, encoding: str) -> tuple[int, int]:
    headers = {"User-Agent": USER_AGENT}
    if encoding:
        headers["Accept-Encoding"] = encoding
    req = urllib.request.Request(url, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=10) as r:  # noqa: S310
            return r.status, len(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, 0


# --- measuring ------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    path: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # socket errors and non-2xx/3xx answers


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"unreadable latency {text!r}")
    return float(match.group(1)) * UNITS[match.group(2)]


def parse_wrk(output: str) -> tuple[float, float, float, int, int]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = 0
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket_errors:
        errors += sum(int(x) for x in socket_errors.groups())
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    return rps, p50, p99, requests, errors


ROTATE_LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, paths[(counter %% #paths) + 1])
end
"""


def run_wrk(args, base: str, path: str | list[str], seconds: int, script_dir: Path) -> str:
    cmd = [
        args.wrk,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
        "-H",
        f"User-Agent: {USER_AGENT}",
    ]
    if args.encoding:
        cmd += ["-H", f"Accept-Encoding: {args.encoding}"]
    if isinstance(path, list):
        script = script_dir / f"rotate-{abs(hash(tuple(path)))}.lua"
        quoted = ", ".join(json.dumps(p) for p in path)
        script.write_text(ROTATE_LUA % quoted, encoding="utf-8")
        cmd += ["-s", str(script), base + path[0]]
    else:
        cmd.append(base + path)
    result = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return result.stdout


def measure(args, base, name, path, script_dir) -> Result:
    run_wrk(args, base, path, args.warmup, script_dir)
    output = run_wrk(args, base, path, args.duration, script_dir)
    rps, p50, p99, requests, errors = parse_wrk(output)
    shown = path if isinstance(path, str) else f"{path[0]} (+{len(path) - 1} more)"
    result = Result(name, shown, rps, p50, p99, requests, errors)
    say(f"  {name:<8} {rps:9.1f} req/s  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  errors {errors}")
    return result


# --- the run --------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=2000, help="stories added to the demo")
    parser.add_argument("--duration", type=int, default=10, help="seconds per target")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds per target")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--worker-class", default="gthread", choices=("gthread", "sync"), help="gunicorn -k"
    )
    parser.add_argument("--worker-threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument(
        "--encoding",
        default="",
        help='Accept-Encoding to send, e.g. "gzip" or "br, gzip" (default: none)',
    )
    parser.add_argument("--queries", type=int, default=500, help="search queries to rotate")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--page-cache", choices=("on", "off"), default="on")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="use (and keep) this data directory; one already scaled up is reused as it is",
    )
    args = parser.parse_args()

    args.wrk = shutil.which("wrk")
    if args.wrk is None:
        raise SystemExit("wrk is not installed: apt-get install wrk (Debian/Ubuntu)")
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which(
        "gunicorn"
    )
    if gunicorn is None:
        raise SystemExit("gunicorn is not installed: pip install -r requirements.txt")

    if args.data_dir:
        work = args.data_dir.resolve()
        work.mkdir(parents=True, exist_ok=True)
        args.keep = True
    else:
        work = Path(tempfile.mkdtemp(prefix="hub-bench-pages-"))
    reuse = (work / "hub.sqlite3").exists()
    database_url = f"sqlite:///{work / 'hub.sqlite3'}"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HUB_ENV": "production",
        "HUB_SECRET_KEY": secrets.token_urlsafe(48),
        "HUB_DATA_DIR": str(work),
        "HUB_DATABASE_URL": database_url,
        "HUB_LOG_LEVEL": "WARNING",
        "HUB_PAGE_CACHE": "1" if args.page_cache == "on" else "0",
    }
    server = None
    try:
        if not any((ROOT / "translations").glob("*/LC_MESSAGES/messages.mo")):
            flask_cli(env, "translations", "compile")
        if reuse:
            say(f"data in {work}: reused as it is")
            flask_cli(env, "init")
        else:
            say(f"data in {work}; {args.stories} stories to add")
            flask_cli(env, "init")
            start = time.perf_counter()
            flask_cli(env, "demo", "--scale", str(args.stories), "--seed", str(args.seed))
            flask_cli(env, "search", "rebuild")
            say(f"demo scaled up in {time.perf_counter() - start:.0f} s")
        targets = pick_targets(database_url)
        env[STORY_ENV] = targets["story"]

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        cmd = [
            gunicorn,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--log-level",
            "warning",
            "--chdir",
            str(ROOT),
            "bench.pages:create_bench_app()",
        ]
        if args.worker_class == "gthread":
            cmd[7:7] = ["--threads", str(args.worker_threads)]
        server = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
        wait_until_up(base, server)

        list_path = "/en/stories/"
        if fetch(base + list_path, "")[0] != 200:
            list_path = "/en/?page=2"
        queries = search_queries(args.queries, args.seed)
        search_paths = [
            "/en/search?" + urllib.parse.urlencode({"q": q}, quote_via=urllib.parse.quote)
            for q in queries
        ]
        plan = [
            ("floor", FLOOR_PATH),
            ("home", "/en/"),
            ("story", targets["story"]),
            ("list", list_path),
            ("search", search_paths),
            ("floor", FLOOR_PATH),
        ]
        for name, path in plan:
            first = path if isinstance(path, str) else path[0]
            status, size = fetch(base + first, args.encoding)
            if status != 200:
                raise SystemExit(f"{name}: {first} answered {status}")
            say(
                f"{name:<8} {first}  ({size:,} bytes{' ' + args.encoding if args.encoding else ''})"
            )

        load_before = os.getloadavg()
        say(
            f"wrk: {args.connections} connections, {args.threads} threads, "
            f"{args.duration:g} s per target after {args.warmup:g} s of warm-up; gunicorn "
            f"{args.workers} x {args.worker_class}"
            + (f" ({args.worker_threads} threads)" if args.worker_class == "gthread" else "")
        )
        results = [measure(args, base, name, path, work) for name, path in plan]
        load_after = os.getloadavg()
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    floors = [r for r in results if r.name == "floor"]
    floor_rps = sum(r.requests_per_s for r in floors) / len(floors)
    print()
    print(f"{'target':<8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'x floor':>8}  path")
    for r in results:
        print(
            f"{r.name:<8} {r.requests_per_s:9.1f} {r.p50_ms:8.2f} {r.p99_ms:8.2f} "
            f"{r.requests_per_s / floor_rps:8.2f}  {r.path}"
            + (f"  ({r.errors} errors)" if r.errors else "")
        )
    print()
    print(
        f"floor (mean of {len(floors)} runs): {floor_rps:.1f} req/s; load average "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after, on {os.cpu_count()} CPUs"
    )
    verdicts = []
    for name in ("story", "home"):
        r = next(r for r in results if r.name == name)
        ratio = r.requests_per_s / floor_rps
        ok = ratio >= TARGET_RATIO and r.p99_ms < TARGET_P99_MS and not r.errors
        verdicts.append(ok)
        print(
            f"{name}: {ratio:.2f}x floor (target >= {TARGET_RATIO}), p99 {r.p99_ms:.1f} ms "
            f"(target < {TARGET_P99_MS:g}): {'PASS' if ok else 'FAIL'}"
        )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(
            json.dumps(
                {
                    "settings": {k: v for k, v in vars(args).items() if k not in ("out", "wrk")},
                    "floor_requests_per_s": floor_rps,
                    "load_average": [load_before[0], load_after[0]],
                    "results": [asdict(r) for r in results],
                    "pass": all(verdicts),
                },
                indent=2,
                default=str,
            ),
            encoding="utf-8",
        )
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())

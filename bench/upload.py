"""Upload benchmark: how fast, and in how little memory, a large file streams into each store.

Generates a file of ``--size-mb`` MiB of random bytes, then puts it through
``LocalMediaStore.put`` and ``S3MediaStore.put`` (against moto's S3 server, started on
loopback in its own process), next to a plain file copy with fsync, which is the floor both are
compared with. boto3's own managed transfer (``upload_fileobj``) is measured too, as the
reference our S3 ``put`` was designed against.

Each measurement runs in a fresh child process, so its peak memory is its own: the tracemalloc
peak (Python allocations during the upload) and the growth of ru_maxrss (the process's
resident high-water mark) over what it had after imports.

    python bench/upload.py [--size-mb 200] [--dir /path/on/the/disk/to/test]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MiB = 1024 * 1024
MODES = ("copy", "local", "s3", "s3-boto3-transfer")
LABELS = {
    "copy": "file copy + fsync (floor)",
    "local": "LocalMediaStore.put",
    "s3": "S3MediaStore.put (moto, {parts_in_flight} in flight)",
    "s3-boto3-transfer": "boto3 upload_fileobj (reference)",
}


def max_rss_bytes() -> int:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024  # Linux reports KiB


def generate(path: Path, size_mb: int) -> None:
    rng = random.Random(2024)
    with open(path, "wb") as out:
        for _ in range(size_mb):
            out.write(rng.randbytes(MiB))


# --- one measurement (child process) --------------------------------------------------------------


def measure(
    mode: str,
    source: Path,
    dest: Path,
    endpoint: str | None,
    bucket: str | None,
    parts_in_flight: int,
) -> dict:
    import boto3  # noqa: F401 - imported before the baseline so it is not counted

    from content.media.store import CHUNK_SIZE, LocalMediaStore, S3MediaStore, new_key
    from tests.support.s3 import make_client

    store = client = None
    if mode == "local":
        store = LocalMediaStore(dest)
    elif mode == "s3":
        store = S3MediaStore(
            bucket, region="us-east-1", endpoint_url=endpoint, parts_in_flight=parts_in_flight
        )
    elif mode == "s3-boto3-transfer":
        client = make_client(endpoint)
    key = new_key("bench")

    baseline_rss = max_rss_bytes()
    tracemalloc.start()
    started = time.perf_counter()
    with open(source, "rb") as stream:
        if mode == "copy":
            target = dest / "copy.bin"
            with open(target, "wb") as out:
                shutil.copyfileobj(stream, out, CHUNK_SIZE)
                out.flush()
                os.fsync(out.fileno())
            size = target.stat().st_size
        elif mode == "s3-boto3-transfer":
            client.upload_fileobj(stream, bucket, key, ExtraArgs={"ContentType": "video/mp4"})
            size = client.head_object(Bucket=bucket, Key=key)["ContentLength"]
        else:
            size = store.put(key, stream, "video/mp4").size
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_growth = max_rss_bytes() - baseline_rss

    if size != source.stat().st_size:
        raise SystemExit(f"{mode}: stored {size} bytes, expected {source.stat().st_size}")
    # Free moto's memory for the next round (outside the measurement).
    if store is not None:
        store.delete(key)
    elif client is not None:
        client.delete_object(Bucket=bucket, Key=key)
    return {
        "mode": mode,
        "seconds": elapsed,
        "bytes": size,
        "tracemalloc_peak": peak,
        "rss_growth": rss_growth,
        "baseline_rss": baseline_rss,
        "parts_in_flight": parts_in_flight,
    }


# --- orchestration (parent process) ---------------------------------------------------------------


def run_child(
    mode: str, source: Path, workdir: Path, endpoint: str, bucket: str, parts_in_flight: int
) -> dict:
    dest = workdir / f"dest-{mode}"
    dest.mkdir()
    try:
        completed = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                mode,
                "--file",
                str(source),
                "--dest",
                str(dest),
                "--endpoint",
                endpoint,
                "--bucket",
                bucket,
                "--parts-in-flight",
                str(parts_in_flight),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"{mode} failed:\n{exc.stderr}") from exc
    finally:
        shutil.rmtree(dest, ignore_errors=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def summarise(runs: list[dict]) -> list[dict]:
    """Per mode: the median time of its runs, and the largest memory figures seen."""
    summary = []
    for mode in MODES:
        mine = sorted((r for r in runs if r["mode"] == mode), key=lambda r: r["seconds"])
        median = mine[len(mine) // 2]
        summary.append(
            {
                **median,
                "runs": len(mine),
                "tracemalloc_peak": max(r["tracemalloc_peak"] for r in mine),
                "rss_growth": max(r["rss_growth"] for r in mine),
            }
        )
    return summary


def report(size_mb: int, results: list[dict]) -> None:
    floor = next(r for r in results if r["mode"] == "copy")
    print(
        f"\nUpload of {size_mb} MiB, median of {floor['runs']} runs ({sys.platform}, "
        f"Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs)\n"
    )
    header = f"{'':36} {'time s':>8} {'MiB/s':>8} {'x copy':>7} {'tracemalloc':>12} {'RSS +':>9}"
    print(header)
    print("-" * len(header))
    for r in results:
        rate = r["bytes"] / MiB / r["seconds"]
        print(
            f"{LABELS[r['mode']].format(**r):36} {r['seconds']:8.2f} {rate:8.1f} "
            f"{r['seconds'] / floor['seconds']:6.2f}x "
            f"{r['tracemalloc_peak'] / MiB:9.1f} MiB {r['rss_growth'] / MiB:5.1f} MiB"
        )
    notes = (
        "",
        "Runs alternate between modes. x copy: time relative to the plain copy.",
        "tracemalloc: peak Python allocations during the upload (largest over the runs).",
        "RSS +: growth of the process's peak resident memory over its level after imports.",
        "moto runs in its own process on the same machine and keeps objects in memory: its",
        "work is in the S3 times, not in these memory figures.",
    )
    print("\n".join(notes))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=200, help="file size in MiB")
    parser.add_argument("--repeat", type=int, default=3, help="runs per mode (median kept)")
    parser.add_argument("--dir", type=Path, default=None, help="where to write (default: tmp)")
    parser.add_argument(
        "--parts-in-flight", type=int, default=1, help="S3MediaStore parts_in_flight (default 1)"
    )
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--dest", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--endpoint", help=argparse.SUPPRESS)
    parser.add_argument("--bucket", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        result = measure(
            args.child, args.file, args.dest, args.endpoint, args.bucket, args.parts_in_flight
        )
        print(json.dumps(result))
        return

    from tests.support.s3 import TEST_ENVIRONMENT, make_client, run_moto_server

    # Dummy credentials for moto, inherited by the children; never a real account.
    os.environ.update(TEST_ENVIRONMENT)
    os.environ["NO_PROXY"] = ",".join(filter(None, [os.environ.get("NO_PROXY"), "127.0.0.1"]))
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="hub-bench-") as workdir_name:
        workdir = Path(workdir_name)
        source = workdir / "source.bin"
        print(f"generating {args.size_mb} MiB in {source} ...", flush=True)
        generate(source, args.size_mb)
        with run_moto_server() as endpoint:
            bucket = f"bench-{uuid.uuid4().hex[:12]}"
            make_client(endpoint).create_bucket(Bucket=bucket)
            runs = []
            for round_number in range(1, args.repeat + 1):
                for mode in MODES:
                    label = LABELS[mode].format(parts_in_flight=args.parts_in_flight)
                    print(f"round {round_number}: {label} ...", flush=True)
                    runs.append(
                        run_child(mode, source, workdir, endpoint, bucket, args.parts_in_flight)
                    )
    report(args.size_mb, summarise(runs))


if __name__ == "__main__":
    main()

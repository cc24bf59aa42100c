"""The time-bounded render worker: one long-lived child process and its protocol.

Why a time bound: some of Python-Markdown's inline patterns are quadratic or worse on
hostile input (20,000 unmatched ``[`` take about 40 s), and deep nesting exhausts the
recursion limit. Rendering therefore runs in one long-lived child process (a plain
``subprocess``, not ``multiprocessing``: no re-import of ``__main__`` and nothing for a
forking server such as gunicorn to inherit and kill). A render that overruns its timeout
kills the child, the next call starts a new one, and the body is refused as
``InvalidInput("body", "too_complex")``. Calls from several threads are serialised on the
one child.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from content.errors import InvalidInput
from content.rendering.pipeline import _new_markdown, _render_unbounded

_WORKER_START_TIMEOUT_SECONDS = 30.0

# -- the child process -------------------------------------------------------------------
# Frames: parent -> child: 4-byte length + UTF-8 Markdown. Child -> parent: 1-byte status
# (r ready, o ok, c too complex, e error) + 4-byte length + UTF-8 payload.


def _write_frame(out, status: bytes, payload: str = "") -> None:
    data = payload.encode("utf-8")
    out.write(status + len(data).to_bytes(4, "big") + data)
    out.flush()


def _serve() -> None:
    """Child process main loop: render what arrives on stdin until stdin closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent to handle
    # Keep the protocol channel to ourselves: a stray print() must not corrupt a frame.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    source = sys.stdin.buffer
    md = _new_markdown()
    _write_frame(out, b"r")
    while True:
        header = source.read(4)
        if len(header) < 4:
            return
        text = source.read(int.from_bytes(header, "big")).decode("utf-8")
        try:
            _write_frame(out, b"o", _render_unbounded(md, text))
        except (RecursionError, MemoryError):
            md = _new_markdown()  # it was abandoned mid-document
            _write_frame(out, b"c")
        except Exception as exc:  # reported to the parent, which raises it there
            md = _new_markdown()
            _write_frame(out, b"e", repr(exc))


_CHILD_CODE = (
    "import json, sys; sys.path[:] = json.loads(sys.argv[1]); "
    "import content.rendering.worker as w; w._serve()"
)


class _Overrun(Exception):
    pass


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class _RenderWorker:
    """The parent's handle on the child: start on demand, kill on overrun, never share."""

    def __init__(self):
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._inherited: list[subprocess.Popen] = []

    def render(self, data: bytes, timeout: float) -> str:
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._start()
            process = self._process
            deadline = time.monotonic() + timeout
            try:
                _write_all(process.stdin.fileno(), len(data).to_bytes(4, "big") + data)
                status, payload = self._read_frame(deadline)
            except (_Overrun, EOFError, OSError):
                # Over time, or the child died (e.g. its C stack): either way it is gone.
                self._stop()
                raise InvalidInput("body", "too_complex") from None
        if status == b"o":
            return payload
        if status == b"c":
            raise InvalidInput("body", "too_complex")
        raise RuntimeError(f"markdown rendering failed: {payload}")

    def _start(self) -> None:
        self._stop()
        # -I keeps PYTHON* variables and the current directory out of the child; it gets
        # this process's import path instead, so it finds the same packages.
        path = [*sys.path, str(Path(__file__).resolve().parents[2])]
        # S603: the command is our own interpreter running this module, no user input.
        self._process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-I", "-c", _CHILD_CODE, json.dumps(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )
        try:
            status, _ = self._read_frame(time.monotonic() + _WORKER_START_TIMEOUT_SECONDS)
        except (_Overrun, EOFError, OSError) as exc:
            self._stop()
            raise RuntimeError("markdown render worker did not start") from exc
        if status != b"r":
            self._stop()
            raise RuntimeError("markdown render worker spoke out of turn")

    def _read_exact(self, size: int, deadline: float) -> bytes:
        fd = self._process.stdout.fileno()
        buf = bytearray()
        while len(buf) < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise _Overrun
            chunk = os.read(fd, size - len(buf))
            if not chunk:
                raise EOFError("render worker exited")
            buf += chunk
        return bytes(buf)

    def _read_frame(self, deadline: float) -> tuple[bytes, str]:
        head = self._read_exact(5, deadline)
        payload = self._read_exact(int.from_bytes(head[1:], "big"), deadline)
        return head[:1], payload.decode("utf-8")

    def _stop(self, grace: float = 0.0) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.stdin.close()  # end of input: an idle child exits by itself
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()

    def close(self) -> None:
        """Stop the child; registered to run at interpreter exit."""
        with self._lock:
            self._stop(grace=2.0)

    def forget_after_fork(self) -> None:
        # In a forked child (gunicorn workers after --preload) the child process belongs to
        # the parent. Close our copies of its pipes so it still sees end of input when the
        # parent exits, keep the Popen so its finaliser never runs here, and start afresh.
        self._lock = threading.Lock()
        if self._process is not None:
            self._process.stdin.close()
            self._process.stdout.close()
            self._inherited.append(self._process)
            self._process = None


_WORKER = _RenderWorker()
atexit.register(_WORKER.close)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_WORKER.forget_after_fork)

"""Parse a batch in worker processes, with a time limit per file.

The calling process stays the only one that opens the warehouse: each worker parses one
file at a time and sends back what `api.parse_file` returns (a Notice, or the error line).
A worker that overruns the time limit is killed and replaced and its file reported; a
worker that dies (a crash inside a C library) is replaced likewise. Results are yielded in
input order, so the log and the printed lines are the same as in a one-process run.

Workers never re-run the caller's `__main__`: multiprocessing's spawn and forkserver
children import the parent's main script (as `__mp_main__`) unless it is guarded, which
re-runs an unguarded script's `ingest()` in every worker, and fails outright for `python -`
(`<stdin>` is no file) and in Jupyter. A worker needs nothing from `__main__` (its target
and arguments live in this package), so each is started with the main module hidden.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
import time
import types
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from pathlib import Path

from parsers.errors import InputError
from pipeline import api

# How far parsing may run ahead of the oldest file not yet written, per worker: bounds the
# parsed notices held in memory while one slow file holds up the in-order writes.
AHEAD = 64
# Imported once by the fork server, so every worker it forks starts with spaCy loaded.
PRELOAD = ["pipeline.api", "parsers.structure"]


def parse_all(files: list[Path], options: api.Options, jobs: int) -> Iterator[api.Parsed]:
    ctx = _context()
    workers = [_Worker(ctx, options) for _ in range(max(1, min(jobs, len(files))))]
    todo = deque(enumerate(files))
    done: dict[int, api.Parsed] = {}
    next_out = 0
    try:
        while next_out < len(files):
            for w in workers:
                if w.job is None and todo and todo[0][0] < next_out + AHEAD * len(workers):
                    w.send(*todo.popleft())
            busy = [w for w in workers if w.job is not None]
            ready = wait([w.conn for w in busy], timeout=_next_deadline(busy, options))
            now = time.monotonic()
            for i, w in enumerate(workers):
                if w.job is None:
                    continue
                index, path, started = w.job
                if w.conn in ready:
                    parsed = w.receive()
                    if parsed is None:  # the worker died mid-file
                        code = w.stop()
                        workers[i] = _Worker(ctx, options)
                        parsed = _died(path, code, now - started, options)
                    done[index] = parsed
                elif options.timeout and now - started >= options.timeout:
                    w.stop()
                    workers[i] = _Worker(ctx, options)
                    line = api.overtime_line(path, options)
                    done[index] = api.Parsed(
                        api.path_text(path),
                        None,
                        api.file_sha256(path, options),
                        line,
                        now - started,
                    )
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
    finally:
        for w in workers:
            w.stop()


def _next_deadline(busy: list[_Worker], options: api.Options) -> float | None:
    if not options.timeout:
        return None
    now = time.monotonic()
    return max(0.0, min(w.job[2] + options.timeout - now for w in busy if w.job))


def _died(path: Path, code: int | None, seconds: float, options: api.Options) -> api.Parsed:
    how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
    line = InputError(
        f"the parser process died on this file ({how})",
        "the file is probably malformed; open and re-save it, or report it",
    ).line(api.path_text(path))
    return api.Parsed(api.path_text(path), None, api.file_sha256(path, options), line, seconds)


def _context() -> BaseContext:
    """A fork server where there is one (Unix): forking from a process that holds a DuckDB
    connection (and its threads) is unsafe, and spawning re-imports spaCy per worker."""
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return mp.get_context("spawn")


class _Worker:
    def __init__(self, ctx: BaseContext, options: api.Options) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_serve, args=(child, options), daemon=True, name="fengong-parser"
        )
        with _main_hidden():
            self.process.start()
        child.close()
        self.job: tuple[int, Path, float] | None = None  # input index, file, start time

    def send(self, index: int, path: Path) -> None:
        self.conn.send(str(path))
        self.job = (index, path, time.monotonic())

    def receive(self) -> api.Parsed | None:
        try:
            parsed: api.Parsed = self.conn.recv()
        except (EOFError, OSError):
            return None
        self.job = None
        return parsed

    def stop(self) -> int | None:
        """Kill the worker (SIGKILL: it may be stuck in C code) and reap it."""
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        return self.process.exitcode


@contextmanager
def _main_hidden() -> Iterator[None]:
    """While a worker starts, `__main__` is an empty module, so the child's preparation
    carries no main script or module to import (multiprocessing.spawn.get_preparation_data
    reads `__main__.__spec__` and `__file__`)."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _serve(conn: Connection, options: api.Options) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the writer's to handle
    # The writer is the bottleneck of a text/HTML batch: parsing ahead must not take its core.
    os.nice(10)
    options.timeout = None  # the parent enforces the limit, and kills
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return  # the writer is gone
        conn.send(api.parse_file(Path(path), options))

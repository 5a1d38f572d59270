"""Parse a batch in worker processes, with a time limit per file.

The calling process stays the only one that opens the warehouse: each worker parses one
file at a time, with a few more queued (QUEUED), and sends back what `parsing.parse_file`
returns (a notice, as its rows: warehouse/rows.py; or the error line). A thread of the
calling process (_Scheduler) sends the files and takes what comes back, so the workers go on
while the writer stores.
A worker that overruns the time limit is killed and replaced and its file reported; a
worker that dies (a crash inside a C library) is replaced likewise. A worker first says it
has read its file (the file's sha256), so the log names a file given up on without the
writer reading it again. Each parse runs under the memory limit (pipeline/memory.py).
Results are yielded in input order, so the log and the printed lines are the same as in a
one-process run.

Workers never re-run the caller's `__main__`: multiprocessing's spawn and forkserver
children import the parent's main script (as `__mp_main__`) unless it is guarded, which
re-runs an unguarded script's `ingest()` in every worker, and fails outright for `python -`
(`<stdin>` is no file) and in Jupyter. A worker needs nothing from `__main__` (its target
and arguments live in this package), so each is started with the main module hidden.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
import types
from collections import deque
from collections.abc import Callable, Generator, Iterator
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkServerContext, SpawnContext
from pathlib import Path

from parsers import READERS
from parsers.errors import InputError
from pipeline import parsing  # one file's parse; never pipeline.api, which imports this module

# How far parsing may run ahead of the oldest file not yet written, per worker: bounds the
# parsed notices held in memory while one slow file holds up the in-order writes.
AHEAD = 64
# Files a worker holds queued behind the one it parses: one that finishes a file starts the
# next at once instead of waiting for the writer, which may be staging a notice or
# committing a group (~80 ms) before it sends another. A worker killed on a file hands its
# queue back, to be sent again.
QUEUED = 4
_READ = object()  # what receive() returns for a worker's "file read" message
# Imported once by the fork server, so every worker it forks starts with spaCy and the readers
# loaded (and its memory limit counts what a file takes, not the libraries).
PRELOAD = ["pipeline.parsing", "parsers.structure", "warehouse.rows", *READERS.values()]


# How often `idle` is called while no worker has a result (the writer's group commit by time).
IDLE_TICK = 0.25


def parse_all(
    files: list[Path],
    options: parsing.Options,
    jobs: int,
    idle: Callable[[], None] | None = None,
) -> Generator[parsing.Parsed, None, None]:
    """Each file's Parsed, in input order; `idle()` is called at least every IDLE_TICK
    seconds while waiting (the writer commits a group that has waited long enough).

    The workers are fed and drained by a thread of this process (_Scheduler), not by this
    generator: while the writer stages a notice or commits a group, its workers go on
    parsing instead of waiting, each on its pipe, for the writer to take its last notice."""
    scheduler = _Scheduler(files, options, jobs)
    try:
        for index in range(len(files)):
            while (parsed := scheduler.take(index, IDLE_TICK if idle else None)) is None:
                if idle is not None:
                    idle()
            yield parsed
    finally:
        scheduler.close()


class _Scheduler(threading.Thread):
    """The thread that sends files to the workers, takes their results into `done`, and
    kills and replaces a worker past the time limit or dead; parse_all takes the results in
    input order. Parsing runs at most AHEAD files a worker past the oldest not yet taken."""

    def __init__(self, files: list[Path], options: parsing.Options, jobs: int) -> None:
        super().__init__(name="fengong-scheduler", daemon=True)
        self.ctx = _context()
        self.options = options
        self.workers = [_Worker(self.ctx, options) for _ in range(max(1, min(jobs, len(files))))]
        self.todo = deque(enumerate(files))
        self.done: dict[int, parsing.Parsed] = {}
        self.taken = 0  # results taken by parse_all: the window of parsing ahead starts here
        self.ready = threading.Condition()
        self.failure: BaseException | None = None
        # parse_all wakes the thread when it takes a result (the window moves) or closes
        self.wake_reader, self.wake_writer = os.pipe()
        os.set_blocking(self.wake_writer, False)  # a full pipe already says "wake up"
        self.closing = False
        self.start()

    def take(self, index: int, timeout: float | None) -> parsing.Parsed | None:
        """File `index`'s Parsed, or None after `timeout` seconds without it. Raises what
        stopped the thread once the files parsed before it are taken."""
        with self.ready:
            if index not in self.done and self.failure is None:
                self.ready.wait(timeout)
            parsed = self.done.pop(index, None)
            if parsed is None and self.failure is not None:  # what was parsed before it, first
                raise self.failure
            if parsed is not None:
                self.taken = index + 1
        if parsed is not None:
            self._wake()
        return parsed

    def close(self) -> None:
        """Stop the thread and the workers (at the end, or when the writer stops early)."""
        self.closing = True
        self._wake()
        self.join()
        os.close(self.wake_reader)
        os.close(self.wake_writer)

    def _wake(self) -> None:
        with contextlib.suppress(BlockingIOError):
            os.write(self.wake_writer, b"w")

    def run(self) -> None:
        try:
            while not self.closing and (self.todo or any(w.jobs for w in self.workers)):
                self._step()
        except BaseException as exc:  # handed to parse_all, which raises it in the writer
            with self.ready:
                self.failure = exc
                self.ready.notify()
        finally:
            for w in self.workers:
                w.stop()

    def _step(self) -> None:
        """Send what the window allows, wait for a message, a deadline or a wake-up, and take
        what came."""
        workers, options = self.workers, self.options
        for w in workers:
            while (
                len(w.jobs) <= QUEUED
                and self.todo
                and self.todo[0][0] < self.taken + AHEAD * len(workers)
            ):
                w.send(*self.todo.popleft())
        busy = [w for w in workers if w.jobs]
        ready = wait([w.conn for w in busy] + [self.wake_reader], _next_deadline(busy, options))
        if self.wake_reader in ready:
            os.read(self.wake_reader, 4096)
        for i, w in enumerate(workers):
            if not w.jobs:
                continue
            if w.conn in ready:
                while w.jobs and w.conn.poll():
                    message = w.receive()
                    if message is _READ:  # the worker has read its file: the parse starts
                        continue
                    if message is None:  # the worker died mid-file
                        (index, path, started), rest = w.jobs[0], list(w.jobs)[1:]
                        code = w.stop()
                        seconds = time.monotonic() - started
                        self._put(index, _died(path, w.sha256, code, seconds, options))
                        self.todo.extendleft((j, p) for j, p, _ in reversed(rest))
                        workers[i] = _Worker(self.ctx, options)
                        break
                    assert isinstance(message, tuple)
                    self._put(*message)
                continue
            index, path, started = w.jobs[0]
            now = time.monotonic()
            if options.timeout and now - started >= options.timeout:
                rest = list(w.jobs)[1:]
                w.stop()
                line = parsing.overtime_line(path, options)
                # the file's hash as the worker read it: never read again here (a FIFO
                # would block the writer, holding the warehouse's lock)
                self._put(
                    index,
                    parsing.Parsed(parsing.path_text(path), None, w.sha256, line, now - started),
                )
                self.todo.extendleft((j, p) for j, p, _ in reversed(rest))
                workers[i] = _Worker(self.ctx, options)

    def _put(self, index: int, parsed: parsing.Parsed) -> None:
        with self.ready:
            self.done[index] = parsed
            if index == self.taken:
                self.ready.notify()


def start_server() -> None:
    """Start the fork server now, without waiting for it: it spends ~0.4 s importing the
    parsers and the readers (PRELOAD), which the writer spends opening its warehouse when it
    calls this first, instead of one after the other. Where there is no fork server, nothing.

    The server starts with SIGINT blocked: a Ctrl-C at a terminal reaches the whole process
    group, and the server ignores it only once its preload is done (multiprocessing's
    forkserver.main), so one during the preload printed its traceback. The writer's own
    Ctrl-C, blocked for the spawn, is delivered when it ends. (The resource tracker starts
    first: starting, it unblocks SIGINT in the thread that starts it.)"""
    ctx = _context()
    if isinstance(ctx, ForkServerContext):
        from multiprocessing import forkserver, resource_tracker

        resource_tracker.ensure_running()
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            with _main_hidden():  # the server, like a worker, never imports the caller's script
                forkserver.ensure_running()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _next_deadline(busy: list[_Worker], options: parsing.Options) -> float | None:
    """Seconds until the first busy worker's file is past the time limit; None with no limit
    or no busy worker (all idle while the writer is a window behind)."""
    if not options.timeout or not busy:
        return None
    now = time.monotonic()
    return max(0.0, min(w.jobs[0][2] + options.timeout - now for w in busy if w.jobs))


def _died(
    path: Path, sha256: str | None, code: int | None, seconds: float, options: parsing.Options
) -> parsing.Parsed:
    how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
    if options.max_memory:  # a library that cannot allocate aborts rather than raising
        limit = options.max_memory // 2**20
        reason = f"the parser process died on this file ({how}), most likely past its {limit} MiB"
        hint = "raise --max-memory-mb if it really is one notice, else the file is malformed"
    else:
        reason = f"the parser process died on this file ({how})"
        hint = "the file is probably malformed; open and re-save it, or report it"
    line = InputError(reason, hint).line(parsing.path_text(path))
    return parsing.Parsed(parsing.path_text(path), None, sha256, line, seconds)


def _context() -> ForkServerContext | SpawnContext:
    """A fork server where there is one (Unix): forking from a process that holds a DuckDB
    connection (and its threads) is unsafe, and spawning re-imports spaCy per worker."""
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return mp.get_context("spawn")


class _Worker:
    def __init__(self, ctx: ForkServerContext | SpawnContext, options: parsing.Options) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_serve, args=(child, options), daemon=True, name="fengong-parser"
        )
        with _main_hidden():
            self.process.start()
        child.close()
        # files sent, in the order the worker parses them: (input index, file, when its parse
        # started — for those behind the first, when they were sent)
        self.jobs: deque[tuple[int, Path, float]] = deque()
        self.sha256: str | None = None  # of the first job's file, once the worker has read it

    def send(self, index: int, path: Path) -> None:
        self.conn.send(str(path))
        self.jobs.append((index, path, time.monotonic()))

    def receive(self) -> tuple[int, parsing.Parsed] | object | None:
        """(input index, Parsed) of the first job; _READ when the worker only said it has
        read that file (its sha256, kept here); None when the worker died."""
        try:
            message: parsing.Parsed | str = self.conn.recv()
        except (EOFError, OSError):
            return None
        now = time.monotonic()
        index, path, _ = self.jobs[0]
        if isinstance(message, str):
            self.sha256 = message
            self.jobs[0] = (index, path, now)
            return _READ
        self.jobs.popleft()
        self.sha256 = None
        if self.jobs:  # the next file's parse starts now (its clock ran from its sending)
            following, after, _ = self.jobs[0]
            self.jobs[0] = (following, after, now)
        return index, message

    def stop(self) -> int | None:
        """Kill the worker (SIGKILL: it may be stuck in C code) and reap it."""
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        code: int | None = self.process.exitcode
        return code


@contextlib.contextmanager
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


def _exit_with_the_writer() -> None:
    """End this worker as soon as the writer is gone, even killed (SIGKILL, the OOM killer),
    rather than when its parse ends: the writer enforces the time limit, so a worker left
    alone in a slow file parsed on for minutes, and kept the fork server alive. A thread
    waits for the end of the pipe the writer started this process through
    (multiprocessing.parent_process().sentinel: readable once the writer has exited)."""
    writer = mp.parent_process()
    if writer is None:
        return
    sentinel = writer.sentinel

    def watch() -> None:
        wait([sentinel])
        os._exit(1)  # nothing to clean up: the writer that would take our result is gone

    threading.Thread(target=watch, name="fengong-writer-watch", daemon=True).start()


def _serve(conn: Connection, options: parsing.Options) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the writer's to handle
    # A worker speaks through its pipe only: what libraries print (a logged warning, the
    # backtrace of an allocator that gave up) must not break the writer's one line per file.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    # The writer goes first: a notice it has not stored waits in memory, and what it has not
    # stored when the last file is parsed is left to do with one core idle.
    os.nice(10)
    options.timeout = None  # the parent enforces the limit, and kills
    _exit_with_the_writer()
    parsing.warm_up(options)
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return  # the writer is gone
        conn.send(_for_writer(parsing.parse_file(Path(path), options, on_read=conn.send)))


def _for_writer(parsed: parsing.Parsed) -> parsing.Parsed:
    """The parse as the writer takes it: the notice's rows built here (warehouse/rows.py), on
    a core the writer does not need, and sent instead of the model. Rows that cannot be
    built leave the model to the writer, which builds them again and reports the failure
    as it reports any notice it cannot store."""
    from warehouse.rows import NoticeRows

    if parsed.notice is None:
        return parsed
    try:
        rows = NoticeRows.of(parsed.notice, as_json=True)
    except Exception:
        return parsed
    return dataclasses.replace(parsed, notice=None, rows=rows)

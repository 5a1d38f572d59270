"""Batches: worker processes parse, one writer stores; a file over the time limit is stopped
and reported while the batch goes on."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import duckdb
import pytest

from bench.variants import write
from pipeline import Options, ingest
from pipeline.api import WORKERS_FROM, worker_count
from tests.conftest import FENGONG, SEED


def slow_notice(path: Path, tasks: int = 30_000) -> Path:
    """A real-looking notice with tens of thousands of tasks under one subsection: a few MB
    that the structure stage needs minutes for (far more than any limit below)."""
    head = (
        "关于印发某区2021年政务公开工作要点分工方案的通知\n各单位：\n现印发给你们。\n"
        "某区2021年政务公开工作要点分工方案\n一、总体要求\n（一）做好公开\n"
    )
    body = "".join(f"1.做好第{i}项工作。\n区政数局负责。\n" for i in range(tasks))
    path.write_text(head + body, encoding="utf-8")
    return path


def rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            "notices": con.execute(
                "select notice_id, title, region, year, sha256 from v_notices order by 1"
            ).fetchall(),
            "tasks": con.execute(
                "select notice_id, task_id, task_key, section_key, text, deadline, clause_id "
                "from v_tasks order by 1, 3"
            ).fetchall(),
            "assignments": con.execute(
                "select notice_id, task_key, org, role, inherited from v_assignments order by all"
            ).fetchall(),
            "log": con.execute(
                "select file, sha256, notice_id, status, error from v_ingest_log order by file"
            ).fetchall(),
        }
    finally:
        con.close()


def test_workers_store_exactly_what_one_process_stores(tmp_path: Path) -> None:
    files = write(tmp_path / "batch", 14)
    bad = tmp_path / "batch" / "00010-bad.txt"
    bad.write_bytes(b"\x00\xff" * 100)
    dup = tmp_path / "batch" / "00020-dup.txt"
    shutil.copy(SEED, dup)
    assert worker_count(16, Options(jobs=2)) == 2 and worker_count(3, Options(jobs=2)) == 0

    one = ingest([tmp_path / "batch"], db=tmp_path / "one.duckdb", options=Options(jobs=0))
    two = ingest([tmp_path / "batch"], db=tmp_path / "two.duckdb", options=Options(jobs=2))

    summary = [(r.path, r.status, r.notice_id, r.tasks, r.assignments) for r in two.results]
    assert summary == [(r.path, r.status, r.notice_id, r.tasks, r.assignments) for r in one.results]
    assert [r.path for r in two.results] == sorted(str(f) for f in [*files, bad, dup])
    assert [r.path for r in two.failed] == [str(bad)]
    assert two.count("ingested") == 15
    assert rows(tmp_path / "one.duckdb") == rows(tmp_path / "two.duckdb")


@pytest.mark.parametrize("jobs", [2, 0], ids=["workers", "in-process"])
def test_a_file_over_the_time_limit_is_stopped_and_the_batch_goes_on(
    tmp_path: Path, jobs: int
) -> None:
    folder = tmp_path / "batch"
    count = WORKERS_FROM if jobs else 2  # enough files for workers, or few enough for none
    write(folder, count)
    slow = slow_notice(folder / "00000-slow.txt")
    report = ingest([folder], db=tmp_path / "w.duckdb", options=Options(timeout=3, jobs=jobs))
    assert worker_count(count + 1, Options(jobs=jobs)) == jobs
    assert [r.path for r in report.failed] == [str(slow)]
    assert report.failed[0].error == (
        f"{slow}: parsing took longer than 3 s and was stopped "
        "(raise --timeout if the file is really that slow)"
    )
    assert report.count("ingested") == count  # every other file, after the slow one
    log = rows(tmp_path / "w.duckdb")["log"]
    file, sha, _, status, _ = log[0]
    assert (Path(file).name, status) == ("00000-slow.txt", "failed")
    assert sha is not None  # the refused file's hash is logged


def parser_workers() -> list[int]:
    """The pids of the workers this process's fork server started (its children; not the
    grandchildren other tests in this process may have left, such as an office suite's)."""

    def parent(pid: int) -> int:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return int(stat.rsplit(")", 1)[1].split()[1])

    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                pids.append((int(entry.name), parent(int(entry.name))))
            except (OSError, ValueError, IndexError):
                continue  # gone meanwhile
    servers = {
        pid
        for pid, ppid in pids
        if ppid == os.getpid() and b"forkserver" in Path(f"/proc/{pid}/cmdline").read_bytes()
    }
    return [pid for pid, ppid in pids if ppid in servers]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds workers through /proc")
def test_a_worker_that_dies_hands_back_the_files_queued_behind_its_own(tmp_path: Path) -> None:
    """The one worker is killed (SIGKILL, as a crash in a C library ends it) while it parses
    the first file, with files queued behind it: that file is reported, the others are
    parsed by the worker that replaces it."""
    folder = tmp_path / "batch"
    write(folder, WORKERS_FROM)
    slow = slow_notice(folder / "00000-slow.txt")
    killed: list[int] = []

    def kill_the_worker() -> None:
        deadline = time.monotonic() + 120
        while not killed and time.monotonic() < deadline:
            workers = parser_workers()
            if workers:
                time.sleep(1.0)  # it has the slow file, and the others queued
                os.kill(workers[0], signal.SIGKILL)
                killed.append(workers[0])
            time.sleep(0.05)

    killer = threading.Thread(target=kill_the_worker)
    killer.start()
    report = ingest([folder], db=tmp_path / "w.duckdb", options=Options(timeout=600, jobs=1))
    killer.join()
    assert killed
    assert [r.path for r in report.failed] == [str(slow)]
    assert "the parser process died on this file (killed by signal 9)" in (
        report.failed[0].error or ""
    )
    assert report.count("ingested") == WORKERS_FROM


def test_workers_go_on_parsing_while_the_writer_holds_its_next_notice(tmp_path: Path) -> None:
    """The writer takes the first notice and then takes nothing (as while it commits a group):
    the scheduler thread goes on feeding the workers and taking what they send, so every
    file is parsed without the writer asking again; closing stops the workers."""
    from pipeline import parsing, workers

    files = write(tmp_path / "batch", WORKERS_FROM)
    scheduler = workers._Scheduler(files, parsing.Options(), jobs=2)
    try:
        first = None
        while first is None:
            first = scheduler.take(0, timeout=1.0)
        assert first.rows is not None  # the worker built the notice's rows
        deadline = time.monotonic() + 120
        while len(scheduler.done) < len(files) - 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sorted(scheduler.done) == list(range(1, len(files)))
        assert all(p.error is None for p in scheduler.done.values())
    finally:
        scheduler.close()
    assert not any(w.process.is_alive() for w in scheduler.workers)


def test_a_writer_a_window_behind_leaves_the_workers_idle_under_a_time_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a time limit, a writer that falls a whole window behind (a slow commit, as with
    --commit-every 1 into a large warehouse) leaves every worker idle: the scheduler waits
    for the writer (no deadline to keep) and goes on when it takes a notice. It once raised
    on the empty list of busy workers."""
    from pipeline import parsing, workers

    monkeypatch.setattr(workers, "AHEAD", 1)  # one file a worker past the oldest not taken
    files = write(tmp_path / "batch", WORKERS_FROM)
    scheduler = workers._Scheduler(files, parsing.Options(timeout=60), jobs=1)
    try:
        taken = []
        for index in range(len(files)):
            parsed = None
            while parsed is None:
                parsed = scheduler.take(index, timeout=1.0)
            taken.append(parsed)
            deadline = time.monotonic() + 60  # the window fills: every worker idle
            while index + 1 < len(files) and index + 1 not in scheduler.done:
                assert scheduler.failure is None and time.monotonic() < deadline
                time.sleep(0.01)
            time.sleep(0.05)
        assert all(p.error is None and p.rows is not None for p in taken)
        assert scheduler.failure is None
    finally:
        scheduler.close()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the server through /proc")
def test_a_terminal_ctrl_c_while_the_fork_server_loads_the_parsers_prints_no_traceback(
    tmp_path: Path,
) -> None:
    """Ctrl-C at a terminal signals the whole process group, the fork server too, which may
    still be importing the parsers (its first ~0.4 s): the batch stops with one line, no
    traceback from any process, and leaves no process behind."""
    files = write(tmp_path / "batch", WORKERS_FROM)
    proc = subprocess.Popen(
        [*FENGONG, "ingest", str(files[0].parent), "--db", str(tmp_path / "w.duckdb")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # SIGINT as a terminal leaves it, even where the tests run with it ignored (a
        # background job): ignored, Python would never turn it into KeyboardInterrupt
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    server = None
    while server is None and time.monotonic() < deadline and proc.poll() is None:
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and b"forkserver" in (entry / "cmdline").read_bytes():
                    stat = (entry / "stat").read_text()
                    if int(stat.rsplit(")", 1)[1].split()[1]) == proc.pid:
                        server = int(entry.name)
            except OSError:
                continue
        time.sleep(0.005)
    assert server is not None, "the fork server never started"
    os.killpg(proc.pid, signal.SIGINT)  # as the terminal does
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "stopped by Ctrl-C" in err and "Traceback" not in err, err
    time.sleep(0.5)
    assert not Path(f"/proc/{server}").exists() or b"Z" in Path(f"/proc/{server}/stat").read_bytes()


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (through /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit():
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
    return out


def running(pid: int) -> bool:
    """The process is there and not a zombie (through /proc)."""
    try:
        return b") Z " not in Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False


def ingest_in_a_slow_file(tmp_path: Path) -> tuple[subprocess.Popen[str], list[int]]:
    """`fengong ingest` as a real process, of a batch whose one worker (`--jobs 1`) is deep
    in a slow file by the time this returns: the process, and the processes it started (the
    fork server, the resource tracker, the worker)."""
    folder = tmp_path / "batch"
    write(folder, WORKERS_FROM)
    slow_notice(folder / "00000-slow.txt")
    args = ["ingest", str(folder), "--db", str(tmp_path / "w.duckdb"), "--jobs", "1"]
    proc = subprocess.Popen(
        [*FENGONG, *args, "--timeout", "600"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    servers: list[int] = []
    workers: list[int] = []
    deadline = time.monotonic() + 60
    while not workers and time.monotonic() < deadline:
        servers = children(proc.pid)
        workers = [w for server in servers for w in children(server)]
        time.sleep(0.05)
    assert workers, "no parser worker started"
    time.sleep(1.0)  # the worker is in the slow file
    return proc, servers + workers


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds workers through /proc")
def test_sigterm_stops_a_batch_as_ctrl_c_does_and_leaves_no_worker_parsing(
    tmp_path: Path,
) -> None:
    """`kill PID` (SIGTERM) of an ingest whose worker is deep in a slow file: one line, exit
    143, the worker killed on the way out (it was left parsing at full speed, and the
    process ended with no line)."""
    proc, started = ingest_in_a_slow_file(tmp_path)
    proc.terminate()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "stopped by SIGTERM" in err and "Traceback" not in err, err
    deadline = time.monotonic() + 30
    while any(map(running, started)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in started if running(pid)]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds workers through /proc")
def test_a_worker_ends_when_its_writer_is_killed(tmp_path: Path) -> None:
    """The writer killed outright (SIGKILL: no clean-up runs) while its worker is deep in a
    slow file: the worker ends at once, and the fork server with it, instead of parsing on
    for minutes."""
    proc, started = ingest_in_a_slow_file(tmp_path)
    proc.kill()
    proc.communicate(timeout=60)
    deadline = time.monotonic() + 30
    while any(map(running, started)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in started if running(pid)]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_the_in_process_time_limit_lands_even_when_its_first_signal_is_swallowed(
    tmp_path: Path,
) -> None:
    """The timer's signal runs its handler inside whatever Python code runs then; inside a
    garbage collector's callback (hypothesis registers one) the raise is swallowed. The
    timer fires again until it reaches the parse."""
    import gc

    folder = tmp_path / "batch"
    folder.mkdir()
    slow = slow_notice(folder / "00000-slow.txt")
    swallowed: list[str] = []

    def swallow_the_first(phase: str, info: dict[str, int]) -> None:
        # while the timer runs, the first collection waits past the limit: the signal lands
        # in this callback, and the collector swallows what it raises
        if not swallowed and phase == "start" and signal.getitimer(signal.ITIMER_REAL)[0] > 0:
            try:
                time.sleep(3.5)
            except BaseException as exc:
                swallowed.append(type(exc).__name__)
                raise

    gc.callbacks.append(swallow_the_first)
    try:
        report = ingest([folder], db=tmp_path / "w.duckdb", options=Options(timeout=3, jobs=0))
    finally:
        gc.callbacks.remove(swallow_the_first)
    assert swallowed == ["_Overtime"]  # raised in the callback, and lost there
    assert [r.path for r in report.failed] == [str(slow)]
    assert "parsing took longer than 3 s and was stopped" in (report.failed[0].error or "")

"""Hostile input, faults and misuse (issue 14, ../shared/cases/hostile.md cases 1, 4, 6, 7, 8,
12, 13, 14, 15, 16 and files that are not notices): each against a real warehouse file, each
answered in one line with a non-zero exit, leaving every stored row as it was. Cases 5 and the
versions of a notice are in test_versions.py."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from bench.variants import write
from pipeline import Options, ingest
from pipeline.api import worker_count
from pipeline.cli import main
from tests.conftest import FENGONG, SAMPLES, SEED, copy_of, fengong, snapshot
from tests.test_batch import slow_notice
from tests.test_faults import check_complete_or_absent

TEXT_SAMPLES = [SEED, *sorted((SAMPLES / "constructed").glob("*.txt"))]


def cli(*args: str) -> tuple[int, list[str]]:
    """Exit code and output lines of one fengong command run through click."""
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output.splitlines()


@pytest.fixture(scope="module")
def seeded_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("seeded") / "warehouse.duckdb"
    report = ingest([SEED, SAMPLES / "constructed" / "nansha-2021.txt"], db=db)
    assert report.count("ingested") == 2
    return db


@pytest.fixture
def seeded(seeded_once: Path, db: Path) -> Path:
    """A warehouse holding the seed and the 2021 plan of the same region (the test's own copy
    of one built once for the module)."""
    return copy_of(seeded_once, db)


# 1. query ------------------------------------------------------------------------------------
def test_query_runs_one_read_only_statement_confined_to_the_warehouse(
    seeded: Path, tmp_path: Path
) -> None:
    before = snapshot(seeded)
    scratch, copy = tmp_path / "scratch.duckdb", tmp_path / "copy.csv"
    attacks = {
        f"attach '{scratch}' as s (READ_WRITE); use s; detach warehouse; "
        f"attach '{seeded}' as w (READ_WRITE); delete from w.tasks; "
        "delete from w.notices; select 1": "query refused: 7 statements",
        f"attach '{seeded}' as w (READ_WRITE)": "query refused: ATTACH statements are not run",
        f"copy (select * from v_tasks) to '{copy}'": "query refused: COPY statements",
        "select * from read_csv('/etc/passwd')": "query refused: Permission Error: Cannot access",
        f"select * from read_text('{SEED}')": "query refused: Permission Error",
        "install httpfs": "query refused: LOAD statements",
        "load httpfs": "query refused: LOAD statements",
        "set enable_external_access = true": "query refused: SET statements",
        "pragma enable_profiling": "query refused: PRAGMA statements",
        "delete from tasks": "query refused: DELETE statements",
        "create table t as select 1": "query refused: CREATE statements",
        "checkpoint": "query refused: CALL statements",
    }  # fmt: skip
    for sql, line in attacks.items():
        code, lines = cli("query", sql, "--db", str(seeded))
        assert code == 1 and len(lines) == 1 and lines[0].startswith(f"Error: {line}"), lines
    assert snapshot(seeded) == before
    assert not scratch.exists() and not copy.exists()
    # what it is for still works: views, DESCRIBE, duckdb_* tables, EXPLAIN
    for sql in ("select count(*) from v_tasks", "describe v_tasks", "explain select 1"):
        assert cli("query", sql, "--db", str(seeded), "--format", "json")[0] == 0


# 4. a foreign DuckDB file --------------------------------------------------------------------
def test_a_duckdb_file_that_is_not_a_warehouse_is_left_alone(tmp_path: Path) -> None:
    foreign = tmp_path / "theirs.duckdb"
    con = duckdb.connect(str(foreign))
    con.execute("create table tasks (id integer, what varchar)")
    con.execute("insert into tasks values (1, 'their own')")
    con.execute("create view v_units as select what as org from tasks")
    con.close()
    before = snapshot(foreign), foreign.read_bytes()
    line = (
        f"Error: {foreign}: a DuckDB database that is not a fengong warehouse (it holds tasks, "
        "v_units); fengong leaves it alone: pass another --db"
    )
    for args in (
        ["ingest", str(SEED)],
        ["query", "select * from v_units"],
        ["export", "--format", "csv", "--out", str(tmp_path / "t.csv")],
        ["diff", "--region", "南沙区"],
        ["units"],
        ["notices"],
        ["remove", str(SEED)],
    ):
        code, lines = cli(*args, "--db", str(foreign))
        assert (code, lines) == (1, [line]), args
    assert (snapshot(foreign), foreign.read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["theirs.duckdb"]


# 6. a full disk ------------------------------------------------------------------------------
@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1.5 MiB tmpfs: room for a few dozen notices (~40 of bench.variants's, stored in
    groups). Mounting needs root (CI runs as root)."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1500k", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip() or 'not root'}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_stops_the_batch_at_the_first_storage_error(
    small_disk: Path, tmp_path: Path
) -> None:
    files = write(tmp_path / "batch", 80)
    db = small_disk / "w.duckdb"
    # a commit a notice: how many are stored before the disk fills does not hang on how the
    # groups fell (with groups of 50 the first could still be open when it filled: 0 stored)
    proc = fengong("ingest", str(tmp_path / "batch"), "--db", str(db), "-q", "--commit-every", "1")
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and proc.stdout == "", proc.stderr
    m = re.fullmatch(
        rf"Error: {re.escape(str(db))}: no space left on device: (\d+) stored, free space and "
        rf"rerun \(stopped at {re.escape(str(tmp_path / 'batch'))}/\S+, (\d+) file\(s\) not "
        r"stored\)",
        lines[0],
    )
    assert m, lines[0]
    stored, left = int(m[1]), int(m[2])
    assert 0 < stored < len(files) and stored + left == len(files)

    # moved where there is room, every notice that is there is whole, and they are N
    room = tmp_path / "room"
    room.mkdir()
    for part in small_disk.iterdir():
        shutil.copy(part, room / part.name)
    # the reference: a clean ingest of the files whose notices are there (each notice's rows
    # hang on its own file alone)
    con = duckdb.connect(str(room / "w.duckdb"), read_only=True)
    try:
        there = [Path(p) for (p,) in con.execute("select path from v_versions").fetchall()]
    finally:
        con.close()
    assert len(there) == stored
    reference = tmp_path / "reference.duckdb"
    assert ingest(there, db=reference).count("ingested") == stored
    assert check_complete_or_absent(room / "w.duckdb", reference) == stored
    # and the rerun, with room, completes the batch
    report = ingest([tmp_path / "batch"], db=room / "w.duckdb")
    assert report.count("ingested") == left and report.count("unchanged") == stored


# 7. a newer warehouse ------------------------------------------------------------------------
def test_a_warehouse_of_a_newer_fengong_is_refused_for_writing_and_read_as_it_is(
    seeded: Path, tmp_path: Path
) -> None:
    con = duckdb.connect(str(seeded))
    con.execute("alter table notices add column future varchar")
    con.execute("insert into schema_migrations values (99, '099_future.sql', now())")
    con.close()
    before = snapshot(seeded)
    code, lines = cli("ingest", str(SAMPLES / "nansha-2020-gbk.html"), "--db", str(seeded))
    assert code == 1 and len(lines) == 1
    assert re.fullmatch(
        rf"Error: {re.escape(str(seeded))}: made by a newer fengong: schema 99 > \d+; upgrade "
        r"fengong to write to it \(query, export and diff still read it\)",
        lines[0],
    )
    assert cli("remove", str(SEED), "--db", str(seeded))[1] == lines
    assert snapshot(seeded) == before
    # reading goes on where the views hold
    code, lines = cli(
        "query", "select count(*) from v_tasks", "--db", str(seeded), "--format", "csv"
    )
    assert (code, lines) == (0, ["count_star()", "86"])
    code, lines = cli(
        "export", "--format", "csv", "--out", str(tmp_path / "t.csv"), "--db", str(seeded)
    )
    assert code == 0
    assert cli("diff", "--region", "南沙区", "--db", str(seeded), "--format", "json")[0] == 0
    assert cli("notices", "--db", str(seeded))[0] == 0
    assert snapshot(seeded) == before


# 8. a damaged warehouse ----------------------------------------------------------------------
def test_a_damaged_warehouse_is_one_line_from_every_command(db: Path, tmp_path: Path) -> None:
    ingest(TEXT_SAMPLES, db=db)
    assert db.stat().st_size > 2_000_000
    damaged = tmp_path / "cut.duckdb"
    damaged.write_bytes(db.read_bytes()[:1_000_000])  # head -c 1000000
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"not a database at all\n" * 100)
    for target in (damaged, garbage):
        before = target.read_bytes()
        for args in (
            ["ingest", str(SAMPLES / "nansha-2020-gbk.html")],
            ["query", "select * from task_changes"],
            ["export", "--format", "jsonl", "--out", str(tmp_path / "t.jsonl")],
            ["diff", "--region", "南沙区"],
            ["unit", "区政数局"],
            ["units"],
            ["notices"],
            ["remove", str(SEED)],
        ):
            code, lines = cli(*args, "--db", str(target))
            assert code == 1 and len(lines) == 1, (args, lines)
            assert lines[0].startswith(f"Error: {target}: "), lines
            assert "warehouse file damaged (restore a backup" in lines[0] or (
                "not a DuckDB database (a damaged warehouse, or another kind of file)" in lines[0]
            ), lines
        assert target.read_bytes() == before
        assert not target.with_name(target.name + ".wal").exists()
    assert not (tmp_path / "t.jsonl").exists()


# 12. files that are not files ----------------------------------------------------------------
def test_only_regular_files_are_read(db: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "notice.txt"
    os.mkfifo(fifo)
    # real processes: a FIFO would block the process for ever, /dev/zero take its memory
    proc = subprocess.run(
        [*FENGONG, "ingest", str(fifo), "/dev/zero", str(SEED), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[:2] == [
        f"error {fifo}: not a regular file: a named pipe (FIFO) (give fengong the notice's "
        "file itself)",
        "error /dev/zero: not a regular file: a character device (give fengong the notice's "
        "file itself)",
    ]
    assert proc.stdout.startswith(f"ingested  {SEED}: 43 tasks")
    proc = subprocess.run(
        [*FENGONG, "parse", str(fifo)], capture_output=True, text=True, timeout=120
    )
    assert (proc.returncode, proc.stderr.splitlines()) == (
        1,
        [f"Error: {fifo}: not a regular file: a named pipe (FIFO) (give fengong the notice's "
         "file itself)"],
    )  # fmt: skip

    # in a batch parsed by worker processes, likewise
    folder = tmp_path / "batch"
    write(folder, 12)
    os.mkfifo(folder / "00000-pipe.txt")
    proc = subprocess.run(
        [*FENGONG, "ingest", str(folder), str(fifo), "--db", str(db), "-q", "--jobs", "2"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error")]
    assert errors == [  # a FIFO named like a notice in a folder fails as one given by name
        f"error {folder / '00000-pipe.txt'}: not a regular file: a named pipe (FIFO) (give "
        "fengong the notice's file itself)",
        f"error {fifo}: not a regular file: a named pipe (FIFO) (give fengong the notice's "
        "file itself)",
    ]
    assert "12 ingested" in proc.stderr.splitlines()[-1]


def test_the_writer_never_reads_a_file_a_worker_gave_up_on(tmp_path: Path) -> None:
    """A file that takes too long is stopped; the log names it by the hash its worker read.
    Here the file is swapped for a FIFO once the worker has read it: a writer that read it
    again (for its hash) would block for ever holding the warehouse's lock."""
    folder = tmp_path / "batch"
    write(folder, 12)
    slow = slow_notice(folder / "00000-slow.txt")
    content = slow.read_bytes()
    os.utime(slow, (0, slow.stat().st_mtime))  # the worker's read moves the access time
    db = tmp_path / "w.duckdb"
    first = subprocess.Popen(
        [*FENGONG, "ingest", str(folder), "--db", str(db), "-q", "--jobs", "1", "--timeout", "8"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while slow.stat().st_atime == 0 and time.monotonic() < deadline:
        time.sleep(0.05)  # (on a noatime mount, until the deadline: the worker has read it)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    os.replace(fifo, slow)
    _, stderr = first.communicate(timeout=300)
    assert first.returncode == 1
    assert [line for line in stderr.splitlines() if line.startswith("error")] == [
        f"error {slow}: parsing took longer than 8 s and was stopped (raise --timeout if the "
        "file is really that slow)"
    ]
    con = duckdb.connect(str(db), read_only=True)
    logged = con.execute("select sha256 from v_ingest_log where status = 'failed'").fetchall()
    con.close()
    import hashlib

    assert logged == [(hashlib.sha256(content).hexdigest(),)]


# 13. inflation and memory --------------------------------------------------------------------
def bomb_pdf(inflated: int) -> bytes:
    """A one-page PDF whose content stream inflates to `inflated` bytes (blanks after a
    line of text): small on disk, huge once decoded."""
    content = zlib.compress(b"BT /F1 12 Tf 72 712 Td (Hello) Tj ET\n" + b" " * inflated, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
        + content
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_a_pdf_whose_streams_inflate_past_the_limit_is_refused(
    seeded: Path, tmp_path: Path
) -> None:
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(bomb_pdf(64 * 2**20))  # 64 MiB of content stream in ~70 KB
    assert bomb.stat().st_size < 100_000
    before = snapshot(seeded, skip=("ingest_log",))
    code, lines = cli("ingest", str(bomb), "--db", str(seeded), "--max-unpacked-mb", "8")
    assert code == 1
    assert lines[0] == (
        f"error {bomb}: PDF streams inflate beyond the 8 MiB limit (a PDF bomb, or a document "
        "far larger than a notice) (raise --max-unpacked-mb if it really is one notice)"
    )
    assert snapshot(seeded, skip=("ingest_log",)) == before


def test_a_file_that_needs_more_memory_than_a_worker_may_take_is_refused(
    db: Path, tmp_path: Path
) -> None:
    """A PDF whose content stream inflates to 300 MiB, let through the inflation cap: the
    worker's memory limit stops it, in one line, and the batch goes on."""
    folder = tmp_path / "batch"
    write(folder, 12)
    big = folder / "00000-big.pdf"
    big.write_bytes(bomb_pdf(300 * 2**20))
    proc = subprocess.run(
        [*FENGONG, "ingest", str(folder), "--db", str(db), "-q", "--jobs", "1",
         "--max-memory-mb", "64", "--max-unpacked-mb", "1024"],
        capture_output=True,
        text=True,
        timeout=600,
    )  # fmt: skip
    assert proc.returncode == 1
    errors = proc.stderr.splitlines()[:-1]
    assert errors == [
        f"error {big}: parsing needed more than the 64 MiB of memory a file may take, and was "
        "stopped (raise --max-memory-mb if it really is one notice)"
    ], proc.stderr
    assert "12 ingested" in proc.stderr.splitlines()[-1]


def test_jobs_never_exceed_the_cpus() -> None:
    cpus = len(os.sched_getaffinity(0))
    assert worker_count(500, Options(jobs=64)) == min(64, cpus)
    assert worker_count(500, Options(jobs=None)) == cpus


# 14. readers and the writer ------------------------------------------------------------------
def hold(db: Path, read_only: bool) -> subprocess.Popen[str]:
    """Another process holding the warehouse open (a reader or a writer) until killed."""
    code = (
        "import duckdb, sys, time\n"
        f"con = duckdb.connect({str(db)!r}, read_only={read_only})\n"
        "print('open', flush=True)\n"
        "time.sleep(300)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline() == "open\n"
    return holder


def test_every_command_waits_for_the_lock_and_says_who_holds_it(
    seeded: Path, tmp_path: Path
) -> None:
    before = snapshot(seeded)
    python = Path(sys.executable).name
    reader = hold(seeded, read_only=True)
    try:
        code, lines = cli("ingest", str(SEED), "--db", str(seeded), "--lock-timeout", "0.5")
        assert (code, lines) == (
            1,
            [f"Error: {seeded}: another {python} process (PID {reader.pid}) is reading this "
             "warehouse; waited 0.5 s (raise --lock-timeout or try later)"],
        )  # fmt: skip
        # readers go on beside a reader
        assert cli("query", "select 1", "--db", str(seeded), "--lock-timeout", "0.5")[0] == 0
    finally:
        reader.kill()
        reader.wait()
    writer = hold(seeded, read_only=False)
    line = (
        f"Error: {seeded}: another {python} process (PID {writer.pid}) is writing to this "
        "warehouse; waited 0.5 s (raise --lock-timeout or try later)"
    )
    try:
        for args in (
            ["query", "select 1"],
            ["export", "--format", "csv", "--out", str(tmp_path / "t.csv")],
            ["diff", "--region", "南沙区"],
            ["unit", "区政数局"],
            ["units"],
            ["notices"],
            ["remove", str(SEED)],
            ["ingest", str(SEED)],
        ):
            code, lines = cli(*args, "--db", str(seeded), "--lock-timeout", "0.5")
            assert (code, lines) == (1, [line]), args
    finally:
        writer.kill()
        writer.wait()
    assert snapshot(seeded) == before


# 15. options ---------------------------------------------------------------------------------
def test_options_are_checked_before_anything_is_opened(seeded: Path, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{"units": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    letters = tmp_path / "letters.json"
    letters.write_text('{"units": [{"name": "区甲局", "aliases": "区甲"}]}', encoding="utf-8")
    suffixes = tmp_path / "suffixes.json"
    suffixes.write_text('{"suffixes": "专班"}', encoding="utf-8")
    fresh = tmp_path / "fresh.duckdb"
    feed = ("export", "--format", "csv", "--out", str(tmp_path / "t.csv"))
    before = snapshot(seeded)
    cases = {
        ("ingest", str(SEED), "--timeout", "-5"): "'-5' is not a number of seconds ≥ 0",
        ("ingest", str(SEED), "--timeout", "nan"): "'nan' is not a number of seconds ≥ 0",
        ("ingest", str(SEED), "--timeout", "inf"): "'inf' is not a number of seconds ≥ 0",
        ("ingest", str(SEED), "--lock-timeout", "-1"): "'-1' is not a number of seconds ≥ 0",
        ("ingest", str(SEED), "--max-mb", "0"): "0 is not in the range x>=1",
        ("ingest", str(SEED), "--jobs", "-1"): "-1 is not in the range x>=0",
        ("ingest", str(SEED), "--units", str(deep)): "JSON nested too deeply for a unit file",
        ("ingest", str(SEED), "--units", str(letters)): "units[0] needs a name and lists of",
        ("units", "--units", str(suffixes)): "suffixes is a list of strings",
        (*feed, "--since", "0001-01-01T00:00:00+14:00"): "falls outside the calendar once",
        (*feed, "--since", "yesterday"): "--since 'yesterday': not a date or time",
        (*feed, "--year", "99999999999"): "99999999999 is not in the range 1<=x<=9999",
        ("diff", "--region", "南沙区", "--to", "-3"): "-3 is not in the range 1<=x<=9999",
        ("query", "select 1", "--lock-timeout", "inf"): "'inf' is not a number of seconds ≥ 0",
    }  # fmt: skip
    for args, message in cases.items():
        for db in (seeded, fresh):
            code, lines = cli(*args, "--db", str(db))
            assert code == 2 and len(lines) == 1, (args, lines)
            assert lines[0].startswith("Error: ") and message in lines[0], lines
    assert snapshot(seeded) == before
    assert not fresh.exists() and not (tmp_path / "t.csv").exists()


# 16. task numbers of any length --------------------------------------------------------------
def test_task_numbers_of_any_length(tmp_path: Path) -> None:
    """Task 1000 is its own task with its own units, not folded into 999; a year after a
    number (1.2022年底前…) is still the task's text."""
    lines = [
        "关于印发某区2022年政务公开工作要点分工方案的通知",
        "某区2022年政务公开工作要点分工方案",
        "一、总体要求",
        "（一）做好公开",
    ]
    for i in range(1, 1011):
        unit = "区司法局" if i == 1000 else "区财政局"
        lines += [f"{i}.2022年底前做好第{i}项工作。", f"{unit}负责。"]
    plan = tmp_path / "plan.txt"
    plan.write_text("\n".join(lines), encoding="utf-8")
    db = tmp_path / "w.duckdb"
    assert ingest([plan], db=db).count("ingested") == 1
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        "select t.task_key, t.text, t.deadline::varchar, list(a.org) from v_tasks t "
        "join v_assignments a using (notice_id, task_id) "
        "where t.label in ('999.', '1000.', '1001.') group by all order by t.task_key"
    ).fetchall()
    assert con.execute("select count(*) from v_tasks").fetchone() == (1010,)
    con.close()
    assert rows == [
        ("一.(一).1000", "2022年底前做好第1000项工作。", "2022-12-31", ["区司法局"]),
        ("一.(一).1001", "2022年底前做好第1001项工作。", "2022-12-31", ["区财政局"]),
        ("一.(一).999", "2022年底前做好第999项工作。", "2022-12-31", ["区财政局"]),
    ]


# not a notice --------------------------------------------------------------------------------
def test_a_file_that_is_not_a_work_plan_notice_is_refused(seeded: Path, tmp_path: Path) -> None:
    readme = tmp_path / "README.txt"
    readme.write_text(
        "# fengong\n\n1. Install Python 3.11.\n2. Run make install.\n3. Ingest the samples.\n",
        encoding="utf-8",
    )
    news = tmp_path / "news.html"
    news.write_text(
        "<html><body><p>本网讯 昨日，全区召开会议。</p><ol><li>1.会议听取了汇报。</li>"
        "<li>2.会议研究了下一步工作。</li></ol></body></html>",
        encoding="utf-8",
    )
    before = snapshot(seeded, skip=("ingest_log",))
    code, lines = cli("ingest", str(readme), str(news), "--db", str(seeded))
    assert code == 1
    hint = "(fengong reads 分工方案 notices; leave this file out)"
    reason = "not a work-plan notice: no title, no plan title and no unit given a task"
    assert lines[:2] == [f"error {readme}: {reason} {hint}", f"error {news}: {reason} {hint}"]
    assert snapshot(seeded, skip=("ingest_log",)) == before

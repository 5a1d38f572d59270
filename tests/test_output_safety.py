"""hostile.md cases 2, 3, 9 and 10, and formats.md's formula and long-task cases, on the output
side: each against a real warehouse file, asserting the one line, the exit code and that
nothing else changed (the warehouse's rows, the files around the target)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from pipeline.cli import main
from pipeline.formats import csv_cell, neutralise
from pipeline.printable import printable
from tests.conftest import SEED, copy_of, query

FORMULA_NOTICE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>临海区人民政府办公室关于印发临海区2023年政务公开工作要点分工方案的通知</title></head>
<body>
<h1>临海区人民政府办公室关于印发临海区2023年政务公开工作要点分工方案的通知</h1>
<p>各镇人民政府、街道办事处，区政府各部门：</p>
<p>《临海区2023年政务公开工作要点分工方案》已经区人民政府同意，现印发给你们，请认真贯彻执行。</p>
<p>临海区人民政府办公室</p>
<p>2023年3月1日</p>
<h2>临海区2023年政务公开工作要点分工方案</h2>
<table border="1">
<tr><th>序号</th><th>工作任务</th><th>牵头单位</th><th>配合单位</th><th>完成时限</th></tr>
<tr><td colspan="5">一、加强政策解读</td></tr>
<tr><td>1</td><td>=HYPERLINK("http://example.invalid/a","详情")做好政策文件公开。</td><td>区司法局</td><td>区财政局</td><td>2023年6月底前</td></tr>
<tr><td>2</td><td>+每季度发布政策图解。</td><td>区发展和改革局</td><td>区商务局</td><td>持续推进</td></tr>
<tr><td>3</td><td>-完善热线政策咨询知识库。</td><td>区政务服务数据管理局</td><td>区各单位</td><td>2023年12月底前</td></tr>
<tr><td>4</td><td>@SUM(1+1)公开部门预算决算。</td><td>区财政局</td><td>区审计局</td><td>2023年9月底前</td></tr>
</table>
</body></html>
"""
FORMULA_STARTS = ("=HYPERLINK", "+每季度", "-完善", "@SUM")


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry under `folder`: a file's sha256, a link's target, a folder's mark."""
    seen = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_symlink():
            seen[rel] = "-> " + os.readlink(p)
        elif p.is_file():
            seen[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
        elif p.is_dir():
            seen[rel] = "dir"
        else:
            seen[rel] = "special"
    return seen


def rows_of(db: Path) -> list[tuple[object, ...]]:
    return query(
        db,
        "select notice_id, task_key, text, org, role from v_assignments "
        "join v_tasks using (notice_id, task_id, task_key) order by all",
    )


@pytest.fixture(scope="module")
def formula_db_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("formula")
    notice = tmp / "in" / "formula.html"
    notice.parent.mkdir()
    notice.write_text(FORMULA_NOTICE, encoding="utf-8")
    db = tmp / "w.duckdb"
    result = run("ingest", str(notice), "--db", str(db), "-q")
    assert result.exit_code == 0, result.output
    texts = [t for (t,) in query(db, "select text from v_tasks order by task_key")]
    assert [t[: len(s)] for t, s in zip(texts, FORMULA_STARTS, strict=True)] == list(FORMULA_STARTS)
    return db


@pytest.fixture
def formula_db(formula_db_once: Path, tmp_path: Path) -> Path:
    """The formula notice stored (the test's own copy of a warehouse built once)."""
    return copy_of(formula_db_once, tmp_path / "w.duckdb")


# case 3 and formula.html: CSV formulas ----------------------------------------------------


def test_csv_cells_that_spreadsheets_would_run_are_neutralised() -> None:
    for cell in ("=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"):
        assert neutralise(cell) == "'" + cell
        assert csv_cell(cell) == "'" + cell
        assert csv_cell(cell, raw=True) == cell
    assert csv_cell("区财政局") == "区财政局"
    assert csv_cell(-5) == "-5"  # a number is no formula
    assert csv_cell(True) == "true" and csv_cell(None) == ""
    assert csv_cell({"k": 1}) == '{"k": 1}' and csv_cell(["甲", "乙"]) == '["甲", "乙"]'


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_every_csv_fengong_writes_neutralises_formulas(formula_db: Path, tmp_path: Path) -> None:
    before = rows_of(formula_db)
    out = tmp_path / "tasks.csv"
    result = run("export", "--format", "csv", "--out", str(out), "--db", str(formula_db))
    assert result.exit_code == 0, result.output
    feeds = {
        "export": _csv(out.read_text(encoding="utf-8-sig")),
        "export -": _csv(
            run("export", "--format", "csv", "--out", "-", "--db", str(formula_db)).stdout
        ),
        "query": _csv(
            run(
                "query", "select text from v_tasks", "--format", "csv", "--db", str(formula_db)
            ).stdout
        ),
        "unit": _csv(run("unit", "区财政局", "--format", "csv", "--db", str(formula_db)).stdout),
    }
    for name, rows in feeds.items():
        cells = [c for r in rows for c in r]
        starts = [c for c in cells if c and c[0] in "=+-@\t\r"]
        assert starts == [], (name, starts)
        assert any(c.startswith("'=HYPERLINK(") for c in cells), name
    raw = _csv(
        run(
            "query",
            "select text from v_tasks",
            "--format",
            "csv",
            "--raw-csv",
            "--db",
            str(formula_db),
        ).stdout
    )
    assert sum(1 for r in raw[1:] if r[0].startswith(FORMULA_STARTS)) == 4
    assert rows_of(formula_db) == before


# case 2: data printed as text ------------------------------------------------------------


def test_markup_and_control_characters_in_file_names_print_as_text(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "x[").mkdir()  # the path reads x[/b].txt: Rich would take [/b] for markup
    (folder / "x[/b].txt").write_bytes(SEED.read_bytes())
    (folder / "bad\nerror forged: 0 failed.txt").write_bytes(b"")
    (folder / "esc\x1b[31mred.txt").write_bytes(b"")
    (folder / "notes.xls").write_bytes(b"not a notice")
    db = tmp_path / "w.duckdb"
    result = run("ingest", str(folder), "--db", str(db))
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "Traceback" not in result.output
    out_lines = result.stdout.splitlines()
    err_lines = result.stderr.splitlines()
    assert out_lines == [line for line in out_lines if line.startswith("ingested ")]
    assert len(out_lines) == 1 and f"{folder}/x[/b].txt: 43 tasks" in out_lines[0]
    assert err_lines[:2] == [
        f"error {folder}/bad\\nerror forged: 0 failed.txt: empty file "
        "(the download probably failed; fetch it again)",
        f"error {folder}/esc\\x1b[31mred.txt: empty file "
        "(the download probably failed; fetch it again)",
    ]
    assert err_lines[2].startswith("3 files: 1 ingested, 0 replaced, 0 unchanged, 0 kept, 2 failed")
    assert err_lines[3] == (
        f"skipped 1 file that are not notices by their extension: {folder}/notes.xls "
        "(give a file by its name to read it)"
    )
    assert len(err_lines) == 4


def test_markup_in_task_text_prints_as_text_in_every_read_command(tmp_path: Path) -> None:
    seed = SEED.read_text(encoding="utf-8")
    first = "1.更新完善权责清单"  # the first task of the seed
    assert first in seed
    marked = seed.replace(first, "1.[/][link=http://x]点击[/link][bold]更新完善权责清单", 1)
    notice = tmp_path / "marked.txt"
    notice.write_text(marked, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    twenty_one = SEED.parent / "constructed" / "nansha-2021.txt"
    assert run("ingest", str(notice), str(twenty_one), "--db", str(db), "-q").exit_code == 0
    before = rows_of(db)
    report = tmp_path / "report.html"
    for args in (
        ["query", "select text from v_tasks where text like '%[/]%'"],
        ["unit", "区政务服务数据管理局"],
        ["units"],
        ["diff", "--region", "南沙区", "--html", str(report)],
    ):
        result = run(*args, "--db", str(db))
        assert result.exit_code == 0, (args, result.output)
        if args[0] != "units":
            assert "[/][link=http://x]点击[/link][bold]更新完善" in result.stdout, args
    assert "[/][link=http://x]点击[/link][bold]" in report.read_text(encoding="utf-8")
    assert rows_of(db) == before


def test_printable_escapes_controls_and_bidi_but_keeps_chinese() -> None:
    assert printable("区政数局") == "区政数局"
    assert printable("a\nb") == "a\\nb"
    assert printable("\x1b[2J") == "\\x1b[2J"
    assert printable("abc\u202eexe.txt") == "abc\\u202eexe.txt"
    assert printable("C:\\dir\\x") == "C:\\dir\\x"  # nothing escaped, nothing doubled


def test_piped_tables_are_not_cut_to_80_columns(formula_db: Path) -> None:
    result = run("query", "select text, text as again from v_tasks", "--db", str(formula_db))
    assert result.exit_code == 0
    widest = max(len(line) for line in result.stdout.splitlines())
    assert widest > 80
    texts = [t for (t,) in query(formula_db, "select text from v_tasks")]
    assert all(t in result.stdout for t in texts)  # no cell wrapped or cut


# case 9: Parquet exports replace only what fengong wrote ---------------------------------


def test_parquet_export_never_deletes_files_it_did_not_write(
    formula_db: Path, tmp_path: Path
) -> None:
    mydata = tmp_path / "mydata"
    (mydata / "region=临海区").mkdir(parents=True)
    (mydata / "region=临海区" / "notes.txt").write_text("mine", encoding="utf-8")
    before, rows = snapshot(tmp_path), rows_of(formula_db)
    args = ["export", "--format", "parquet", "--out", str(mydata), "--db", str(formula_db)]
    result = run(*args)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {mydata}: the folder holds files fengong did not write "
        "(region=临海区/notes.txt…); export Parquet to a new or empty folder"
    ]
    assert snapshot(tmp_path) == before and rows_of(formula_db) == rows

    # fengong's own export is replaced; a file slipped into it is not deleted
    feed = tmp_path / "feed"
    assert run(*args[:4], str(feed), *args[5:]).exit_code == 0
    assert run(*args[:4], str(feed), *args[5:]).exit_code == 0  # replaced: its own
    stray = feed / "analysis.csv"
    stray.write_text("mine", encoding="utf-8")
    before = snapshot(tmp_path)
    result = run(*args[:4], str(feed), *args[5:])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {feed}: {stray.relative_to(feed)} was not written by fengong; move it out "
        "of the folder or export to another one (nothing was changed)"
    ]
    assert snapshot(tmp_path) == before

    # an export of an earlier fengong (Hive folders by region and year, its marker listing
    # them) is fengong's own: replaced by the new layout, its folders gone
    old = tmp_path / "old"
    (old / "region=临海区" / "year=2020").mkdir(parents=True)
    (old / "region=临海区" / "year=2020" / "part-0.parquet").write_bytes(b"PAR1")
    listed = {"written_by": "fengong export", "files": ["region=临海区/year=2020/part-0.parquet"]}
    (old / ".fengong-export.json").write_text(json.dumps(listed, ensure_ascii=False))
    assert run(*args[:4], str(old), *args[5:]).exit_code == 0
    assert sorted(p.name for p in old.iterdir()) == [".fengong-export.json", "part-0.parquet"]


# case 10: writes through links, devices, FIFOs -------------------------------------------


def test_reports_and_exports_never_write_through_links_or_over_non_files(
    tmp_path: Path,
) -> None:
    db = tmp_path / "w.duckdb"
    twenty_one = SEED.parent / "constructed" / "nansha-2021.txt"
    assert run("ingest", str(SEED), str(twenty_one), "--db", str(db), "-q").exit_code == 0
    rows = rows_of(db)
    target = tmp_path / "precious.html"
    target.write_text("keep", encoding="utf-8")
    link = tmp_path / "report.html"
    link.symlink_to(target)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    before = snapshot(tmp_path)
    cases = [
        (["diff", "--region", "南沙区", "--html", str(link)], link, "a symbolic link"),
        (["export", "--format", "csv", "--out", str(link)], link, "a symbolic link"),
        (["export", "--format", "csv", "--out", str(fifo)], fifo, "a FIFO"),
        (["export", "--format", "xlsx", "--out", str(fifo)], fifo, "a FIFO"),
        (["export", "--format", "jsonl", "--out", str(tmp_path)], tmp_path, "a folder"),
    ]
    for args, where, kind in cases:
        result = run(*args, "--db", str(db))
        assert result.exit_code == 1, args
        hint = "; for standard output write --out -" if kind == "a symbolic link" else ""
        what = "report" if args[0] == "diff" else f"{args[2]} feed"
        what = "ledger" if args[2] == "xlsx" else what
        assert result.stderr.splitlines()[-1] == (
            f"Error: {where}: is {kind}; fengong replaces only regular files, give the "
            f"{what} another name{hint}"
        ), args
        assert snapshot(tmp_path) == before, args
    # /dev/stdout is a link too: refused, pointing at --out -
    result = run("export", "--format", "csv", "--out", "/dev/stdout", "--db", str(db))
    assert result.exit_code == 1 and "write --out -" in result.stderr
    assert os.path.islink("/dev/stdout") or not os.path.isfile("/dev/stdout")
    # --out - is standard output; parquet and xlsx cannot go there (a usage error)
    result = run("export", "--format", "jsonl", "--out", "-", "--db", str(db))
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 86
    assert json.loads(result.stdout.splitlines()[0])["notice"]["region"] == "南沙区"
    result = run("export", "--format", "xlsx", "--out", "-", "--db", str(db))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: --out -: standard output takes jsonl or csv; give the xlsx feed a file name"
    ]
    assert snapshot(tmp_path) == before and rows_of(db) == rows
    assert target.read_text(encoding="utf-8") == "keep"


# formats.md long-task: the ledger cut -----------------------------------------------------


def test_a_task_longer_than_an_excel_cell_is_cut_visibly(tmp_path: Path) -> None:
    seed = SEED.read_text(encoding="utf-8")
    first = "1.更新完善权责清单"
    long_text = "更新完善权责清单" + "政务公开标准化规范化建设，" * 3000  # 39,008 characters
    notice = tmp_path / "long.txt"
    notice.write_text(seed.replace(first, "1." + long_text, 1), encoding="utf-8")
    db = tmp_path / "w.duckdb"
    assert run("ingest", str(notice), "--db", str(db), "-q").exit_code == 0
    (stored,) = query(db, "select max(length(text)) from v_tasks")[0]
    assert isinstance(stored, int) and stored > 32_767
    out = tmp_path / "台账.xlsx"
    result = run("export", "--format", "xlsx", "--out", str(out), "--db", str(db))
    assert result.exit_code == 0
    cuts = [line for line in result.stderr.splitlines() if line.startswith("cut ")]
    assert len(cuts) == 1
    assert (
        cuts[0].startswith(f"cut {out}: sheet ") and "row 3 (工作任务, task 一.(一).1)" in cuts[0]
    )
    assert f"{stored:,} characters cut to Excel's 32,767" in cuts[0]
    book = openpyxl.load_workbook(out)
    assert 408 <= book.worksheets[0].row_dimensions[3].height <= 409  # Excel's tallest row
    cell = book.worksheets[0]["D3"].value
    assert isinstance(cell, str) and len(cell) <= 32_767
    assert cell.startswith("更新完善权责清单政务公开") and cell.endswith(
        "全文见 jsonl 或 csv 导出〕"
    )
    assert f"原文 {stored:,} 字" in cell

"""The feeds (fengong export): each format opened by its own reader, checked against the
seed's hand-made gold answer; filters; the ledger's layout."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import jsonschema
import openpyxl
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest

from pipeline import Options, ingest
from pipeline.export import export
from pipeline.export import record as task_record
from pipeline.formats import csv_cell
from pipeline.ledger import LEDGER_COLUMNS, SheetNames, display_width, wrapped_lines
from pipeline.reading import FeedError, reading
from schemas import ROLE_NAMES
from schemas.export import EXPORT_SCHEMA_VERSION
from tests.conftest import GOLD, SAMPLES, SEED, Ran, cli, copy_of
from tests.small_notices import CONGHUA_NAMING_DATA_BUREAU, CONGHUA_TASKS, write_conghua
from warehouse import feeds
from warehouse.errors import WarehouseError

GOLD_2020 = json.loads((GOLD / "nansha-2020.gold.json").read_text(encoding="utf-8"))
PLAN = GOLD_2020["notice"]["plan_title"]


GOLD_2020_NAMING = [
    t
    for t in GOLD_2020["tasks"]
    if any(a["org"] == "区政务服务数据管理局" for a in t["assignments"])
]


def gold_units(task: dict[str, Any], role: str) -> list[str]:
    return [a["org"] for a in task["assignments"] if a["role"] == role]


@pytest.fixture(scope="module")
def seeded_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("seeded") / "warehouse.duckdb"
    report = ingest([SEED], db=db)
    assert report.count("ingested") == 1
    return db


@pytest.fixture
def seeded(seeded_once: Path, db: Path) -> Path:
    """The seed stored: the test's own copy of a warehouse built once for the module."""
    return copy_of(seeded_once, db)


@pytest.fixture(scope="module")
def two_regions_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("two-regions")
    db = tmp / "warehouse.duckdb"
    report = ingest([SEED, write_conghua(tmp)], db=db)
    assert report.count("ingested") == 2, [r.error for r in report.failed]
    return db


@pytest.fixture
def two_regions(two_regions_once: Path, db: Path) -> Path:
    """The seed and a notice of another region stored (the test's own copy)."""
    return copy_of(two_regions_once, db)


def stored(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_jsonl_every_line_validates_against_the_schema_written_beside_it(
    seeded: Path, tmp_path: Path
) -> None:
    out = tmp_path / "tasks.jsonl"
    result = export(seeded, out, "jsonl")
    schema_path = tmp_path / "tasks.jsonl.schema.json"
    assert result.schema_path == schema_path
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    assert schema["$id"].endswith(EXPORT_SCHEMA_VERSION)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    lines = out.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    for record in records:
        validator.validate(record)
    # the gold answer, task by task, in plan order
    assert [r["task_key"] for r in records] == [t["key"] for t in GOLD_2020["tasks"]]
    assert len({r["task_id"] for r in records}) == len(records)
    for record, task in zip(records, GOLD_2020["tasks"], strict=True):
        assert record["text"] == task["text"]
        assert record["deadline"] == task["deadline"]
        assert record["clause_text"] == task["clause"]
        assert [(a["org"], a["role"]) for a in record["assignments"]] == [
            (a["org"], a["role"]) for a in task["assignments"]
        ]
        assert record["status"] == "active"
        assert record["notice"] == {
            "notice_id": record["notice_id"],
            **{k: v for k, v in GOLD_2020["notice"].items()},
        }
        assert record["provenance"]["source_path"] == str(SEED)
        assert record["provenance"]["location"]["line_start"] >= 1
    # a record that breaks the schema is caught by it
    broken = {**records[0], "assignments": [{"org": "x", "role": "boss"}]}
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(broken)


def test_csv_starts_with_a_bom_and_round_trips_through_the_csv_module(
    seeded: Path, tmp_path: Path
) -> None:
    out = tmp_path / "tasks.csv"
    export(seeded, out, "csv")
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    texts = dict(stored(seeded, "select task_id, text from v_tasks"))
    assert {r["task_id"]: r["text"] for r in rows} == texts
    second = next(r for r in rows if r["task_key"] == "一.(一).2")
    gold = GOLD_2020["tasks"][1]
    assert second["lead"] == "、".join(gold_units(gold, "lead"))
    assert second["co"] == "、".join(gold_units(gold, "co"))  # 区各单位、各镇街
    assert second["region"] == "南沙区" and second["year"] == "2020"
    assert {r["deadline"] for r in rows} == {"", "2020-12-31"}


def test_parquet_is_one_file_in_the_feeds_order_read_by_pyarrow_and_duckdb(
    two_regions: Path, tmp_path: Path
) -> None:
    out = tmp_path / "tasks.parquet"
    export(two_regions, out, "parquet")
    expected = Counter(
        dict(
            ((region, year), n)
            for region, year, n in stored(
                two_regions,
                "select region, year, count(*) from v_tasks join v_notices using (notice_id) "
                "group by all",
            )
        )
    )
    assert expected == {("南沙区", 2020): len(GOLD_2020["tasks"]), ("从化区", 2022): CONGHUA_TASKS}
    # one file beside the marker, no partition folders (not a file per notice)
    assert sorted(p.name for p in out.iterdir()) == [".fengong-export.json", "part-0.parquet"]

    table = pads.dataset(out, format="parquet").to_table()
    got = Counter(zip(table["region"].to_pylist(), table["year"].to_pylist(), strict=True))
    assert got == expected
    one = pq.read_table(out / "part-0.parquet")  # the file alone is the whole feed
    assert "task_id" in one.column_names and "assignments" in one.column_names
    # the rows in the order of the other feeds, region and year also as notice_region/_year
    out_jsonl = tmp_path / "all.jsonl"
    export(two_regions, out_jsonl, "jsonl")
    lines = [json.loads(line) for line in out_jsonl.read_text(encoding="utf-8").splitlines()]
    assert one["task_id"].to_pylist() == [r["task_id"] for r in lines]
    assert one["notice_region"].to_pylist() == one["region"].to_pylist()
    assert one["notice_year"].to_pylist() == one["year"].to_pylist()

    con = duckdb.connect()
    rows = con.execute(
        "select region, year, count(*) from read_parquet(?) group by all",
        [str(out / "*.parquet")],
    ).fetchall()
    assert Counter({(r, y): n for r, y, n in rows}) == expected
    roles = con.execute(
        "select a.org, a.role from read_parquet(?), "
        "unnest(assignments) as u(a) where task_key = '一.(一).2' and region = '南沙区'",
        [str(out / "*.parquet")],
    ).fetchall()
    assert roles == [(a["org"], a["role"]) for a in GOLD_2020["tasks"][1]["assignments"]]

    # exporting again replaces the earlier export; a folder of other things is refused
    export(two_regions, out, "parquet", region="南沙区")
    table = pads.dataset(out, format="parquet").to_table()
    assert set(table["region"].to_pylist()) == {"南沙区"}
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(FeedError, match="fengong did not write"):
        export(two_regions, tmp_path / "mine", "parquet")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_xlsx_ledger_columns_frozen_header_filters_and_unit_sheets(
    seeded: Path, tmp_path: Path
) -> None:
    out = tmp_path / "ledger.xlsx"
    export(seeded, out, "xlsx", unit_sheets=True)
    book = openpyxl.load_workbook(out)
    tasks = GOLD_2020["tasks"]
    per_unit = Counter(org for t in tasks for org in {a["org"] for a in t["assignments"]})
    assert book.sheetnames[0] == PLAN  # the plan's sheet
    # then, as asked, one sheet per unit, most tasks first
    assert book.sheetnames[1:] == sorted(per_unit, key=lambda u: (-per_unit[u], u))

    ws = book[PLAN]
    header = [c.value for c in ws[2]]
    assert header == [*LEDGER_COLUMNS, "任务ID"]
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == f"A2:J{len(tasks) + 2}"
    assert ws.max_row == len(tasks) + 2
    col = {name: i for i, name in enumerate(header)}
    first, second = list(ws.iter_rows(min_row=3, max_row=4, values_only=True))
    assert first[col["序号"]] == 1
    assert first[col["工作任务"]] == tasks[0]["text"]
    assert first[col["责任单位"]] == "区政务服务数据管理局"  # 负责
    assert (first[col["地区"]], first[col["年度"]]) == ("南沙区", "2020")
    assert second[col["牵头单位"]] == "区政务服务数据管理局"
    assert second[col["配合单位"]] == "区各单位、各镇街"
    due = [r[col["完成时限"]] for r in ws.iter_rows(min_row=3, values_only=True)]
    assert sum(1 for d in due if d) == sum(1 for t in tasks if t["deadline"])
    widths = {c: ws.column_dimensions[chr(ord("A") + i)].width for c, i in col.items()}
    assert widths["牵头单位"] >= display_width("区政务服务数据") + 2
    assert widths["序号"] < widths["完成时限"] < widths["工作任务"]

    unit = book["区政务服务数据管理局"]
    assert [c.value for c in unit[2]][:5] == ["序号", "地区", "年度", "工作任务", "本单位角色"]
    assert unit.max_row == per_unit["区政务服务数据管理局"] + 2
    assert unit.freeze_panes == "A3" and unit.auto_filter.ref is not None
    roles = Counter(r[4] for r in unit.iter_rows(min_row=3, values_only=True))
    gold_roles = Counter(
        ROLE_NAMES[a["role"]]
        for t in tasks
        for a in t["assignments"]
        if a["org"] == "区政务服务数据管理局"
    )
    assert roles == gold_roles


def test_sheet_names_are_excel_safe_and_unique() -> None:
    names = SheetNames(reserved=["任务"])
    long = "某某市某某区人民政府办公室政务公开和政务服务数据管理协调中心第一分中心"
    assert len(long) > 31
    a, b = names.take(long), names.take(long)
    assert len(a) == 31 and len(b) <= 31 and a != b and b.endswith("~2")
    assert names.take("区[财政]局:*?/\\") == "区_财政_局_____"
    assert names.take("任务") == "任务~2"
    assert names.take("Office") == "Office"
    assert names.take("OFFICE") == "OFFICE~2"  # Excel compares sheet names without case
    assert names.take("'引号'") == "引号"


def test_display_width_counts_cjk_double() -> None:
    assert display_width("区政数局") == 8
    assert display_width("2020年12月底前") == 14
    assert display_width("（一）") == 6
    assert wrapped_lines("区" * 30, 31) == 2
    assert wrapped_lines("ab\ncd", 10) == 2


def test_filters_region_year_and_unit_by_alias(two_regions: Path, tmp_path: Path) -> None:
    def ids(**filters: Any) -> set[str]:
        out = tmp_path / "f.jsonl"
        export(two_regions, out, "jsonl", **filters)
        return {json.loads(line)["task_id"] for line in out.read_text().splitlines()}

    nansha_sql = (
        "select task_id from v_tasks join v_notices using (notice_id) where region = '南沙区'"
    )
    nansha = {r[0] for r in stored(two_regions, nansha_sql)}
    assert len(nansha) == len(GOLD_2020["tasks"])
    assert ids(region="南沙区") == nansha
    assert ids(year=2020) == nansha
    assert ids(region="南沙区", year=2022) == set()
    everything = ids()
    assert len(everything) == len(nansha) + CONGHUA_TASKS
    assert ids(region="从化区") == ids(year=2022) == everything - nansha
    con = duckdb.connect(str(two_regions))  # a notice that names the city with the district
    con.execute("update notices set region = '广州市从化区' where region = '从化区'")
    con.close()
    assert ids(region="从化区") == ids(region="广州市从化区") == everything - nansha

    led_sql = "select distinct task_id from v_assignments where org = '区政务服务数据管理局'"
    led = {r[0] for r in stored(two_regions, led_sql)}
    assert len(led) == len(GOLD_2020_NAMING) + CONGHUA_NAMING_DATA_BUREAU
    assert ids(unit="区政务服务数据管理局") == led
    assert ids(unit="区政数局") == led  # the abbreviation, resolved to the unit
    assert ids(unit="区政数局", year=2020) == led & nansha
    with pytest.raises(FeedError, match="no unit named 区不存在局"):
        export(two_regions, tmp_path / "x.csv", "csv", unit="区不存在局")
    assert not (tmp_path / "x.csv").exists()


def test_cli_export_writes_each_format_and_refuses_bad_input_in_one_line(
    seeded: Path, tmp_path: Path
) -> None:
    def run(*args: str) -> Ran:
        return cli("export", "--db", str(seeded), *args)

    for fmt, name in [("jsonl", "t.jsonl"), ("csv", "t.csv"), ("xlsx", "t.xlsx")]:
        proc = run("--format", fmt, "--out", str(tmp_path / name), "--unit", "区政数局")
        assert proc.returncode == 0, proc.stderr
        assert f"17 tasks → {tmp_path / name}" in proc.stderr
        assert "latest change" in proc.stderr
    written = json.loads((tmp_path / "t.jsonl.schema.json").read_text(encoding="utf-8"))
    proc = cli("schema", "--record")
    assert proc.returncode == 0 and json.loads(proc.stdout) == written

    for args, message, code in [
        (["--since", "yesterday"], "--since 'yesterday': not a date or time", 2),
        (["--unit", "区无此局"], "no unit named 区无此局", 1),
        (["--db", str(tmp_path / "none.duckdb")], "no warehouse here", 1),
    ]:
        proc = run("--format", "csv", "--out", str(tmp_path / "bad.csv"), *args)
        assert proc.returncode == code
        assert "Traceback" not in proc.stderr
        assert message in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "bad.csv").exists()


def test_a_filter_that_matches_nothing_writes_empty_feeds_with_their_headers(
    seeded: Path, tmp_path: Path
) -> None:
    full, empty = tmp_path / "full.csv", tmp_path / "empty.csv"
    export(seeded, full, "csv")
    for fmt in ("jsonl", "csv", "parquet", "xlsx"):
        result = export(seeded, tmp_path / f"empty.{fmt}", fmt, year=1999)
        assert result.tasks == 0
    assert (tmp_path / "empty.jsonl").read_text() == ""
    assert (tmp_path / "empty.jsonl.schema.json").is_file()
    with full.open(encoding="utf-8-sig") as f, empty.open(encoding="utf-8-sig") as g:
        assert next(csv.reader(g)) == next(csv.reader(f))
    # Parquet: one file with the feed's columns and no rows, so every reader knows them
    empty_parquet = tmp_path / "empty.parquet"
    assert sorted(p.name for p in empty_parquet.iterdir()) == [
        ".fengong-export.json",
        "part-0.parquet",
    ]
    columns = pq.read_table(empty_parquet / "part-0.parquet")
    assert columns.num_rows == 0
    export(seeded, tmp_path / "full.parquet", "parquet")
    assert columns.schema == pq.read_table(tmp_path / "full.parquet" / "part-0.parquet").schema
    book = openpyxl.load_workbook(tmp_path / "empty.xlsx")
    assert book.sheetnames == ["任务"]
    assert [c.value for c in book["任务"][2]] == [*LEDGER_COLUMNS, "任务ID"]


def test_bad_targets_and_warehouses_are_refused_in_one_line(seeded: Path, tmp_path: Path) -> None:
    with pytest.raises(FeedError, match="is a folder"):
        export(seeded, tmp_path, "jsonl")
    with pytest.raises(FeedError, match="does not exist"):
        export(seeded, tmp_path / "no" / "t.csv", "csv")
    (tmp_path / "file.parquet").write_text("x")
    with pytest.raises(FeedError, match="is a file"):
        export(seeded, tmp_path / "file.parquet", "parquet")
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("create table t (x int)")
    con.close()
    with pytest.raises(WarehouseError, match="not a fengong warehouse"):
        export(other, tmp_path / "t.csv", "csv")
    with pytest.raises(FeedError, match="unknown format"):
        export(seeded, tmp_path / "t.xml", "xml")  # type: ignore[arg-type]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "file.parquet",
        "other.duckdb",
        "warehouse.duckdb",
    ]


# DuckDB writes the JSON lines and CSV cells; these pin them to the model and to csv_cell ----
@pytest.fixture(scope="module")
def varied_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Notices of three formats (a PDF's provenance has pages and boxes), one in traditional
    script, and a replaced notice that dropped tasks (removed records under --since)."""
    tmp = tmp_path_factory.mktemp("varied")
    db = tmp / "warehouse.duckdb"
    cut = tmp / "cut.txt"
    cut.write_bytes(SEED.read_bytes()[:9000])  # 40 of the 43 tasks
    constructed = SAMPLES / "constructed"
    files = [
        SEED,
        constructed / "c04-traditional.html",
        constructed / "m08-fengze-pdf-no-web-page.pdf",
    ]
    assert not ingest(files, db=db).failed
    assert ingest([cut], db=db, options=Options(replace=True)).count("replaced") == 1
    return db


@pytest.fixture
def varied(varied_once: Path, db: Path) -> Path:
    """The varied notices stored (the test's own copy)."""
    return copy_of(varied_once, db)


def _rows(db: Path, since: dt.datetime | None) -> list[dict[str, Any]]:
    with reading(db) as wh:
        rel = feeds.task_rows(wh.con, feeds.Filters(since=since))
        return rel.to_arrow_table().to_pylist()  # type: ignore[no-any-return]


@pytest.mark.parametrize("since", [None, dt.datetime(2000, 1, 1)])
def test_jsonl_lines_are_the_records_the_model_writes(
    varied: Path, tmp_path: Path, since: dt.datetime | None
) -> None:
    out = tmp_path / "t.jsonl"
    result = export(varied, out, "jsonl", since=since)
    lines = out.read_text(encoding="utf-8").splitlines()
    want = [json.loads(task_record(row).model_dump_json()) for row in _rows(varied, since)]
    assert [json.loads(line) for line in lines] == want
    assert result.tasks == len(want) and result.removed == sum(
        r["status"] == "removed" for r in want
    )
    assert (since is not None) == (result.removed > 0)
    assert any(r["provenance"]["location"]["bbox"] for r in want)  # the PDF's boxes


@pytest.mark.parametrize("raw", [False, True])
def test_csv_cells_are_the_cells_csv_cell_writes(varied: Path, tmp_path: Path, raw: bool) -> None:
    out = tmp_path / "t.csv"
    export(varied, out, "csv", since=dt.datetime(2000, 1, 1), raw_csv=raw)
    with out.open(encoding="utf-8-sig", newline="") as f:
        got = list(csv.reader(f))
    rows = _rows(varied, dt.datetime(2000, 1, 1))
    columns = [c for c in rows[0] if c != "assignments"]

    def cell(value: Any) -> str:
        if type(value) is list and all(type(v) is str for v in value):
            return csv_cell("、".join(value), raw)
        return csv_cell(value, raw)

    assert got == [columns, *([cell(r[c]) for c in columns] for r in rows)]


def test_chunks_of_the_feed_change_nothing_but_the_parquet_row_groups(
    varied: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The feeds are read a chunk of notices at a time (warehouse/feeds.task_chunks): a
    notice a chunk gives the same JSON lines and CSV bytes, and the same Parquet rows, as one
    chunk for all; a Parquet row group is a chunk, and a file takes chunks up to FILE_ROWS."""
    from pipeline import parquet_feed

    since = dt.datetime(2000, 1, 1)  # removed tasks too, counted across chunks
    whole = {
        fmt: export(varied, tmp_path / f"whole.{fmt}", fmt, since=since)
        for fmt in ("jsonl", "csv", "parquet")
    }
    notices = stored(varied, "select count(*) from notices")[0][0]
    assert notices == 3
    monkeypatch.setattr(feeds, "CHUNK_TASKS", 1)
    monkeypatch.setattr(parquet_feed, "ROW_GROUP_TASKS", 1)
    monkeypatch.setattr(parquet_feed, "FILE_ROWS", 50)
    for fmt in ("jsonl", "csv", "parquet"):
        result = export(varied, tmp_path / f"parts.{fmt}", fmt, since=since)
        assert (result.tasks, result.removed) == (whole[fmt].tasks, whole[fmt].removed)
        assert result.removed > 0
    for fmt in ("jsonl", "csv"):
        assert (tmp_path / f"parts.{fmt}").read_bytes() == (tmp_path / f"whole.{fmt}").read_bytes()

    one = pq.ParquetFile(tmp_path / "whole.parquet" / "part-0.parquet")
    assert one.metadata.num_row_groups == 1
    files = sorted((tmp_path / "parts.parquet").glob("part-*.parquet"))
    parts = [pq.ParquetFile(f) for f in files]
    groups = [pf.metadata.row_group(i) for pf in parts for i in range(pf.metadata.num_row_groups)]
    assert len(groups) == notices  # a row group a notice (a chunk)
    assert len(files) > 1 and all(
        pf.metadata.num_rows <= 50 or pf.metadata.num_row_groups == 1 for pf in parts
    )
    rows = [r for pf in parts for r in pf.read().to_pylist()]
    assert rows == one.read().to_pylist()
    # each row group's statistics name its one region: readers skip the others' groups
    leaves = [one.schema.column(i).path for i in range(len(one.schema))]
    region = leaves.index("region")
    for group in groups:
        stats = group.column(region).statistics
        assert stats is not None and stats.min == stats.max


def test_a_reader_that_closes_standard_output_early_ends_the_export_quietly(seeded: Path) -> None:
    """`fengong export --out - | head -1`: once the reader has closed the pipe, the export
    ends as every command does on a closed pipe (click: exit 1, nothing printed), not with an
    error line blaming `-`. A real process and a real pipe, closed before the first write."""
    import subprocess

    from tests.conftest import FENGONG

    for fmt in ("jsonl", "csv"):
        proc = subprocess.Popen(
            [*FENGONG, "export", "--db", str(seeded), "--format", fmt, "--out", "-"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        proc.stdout.close()  # the reader is gone before the feed is written
        err = proc.stderr.read() if proc.stderr else ""
        proc.wait(timeout=120)
        assert proc.returncode == 1
        assert "Error" not in err and "Traceback" not in err, err

"""The unit registry: units met in notices, a user's unit file of aliases and renames
(--units FILE), and `fengong units`, run through click's CliRunner on a real DuckDB file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from parsers.units import UnitFileError, load_registry, read_unit_file
from pipeline import ingest
from pipeline.units import list_units
from tests.conftest import SAMPLES, SEED
from tests.conftest import cli as run

CONSTRUCTED = SAMPLES / "constructed"


@pytest.fixture
def renames(tmp_path: Path) -> Path:
    """A reform renamed the district's data bureau; the user records it once."""
    path = tmp_path / "units.json"
    path.write_text(
        json.dumps(
            {
                "units": [
                    {
                        "name": "区政务和数据局",
                        "former_names": ["区政务服务数据管理局"],
                        "aliases": ["区数据局"],
                    }
                ]
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    return path


def test_a_rename_applies_after_the_abbreviation_is_expanded(renames: Path) -> None:
    reg = load_registry([renames])
    assert reg.canonical("区政数局") == "区政务和数据局"  # 区政数局 → 区政务服务数据管理局 → …
    assert reg.canonical("区政务服务数据管理局") == "区政务和数据局"
    assert reg.canonical("区数据局") == "区政务和数据局"
    assert load_registry().canonical("区政数局") == "区政务服务数据管理局"  # without the file


def test_ingest_with_a_unit_file_stores_the_new_name(db: Path, renames: Path) -> None:
    proc = run("ingest", str(SEED), "--db", str(db), "--units", str(renames), "-q")
    assert proc.returncode == 0, proc.stderr
    out = run("units", "--db", str(db), "--format", "json")
    assert out.returncode == 0, out.stderr
    units = {u["org"]: u for u in json.loads(out.stdout)}
    assert "区政务服务数据管理局" not in units
    bureau = units["区政务和数据局"]
    assert {"区政务服务数据管理局", "区政数局", "区数据局"} <= set(bureau["aliases"])
    assert bureau["roles"]["lead"] == 7
    assert [n["region"] for n in bureau["notices"]] == ["南沙区"]


def test_listing_merges_names_stored_before_the_rename(db: Path, renames: Path) -> None:
    ingest([SEED], db=db)  # stored under the old name
    before = {u.org for u in list_units(db)}
    assert "区政务服务数据管理局" in before
    after = {u.org: u for u in list_units(db, (str(renames),))}
    assert "区政务服务数据管理局" not in after
    assert "区政务服务数据管理局" in after["区政务和数据局"].aliases


def test_units_from_several_notices_with_role_counts_as_csv(db: Path) -> None:
    ingest([CONSTRUCTED / "c04-traditional.html", CONSTRUCTED / "c03-preamble-list.html"], db=db)
    proc = run("units", "--db", str(db), "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    rows = {(r["region"], r["org"]): r for r in csv.DictReader(io.StringIO(proc.stdout))}
    # two districts' 区政府办公室 are two units, each with its own counts (the golds')
    siming, yinzhou = rows["思明区", "区政府办公室"], rows["鄞州区", "区政府办公室"]
    assert siming["notices"] == "思明区 2017" and yinzhou["notices"] == "鄞州区 2019"
    assert "區政府辦公室" in siming["aliases"].split("、")  # the traditional form printed
    assert "區政府辦公室" not in yinzhou["aliases"].split("、")  # … in 思明区 only
    assert (int(siming["lead"]), int(siming["coordinator"])) == (3, 1)
    assert (int(yinzhou["lead"]), int(yinzhou["coordinator"])) == (1, 3)
    assert rows["鄞州区", "各镇（街道）"]["collective"] == "true"  # CSV booleans as JSON writes
    table = run("units", "--db", str(db))
    assert table.returncode == 0 and "区政府办公室" in table.stdout


def test_a_bad_unit_file_is_one_line_naming_it(db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "units.json"
    bad.write_text('{"units": [{"aliases": ["区数据局"]}]}', encoding="utf-8")
    with pytest.raises(UnitFileError, match="needs a name"):
        read_unit_file(bad)
    proc = run("ingest", str(SEED), "--db", str(db), "--units", str(bad))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert str(bad) in proc.stderr and "units[0] needs a name" in proc.stderr
    assert not db.exists()  # nothing was written
    bad.write_text("{not json", encoding="utf-8")
    proc = run("units", "--db", str(db), "--units", str(bad))
    assert proc.returncode == 2 and "not a UTF-8 JSON unit file" in proc.stderr


def test_units_on_a_missing_warehouse(tmp_path: Path) -> None:
    proc = run("units", "--db", str(tmp_path / "none.duckdb"))
    assert proc.returncode == 1
    assert "no warehouse here" in proc.stderr and "Traceback" not in proc.stderr


def test_list_units_takes_an_open_warehouse_as_it_declares(db: Path) -> None:
    from pipeline.reading import reading

    ingest([SEED], db=db)
    by_path = list_units(db)
    with reading(db) as wh:
        assert list_units(wh) == by_path
        assert wh.con.execute("select count(*) from notices").fetchone() == (1,)  # still open
    assert {u.org for u in by_path} >= {"区政务服务数据管理局", "区卫生健康局"}

"""The Parquet feed read by the engines analysts use — DuckDB, pyarrow, pandas, polars and a
real Spark — each must see the same regions (南沙区 as 南沙区), the placeholder region of a
notice with no region, and the same rows; Spark runs the README's recipe (filter by region,
tasks led per unit per year) against the hand-made gold answers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from pipeline import ingest
from pipeline.export import export
from pipeline.parquet_feed import MARKER, NO_REGION, NO_YEAR
from tests.conftest import GOLD, SAMPLES, SEED
from tests.small_notices import CONGHUA_TASKS, write_conghua

NANSHA_2021 = SAMPLES / "constructed" / "nansha-2021.txt"
NO_REGION_NOTICE = """关于印发政务公开工作要点分工方案的通知

各单位：

　　现将《政务公开工作要点分工方案》印发给你们，请认真贯彻执行。

政务公开工作领导小组办公室

政务公开工作要点分工方案

一、加强政策解读

（一）做好重大政策解读。

1.围绕重大政策开展解读。

办公室牵头，各科室配合。

2.规范政策解读材料发布。

信息科负责。
"""


def gold_leads(name: str) -> Counter[tuple[int, str]]:
    gold = json.loads((GOLD / name).read_text(encoding="utf-8"))
    year = gold["notice"]["year"]
    return Counter(
        (year, a["org"]) for t in gold["tasks"] for a in t["assignments"] if a["role"] == "lead"
    )


@pytest.fixture(scope="module")
def feed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("engines")
    (tmp / "no-region.txt").write_text(NO_REGION_NOTICE, encoding="utf-8")
    db = tmp / "w.duckdb"
    report = ingest([SEED, NANSHA_2021, write_conghua(tmp), tmp / "no-region.txt"], db=db)
    assert report.count("ingested") == 4, [r.error for r in report.failed]
    out = tmp / "tasks"
    export(db, out, "parquet")
    return out


TASKS = {"南沙区": 43 + 43, "从化区": CONGHUA_TASKS, NO_REGION: 2}


def test_the_folder_is_one_file_in_the_feeds_order_with_a_named_placeholder_and_a_marker(
    feed: Path,
) -> None:
    import pyarrow.parquet as pq

    assert sorted(p.name for p in feed.iterdir()) == [MARKER, "part-0.parquet"]
    table = pq.read_table(feed / "part-0.parquet")
    runs = list(zip(table["region"].to_pylist(), table["year"].to_pylist(), strict=True))
    assert list(dict.fromkeys(runs)) == [
        ("从化区", 2022),
        ("南沙区", 2020),
        ("南沙区", 2021),
        (NO_REGION, NO_YEAR),
    ]  # sorted by region and year, a notice with neither last, as in the other feeds
    assert table["notice_region"].to_pylist() == table["region"].to_pylist()
    assert table["notice_year"].to_pylist() == table["year"].to_pylist()


def test_duckdb_reads_the_regions(feed: Path) -> None:
    import duckdb

    rows = duckdb.sql(
        f"select region, count(*), count(distinct notice_region) from read_parquet("
        f"'{feed}/*.parquet') group by region"
    ).fetchall()
    assert {r[0]: r[1] for r in rows} == TASKS
    assert all(r[2] == 1 for r in rows)


def test_pyarrow_and_pandas_read_the_regions(feed: Path) -> None:
    import pandas as pd
    import pyarrow.dataset as ds

    table = ds.dataset(feed, format="parquet").to_table()
    assert Counter(table.column("region").to_pylist()) == TASKS
    # the values inside the files are the folder's
    assert table.column("region").to_pylist() == table.column("notice_region").to_pylist()
    assert table.column("year").to_pylist() == table.column("notice_year").to_pylist()
    frame = pd.read_parquet(feed)  # the folder (the marker, a dot file, is left out)
    assert Counter(map(str, frame["region"])) == TASKS
    assert int((frame["region"] == "南沙区").sum()) == 86


def test_polars_reads_the_regions(feed: Path) -> None:
    pl = pytest.importorskip("polars", reason="polars is not installed (a dev dependency)")
    frame = pl.read_parquet(f"{feed}/*.parquet")
    assert Counter(frame["region"].to_list()) == TASKS
    assert frame.filter(pl.col("region") == "南沙区").height == 86


def _spark_missing() -> str | None:
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java runtime (apt-get install default-jre-headless; .ci/run does)"
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (a dev dependency: make install)"
    try:
        subprocess.run(["java", "-version"], capture_output=True, timeout=60, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"java does not run: {exc}"
    return None


def test_spark_filters_by_region_and_counts_tasks_led_per_unit_per_year(feed: Path) -> None:
    """The README's recipe, on a real local Spark: where region = '南沙区', then the tasks
    each unit leads in each year, against the gold answers of 2020 and 2021."""
    missing = _spark_missing()
    if missing:
        pytest.skip(missing)
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    spark = (
        SparkSession.builder.master("local[1]")
        .appName("fengong-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        # a short job: the JVM's quick compiler only (C1), and no adaptive re-planning
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1")
        .config("spark.sql.adaptive.enabled", "false")
        .getOrCreate()
    )
    try:
        tasks = spark.read.parquet(str(feed))
        regions = {r["region"] for r in tasks.select("region").distinct().collect()}
        assert regions == set(TASKS)
        led = (
            tasks.where("region = '南沙区'")
            .select("year", F.explode("lead").alias("unit"))
            .groupBy("year", "unit")
            .agg(F.count("*").alias("tasks_led"))
            .collect()
        )
        got = Counter({(r["year"], r["unit"]): r["tasks_led"] for r in led})
        assert got == gold_leads("nansha-2020.gold.json") + gold_leads("nansha-2021.gold.json")
        assert tasks.where(F.col("region") == NO_REGION).count() == 2
    finally:
        spark.stop()

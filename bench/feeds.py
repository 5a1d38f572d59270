"""How long the feeds take: each export format, the notebook API's tasks(), and the unit
listings (a unit is a name within a region: 20 districts' 区政务服务数据管理局), on the seed
copied under 20 district names (20 notices, 860 tasks) in a fresh warehouse.

    .venv/bin/python -m bench.feeds

Best of several runs, after a warm-up.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fengong import list_units, unit_histories
from pipeline import ingest, tasks
from pipeline.export import FORMATS, export

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "samples" / "000_5d162360d2d8264b.txt"
NAMES = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"  # 20 made-up districts: 甲区 … 酉区
RUNS = 5


def best(run: Callable[[], object]) -> float:
    run()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    text = SEED.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in NAMES:
            (folder / f"{name}.txt").write_text(text.replace("南沙", name), encoding="utf-8")
        db = folder / "bench.duckdb"
        report = ingest([folder], db=db)
        count = len(tasks(db=db))
        print(f"{report.count('ingested')} notices, {count} tasks")
        for fmt in FORMATS:
            out = folder / f"feed.{fmt}"
            ms = best(lambda out=out, fmt=fmt: export(db, out, fmt)) * 1000
            print(f"export --format {fmt}: {ms:.0f} ms")
        out = folder / "units.xlsx"
        ms = best(lambda: export(db, out, "xlsx", unit_sheets=True)) * 1000
        print(f"export --format xlsx --unit-sheets: {ms:.0f} ms")
        ms = best(lambda: tasks(db=db).df()) * 1000
        print(f"tasks().df(): {ms:.0f} ms")
        # a unit every district holds: resolved in each region apart (pipeline/regional_units)
        out = folder / "unit.jsonl"
        ms = best(lambda: export(db, out, "jsonl", unit="区政数局")) * 1000
        print(f"export --format jsonl --unit 区政数局: {ms:.0f} ms")
        ms = best(lambda: list_units(db)) * 1000
        print(f"list_units (fengong units): {ms:.0f} ms")
        ms = best(lambda: unit_histories("区政数局", db=str(db))) * 1000
        print(f"unit_histories (fengong unit 区政数局, {len(NAMES)} regions): {ms:.0f} ms")


if __name__ == "__main__":
    main()

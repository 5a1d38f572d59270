"""How long the year-over-year alignment adds to an ingest: aligning the seed's 2020 tasks with
the constructed 2021 (43 × 43), and the same plans five times over (215 × 215).

    .venv/bin/python -m bench.links

Best of several runs, after a warm-up.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from warehouse.align import TaskText, align

GOLD = Path(__file__).resolve().parent.parent / "tests" / "gold"
RUNS = 7


def tasks(name: str, times: int = 1) -> list[TaskText]:
    gold = json.loads((GOLD / name).read_text(encoding="utf-8"))
    return [TaskText(f"{i}", t["text"]) for i, t in enumerate(gold["tasks"] * times)]


def best(before: list[TaskText], after: list[TaskText]) -> float:
    align(before, after)
    runs = []
    for _ in range(RUNS):
        start = time.perf_counter()
        align(before, after)
        runs.append(time.perf_counter() - start)
    return min(runs)


def main() -> None:
    for times in (1, 5):
        before = tasks("nansha-2020.gold.json", times)
        after = tasks("nansha-2021.gold.json", times)
        ms = best(before, after) * 1000
        print(f"align {len(before)} × {len(after)} tasks: {ms:.1f} ms")


if __name__ == "__main__":
    main()

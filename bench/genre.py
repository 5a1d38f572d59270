"""How long the shared structure/NLP stage takes on text and HTML notices of every shape in
samples/: `pipeline.parse` in-process (reader, structure, clauses), after one warm-up call;
each timed parse reads the file afresh (pipeline.parsing.forget_readings: no clause reading or
cell kind kept from the run before), as a notice unlike any parsed before it.

    .venv/bin/python -m bench.genre [FILE ...]   # default: the seed, its HTML form, constructed/

Prints best and median of RUNS per file; the target (issue 7) is 20 ms for a text/HTML notice.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from pipeline import parse
from pipeline.parsing import forget_readings

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
RUNS = 21


def default_files() -> list[Path]:
    constructed = sorted(
        p for p in (SAMPLES / "constructed").iterdir() if p.suffix in (".txt", ".html")
    )
    return [SAMPLES / "000_5d162360d2d8264b.txt", SAMPLES / "nansha-2020-gbk.html", *constructed]


def main(argv: list[str]) -> None:
    files = [Path(a) for a in argv] or default_files()
    parse(files[0])  # imports, spaCy pipeline, registry and lexicon: once per process
    for path in files:
        parse(path)
        times = []
        for _ in range(RUNS):
            forget_readings()
            start = time.perf_counter()
            notice = parse(path)
            times.append((time.perf_counter() - start) * 1000)
        print(
            f"{path.name:<34} {len(notice.tasks):>3} tasks  best {min(times):5.1f} ms"
            f"  median {statistics.median(times):5.1f} ms"
        )


if __name__ == "__main__":
    main(sys.argv[1:])

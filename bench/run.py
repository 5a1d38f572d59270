"""fengong's speed and memory against the targets of a 2-core machine (`make bench`).

    .venv/bin/python -m bench.run            # everything (~5 min)
    .venv/bin/python -m bench.run --quick    # fewer runs, no 1,000-notice scaling point

Measures, and prints as Markdown for the README:
- the machine (CPUs, memory, CPU model, load at start: other work on the box skews figures);
- one notice per format parsed in-process after a warm-up (best and median of N), the PDF
  against pdfplumber's own extract_tables() on the same file;
- `fengong parse` of a text notice and `fengong --help` as whole processes (median of N);
- `fengong ingest` of generated notices (bench/variants.py) as a whole process: 1,000
  notices, 200 notices, time against the number of notices (100/300/1,000), the effect of
  --jobs, and the peak memory of the process tree (the writer plus its parser workers).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bench.variants import write

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FENGONG = [sys.executable, "-m", "pipeline.cli"]
ONE = {
    "text": SAMPLES / "000_5d162360d2d8264b.txt",
    "html": SAMPLES / "nansha-2020-gbk.html",
    "docx": SAMPLES / "nansha-2020.docx",
    "pdf": SAMPLES / "nansha-2020.pdf",
}


def machine() -> list[str]:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()
    mem = free[1].split()[1] if len(free) > 1 else "?"
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return [
        f"- CPUs: {os.cpu_count()} (`nproc`: {len(os.sched_getaffinity(0))}), {model}",
        f"- memory: {mem} (`free -h`); Python {platform.python_version()}; load at start {load}",
    ]


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    fn()  # warm-up: imports, spaCy pipeline, unit registry
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def first_read(path: Path) -> object:
    """pipeline.parse of a file read afresh: nothing kept from a parse before
    (pipeline.parsing.forget_readings), as a notice unlike any parsed before it."""
    from pipeline import parse
    from pipeline.parsing import forget_readings

    forget_readings()
    return parse(path)


def in_process(runs: int) -> list[str]:
    import pdfplumber

    from parsers import pdf as pdf_reader

    lines = ["| format | file | best | median |", "|---|---|---|---|"]
    for fmt, path in ONE.items():
        best, median = timed(lambda path=path: first_read(path), runs)
        lines.append(f"| {fmt} | {path.name} | {best * 1000:.1f} ms | {median * 1000:.1f} ms |")

    data = ONE["pdf"].read_bytes()

    def tables() -> None:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                page.extract_tables(pdf_reader.TABLE_SETTINGS)
                page.close()

    whole, _ = timed(lambda: first_read(ONE["pdf"]), runs)
    base, _ = timed(tables, runs)
    lines.append(
        f"\nPDF: fengong's whole parse {whole * 1000:.0f} ms vs pdfplumber's extract_tables() "
        f"{base * 1000:.0f} ms on the same file = {whole / base:.2f}×"
    )
    return lines


def whole_process(runs: int) -> list[str]:
    """Wall time, and CPU time (user + system), which other load on the machine skews less."""
    lines = ["| command | wall, median | wall, best | CPU, median |", "|---|---|---|---|"]
    for label, args in [
        ("`fengong --help`", ["--help"]),
        ("`fengong parse` text notice", ["parse", str(ONE["text"])]),
        ("`fengong parse` HTML notice", ["parse", str(ONE["html"])]),
        ("`fengong parse` DOCX notice", ["parse", str(ONE["docx"])]),
    ]:
        walls, cpus = [], []
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run([*FENGONG, *args], check=True, capture_output=True)
            walls.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        lines.append(
            f"| {label} | {statistics.median(walls):.2f} s | {min(walls):.2f} s "
            f"| {statistics.median(cpus):.2f} s |"
        )
    return lines


class TreeMemory:
    """Peak memory (PSS) of a process and all its descendants, sampled from /proc (the tree
    found again every second, its PSS read every 0.2 s: sampling every 0.05 s took ~15% of a
    core from the processes it measured), and the CPU seconds (user + system) the tree's
    processes had used when last seen."""

    def __init__(self, pid: int, interval: float = 0.2, rescan: float = 1.0) -> None:
        self.pid = pid
        self.peak_total = 0
        self.peak_single = 0
        self._ticks: dict[int, int] = {}
        self._interval, self._rescan = interval, rescan
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @property
    def cpu(self) -> float:
        """CPU seconds of every process of the tree, as last sampled."""
        return sum(self._ticks.values()) / os.sysconf("SC_CLK_TCK")

    def _run(self) -> None:
        tree: list[int] = []
        found = 0.0
        while not self._stop.is_set():
            if time.monotonic() - found >= self._rescan:
                tree, found = self._tree(), time.monotonic()
            rss = [self._rss(p) for p in tree]
            for p in tree:
                try:
                    fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                self._ticks[p] = int(fields[11]) + int(fields[12])  # utime + stime
            self.peak_total = max(self.peak_total, sum(rss))
            self.peak_single = max([self.peak_single, *rss])
            self._stop.wait(self._interval)

    def _tree(self) -> list[int]:
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        tree, frontier = [self.pid], [self.pid]
        while frontier:
            frontier = [p for p, parent in parents.items() if parent in frontier]
            tree += frontier
        return tree

    @staticmethod
    def _rss(pid: int) -> int:
        """Proportional set size: pages shared with the fork server (spaCy, the registry) are
        split between the processes that share them instead of counted in each."""
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def ingest(folder: Path, db: Path, *extra: str) -> tuple[float, TreeMemory, str]:
    start = time.perf_counter()
    proc = subprocess.Popen(
        [*FENGONG, "ingest", str(folder), "--db", str(db), "-q", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    memory = TreeMemory(proc.pid)
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    memory.stop()
    if proc.returncode != 0:
        raise SystemExit(f"ingest failed: {err}")
    return seconds, memory, err.strip().splitlines()[-1]


def batches(quick: bool) -> list[str]:
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sizes = [100, 300] if quick else [100, 300, 1000]
        folders = {n: root / f"n{n}" for n in [*sizes, 200]}
        for n, folder in folders.items():
            write(folder, n, seed=n)

        lines += [
            "| notices | seconds | notices/s | ms per notice | peak PSS (all processes / largest) |"
        ]
        lines += ["|---|---|---|---|---|"]
        for n in sizes:
            seconds, mem, _ = ingest(folders[n], root / f"n{n}.duckdb")
            lines.append(
                f"| {n} | {seconds:.1f} | {n / seconds:.0f} | {seconds / n * 1000:.0f} | "
                f"{mem.peak_total / 2**20:.0f} MiB / {mem.peak_single / 2**20:.0f} MiB |"
            )
        lines += ["", "| 200 notices | seconds | notices/s |", "|---|---|---|"]
        for jobs in ["0", "1", "2"]:
            seconds, _, _ = ingest(folders[200], root / f"j{jobs}.duckdb", "--jobs", jobs)
            lines.append(f"| `--jobs {jobs}` | {seconds:.1f} | {200 / seconds:.0f} |")

        # where worker processes start to pay back their start-up
        lines += ["", "| batch | `--jobs 0` | `--jobs 2` |", "|---|---|---|"]
        for n in [4, 12, 30]:
            folder = root / f"small{n}"
            write(folder, n, seed=1000 + n)
            row = []
            for jobs in ["0", "2"]:
                db = root / f"small{n}-{jobs}.duckdb"
                seconds, _, _ = ingest(folder, db, "--jobs", jobs, "--timeout", "60")
                row.append(f"{seconds:.2f} s")
            lines.append(f"| {n} | {row[0]} | {row[1]} |")
    return lines


def profile_store(n: int = 100) -> list[str]:
    """Where the writer's time goes: parse (one process) vs store per notice."""
    from pipeline import parse
    from warehouse.store import Warehouse

    with tempfile.TemporaryDirectory() as tmp:
        files = write(Path(tmp) / "p", n, seed=99)
        parse(files[0])
        start, cpu = time.perf_counter(), time.process_time()
        notices = [parse(f) for f in files]
        parsing = (time.perf_counter() - start) / n, (time.process_time() - cpu) / n
        with Warehouse.open(Path(tmp) / "p.duckdb") as wh:
            wh.sql("SET threads = 1")  # as fengong ingest runs it
            start, cpu = time.perf_counter(), time.process_time()
            for notice in notices:
                wh.store(notice)
            storing = (time.perf_counter() - start) / n, (time.process_time() - cpu) / n
    return [
        f"Per notice, one process, {n} generated notices: parse {parsing[0] * 1000:.1f} ms "
        f"(CPU {parsing[1] * 1000:.1f} ms), store {storing[0] * 1000:.1f} ms "
        f"(CPU {storing[1] * 1000:.1f} ms; one transaction each)."
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer runs, smaller batches")
    ap.add_argument("--only", help="run the sections whose title contains this word")
    args = ap.parse_args()
    runs = 5 if args.quick else 15
    sections: list[tuple[str, Callable[[], list[str]]]] = [
        ("Machine", machine),
        ("One notice, in-process (after warm-up)", lambda: in_process(runs)),
        ("Whole process", lambda: whole_process(3 if args.quick else 7)),
        ("Writer", profile_store),
        ("Batches (`fengong ingest` of generated notices, fresh warehouse)",
         lambda: batches(args.quick)),
    ]  # fmt: skip
    for title, fn in sections:
        if args.only and args.only.lower() not in title.lower() and title != "Machine":
            continue
        print(f"\n### {title}\n", flush=True)
        print("\n".join(fn()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How fast the Word and PDF readers are, against the targets: a DOCX notice parsed in-process
within 150 ms; the PDF reader within 1.3x pdfplumber's own `extract_tables()` on the same file.

    .venv/bin/python -m bench.readers [FILE ...]    # default: the DOCX and PDF forms in samples/
    .venv/bin/python -m bench.readers --pages 150   # a long ruled table, 5 pages vs 150

Best of several runs, after a warm-up (imports and spaCy loaded once, as in a batch). With
`--pages N`, a plan table over N pages is drawn with reportlab (a 5-page one beside it) and
the PDF reader is timed against `extract_tables()` on both, with the Python heap's peak
(tracemalloc) while reading each: memory should not grow with the number of pages.
"""

from __future__ import annotations

import io
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pdfplumber

from bench.run import first_read
from parsers import pdf as pdf_reader
from parsers.sniff import sniff

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
DEFAULT = ["nansha-2020.docx", "nansha-2020.pdf", "nansha-2020-lo.pdf"]
RUNS = 7


def best(fn: Callable[[], object], runs: int = RUNS) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def extract_tables(data: bytes) -> None:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_tables(pdf_reader.TABLE_SETTINGS)
            page.close()


def long_pdf(pages: int) -> bytes:
    """A ruled plan table running over `pages` A4 pages (reportlab, repeated header row)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    rows = [["序号", "工作任务", "牵头单位", "配合单位", "完成时限"]]
    rows += [
        [str(i), f"第{i}项工作任务，按计划推进落实。", "区政数局", "区各单位", "2024年6月底前"]
        for i in range(1, 28 * pages)
    ]
    table = Table(rows, colWidths=[40, 230, 80, 80, 80], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "STSong-Light", 10),
                ("GRID", (0, 0), (-1, -1), 0.6, "black"),
            ]
        )
    )
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build([table])
    return buf.getvalue()


def peak(fn: Callable[[], object]) -> float:
    """The Python heap's peak while `fn` runs, in MiB."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def long_documents(pages: int) -> None:
    for n in (5, pages):
        data = long_pdf(n)
        reader = best(lambda data=data: pdf_reader.parse(data), runs=3)
        base = best(lambda data=data: extract_tables(data), runs=3)
        heap = peak(lambda data=data: pdf_reader.parse(data))
        print(
            f"{n} pages: PDF reader {reader * 1000:.0f} ms vs extract_tables() "
            f"{base * 1000:.0f} ms = {reader / base:.2f}x; heap peak {heap:.1f} MiB"
        )


def main(argv: list[str]) -> int:
    if argv[:1] == ["--pages"]:
        long_documents(int(argv[1]))
        return 0
    paths = [Path(a) for a in argv] or [SAMPLES / name for name in DEFAULT]
    for path in paths:
        data = path.read_bytes()
        whole = best(lambda path=path: first_read(path))
        line = f"{path.name}: parse (reader + structure + clauses) {whole * 1000:.0f} ms"
        if sniff(data) == "pdf":
            reader = best(lambda data=data: pdf_reader.parse(data))
            base = best(lambda data=data: extract_tables(data))
            line += (
                f"; PDF reader {reader * 1000:.0f} ms vs extract_tables() {base * 1000:.0f} ms"
                f" = {reader / base:.2f}x"
            )
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

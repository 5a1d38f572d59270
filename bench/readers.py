"""How fast the Word and PDF readers are, against the targets: a DOCX notice parsed in-process
within 150 ms; the PDF reader within 1.3x pdfplumber's own `extract_tables()` on the same file.

    .venv/bin/python -m bench.readers [FILE ...]    # default: the DOCX and PDF forms in samples/

Best of several runs, after a warm-up (imports and spaCy loaded once, as in a batch).
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pdfplumber

from parsers import pdf as pdf_reader
from parsers.sniff import sniff
from pipeline import parse

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


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or [SAMPLES / name for name in DEFAULT]
    for path in paths:
        data = path.read_bytes()
        whole = best(lambda path=path: parse(path))
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

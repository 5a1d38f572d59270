"""The clause corpus (tests/clauses/*.jsonl): composed responsibility clauses in every phrasing
of the gold conventions' role table and real-page conventions, each with the (org, role) list
its conventions give (written from the conventions, never from fengong's output; see
tests/clauses/README.md). Each entry becomes a small notice whose first task carries the
clause in the entry's layout; the test reads it and compares. The score per phrasing kind is
printed at the end of the run (pytest -s, or in the terminal summary): each test hands its
(kind, right) to its report, so the summary counts them whichever process ran the test (pytest-xdist
workers too; tests/conftest.py).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline import parse

CORPUS = Path(__file__).parent / "clauses"
PLACE = {
    "区": ("南沙区", "南沙區"),
    "市": ("江门市", "江門市"),
    "县": ("博罗县", "博羅縣"),
    "省": ("广东省", "廣東省"),
}
TITLE_TAIL = ("年工作要点分工方案", "年工作要點分工方案")
HEADING = ("一、重点工作", "一、重點工作")
HEADER = (("序号", "工作任务"), ("序號", "工作任務"))
# (kind, fully right) per test, counted from the test reports by tests/conftest.py
SCORE_PROPERTY = "clause_corpus_score"
SCORES: Counter[tuple[str, bool]] = Counter()


def entries() -> Iterator[dict[str, Any]]:
    for path in sorted(CORPUS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield json.loads(line)


def render(e: dict[str, Any]) -> str:
    """The notice an entry stands in: a plan title, the preamble sentence, one heading and
    one task carrying the clause in the entry's layout."""
    t = 1 if e.get("script") == "traditional" else 0
    lines = [f"{PLACE[e.get('region_level', '市')][t]}{e['year']}{TITLE_TAIL[t]}"]
    if e.get("preamble"):
        lines.append("　　" + e["preamble"])
    lines.append(HEADING[t])
    task, clause, layout = e["task"], e.get("clause"), e["layout"]
    if layout == "inline":
        lines.append(f"1.{task}{clause}")
    elif layout == "bracket":
        opening, closing = e.get("wrap") or ["（", "）"]
        lines.append(f"1.{task}{opening}{clause}{closing}")
    elif layout == "labelled":
        lines += [f"1.{task}", *clause.split("\n")]
    else:
        columns = e.get("columns") or [[e["column"], clause]]
        header = [*HEADER[t], *(h for h, _ in columns)]
        row = ["1", task, *(c for _, c in columns)]
        if any("\n" in c for c in row):  # a cell over two lines: printed a cell a line
            for cells in (header, row):
                lines.append("|")
                for cell in cells:
                    lines += [cell, "|"]
        else:
            lines += ["| " + " | ".join(header) + " |", "| " + " | ".join(row) + " |"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("entry", list(entries()), ids=lambda e: str(e["id"]))
def test_clause(entry: dict[str, Any], tmp_path: Path, request: pytest.FixtureRequest) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(render(entry), encoding="utf-8")
    first = parse(path).tasks[0]
    got = Counter((a.org, a.role) for a in first.assignments)
    want = Counter((org, role) for org, role in entry["expected"])
    ok = got == want
    if "expected_deadline" in entry:
        ok = ok and (str(first.deadline) if first.deadline else None) == entry["expected_deadline"]
    request.node.user_properties.append((SCORE_PROPERTY, (entry["kind"], ok)))
    assert got == want, entry["why"]
    if "expected_deadline" in entry:
        assert (str(first.deadline) if first.deadline else None) == entry["expected_deadline"]


def score_lines() -> list[str]:
    """The score per phrasing kind, for the terminal summary (tests/conftest.py)."""
    kinds = sorted({kind for kind, _ in SCORES})
    lines = []
    for kind in kinds:
        right, total = SCORES[kind, True], SCORES[kind, True] + SCORES[kind, False]
        lines.append(f"{kind:<16} {right:>3}/{total:<3} fully right")
    return lines

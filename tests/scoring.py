"""Scores a stored notice against a gold file (GOLD-GUIDE conventions), from the public views.

Text is compared after NFKC, without white space and trailing punctuation; unit names without
a second plate, and 区各单位 the same as 各单位.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb


def norm_text(s: str | None) -> str:
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))
    return s.rstrip("。；;.，,")


def norm_org(s: str) -> str:
    s = norm_text(s)
    if not s.startswith("各"):
        s = re.sub(r"\([^()]*\)$", "", s)
    m = re.match(r"^[区市县](各.+)$", s)
    return m[1] if m else s


def f1(got: set[Any], want: set[Any]) -> float:
    if not got and not want:
        return 1.0
    tp = len(got & want)
    return 2 * tp / (len(got) + len(want))


@dataclass
class Score:
    meta_ok: int
    meta_bad: list[str]
    sections: float
    tasks: float
    assignments: float
    deadlines_ok: int
    inherited_ok: int
    n_tasks: int
    n_assignments: int
    missing: list[Any]
    unexpected: list[Any]


META = [
    "plan_title",
    "title",
    "issuer",
    "region",
    "year",
    "publish_date",
    "sign_date",
    "doc_number",
]


def score(db: Path, gold_path: Path) -> Score:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    con = duckdb.connect(str(db), read_only=True)
    try:
        want_title = norm_text(gold["notice"]["plan_title"])
        rows = con.execute("select * from v_notices").fetchall()
        cols = [d[0] for d in con.description]
        notices = [dict(zip(cols, r, strict=True)) for r in rows]
        meta = next(n for n in notices if norm_text(n["plan_title"]) == want_title)
        nid = meta["notice_id"]
        bad = []
        for f in META:
            w, g = gold["notice"].get(f), meta.get(f)
            w = None if w in ("", None) else norm_text(str(w))
            g = None if g in ("", None) else norm_text(str(g))
            if w != g and not (f == "region" and w and g and w in g):
                bad.append(f"{f}: want {w!r} got {g!r}")
        secs = {
            (norm_text(k), norm_text(t))
            for k, t in con.execute(
                "select section_key, title from v_sections where notice_id = ?", [nid]
            ).fetchall()
        }
        tasks = con.execute(
            "select task_key, text, deadline from v_tasks where notice_id = ?", [nid]
        ).fetchall()
        asg = con.execute(
            "select task_key, org, role, inherited from v_assignments where notice_id = ?", [nid]
        ).fetchall()
    finally:
        con.close()
    g_secs = {(norm_text(s["key"]), norm_text(s["title"])) for s in gold["sections"]}
    g_tasks = {(norm_text(t["key"]), norm_text(t["text"])) for t in gold["tasks"]}
    got_tasks = {(norm_text(k), norm_text(x)) for k, x, _ in tasks}
    got_deadline = {norm_text(k): (str(d) if d else None) for k, _, d in tasks}
    g_asg = {
        (norm_text(t["key"]), norm_org(a["org"]), a["role"]): bool(a["inherited"])
        for t in gold["tasks"]
        for a in t["assignments"]
    }
    got_asg = {(norm_text(k), norm_org(o), r): bool(i) for k, o, r, i in asg}
    return Score(
        meta_ok=len(META) - len(bad),
        meta_bad=bad,
        sections=f1(secs, g_secs),
        tasks=f1(got_tasks, g_tasks),
        assignments=f1(set(got_asg), set(g_asg)),
        deadlines_ok=sum(
            1 for t in gold["tasks"] if got_deadline.get(norm_text(t["key"]), "?") == t["deadline"]
        ),
        inherited_ok=sum(1 for k, v in got_asg.items() if g_asg.get(k) == v),
        n_tasks=len(gold["tasks"]),
        n_assignments=len(g_asg),
        missing=sorted(set(g_asg) - set(got_asg))[:10] + sorted(g_tasks - got_tasks)[:10],
        unexpected=sorted(set(got_asg) - set(g_asg))[:10] + sorted(got_tasks - g_tasks)[:10],
    )


# Year-over-year diffs ----------------------------------------------------------------------

OWNER_ROLES = ("lead", "responsible", "coordinator", "implementer")


def owners(pairs: list[tuple[str, str]]) -> frozenset[str]:
    """A task's owners: its lead units, else responsible, else coordinator, else implementer."""
    for role in OWNER_ROLES:
        found = frozenset(norm_org(org) for r, org in pairs if r == role)
        if found:
            return found
    return frozenset()


@dataclass
class DiffScore:
    links: float
    owner_changes: float
    n_owner_changes: int
    missing: list[Any]
    unexpected: list[Any]


def score_diff(db: Path, diff_path: Path, gold_from: Path, gold_to: Path) -> DiffScore:
    """v_task_links and the owners in v_assignments against a gold diff (*.diff.json)."""
    diff = json.loads(diff_path.read_text(encoding="utf-8"))
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in (gold_from, gold_to)]
    con = duckdb.connect(str(db), read_only=True)
    try:
        titles = dict(con.execute("select plan_title, notice_id from v_notices").fetchall())
        by_title = {norm_text(t): nid for t, nid in titles.items()}
        ids = [by_title[norm_text(g["notice"]["plan_title"])] for g in golds]
        links = con.execute(
            "select from_task_key, to_task_key from v_task_links "
            "where from_notice_id = ? and to_notice_id = ?",
            ids,
        ).fetchall()
        got_pairs: list[dict[str, list[tuple[str, str]]]] = []
        for nid in ids:
            by_task: dict[str, list[tuple[str, str]]] = {}
            rows = con.execute(
                "select task_key, role, org from v_assignments where notice_id = ?", [nid]
            ).fetchall()
            for key, role, org in rows:
                by_task.setdefault(norm_text(key), []).append((role, org))
            got_pairs.append(by_task)
    finally:
        con.close()
    got = {(norm_text(a), norm_text(b)) for a, b in links}
    want = {(norm_text(a), norm_text(b)) for a, b in diff["matches"]}
    gold_owners = [
        {
            norm_text(t["key"]): owners([(x["role"], x["org"]) for x in t["assignments"]])
            for t in g["tasks"]
        }
        for g in golds
    ]
    got_owners = [{k: owners(v) for k, v in by.items()} for by in got_pairs]
    want_changes = {(a, b) for a, b in want if gold_owners[0][a] != gold_owners[1][b]}
    got_changes = {(a, b) for a, b in got if got_owners[0].get(a) != got_owners[1].get(b)}
    return DiffScore(
        links=f1(got, want),
        owner_changes=f1(got_changes, want_changes),
        n_owner_changes=len(want_changes),
        missing=sorted(want - got),
        unexpected=sorted(got - want),
    )

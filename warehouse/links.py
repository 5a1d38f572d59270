"""Year-over-year task links in the warehouse: which plans are compared, and keeping their
links current.

Each notice of a region is compared with the region's previous plan of the same kind: the
latest earlier year that has one (so 2020→2022 while 2021 is missing, 2020→2021→2022 once it
arrives). sync() runs inside the transaction that writes a notice, so a notice and its links
are written (or rolled back) together; it recomputes the pairs that involve the notice, drops
pairs that are no longer consecutive and computes the new ones. The alignment itself is
warehouse/align.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import OrderedDict
from collections.abc import Iterable

import duckdb

from schemas import Notice
from warehouse import bulk
from warehouse.align import METHOD, Prepared, TaskText, align, bigrams, dice, to_simplified

Pair = tuple[str, str]  # (earlier notice_id, later notice_id)

# Words every plan title has; what is left says what the plan is about (政务公开, 营商环境).
_GENERIC = re.compile(
    r"工作要点|重点任务|主要任务|任务分工|责任分工|分工方案|实施方案|工作方案|责任清单|任务清单"
    r"|分工|方案|工作|要点|任务|责任|清单|年度|年|的"
)
_NOT_HAN = re.compile(r"[^\u3400-\u9fff]+")
MIN_KIND_SIMILARITY = 0.5


def plan_kind(plan_title: str | None, region: str | None) -> str:
    """南沙区2020年政务公开工作要点分工方案 → 政务公开."""
    title = to_simplified(plan_title or "")
    if region and region in title:
        title = title.split(region, 1)[1]
    return _GENERIC.sub("", _NOT_HAN.sub("", title))


def same_region(a: str, b: str) -> bool:
    """南沙区 and 广州市南沙区 are one region (one notice may name the city, the next not)."""
    short, long = sorted((a, b), key=len)
    return long.endswith(short) and len(short) >= 2


def series_pairs(notices: Iterable[tuple[str, str | None, int | None, str | None]]) -> set[Pair]:
    """(notice_id, region, year, plan_title) rows → the (earlier, later) pairs to compare.

    A notice's predecessor is a notice of the same region and kind in the latest earlier year
    that has one; among several there, the closest in kind. Titles that leave no kind (a bare
    分工方案) go with any."""
    # Same region implies the same last two characters: compare only within such a bucket.
    buckets: dict[str, list[tuple[str, str, int, set[str]]]] = {}
    for nid, region, year, title in notices:
        if region and year is not None:
            kind = bigrams(plan_kind(title, region))
            buckets.setdefault(region[-2:], []).append((nid, region, year, kind))
    pairs = set()
    for members in buckets.values():
        for nid, region, year, kind in members:
            best: tuple[int, float, str] | None = None
            for other, oregion, oyear, okind in members:
                if oyear >= year or not same_region(region, oregion):
                    continue
                close = dice(kind, okind) if kind and okind else 1.0
                if close < MIN_KIND_SIMILARITY:
                    continue
                rank = (oyear, close, other)
                if best is None or rank > best:
                    best = rank
            if best is not None:
                pairs.add((best[2], nid))
    return pairs


def sync(
    con: duckdb.DuckDBPyConnection, touched: Iterable[str] = (), plans: PlanCache | None = None
) -> None:
    """Bring task_link_pairs/task_links up to date. `touched` are notices just written: their
    pairs are recomputed. Runs in the caller's transaction."""
    touched = set(touched)
    plans = plans or PlanCache()
    rows = _series_rows(con, _buckets(con, touched) if touched else None)
    want = series_pairs(rows)
    ids = {r[0] for r in rows}
    have = {
        (f, t): method
        for f, t, method in con.execute(
            "SELECT from_notice_id, to_notice_id, method FROM task_link_pairs"
        ).fetchall()
        if not touched or f in ids or t in ids or touched & {f, t}
    }
    keep = {
        pair
        for pair, method in have.items()
        if pair in want and method == METHOD and not touched & set(pair)
    }
    for f, t in set(have) - keep:
        for table in ("task_links", "task_link_pairs"):
            con.execute(
                f"DELETE FROM {table} WHERE from_notice_id = ? AND to_notice_id = ?", [f, t]
            )
    for f, t in sorted(want - keep):
        _compute(con, f, t, plans)


def _buckets(con: duckdb.DuckDBPyConnection, touched: set[str]) -> set[str]:
    """The region buckets (see series_pairs) a store can change: those of the notices just
    written and of the notices they were paired with (a notice whose region changed leaves
    its old neighbours to be paired anew). Pairs in other buckets stay as they are, so a
    store costs the size of its region, not of the warehouse."""
    ids = list(touched)
    rows = con.execute(
        "SELECT region FROM notices WHERE list_contains($ids, notice_id) OR notice_id IN ("
        " SELECT from_notice_id FROM task_link_pairs WHERE list_contains($ids, to_notice_id)"
        " UNION"
        " SELECT to_notice_id FROM task_link_pairs WHERE list_contains($ids, from_notice_id))",
        {"ids": ids},
    ).fetchall()
    return {str(r[0])[-2:] for r in rows if r[0]}


def _series_rows(
    con: duckdb.DuckDBPyConnection, buckets: set[str] | None
) -> list[tuple[str, str | None, int | None, str | None]]:
    """(notice_id, region, year, plan_title) of every notice, or of those in the buckets.
    A plan whose year was not found is placed by the year it was signed or published."""
    query = (
        "SELECT notice_id, region, coalesce(year, year(sign_date), year(publish_date)), "
        "plan_title FROM notices"
    )
    if buckets is None:
        return con.execute(query).fetchall()
    return con.execute(
        query + " WHERE list_contains($buckets, right(region, 2))", {"buckets": sorted(buckets)}
    ).fetchall()


def task_texts(con: duckdb.DuckDBPyConnection, notice_id: str) -> list[TaskText]:
    """A stored notice's tasks as the alignment reads them: text and detail, and the titles
    of the task's section and subsection as context."""
    rows = con.execute(
        """
        SELECT t.task_key, t.text || coalesce(t.detail, ''),
               concat_ws(' ', top.title, sub.title)
        FROM tasks t
        LEFT JOIN sections top ON top.notice_id = t.notice_id
             AND top.section_key = split_part(t.section_key, '.', 1)
        LEFT JOIN sections sub ON sub.notice_id = t.notice_id
             AND sub.section_key = t.section_key AND sub.level = 2
        WHERE t.notice_id = ?
        ORDER BY t.ord
        """,
        [notice_id],
    ).fetchall()
    return [TaskText(key, text, context or "") for key, text, context in rows]


def notice_texts(notice: Notice) -> list[TaskText]:
    """task_texts of a notice not yet read back from the warehouse (the one being stored)."""
    titles = {s.key: s.title for s in notice.sections}
    subsections = {s.key: s.title for s in notice.sections if s.level == 2}
    out = []
    for t in notice.tasks:
        around = (titles.get(t.section_key.split(".")[0]), subsections.get(t.section_key))
        context = " ".join(title for title in around if title is not None)
        out.append(TaskText(t.key, t.text + (t.detail or ""), context))
    return out


class PlanCache:
    """Prepared plans by notice id, so that a batch reads and prepares a notice's tasks once,
    not once for each pair the notice is in. Only for the connection that writes the
    warehouse (nothing else changes tasks under it), which puts a notice's plan before it
    links it and drops it when that transaction rolls back. Bounded: ~40 KB a plan."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._plans: OrderedDict[str, Prepared] = OrderedDict()

    def get(self, con: duckdb.DuckDBPyConnection, notice_id: str) -> Prepared:
        plan = self._plans.get(notice_id)
        if plan is None:
            plan = Prepared.of(task_texts(con, notice_id))
        self._remember(notice_id, plan)
        return plan

    def put(self, notice: Notice) -> None:
        self._remember(notice.notice_id, Prepared.of(notice_texts(notice)))

    def drop(self, notice_id: str) -> None:
        self._plans.pop(notice_id, None)

    def _remember(self, notice_id: str, plan: Prepared) -> None:
        self._plans[notice_id] = plan
        self._plans.move_to_end(notice_id)
        while len(self._plans) > self.size:
            self._plans.popitem(last=False)


def _compute(con: duckdb.DuckDBPyConnection, from_id: str, to_id: str, plans: PlanCache) -> None:
    links = align(plans.get(con, from_id), plans.get(con, to_id))
    con.execute("INSERT INTO task_link_pairs VALUES (?, ?, ?, ?)", [from_id, to_id, METHOD, _now()])
    bulk.insert(
        con,
        "task_links",
        [[from_id, x.from_key, to_id, x.to_key, x.similarity, x.change] for x in links],
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)

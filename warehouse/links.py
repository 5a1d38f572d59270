"""Year-over-year task links in the warehouse: which plans are compared, and keeping their
links current.

Each notice of a region is compared with the region's previous plan of the same kind: the
latest earlier year that has one (so 2020→2022 while 2021 is missing, 2020→2021→2022 once it
arrives). Linker.sync() runs inside the transaction that writes a notice, so a notice and its links
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

from schemas import Notice, NoticeMeta
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


SeriesRow = tuple[str, str | None, int | None, str | None]  # id, region, year, plan_title


class Linker:
    """Keeps task_link_pairs/task_links current, for the one connection that writes a
    warehouse. What each store reads (every notice's place in a series, the pairs stored,
    prepared plans) is held in memory, since nothing else writes the file while this
    connection has it open: a store costs its own pairs, not queries over the warehouse.

    store() calls put(notice) and then sync([notice_id]) inside the notice's transaction,
    and forget() when that transaction rolls back (the next sync reloads what is stored)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.plans = PlanCache()
        self._series: dict[str, SeriesRow] | None = None
        self._pairs: dict[Pair, str] = {}  # (from, to) → method

    def put(self, notice: Notice) -> None:
        """The notice a store is writing, before it is synced."""
        self.place(notice.notice_id, notice.meta)
        self.plans.put(notice)

    def place(self, notice_id: str, m: NoticeMeta) -> None:
        """A stored notice's place in its series, from its metadata (after a store, or when
        another version filled in a date), before it is synced."""
        dates = (m.sign_date, m.publish_date)
        year = m.year if m.year is not None else next((d.year for d in dates if d), None)
        self._load()[notice_id] = (notice_id, m.region, year, m.plan_title)

    def drop(self, notice_id: str) -> None:
        """A notice being removed, before its pairs are synced: sync([notice_id]) then drops
        its pairs and pairs its neighbours with each other."""
        self._load().pop(notice_id, None)
        self.plans.drop(notice_id)

    def forget(self) -> None:
        self._series = None
        self._pairs = {}
        self.plans = PlanCache()

    def sync(self, touched: Iterable[str] = ()) -> None:
        """Bring the links up to date in the caller's transaction. `touched` are notices just
        written: their pairs are recomputed. With none, every pair is checked (on open: links
        of notices stored before migration 002, or by an older method)."""
        series = self._load()
        touched = set(touched)
        rows = self._neighbourhood(touched) if touched else list(series.values())
        want = series_pairs(rows)
        ids = {r[0] for r in rows} | touched
        have = {
            pair: method
            for pair, method in self._pairs.items()
            if not touched or pair[0] in ids or pair[1] in ids
        }
        keep = {
            pair
            for pair, method in have.items()
            if pair in want and method == METHOD and not touched & set(pair)
        }
        self._delete(sorted(set(have) - keep))
        self._insert(sorted(want - keep))

    def _load(self) -> dict[str, SeriesRow]:
        if self._series is None:
            rows = self.con.execute(
                "SELECT notice_id, region, coalesce(year, year(sign_date), year(publish_date)),"
                " plan_title FROM notices"
            ).fetchall()
            self._series = {r[0]: r for r in rows}
            self._pairs = {
                (f, t): method
                for f, t, method in self.con.execute(
                    "SELECT from_notice_id, to_notice_id, method FROM task_link_pairs"
                ).fetchall()
            }
        return self._series

    def _neighbourhood(self, touched: set[str]) -> list[SeriesRow]:
        """The notices in the region buckets (see series_pairs) that a store of `touched` can
        change: the buckets of the notices just written and of those they were paired with
        (a notice whose region changed leaves its old neighbours to be paired anew). Pairs in
        other buckets stay as they are."""
        series = self._load()
        paired = [pair for pair in self._pairs if pair[0] in touched or pair[1] in touched]
        near = touched.union(*paired)
        buckets = {r[1][-2:] for n in near if (r := series.get(n)) and r[1]}
        return [r for r in series.values() if r[1] and r[1][-2:] in buckets]

    def _delete(self, pairs: list[Pair]) -> None:
        if not pairs:
            return
        for table in ("task_links", "task_link_pairs"):
            self.con.execute(
                f"DELETE FROM {table} WHERE list_contains($pairs, [from_notice_id, to_notice_id])",
                {"pairs": [list(p) for p in pairs]},
            )
        for pair in pairs:
            del self._pairs[pair]

    def _insert(self, pairs: list[Pair]) -> None:
        now = _now()
        rows: list[list[object]] = []
        for f, t in pairs:
            links = align(self.plans.get(self.con, f), self.plans.get(self.con, t))
            rows += [[f, x.from_key, t, x.to_key, x.similarity, x.change] for x in links]
        bulk.insert(self.con, "task_link_pairs", [[f, t, METHOD, now] for f, t in pairs])
        bulk.insert(self.con, "task_links", rows)
        self._pairs.update(dict.fromkeys(pairs, METHOD))


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
    links it. Bounded: a plan of 30 tasks is ~18 KB (tracemalloc), so ~20 MB when full."""

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


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)

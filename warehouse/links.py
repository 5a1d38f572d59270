"""Year-over-year task links in the warehouse: which plans are compared, and keeping their
links current.

Each notice of a region is compared with the region's previous plan of the same kind: the
latest earlier year that has one (so 2020→2022 while 2021 is missing, 2020→2021→2022 once it
arrives). The kind is the parsers' (``NoticeMeta.plan_kind``, parsers/kinds.py): nothing here
reads a title. The Linker keeps the links current for the one connection that writes: a store
stages its notice (``stage``), which recomputes the pairs that involve it in memory, and the
links are written (``write``) in the transaction that commits the notice, so a notice and its
links are committed or rolled back together. The alignment itself is warehouse/align.py.

Cost per store: the notices of the stored notice's own region series (an index from region
to notices, and from a region to the regions that are the same place written longer or
shorter: 南沙区, 广州市南沙区), and its own pairs; never the whole warehouse.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from schemas import Notice, NoticeMeta
from warehouse import bulk
from warehouse.align import METHOD, Prepared, TaskText, align, bigrams, dice

if TYPE_CHECKING:
    import duckdb

Pair = tuple[str, str]  # (earlier notice_id, later notice_id)
LINK_COLUMNS = (
    "from_notice_id",
    "from_task_key",
    "to_notice_id",
    "to_task_key",
    "similarity",
    "change",
)
MIN_KIND_SIMILARITY = 0.5
# New pairs aligned per read of their stored plans (a read's plans must fit the PlanCache).
ALIGN_CHUNK = 256


@dataclass(frozen=True)
class SeriesRow:
    """A notice's place in its region's series."""

    notice_id: str
    region: str | None
    year: int | None
    kind: str | None  # NoticeMeta.plan_kind


def same_region(a: str, b: str) -> bool:
    """南沙区 and 广州市南沙区 are one region (one notice may name the city, the next not)."""
    short, long = sorted((a, b), key=len)
    return long.endswith(short) and len(short) >= 2


class Series:
    """Every notice's place in its series, indexed so that one notice's neighbours are found
    without going through the others: notices by region, and regions by each of their
    endings of two characters or more (a region is the same place as another that ends with
    it, or that it ends with)."""

    def __init__(self, rows: Iterable[SeriesRow] = ()) -> None:
        self.rows: dict[str, SeriesRow] = {}
        self._by_region: dict[str, set[str]] = defaultdict(set)
        self._by_ending: dict[str, set[str]] = defaultdict(set)  # ending → regions held
        self._kinds: dict[tuple[str, str], float] = {}  # kind closeness, computed once a pair
        for row in rows:
            self.put(row)

    def put(self, row: SeriesRow) -> None:
        self.drop(row.notice_id)
        self.rows[row.notice_id] = row
        if row.region:
            if not self._by_region[row.region]:
                for i in range(len(row.region) - 1):
                    self._by_ending[row.region[i:]].add(row.region)
            self._by_region[row.region].add(row.notice_id)

    def drop(self, notice_id: str) -> SeriesRow | None:
        row = self.rows.pop(notice_id, None)
        if row is not None and row.region:
            members = self._by_region[row.region]
            members.discard(notice_id)
            if not members:
                del self._by_region[row.region]
                for i in range(len(row.region) - 1):
                    self._by_ending[row.region[i:]].discard(row.region)
        return row

    def neighbours(self, region: str | None) -> list[SeriesRow]:
        """The notices of `region` and of the regions that are the same place."""
        if not region:
            return []
        regions = set(self._by_ending.get(region, ()))  # held regions that end with it
        regions.update(region[i:] for i in range(len(region) - 1) if region[i:] in self._by_region)
        return [self.rows[n] for r in regions for n in self._by_region.get(r, ())]

    def close(self, a: str | None, b: str | None) -> float:
        """How alike two kinds are (the Dice of their bigrams); a plan with no kind goes with
        any."""
        if not a or not b:
            return 1.0
        key = (a, b) if a <= b else (b, a)
        if key not in self._kinds:
            self._kinds[key] = dice(bigrams(a), bigrams(b))
        return self._kinds[key]

    def predecessor(self, notice_id: str) -> str | None:
        """The notice this one is compared with: same region and kind, the latest earlier
        year; among several there, the closest in kind (then the greatest id)."""
        row = self.rows.get(notice_id)
        if row is None or not row.region or row.year is None:
            return None
        best: tuple[int, float, str] | None = None
        for other in self.neighbours(row.region):
            if other.year is None or other.year >= row.year:
                continue
            close = self.close(row.kind, other.kind)
            if close < MIN_KIND_SIMILARITY:
                continue
            rank = (other.year, close, other.notice_id)
            if best is None or rank > best:
                best = rank
        return best[2] if best else None

    def followers(self, row: SeriesRow) -> list[str]:
        """The notices that `row` could be the predecessor of: later, same place, close
        kind."""
        if not row.region or row.year is None:
            return []
        year = row.year
        return [
            other.notice_id
            for other in self.neighbours(row.region)
            if other.year is not None
            and other.year > year
            and self.close(row.kind, other.kind) >= MIN_KIND_SIMILARITY
        ]


def series_pairs(rows: Iterable[tuple[str, str | None, int | None, str | None]]) -> set[Pair]:
    """(notice_id, region, year, plan kind) rows → the (earlier, later) pairs to compare.

    A notice's predecessor is a notice of the same region and kind in the latest earlier year
    that has one; among several there, the closest in kind. A plan with no kind (a bare
    分工方案) goes with any."""
    series = Series(SeriesRow(*r) for r in rows)
    return {(p, n) for n in series.rows if (p := series.predecessor(n)) is not None}


class Linker:
    """Keeps task_link_pairs/task_links current, for the one connection that writes a
    warehouse. What each store reads (every notice's place in a series, the pairs stored,
    prepared plans) is held in memory, since nothing else writes the file while this
    connection has it open: a store costs its own region series and pairs, not queries over
    the warehouse.

    A store calls ``stage(...)`` (or ``place``/``drop`` then ``sync``), which recomputes
    the pairs in memory and leaves the table writes pending; ``write()`` aligns the new pairs
    (the stored plans they need read a chunk at a time, in one query each: a group of notices
    costs a few queries, not one per notice) and makes the writes in the caller's
    transaction; ``forget()`` after a rollback (a write that raised, too) drops everything
    (the next use reloads what is stored). A stage that raises changes nothing."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.plans = PlanCache()
        self._series: Series | None = None
        self._pairs: dict[Pair, str] = {}  # (from, to) → method
        self._of: dict[str, set[Pair]] = defaultdict(set)  # notice → its pairs
        # to write: a new pair's links (None: aligned when written)
        self._new: dict[Pair, list[tuple[str, str, float, str]] | None] = {}
        self._gone: set[Pair] = set()  # stored pairs to delete

    # what a store tells it ------------------------------------------------------------------
    def stage(self, notice_id: str, place: SeriesRow, texts: list[TaskText]) -> None:
        """A notice just written (new or replacing its old reading): its place, its plan (its
        notice_texts), and its pairs recomputed."""
        self.sync([notice_id], places={notice_id: place}, plans={notice_id: texts})

    def place(self, notice_id: str, m: NoticeMeta) -> None:
        """A stored notice's metadata changed (another version filled in a field): its pairs
        recomputed."""
        self.sync([notice_id], places={notice_id: series_row(notice_id, m)})

    def drop(self, notice_id: str) -> None:
        """A notice being removed: its pairs go, its neighbours are paired with each other."""
        self.sync([notice_id], places={notice_id: None})

    def forget(self) -> None:
        self._series = None
        self._pairs = {}
        self._of = defaultdict(set)
        self._new = {}
        self._gone = set()
        self.plans = PlanCache()

    def sync(
        self,
        touched: Iterable[str] = (),
        *,
        places: dict[str, SeriesRow | None] | None = None,
        plans: dict[str, list[TaskText]] | None = None,
    ) -> None:
        """Recompute the pairs of the `touched` notices (their links are recomputed even when
        the pair stays), after giving them their new `places` (None: removed) and `plans`;
        with nothing touched, every pair is checked (a warehouse from before migration 002,
        or links of an older method). Nothing changes when this raises."""
        series = self._load()
        touched = set(touched)
        places = places or {}
        old = {n: series.rows.get(n) for n in places}
        try:
            for nid, place in places.items():
                if place is None:
                    series.drop(nid)
                else:
                    series.put(place)
            if touched:
                affected = set(touched)
                for nid in touched:
                    affected.update(p[1] for p in self._of.get(nid, ()))  # its followers
                    for row in (old.get(nid), series.rows.get(nid)):
                        if row is not None:
                            affected.update(series.followers(row))
            else:
                affected = set(series.rows) | {p[1] for p in self._pairs}
            want = {
                (p, n)
                for n in affected
                if n in series.rows and (p := series.predecessor(n)) is not None
            }
            have = {pair for n in affected for pair in self._of.get(n, ()) if pair[1] == n}
            have |= {pair for n in touched for pair in self._of.get(n, ())}
            keep = {
                pair
                for pair in have
                if pair in want and self._pairs[pair] == METHOD and not touched & set(pair)
            }
            new = sorted(want - keep)  # aligned when written
        except BaseException:  # nothing is changed yet but the series, put back
            for nid, row in old.items():
                series.drop(nid)
                if row is not None:
                    series.put(row)
            raise
        for nid, plan in (plans or {}).items():
            self.plans.put(nid, plan)
        for nid, place in places.items():
            if place is None:
                self.plans.drop(nid)
        for pair in have - keep:
            self._forget_pair(pair)
        for pair in new:
            self._pairs[pair] = METHOD
            self._of[pair[0]].add(pair)
            self._of[pair[1]].add(pair)
            self._new[pair] = None

    def write(self) -> None:
        """Write the pending changes in the caller's transaction: stale pairs deleted (one
        statement a table for all of them: a statement a pair cost ~7 ms at 45,000 notices,
        growing with the links stored), new pairs aligned and inserted with their links."""
        new = self._aligned()
        gone = sorted(self._gone)
        if gone:
            stale = {"f": [f for f, _ in gone], "t": [t for _, t in gone]}
            for table in ("task_links", "task_link_pairs"):
                self.con.execute(
                    f"DELETE FROM {table} USING (SELECT unnest($f) AS f, unnest($t) AS t) gone"
                    f" WHERE {table}.from_notice_id = gone.f AND {table}.to_notice_id = gone.t",
                    stale,
                )
        now = _now()
        pairs = sorted(new)
        bulk.insert(
            self.con,
            "task_link_pairs",
            {
                "from_notice_id": [f for f, _ in pairs],
                "to_notice_id": [t for _, t in pairs],
                "method": [METHOD] * len(pairs),
                "computed_at": [now] * len(pairs),
            },
        )
        links = [(f, fk, t, tk, s, c) for f, t in pairs for fk, tk, s, c in new[(f, t)]]
        bulk.insert(self.con, "task_links", bulk.by_column(LINK_COLUMNS, links))
        self._new = {}
        self._gone = set()

    @property
    def pending(self) -> bool:
        return bool(self._new or self._gone)

    # inside ---------------------------------------------------------------------------------
    def _aligned(self) -> dict[Pair, list[tuple[str, str, float, str]]]:
        """The new pairs' links, aligning those not aligned yet: ALIGN_CHUNK pairs at a time,
        the plans they need read first in one query (PlanCache.load)."""
        waiting = [pair for pair, rows in self._new.items() if rows is None]
        for start in range(0, len(waiting), ALIGN_CHUNK):
            chunk = waiting[start : start + ALIGN_CHUNK]
            self.plans.load(self.con, [nid for pair in chunk for nid in pair])
            for f, t in chunk:
                before, after = self.plans.get(self.con, f), self.plans.get(self.con, t)
                self._new[(f, t)] = [
                    (x.from_key, x.to_key, x.similarity, x.change) for x in align(before, after)
                ]
        return {pair: rows for pair, rows in self._new.items() if rows is not None}

    def _forget_pair(self, pair: Pair) -> None:
        del self._pairs[pair]
        self._of[pair[0]].discard(pair)
        self._of[pair[1]].discard(pair)
        if pair in self._new:  # never written
            del self._new[pair]
        else:  # stored: delete it
            self._gone.add(pair)

    def _load(self) -> Series:
        if self._series is None:
            rows = self.con.execute(
                "SELECT notice_id, region, coalesce(year, year(sign_date), year(publish_date)),"
                " plan_kind FROM notices"
            ).fetchall()
            self._series = Series(SeriesRow(*r) for r in rows)
            for f, t, method in self.con.execute(
                "SELECT from_notice_id, to_notice_id, method FROM task_link_pairs"
            ).fetchall():
                self._pairs[(f, t)] = method
                self._of[f].add((f, t))
                self._of[t].add((f, t))
        return self._series

    def outdated(self) -> bool:
        """Are there pairs of an older alignment method (to recompute on open)?"""
        rows = self.con.execute(
            "SELECT EXISTS (SELECT 1 FROM task_link_pairs WHERE method <> ?)", [METHOD]
        ).fetchall()
        return bool(rows[0][0])


def series_row(notice_id: str, m: NoticeMeta) -> SeriesRow:
    """A notice's place in its series, from its metadata: its year, else the year of its
    dates."""
    dates = (m.sign_date, m.publish_date)
    year = m.year if m.year is not None else next((d.year for d in dates if d), None)
    return SeriesRow(notice_id, m.region, year, m.plan_kind)


def task_texts(con: duckdb.DuckDBPyConnection, notice_id: str) -> list[TaskText]:
    """A stored notice's tasks as the alignment reads them: text and detail, and the titles
    of the task's section and subsection as context, in their compared forms (simplified
    script where the parsers gave one)."""
    return plans_of(con, [notice_id]).get(notice_id, [])


def plans_of(con: duckdb.DuckDBPyConnection, notice_ids: list[str]) -> dict[str, list[TaskText]]:
    """task_texts of several stored notices in one query (a notice without tasks is left
    out): DuckDB finds a notice's rows by the notice_id indexes (migration 006) for a list
    of ids as for one, and one query for a group's plans costs what ~8 point queries do."""
    rows = con.execute(
        """
        WITH ids AS (SELECT DISTINCT unnest($ids) AS notice_id),
             t AS (SELECT notice_id, task_key, section_key, ord,
                          coalesce(text_simplified, text)
                              || coalesce(detail_simplified, detail, '') AS text
                   FROM ids JOIN tasks USING (notice_id)),
             s AS (SELECT notice_id, section_key, level, coalesce(title_simplified, title) AS title
                   FROM ids JOIN sections USING (notice_id))
        SELECT t.notice_id, t.task_key, t.text, concat_ws(' ', top.title, sub.title)
        FROM t
        LEFT JOIN s top ON top.notice_id = t.notice_id
                       AND top.section_key = split_part(t.section_key, '.', 1)
        LEFT JOIN s sub ON sub.notice_id = t.notice_id AND sub.section_key = t.section_key
                       AND sub.level = 2
        ORDER BY t.notice_id, t.ord
        """,
        {"ids": notice_ids},
    ).fetchall()
    out: dict[str, list[TaskText]] = {}
    for notice_id, key, text, context in rows:
        out.setdefault(notice_id, []).append(TaskText(key, text, context or ""))
    return out


def notice_texts(notice: Notice) -> list[TaskText]:
    """task_texts of a notice not yet read back from the warehouse (the one being stored)."""
    titles = {s.key: s.title_simplified or s.title for s in notice.sections}
    subsections = {s.key: s.title_simplified or s.title for s in notice.sections if s.level == 2}
    out = []
    for t in notice.tasks:
        around = (titles.get(t.section_key.split(".")[0]), subsections.get(t.section_key))
        context = " ".join(title for title in around if title is not None)
        text = (t.text_simplified or t.text) + (t.detail_simplified or t.detail or "")
        out.append(TaskText(t.key, text, context))
    return out


class PlanCache:
    """Plans by notice id, so that a batch reads and prepares a notice's tasks once, not once
    for each pair the notice is in: the texts of a notice just stored (prepared when a pair
    first needs them), or its prepared plan. Only for the connection that writes the
    warehouse (nothing else changes tasks under it), which puts a notice's plan before it
    links it. Bounded: a plan of 30 tasks is ~18 KB (tracemalloc), so ~20 MB when full."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._plans: OrderedDict[str, Prepared | list[TaskText]] = OrderedDict()

    def get(self, con: duckdb.DuckDBPyConnection, notice_id: str) -> Prepared:
        plan = self._plans.get(notice_id)
        if plan is None:
            plan = task_texts(con, notice_id)
        prepared = plan if isinstance(plan, Prepared) else Prepared.of(plan)
        self.put(notice_id, prepared)
        return prepared

    def load(self, con: duckdb.DuckDBPyConnection, notice_ids: list[str]) -> None:
        """Hold the plans of these notices, reading those not held in one query (plans_of)."""
        missing = [nid for nid in dict.fromkeys(notice_ids) if nid not in self._plans]
        if missing:
            found = plans_of(con, missing)
            for nid in missing:
                self.put(nid, found.get(nid, []))

    def put(self, notice_id: str, plan: Prepared | list[TaskText]) -> None:
        self._plans[notice_id] = plan
        self._plans.move_to_end(notice_id)
        while len(self._plans) > self.size:
            self._plans.popitem(last=False)

    def drop(self, notice_id: str) -> None:
        self._plans.pop(notice_id, None)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)

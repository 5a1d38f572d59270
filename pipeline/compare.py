"""Two years of a region's plans side by side, and one unit's history, read from the warehouse.

compare() is what `fengong diff` prints and renders: the linked tasks (stored on ingest; for a
pair of years that was not compared on ingest, such as 2020 against 2022 with 2021 in
between, aligned here on the fly with the same method), the tasks added and removed, the
owner changes, and how many tasks each unit owns in each year. (One unit's history, what
`fengong unit` prints, is pipeline/unit_history.py.)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from schemas.errors import FengongError
from warehouse.plans import plan_tasks, stored_links, stored_pairs
from warehouse.reader import Readable
from warehouse.regions import RegionNotice, all_regions, named_regions, region_notices


class CompareError(FengongError):
    """The warehouse cannot answer: the message says what is missing and what to do."""


@dataclass
class Plan:
    notice_id: str
    year: int
    plan_title: str | None
    source_path: str | None = None  # the file the stored reading came from


@dataclass
class Task:
    key: str
    section: str  # the titles of its section and subsection
    text: str
    owners: list[str]
    roles: list[dict[str, str]]


@dataclass
class Pair:
    before: Task
    after: Task
    similarity: float
    change: str  # unchanged | reworded

    @property
    def owner_changed(self) -> bool:
        return _owner_keys(self.before.owners) != _owner_keys(self.after.owners)


@dataclass
class Diff:
    region: str
    before: Plan
    after: Plan
    stored: bool  # links as stored on ingest (else aligned on the fly)
    pairs: list[Pair] = field(default_factory=list)
    added: list[Task] = field(default_factory=list)
    removed: list[Task] = field(default_factory=list)

    @property
    def owner_changes(self) -> list[Pair]:
        return [p for p in self.pairs if p.owner_changed]

    def owned_per_unit(self) -> list[tuple[str, int, int]]:
        """(unit, tasks owned in the earlier year, in the later year), most first."""
        before = Counter(
            o for t in [*(p.before for p in self.pairs), *self.removed] for o in t.owners
        )
        after = Counter(o for t in [*(p.after for p in self.pairs), *self.added] for o in t.owners)
        units = sorted(set(before) | set(after), key=lambda u: (-(before[u] + after[u]), u))
        return [(u, before[u], after[u]) for u in units]

    def as_json(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "from": asdict(self.before),
            "to": asdict(self.after),
            "links_stored": self.stored,
            "links": [
                {
                    "from_task_key": p.before.key,
                    "to_task_key": p.after.key,
                    "similarity": p.similarity,
                    "change": p.change,
                    "owner_changed": p.owner_changed,
                    "before": asdict(p.before),
                    "after": asdict(p.after),
                }
                for p in self.pairs
            ],
            "added": [asdict(t) for t in self.added],
            "removed": [asdict(t) for t in self.removed],
            "owner_changes": [
                {
                    "from_task_key": p.before.key,
                    "to_task_key": p.after.key,
                    "owners_before": p.before.owners,
                    "owners_after": p.after.owners,
                    "roles_before": p.before.roles,
                    "roles_after": p.after.roles,
                }
                for p in self.owner_changes
            ],
            "owned_per_unit": [
                {"org": u, str(self.before.year): b, str(self.after.year): a}
                for u, b, a in self.owned_per_unit()
            ],
        }


def _owner_keys(owners: list[str]) -> set[str]:
    # 区各单位 and 各单位 are the same collective (as in the task_owners view)
    return {o[1:] if o[:1] in "区市县" and o[1:2] == "各" else o for o in owners}


def matching_regions(wh: Readable, region: str) -> list[str]:
    """The regions held that `region` names: 南沙区 finds 广州市南沙区 too (as
    warehouse/links.same_region), 区 finds nothing (warehouse/regions.region_matches). Raises
    CompareError listing the regions held when it names none."""
    matched = named_regions(wh.con, region)
    if not matched:
        held = all_regions(wh.con)
        listed = "、".join(held[:30]) + ("…" if len(held) > 30 else "") if held else "none"
        raise CompareError(f"no region {region!r} in {wh.path} (regions held: {listed})")
    return matched


def _years(held: list[RegionNotice]) -> list[int]:
    return sorted({n.year for n in held if n.year is not None})


def _plans(held: list[RegionNotice], region: str, year: int) -> list[Plan]:
    rows = sorted((n for n in held if n.year == year), key=lambda n: n.notice_id)
    if not rows:
        have = ", ".join(map(str, _years(held)))
        where = f"years held: {have}" if have else "no notice of this region is held"
        raise CompareError(f"no {year} plan of {region} in the warehouse ({where})")
    return [Plan(n.notice_id, year, n.plan_title, n.source_path) for n in rows]


def _task_rows(wh: Readable, notice_id: str) -> dict[str, Task]:
    return {
        key: Task(key, section, text, owners, roles)
        for key, text, section, owners, roles in plan_tasks(wh.con, notice_id)
    }


def compare(wh: Readable, region: str, year_from: int | None, year_to: int | None) -> Diff:
    """The comparison of the region's plans of two years (by default its latest two). Reads
    the region's notices and the two plans' rows only (warehouse/regions.py, plans.py)."""
    held = region_notices(wh.con, matching_regions(wh, region))
    if year_from is None or year_to is None:
        years = _years(held)
        year_to = year_to if year_to is not None else (years[-1] if years else 0)
        earlier = [y for y in years if y < year_to]
        if year_from is None and not earlier:
            raise CompareError(
                f"{region}: no plan earlier than {year_to} in the warehouse "
                f"(years held: {', '.join(map(str, years)) or 'none'}); "
                "ingest two years to compare them"
            )
        year_from = year_from if year_from is not None else earlier[-1]
    if year_from >= year_to:
        raise CompareError(f"--from ({year_from}) must be earlier than --to ({year_to})")
    # Several plans of a year (of different kinds): the pair compared on ingest, if any.
    plans_b, plans_a = _plans(held, region, year_from), _plans(held, region, year_to)
    candidates = [(b, a) for b in plans_b for a in plans_a]
    stored = stored_pairs(wh.con, (b.notice_id for b in plans_b), (a.notice_id for a in plans_a))
    before, after = next(
        ((b, a) for b, a in candidates if (b.notice_id, a.notice_id) in stored),
        candidates[0],
    )
    is_stored = (before.notice_id, after.notice_id) in stored
    links: list[tuple[str, str, float, str]]
    if is_stored:
        links = stored_links(wh.con, before.notice_id, after.notice_id)
    else:
        # numpy and the notice model: only for a pair not compared on ingest
        from warehouse.align import align
        from warehouse.links import task_texts

        links = [
            (x.from_key, x.to_key, x.similarity, x.change)
            for x in align(
                task_texts(wh.con, before.notice_id), task_texts(wh.con, after.notice_id)
            )
        ]
    tasks_b, tasks_a = _task_rows(wh, before.notice_id), _task_rows(wh, after.notice_id)
    order_b = {k: i for i, k in enumerate(tasks_b)}
    diff = Diff(region, before, after, is_stored)
    for fk, tk, sim, change in sorted(links, key=lambda r: order_b.get(r[0], 0)):
        diff.pairs.append(Pair(tasks_b[fk], tasks_a[tk], float(sim), change))
    linked_b = {p.before.key for p in diff.pairs}
    linked_a = {p.after.key for p in diff.pairs}
    diff.removed = [t for k, t in tasks_b.items() if k not in linked_b]
    diff.added = [t for k, t in tasks_a.items() if k not in linked_a]
    return diff

"""One plan's tasks, owners and stored links, and one unit's rows in a region's plans: what
`fengong diff` and `fengong unit` read (pipeline/compare.py, pipeline/unit_history.py).

Every table is read by its notice_id index (migration 006) for the notices asked for only,
so these reads cost what the region holds, not what the warehouse holds (issue 16). DuckDB
takes an index only for a scan filtered on the indexed column alone, so each table is read in
a MATERIALIZED CTE of its own before anything else filters or joins it (a filter the
optimizer pushed into the scan would turn it into a scan of the whole table).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import duckdb

# What the task_owners view (views.sql) counts as owning a task: the units of its highest
# role among these (1 highest); co-organisers and supporters never own one.
OWNER_RANK = {"lead": 1, "responsible": 2, "coordinator": 3, "implementer": 4}


def plan_tasks(
    con: duckdb.DuckDBPyConnection, notice_id: str
) -> list[tuple[str, str, str, list[str], list[dict[str, str]]]]:
    """The notice's tasks in order: (task_key, text, section, owners, roles). section is
    "title / subsection title" of the task's section ('' when it has none); owners as the
    task_owners view gives them (sorted; 区各单位 kept as printed); roles {org, role} in
    print order. Three reads by the notice_id index, joined here (one query joining them
    costs DuckDB several times more to plan than to read ~50 rows)."""
    p = {"notice_id": notice_id}
    tasks = con.execute(
        "SELECT task_key, section_key, text FROM tasks WHERE notice_id = $notice_id ORDER BY ord",
        p,
    ).fetchall()
    titles: dict[str, str] = {}
    subtitles: dict[str, str] = {}
    for key, level, title in con.execute(
        "SELECT section_key, level, title FROM sections WHERE notice_id = $notice_id", p
    ).fetchall():
        titles[key] = title
        if level == 2:
            subtitles[key] = title
    held: dict[str, list[tuple[str | None, str]]] = {}
    for key, org, role in con.execute(
        "SELECT task_key, org, role FROM assignments WHERE notice_id = $notice_id ORDER BY ord",
        p,
    ).fetchall():
        held.setdefault(key, []).append((org, role))
    out = []
    for key, section_key, text in tasks:
        rows = held.get(key, [])
        best = min((OWNER_RANK[role] for _, role in rows if role in OWNER_RANK), default=None)
        owners = sorted(
            {org for org, role in rows if org is not None and OWNER_RANK.get(role, 0) == best}
        )
        roles = [{"org": org, "role": role} for org, role in rows if org is not None]
        top = titles.get(section_key.split(".")[0]) if section_key is not None else None
        sub = subtitles.get(section_key) if section_key is not None else None
        section = " / ".join(t for t in (top, sub) if t is not None)
        out.append((key, text, section, owners, roles))
    return out


def stored_pairs(
    con: duckdb.DuckDBPyConnection, from_ids: Iterable[str], to_ids: Iterable[str]
) -> set[tuple[str, str]]:
    """The pairs of notices (earlier, later) among these whose links were stored on ingest."""
    later = set(to_ids)
    rows = con.execute(
        "SELECT from_notice_id, to_notice_id FROM task_link_pairs "
        "WHERE list_contains($from, from_notice_id)",
        {"from": sorted(set(from_ids))},
    ).fetchall()
    return {(str(f), str(t)) for f, t in rows if t in later}


def stored_links(
    con: duckdb.DuckDBPyConnection, from_id: str, to_id: str
) -> list[tuple[str, str, float, str]]:
    """The task links stored for a pair: (from_task_key, to_task_key, similarity, change)."""
    rows = con.execute(
        "WITH l AS MATERIALIZED (SELECT * FROM task_links WHERE from_notice_id = $from) "
        "SELECT from_task_key, to_task_key, similarity, change FROM l WHERE to_notice_id = $to",
        {"from": from_id, "to": to_id},
    ).fetchall()
    return [(str(f), str(t), float(s), str(c)) for f, t, s, c in rows]


# One unit's rows in some notices (a region's): the rows of the names it is stored under, by
# year (none last), notice, task order and role.
_UNIT_ROWS = """
WITH a AS MATERIALIZED (
    SELECT notice_id, task_id, task_key, org, role, inherited FROM assignments
    WHERE list_contains($ids, notice_id)
), t AS MATERIALIZED (
    SELECT notice_id, task_id, text, ord FROM tasks WHERE list_contains($ids, notice_id)
), n AS MATERIALIZED (
    SELECT notice_id, year, region, plan_title FROM notices WHERE list_contains($ids, notice_id)
)
SELECT n.year, n.region, n.plan_title, a.role, a.task_key, t.text, a.inherited
FROM a JOIN t USING (notice_id, task_id) JOIN n USING (notice_id)
WHERE list_contains($names, a.org)
ORDER BY n.year NULLS LAST, n.notice_id, t.ord, a.role
"""


def unit_rows(
    con: duckdb.DuckDBPyConnection, notice_ids: Iterable[str], names: Iterable[str]
) -> list[tuple[Any, ...]]:
    """The assignments of the names `names` in these notices: (year, region, plan_title,
    role, task_key, text, inherited), by year (none last), notice, task order and role."""
    ids = sorted(set(notice_ids))
    if not ids:
        return []
    return con.execute(_UNIT_ROWS, {"ids": ids, "names": list(names)}).fetchall()

"""The rows the feeds and the notebook API read: tasks, assignments and notices, filtered.

Every query takes the same named parameters, each NULL when not filtering:
$region (南沙区 also finds 广州市南沙区, as `fengong diff` does; 区 finds nothing: see
`region_matches`), $year;
$units (unit names, matched in every region) and $unit_keys (units as (region, name) pairs:
a unit is a name within a region, so a name resolved from an alias one region's notice
printed finds that region's unit only; pipeline/reading.filters resolves them); $since (only
tasks that changed after this UTC time, and the ones removed after it).

    rel = task_rows(con, Filters(region="南沙区", year=2020))   # a DuckDB relation
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb

from schemas.roles import ROLES


@dataclass(frozen=True)
class Filters:
    region: str | None = None
    year: int | None = None
    units: tuple[str, ...] = ()  # any of these unit names, in any region and role
    since: dt.datetime | None = None  # UTC, as the warehouse's timestamps
    # any of these units, each a (region as stored, name) pair, in any role
    unit_keys: tuple[tuple[str | None, str], ...] = ()

    def params(self, sql: str) -> dict[str, Any]:
        """The parameters the query uses (DuckDB refuses any other)."""
        given = {
            "region": self.region,
            "year": self.year,
            "units": list(self.units) or None,
            "unit_keys": [{"region": r, "org": o} for r, o in self.unit_keys] or None,
            "since": self.since,
        }
        return {k: v for k, v in given.items() if f"${k}" in sql}


# A place-name level that may stand before a region asked for: 广州市|南沙区, 广东省|广州市.
REGION_LEVELS = "省市州盟县区旗"


def region_matches(held: str | None, asked: str) -> bool:
    """Whether the region `asked` names the region `held`: the same, or `held` ends with it
    right after a place-name level (广州市南沙区 for 南沙区). 区, 沙区 or 南沙 name no region:
    a match never starts inside a name."""
    if held is None:
        return False
    if held == asked:
        return True
    rest = held[: -len(asked)] if len(asked) >= 2 and held.endswith(asked) else ""
    return rest[-1:] != "" and rest[-1] in REGION_LEVELS


def regions(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The regions of the notices held, in order."""
    rows = con.execute(
        "SELECT DISTINCT region FROM notices WHERE region IS NOT NULL ORDER BY region"
    ).fetchall()
    return [str(r[0]) for r in rows]


# Notices in the asked region/year (removed ones too: their removed tasks are still reported),
# and the asked units (names in any region, and (region, name) pairs).
_PICKED = f"""
WITH picked_notices AS (
    SELECT * FROM (SELECT * FROM notices UNION ALL BY NAME SELECT * FROM removed_notices)
    WHERE ($region IS NULL OR region = $region OR (
           length($region) >= 2 AND ends_with(region, $region)
           AND contains('{REGION_LEVELS}',
                        right(left(region, length(region) - length($region)), 1))
           AND length(region) > length($region)))
      AND ($year IS NULL OR year = $year)
), picked_units AS (
    SELECT coalesce(CAST($units AS VARCHAR[]), []) AS names,
           coalesce(CAST($unit_keys AS STRUCT(region VARCHAR, org VARCHAR)[]), []) AS keys
)
"""

_ROLE_LISTS = ",\n".join(
    f"           coalesce(list(org ORDER BY ord) FILTER (WHERE role = '{r}'), []) AS {r}"
    for r in ROLES
)

# One row per task, flat columns (role lists, nested assignments) in plan order. With $since:
# the tasks changed after it, then the ones removed after it (only key and text are left).
_TASK_ROWS = (
    _PICKED
    + """, roles AS (
    SELECT notice_id, task_id,
           list({'org': org, 'org_raw': org_raw, 'role': role, 'inherited': inherited}
                ORDER BY ord) AS assignments,
"""
    + _ROLE_LISTS
    + """
    FROM assignments GROUP BY notice_id, task_id
), rows AS (
    SELECT t.task_id, t.notice_id, 'active' AS status,
           n.region, n.year, n.title, n.plan_title, n.issuer, n.doc_number,
           n.publish_date, n.sign_date,
           t.task_key, t.text, t.section_key, top.title AS section_title,
           sub.title AS subsection_title, t.label, t.detail, t.deadline, t.deadline_text,
           c.text AS clause_text, c.requirements, t.inherited AS clause_inherited,
           coalesce(r.lead, []) AS lead, coalesce(r.co, []) AS co,
           coalesce(r.responsible, []) AS responsible,
           coalesce(r.coordinator, []) AS coordinator,
           coalesce(r.implementer, []) AS implementer, coalesce(r.support, []) AS support,
           coalesce(r.assignments, []) AS assignments,
           n.source_path, n.sha256, n.format, CAST(t.provenance AS VARCHAR) AS provenance,
           ch.first_seen, ch.changed_at, ch.removed_at, ch.orgs, t.ord
    FROM tasks t
    JOIN picked_notices n USING (notice_id)
    JOIN task_changes ch USING (notice_id, task_id)
    LEFT JOIN roles r USING (notice_id, task_id)
    LEFT JOIN clauses c ON c.notice_id = t.notice_id AND c.clause_id = t.clause_id
    LEFT JOIN sections top
           ON top.notice_id = t.notice_id AND top.section_key = split_part(t.section_key, '.', 1)
    LEFT JOIN sections sub
           ON sub.notice_id = t.notice_id AND sub.section_key = t.section_key AND sub.level = 2
    WHERE $since IS NULL OR ch.changed_at > $since
    UNION ALL BY NAME
    SELECT ch.task_id, ch.notice_id, 'removed' AS status,
           n.region, n.year, n.title, n.plan_title, n.issuer, n.doc_number,
           n.publish_date, n.sign_date, ch.task_key, ch.text,
           [] AS lead, [] AS co, [] AS responsible, [] AS coordinator, [] AS implementer,
           [] AS support, [] AS assignments,
           ch.first_seen, ch.changed_at, ch.removed_at, ch.orgs
    FROM task_changes ch
    JOIN picked_notices n USING (notice_id)
    WHERE ch.removed_at IS NOT NULL AND ch.changed_at > $since
)
SELECT * EXCLUDE (orgs, ord) FROM rows, picked_units p
WHERE ($units IS NULL AND $unit_keys IS NULL) OR list_has_any(rows.orgs, p.names)
   OR list_has_any(list_transform(rows.orgs, lambda o: {'region': rows.region, 'org': o}), p.keys)
ORDER BY region NULLS LAST, year NULLS LAST, notice_id, ord NULLS LAST, task_key
"""
)

_ASSIGNMENTS = (
    _PICKED
    + """
SELECT n.region, n.year, n.plan_title, a.*
FROM v_assignments a
JOIN picked_notices n USING (notice_id)
JOIN tasks t USING (notice_id, task_id), picked_units p
WHERE ($units IS NULL AND $unit_keys IS NULL) OR list_contains(p.names, a.org)
   OR list_contains(p.keys, {'region': n.region, 'org': a.org})
ORDER BY n.region NULLS LAST, n.year NULLS LAST, a.notice_id, t.ord, a.org
"""
)

_NOTICES = (
    _PICKED
    + """
SELECT v.* FROM v_notices v
JOIN picked_notices n USING (notice_id), picked_units p
WHERE ($units IS NULL AND $unit_keys IS NULL) OR EXISTS (
    SELECT 1 FROM assignments a
    WHERE a.notice_id = v.notice_id AND (list_contains(p.names, a.org)
          OR list_contains(p.keys, {'region': v.region, 'org': a.org}))
)
ORDER BY v.region NULLS LAST, v.year NULLS LAST, v.notice_id
"""
)


def task_rows(con: duckdb.DuckDBPyConnection, filters: Filters) -> duckdb.DuckDBPyRelation:
    """One row per task (the export record, flat), in plan order."""
    return con.sql(_TASK_ROWS, params=filters.params(_TASK_ROWS))


def assignment_rows(con: duckdb.DuckDBPyConnection, filters: Filters) -> duckdb.DuckDBPyRelation:
    """v_assignments with the notice's region, year and plan title; with units, only the
    assignments of those units."""
    return con.sql(_ASSIGNMENTS, params=filters.params(_ASSIGNMENTS))


def notice_rows(con: duckdb.DuckDBPyConnection, filters: Filters) -> duckdb.DuckDBPyRelation:
    """v_notices; with units, only the notices that name one of them."""
    return con.sql(_NOTICES, params=filters.params(_NOTICES))


def latest_change(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """The newest change stamp: pass it as --since next time to get only later changes."""
    rows = con.execute("SELECT max(changed_at) FROM task_changes").fetchall()
    latest: dt.datetime | None = rows[0][0]
    return latest

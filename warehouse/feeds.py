"""The rows the feeds and the notebook API read: tasks, assignments and notices, filtered.

Every query takes the same named parameters, each NULL when not filtering:
$region (南沙区 also finds 广州市南沙区, as `fengong diff` does; 区 finds nothing: see
warehouse/regions.region_matches, here in SQL), $year;
$units (unit names, matched in every region) and $unit_keys (units as (region, name) pairs:
a unit is a name within a region, so a name resolved from an alias one region's notice
printed finds that region's unit only; pipeline/reading.filters resolves them); $since (only
tasks that changed after this UTC time, and the ones removed after it).

    rel = task_rows(con, Filters(region="南沙区", year=2020))   # a DuckDB relation
    for rows in task_fetches(con, Filters(), lines(json_record(), "\n"), record): ...

The feeds read the rows a chunk of notices at a time (`task_chunks`: about CHUNK_TASKS
tasks, in the feed's order), each chunk one query that reads only its notices' rows, so
DuckDB's memory holds one chunk whatever the feed's size; DuckDB makes every JSON line and
CSV row whole (`lines`), as bytes, and the caller only writes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import duckdb

from schemas.roles import ROLES
from warehouse.regions import REGION_LEVELS

if TYPE_CHECKING:  # pyarrow is imported by the Parquet feed only
    import pyarrow as pa  # type: ignore[import-untyped]


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

# Each role's units, in the order of the task's assignments (one ordered aggregate per task,
# the role lists taken from it: seven ordered aggregates cost ~10× as much).
_ROLE_LISTS = ",\n".join(
    f"           list_transform(list_filter(r.assignments, lambda a: a.role = '{r}'),"
    f" lambda a: a.org) AS {r}"
    for r in ROLES
)

# The order of the feeds: by region, year and notice, each notice's tasks in plan order.
_ORDER = "region NULLS LAST, year NULLS LAST, notice_id, ord NULLS LAST, task_key"

# One row per task, flat columns (role lists, nested assignments) in plan order. With $since:
# the tasks changed after it, then the ones removed after it (only key and text are left).
# ONLY is where a chunk of the feed restricts every table read to its notices
# (task_chunks); COLUMNS is the projection of the flat row.
_TASK_ROWS = (
    _PICKED
    + """, assigned AS (
    -- in the order of ord: sorted as lists (an ordered aggregate costs ~4× as much)
    SELECT notice_id, task_id,
           list_transform(
               list_sort(list({'o': ord, 'org': org, 'org_raw': org_raw, 'role': role,
                               'inherited': inherited})),
               lambda a: {'org': a.org, 'org_raw': a.org_raw, 'role': a.role,
                          'inherited': a.inherited}) AS assignments
    FROM assignments ONLY GROUP BY notice_id, task_id
), roles AS (
    SELECT r.notice_id, r.task_id, r.assignments,
"""
    + _ROLE_LISTS
    + """
    FROM assigned r
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
    FROM (SELECT * FROM tasks ONLY) t
    JOIN picked_notices n USING (notice_id)
    JOIN (SELECT * FROM task_changes ONLY) ch USING (notice_id, task_id)
    LEFT JOIN roles r USING (notice_id, task_id)
    LEFT JOIN (SELECT * FROM clauses ONLY) c
           ON c.notice_id = t.notice_id AND c.clause_id = t.clause_id
    LEFT JOIN (SELECT * FROM sections ONLY) top
           ON top.notice_id = t.notice_id AND top.section_key = split_part(t.section_key, '.', 1)
    LEFT JOIN (SELECT * FROM sections ONLY) sub
           ON sub.notice_id = t.notice_id AND sub.section_key = t.section_key AND sub.level = 2
    WHERE $since IS NULL OR ch.changed_at > $since
    UNION ALL BY NAME
    SELECT ch.task_id, ch.notice_id, 'removed' AS status,
           n.region, n.year, n.title, n.plan_title, n.issuer, n.doc_number,
           n.publish_date, n.sign_date, ch.task_key, ch.text,
           [] AS lead, [] AS co, [] AS responsible, [] AS coordinator, [] AS implementer,
           [] AS support, [] AS assignments,
           ch.first_seen, ch.changed_at, ch.removed_at, ch.orgs
    FROM (SELECT * FROM task_changes ONLY) ch
    JOIN picked_notices n USING (notice_id)
    WHERE ch.removed_at IS NOT NULL AND ch.changed_at > $since
), picked_rows AS (
    SELECT rows.* EXCLUDE (orgs) FROM rows, picked_units p
    WHERE ($units IS NULL AND $unit_keys IS NULL) OR list_has_any(rows.orgs, p.names)
       OR list_has_any(list_transform(rows.orgs, lambda o: {'region': rows.region, 'org': o}),
                       p.keys)
)
SELECT COLUMNS FROM (FROM picked_rows ORDER BY """
    + _ORDER
    + ")"
)
_ONLY = "WHERE notice_id IN (SELECT unnest($ids))"
ROW_COLUMNS = "* EXCLUDE (ord)"  # the flat row, as task_rows gives it
# Tasks a chunk of the feed holds about: DuckDB's memory for one chunk (its sort and joins)
# stays far under the 128 MB an export gives it; fewer, larger chunks cost less time (each
# chunk's query scans the tables once).
CHUNK_TASKS = 20_000
FETCH_ROWS = 2048  # rows Python takes from a chunk's result at a time


def _task_sql(columns: str = ROW_COLUMNS, chunked: bool = False) -> str:
    # the sort takes the flat rows and the projection (a JSON line, a CSV row) comes after
    # it: the sort holds less than the lines would take
    return _TASK_ROWS.replace(" ONLY", " " + _ONLY if chunked else "").replace("COLUMNS", columns)


def _iso(ts: str) -> str:
    """A time as pydantic writes it in JSON: ISO 8601 with a T, microseconds only when
    there are some."""
    return f"replace(strftime({ts}, '%Y-%m-%dT%H:%M:%S.%f'), '.000000', '')"


def _location() -> str:
    """A task's place in its file (schemas.Provenance, every field, NULL when not stored)
    from its provenance, the stored JSON read once (json_transform)."""
    from schemas.notice import Provenance  # the model (pydantic) only for the JSON feed

    kinds = {"element_path": "VARCHAR", "bbox": "DOUBLE[]"}
    shape = ", ".join(
        f'"{name}": "{kinds.get(name, "INTEGER")}"' for name in Provenance.model_fields
    )
    return f"json_transform(provenance, '{{{shape}}}')"


def json_record() -> str:
    """The JSON Lines record (schemas/export.TaskRecord), made by DuckDB field for field as
    pydantic writes it ($schema_name, $schema_version: the record's); tests/test_export.py
    checks every line against the model and its JSON Schema."""
    return f"""to_json(struct_pack(
    schema_name := $schema_name, version := $schema_version,
    task_id := task_id, notice_id := notice_id, status := status, task_key := task_key,
    text := text, section_key := section_key, section_title := section_title,
    subsection_title := subsection_title, label := label, detail := detail,
    deadline := deadline, deadline_text := deadline_text, clause_text := clause_text,
    requirements := requirements, clause_inherited := clause_inherited,
    assignments := assignments,
    notice := struct_pack(notice_id := notice_id, title := title, plan_title := plan_title,
        issuer := issuer, region := region, "year" := year, publish_date := publish_date,
        sign_date := sign_date, doc_number := doc_number),
    provenance := CASE WHEN source_path IS NULL THEN NULL ELSE struct_pack(
        source_path := source_path, sha256 := sha256, format := format,
        location := {_location()}) END,
    first_seen := {_iso("first_seen")}, changed_at := {_iso("changed_at")},
    removed_at := {_iso("removed_at")}
))::VARCHAR"""


_GUARD = "CASE WHEN $raw OR NOT regexp_matches(X, '^[=+\\-@\t\r]') THEN X ELSE '''' || X END"


def csv_cells(names: list[str], types: list[str]) -> str:
    """The feed's columns as CSV cells, made by DuckDB by pipeline/formats.csv_cell's rules:
    a unit list joined with 、, dates and times in ISO 8601, true/false, NULL and an empty
    text as NULL (an empty cell), and a text cell that starts with = + - @ tab or CR led by
    ' unless $raw. `csv_row` makes them one row."""
    out = []
    for name, kind in zip(names, types, strict=True):
        col = f'"{name}"'
        if kind == "VARCHAR[]":
            cell = _GUARD.replace("X", f"nullif(array_to_string({col}, '、'), '')")
        elif kind in ("VARCHAR", "JSON"):
            cell = _GUARD.replace("X", f"nullif({col}, '')")
        elif kind == "DATE":
            cell = f"strftime({col}, '%Y-%m-%d')"
        elif kind.startswith("TIMESTAMP"):
            cell = _iso(col)
        elif kind == "BOOLEAN":
            cell = f"CASE WHEN {col} THEN 'true' WHEN NOT {col} THEN 'false' END"
        else:
            cell = f"CAST({col} AS VARCHAR)"
        out.append(f"{cell} AS {col}")
    return ", ".join(out)


def csv_row(names: list[str], types: list[str]) -> str:
    """The cells of `csv_cells` as one CSV row, quoted as Python's csv module quotes (a cell
    with a comma, a double quote, CR or LF in double quotes, its quotes doubled; NULL as an
    empty cell), for `lines`."""
    out = []
    for name, kind in zip(names, types, strict=True):
        col = f'"{name}"'
        if kind in ("VARCHAR[]", "VARCHAR", "JSON"):
            out.append(
                f"coalesce(CASE WHEN regexp_matches({col}, '[,\"\\r\\n]')"
                f" THEN '\"' || replace({col}, '\"', '\"\"') || '\"' ELSE {col} END, '')"
            )
        else:
            out.append(f"coalesce({col}, '')")
    return f"concat_ws(',', {', '.join(out)})"


def lines(record: str, end: str) -> str:
    """The projection of a feed of lines: the `record` (JSON_RECORD, csv_row(...)) and
    `end` as UTF-8 bytes (Python writes them as they are), and whether the row is a
    removed task."""
    ends = {"\n": "chr(10)", "\r\n": "chr(13) || chr(10)"}
    return f"encode({record} || {ends[end]}) AS line, status = 'removed' AS removed"


def parquet_columns(names: list[str]) -> str:
    """The Parquet feed's columns: the flat row with region and year as notice_region and
    notice_year in their places and again as region and year at the end, a NULL as the
    placeholders $no_region and $no_year (so the columns and values are those of the Hive
    partitioned folders fengong wrote before)."""
    region = "coalesce(region, $no_region)"
    year = "CAST(coalesce(year, $no_year) AS INTEGER)"
    cols = [
        f"{region} AS notice_region"
        if n == "region"
        else f"{year} AS notice_year"
        if n == "year"
        else f'"{n}"'
        for n in names
    ]
    return ", ".join([*cols, f"{region} AS region", f"{year} AS year"])


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
    """One row per task (the export record, flat), in plan order, as one relation (its
    memory grows with the feed: the feeds read task_batches)."""
    sql = _task_sql()
    return con.sql(sql, params=filters.params(sql))


def task_schema(
    con: duckdb.DuckDBPyConnection, columns: str = ROW_COLUMNS, params: dict[str, Any] | None = None
) -> pa.Schema:
    """The Arrow schema of task_rows' rows, projected to `columns` (with their `params`)."""
    sql = _task_sql(columns) + " LIMIT 0"
    given = {**Filters().params(sql), **(params or {})}
    return con.sql(sql, params=given).to_arrow_table().schema


def task_columns(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[str]]:
    """The names and DuckDB types of task_rows' columns."""
    sql = _task_sql() + " LIMIT 0"
    rel = con.sql(sql, params=Filters().params(sql))
    return list(rel.columns), [str(t) for t in rel.types]


def task_chunks(
    con: duckdb.DuckDBPyConnection, filters: Filters, chunk_tasks: int | None = None
) -> list[list[str]]:
    """The notices of the feed in its order, in chunks of about `chunk_tasks` tasks
    (CHUNK_TASKS unless given; a notice is never split)."""
    order_sql = (
        _PICKED + ", sizes AS (SELECT notice_id, count(*) AS n FROM task_changes"
        " GROUP BY notice_id) SELECT p.notice_id, coalesce(s.n, 0) FROM picked_notices p"
        " LEFT JOIN sizes s USING (notice_id)"
        " ORDER BY p.region NULLS LAST, p.year NULLS LAST, p.notice_id"
    )
    limit = chunk_tasks or CHUNK_TASKS  # read when called: tests make chunks small
    chunks: list[list[str]] = []
    chunk: list[str] = []
    size = 0
    for notice_id, tasks in con.execute(order_sql, filters.params(order_sql)).fetchall():
        chunk.append(notice_id)
        size += tasks
        if size >= limit:
            chunks.append(chunk)
            chunk, size = [], 0
    return [*chunks, chunk] if chunk else chunks


def _chunk_params(
    sql: str, filters: Filters, ids: list[str], params: dict[str, Any] | None
) -> dict[str, Any]:
    return {**filters.params(sql), "ids": ids, **(params or {})}


def task_fetches(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    columns: str,
    params: dict[str, Any] | None = None,
    outer: str | None = None,
    chunk_tasks: int | None = None,
) -> Iterator[list[tuple[Any, ...]]]:
    """task_rows projected to `columns` (with their own `params`), and then, if given, to
    `outer` (a projection of those columns: csv_cells, then lines(csv_row(...))), as lists
    of up to FETCH_ROWS row tuples in the feed's order, read a chunk of notices at a time."""
    sql = _task_sql(columns, chunked=True)
    if outer is not None:
        sql = f"SELECT {outer} FROM ({sql})"
    for ids in task_chunks(con, filters, chunk_tasks):
        result = con.execute(sql, _chunk_params(sql, filters, ids, params))
        while rows := result.fetchmany(FETCH_ROWS):
            yield rows


def task_tables(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    columns: str = ROW_COLUMNS,
    params: dict[str, Any] | None = None,
    chunk_tasks: int | None = None,
) -> Iterator[pa.Table]:
    """task_rows projected to `columns` as one Arrow table per chunk of notices, in the
    feed's order (memory: one chunk)."""
    sql = _task_sql(columns, chunked=True)
    for ids in task_chunks(con, filters, chunk_tasks):
        yield con.sql(sql, params=_chunk_params(sql, filters, ids, params)).to_arrow_table()


def removed_count(con: duckdb.DuckDBPyConnection, filters: Filters) -> int:
    """How many of the feed's rows are removed tasks (only a feed with $since has any)."""
    if filters.since is None:
        return 0
    sql = f"SELECT count(*) FROM ({_task_sql('status')}) WHERE status = 'removed'"
    row = con.execute(sql, filters.params(sql)).fetchone()
    return int(row[0]) if row else 0


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

"""When each task appeared, last changed or left its notice (the task_changes table).

A notice is replaced whole, so "did this task change?" is answered by comparing a digest of
each task's stored rows before the replacement with the same digest after it:

    before = digests(con, notice_id)     # still the old rows
    ... delete and insert the notice ...
    record(con, notice_id, before, at)   # new rows: stamp what is new, changed or gone

The digest covers what a tracker shows of a task: its key and section titles, text, detail,
deadline, clause (text and requirements), and its units with their roles. It leaves out
where the text sat in the file (a longer preamble moves every line) and the notice's own
metadata, and it is compared after NFKC and without white space (see digest()), so another
form of the same notice (full-width brackets in one, half-width in the other) changes
nothing. The task_id is derived from the notice and the task's text, so an edited text is a
new task_id (the old one is removed); an edited deadline or unit keeps the task_id and
changes the task.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Sequence
from typing import Any

import duckdb

# One row per task of a notice: (task_id, task_key, text, orgs, content), content being what
# the digest covers, as JSON text.
_CONTENT = """
WITH units AS (
    SELECT task_id,
           string_agg(org || '/' || role || '/' || CAST(inherited AS VARCHAR), ';' ORDER BY ord)
               AS roles,
           list(DISTINCT org ORDER BY org) AS orgs
    FROM assignments WHERE notice_id = $notice_id GROUP BY task_id
)
SELECT t.task_id, t.task_key, t.text, coalesce(u.orgs, []) AS orgs,
       CAST(to_json(struct_pack(
           key := t.task_key, section := t.section_key, top := top.title, sub := sub.title,
           label := t.label, text := t.text, detail := t.detail, due := t.deadline,
           due_text := t.deadline_text, inherited := t.inherited, clause := c.text,
           requirements := c.requirements, roles := u.roles
       )) AS VARCHAR) AS content
FROM tasks t
LEFT JOIN units u USING (task_id)
LEFT JOIN clauses c ON c.notice_id = t.notice_id AND c.clause_id = t.clause_id
LEFT JOIN sections top
       ON top.notice_id = t.notice_id AND top.section_key = split_part(t.section_key, '.', 1)
LEFT JOIN sections sub
       ON sub.notice_id = t.notice_id AND sub.section_key = t.section_key AND sub.level = 2
WHERE t.notice_id = $notice_id
"""


def digest(content: str) -> str:
    """A task's digest: its content compared after NFKC (which folds full- and half-width
    forms: （ and (, ，and ,) without white space, so the same notice read from a form with
    other punctuation widths or line breaks has the same digests."""
    folded = "".join(unicodedata.normalize("NFKC", content).split())
    return hashlib.md5(folded.encode(), usedforsecurity=False).hexdigest()


def _rows(con: duckdb.DuckDBPyConnection, notice_id: str) -> list[tuple[Any, ...]]:
    """(task_id, task_key, text, orgs, digest) of the notice's tasks as stored now."""
    rows = con.execute(_CONTENT, {"notice_id": notice_id}).fetchall()
    return [(*r[:4], digest(str(r[4]))) for r in rows]


def digests(con: duckdb.DuckDBPyConnection, notice_id: str) -> dict[str, str]:
    """task_id → digest of the notice's tasks as stored now."""
    return {str(r[0]): str(r[4]) for r in _rows(con, notice_id)}


def record(
    con: duckdb.DuckDBPyConnection, notice_id: str, before: dict[str, str], at: dt.datetime
) -> None:
    """Stamp the notice's tasks after a store, at `at` (its ingested_at): a new task_id is
    first seen then; a task whose digest differs from `before` (or that comes back after a
    removal) changed then; a task that is no longer there was removed then. Untouched tasks
    keep their stamps."""
    now = {str(r[0]): r for r in _rows(con, notice_id)}
    known = {
        str(r[0]): r[1] is not None
        for r in con.execute(
            "SELECT task_id, removed_at FROM task_changes WHERE notice_id = ?", [notice_id]
        ).fetchall()
    }
    added = [r for t, r in now.items() if t not in known]
    changed = [r for t, r in now.items() if t in known and (known[t] or before.get(t) != r[4])]
    gone = [t for t, removed in known.items() if not removed and t not in now]
    # set-wise, one statement each: the rows go in as parallel lists
    params: dict[str, object] = {"notice_id": notice_id, "at": at}
    if added:
        con.execute(
            f"INSERT INTO task_changes SELECT $notice_id, {_UNNESTED}, $at, $at, NULL",
            {**params, **_columns(added)},
        )
    if changed:
        con.execute(
            "UPDATE task_changes SET task_key = d.key, text = d.text, orgs = d.orgs,"
            f" changed_at = $at, removed_at = NULL FROM (SELECT {_UNNESTED}) d"
            " WHERE task_changes.notice_id = $notice_id AND task_changes.task_id = d.id",
            {**params, **_columns(changed)},
        )
    if gone:
        con.execute(
            "UPDATE task_changes SET changed_at = $at, removed_at = $at"
            " WHERE notice_id = $notice_id AND list_contains($ids, task_id)",
            {**params, "ids": gone},
        )


def record_removal(con: duckdb.DuckDBPyConnection, notice_id: str, at: dt.datetime) -> None:
    """Stamp every task of a notice being removed (`fengong remove`) as removed at `at`."""
    con.execute(
        "UPDATE task_changes SET changed_at = $at, removed_at = $at"
        " WHERE notice_id = $notice_id AND removed_at IS NULL",
        {"notice_id": notice_id, "at": at},
    )


def record_new(
    con: duckdb.DuckDBPyConnection,
    notice_id: str,
    tasks: list[tuple[str, str, str, list[str]]],
    at: dt.datetime,
) -> None:
    """`record` for a notice stored for the first time: every task is first seen now, and
    nothing needs comparing, so the rows come from the model instead of the digest query.
    `tasks` are (task_id, task_key, text, sorted distinct orgs)."""
    if not tasks:
        return
    con.execute(
        f"INSERT INTO task_changes SELECT $notice_id, {_UNNESTED}, $at, $at, NULL",
        {"notice_id": notice_id, "at": at, **_columns(tasks)},
    )


_UNNESTED = (
    "unnest($ids) AS id, unnest($keys) AS key, unnest($texts) AS text, "
    "unnest($orgs, max_depth := 1) AS orgs"
)


def _columns(rows: Sequence[tuple[Any, ...]]) -> dict[str, list[Any]]:
    return {
        "ids": [r[0] for r in rows],
        "keys": [r[1] for r in rows],
        "texts": [r[2] for r in rows],
        "orgs": [r[3] for r in rows],
    }

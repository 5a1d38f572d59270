"""When each task appeared, last changed or left its notice (the task_changes table).

A notice is replaced whole, so "did this task change?" is answered by comparing a digest of
each task before the replacement with the same digest after it. The digest is computed from
the model (`digests`) and kept with the task's stamps (task_changes.digest, migration 006),
so a replacement reads one notice's stamps by index and never the old rows themselves:

    before = stamps(con, notice_id)      # the stored stamps and digests (old rows if needed)
    ... delete and insert the notice ...
    record(con, notice, before, at)      # stamp what is new, changed or gone

The digest covers what a tracker shows of a task: its key and section titles, text, detail,
deadline, clause (text and requirements), and its units with their roles. It leaves out
where the text sat in the file (a longer preamble moves every line) and the notice's own
metadata, and it is compared after NFKC and without white space (see digest()), so another
form of the same notice (full-width brackets in one, half-width in the other) changes
nothing. The task_id is derived from the notice and the task's text, so an edited text is a
new task_id (the old one is removed); an edited deadline or unit keeps the task_id and
changes the task. Tasks stored before migration 006 have no digest kept: theirs is computed
from their stored rows (the same fields, the same function) when their notice is replaced.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from schemas import Notice

if TYPE_CHECKING:
    import duckdb

# What the digest covers, per task, in this order (_FIELDS reads the same from stored rows).
_FIELDS = """
WITH units AS (
    SELECT task_id,
           string_agg(org || '/' || role || '/' || CAST(inherited AS VARCHAR), ';' ORDER BY ord)
               AS roles
    FROM assignments WHERE notice_id = $notice_id GROUP BY task_id
), t AS (SELECT * FROM tasks WHERE notice_id = $notice_id),
   c AS (SELECT * FROM clauses WHERE notice_id = $notice_id),
   s AS (SELECT * FROM sections WHERE notice_id = $notice_id)
SELECT t.task_id, t.task_key, t.section_key, top.title, sub.title, t.label, t.text, t.detail,
       t.deadline, t.deadline_text, t.inherited, c.text, c.requirements, u.roles
FROM t
LEFT JOIN units u USING (task_id)
LEFT JOIN c ON c.clause_id = t.clause_id
LEFT JOIN s top ON top.section_key = split_part(t.section_key, '.', 1)
LEFT JOIN s sub ON sub.section_key = t.section_key AND sub.level = 2
"""


def digest(fields: Sequence[Any]) -> str:
    """A task's digest: its fields (_FIELDS' order after the task_id) as text, one separator
    between them (None as NUL), compared after NFKC (which folds full- and half-width forms:
    （ and (, ，and ,) without white space, so the same notice read from a form with other
    punctuation widths or line breaks has the same digests."""
    content = "\x1f".join("\x00" if f is None else str(f) for f in fields)
    if not unicodedata.is_normalized("NFKC", content):  # (a check is cheaper than a rewrite)
        content = unicodedata.normalize("NFKC", content)
    folded = "".join(content.split())
    return hashlib.md5(folded.encode(), usedforsecurity=False).hexdigest()


def digests(notice: Notice) -> dict[str, str]:
    """task_id → digest of each task of a notice, from the model."""
    titles = {s.key: s.title for s in notice.sections}
    subsections = {s.key: s.title for s in notice.sections if s.level == 2}
    clauses = {c.clause_id: c for c in notice.clauses}
    out = {}
    for t in notice.tasks:
        clause = clauses.get(t.clause_id) if t.clause_id is not None else None
        roles = ";".join(
            f"{a.org}/{a.role}/{'true' if a.inherited else 'false'}" for a in t.assignments
        )
        out[t.task_id] = digest(
            (
                t.key,
                t.section_key,
                titles.get(t.section_key.split(".")[0]),
                subsections.get(t.section_key),
                t.label,
                t.text,
                t.detail,
                t.deadline,
                t.deadline_text,
                t.inherited,
                clause.text if clause else None,
                clause.requirements if clause else None,
                roles or None,
            )
        )
    return out


def stored_digests(con: duckdb.DuckDBPyConnection, notice_id: str) -> dict[str, str]:
    """task_id → digest of the notice's tasks as stored now, from their rows."""
    rows = con.execute(_FIELDS, {"notice_id": notice_id}).fetchall()
    return {str(r[0]): digest(r[1:]) for r in rows}


@dataclass(frozen=True)
class Stamp:
    """What task_changes holds of a task: its digest (None: stored before migration 006
    and not computed) and whether it was removed."""

    digest: str | None
    removed: bool


def stamps(con: duckdb.DuckDBPyConnection, notice_id: str) -> dict[str, Stamp]:
    """The stamps of a notice's tasks, read before its rows are replaced; a task that has
    no digest kept and is still stored gets the digest of its stored rows."""
    rows = con.execute(
        "SELECT task_id, digest, removed_at IS NOT NULL FROM task_changes WHERE notice_id = ?",
        [notice_id],
    ).fetchall()
    out = {str(r[0]): Stamp(r[1], bool(r[2])) for r in rows}
    if any(s.digest is None and not s.removed for s in out.values()):
        rows_now = stored_digests(con, notice_id)
        out = {
            t: Stamp(rows_now.get(t), s.removed) if s.digest is None else s for t, s in out.items()
        }
    return out


def record(
    con: duckdb.DuckDBPyConnection,
    notice: Notice,
    before: dict[str, Stamp],
    at: dt.datetime,
) -> None:
    """Stamp the notice's tasks after a store, at `at` (its ingested_at): a new task_id is
    first seen then; a task whose digest differs from `before` (or that comes back after a
    removal) changed then; a task that is no longer there was removed then. Untouched tasks
    keep their stamps."""
    now = digests(notice)
    rows = {r[0]: (*r, now[r[0]]) for r in model_rows(notice)}
    added = [r for t, r in rows.items() if t not in before]
    changed = [
        r
        for t, r in rows.items()
        if t in before and (before[t].removed or before[t].digest != r[4])
    ]
    gone = [t for t, s in before.items() if not s.removed and t not in rows]
    # set-wise, one statement each: the rows go in as parallel lists
    params: dict[str, object] = {"notice_id": notice.notice_id, "at": at}
    if added:
        con.execute(
            f"INSERT INTO task_changes ({_NAMED}) SELECT $notice_id, {_UNNESTED}, $at, $at, NULL",
            {**params, **_columns(added)},
        )
    if changed:
        con.execute(
            "UPDATE task_changes SET task_key = d.key, text = d.text, orgs = d.orgs,"
            f" digest = d.digest, changed_at = $at, removed_at = NULL FROM (SELECT {_UNNESTED}) d"
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


def model_rows(notice: Notice) -> list[tuple[str, str, str, list[str]]]:
    """(task_id, task_key, text, sorted distinct orgs) of a notice's tasks, from the model."""
    return [
        (t.task_id, t.key, t.text, sorted({a.org for a in t.assignments})) for t in notice.tasks
    ]


def new_columns(notice: Notice, at: dt.datetime | None) -> dict[str, list[Any]]:
    """The task_changes rows of a notice stored for the first time, column by column: every
    task first seen and changed at `at`, with its digest."""
    rows = model_rows(notice)
    now = digests(notice)
    n = len(rows)
    return {
        "notice_id": [notice.notice_id] * n,
        "task_id": [r[0] for r in rows],
        "task_key": [r[1] for r in rows],
        "text": [r[2] for r in rows],
        "orgs": [r[3] for r in rows],
        "digest": [now[r[0]] for r in rows],
        "first_seen": [at] * n,
        "changed_at": [at] * n,
        "removed_at": [None] * n,
    }


_NAMED = "notice_id, task_id, task_key, text, orgs, digest, first_seen, changed_at, removed_at"
_UNNESTED = (
    "unnest($ids) AS id, unnest($keys) AS key, unnest($texts) AS text, "
    "unnest($orgs, max_depth := 1) AS orgs, unnest($digests) AS digest"
)


def _columns(rows: Sequence[tuple[Any, ...]]) -> dict[str, list[Any]]:
    return {
        "ids": [r[0] for r in rows],
        "keys": [r[1] for r in rows],
        "texts": [r[2] for r in rows],
        "orgs": [r[3] for r in rows],
        "digests": [r[4] for r in rows],
    }

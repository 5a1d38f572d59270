"""Versions of a notice: every file that carried it, and which one's reading is current.

The same notice reaches a warehouse as a web page, its Word attachment, a PDF, a re-published
page, a cut-off download. Each file is a version (table notice_versions, migration 005: path,
sha256, format, size, the counts of its reading, its metadata); the notice's rows are the
reading of one of them, the current one, chosen rather than simply the last:

- a file's reading **replaces** the current one unless it reads worse: fewer tasks, fewer
  assignments or more warnings (any one of them); a file seen before replaces it only when
  it reads better (no count worse, one better), so ingesting a folder again that holds two
  forms of one notice changes nothing, and ingesting an earlier, better version again makes
  it current;
- otherwise the file is **kept** as a version and the stored reading stays, and the line
  says which reading is stored and how to take this one (`ingest --replace`);
- metadata is **merged**: a field the current reading lacks (None, or an empty list) is
  taken from the other versions, better readings first, then the latest, so the web page's
  publish_date survives a later Word attachment.

    verdict = choose(Reading.of(notice), current, seen=..., replace=False)
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from schemas import Notice, NoticeMeta

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True)
class Reading:
    """What one file's reading of a notice gave."""

    tasks: int
    assignments: int
    warnings: int

    @classmethod
    def of(cls, notice: Notice) -> Reading:
        return cls(
            len(notice.tasks),
            sum(len(t.assignments) for t in notice.tasks),
            len(notice.warnings),
        )

    def worse_than(self, other: Reading) -> list[tuple[str, int, int]]:
        """The counts on which this reading is worse than `other`: (what, other's, this)."""
        out = []
        if self.tasks < other.tasks:
            out.append(("tasks", other.tasks, self.tasks))
        if self.assignments < other.assignments:
            out.append(("assignments", other.assignments, self.assignments))
        if self.warnings > other.warnings:
            out.append(("warnings", other.warnings, self.warnings))
        return out

    def better_than(self, other: Reading) -> bool:
        return not self.worse_than(other) and self != other

    def text(self) -> str:
        return f"{self.tasks} tasks, {self.assignments} assignments, {self.warnings} warnings"


@dataclass(frozen=True)
class Version:
    """One file's version of a notice, as stored."""

    sha256: str
    path: str
    format: str
    reading: Reading | None  # None: met before migration 005 and not current then
    meta: NoticeMeta | None
    ingested_at: dt.datetime


@dataclass(frozen=True)
class Verdict:
    """What a store does with a file's reading: take it, or keep the stored one (and why)."""

    take: bool
    why: str | None = None  # for a kept file: the line after its path
    worse: bool = False  # kept because it reads worse (the batch exits 1 for it)


def choose(new: Reading, current: Version, *, seen: bool, replace: bool) -> Verdict:
    """Whether a file's reading `new` replaces the notice's `current` version. `seen`: the
    file is a version already (not the current one); `replace`: the user said so."""
    if replace or current.reading is None:
        return Verdict(take=True)
    worse = new.worse_than(current.reading)
    if worse:
        had = " and ".join(f"{old} {what}" for what, old, _ in worse)
        got = " and ".join(str(now) for _, _, now in worse)
        return Verdict(
            take=False,
            why=f"the stored reading from {current.path} has {had}, this file {got}; "
            "--replace to take it",
            worse=True,
        )
    if seen and not new.better_than(current.reading):
        return Verdict(
            take=False,
            why=f"a version seen before; the stored reading from {current.path} reads as "
            f"well ({current.reading.text()}); --replace to take this file's",
        )
    return Verdict(take=True)


def merged(meta: NoticeMeta, others: Iterable[Version]) -> NoticeMeta:
    """`meta` with each field it lacks (None or an empty list) taken from the first of the
    other versions that has it, better readings first, then the most recently ingested."""
    ranked = sorted(
        (v for v in others if v.meta is not None),
        key=lambda v: (
            (v.reading.tasks, v.reading.assignments, -v.reading.warnings) if v.reading else (),
            v.ingested_at,
        ),
        reverse=True,
    )
    filled = {}
    for field in NoticeMeta.model_fields:
        if getattr(meta, field) in (None, []):
            for v in ranked:
                value = getattr(v.meta, field)
                if value not in (None, []):
                    filled[field] = value
                    break
    return meta.model_copy(update=filled) if filled else meta


def load(con: duckdb.DuckDBPyConnection, notice_id: str) -> dict[str, Version]:
    """The notice's versions by sha256."""
    rows = con.execute(
        "SELECT sha256, path, format, tasks, assignments, warnings, CAST(meta AS VARCHAR),"
        " ingested_at FROM notice_versions WHERE notice_id = ?",
        [notice_id],
    ).fetchall()
    return {
        r[0]: Version(
            sha256=r[0],
            path=r[1],
            format=r[2],
            reading=Reading(r[3], r[4], r[5]) if r[3] is not None else None,
            meta=NoticeMeta.model_validate(json.loads(r[6])) if r[6] else None,
            ingested_at=r[7],
        )
        for r in rows
    }


def columns(notice: Notice, at: dt.datetime | None) -> dict[str, list[object]]:
    """The version row of a file whose notice is stored for the first time, column by
    column (what put() writes, for a group's one insert)."""
    reading = Reading.of(notice)
    s = notice.source
    return {
        "notice_id": [notice.notice_id],
        "sha256": [s.sha256],
        "path": [s.path],
        "format": [s.format],
        "size": [s.size],
        "tasks": [reading.tasks],
        "assignments": [reading.assignments],
        "warnings": [reading.warnings],
        "meta": [notice.meta.model_dump_json()],
        "first_seen": [at],
        "ingested_at": [at],
    }


def put(con: duckdb.DuckDBPyConnection, notice: Notice, at: dt.datetime) -> None:
    """Record (or refresh) the file's version of the notice: its path, reading and metadata
    as this ingest found them, in the caller's transaction."""
    reading = Reading.of(notice)
    s = notice.source
    con.execute(
        "INSERT INTO notice_versions (notice_id, sha256, path, format, size, tasks,"
        " assignments, warnings, meta, first_seen, ingested_at)"
        " VALUES ($id, $sha, $path, $format, $size, $tasks, $assignments, $warnings, $meta,"
        " $at, $at)"
        " ON CONFLICT (notice_id, sha256) DO UPDATE SET path = excluded.path,"
        " format = excluded.format, size = excluded.size, tasks = excluded.tasks,"
        " assignments = excluded.assignments, warnings = excluded.warnings,"
        " meta = excluded.meta, ingested_at = excluded.ingested_at",
        {
            "id": notice.notice_id,
            "sha": s.sha256,
            "path": s.path,
            "format": s.format,
            "size": s.size,
            "tasks": reading.tasks,
            "assignments": reading.assignments,
            "warnings": reading.warnings,
            "meta": notice.meta.model_dump_json(),
            "at": at,
        },
    )

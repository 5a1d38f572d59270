"""The Notice model as warehouse rows: one map from each table's columns to the model.

Every insert of a notice's rows names its columns from here (warehouse/bulk.py), so where a
column stands in its table — tables grow over several migrations — never matters. Each table
is filled from one kind of row item (the notice, a section with its place, a task's
assignment…), and each column names the item's field it holds as a dotted path, so
tests/test_mapping.py can check both sides: every column of the tables is filled and exists,
and every field of the model is stored or listed in NOT_STORED with the reason.

    columns = MAPS["tasks"].columns_of(notice, at)   # {"task_id": [...], "text": [...], …}
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, NamedTuple

from schemas import Assignment, Clause, Notice, NoticeWarning, Reference, Section, Task, Unit
from schemas.notice import Provenance

Columns = dict[str, list[Any]]  # column name → its values, one per row


class NoticeRow(NamedTuple):
    notice: Notice
    at: dt.datetime | None  # when this store wrote it (ingested_at; None: filled later)


class SectionRow(NamedTuple):
    ord: int  # the section's place in the notice, from 0
    section: Section


class TaskRow(NamedTuple):
    ord: int
    task: Task


class AssignmentRow(NamedTuple):
    task: Task
    ord: int  # the assignment's place in its task
    assignment: Assignment


class AliasRow(NamedTuple):
    unit: Unit
    alias: str  # the unit's name itself, or one of its aliases


class WarningRow(NamedTuple):
    ord: int
    warning: NoticeWarning


# json.dumps(..., ensure_ascii=False) builds a new encoder at every call: one, kept
_encode = json.JSONEncoder(ensure_ascii=False).encode


def provenance_json(prov: Provenance | None) -> str | None:
    """A provenance as the JSON the provenance columns hold: the fields that are set, as
    json.dumps writes them (its fields are plain numbers and text, so they are read straight
    from the model: model_dump costs ~5× as much)."""
    if prov is None:
        return None
    return _encode({k: v for k, v in prov.__dict__.items() if v is not None})


def _messages(warnings: list[NoticeWarning]) -> list[str]:
    return [w.message for w in warnings]


@dataclass(frozen=True)
class Column:
    """One column: the field of the row item it holds (a dotted path), and how the value is
    turned into the column's (JSON text, a list of messages), if it is not stored as it is."""

    name: str
    field: str
    convert: Callable[[Any], Any] | None = None


def _col(
    name: str, field: str | None = None, convert: Callable[[Any], Any] | None = None
) -> Column:
    return Column(name, field or name, convert)


@dataclass(frozen=True)
class TableMap:
    """A table filled from a notice: its row items (`items`, of type `item`) and its columns.
    `notice_id`, in every table, is the notice's."""

    table: str
    item: type
    items: Callable[[Notice, dt.datetime | None], Sequence[Any]]
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The columns an insert names, notice_id first."""
        return ("notice_id", *(c.name for c in self.columns))

    def columns_of(self, notice: Notice, at: dt.datetime | None) -> Columns:
        """The notice's rows for this table, column by column."""
        return self.columns_for(notice.notice_id, self.items(notice, at))

    def columns_for(self, notice_id: str, items: Sequence[Any]) -> Columns:
        """Rows of this table for the given row items of a notice (a part of its rows)."""
        out: Columns = {"notice_id": [notice_id] * len(items)}
        for c in self.columns:
            get = attrgetter(c.field)
            out[c.name] = (
                [c.convert(get(i)) for i in items] if c.convert else [get(i) for i in items]
            )
        return out


MAPS: dict[str, TableMap] = {
    m.table: m
    for m in (
        TableMap(
            "notices",
            NoticeRow,
            lambda n, at: [NoticeRow(n, at)],
            (
                _col("title", "notice.meta.title"),
                _col("plan_title", "notice.meta.plan_title"),
                _col("issuer", "notice.meta.issuer"),
                _col("region", "notice.meta.region"),
                _col("year", "notice.meta.year"),
                _col("publish_date", "notice.meta.publish_date"),
                _col("sign_date", "notice.meta.sign_date"),
                _col("doc_number", "notice.meta.doc_number"),
                _col("addressees", "notice.meta.addressees"),
                _col("plan_kind", "notice.meta.plan_kind"),
                _col("source_path", "notice.source.path"),
                _col("sha256", "notice.source.sha256"),
                _col("format", "notice.source.format"),
                _col("size", "notice.source.size"),
                _col("schema_version", "notice.version"),
                _col("warnings", "notice.warnings", _messages),  # kept for older readers
                _col("preamble", "notice.preamble"),
                _col("ingested_at", "at"),
            ),
        ),
        TableMap(
            "sections",
            SectionRow,
            lambda n, at: [SectionRow(i, s) for i, s in enumerate(n.sections)],
            (
                _col("section_key", "section.key"),
                _col("level", "section.level"),
                _col("label", "section.label"),
                _col("title", "section.title"),
                _col("title_simplified", "section.title_simplified"),
                _col("ord"),
                _col("provenance", "section.provenance", provenance_json),
            ),
        ),
        TableMap(
            "tasks",
            TaskRow,
            lambda n, at: [TaskRow(i, t) for i, t in enumerate(n.tasks)],
            (
                _col("task_id", "task.task_id"),
                _col("task_key", "task.key"),
                _col("section_key", "task.section_key"),
                _col("label", "task.label"),
                _col("text", "task.text"),
                _col("text_simplified", "task.text_simplified"),
                _col("detail", "task.detail"),
                _col("detail_simplified", "task.detail_simplified"),
                _col("deadline", "task.deadline"),
                _col("deadline_text", "task.deadline_text"),
                _col("clause_id", "task.clause_id"),
                _col("inherited", "task.inherited"),
                _col("ord"),
                _col("provenance", "task.provenance", provenance_json),
            ),
        ),
        TableMap(
            "clauses",
            Clause,
            lambda n, at: n.clauses,
            (
                _col("clause_id"),
                _col("text"),
                _col("requirements"),
                _col("provenance", "provenance", provenance_json),
            ),
        ),
        TableMap(
            "assignments",
            AssignmentRow,
            lambda n, at: [
                AssignmentRow(t, i, a) for t in n.tasks for i, a in enumerate(t.assignments)
            ],
            (
                _col("task_id", "task.task_id"),
                _col("task_key", "task.key"),
                _col("clause_id", "task.clause_id"),
                _col("org", "assignment.org"),
                _col("org_raw", "assignment.org_raw"),
                _col("role", "assignment.role"),
                _col("inherited", "assignment.inherited"),
                _col("ord"),
            ),
        ),
        TableMap(
            "unit_aliases",
            AliasRow,
            lambda n, at: [AliasRow(u, a) for u in n.units for a in [u.name, *u.aliases]],
            (
                _col("name", "unit.name"),
                _col("alias"),
                _col("collective", "unit.collective"),
            ),
        ),
        TableMap(
            "notice_references",
            Reference,
            lambda n, at: n.meta.references,
            (_col("doc_number"), _col("title")),
        ),
        TableMap(
            "warnings",
            WarningRow,
            lambda n, at: [WarningRow(i, w) for i, w in enumerate(n.warnings)],
            (
                _col("ord"),
                _col("task_key", "warning.task_key"),
                _col("kind", "warning.kind"),
                _col("message", "warning.message"),
                _col("provenance", "warning.provenance", provenance_json),
            ),
        ),
    )
}


# Fields of the model that no column holds as they are, and why (tests/test_mapping.py
# requires every field of the model to be stored or listed here).
NOT_STORED = {
    "Notice.schema_name": "a constant: every stored notice is a fengong.Notice",
    "Notice.source": "its fields are columns of notices",
    "Notice.meta": "its fields are columns of notices (and the whole, as JSON, of a version)",
    "Notice.sections": "the rows of sections",
    "Notice.tasks": "the rows of tasks",
    "Notice.clauses": "the rows of clauses",
    "Notice.units": "the rows of unit_aliases",
    "NoticeMeta.references": "the rows of notice_references",
    "Task.assignments": "the rows of assignments",
    "Clause.assignments": "the same assignments as the tasks', reached by clause_id",
    "Unit.aliases": "a row of unit_aliases each",
}

# Tables a notice's store fills that are not its reading: named where they are written.
OTHER_TABLES = {
    "notice_versions": "warehouse/versions.py (a version of the notice: its file and counts)",
    "task_changes": "warehouse/changes.py (when each task appeared, changed, left)",
    "task_link_pairs": "warehouse/links.py (the plans compared)",
    "task_links": "warehouse/links.py (the tasks linked)",
    "ingest_log": "warehouse/store.py (one row per file a batch met)",
    "removed_notices": "warehouse/store.py (what the feeds still show of a removed notice)",
    "schema_migrations": "warehouse/store.py (the migrations applied)",
}

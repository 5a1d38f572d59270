"""A notice as the rows its first store writes, built wherever it was parsed.

A batch's writer is the one process that cannot be spread over the cores (DuckDB has one
writer), so what a store can compute from the model alone is computed beside the parse, in
the parser workers (pipeline/workers.py), and sent instead of the model: every table's
columns (warehouse/mapping.py), the task_changes digests (warehouse/changes.py), the version
row (warehouse/versions.py), the texts the year links align (warehouse/links.py), the
counts a result line prints. Plain lists of text and numbers pickle ~8× faster than the
pydantic model; the model itself travels as its JSON and is read back only by a store that
needs it whole (a notice stored before: replaced or kept, warehouse/store.store_alone).

    rows = NoticeRows.of(notice)             # in the worker (or in-process: the same rows)
    columns = rows.stamped(at)               # in the writer: the store's time filled in
    notice = rows.notice()                   # only when the whole model is needed
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from schemas import Notice
from warehouse import changes, versions
from warehouse.align import TaskText
from warehouse.links import SeriesRow, notice_texts, series_row
from warehouse.mapping import MAPS, Columns

# The columns that hold the time of the store, filled by the writer (stamped()), not where
# the notice was parsed: a notice parsed ahead of its commit is still stamped when stored.
STAMPED: dict[str, tuple[str, ...]] = {
    "notices": ("ingested_at",),
    "task_changes": ("first_seen", "changed_at"),
    "notice_versions": ("first_seen", "ingested_at"),
}


@dataclass(frozen=True)
class NoticeRows:
    """One notice's rows for a first store (tables of warehouse/mapping.MAPS, task_changes
    and notice_versions, by table then column), its place in a series and its aligned
    texts, its counts, and the model (the Notice, or its JSON when it crossed a process)."""

    notice_id: str
    sha256: str
    path: str  # Notice.source.path
    place: SeriesRow
    reading: versions.Reading
    columns: dict[str, Columns]
    texts: list[TaskText]
    model: Notice | str

    @classmethod
    def of(cls, notice: Notice, *, as_json: bool = False) -> NoticeRows:
        """The rows of a notice; `as_json` keeps the model as its JSON (what a worker sends:
        model_dump_json costs a third of pickling the model, and the writer rarely reads it)."""
        columns = {m.table: m.columns_of(notice, None) for m in MAPS.values()}
        columns["task_changes"] = changes.new_columns(notice, None)
        columns["notice_versions"] = versions.columns(notice, None)
        return cls(
            notice.notice_id,
            notice.source.sha256,
            notice.source.path,
            series_row(notice.notice_id, notice.meta),
            versions.Reading.of(notice),
            columns,
            notice_texts(notice),
            notice.model_dump_json() if as_json else notice,
        )

    def notice(self) -> Notice:
        """The model (read back from its JSON when it was sent as JSON)."""
        if isinstance(self.model, Notice):
            return self.model
        return Notice.model_validate_json(self.model)

    def stamped(self, at: dt.datetime) -> dict[str, Columns]:
        """The columns with the store's time in STAMPED's columns (the rows themselves are
        shared, never changed: a group retried notice by notice stamps them again)."""
        out = dict(self.columns)
        for table, names in STAMPED.items():
            count = len(out[table]["notice_id"])
            filled: dict[str, list[Any]] = dict(out[table])
            for name in names:
                filled[name] = [at] * count
            out[table] = filled
        return out

"""The one document model every reader and the warehouse share.

A notice is stored as flat, typed lists (sections, tasks, clauses, assignments, units) that
refer to each other by key, so that each list maps onto one warehouse table and one view.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.roles import Role as Role  # the role vocabulary lives apart, free of pydantic

SCHEMA_NAME: Literal["fengong.Notice"] = "fengong.Notice"
SCHEMA_VERSION = "1.2.0"

SourceFormat = Literal["text", "html", "docx", "pdf", "doc"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Provenance(Model):
    """Where a piece of text came from in its source file.

    Only the fields that make sense for the source format are set: a line span for text,
    an element path for HTML, paragraph/table/row/cell indexes for DOCX, page and bbox for PDF.
    """

    line_start: int | None = None
    line_end: int | None = None
    element_path: str | None = None
    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    cell: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None


class Source(Model):
    path: str
    sha256: str
    format: SourceFormat
    size: int


class Reference(Model):
    """An upstream notice the plan cites, e.g. 《…》（国办发〔2022〕8号）."""

    doc_number: str | None
    title: str | None


class NoticeMeta(Model):
    title: str | None = None
    plan_title: str | None = None
    issuer: str | None = None
    region: str | None = None
    year: int | None = None
    publish_date: dt.date | None = None
    sign_date: dt.date | None = None
    doc_number: str | None = None
    addressees: list[str] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    plan_kind: str | None = Field(
        default=None,
        description="what the plan is about, read from its plan title at parse time "
        "(parsers/kinds.py): the title in simplified script without the region, years and the "
        "words every plan title has (南沙区2020年政务公开工作要点分工方案 → 政务公开); '' when "
        "nothing is left, None without a plan title. A plan is compared with the previous "
        "plan of its region and kind.",
    )


SIMPLIFIED = (
    "in simplified script, as years are compared (NFKC, then OpenCC t2s; parsers/script.py), "
    "when that differs from its NFKC form (a traditional-script notice); None otherwise"
)


class Section(Model):
    key: str = Field(description="一 for a section, 一.(一) for a subsection")
    level: int = Field(ge=1, le=2)
    label: str = Field(description="the number as printed, e.g. （一）")
    title: str
    provenance: Provenance
    title_simplified: str | None = Field(default=None, description=f"the title {SIMPLIFIED}")


class Assignment(Model):
    org: str = Field(description="canonical unit name")
    org_raw: str = Field(description="the name as printed in the clause")
    role: Role
    inherited: bool = Field(description="taken from a clause above (a merged cell)")


class Clause(Model):
    clause_id: int = Field(description="position of the clause in the notice, from 0")
    text: str = Field(description="the responsibility text as printed")
    requirements: str = Field(description="the work requirements after the roles")
    assignments: list[Assignment]
    provenance: Provenance


class Task(Model):
    task_id: str = Field(description="stable id: same notice and same text, same id")
    key: str = Field(description="一.(一).1; an unnumbered task takes its subsection's key")
    section_key: str
    label: str | None = Field(description="the task number as printed, None when unnumbered")
    text: str = Field(description="the task without its number")
    detail: str | None = Field(default=None, description="a 具体要求/具体措施 column, if any")
    deadline: dt.date | None = None
    deadline_text: str | None = None
    clause_id: int | None = Field(description="the clause that applies to this task")
    inherited: bool = Field(description="the clause belongs to a task above")
    assignments: list[Assignment]
    provenance: Provenance
    text_simplified: str | None = Field(default=None, description=f"the text {SIMPLIFIED}")
    detail_simplified: str | None = Field(default=None, description=f"the detail {SIMPLIFIED}")


WarningKind = Literal[
    "clause_unread",  # a responsibility text in which no unit could be read
    "row_misfit",  # a table row whose cells do not fit its header
    "column_shift",  # cells moved to other columns to fit the header
    "task_unassigned",  # a task left without units in a plan whose other tasks have them
    "unreadable_text",  # text the source does not map to characters ((cid:N), mojibake)
    "encoding",  # bytes that had to be replaced or re-decoded
    "structure",  # numbering that does not hold together (a section printed twice…)
    "reader",  # what a reader left out or could not rebuild (pages, tables, changes)
]


class NoticeWarning(Model):
    """Something the parser could not place with certainty. Stored in `v_warnings`; a file
    with warnings fails under `ingest --strict`."""

    kind: WarningKind
    message: str = Field(description="one line, in English, naming what was found")
    task_key: str | None = Field(default=None, description="the task it concerns, if any")
    provenance: Provenance | None = None


class Unit(Model):
    name: str
    aliases: list[str] = Field(default_factory=list)
    collective: bool = False


class Notice(Model):
    schema_name: Literal["fengong.Notice"] = SCHEMA_NAME
    version: str = SCHEMA_VERSION
    notice_id: str = Field(description="stable id: the same notice keeps it across re-ingests")
    source: Source
    meta: NoticeMeta
    preamble: list[str] = Field(description="paragraphs before the plan")
    sections: list[Section]
    tasks: list[Task]
    clauses: list[Clause]
    units: list[Unit]
    warnings: list[NoticeWarning] = Field(default_factory=list)

"""The task record of the feeds (fengong export): one task with everything a tracker needs.

Versioned like the Notice model: every JSON Lines record carries schema_name and version, and
the JSON Schema written beside the feed (<out>.schema.json) is generated from this model.
A change that breaks a reader bumps the major version; a new optional field the minor one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from schemas.notice import Model, Provenance, Role, SourceFormat

EXPORT_SCHEMA_NAME: Literal["fengong.TaskRecord"] = "fengong.TaskRecord"
EXPORT_SCHEMA_VERSION = "1.0.0"

TaskStatus = Literal["active", "removed"]


class RecordNotice(Model):
    """The notice the task belongs to."""

    notice_id: str
    title: str | None
    plan_title: str | None
    issuer: str | None
    region: str | None
    year: int | None
    publish_date: dt.date | None
    sign_date: dt.date | None
    doc_number: str | None


class RecordAssignment(Model):
    org: str = Field(description="canonical unit name")
    org_raw: str = Field(description="the name as printed in the clause")
    role: Role
    inherited: bool = Field(description="taken from a clause above (a merged cell)")


class RecordProvenance(Model):
    """Where the task was read: the file (by path and content hash) and the place in it."""

    source_path: str
    sha256: str
    format: SourceFormat
    location: Provenance | None = Field(description="line span, element path, page …")


class TaskRecord(Model):
    schema_name: Literal["fengong.TaskRecord"] = EXPORT_SCHEMA_NAME
    version: str = EXPORT_SCHEMA_VERSION
    task_id: str = Field(description="stable id: same notice and same task text, same id")
    notice_id: str
    status: TaskStatus = Field(
        description="removed: a later version of the notice no longer has this task "
        "(only in an export --since; then only task_key and text are known)"
    )
    task_key: str = Field(description="一.(一).1; an unnumbered task takes its subsection's key")
    text: str = Field(description="the task without its number")
    section_key: str | None
    section_title: str | None = Field(description="title of the top-level section (一、)")
    subsection_title: str | None = Field(description="title of the subsection ((一)), if any")
    label: str | None = Field(description="the task number as printed")
    detail: str | None = Field(description="a 具体要求/具体措施 column, if any")
    deadline: dt.date | None
    deadline_text: str | None = Field(description="the deadline as printed")
    clause_text: str | None = Field(description="the responsibility clause as printed")
    requirements: str | None = Field(description="the work requirements after the roles")
    clause_inherited: bool | None = Field(description="the clause belongs to a task above")
    assignments: list[RecordAssignment]
    notice: RecordNotice
    provenance: RecordProvenance | None
    first_seen: dt.datetime = Field(description="UTC time the task_id was first stored")
    changed_at: dt.datetime = Field(description="UTC time the task last changed (or left)")
    removed_at: dt.datetime | None = None


def record_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one JSON Lines record, with its version in $id."""
    schema = TaskRecord.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:fengong:schema:{EXPORT_SCHEMA_NAME}:{EXPORT_SCHEMA_VERSION}",
        **schema,
    }

"""Pydantic models shared by the readers, the structure stage and the warehouse."""

from schemas.notice import (
    SCHEMA_NAME,
    SCHEMA_VERSION,
    Assignment,
    Clause,
    Notice,
    NoticeMeta,
    NoticeWarning,
    Provenance,
    Reference,
    Role,
    Section,
    Source,
    SourceFormat,
    Task,
    Unit,
    WarningKind,
)
from schemas.roles import ROLE_NAMES, ROLES

__all__ = [
    "ROLES",
    "ROLE_NAMES",
    "SCHEMA_NAME",
    "SCHEMA_VERSION",
    "Assignment",
    "Clause",
    "Notice",
    "NoticeMeta",
    "NoticeWarning",
    "Provenance",
    "Reference",
    "Role",
    "Section",
    "Source",
    "SourceFormat",
    "Task",
    "Unit",
    "WarningKind",
]

"""Pydantic models shared by the readers, the structure stage and the warehouse.

The names below load on first use (PEP 562): `schemas.errors` and `schemas.roles` are read by
commands that never build a model (`fengong diff`, `unit`, `query`), which should not pay for
pydantic and the Notice model at every start (issue 16, start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from schemas.lazy import lazy_exports

if TYPE_CHECKING:
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
        Section,
        Source,
        SourceFormat,
        Task,
        Unit,
        WarningKind,
    )
    from schemas.roles import ROLE_NAMES, ROLES, Role

_HOME = {
    "SCHEMA_NAME": "schemas.notice",
    "SCHEMA_VERSION": "schemas.notice",
    "Assignment": "schemas.notice",
    "Clause": "schemas.notice",
    "Notice": "schemas.notice",
    "NoticeMeta": "schemas.notice",
    "NoticeWarning": "schemas.notice",
    "Provenance": "schemas.notice",
    "Reference": "schemas.notice",
    "Section": "schemas.notice",
    "Source": "schemas.notice",
    "SourceFormat": "schemas.notice",
    "Task": "schemas.notice",
    "Unit": "schemas.notice",
    "WarningKind": "schemas.notice",
    "Role": "schemas.roles",
    "ROLES": "schemas.roles",
    "ROLE_NAMES": "schemas.roles",
}


__getattr__ = lazy_exports(__name__, _HOME, globals())


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

"""The role vocabulary: the six roles a unit can hold in a task, and the one Chinese name each
is shown under.

`Role` is the only list of roles (defined here, apart from the pydantic models, so that the
commands that print roles do not load them); every other part takes them from here:
the parsers' lexicon (parsers/lexicon.py), the feeds' role columns (warehouse/feeds.py), the
ledger's 本单位角色 and 责任单位 brackets (pipeline/ledger.py), the comparison report
(pipeline/report.py) and the CLI's unit listings (`fengong unit`, `fengong units`).

The names follow GOLD-GUIDE.md's role table: 牵头 (lead), 配合 (co: 会同 / 会办 / 配合 / 协助
all assist a named lead, and a ledger's 配合单位 column is where they are listed), 负责
(responsible), 统筹协调 (coordinator), 组织实施 (implementer), 支持 (support: technical
support, guidance and funding alike, so not only 技术支持).
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = ["ROLES", "ROLE_NAMES", "Role"]

Role = Literal["lead", "co", "responsible", "coordinator", "implementer", "support"]
"""A role a unit holds in a task (the model's Assignment.role)."""

ROLES: tuple[Role, ...] = get_args(Role)
"""Every role, in the order listings and columns give them (lead first, support last)."""

ROLE_NAMES: dict[Role, str] = {
    "lead": "牵头",
    "co": "配合",
    "responsible": "负责",
    "coordinator": "统筹协调",
    "implementer": "组织实施",
    "support": "支持",
}
"""The Chinese name each role is shown under, wherever a person reads it."""

"""What years of a plan are compared on, filled in at parse time so that the warehouse only
stores it: the plan's kind (parsers/kinds.py) and the simplified-script forms of the task
texts, details and section titles of a traditional-script notice (parsers/script.py).

    notice = with_compared_forms(notice)   # the last step of parsers/structure.build_notice
"""

from __future__ import annotations

from parsers.kinds import plan_kind
from parsers.script import simplified_form
from schemas import Notice


def with_compared_forms(notice: Notice) -> Notice:
    """The notice with ``meta.plan_kind``, ``Section.title_simplified``,
    ``Task.text_simplified`` and ``Task.detail_simplified`` set (in place; returned for
    chaining)."""
    notice.meta.plan_kind = plan_kind(notice.meta.plan_title, notice.meta.region)
    for section in notice.sections:
        section.title_simplified = simplified_form(section.title)
    for task in notice.tasks:
        task.text_simplified = simplified_form(task.text)
        task.detail_simplified = simplified_form(task.detail) if task.detail else None
    return notice

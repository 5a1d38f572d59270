"""What a plan is about, read from its plan title: its kind (政务公开, 优化营商环境…).

A region publishes several plans a year — 政务公开, 营商环境, 数字政府 — and each is compared
with the previous plan of its own kind (warehouse/links.py pairs them). The kind is the plan
title in simplified script without the region, the years and the words every plan title has
(工作要点, 分工方案, 任务…); what is left says what the plan is about. It is read here, at parse
time, and carried in the model as ``NoticeMeta.plan_kind``: the warehouse stores it and never
reads titles.

    plan_kind("南沙区2020年政务公开工作要点分工方案", "南沙区")   # "政务公开"
    plan_kind("思明區2017年政務公開工作要點任務分工", "思明区")   # "政务公开"
"""

from __future__ import annotations

import re

from parsers.script import to_simplified

# Words every plan title has; what is left says what the plan is about (政务公开, 营商环境).
_GENERIC = re.compile(
    r"工作要点|重点任务|主要任务|任务分工|责任分工|分工方案|实施方案|工作方案|责任清单|任务清单"
    r"|分工|方案|工作|要点|任务|责任|清单|年度|年|的"
)
_NOT_HAN = re.compile(r"[^\u3400-\u9fff]+")


def plan_kind(plan_title: str | None, region: str | None) -> str | None:
    """The plan's kind: its title (simplified) after the region, without years, generic words
    and anything not Han; '' when nothing is left, None for no plan title."""
    if plan_title is None:
        return None
    title = to_simplified(plan_title)
    if region and region in title:
        title = title.split(region, 1)[1]
    return _GENERIC.sub("", _NOT_HAN.sub("", title))

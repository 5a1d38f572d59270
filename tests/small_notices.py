"""A small notice of another region and year, written for the feed tests: its answer is
known by construction (3 tasks; 区政数局 abbreviated in its first clause)."""

from __future__ import annotations

from pathlib import Path

CONGHUA_2022 = """广州市从化区人民政府办公室关于印发从化区2022年政务公开工作要点分工方案的通知

各镇人民政府、街道办事处，区政府各部门：

　　现将《从化区2022年政务公开工作要点分工方案》印发给你们，请认真贯彻执行。

广州市从化区人民政府办公室

2022年3月1日

从化区2022年政务公开工作要点分工方案

一、加强政策解读

（一）做好重大政策解读。

1.围绕重大政策开展解读。

区政数局牵头会区各单位负责。

2.规范政策解读材料发布，2022年6月底前完成。

区司法局负责。

二、加强平台建设

（一）办好政府网站。

1.加强政府网站内容保障。

区政务服务数据管理局负责。
"""
CONGHUA_TASKS = 3
CONGHUA_NAMING_DATA_BUREAU = 2  # tasks naming 区政务服务数据管理局 (once as 区政数局)


def write_conghua(folder: Path) -> Path:
    path = folder / "conghua-2022.txt"
    path.write_text(CONGHUA_2022, encoding="utf-8")
    return path


# A notice that prints no region (stored with region NULL, listed under the placeholder
# pipeline/regions.NO_REGION), naming units other districts' notices name too. Its answer, by
# construction: 一.(一).1 区政务服务数据管理局 responsible; 一.(一).2 区卫生健康局 lead,
# 区政府办公室 co.
NO_REGION_2022 = """关于印发2022年政务公开工作要点分工方案的通知

各单位：

　　现将《2022年政务公开工作要点分工方案》印发给你们，请认真贯彻执行。

政务公开工作领导小组办公室

2022年3月1日

2022年政务公开工作要点分工方案

一、加强平台建设

（一）办好政府网站。

1.加强政府网站内容保障。

区政务服务数据管理局负责。

2.做好疫情防控信息发布。

区卫生健康局牵头，区政府办公室配合。
"""
NO_REGION_ANSWER = {
    "一.(一).1": [("区政务服务数据管理局", "responsible")],
    "一.(一).2": [("区卫生健康局", "lead"), ("区政府办公室", "co")],
}


def write_no_region(folder: Path) -> Path:
    path = folder / "no-region-2022.txt"
    path.write_text(NO_REGION_2022, encoding="utf-8")
    return path

"""One role vocabulary (issue 17 item 3): every role of schemas.Role has one Chinese name, and
the ledger (XLSX), the comparison report (HTML) and the CLI's unit listings show that name.

The two notices are written for this test, so their answer is known by construction: in 2021
区财政局 and 区政数局 are each responsible for one task; in 2022 the first task is led by
区政数局 with 区司法局 assisting, the second is coordinated by 区政府办公室, carried out by
区教育局 and supported by 区工业和信息化局 — every role once, and both tasks change owner.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

import fengong
from pipeline.cli import main
from schemas import ROLE_NAMES, ROLES, Role

NOTICE = """广州市从化区人民政府办公室关于印发从化区{year}年政务公开工作要点分工方案的通知

各镇人民政府、街道办事处，区政府各部门：

　　现将《从化区{year}年政务公开工作要点分工方案》印发给你们，请认真贯彻执行。

广州市从化区人民政府办公室

{year}年3月1日

从化区{year}年政务公开工作要点分工方案

一、加强政策解读

（一）做好重大政策解读。

1.围绕重大政策开展解读。

{first}

2.加强政府网站内容保障。

{second}
"""

# The 2022 notice's units (canonical names) and the role each holds, by construction.
ROLES_2022: dict[str, Role] = {
    "区政务服务数据管理局": "lead",
    "区司法局": "co",
    "区政府办公室": "coordinator",
    "区教育局": "implementer",
    "区工业和信息化局": "support",
}
# 2021: both tasks have a responsible unit.
ROLES_2021: dict[str, Role] = {"区政务服务数据管理局": "responsible", "区财政局": "responsible"}

# The names, as GOLD-GUIDE.md's role table and the offices' ledgers word them (hand-written).
EXPECTED_NAMES = {
    "lead": "牵头",
    "co": "配合",
    "responsible": "负责",
    "coordinator": "统筹协调",
    "implementer": "组织实施",
    "support": "支持",
}


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def two_years(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("roles")
    old = tmp / "conghua-2021.txt"
    old.write_text(NOTICE.format(year=2021, first="区财政局负责。", second="区政数局负责。"))
    new = tmp / "conghua-2022.txt"
    new.write_text(
        NOTICE.format(
            year=2022,
            first="区政数局牵头，区司法局配合。",
            second="区政府办公室统筹协调，区教育局组织实施，区工业和信息化局做好技术支持。",
        )
    )
    db = tmp / "w.duckdb"
    report = fengong.ingest([old, new], db=db)
    assert report.count("ingested") == 2, [r.error for r in report.failed]
    return db


def test_every_role_has_one_name() -> None:
    assert tuple(EXPECTED_NAMES) == ROLES  # the roles of schemas.Role, lead first
    assert ROLE_NAMES == EXPECTED_NAMES
    assert len(set(ROLE_NAMES.values())) == len(ROLES)  # no two roles read alike


def test_ledger_report_and_cli_show_the_same_name_for_each_role(
    two_years: Path, tmp_path: Path
) -> None:
    every = {**ROLES_2022, "区财政局": "responsible"}
    assert set(every.values()) == set(ROLES)  # the notices hold every role

    # the ledger: each unit's sheet gives its role in 本单位角色
    ledger = tmp_path / "台账.xlsx"
    result = run("export", "--format", "xlsx", "--out", str(ledger), "--unit-sheets",
                 "--db", str(two_years))  # fmt: skip
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(ledger)
    in_ledger: dict[str, set[str]] = {}
    for org in every:
        sheet = book[org]
        header = [c.value for c in sheet[2]]
        column = header.index("本单位角色")
        in_ledger[org] = {str(r[column]) for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert in_ledger == {
        **{org: {EXPECTED_NAMES[role]} for org, role in ROLES_2022.items()},
        "区政务服务数据管理局": {"负责", "牵头"},
        "区财政局": {"负责"},
    }

    # the report: the owner changes give each unit with its role in brackets
    html = tmp_path / "对比.html"
    result = run("diff", "--region", "从化区", "--from", "2021", "--to", "2022",
                 "--html", str(html), "--db", str(two_years))  # fmt: skip
    assert result.exit_code == 0, result.output
    page = html.read_text(encoding="utf-8")
    in_report = set(re.findall(r"(区[^（）<>、\s]+)（([^）]+)）", page))
    assert in_report == {
        *((org, EXPECTED_NAMES[role]) for org, role in ROLES_2022.items()),
        *((org, EXPECTED_NAMES[role]) for org, role in ROLES_2021.items()),
    }

    # the CLI: `fengong unit` names the role of each row, `fengong units` counts them
    for org, role in ROLES_2022.items():
        result = run("unit", org, "--db", str(two_years))
        assert result.exit_code == 0, result.output
        cells = re.findall(r"│ (\S+) +│ 一\.\(一\)\.\d", result.output)
        expected = [EXPECTED_NAMES[role]] + (["负责"] if org in ROLES_2021 else [])
        assert sorted(cells) == sorted(expected), (org, result.output)
    listing = run("units", "--db", str(two_years))
    assert listing.exit_code == 0, listing.output
    assert "统筹协调 1" in listing.output and "支持 1" in listing.output
    assert "负责 1, 牵头 1" not in listing.output and "牵头 1, 负责 1" in listing.output

"""The clause cases of issue 12 (`clauses.md`), each with the answer GOLD-GUIDE gives it: the
inline reproductions of kinds 1–4 and the case files of kinds 5–7 (tests/cases/clauses/,
composed reproductions of real pages). Each names the rule it holds."""

from __future__ import annotations

from pathlib import Path

from pipeline import parse

CASES = Path(__file__).parent / "cases" / "clauses"

Roles = dict[str, set[tuple[str, str]]]


def _roles(path: Path) -> Roles:
    notice = parse(path)
    return {t.key: {(a.org, a.role) for a in t.assignments} for t in notice.tasks}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "notice.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_collective_with_brackets_and_a_note_in_brackets_end_a_unit_list(
    tmp_path: Path,
) -> None:
    """Kind 1: the bracket after 政府 belongs to the collective; a note in brackets is no
    unit and does not replace the clause (GOLD-GUIDE, "Notes are not units")."""
    text = (
        "嘉兴市人民政府办公室关于印发2021年重点工作任务分解的通知\n"
        "一、稳住经济基本盘\n"
        "1.做好重点企业用工保障。\n"
        "责任单位：市人力社保局、市经信局等，各县（市、区）政府（管委会）\n"
        "2.加快推进重大项目前期工作。\n"
        "责任单位：市经信局、市财政局、市科技局（排序不分先后）\n"
    )
    got = _roles(_write(tmp_path, text))
    assert got["一.1"] == {
        ("市人力社保局", "responsible"),
        ("市经信局", "responsible"),
        ("各县（市、区）政府（管委会）", "responsible"),
    }
    assert got["一.2"] == {
        ("市经信局", "responsible"),
        ("市财政局", "responsible"),
        ("市科技局", "responsible"),
    }


def test_a_standing_instruction_assigns_nothing_and_a_collective_stays_one(
    tmp_path: Path,
) -> None:
    """Kind 2: 以下任务均需…不再一一列出 is an instruction; 市直有关部门、单位 is one unit."""
    text = (
        "临沂市2023年数字政府建设工作要点\n"
        "一、提升政务服务效能\n"
        "1.推行涉企事项网上办理。（牵头单位：市大数据局；责任单位：市直有关部门、单位，"
        "各区县政府。以下任务均需各区县政府落实，不再一一列出）\n"
        "2.推广电子证照应用。（牵头单位：市行政审批服务局；责任单位：市公安局）\n"
    )
    got = _roles(_write(tmp_path, text))
    assert got["一.1"] == {
        ("市大数据局", "lead"),
        ("市直有关部门、单位", "co"),
        ("各区县政府", "co"),
    }
    assert got["一.2"] == {("市行政审批服务局", "lead"), ("市公安局", "co")}


def test_the_lead_by_position_the_preamble_states(tmp_path: Path) -> None:
    """Kind 3: 列第一位的责任单位为牵头单位 in the preamble makes the first unit of a clause
    that names no lead the lead, the others co (GOLD-GUIDE, "Lead by position")."""
    text = (
        "嘉兴市人民政府办公室关于印发2021年重点工作责任分解的通知\n"
        "各县（市、区）人民政府，市政府各部门：\n"
        "《2021年重点工作责任分解》已经市政府同意，现印发给你们。责任分解中，"
        "列第一位的责任单位为牵头单位。\n"
        "嘉兴市人民政府办公室\n"
        "2021年3月2日\n"
        "2021年重点工作责任分解\n"
        "一、加快产业升级\n"
        "1.推进制造业技术改造。\n"
        "责任单位：市经信局、市财政局、市科技局\n"
        "2.扩大有效投资。\n"
        "责任单位：市发展改革委、市自然资源局\n"
    )
    got = _roles(_write(tmp_path, text))
    assert got["一.1"] == {("市经信局", "lead"), ("市财政局", "co"), ("市科技局", "co")}
    assert got["一.2"] == {("市发展改革委", "lead"), ("市自然资源局", "co")}


def test_deadlines_without_qian_in_text_and_clause(tmp_path: Path) -> None:
    """Kind 4: 6月底完成, 2021年底完成 and a deadline inside the clause are deadlines, a
    month without a year in the plan's year (GOLD-GUIDE, "Deadlines without 前")."""
    text = (
        "黔东南州2021年优化营商环境工作计划\n"
        "一、提升政务服务效能\n"
        "1.推进审批事项网上办理，6月底完成系统改造。（州政务服务中心负责）\n"
        "2.规范中介服务收费，2021年底完成清理。（州发展改革委负责）\n"
        "3.清理规范证明事项，9月底前完成。（州司法局负责）\n"
        "4.建设电子证照库。（州大数据局负责，6月底完成）\n"
    )
    notice = parse(_write(tmp_path, text))
    got = {t.key: str(t.deadline) for t in notice.tasks}
    assert got == {
        "一.1": "2021-06-30",
        "一.2": "2021-12-31",
        "一.3": "2021-09-30",
        "一.4": "2021-06-30",
    }


def test_labelled_groups_with_a_leader_line() -> None:
    """Kind 5: a leader line is neither text nor assignment; the abbreviation 市工信局
    resolves to the full name the notice prints; a collective after ， is a unit."""
    notice = parse(CASES / "leader-lines.txt")
    tasks = {t.key: t for t in notice.tasks}
    assert tasks["一.1"].text == "规模以上工业增加值增长6%。"
    assert {(a.org, a.role) for a in tasks["一.1"].assignments} == {
        ("市工业和信息化局", "lead"),
        ("市统计局", "co"),
        ("各镇（街道）", "co"),
    }
    assert str(tasks["一.1"].deadline) == "2024-12-31"
    assert {(a.org, a.role) for a in tasks["一.2"].assignments} == {
        ("市工业和信息化局", "lead"),
        ("市税务局", "co"),
        ("各镇（街道）", "co"),
    }
    assert str(tasks["一.2"].deadline) == "2024-11-30"


def test_defined_abbreviations_names_printed_together_and_an_invisible_character() -> None:
    """Kind 6: a defined name starts after the verb before it; the notice's definitions and
    full forms resolve abbreviations; two names printed together split; a zero-width space
    after a name neither keeps the clause in the text nor inherits the task above."""
    notice = parse(CASES / "defined-abbreviations.txt")
    got = {t.key: {(a.org, a.role) for a in t.assignments} for t in notice.tasks}
    assert got["一.1"] == {("市委全面依法治市委员会办公室", "lead"), ("市司法局", "co")}
    assert got["一.2"] == {("市政务服务和数据管理局", "lead"), ("市各有关单位", "co")}
    assert got["一.3"] == {
        ("市委机构编制委员会办公室", "lead"),
        ("市政务服务和数据管理局", "co"),
    }
    assert got["一.4"] == {("市司法局", "lead"), ("市审计局", "co"), ("市统计局", "co")}
    assert got["一.5"] == {("市财政局", "lead"), ("市教育局", "co")}
    last = next(t for t in notice.tasks if t.key == "一.5")
    assert last.text == "公开财政资金使用情况。"
    assert not any(a.inherited for a in last.assignments)


def test_a_control_character_inside_a_clause() -> None:
    """Kind 7: a stray U+0016 between a name and 牵头 is removed before the clause is read."""
    notice = parse(CASES / "control-char.txt")
    task = next(t for t in notice.tasks if t.key == "一.1")
    assert task.text == "公开财政预算。"
    assert {(a.org, a.role) for a in task.assignments} == {("市财政局", "lead"), ("市审计局", "co")}


def test_formula_signs_are_never_part_of_a_name(tmp_path: Path) -> None:
    """Issue 12 item 3: = + - @ before a name in a unit cell (as a spreadsheet pasted into a
    page leaves them) are not part of it."""
    text = (
        "某区2024年政务公开工作任务分工\n"
        "序号 | 工作任务 | 牵头单位 | 配合单位 |\n"
        "1 | 公开部门预算决算。 | =区财政局 | +区各预算单位 |\n"
        "2 | 公开审计结果。 | -区审计局 | @区统计局 |\n"
    )
    got = _roles(_write(tmp_path, text))
    assert got == {
        "1": {("区财政局", "lead"), ("区各预算单位", "co")},
        "2": {("区审计局", "lead"), ("区统计局", "co")},
    }

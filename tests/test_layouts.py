"""Table and list shapes that real pages use (the layout cases of issue 11), each with the
answer GOLD-GUIDE gives it. The inputs are composed reproductions of real shapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.errors import InputError
from pipeline import parse

Answer = list[tuple[str, str, list[tuple[str, str]]]]


def _read(tmp_path: Path, text: str, name: str = "notice.txt") -> list[tuple[str, str, list]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    notice = parse(path)
    return [(t.key, t.text, [(a.org, a.role) for a in t.assignments]) for t in notice.tasks]


PIPES_NO_NUMBERS = """工作任务 | 具体内容 | 责任部门 |
推进政策公开 | 及时公开惠农补贴发放信息。 | 财政所 |
按月更新便民服务事项清单。 | 便民服务中心 |
强化执法公开 | 公示行政执法结果。 | 综合执法队 |
"""

BARS_NO_NUMBERS = "\n".join(
    [
        *("|", "工作任务", "|", "具体内容", "|", "责任部门", "|", "|"),
        *("推进政策公开", "|", "及时公开惠农补贴发放信息。", "|", "财政所", "|", "|"),
        *("按月更新便民服务事项清单。", "|", "便民服务中心", "|", "|"),
        *("强化执法公开", "|", "公示行政执法结果。", "|", "综合执法队", "|"),
    ]
)

NO_NUMBERS: Answer = [
    ("一.1", "及时公开惠农补贴发放信息。", [("财政所", "responsible")]),
    ("一.2", "按月更新便民服务事项清单。", [("便民服务中心", "responsible")]),
    ("二.1", "公示行政执法结果。", [("综合执法队", "responsible")]),
]


@pytest.mark.parametrize("text", [PIPES_NO_NUMBERS, BARS_NO_NUMBERS], ids=["pipes", "bars"])
def test_rows_that_print_no_numbers_are_keyed_by_position(tmp_path: Path, text: str) -> None:
    """Layouts 1A/1B: topics are sections by position, their rows tasks 1, 2… under each."""
    assert _read(tmp_path, text) == NO_NUMBERS


LIST_THEN_TABLE = """一、工作要点
1.做好政策解读。按规定解读本局起草的文件。
2.及时发布财政资金信息。
二、重点工作任务分解
重点任务 | 工作内容 | 负责科室 |
政策解读 | 按规定解读本局起草的文件。 | 各业务科室 |
财政资金 | 及时发布预决算信息。 | 综合科 |
"""


def test_topic_rows_under_a_numbered_section_are_subsections(tmp_path: Path) -> None:
    """Layout 1C: the list's items have no clauses; the table's topics under 二、 are its
    subsections by position."""
    assert _read(tmp_path, LIST_THEN_TABLE) == [
        ("一.1", "做好政策解读。按规定解读本局起草的文件。", []),
        ("一.2", "及时发布财政资金信息。", []),
        ("二.(一).1", "按规定解读本局起草的文件。", [("各业务科室", "responsible")]),
        ("二.(二).1", "及时发布预决算信息。", [("综合科", "responsible")]),
    ]


MERGED_FIRST_CELL = """工作任务 | 具体要求 | 责任单位 |
一、加强重点领域公开 |
(一)做好财政信息公开。 | 1.按时公开本级预算和决算。 | 区财政局 |
2.按季度公开政府采购意向。 | 区采购中心 |
3.公开专项资金分配结果。 | 区农业农村局、各镇(街) |
"""


def test_pipe_rows_under_a_merged_first_cell_keep_their_own_units(tmp_path: Path) -> None:
    """Layouts 2 and 7: a short row lost its first (merged) cell, never its unit cell; the
    section title keeps no stray bar."""
    path = tmp_path / "merged.txt"
    path.write_text(MERGED_FIRST_CELL, encoding="utf-8")
    notice = parse(path)
    assert [(s.key, s.title) for s in notice.sections] == [
        ("一", "加强重点领域公开"),
        ("一.(一)", "做好财政信息公开。"),
    ]
    got = [(t.key, [(a.org, a.role, a.inherited) for a in t.assignments]) for t in notice.tasks]
    assert got == [
        ("一.(一).1", [("区财政局", "responsible", False)]),
        ("一.(一).2", [("区采购中心", "responsible", False)]),
        ("一.(一).3", [("区农业农村局", "responsible", False), ("各镇(街)", "responsible", False)]),
    ]


ITEMS_WITH_LABELLED_LINES = """泌阳县2021年度法治政府建设工作安排
一、依法全面履行政府职能
（一）深化行政审批制度改革。持续精简审批事项，压缩办理时限。
责任单位：县政务服务中心、县司法局，各乡镇人民政府按职责分工分别负责。
（二）加强事中事后监管。全面推行“双随机、一公开”监管。
责任单位：县市场监管局
"""


def test_subsection_items_followed_by_a_labelled_line_are_tasks(tmp_path: Path) -> None:
    """Layout 3: a (一) item with a 责任单位： line under it is a task keyed as the item."""
    assert _read(tmp_path, ITEMS_WITH_LABELLED_LINES) == [
        (
            "一.(一)",
            "深化行政审批制度改革。持续精简审批事项，压缩办理时限。",
            [
                ("县政务服务中心", "responsible"),
                ("县司法局", "responsible"),
                ("各乡镇人民政府", "responsible"),
            ],
        ),
        (
            "一.(二)",
            "加强事中事后监管。全面推行“双随机、一公开”监管。",
            [("县市场监管局", "responsible")],
        ),
    ]


def _cell_lines(rows: list[list[str]]) -> str:
    lines: list[str] = []
    for row in rows:
        lines.append("|")
        for cell in row:
            lines += [cell, "|"]
    return "\n".join(lines) + "\n"


DEADLINE_CELLS = _cell_lines(
    [
        ["序号", "工作任务", "牵头单位", "责任单位", "完成时限"],
        ["1", "建立数据共享工作专班。", "市大数据局", "市直各部门", "2022年6月底"],
        ["2", "编制数据资源目录。", "市统计局", "市直各部门", "2022年9月底"],
    ]
)


def test_deadline_cells_without_qian_are_deadlines(tmp_path: Path) -> None:
    """Layout 4: 2022年6月底 in a cell-a-line table is the deadline, not a heading."""
    path = tmp_path / "deadlines.txt"
    path.write_text(DEADLINE_CELLS, encoding="utf-8")
    notice = parse(path)
    assert notice.sections == []
    got = [
        (t.key, t.text, str(t.deadline), [(a.org, a.role) for a in t.assignments])
        for t in notice.tasks
    ]
    assert got == [
        (
            "1",
            "建立数据共享工作专班。",
            "2022-06-30",
            [("市大数据局", "lead"), ("市直各部门", "co")],
        ),
        ("2", "编制数据资源目录。", "2022-09-30", [("市统计局", "lead"), ("市直各部门", "co")]),
    ]


UNCOMMON_LEAD_LINES = _cell_lines(
    [
        ["序号", "工作任务", "牵头单位", "责任单位", "完成时限"],
        ["1", "建设共享交换平台。", "市数据共享协调机制", "市直各部门", "年底前"],
    ]
)
UNCOMMON_LEAD_PIPES = """嘉兴市2022年数据共享重点任务分工
序号 | 工作任务 | 牵头单位 | 责任单位 | 完成时限 |
1 | 建立数据共享工作专班。 | 市数据共享协调机制 | 市直各部门 | 2022年6月底前 |
2 | 编制数据资源目录。 | 市大数据局 | 市直各部门 | 2022年9月底前 |
"""


@pytest.mark.parametrize(
    "text", [UNCOMMON_LEAD_LINES, UNCOMMON_LEAD_PIPES], ids=["cell a line", "pipes"]
)
def test_a_lead_cell_is_a_unit_whatever_it_ends_with(tmp_path: Path, text: str) -> None:
    """Layout 5: a cell of the 牵头单位 column is the lead, even a …协调机制."""
    first = _read(tmp_path, text)[0]
    assert first[0] == "1"
    assert first[2] == [("市数据共享协调机制", "lead"), ("市直各部门", "co")]


GOAL_PARAGRAPH = """临沂市2022年优化营商环境行动计划
一、工作目标
到年底，全市营商环境便利度明显提升，企业办事更加便捷。
二、主要任务
（一）开办企业领域。
1.压缩企业开办时间。（牵头单位：市市场监管局）
2.推行电子营业执照应用。（牵头单位：市行政审批服务局）
"""


def test_the_goal_paragraph_is_not_a_task(tmp_path: Path) -> None:
    """Layout 6: a framing paragraph under 工作目标 is not a task."""
    assert _read(tmp_path, GOAL_PARAGRAPH) == [
        ("二.(一).1", "压缩企业开办时间。", [("市市场监管局", "lead")]),
        ("二.(一).2", "推行电子营业执照应用。", [("市行政审批服务局", "lead")]),
    ]


NO_TASK_TEXT = """某区人民政府办公室关于印发某区2023年政务公开工作要点的通知
某府办〔2023〕3号
各镇街：
现将工作要点印发给你们。
某区人民政府办公室
2023年2月1日
工作任务 | 具体内容 | 责任部门 |
"""


def test_no_plan_names_what_was_found_and_the_metadata(tmp_path: Path) -> None:
    """Layout 8: the refusal names the shape found and the notice's metadata."""
    path = tmp_path / "empty.txt"
    path.write_text(NO_TASK_TEXT, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        parse(path)
    line = caught.value.line(str(path))
    assert "a |-separated table with columns 工作任务|具体内容|责任部门" in line
    assert "某府办〔2023〕3号" in line
    assert "attachment rather than the notice page" not in line


def test_every_deadline_column_word_is_also_a_deadline_label() -> None:
    """A word that heads a deadline column (时间要求, 完成节点…) labels a deadline line too: a
    line 时间要求：… under a task is its deadline, never a task of its own."""
    from parsers.cells import COLUMN_ROLES
    from parsers.lexicon import default_lexicon

    lexicon = default_lexicon()
    words = [w for role, ws in COLUMN_ROLES if role == "deadline" for w in ws]
    unknown = [w for w in words if lexicon.label_at(f"{w}：年底前", 0) is None]
    assert unknown == []


def test_labelled_lines_with_other_label_words(tmp_path: Path) -> None:
    """Layouts 3: （一） items followed by 牵头部门：/协同部门：/时间要求： lines."""
    text = (
        "某区2024年城市更新重点任务分工方案\n"
        "一、推进老旧小区改造\n"
        "（一）完成老旧小区综合改造42个。\n"
        "牵头部门：区住房和城乡建设局\n"
        "协同部门：区财政局、各街道办事处\n"
        "时间要求：2024年10月底前\n"
        "（二）开展既有住宅加装电梯试点。\n"
        "牵头部门：区住房和城乡建设局\n"
        "时间要求：年底前\n"
    )
    path = tmp_path / "notice.txt"
    path.write_text(text, encoding="utf-8")
    notice = parse(path)
    got = [
        (t.key, str(t.deadline), sorted((a.org, a.role) for a in t.assignments))
        for t in notice.tasks
    ]
    assert got == [
        (
            "一.(一)",
            "2024-10-31",
            [("区住房和城乡建设局", "lead"), ("区财政局", "co"), ("各街道办事处", "co")],
        ),
        ("一.(二)", "2024-12-31", [("区住房和城乡建设局", "lead")]),
    ]

"""Metadata wherever the page prints it (issue 13; GOLD-GUIDE "Metadata wherever the page
prints it"): the cases of ../shared/cases/metadata.md (their files copied to tests/cases/
metadata/) and one notice per layout a site uses — a table, a definition list, label–value
cells in any column order, label：value lines before or after the article, the page's <head>.

The expected values are the SHOULD answers of metadata.md and, for the layouts composed here,
read off the page by hand.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline import parse
from schemas import Notice

CASES = Path(__file__).parent / "cases" / "metadata"

PLAN = """一、加强政策解读
1.做好重大政策解读。（区司法局牵头，区各单位配合）
2.规范政策解读材料发布，6月底前完成。（区政务服务数据管理局负责）
"""


def _parse(tmp_path: Path, text: str, name: str = "notice.txt") -> Notice:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse(path)


def _meta(n: Notice) -> dict[str, object]:
    return n.meta.model_dump(exclude={"addressees", "references", "plan_kind"})


# --- metadata.md case 1: titles broken over lines; the year -----------------------------------


def test_a_title_broken_over_two_lines_is_one_title(tmp_path: Path) -> None:
    text = """江西省人民政府办公厅关于印发2021年全省政务公开
重点工作任务分工的通知
赣府厅字〔2021〕3号
各设区市人民政府，省政府各部门：
现将《2021年全省政务公开重点工作任务分工》印发给你们。
一、稳定经济运行
（一）扩大国内需求。
1.促进消费持续回升。（省商务厅牵头，省发展改革委配合）
"""
    m = _parse(tmp_path, text).meta
    assert m.title == "江西省人民政府办公厅关于印发2021年全省政务公开重点工作任务分工的通知"
    assert m.plan_title == "2021年全省政务公开重点工作任务分工"
    assert m.region == "江西省"
    assert m.year == 2021
    assert m.doc_number == "赣府厅字〔2021〕3号"


def test_the_year_from_the_doc_number_when_no_title_has_one(tmp_path: Path) -> None:
    text = f"""江西省人民政府关于落实《政府工作报告》重点工作分工的意见
赣府发〔2021〕3号
各设区市人民政府，省政府各部门：
现就落实《政府工作报告》重点工作提出如下分工意见。
{PLAN}"""
    m = _parse(tmp_path, text).meta
    assert m.title == "江西省人民政府关于落实《政府工作报告》重点工作分工的意见"
    assert m.issuer == "江西省人民政府"
    assert m.region == "江西省"
    assert m.year == 2021


def test_a_doc_number_with_square_brackets_and_spaces(tmp_path: Path) -> None:
    text = """许政 [2021] 9号
各县（市、区）人民政府，市人民政府各部门：
现将《政府工作报告》提出的2021年重点工作任务予以分解。
一、稳定经济运行
1.促进消费持续回升。
责任单位：市商务局
"""
    m = _parse(tmp_path, text).meta
    assert m.year == 2021
    assert m.doc_number == "许政[2021]9号"


def test_the_year_a_preamble_gives_the_plan(tmp_path: Path) -> None:
    """No title, no plan heading, no doc number: the preamble's 2021年重点工作 is the plan's."""
    text = """各县（市、区）人民政府，市人民政府各部门：
现将《政府工作报告》提出的2021年重点工作任务予以分解，请认真抓好落实。
一、稳定经济运行
1.促进消费持续回升。
责任单位：市商务局
"""
    assert _parse(tmp_path, text).meta.year == 2021


def test_an_issuer_line_above_a_title_that_starts_with_guanyu(tmp_path: Path) -> None:
    text = f"""某某市人民政府
关于印发某某市《政府工作报告》重点工作任务分解的通知
某政 【2021】 3号
各县区人民政府，市人民政府各部门：
现将某某市《政府工作报告》重点工作任务分解印发给你们。
某某市人民政府
2021年2月23日
某某市《政府工作报告》重点工作任务分解
{PLAN}"""
    m = _parse(tmp_path, text).meta
    assert m.title == "某某市人民政府关于印发某某市《政府工作报告》重点工作任务分解的通知"
    assert m.plan_title == "某某市《政府工作报告》重点工作任务分解"
    assert m.doc_number == "某政【2021】3号"
    assert m.year == 2021  # from the doc number: neither title has one


def test_a_plan_heading_broken_over_two_lines(tmp_path: Path) -> None:
    text = f"""各镇人民政府（街道办事处），市各有关单位：
《某某市贯彻落实国家、省2021年政务公开工作要点分工方案》业经市人民政府同意，现印发给你们。
某某市人民政府办公室
2021年8月3日
某某市贯彻落实国家、省
2021年政务公开工作要点分工方案
{PLAN}"""
    m = _parse(tmp_path, text).meta
    assert m.plan_title == "某某市贯彻落实国家、省2021年政务公开工作要点分工方案"
    assert m.year == 2021


# --- metadata.md case 2: plan titles whatever they end with -------------------------------


@pytest.mark.parametrize(
    "plan_title",
    [
        "2021年政府工作报告重点工作责任分解",
        "2021年政府工作报告重点任务责任分工",
        "2021年政府工作报告重点工作要点分工方案",
        "2021年政府工作报告重点工作任务分工方案",
        "2021年政府工作报告重点工作任务台账",
        "2021年政府工作报告重点工作任务清单",
    ],
)
def test_plan_title_whatever_it_ends_with(tmp_path: Path, plan_title: str) -> None:
    text = f"""各区县人民政府，市直各单位：
《{plan_title}》已经市政府同意，现印发给你们，请认真贯彻执行。
附件：{plan_title}
嘉兴市人民政府办公室
2021年3月2日
附件
{plan_title}
一、稳住经济基本盘
1.扩大有效投资。
责任单位：市发展改革委
"""
    m = _parse(tmp_path, text).meta
    assert m.plan_title == plan_title
    assert (m.issuer, m.region, m.year) == ("嘉兴市人民政府办公室", "嘉兴市", 2021)
    assert m.sign_date == dt.date(2021, 3, 2)


def test_the_plan_title_from_the_attachment_list(tmp_path: Path) -> None:
    """A plan printed without its heading, after 附件1: the attachment list names it."""
    text = """区政府各部门、各直属单位，各街道办事处：
为确保完成区人大会议通过的2019年《政府工作报告》各项目标任务，现将目标任务分解印发给你们。
附件：1. 2019年《政府工作报告》目标任务分解表
2. 2019年民生实事项目目标任务分解表
某某区人民政府办公室
2019年2月15日
附件1 |
序号 | 任务名称 | 牵头部门 | 配合部门 |
1 | 地区生产总值增长5.5% | 区发改局 | 区财政局 |
"""
    m = _parse(tmp_path, text).meta
    assert m.plan_title == "2019年《政府工作报告》目标任务分解表"
    assert m.year == 2019


# --- metadata.md case 3: a metadata table before the article --------------------------------


def test_a_metadata_table_before_the_article() -> None:
    n = parse(CASES / "metadata-table.html")
    assert _meta(n) == {
        "title": "鹤山市交通运输局关于印发2023年政务公开工作要点分工方案的通知",
        "plan_title": "鹤山市交通运输局2023年政务公开工作要点分工方案",
        "issuer": "鹤山市交通运输局",
        "region": "鹤山市",
        "year": 2023,
        "publish_date": dt.date(2023, 5, 12),
        "sign_date": dt.date(2023, 5, 8),
        "doc_number": "鹤交〔2023〕21号",
    }
    assert [t.key for t in n.tasks] == ["一.1", "一.2", "二.3"]
    assert n.meta.references == []  # the table's 文号 is the notice's own, not a citation
    assert all("索引号" not in p for p in n.preamble)


# --- metadata.md case 4: 《》 inside a plan title -------------------------------------------


def test_a_plan_title_with_book_marks_inside() -> None:
    m = parse(CASES / "leader-lines.txt").meta
    assert m.plan_title == "台山市《政府工作报告》2024年重点工作任务分工方案"
    assert m.year == 2024


# --- layouts of metadata blocks ---------------------------------------------------------------

NOTICE = """<h1>某某县人民政府办公室关于印发某某县2022年政务公开工作要点分工方案的通知</h1>
<p>各乡镇人民政府，县直各单位：</p>
<p>现将《某某县2022年政务公开工作要点分工方案》印发给你们，请认真贯彻执行。</p>
<p>某某县人民政府办公室</p>
<p>某某县2022年政务公开工作要点分工方案</p>
<p>一、加强政策解读</p>
<p>1.做好重大政策解读。（县司法局牵头，县直各单位配合）</p>
<p>2.规范政策解读材料发布，6月底前完成。（县政务服务数据管理局负责）</p>
"""


def _page(tmp_path: Path, before: str = "", after: str = "", head: str = "") -> Notice:
    html = (
        f'<html><head><meta charset="utf-8">{head}</head><body>{before}'
        f'<div class="article">{NOTICE}</div>{after}</body></html>'
    )
    return _parse(tmp_path, html, "page.html")


def _expect(n: Notice, **fields: object) -> None:
    assert n.meta.title == "某某县人民政府办公室关于印发某某县2022年政务公开工作要点分工方案的通知"
    assert n.meta.plan_title == "某某县2022年政务公开工作要点分工方案"
    assert (n.meta.issuer, n.meta.region, n.meta.year) == ("某某县人民政府办公室", "某某县", 2022)
    assert {k: getattr(n.meta, k) for k in fields} == fields
    assert [t.key for t in n.tasks] == ["一.1", "一.2"]
    assert not any(w in "".join(n.preamble) for w in ("索引号", "发布机构", "文号", "成文日期"))


def test_a_metadata_table_with_labels_and_values_in_any_column_order(tmp_path: Path) -> None:
    table = """<table>
<tr><td>文号</td><td>某政办〔2022〕8号</td><td>索引号</td><td>000000000/2022-00001</td></tr>
<tr><td>成文日期：2022-04-01</td><td>发布机构：某某县人民政府办公室</td></tr>
<tr><td>发布日期</td><td>2022年04月06日</td><td>主题词</td><td></td></tr>
</table>"""
    n = _page(tmp_path, before=table)
    _expect(
        n,
        doc_number="某政办〔2022〕8号",
        sign_date=dt.date(2022, 4, 1),
        publish_date=dt.date(2022, 4, 6),
    )


def test_a_definition_list_after_the_article(tmp_path: Path) -> None:
    dl = """<dl class="info"><dt>索引号：</dt><dd>000000000/2022-00001</dd>
<dt>发文字号：</dt><dd>某政办〔2022〕8号</dd><dt>成文日期：</dt><dd>2022-04-01</dd>
<dt>主题分类：</dt><dd></dd><dt>发布日期：</dt><dd>2022-04-06</dd></dl>"""
    n = _page(tmp_path, after=dl)
    _expect(
        n,
        doc_number="某政办〔2022〕8号",
        sign_date=dt.date(2022, 4, 1),
        publish_date=dt.date(2022, 4, 6),
    )
    assert len(n.tasks) == 2 and n.tasks[-1].text == "规范政策解读材料发布，6月底前完成。"


def test_label_lines_with_spaces_inside_the_labels_and_no_colons(tmp_path: Path) -> None:
    lines = """<p>索 引 号 000000000/2022-00001 发文日期 2022-04-01</p>
<p>发布机构 某某县人民政府办公室 文    号 某政办〔2022〕8号</p>
<p>分   类 政务公开 有 效 性 有效</p>"""
    n = _page(tmp_path, before=lines)
    _expect(n, doc_number="某政办〔2022〕8号", sign_date=dt.date(2022, 4, 1))


def test_no_doc_number_printed_as_none(tmp_path: Path) -> None:
    lines = "<p>发布机构：某某县人民政府办公室</p><p>发文字号：无</p><p>成文日期：2022-04-01</p>"
    n = _page(tmp_path, before=lines)
    _expect(n, doc_number=None, sign_date=dt.date(2022, 4, 1))


def test_a_garbled_doc_number_is_left_null_with_a_warning(tmp_path: Path) -> None:
    lines = "<p>索引号：000000000/2022-00001</p><p>文号：云府2021150</p>"
    n = _page(tmp_path, before=lines)
    _expect(n, doc_number=None)
    assert any("云府2021150" in w.message for w in n.warnings)


def test_an_update_time_alone_is_not_a_publish_date(tmp_path: Path) -> None:
    n = _page(tmp_path, before="<p>更新时间：2022-05-01 10:00</p>")
    _expect(n, publish_date=None)


def test_the_pages_time_line_and_head_fields(tmp_path: Path) -> None:
    """时间： under the heading is the publish date (its date part); 来源 names who posted it,
    not the issuer (the signer is)."""
    n = _page(tmp_path, before="<p>时间：2022-04-06 16:02　来源：某某县司法局　浏览次数：</p>")
    _expect(n, publish_date=dt.date(2022, 4, 6))
    assert n.meta.addressees == ["各乡镇人民政府", "县直各单位"]


def test_the_page_head_when_the_body_prints_no_title(tmp_path: Path) -> None:
    head = (
        "<title>某某县人民政府办公室关于印发某某县2022年政务公开工作要点分工方案的通知"
        "_县府办文件_某某县人民政府网</title>"
        '<meta name="PubDate" content="2022-04-06 10:21">'
        '<meta name="ContentSource" content="某某县人民政府办公室">'
    )
    html = (
        f'<html><head><meta charset="utf-8">{head}</head><body>'
        + NOTICE.split("\n", 1)[1]
        + "</body></html>"
    )
    n = _parse(tmp_path, html, "page.html")
    _expect(n, publish_date=dt.date(2022, 4, 6))


def test_a_site_title_alone_is_never_the_title(tmp_path: Path) -> None:
    html = (
        '<html><head><meta charset="utf-8"><title>某某县人民政府网</title></head><body>'
        + NOTICE.split("\n", 1)[1]
        + "</body></html>"
    )
    n = _parse(tmp_path, html, "page.html")
    assert n.meta.title is None


def test_a_title_broken_by_br_in_the_heading(tmp_path: Path) -> None:
    html = NOTICE.replace("关于印发", "<br>关于印发").replace(
        "分工方案的通知", "分工方案<br>的通知"
    )
    n = _parse(
        tmp_path, f'<html><head><meta charset="utf-8"></head><body>{html}</body></html>', "p.html"
    )
    _expect(n)


def test_a_plan_heading_in_the_first_cell_of_its_table(tmp_path: Path) -> None:
    html = """<html><head><meta charset="utf-8"></head><body>
<h1>某某县人民政府办公室关于印发某某县2022年政务公开工作台账的通知</h1>
<p>各乡镇人民政府，县直各单位：</p><p>现将工作台账印发给你们。</p>
<p>某某县人民政府办公室</p><p>2022年4月1日</p>
<table><tr><td colspan="3">某某县2022年政务公开工作台账</td></tr>
<tr><td>工作任务</td><td>责任单位</td><td>完成时限</td></tr>
<tr><td colspan="3">一、加强政策解读</td></tr>
<tr><td>1.做好重大政策解读。</td><td>县司法局负责</td><td>6月底前</td></tr>
</table></body></html>"""
    n = _parse(tmp_path, html, "page.html")
    assert n.meta.plan_title == "某某县2022年政务公开工作台账"
    assert [t.key for t in n.tasks] == ["一.1"]


def test_the_notice_title_above_the_addressees_is_not_the_plan_heading(tmp_path: Path) -> None:
    """A page's first line followed by the addressees is the notice's title (it has no 关于),
    and the plan that follows without a heading of its own has no plan title."""
    text = f"""持续深化政务公开做好当前重点工作的任务分解
各乡（镇）人民政府、街道办事处，区政府各部门：
为进一步做好当前政务公开工作，现将当前重点工作任务分解如下：
{PLAN}"""
    m = _parse(tmp_path, text).meta
    assert m.title == "持续深化政务公开做好当前重点工作的任务分解"
    assert m.plan_title is None


def test_a_column_tag_before_the_title_is_not_part_of_it(tmp_path: Path) -> None:
    text = f"""【市政府重点工作】某某市人民政府关于2020年市政府重点工作及责任分解的通知
发布时间：2020-02-03 17:29
各县、市、区人民政府，市政府各部门：
现将2020年市政府重点工作及责任分解通知如下。
{PLAN}"""
    m = _parse(tmp_path, text).meta
    assert m.title == "某某市人民政府关于2020年市政府重点工作及责任分解的通知"
    assert m.issuer == "某某市人民政府"
    assert m.publish_date == dt.date(2020, 2, 3)
    assert m.plan_title is None  # the notice is the plan; it prints no heading of its own


def test_a_time_stamp_glued_to_labels_under_the_title(tmp_path: Path) -> None:
    text = f"""某某市人民政府办公室关于印发某某市2021年政务公开工作要点分工方案的通知
2021-11-10 01:51:51信息来源:浏览次数:字体:[ ]
各镇人民政府，各街道办事处：
现将《某某市2021年政务公开工作要点分工方案》印发给你们。
某某市人民政府办公室
二O二一年十一月八日
{PLAN}"""
    m = _parse(tmp_path, text).meta
    assert m.publish_date == dt.date(2021, 11, 10)
    assert m.sign_date == dt.date(2021, 11, 8)
    assert m.addressees == ["各镇人民政府", "各街道办事处"]

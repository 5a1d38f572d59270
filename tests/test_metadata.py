from __future__ import annotations

import datetime as dt

import pytest

from parsers import docnumbers
from parsers.dates import compact_date, parse_date
from parsers.labels import read_cells, read_line
from parsers.metadata import read_meta
from parsers.pagemeta import is_issuer, site_title

PREAMBLE = [
    "广州市番禺区人民政府办公室关于印发番禺区2021年政务公开工作要点分工方案的通知",
    "番府办〔2021〕35号",
    "各镇人民政府、街道办事处，区政府各部门、各直属机构：",
    "根据《国务院办公厅关于印发2021年政务公开工作要点的通知》（国办发〔2021〕12号）要求，"
    "现将《番禺区2021年政务公开工作要点分工方案》印发给你们，请认真贯彻执行。",
    "广州市番禺区人民政府办公室",
    "2021年6月8日",
]


def test_metadata_from_a_preamble() -> None:
    m = read_meta(PREAMBLE, "番禺区2021年政务公开工作要点分工方案")
    assert m.title == PREAMBLE[0]
    assert m.plan_title == "番禺区2021年政务公开工作要点分工方案"
    assert m.issuer == "广州市番禺区人民政府办公室"
    assert m.region == "番禺区"
    assert m.year == 2021
    assert str(m.sign_date) == "2021-06-08"
    assert m.doc_number == "番府办〔2021〕35号"
    assert m.addressees == ["各镇人民政府", "街道办事处", "区政府各部门", "各直属机构"]
    assert [(r.doc_number, r.title) for r in m.references] == [
        ("国办发〔2021〕12号", "国务院办公厅关于印发2021年政务公开工作要点的通知")
    ]


def test_plan_title_from_the_notice_title_when_not_printed_alone() -> None:
    m = read_meta(PREAMBLE[:1], None)
    assert m.plan_title == "番禺区2021年政务公开工作要点分工方案"
    assert m.issuer == "广州市番禺区人民政府办公室"  # from the title when nothing is signed
    assert m.sign_date is None and m.doc_number is None


def test_a_validity_mark_and_the_own_number_before_the_title() -> None:
    """Some sites print (失效) and the notice's number on the title's line: the number is the
    notice's own, not a citation, and neither is part of the title."""
    lines = [
        "（失效）某政办发〔2019〕7号 "
        "某市某区人民政府办公室关于印发某区2019年政务公开工作要点的通知",
        "区政府各委、办、局，各街道办事处：",
        "现将《某区2019年政务公开工作要点》印发给你们。",
        "某市某区人民政府办公室",
        "2019年4月2日",
    ]
    m = read_meta(lines, "某区2019年政务公开工作要点")
    assert m.title == "某市某区人民政府办公室关于印发某区2019年政务公开工作要点的通知"
    assert m.doc_number == "某政办发〔2019〕7号"
    assert m.references == []
    assert m.addressees == ["区政府各委、办、局", "各街道办事处"]


def test_a_series_of_one_character_names_is_one_addressee() -> None:
    m = read_meta(["某市人民政府办公室关于印发某市2022年政务公开工作要点的通知",
                   "各县、市、区人民政府，市政府各部门："], None)  # fmt: skip
    assert m.addressees == ["各县、市、区人民政府", "市政府各部门"]


# --- labels, doc numbers, dates as real pages print them (issue 13) ----------------------------


def _pairs(line: str) -> list[tuple[str, str]]:
    return [(p.field, p.value) for p in read_line(line)]


def test_label_lines_as_sites_print_them() -> None:
    assert _pairs("来源:区政务服务数据管理局发布日期:2020-09-24") == [
        ("source", "区政务服务数据管理局"),
        ("publish_date", "2020-09-24"),
    ]
    assert _pairs("索 引 号 MB1534522/2023-05475 发文日期 2023-01-03") == [
        ("index", "MB1534522/2023-05475"),
        ("sign_date", "2023-01-03"),
    ]
    assert _pairs("• 发文字号:") == [("doc_number", "")]
    assert _pairs("更新时间：2022-05-01") == [("updated", "2022-05-01")]
    # prose and plan lines that contain a label word are not label lines
    assert _pairs("完成时间：2021年底前") == []
    assert _pairs("时间就是生命") == []
    assert _pairs("日期 2021") == []


def test_label_cells_in_any_column_order() -> None:
    row = ["文号", "某政办〔2022〕8号", "成文日期：2022-04-01", "主题词", ""]
    assert [(p.field, p.value) for p in read_cells(row)] == [
        ("doc_number", "某政办〔2022〕8号"),
        ("sign_date", "2022-04-01"),
        ("keywords", ""),
    ]
    assert read_cells(["序号", "工作任务", "时间"]) == []  # a plan header is no metadata


@pytest.mark.parametrize(
    ("printed", "number"),
    [
        ("番府办〔2021〕35号", "番府办〔2021〕35号"),
        ("许政 [2020] 20号", "许政[2020]20号"),
        ("驻政 【2021】 3号", "驻政【2021】3号"),
        ("粤府（2022）5号", "粤府（2022）5号"),
        ("廈思政辦〔2017〕25號", "廈思政辦〔2017〕25號"),
        ("云府2021150", None),
        ("金政发", None),
    ],
)
def test_doc_numbers_as_printed(printed: str, number: str | None) -> None:
    assert docnumbers.read(printed)[0] == number


def test_no_doc_number_is_read_as_none() -> None:
    assert docnumbers.read("无") == (None, True)
    assert docnumbers.read("云府2021150") == (None, False)
    assert docnumbers.year("许政[2020]20号") == 2020


def test_a_date_printed_without_its_characters() -> None:
    assert compact_date("2024327") == dt.date(2024, 3, 27)
    assert compact_date("20240327") == dt.date(2024, 3, 27)
    assert compact_date("2024111") is None  # 1月11日 or 11月1日


def test_an_issuer_is_an_office_not_a_website() -> None:
    assert is_issuer("鹤山市交通运输局") and is_issuer("区政府")
    assert not is_issuer("县政府网站") and not is_issuer("科技部门户网站")


def test_a_page_title_without_the_sites_name() -> None:
    title = "某区人民政府办公室关于印发某区2021年政务公开工作要点的通知"
    assert site_title(f"{title}_区府办文件_某区人民政府网") == title
    assert site_title(f"{title} - 某区人民政府门户网站") == title
    assert site_title("某区2021年政务公开工作要点 | 某区人民政府") == "某区2021年政务公开工作要点"
    assert site_title("某区人民政府门户网站") is None


def test_a_year_with_a_latin_o_for_zero() -> None:
    assert parse_date("二O一一年5月16日") == dt.date(2011, 5, 16)

from __future__ import annotations

from parsers.metadata import read_meta

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

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

"""Responsibility clauses → (unit as printed, role), following GOLD-GUIDE's role table."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from parsers.responsibility import build_nlp, find_units, read_clauses, read_doc
from parsers.units import expand_abbreviations, full_forms, load_registry
from tests.conftest import SAMPLES, SEED
from tests.test_properties import WORDS

CASES = [
    ("区政务服务数据管理局负责。", [("区政务服务数据管理局", "responsible")]),
    (
        "区政务服务数据管理局牵头会区各单位、各镇街负责。",
        [("区政务服务数据管理局", "lead"), ("区各单位", "co"), ("各镇街", "co")],
    ),
    ("由区政数局牵头会区各单位负责。", [("区政数局", "lead"), ("区各单位", "co")]),
    (
        "区政数局牵头会区各单位完成区一级编制任务,各镇街完成镇街一级编制任务。",
        [("区政数局", "lead"), ("区各单位", "co"), ("各镇街", "responsible")],
    ),
    (
        "区司法局参照市级制度制定我区制度。区各单位、各镇街按要求执行。",
        [("区司法局", "responsible"), ("区各单位", "responsible"), ("各镇街", "responsible")],
    ),
    (
        "区住房和城乡建设局、区发展和改革局等单位牵头负责。",
        [("区住房和城乡建设局", "lead"), ("区发展和改革局", "lead")],
    ),
    (
        "区府办统筹协调、区政数局组织实施,会各单位、各镇街负责。",
        [
            ("区府办", "coordinator"),
            ("区政数局", "implementer"),
            ("各单位", "co"),
            ("各镇街", "co"),
        ],
    ),
    ("区委组织部(区公务员局)负责。", [("区委组织部(区公务员局)", "responsible")]),
    (
        "区有关主管部门按国家有关主管部门制定的规定抓好贯彻执行。",
        [("区有关主管部门", "responsible")],
    ),
    (
        "区司法局牵头会区各单位按职能分工,将文件在“广州市行政规范性文件统一发布平台”发布。",
        [("区司法局", "lead"), ("区各单位", "co")],
    ),
    (
        "市政数局牵头，市司法局、市财政局按职责分工负责。",
        [("市政数局", "lead"), ("市司法局", "co"), ("市财政局", "co")],
    ),
    ("市政数局牵头、市司法局配合。", [("市政数局", "lead"), ("市司法局", "co")]),
    # 负责落实 beside a lead is no work of their own: they assist the lead (GOLD-GUIDE co)
    (
        "区财政局牵头,全区各部门、各街道负责落实",
        [("区财政局", "lead"), ("全区各部门", "co"), ("各街道", "co")],
    ),
    ("区财政局负责落实", [("区财政局", "responsible")]),
    # no 牵头: 会同 names no lead (GOLD-GUIDE), the first unit is responsible
    ("市教育局会同市财政局负责。", [("市教育局", "responsible"), ("市财政局", "co")]),
    ("各有关单位按职责分工落实。", [("各有关单位", "responsible")]),
    ("市政数局做好技术支持和指导。", [("市政数局", "support")]),
    ("办公室、政策法规处分别牵头落实。", [("办公室", "lead"), ("政策法规处", "lead")]),
    ("市司法局和市财政局负责。", [("市司法局", "responsible"), ("市财政局", "responsible")]),
    ("市规划和自然资源局番禺区分局负责。", [("市规划和自然资源局番禺区分局", "responsible")]),
    ("各县（市、区）人民政府负责。", [("各县（市、区）人民政府", "responsible")]),
    ("各镇（街道）负责。", [("各镇（街道）", "responsible")]),
    (
        "牵头单位：市政数局\n配合单位：市司法局、市财政局",
        [("市政数局", "lead"), ("市司法局", "co"), ("市财政局", "co")],
    ),
    ("分管区领导：张三\n责任单位：区政数局", [("区政数局", "responsible")]),
    # phrasings seen in published notices of other places and years
    ("市发改委牵头落实", [("市发改委", "lead")]),
    (
        "市金融办、人民银行潍坊市中心支行、潍坊银监分局分别牵头落实",
        [("市金融办", "lead"), ("人民银行潍坊市中心支行", "lead"), ("潍坊银监分局", "lead")],
    ),
    ("办公室牵头,各科室配合", [("办公室", "lead"), ("各科室", "co")]),
    (
        "责任单位:市直各有关单位、各县(市、区)人民政府、各开发区管委会",
        [
            ("市直各有关单位", "responsible"),
            ("各县(市、区)人民政府", "responsible"),
            ("各开发区管委会", "responsible"),
        ],
    ),
    ("牵头单位：市政数局\n责任单位：各区人民政府", [("市政数局", "lead"), ("各区人民政府", "co")]),
    (
        "区人力资源和社会保障局牵头，区财政局配合",
        [("区人力资源和社会保障局", "lead"), ("区财政局", "co")],
    ),
    ("区政府应急管理办公室负责", [("区政府应急管理办公室", "responsible")]),
    (
        "区政府办公室统筹协调，区各部门具体落实",
        [("区政府办公室", "coordinator"), ("区各部门", "responsible")],
    ),
    ("区卫生健康局负责，区委宣传部配合", [("区卫生健康局", "responsible"), ("区委宣传部", "co")]),
    (
        "区政府办公室负责，区大数据发展管理局做好技术支持",
        [("区政府办公室", "responsible"), ("区大数据发展管理局", "support")],
    ),
    (
        "区直各部门负责，区委宣传部做好配合保障",
        [("区直各部门", "responsible"), ("区委宣传部", "support")],
    ),
    (
        "市政数局牵头，市委宣传部配合，各区人民政府负责本地区网站管理",
        [("市政数局", "lead"), ("市委宣传部", "co"), ("各区人民政府", "responsible")],
    ),
    (
        "各县（市、区）人民政府组织实施，市教育局加强指导",
        [("各县（市、区）人民政府", "implementer"), ("市教育局", "support")],
    ),
    ("财务处按省财政厅、省教育厅有关要求负责公开", [("财务处", "responsible")]),
    ("由市司法局牵头，各镇街按职责分工负责", [("市司法局", "lead"), ("各镇街", "co")]),
    ("区民政局牵头,各镇(街)配合;", [("区民政局", "lead"), ("各镇(街)", "co")]),
    ("市规划和自然资源局番禺区分局牵头办理", [("市规划和自然资源局番禺区分局", "lead")]),
    ("综合股、普查中心负责", [("综合股", "responsible"), ("普查中心", "responsible")]),
    # labels inside one line, after ；/，/a space
    (
        "牵头单位：市政数局；配合单位：市司法局、市财政局",
        [("市政数局", "lead"), ("市司法局", "co"), ("市财政局", "co")],
    ),
    ("牵头单位：市政数局，责任单位：各区人民政府", [("市政数局", "lead"), ("各区人民政府", "co")]),
    ("牵头单位:市政数局 配合单位:市司法局", [("市政数局", "lead"), ("市司法局", "co")]),
    ("责任单位：市直各单位；完成时限：2022年底前", [("市直各单位", "responsible")]),
    ("分管领导：张三；责任单位：区政数局", [("区政数局", "responsible")]),
    # names with no role word of their own assist a lead named in the clause …
    (
        "区政数局（牵头）、区司法局、区财政局",
        [("区政数局", "lead"), ("区司法局", "co"), ("区财政局", "co")],
    ),
    ("市政数局牵头；各区人民政府", [("市政数局", "lead"), ("各区人民政府", "co")]),
    # … unless they are given work of their own, or no lead is named
    ("市政数局牵头。各镇街要按要求做好公开", [("市政数局", "lead"), ("各镇街", "responsible")]),
    ("区委宣传部、区政数局", [("区委宣传部", "responsible"), ("区政数局", "responsible")]),
]


@pytest.mark.parametrize(("clause", "want"), CASES, ids=[c for c, _ in CASES])
def test_roles(clause: str, want: list[tuple[str, str]]) -> None:
    (reading,) = read_clauses([clause])
    assert [(u.raw, u.role) for u in reading.units] == want


def test_requirements_are_the_text_after_the_roles() -> None:
    clause = "区各单位、各镇街办理,政务公开工作纳入单位领导分工,在政府网站主动公开。"
    (reading,) = read_clauses([clause])
    assert reading.requirements == "政务公开工作纳入单位领导分工,在政府网站主动公开。"


def test_pipeline_is_spacy_with_registered_components() -> None:
    nlp = build_nlp()
    assert nlp.lang == "zh"
    assert nlp.pipe_names == ["sentencizer", "fengong_units", "fengong_roles"]
    doc = nlp("区府办统筹协调，区政数局组织实施。")
    assert [(s.text, s._.role) for s in doc.spans["units"]] == [
        ("区府办", "coordinator"),
        ("区政数局", "implementer"),
    ]


def test_canonical_names() -> None:
    reg = load_registry()
    assert reg.canonical("区政数局") == "区政务服务数据管理局"
    assert reg.canonical("区府办") == "区政府办公室"
    assert reg.canonical("区编办") == "区编办"  # not well known: kept as written
    assert reg.canonical("区政数局", {"区政数局": "区政务数据局"}) == "区政务数据局"
    assert reg.split_plate("区委组织部(区公务员局)") == ("区委组织部", "区公务员局")
    assert reg.split_plate("各镇（街道）") == ("各镇（街道）", None)
    assert reg.is_collective("各镇街") and reg.is_collective("区有关主管部门")
    assert not reg.is_collective("区司法局")


def test_abbreviation_resolved_from_a_full_name_in_the_same_notice() -> None:
    reg = load_registry()
    got = expand_abbreviations(["市人社局", "市人力资源和社会保障局", "市司法局", "各单位"], reg)
    assert got == {"市人社局": "市人力资源和社会保障局"}


def test_full_forms_are_looked_for_where_one_could_be_printed() -> None:
    reg = load_registry()
    shorts = full_forms(["区政数局", "区委办", "市发改委", "各镇街"], reg)
    # a full form, with gaps: 区政数局 ← 区政务服务数据管理局; 委 ← 委员会, 办 ← 办公室
    assert shorts.may_print("由区政务服务数据管理局牵头。")
    assert shorts.may_print("市发展和改革委员会负责。")
    assert shorts.may_print("区委办公室统筹")  # the short form printed inside its full form
    # only the short forms themselves, a collective, or a name across punctuation: none
    assert not shorts.may_print("区政数局牵头，区委办配合，市发改委负责。")
    assert not shorts.may_print("各镇街道办事处负责。")
    assert not shorts.may_print("区政务，数据局")
    assert not full_forms(["各镇街"], reg).shapes


def _hits(text: str, shorts: list[str]) -> list[str]:
    """The names printed in `text` that expand_abbreviations takes as a full form of one
    of `shorts` (read as read_plan reads a paragraph: its units and their level suffixes)."""
    reg = load_registry()
    names = [text[a:b] for a, b in find_units(text)]
    names += [
        n[k:] for n in names for k in range(1, len(n) - 2) if n[k:].startswith(tuple(reg.levels))
    ]
    return [n for n in names for s in shorts if expand_abbreviations([s, n], reg) == {s: n}]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([*WORDS, "区政务服务", "数据", "管理局", "区委", "办公室"]), max_size=30
    ).map("".join)
)
def test_a_text_skipped_for_full_forms_prints_none(text: str) -> None:
    """may_print is a cheap superset: where it says no, the full read finds no full form."""
    shorts = ["区政数局", "区委办", "区政务服务数据管理局", "区公务员局"]
    if not full_forms(shorts, load_registry()).may_print(text):
        assert _hits(text, shorts) == []


def test_sample_paragraphs_skipped_for_full_forms_print_none() -> None:
    reg = load_registry()
    for path in sorted(SAMPLES.glob("*.txt")) + sorted((SAMPLES / "constructed").glob("*.txt")):
        text = path.read_bytes().decode("utf-8", errors="replace")
        paragraphs = [line for line in text.splitlines() if line.strip()]
        shorts = [u for line in paragraphs for u in (line[a:b] for a, b in find_units(line))]
        forms = full_forms(shorts, reg)
        for line in paragraphs:
            if not forms.may_print(line):
                assert _hits(line, shorts) == [], (path.name, line)


def _spacy_reading(text: str) -> tuple[list[tuple[int, int]], list[tuple[str, str, int, int]], str]:
    doc = build_nlp()(text)
    units = [(s.label_, s._.role, s.start_char, s.end_char) for s in doc.spans["units"]]
    markers = [(s.label_, "", s.start_char, s.end_char) for s in doc.spans["markers"]]
    sents = [(s.start_char, s.end_char) for s in doc.sents] if len(doc) else []
    return sents, units + markers, doc._.requirements


def _own_reading(text: str) -> tuple[list[tuple[int, int]], list[tuple[str, str, int, int]], str]:
    doc = read_doc(text)
    units = [(s.label_, s._.role, s.start_char, s.end_char) for s in doc.spans["units"]]
    markers = [(s.label_, "", s.start_char, s.end_char) for s in doc.spans["markers"]]
    return [(s.start_char, s.end_char) for s in doc.sents], units + markers, doc._.requirements


def _sample_clauses() -> list[str]:
    from pipeline import parse

    texts = [c for c, _ in CASES]
    for path in sorted(SAMPLES.glob("*.*")) + sorted((SAMPLES / "constructed").glob("*.*")):
        if path.suffix in (".txt", ".html", ".docx", ".pdf"):
            texts += [c.text for c in parse(path).clauses]
    return texts


def test_parsing_reads_every_sample_clause_as_the_spacy_pipeline_does() -> None:
    """Parsing runs the components without spaCy (parsers/clause_doc.py); the spaCy pipeline
    with the same components gives the same sentences, spans, roles and requirements."""
    texts = _sample_clauses()
    assert len(texts) > 300
    for text in texts:
        assert _own_reading(text) == _spacy_reading(text), text


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=4)), max_size=40).map("".join))
@example("。」区政数局负责。 区财政局配合；\n\n区各单位、各镇街按要求执行！？")
def test_any_clause_reads_as_the_spacy_pipeline_reads_it(text: str) -> None:
    assert _own_reading(text) == _spacy_reading(text)


def test_parsing_does_not_import_spacy() -> None:
    code = (
        "import sys, pipeline; pipeline.parse(sys.argv[1]); "
        "print('spacy' in sys.modules, 'thinc' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(SEED)], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False"]


def test_readings_kept_from_notice_to_notice_change_no_reading() -> None:
    """Clause readings and cell kinds kept across notices (a batch's worker parses many) give
    every notice the reading it gets alone, whatever was parsed before it."""
    from pipeline import parse
    from pipeline.parsing import forget_readings

    files = [*sorted(SAMPLES.glob("*.txt")), *sorted((SAMPLES / "constructed").glob("*.*"))]
    files = [p for p in files if p.suffix in (".txt", ".html")]
    in_a_row = [parse(p).model_dump() for p in [*files, *files]][len(files) :]
    alone = []
    for p in files:
        forget_readings()
        alone.append(parse(p).model_dump())
    assert in_a_row == alone

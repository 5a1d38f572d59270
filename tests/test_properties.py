"""Property-based tests of the structure and clause stages (hypothesis): arbitrary text, the
seed mangled (lines dropped, duplicated, moved, punctuation widths swapped) and random plan
tables never make them raise, and what they return always holds together."""

from __future__ import annotations

import unicodedata
from typing import get_args

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from parsers.blocks import Block, Cell, Document
from parsers.responsibility import read_clauses
from parsers.structure import build_notice
from parsers.text import parse_text
from schemas import Notice, Provenance, Role, Source
from tests.conftest import SEED

ROLES = set(get_args(Role))
SEED_LINES = SEED.read_text(encoding="utf-8").splitlines()
PROPERTY = settings(
    max_examples=120,
    deadline=None,  # no timing here: speed is measured in bench/
    derandomize=True,  # the same examples on every run and machine
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Pieces of notices: the alphabet the stages really see, so random text reaches deep paths.
WORDS = [
    "一、", "二、", "十一、", "（一）", "(二)", "（十）", "1.", "2．", "12、", "（1）", "①",
    "区政务服务数据管理局", "区政数局", "区委组织部（区公务员局）", "各镇街", "区各单位",
    "牵头", "会", "配合", "负责", "按职责分工负责", "统筹协调", "组织实施", "技术支持",
    "，", "、", "；", "。", "：", ":", "“", "”", "《", "》", "(", ")", "（", "）", "|", "｜",
    "和", "及", "由", "请", "会同", "工作任务", "责任单位", "牵头单位", "完成时限",
    "2020年12月底前", "关于印发", "分工方案", "的通知", "政务公开", "做好", "公开",
    "\n", " ", "\u3000", "以下简称", "附件", "抄送", "此件",
]  # fmt: skip
piece = st.one_of(st.sampled_from(WORDS), st.text(min_size=1, max_size=6))
notice_text = st.lists(piece, max_size=150).map("".join)

_WIDE = {c: unicodedata.normalize("NFKC", c) for c in "，：；（）．！？、"}
_NARROW = {v: k for k, v in _WIDE.items() if v != k}


def source(text: str = "") -> Source:
    return Source(path="generated.txt", sha256="0" * 64, format="text", size=len(text))


def check(notice: Notice) -> None:
    """The invariants every notice must keep, whatever its input."""
    section_keys = [s.key for s in notice.sections]
    assert len(section_keys) == len(set(section_keys)) or any(
        "appears twice" in w.message for w in notice.warnings
    )
    task_keys = [t.key for t in notice.tasks]
    assert len(task_keys) == len(set(task_keys)), "task keys are the warehouse's primary key"
    assert len({t.task_id for t in notice.tasks}) == len(notice.tasks)
    clause_ids = [c.clause_id for c in notice.clauses]
    assert len(clause_ids) == len(set(clause_ids))
    for task in notice.tasks:
        assert task.section_key in {*section_keys, ""}, task.key
        assert task.clause_id is None or task.clause_id in clause_ids, task.key
        for a in task.assignments:
            assert a.role in ROLES
            assert a.org and a.org_raw
            if a.inherited:  # an inherited assignment points at a real clause
                assert task.clause_id in clause_ids, task.key
        if task.inherited:
            assert task.clause_id is not None
    for clause in notice.clauses:
        assert all(a.role in ROLES for a in clause.assignments)
    Notice.model_validate_json(notice.model_dump_json())  # the schema holds


@PROPERTY
@given(notice_text)
@example("一、\n1.\n区政数局牵头\n")
@example("（一）\n（一）\n1.\n1.\n")
def test_arbitrary_text_never_raises_and_holds_together(text: str) -> None:
    check(build_notice(parse_text(text), source(text)))


@st.composite
def mangled_seed(draw: st.DrawFn) -> str:
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["drop", "duplicate", "move", "widths"]))
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        n = draw(st.integers(1, 8))
        if op == "drop":
            del lines[i : i + n]
        elif op == "duplicate":
            lines[i:i] = lines[i : i + n]
        elif op == "move":
            chunk = lines[i : i + n]
            del lines[i : i + n]
            j = draw(st.integers(0, len(lines)))
            lines[j:j] = chunk
        else:  # swap punctuation widths on a run of lines: ASCII ↔ full width
            table = str.maketrans(_NARROW if draw(st.booleans()) else _WIDE)
            lines[i : i + n] = [line.translate(table) for line in lines[i : i + n]]
    return "\n".join(lines)


@PROPERTY
@given(mangled_seed())
def test_the_seed_mangled_never_raises_and_holds_together(text: str) -> None:
    notice = build_notice(parse_text(text), source(text))
    check(notice)


def _row(cells: list[tuple[str, bool]], index: int) -> Block:
    row = [Cell(text, origin=origin, col=i) for i, (text, origin) in enumerate(cells)]
    prov = Provenance(table=0, row=index)
    return Block("row", " | ".join(c.text for c in row), prov, row, 0)


cell = st.tuples(st.one_of(notice_text, st.sampled_from(WORDS)), st.booleans())


@PROPERTY
@given(
    st.lists(st.text(max_size=30), max_size=4),
    st.lists(st.lists(cell, min_size=1, max_size=4), max_size=25),
    st.booleans(),
)
def test_random_plan_tables_never_raise_and_hold_together(
    preamble: list[str], rows: list[list[tuple[str, bool]]], header: bool
) -> None:
    blocks = [Block("paragraph", p, Provenance(paragraph=i)) for i, p in enumerate(preamble)]
    if header:
        rows = [[("序号", True), ("工作任务", True), ("牵头单位", True), ("配合单位", True)], *rows]
    blocks += [_row(r, i) for i, r in enumerate(rows)]
    check(build_notice(Document("html", blocks), source()))


@PROPERTY
@given(st.lists(notice_text, max_size=8))
@example(["区政数局牵头会各单位负责。"])
@example(["“区政数局”牵头", "按国家有关主管部门制定的规定执行，区财政局负责。"])
def test_the_clause_reader_never_raises_and_names_units_as_printed(texts: list[str]) -> None:
    readings = read_clauses(texts)
    assert len(readings) == len(texts)
    for text, reading in zip(texts, readings, strict=True):
        for unit in reading.units:
            assert unit.role in ROLES
            assert unit.raw and unit.raw in text

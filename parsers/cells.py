"""What one cell or paragraph of a plan looks like: its column role from header words, and the
kind of its content (a task number, a list of unit names, a clause, a deadline…).

The table stage (parsers/tables.py) rebuilds flattened tables by matching content kinds to
column roles; the walker (parsers/walker.py) reads a row's cells by their roles. Both ask
here, so a header word or a content test is defined once.
"""

from __future__ import annotations

import enum
import unicodedata
from functools import cache

import regex

from parsers.dates import is_deadline_cell
from parsers.ladder import number
from parsers.lexicon import Lexicon, default_lexicon
from parsers.units import Registry, load_registry

# Column roles, from header words; the first matching entry wins, so 责任单位和工作要求 is a
# clause column and not a 工作要求 (detail) column, and 分管领导 is a leader column, not a
# lead one.
COLUMN_ROLES: list[tuple[str, tuple[str, ...]]] = [
    ("number", ("序号", "编号")),
    (
        "leader",
        (
            *("分管领导", "责任领导", "牵头领导", "联系领导", "包抓领导", "领导"),
            *("分管区领导", "分管市领导", "分管县领导", "牵头区领导", "牵头市领导", "牵头县领导"),
        ),
    ),
    ("lead", ("牵头单位", "牵头部门", "主办单位", "牵头处室", "牵头科室", "牵头")),
    (
        "co",
        (
            *("配合单位", "配合部门", "协办单位", "参与单位", "会办单位", "协同单位"),
            *("配合处室", "配合科室", "协助单位", "协助部门", "协同部门", "协作单位", "配合"),
        ),
    ),
    (
        "clause",
        (
            *("责任单位", "责任部门", "负责单位", "负责部门", "承办单位", "落实单位"),
            *("实施单位", "责任主体", "责任科室", "责任处室", "责任股室", "承办科室"),
            *("负责科室", "负责处室", "责任人", "完成单位", "主体单位"),
        ),
    ),
    (
        "deadline",
        (
            *("完成时限", "完成时间", "完成期限", "时限要求", "时间进度", "时限"),
            *("时间节点", "进度安排", "时间要求", "完成时间节点", "推进时限", "时间安排"),
            *("进度要求", "完成节点", "完成期限", "办结时限"),
        ),
    ),
    ("note", ("备注", "说明")),
    (
        "detail",
        (
            *("具体要求", "具体措施", "主要内容", "工作要求", "工作措施", "具体内容"),
            *("工作目标", "具体工作", "主要措施", "工作举措", "推进措施", "目标要求"),
            *("细化分工", "具体分工", "分工措施", "任务分解", "实施步骤", "主要举措"),
        ),
    ),
    (
        "task",
        (
            *("工作任务", "重点任务", "主要任务", "任务内容", "工作内容", "工作事项"),
            *("重点工作", "工作要点", "任务名称", "任务", "事项", "项目内容", "重点举措"),
        ),
    ),
    ("section", ("目标", "类别", "工作领域", "领域", "方面", "板块", "项目", "重点领域")),
]
UNIT_COLUMNS = ("lead", "co", "clause")
_HEADER_WORDS = regex.compile("|".join(w for _, ws in COLUMN_ROLES for w in ws))
# a header cell: one to three header words (重点工作任务, 目标与任务, 牵头责任单位), maybe after
# a qualifier (主要责任单位, 协同配合单位)
_QUALIFIER = "主要|具体|协同|其他|相关|重点|直接"
_HEADER_CELL = regex.compile(
    rf"(?:{_QUALIFIER}|\p{{Han}}{{1,2}}(?={_HEADER_WORDS.pattern}))?(?:{_HEADER_WORDS.pattern})"
    rf"(?:[和及与、/／]?(?:{_HEADER_WORDS.pattern})){{0,2}}"
)
_CELL_SEP = regex.compile(r"[\s|｜]+")
_NOTE = regex.compile(r"[(（][^()（）]*[)）]")
_SPACES = regex.compile(r"\s+")
# a 序号 cell on its own: 1, 12., 三、, （一）, (1)
_BARE_NUMBER = regex.compile(
    r"\s*(?:(?:\d{1,5}|[一二三四五六七八九十]{1,3})\s*[.、．]?"
    r"|[(（]\s*(?:\d{1,5}|[一二三四五六七八九十]{1,3})\s*[)）])\s*"
)
_DITTO = regex.compile(r"\s*(?:同上(?:栏|行)?|〃|”)\s*[。.]?\s*")
_NONE_CELL = regex.compile(r"\s*(?:[/／\\—–-]+|无|暂无)\s*")  # "/" in a unit column: nobody
_CLAUSE_START = regex.compile(r"^(?:由|请|会同|配合)")
_LIST_SEP = regex.compile(r"\s*(?:[、，,和及与；;]|以及)\s*|\s+")
_TASK_VERB_AFTER_UNIT = regex.compile(r"^(?:要|应|须|必须|均要|都要|应当|可|将|为|是|的)")
_SENTENCE_END = regex.compile(r"[。；;！!？?]\s*$")
_SPACED_PLATE = regex.compile(r"\s+[(（][^()（）]{2,20}[)）]")
_DATED = regex.compile(r"(?:\d{4}\s*年)?\s*\d{1,2}\s*月|\d{4}\s*年底|年底前")


def column_role(header: str) -> str | None:
    """The role of a column from its header text (工作任务 → task), or None."""
    norm = _SPACES.sub("", unicodedata.normalize("NFKC", header))
    return next((role for role, words in COLUMN_ROLES if any(w in norm for w in words)), None)


def header_roles(headers: list[str]) -> list[str | None]:
    """The roles of a header's columns. Of two task columns (重点任务 | 工作内容) the second
    holds the work in detail; a header with no task column (推进措施 | 责任单位) has its work
    in its first detail column."""
    roles = [column_role(h) if h.strip() else None for h in headers]
    for i, role in enumerate(roles):
        if role == "task" and "task" in roles[:i]:
            roles[i] = "detail"
    if "task" not in roles and "detail" in roles:
        roles[roles.index("detail")] = "task"
    if "task" not in roles and any(r in UNIT_COLUMNS for r in roles):
        # 序号 | 重点举措 | 牵头部门: a table that names who does the work holds the work in
        # the column whose header word fengong does not know
        unknown = [
            i
            for i, (h, r) in enumerate(zip(headers, roles, strict=True))
            if h.strip() and r is None
        ]
        if unknown:
            roles[unknown[0]] = "task"
        elif "section" in roles:  # 序号 | 项目 | 责任单位: no other column can hold the work
            roles[roles.index("section")] = "task"
    return roles


def subheaders(headers: list[str]) -> list[str]:
    """A header over two rows read as one: 责任单位 over 牵头单位 | 配合单位 becomes those two
    columns where 责任单位 stood (序号 | 工作任务 | 责任单位 | 完成时限 + 牵头单位 | 配合单位)."""
    roles = [column_role(h) for h in headers]
    split = [i for i, r in enumerate(roles) if r in ("lead", "co")]
    if "clause" not in roles or not split or split[0] < roles.index("clause"):
        return headers
    at = roles.index("clause")
    if len(split) < 2 and split[0] == at + 1:
        return headers  # 主要责任单位 | 协同配合单位: a lead column beside a co column
    parts = [headers[i] for i in split]
    rest = [h for i, h in enumerate(headers) if i not in split and i != at]
    return [*rest[:at], *parts, *rest[at:]]


def header_cells(analysed: str) -> list[str]:
    """The cells of a header line (工作任务 | 责任单位…, or one header word alone), or []. A
    note in brackets after a header word (责任单位（列第一位的为牵头单位）) is allowed."""
    parts = [p for p in _CELL_SEP.split(_NOTE.sub("", analysed).strip()) if p]
    if parts and all(len(p) <= 20 and _HEADER_CELL.fullmatch(p) for p in parts):
        return parts
    whole = "".join(parts)
    if 0 < len(whole) <= 12 and _HEADER_CELL.fullmatch(whole):
        return [whole]  # one cell printed with spaces between its characters: 分 管 领 导
    return []


def is_header_row(texts: list[str]) -> bool:
    """A table row of header words: two at least, most of its filled cells, none of them data
    (a number, a sentence); a cell may hold a note in brackets or spaces between its
    characters (责 任 单 位). A header word fengong does not know (时间安排) may stand among
    known ones: its column's role then comes from what the column holds."""
    filled = [_CELL_SEP.sub("", _NOTE.sub("", t)) for t in texts if t.strip()]
    if len(filled) < 2 or any(len(t) > 20 or number(t) or is_bare_number(t) for t in filled):
        return False
    known = sum(1 for t in filled if _HEADER_WORDS.search(t))
    return known >= 2 and known * 3 >= len(filled) * 2


def is_none_cell(text: str) -> bool:
    """ "/" or 无 in a unit or deadline column: nobody, no date."""
    return _NONE_CELL.fullmatch(text) is not None


def is_ditto(text: str) -> bool:
    """A cell that says "the same as above" (同上, 同上。, 〃): it holds what the cell above
    it holds, as a merged cell would (GOLD-GUIDE: inherited)."""
    return _DITTO.fullmatch(text) is not None


def filled(text: str) -> bool:
    """A cell with content (not empty, not "/")."""
    return bool(text.strip()) and not is_none_cell(text)


def is_bare_number(text: str) -> bool:
    """A 序号 cell on its own: 1, 12., 三、."""
    return _BARE_NUMBER.fullmatch(text) is not None


class Content(enum.Enum):
    """What a cell or paragraph holds, for matching it to a column."""

    EMPTY = "empty"
    NONE = "none"  # "/" or 无
    NUMBER = "number"  # a bare 序号
    HEADING = "heading"  # 一、… or （一）…
    TASK = "task"  # 1.…
    SUBITEM = "subitem"  # （1）…
    LABELLED = "labelled"  # 牵头单位：…
    UNITS = "units"  # nothing but unit names
    CLAUSE = "clause"  # unit names with role words
    DEADLINE = "deadline"  # 2022年6月底前, 持续推进
    DATED = "dated"  # a short text around dates: 2021年2月公布预算，8月公布决算
    TITLE = "title"  # a short line with no sentence end
    TEXT = "text"  # anything else


# How well each content fits each column role: the table stage adds these up over a table and
# keeps the reading with the highest sum. 3 = its place, 0 = possible, negative = unlikely.
_FIT: dict[Content, dict[str, int]] = {
    Content.NUMBER: {"number": 4, "task": -2, "section": -2},
    Content.HEADING: {"section": 3, "task": 2, "detail": -1},
    Content.TASK: {"task": 3, "detail": 2, "section": -1},
    Content.SUBITEM: {"task": 1, "detail": 2},
    Content.LABELLED: {"lead": 1, "co": 1, "clause": 2, "deadline": 1, "leader": 1, "note": 0},
    Content.UNITS: {"lead": 3, "co": 3, "clause": 3, "task": -2, "detail": -1, "section": -2},
    Content.CLAUSE: {"clause": 3, "lead": 1, "co": 1, "detail": 0, "task": -1, "note": 0},
    Content.DEADLINE: {"deadline": 4, "note": 0, "detail": -1, "task": -2},
    Content.DATED: {"deadline": 2, "note": 1, "detail": 0, "task": 0},
    Content.NONE: {"lead": 2, "co": 2, "clause": 2, "deadline": 2, "leader": 1, "note": 1},
    Content.TITLE: {"section": 2, "task": 1, "detail": 0, "leader": 0, "note": 0, "lead": -1},
    Content.TEXT: {"task": 2, "detail": 2, "section": -1, "note": 0, "lead": -2, "co": -2},
}
UNFIT = -3  # a content in a column its table above gives no score for


def fit(content: Content, role: str | None) -> int:
    """How well a content kind fits a column role (see _FIT)."""
    if content is Content.EMPTY:
        return 0
    return _FIT[content].get(role or "", UNFIT)


class Classifier:
    """Content tests that need the unit registry and the role lexicon. It remembers what it
    has classified (rows are tried against several alignments, and notices repeat their cells
    from year to year): at most SEEN texts, then it starts again, so a long batch's memory
    stays flat. One per set of unit files: classifier_for()."""

    SEEN = 50_000

    def __init__(self, registry: Registry, lexicon: Lexicon | None = None) -> None:
        self.registry = registry
        self.lexicon = lexicon or default_lexicon()
        self._seen: dict[str, Content] = {}

    def content(self, analysed: str) -> Content:
        """The kind of a cell's or paragraph's text (on the analysis copy)."""
        text = analysed.strip()
        kind = self._seen.get(text)
        if kind is None:
            if len(self._seen) >= self.SEEN:
                self._seen.clear()
            kind = self._seen[text] = _content(self, text)
        return kind

    def looks_like_clause(self, text: str, *, strict: bool = True) -> bool:
        """Does text read as a responsibility clause: a label (牵头单位：…), unit names alone,
        or unit names followed by the words that give them roles (区政数局牵头会各单位负责)?
        Not `strict` (text in brackets after a task, which says it is an aside already):
        unit names followed by anything but the task's own verbs."""
        if self.lexicon.label_at(text, 0):
            return True
        start = _CLAUSE_START.match(text)
        end = self._names_from(text, start.end() if start else 0)
        if end is None or _TASK_VERB_AFTER_UNIT.match(text[end:]):
            return False
        rest = text[end:].strip(" 。.；;，,")
        return not strict or not rest or self.lexicon.clause_words.search(rest) is not None

    def only_units(self, text: str) -> bool:
        """Nothing but unit names (办公室 / 区财政局、各镇街): a unit cell."""
        end = self._names_from(text, 0)
        return end is not None and not text[end:].strip(" 。.；;，,")

    def _names_from(self, text: str, pos: int) -> int | None:
        """Where a list of unit names starting at pos ends (区各单位、各镇街…), or None; a
        second plate printed after a space (省编办 (省审改办)) belongs to its name. A name
        never starts with a verb (推行企业开办… is no unit)."""
        marker = self.lexicon.marker_at(text, pos)
        if marker is not None and marker.kind == "boundary":
            return None
        end = self.registry.unit_at(text, pos, self.lexicon)
        while end is not None:
            if plate := _SPACED_PLATE.match(text, end):
                end = plate.end()
            m = _LIST_SEP.match(text, end)
            nxt = (
                self.registry.unit_at(text, m.end(), self.lexicon) if m and m.end() > end else None
            )
            if nxt is None:
                break
            end = nxt
        return end


@cache
def classifier_for(extra_registries: tuple[str, ...] = ()) -> Classifier:
    """The Classifier of the built-in registry and these unit files (paths), kept for the
    process: a content depends on the text, the registry and the lexicon alone."""
    return Classifier(load_registry(extra_registries))


def _content(classifier: Classifier, text: str) -> Content:
    if not text:
        return Content.EMPTY
    if is_none_cell(text):
        return Content.NONE
    if is_bare_number(text):
        return Content.NUMBER
    label = number(text)
    if label is not None:
        return {1: Content.HEADING, 2: Content.HEADING, 3: Content.TASK}.get(
            label.level, Content.SUBITEM
        )
    if classifier.lexicon.label_at(text, 0):
        return Content.LABELLED
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if all(classifier.only_units(line) for line in lines):
        return Content.UNITS
    if is_deadline_cell(text):
        return Content.DEADLINE
    if len(text) <= 40 and _DATED.search(text) and not _SENTENCE_END.search(text):
        return Content.DATED
    if classifier.looks_like_clause(text):
        return Content.CLAUSE
    if len(text) <= 24 and not _SENTENCE_END.search(text) and "\n" not in text:
        return Content.TITLE
    return Content.TEXT

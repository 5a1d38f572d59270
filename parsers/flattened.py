"""Flattened tables in a paragraph stream: the shapes a scraped page leaves of a plan table.

* pipe rows, one row a line: `| 1 | 任务 | 区财政局 |`, with or without the outer bars;
* bar runs, every cell and every `|` on its own line (two bars in a row end a row);
* labelled line groups: a task line followed by 牵头单位：/配合单位：/责任单位：/完成时限：/
  分管…领导： lines, or by a responsibility sentence of its own (区财政局负责。).

Each finder returns raw rows — the cells' printed and analysed texts, in order — and where the
shape ends; the table stage (parsers/tables.py) gives them columns. A cell per paragraph under
a flattened header is rebuilt there too, with parsers/rows.py.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import regex

from parsers.blocks import Block
from parsers.cells import Classifier, Content, column_role, header_cells
from parsers.ladder import number
from parsers.lexicon import Marker
from schemas import Provenance

# | cell | cell |, or a row written without its first bar (cell | cell |): two bars at least,
# so a line with one trailing bar is not a table.
_PIPE_ROW = regex.compile(
    r"^\s*(?:[|｜](?P<cells>.*)|(?P<cells>[^|｜]+[|｜].*))[|｜]\s*$", regex.DOTALL
)
_RULE_ROW = regex.compile(r"^[\s|｜:：\-—=+]+$")  # markdown's |---|---| separator
_BAR = regex.compile(r"^\s*[|｜]\s*$")
_ONE_CELL = regex.compile(r"^\s*[|｜]?(?P<cells>[^|｜]+)[|｜]\s*$")  # 一、… | : a row of one cell
# one cell and its bars, in a table printed a cell a line: 工作任务 |, or … | || at a row's end
# (linear on a long line without bars: one greedy run, no nested choices)
_CELL_BARS = regex.compile(r"^\s*[|｜]?(?P<cells>[^|｜]+)(?P<bars>[|｜][|｜\s]*)$")
ROW_END = "||"  # put after the last cell of a row when the page marks it
_SPLIT = regex.compile(r"[|｜]")
_WIDE_GAP = regex.compile(r"\t|\s{2,}")  # between the cells of a table set out with spaces
_GAP = regex.compile(r"\s+")
MAX_CELL_LINES = 8  # a cell of a bar run printed over more lines than this is no cell
_SPACE_COLON = regex.compile(r"[\s:：【】\[\]]")
_PART_SEP = regex.compile(r"[；;，,]\s*|\s{2,}")


@dataclass
class RawCell:
    text: str  # as printed; several paragraphs are joined with "\n"
    analysed: str


@dataclass
class RawRow:
    cells: list[RawCell]
    provenance: Provenance
    roles: list[str | None] = field(default_factory=list)  # line groups: each cell's role


def is_rule(analysed: str) -> bool:
    """A lone | or a ---- line left between the cells of a scraped table."""
    return _RULE_ROW.fullmatch(analysed.strip()) is not None


def is_pipe_row(analysed: str) -> bool:
    return _PIPE_ROW.match(analysed) is not None and not is_rule(analysed)


def _pipe_cells(text: str) -> list[str]:
    m = _PIPE_ROW.match(text) or _ONE_CELL.match(text)
    if m:
        return [c.strip() for c in _SPLIT.split(m["cells"])]
    return [c.strip() for c in _SPLIT.split(text)]  # a row without its outer bars


def spaced_header(analysed: str) -> bool:
    """A header whose cells are set apart by tabs or runs of spaces: 序号⇥工作任务⇥责任单位."""
    return bool(_WIDE_GAP.search(analysed.strip())) and len(header_cells(analysed)) >= 2


def spaced_rows(blocks: Sequence[Block], start: int) -> tuple[list[RawRow], int]:
    """Rows of a table set out with tabs or spaces, from blocks[start] (its header) on: each
    line cut at its white space, while lines have two cells at least."""
    rows: list[RawRow] = []
    i = start
    while i < len(blocks) and blocks[i].kind == "paragraph":
        b = blocks[i]
        analysed = [c for c in _GAP.split(b.analysed.strip()) if c]
        printed = [c for c in _GAP.split(b.text.strip()) if c]
        if len(analysed) < 2:
            break
        if len(printed) != len(analysed):
            printed = analysed
        rows.append(
            RawRow([RawCell(p, a) for p, a in zip(printed, analysed, strict=True)], b.provenance)
        )
        i += 1
    return rows, i


def loose_pipe_rows(blocks: Sequence[Block], start: int) -> bool:
    """Does a table of rows written without their outer bars start at blocks[start]
    (序号 | 工作任务 | 责任单位 / 1 | … | … )? Two bars a line at least, over three lines or
    under a header line: a single line such as a site's 首页 | 政务公开 | 网站地图 is none."""
    run = 0
    for b in blocks[start : start + 6]:
        if run and _heading_line(b):
            continue  # 一、培育消费新场景 between the rows: a heading row of one cell
        if b.kind != "paragraph" or len(_SPLIT.findall(b.analysed)) < 2:
            break
        run += 1
        if run == 3:
            break
    return run >= 3 or (run >= 2 and len(header_cells(blocks[start].analysed)) >= 2)


def _heading_line(b: Block) -> bool:
    """A 一、/（一） heading on a line of its own, without bars."""
    label = number(b.analysed.strip()) if b.kind == "paragraph" else None
    return label is not None and label.level in (1, 2) and not _SPLIT.search(b.analysed)


def pipe_rows(blocks: Sequence[Block], start: int, loose: bool = False) -> tuple[list[RawRow], int]:
    """The pipe rows from blocks[start] on (markdown rules skipped), and where they end;
    `loose`: rows may come without their outer bars (1 | 任务 | 区财政局)."""
    rows: list[RawRow] = []
    i = start
    while i < len(blocks) and blocks[i].kind == "paragraph":
        b = blocks[i]
        # a row whose cells wrap over several lines: 1 | 迭代升级…平台， / 接入…。 | 区委政法委 |
        wrapped = _wrapped_row(blocks, i, _bars(blocks[start].analysed)) if rows else None
        loose_row = loose and (
            len(_SPLIT.findall(b.analysed)) >= 2
            # a heading line among rows without bars: a row of one cell, when rows go on
            or (
                bool(rows)
                and _heading_line(b)
                and i + 1 < len(blocks)
                and len(_SPLIT.findall(blocks[i + 1].analysed)) >= 2
                and len(header_cells(blocks[i + 1].analysed)) < 2  # not a table of its own
            )
        )
        if (
            _PIPE_ROW.match(b.analysed) is None
            and not loose_row
            and not wrapped
            and not (rows and (_ONE_CELL.match(b.analysed) or is_rule(b.analysed)))
        ):
            break
        i += 1
        if is_rule(b.analysed):  # |---|---| , or a lone | between rows
            continue
        text, analysed_text, prov = b.text, b.analysed, b.provenance
        if wrapped:
            text = "\n".join(w.text for w in wrapped)
            analysed_text = "\n".join(w.analysed for w in wrapped)
            prov = _span(prov, wrapped[-1].provenance)
            i += len(wrapped) - 1
        printed, analysed = _pipe_cells(text), _pipe_cells(analysed_text)
        if len(printed) != len(analysed):
            printed = analysed
        cells = [RawCell(p, a) for p, a in zip(printed, analysed, strict=True)]
        rows.append(RawRow(cells, prov))
    return rows, i


def _bars(analysed: str) -> int:
    return len(_SPLIT.findall(analysed))


def _wrapped_row(blocks: Sequence[Block], i: int, width: int) -> list[Block] | None:
    """The lines of one row printed over several (its cells wrap), when blocks[i] has fewer
    bars than the header's `width` and the lines after it make up exactly that many."""
    bars = _bars(blocks[i].analysed)
    if width < 2 or not 0 < bars < width:
        return None
    run = [blocks[i]]
    for b in blocks[i + 1 : i + MAX_CELL_LINES]:
        if (
            b.kind != "paragraph"
            or is_rule(b.analysed)
            or _bars(b.analysed) >= width  # a whole row of its own
            or number(b.analysed.strip()) is not None  # a heading or task line starts anew
        ):
            return None
        run.append(b)
        bars += _bars(b.analysed)
        if bars >= width:
            return run if bars == width else None
    return None


def unbarred(blocks: Sequence[Block]) -> list[Block]:
    """Blocks with the bars taken off runs of three or more lines that are each one cell and
    bars (工作任务 | / 具体要求 | / …): a table flattened a cell a line whose bars only end
    cells. A line ending in two bars or more (… | ||) ends its row: a `||` line is put after
    it for the table stage. Lines inside a pipe table are left as they are."""
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        j = i
        while j < len(blocks) and blocks[j].kind == "paragraph" and _one_cell(blocks[j].analysed):
            j += 1
        if j - i < 3 or (out and is_pipe_row(out[-1].analysed)):
            out.append(blocks[i])
            i += 1
            continue
        for b in blocks[i:j]:
            m = _CELL_BARS.match(b.analysed)
            assert m is not None and m["cells"].strip()
            printed = _CELL_BARS.match(b.text)
            text = printed["cells"].strip() if printed else m["cells"].strip()
            out.append(Block("paragraph", text, b.provenance, analysed=m["cells"].strip()))
            if m["bars"].count("|") + m["bars"].count("｜") >= 2:
                out.append(Block("paragraph", ROW_END, b.provenance, analysed=ROW_END))
        i = j
    return out


def _one_cell(analysed: str) -> bool:
    m = _CELL_BARS.match(analysed)
    return m is not None and bool(m["cells"].strip())


def is_bar(analysed: str) -> bool:
    return _BAR.match(analysed) is not None


def bar_rows(blocks: Sequence[Block], start: int) -> tuple[list[RawRow], int]:
    """Rows of a table printed a cell a line with a | line between cells, from blocks[start]
    (a bar line) on; two bars in a row end a row. Returns ([], start) when no row closes."""
    rows: list[RawRow] = []
    cells: list[RawCell] = []
    lines: list[Block] = []
    row_start: Provenance | None = None
    end = start  # just after the last bar that closed a cell
    i = start
    previous_bar = False
    while i < len(blocks) and blocks[i].kind == "paragraph":
        b = blocks[i]
        if is_bar(b.analysed):
            if lines:
                cells.append(_joined(lines))
                lines = []
            elif previous_bar and cells:  # || : the row is complete
                rows.append(RawRow(cells, _span(row_start or b.provenance, b.provenance)))
                cells, row_start = [], None
            previous_bar = True
            end = i + 1
        else:
            if len(lines) >= MAX_CELL_LINES:
                break
            if row_start is None:
                row_start = b.provenance
            lines.append(b)
            previous_bar = False
        i += 1
    if cells:
        last = blocks[end - 1].provenance
        rows.append(RawRow(cells, _span(row_start or last, last)))
    return (rows, end) if rows else ([], start)


def line_group(
    blocks: Sequence[Block], start: int, classifier: Classifier
) -> tuple[RawRow | None, int]:
    """A task line (numbered or not) and the responsibility lines under it — labelled lines
    (牵头单位：… 完成时限：… 分管领导：…) or a sentence that reads as a clause — as one row whose
    cells carry their roles (GOLD-GUIDE, "Labelled lines belong to the line above"). Returns
    (None, start) when blocks[start] does not open such a group."""
    first = blocks[start]
    if first.kind != "paragraph" or not _task_line(classifier.content(first.analysed)):
        return None, start
    task = [first]
    i = start + 1
    # the task's own further lines (its text over several paragraphs, its （1） items); a
    # heading's next line is a task of its own
    while (
        classifier.content(first.analysed) is not Content.HEADING
        and i < len(blocks)
        and blocks[i].kind == "paragraph"
    ):
        kind = classifier.content(blocks[i].analysed)
        if kind not in (Content.TEXT, Content.TITLE, Content.SUBITEM) or is_rule(
            blocks[i].analysed
        ):
            break
        task.append(blocks[i])
        i += 1
    roles: list[str | None] = ["task"]
    cells = [_joined(task)]
    clause_lines: list[Block] = []
    while i < len(blocks) and blocks[i].kind == "paragraph":
        b = blocks[i]
        kind = classifier.content(b.analysed)
        label = classifier.lexicon.label_at(b.analysed, 0)
        if label is not None:
            if clause_lines:
                cells.append(_joined(clause_lines))
                roles.append("clause")
                clause_lines = []
            # 牵头单位：X；配合单位：Y；完成时限：Z on one line: a cell for each label
            for printed, analysed in labelled_parts(b.text, b.analysed, classifier):
                part_label = classifier.lexicon.label_at(analysed, 0)
                cells.append(RawCell(printed, analysed))
                roles.append(label_role(analysed, part_label) if part_label else "clause")
        elif kind in (Content.CLAUSE, Content.UNITS) and len(roles) == 1:
            clause_lines.append(b)  # an unlabelled clause: only right under the task
        elif kind is Content.UNITS and roles[-1] in ("lead", "co", "clause") and not clause_lines:
            # a labelled unit list going on on the next line (市直各部门 / 各乡镇（街道）)
            last = cells[-1]
            cells[-1] = RawCell(last.text + "\n" + b.text, last.analysed + "\n" + b.analysed)
        else:
            break
        i += 1
    if clause_lines:
        cells.append(_joined(clause_lines))
        roles.append("clause")
    if len(cells) == 1:
        return None, start
    return RawRow(cells, _span(first.provenance, blocks[i - 1].provenance), roles), i


def labelled_parts(text: str, analysed: str, classifier: Classifier) -> list[tuple[str, str]]:
    """A labelled line cut where another label follows ；，or a space: 牵头单位：X；配合单位：Y."""
    cuts = [0]
    for m in _PART_SEP.finditer(analysed):
        if classifier.lexicon.label_at(analysed, m.end()) is not None:
            cuts.append(m.end())
    cuts.append(len(analysed))
    if len(cuts) == 2 or len(text) != len(analysed):
        return [(text, analysed)]
    return [
        (text[a:b].strip().rstrip("；;，,"), analysed[a:b].strip().rstrip("；;，,"))
        for a, b in itertools.pairwise(cuts)
    ]


def _task_line(kind: Content) -> bool:
    return kind in (Content.HEADING, Content.TASK, Content.SUBITEM, Content.TEXT, Content.TITLE)


def label_role(analysed: str, label: Marker) -> str | None:
    """The column a labelled line stands for: its role word, or for 完成时限：/分管领导：
    (label_none) what the label word names."""
    kind = label.kind.removeprefix("label_")
    if kind == "responsible":
        return "clause"
    if kind in ("lead", "co"):
        return kind
    return column_role(_SPACE_COLON.sub("", analysed[: label.end])) or "note"


def _joined(blocks: Sequence[Block]) -> RawCell:
    return RawCell("\n".join(b.text for b in blocks), "\n".join(b.analysed for b in blocks))


def _span(first: Provenance, last: Provenance) -> Provenance:
    """The provenance of a row built from several paragraphs: from the first to the last."""
    return first.model_copy(
        update={"line_end": last.line_end if last.line_end is not None else first.line_end}
    )

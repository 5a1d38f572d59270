"""The HTML report of `fengong diff --html`: one self-contained page (inline CSS and SVG, no
script, no external resource) that reads better than the SQL.

Every piece of document text goes through Jinja2's autoescaping; the changed characters of a
reworded task are marked with difflib on characters (Chinese has no spaces to diff words on),
compared after NFKC so that a comma that only changed width (，/,) is no change.

It prints as well as it shows (checked in headless Chromium, tests/test_report_browser.py):
each section starts a page, table headers repeat on every page, rows are not split, and a
footer names the date and the source files.
"""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from dataclasses import dataclass

from jinja2 import Environment, select_autoescape

from pipeline.compare import Diff
from schemas.roles import ROLE_NAMES


@dataclass
class Segment:
    text: str
    kind: str  # same | del | ins


# CJK punctuation that NFKC leaves alone, as the half-width mark it is printed for
_PUNCTUATION = str.maketrans("。、“”‘’《》〈〉【】〔〕", ".,\"\"''<><>[][]")


def fold(ch: str) -> str:
    """A character as compared: NFKC (full-width punctuation, letters and digits as their
    half-width forms: ，→, （→( ０→0) and the CJK marks NFKC keeps mapped alike (。→.
    、→, “→\"), so a change of width alone is no change."""
    return (unicodedata.normalize("NFKC", ch) or ch).translate(_PUNCTUATION)


def char_diff(before: str, after: str) -> tuple[list[Segment], list[Segment]]:
    """The two texts cut into runs that are the same, deleted (before) or inserted (after).
    Characters are compared folded (`fold`) and shown as printed."""
    left: list[Segment] = []
    right: list[Segment] = []
    matcher = difflib.SequenceMatcher(
        None, [fold(c) for c in before], [fold(c) for c in after], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            left.append(Segment(before[i1:i2], "same"))
            right.append(Segment(after[j1:j2], "same"))
            continue
        if i2 > i1:
            left.append(Segment(before[i1:i2], "del"))
        if j2 > j1:
            right.append(Segment(after[j1:j2], "ins"))
    return left, right


@dataclass
class Bar:
    label: str
    y: int
    before: int
    after: int
    w_before: float
    w_after: float


@dataclass
class Chart:
    bars: list[Bar]
    height: int  # of the SVG, in pixels
    shown: int  # units drawn
    units: int  # units that own a task in either year
    top: int  # the largest count


def chart(diff: Diff, limit: int = 15) -> Chart:
    """Bars of tasks owned per unit in each year: the `limit` units with most tasks, and
    every unit of an owner change besides (a chart that leaves out a unit the table above
    names would hide the change), in the order of most tasks."""
    rows = diff.owned_per_unit()
    changed = {o for p in diff.owner_changes for o in (*p.before.owners, *p.after.owners)}
    picked = [r for i, r in enumerate(rows) if i < limit or r[0] in changed]
    top = max([max(b, a) for _, b, a in picked] or [1])
    scale = 360 / top
    bars = [
        Bar(unit, 30 + i * 34, b, a, b * scale, a * scale) for i, (unit, b, a) in enumerate(picked)
    ]
    return Chart(bars, 40 + 34 * len(picked), len(picked), len(rows), top)


TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ d.region }} {{ d.before.year }}→{{ d.after.year }} 分工方案对比</title>
<style>
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
       "Microsoft YaHei", sans-serif; margin: 2rem auto; max-width: 1180px; color: #222;
       line-height: 1.55; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; }
h2 { font-size: 1.15rem; border-bottom: 2px solid #ddd; padding-bottom: .2rem;
     margin-top: 2.2rem; }
.sub { color: #666; margin-top: 0; }
.summary { display: flex; gap: .8rem; flex-wrap: wrap; margin: 1rem 0; }
.summary div { background: #f4f6f8; border-radius: 6px; padding: .5rem .9rem; }
.summary b { font-size: 1.3rem; display: block; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0; }
th, td { border: 1px solid #ddd; padding: .35rem .5rem; vertical-align: top;
         text-align: left; }
th { background: #f4f6f8; font-weight: 600; }
td.key { white-space: nowrap; font-family: monospace; font-size: .9rem; }
td.sim { white-space: nowrap; text-align: right; }
.section { color: #777; font-size: .82rem; }
del { background: #ffd7d5; color: #82071e; text-decoration: line-through; }
ins { background: #ccffd8; color: #055d20; text-decoration: none; }
.old { color: #82071e; } .new { color: #055d20; }
.role { color: #555; font-size: .85rem; }
.legend span { display: inline-block; width: .9rem; height: .9rem; vertical-align: middle;
               margin: 0 .3rem 0 .8rem; }
.empty { color: #777; font-style: italic; }
svg text { font-size: 13px; }
.cap { color: #555; font-size: .9rem; }
footer { color: #666; font-size: .8rem; border-top: 1px solid #ddd; margin-top: 2rem;
         padding-top: .4rem; }
@page { size: A4; margin: 14mm 12mm 18mm 12mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-before: page; }
  h2:first-of-type { break-before: auto; }
  thead { display: table-header-group; }
  tr, .summary div, svg { break-inside: avoid; }
  h2 { break-after: avoid; }
  details > table { display: table; }
  footer { position: fixed; bottom: 0; left: 0; right: 0; margin: 0; background: #fff; }
  .screen-only { display: none; }
}
</style>
</head>
<body>
{% macro roles_of(t) %}{% for r in t.roles %}{{ r.org }}（{{ roles[r.role] }}）
{%- if not loop.last %}、{% endif %}{% endfor %}{% endmacro %}
{% macro marked(segments, tag) %}{% for s in segments %}
{%- if s.kind == "same" %}{{ s.text }}{% elif tag == "del" %}<del>{{ s.text }}</del>
{%- else %}<ins>{{ s.text }}</ins>{% endif %}{% endfor %}{% endmacro %}
<h1>{{ d.region }}：{{ d.before.year }} 年与 {{ d.after.year }} 年分工方案对比</h1>
<p class="sub">{{ d.before.plan_title or "" }} → {{ d.after.plan_title or "" }}</p>
<div class="summary" id="summary">
<div><b>{{ d.pairs | length }}</b>延续的任务</div>
<div><b>{{ reworded }}</b>其中措辞调整</div>
<div><b>{{ d.owner_changes | length }}</b>责任单位变化</div>
<div><b>{{ d.added | length }}</b>新增任务</div>
<div><b>{{ d.removed | length }}</b>不再列入的任务</div>
</div>
{% if not d.stored %}<p class="empty">这两年之间还有其他年份的方案；
本对比为即时比对。</p>{% endif %}

<h2 id="owners">责任单位变化 (owner changes)</h2>
{% if d.owner_changes %}
<table>
<thead><tr><th>{{ d.before.year }}</th><th>{{ d.after.year }}</th><th>任务</th>
<th>{{ d.before.year }} 责任单位</th><th>{{ d.after.year }} 责任单位</th></tr></thead>
{% for p in d.owner_changes %}
<tr class="owner-change">
<td class="key">{{ p.before.key }}</td><td class="key">{{ p.after.key }}</td>
<td>{{ p.after.text }}</td>
<td class="old">{{ p.before.owners | join("、") or "—" }}
<div class="role">{{ roles_of(p.before) }}</div></td>
<td class="new">{{ p.after.owners | join("、") or "—" }}
<div class="role">{{ roles_of(p.after) }}</div></td>
</tr>
{% endfor %}
</table>
{% else %}<p class="empty">没有任务的责任单位发生变化。</p>{% endif %}

<h2 id="chart">各单位牵头（或负责）的任务数</h2>
<p class="legend"><span style="background:#8fb3d9"></span>{{ d.before.year }}
<span style="background:#1f5f99"></span>{{ d.after.year }}</p>
{% if chart.shown < chart.units %}<p class="cap" id="chart-cap">显示 {{ chart.shown }} 个单位，共
{{ chart.units }} 个（top {{ chart.shown }} of {{ chart.units }}：任务最多的单位，
{#- a line break here would print a space -#}
以及责任单位有变化的全部单位）。</p>
{% endif %}
<svg xmlns="http://www.w3.org/2000/svg" width="760" height="{{ chart.height }}"
     role="img" aria-label="tasks per unit per year">
{% for b in chart.bars %}
<text x="250" y="{{ b.y + 12 }}" text-anchor="end">{{ b.label }}</text>
<rect class="bar" x="260" y="{{ b.y }}" width="{{ '%.1f' % b.w_before }}" height="13"
      fill="#8fb3d9"><title>{{ b.label }} {{ d.before.year }}: {{ b.before }}</title></rect>
<text x="{{ '%.1f' % (264 + b.w_before) }}" y="{{ b.y + 11 }}">{{ b.before }}</text>
<rect class="bar" x="260" y="{{ b.y + 14 }}" width="{{ '%.1f' % b.w_after }}" height="13"
      fill="#1f5f99"><title>{{ b.label }} {{ d.after.year }}: {{ b.after }}</title></rect>
<text x="{{ '%.1f' % (264 + b.w_after) }}" y="{{ b.y + 25 }}">{{ b.after }}</text>
{% endfor %}
</svg>

<h2 id="reworded">措辞调整的任务 (reworded)</h2>
<table>
<thead><tr><th>{{ d.before.year }}</th><th>{{ d.before.year }} 原文</th>
<th>{{ d.after.year }}</th><th>{{ d.after.year }} 新文</th><th>相似度</th></tr></thead>
{% for p, left, right in reworded_pairs %}
<tr class="reworded">
<td class="key">{{ p.before.key }}</td>
<td class="before">{{ marked(left, "del") }}
<div class="section">{{ p.before.section }}</div></td>
<td class="key">{{ p.after.key }}</td>
<td class="after">{{ marked(right, "ins") }}
<div class="section">{{ p.after.section }}</div></td>
<td class="sim">{{ '%.2f' % p.similarity }}</td>
</tr>
{% endfor %}
</table>

<h2 id="added">新增任务 (added in {{ d.after.year }})</h2>
{% if d.added %}
<table>
<thead><tr><th>{{ d.after.year }}</th><th>任务</th><th>责任单位</th></tr></thead>
{% for t in d.added %}
<tr class="added"><td class="key">{{ t.key }}</td>
<td>{{ t.text }}<div class="section">{{ t.section }}</div></td>
<td>{{ t.owners | join("、") or "—" }}</td></tr>
{% endfor %}
</table>
{% else %}<p class="empty">没有新增任务。</p>{% endif %}

<h2 id="removed">不再列入的任务 (removed after {{ d.before.year }})</h2>
{% if d.removed %}
<table>
<thead><tr><th>{{ d.before.year }}</th><th>任务</th><th>责任单位</th></tr></thead>
{% for t in d.removed %}
<tr class="removed"><td class="key">{{ t.key }}</td>
<td>{{ t.text }}<div class="section">{{ t.section }}</div></td>
<td>{{ t.owners | join("、") or "—" }}</td></tr>
{% endfor %}
</table>
{% else %}<p class="empty">没有任务被移除。</p>{% endif %}

<h2 id="unchanged">原样延续的任务 (unchanged)</h2>
<details open><summary>{{ unchanged | length }} 项</summary>
<table>
<thead><tr><th>{{ d.before.year }}</th><th>{{ d.after.year }}</th><th>任务</th></tr></thead>
{% for p in unchanged %}
<tr><td class="key">{{ p.before.key }}</td><td class="key">{{ p.after.key }}</td>
<td>{{ p.after.text }}</td></tr>
{% endfor %}
</table>
</details>
<footer>fengong diff · 生成于 {{ generated }} · 来源：{{ d.before.year }}
{{ d.before.source_path or d.before.notice_id }}；{{ d.after.year }}
{{ d.after.source_path or d.after.notice_id }}</footer>
</body>
</html>
"""

_env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))


def render(diff: Diff, generated: dt.date | None = None) -> str:
    """The report as one HTML page; `generated` is the date its footer gives (today)."""
    reworded = [p for p in diff.pairs if p.change != "unchanged"]
    return _env.from_string(TEMPLATE).render(
        d=diff,
        reworded=len(reworded),
        reworded_pairs=[(p, *char_diff(p.before.text, p.after.text)) for p in reworded],
        unchanged=[p for p in diff.pairs if p.change == "unchanged"],
        chart=chart(diff),
        generated=(generated or dt.date.today()).isoformat(),
        roles=ROLE_NAMES,
    )

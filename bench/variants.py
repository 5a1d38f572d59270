"""Many distinct notices from the few samples: another place and year, tasks shuffled.

A variant keeps its base's shape (format, table layout, clause wording) and changes what
makes it a different notice: the region in every name, the year in every date, and the order
of the tasks inside each subsection (renumbered 1., 2., … as printed). Used by the
benchmarks and by the tests that need a large batch.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import regex

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

# (file, its region's stem as printed, its year): the bases a variant is made from
BASES = [
    ("000_5d162360d2d8264b.txt", "南沙", 2020),
    ("nansha-2020-gbk.html", "南沙", 2020),
    ("constructed/c01-flat-3col.txt", "花都", 2021),
    ("constructed/c02-pipes.txt", "武进", 2022),
    ("constructed/c03-preamble-list.html", "鄞州", 2019),
    ("constructed/c05-clauses.txt", "株洲", 2023),
    ("constructed/c06-references.txt", "韶关", 2022),
    ("constructed/nansha-2021.txt", "南沙", 2021),
]
STEMS = [
    "黄埔", "番禺", "天河", "越秀", "海珠", "荔湾", "白云", "增城", "从化", "福田",
    "罗湖", "宝安", "龙岗", "鼓楼", "玄武", "秦淮", "建邺", "江宁", "浦口", "六合",
    "余杭", "萧山", "临平", "富阳", "江北", "镇海", "北仑", "奉化", "思明", "湖里",
]  # fmt: skip
YEARS = range(2011, 2031)

_TASK = regex.compile(r"^(\s*)(\d{1,2})([.．、])")
_HEADING = regex.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")


@dataclass(frozen=True)
class Variant:
    name: str
    data: bytes
    fmt: str


def variants(
    count: int, seed: int = 7, formats: tuple[str, ...] = ("txt", "html")
) -> Iterator[Variant]:
    """`count` distinct notices (no two share region, year and base), deterministic per seed."""
    rng = random.Random(seed)
    bases = [b for b in BASES if b[0].rsplit(".", 1)[1] in formats]
    combos = [(b, s, y) for b in bases for s in STEMS for y in YEARS if s != b[1] or y != b[2]]
    if count > len(combos):
        raise ValueError(f"at most {len(combos)} variants")
    for i, ((file, stem, year), new_stem, new_year) in enumerate(rng.sample(combos, count)):
        raw = (SAMPLES / file).read_bytes()
        encoding = "gb18030" if b"charset=gb2312" in raw[:2048].lower() else "utf-8"
        text = raw.decode(encoding)
        text = text.replace(stem, new_stem).replace(str(year), str(new_year))
        text = shuffle_tasks(text, rng)
        ext = file.rsplit(".", 1)[1]
        yield Variant(f"{i:05d}-{new_stem}-{new_year}.{ext}", text.encode(encoding), ext)


def shuffle_tasks(text: str, rng: random.Random) -> str:
    """Shuffle the numbered tasks (each with the lines up to the next one) inside each run
    between two headings, then renumber them in their new order."""
    out: list[str] = []
    run: list[list[str]] = []

    def flush() -> None:
        rng.shuffle(run)
        for n, unit in enumerate(run, start=1):
            out.append(_TASK.sub(rf"\g<1>{n}\g<3>", unit[0], count=1))
            out.extend(unit[1:])
        run.clear()

    for line in text.splitlines(keepends=True):
        if _TASK.match(line):
            run.append([line])
        elif _HEADING.match(line) or not run:
            flush()
            out.append(line)
        else:
            run[-1].append(line)
    flush()
    return "".join(out)


# Characters of place names, none of them a role word, a unit ending or a joining word (和,
# 会, 各, 局, 区…), so that a made-up region reads as one: two of them make a stem (~5,000).
PLACE_CHARS = (
    "东西南北山川江河湖海平安宁康泰丰华兴源清阳溪林桥岭城新永昌盛德福祥云龙凤金玉石田泉"
    "峰岗坪塘沙滨浦港湾桂梅松柏竹兰荷春秋晋鲁豫皖闽赣湘鄂琼黔滇陕甘青"
)
CORPUS_YEARS = range(2001, 2031)


def corpus(count: int, seed: int = 11) -> Iterator[Variant]:
    """`count` notices that are all distinct notices (for the national-scale benchmarks, up
    to ~140,000): each made-up region (two PLACE_CHARS and its base's level, 区 or 市) has one
    plan a year, from one base, so regions grow year-over-year series of up to 30 plans."""
    rng = random.Random(seed)
    stems = [a + b for a in PLACE_CHARS for b in PLACE_CHARS if a != b]
    combos = [(s, y) for s in stems for y in CORPUS_YEARS]
    if count > len(combos):
        raise ValueError(f"at most {len(combos)} notices")
    raws = {}
    for file, _, _ in BASES:
        raw = (SAMPLES / file).read_bytes()
        encoding = "gb18030" if b"charset=gb2312" in raw[:2048].lower() else "utf-8"
        raws[file] = (raw.decode(encoding), encoding)
    for i, (new_stem, new_year) in enumerate(rng.sample(combos, count)):
        file, stem, year = rng.choice(BASES)
        text, encoding = raws[file]
        text = text.replace(stem, new_stem).replace(str(year), str(new_year))
        text = shuffle_tasks(text, rng)
        ext = file.rsplit(".", 1)[1]
        yield Variant(
            f"{i // 1000:03d}/{i:06d}-{new_stem}-{new_year}.{ext}", text.encode(encoding), ext
        )


def write_corpus(folder: Path, count: int, seed: int = 11) -> list[Path]:
    """corpus() into `folder`, a thousand files a subfolder."""
    paths = []
    for v in corpus(count, seed):
        path = folder / v.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(v.data)
        paths.append(path)
    return paths


def write(
    folder: Path, count: int, seed: int = 7, formats: tuple[str, ...] = ("txt", "html")
) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for v in variants(count, seed, formats):
        path = folder / v.name
        path.write_bytes(v.data)
        paths.append(path)
    return paths

"""The parts keep their contracts (README, "How it is built"): they depend one way (pipeline/
on parsers/ and warehouse/, both on schemas/); the readers never import each other; the
modules of pipeline/ import each other without a cycle (parsing one file is
pipeline/parsing.py, which imports neither the library API nor the workers' module); every
error for a user has one base."""

from __future__ import annotations

import ast
from pathlib import Path

from parsers.readers import READERS
from tests.conftest import ROOT

PACKAGES = ("schemas", "parsers", "warehouse", "pipeline")


def imports(path: Path) -> set[str]:
    """The modules of the four packages that `path` imports anywhere (a function's lazy
    import too), but not under `if TYPE_CHECKING:` (types only, nothing runs)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(node)
        for top in ast.walk(tree)
        if isinstance(top, ast.If) and "TYPE_CHECKING" in ast.unparse(top.test)
        for stmt in top.body
        for node in ast.walk(stmt)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] in PACKAGES:
                subs = [f"{node.module}.{a.name}" for a in node.names]
                subs = [m for m in subs if module_file(m).exists()]
                found.update(subs or [node.module])
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] in PACKAGES)
    return found


def module_file(module: str) -> Path:
    return ROOT / (module.replace(".", "/") + ".py")


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles of `graph` (module → the modules it imports): its strongly
    connected parts of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while (w := stack.pop()) != v:
                part.append(w)
            part.append(v)
            if len(part) > 1:
                found.append(sorted(part))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_readers_never_import_each_other() -> None:
    readers = set(READERS.values())
    assert readers == {f"parsers.{m}" for m in ("text", "html", "docx", "pdf", "legacy")}
    for reader in readers:
        assert imports(module_file(reader)) & readers == set(), reader


def test_the_parts_depend_one_way() -> None:
    allowed = {
        "schemas": {"schemas"},
        "parsers": {"parsers", "schemas"},
        "warehouse": {"warehouse", "schemas"},
        "pipeline": {"pipeline", "parsers", "warehouse", "schemas"},
    }
    for package, may in allowed.items():
        for f in (ROOT / package).glob("*.py"):
            reached = {m.split(".")[0] for m in imports(f)}
            assert reached <= may, (f.name, reached - may)


def test_pipeline_modules_import_each_other_without_a_cycle() -> None:
    graph = {
        f"pipeline.{f.stem}": {m for m in imports(f) if m.startswith("pipeline.")}
        for f in (ROOT / "pipeline").glob("*.py")
        if f.stem != "__init__"
    }
    assert "pipeline.parsing" in graph["pipeline.workers"]
    assert "pipeline.api" not in graph["pipeline.workers"]
    assert cycles(graph) == []


def test_every_error_for_a_user_has_one_base_with_a_hint() -> None:
    """Every exception class the four packages define derives from schemas.errors.FengongError
    (a reason and a hint), except click's usage errors (exit 2) and the timer's interrupt."""
    import importlib
    import inspect

    from schemas.errors import FengongError

    others = {"pipeline.cli_options.OptionError", "pipeline.parsing._Overtime"}
    seen = set()
    for package in PACKAGES:
        for f in sorted((ROOT / package).glob("*.py")):
            module = importlib.import_module(f"{package}.{f.stem}".removesuffix(".__init__"))
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ != module.__name__ or not issubclass(cls, BaseException):
                    continue
                seen.add(f"{cls.__module__}.{name}")
                if f"{cls.__module__}.{name}" not in others:
                    assert issubclass(cls, FengongError), f"{cls.__module__}.{name}"
    assert {
        "parsers.errors.InputError",
        "warehouse.errors.WarehouseError",
        "pipeline.reading.FeedError",
        "pipeline.sql.QueryRefused",
    } <= seen
    error = FengongError("empty file", "fetch it again", where="a.txt")
    assert str(error) == error.line() == "a.txt: empty file (fetch it again)"
    assert error.line("b.txt") == "b.txt: empty file (fetch it again)"

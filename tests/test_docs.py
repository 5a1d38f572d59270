"""The README and the --help texts tell the truth about the command line: every `fengong …`
command the README shows exists with the options it is shown with, every command's --help has
an example, and the examples in --help name real commands and options too."""

from __future__ import annotations

import re
import shlex

import click
from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import ROOT

# A command line as the README writes one: at the start of a line of a code block (after a
# shell prompt, or as .venv/bin/fengong), after a pipe, or at the start of an inline code span.
COMMAND = re.compile(r"(?:^|^\$ |^\.venv/bin/|\| )fengong (.*)$")


def shown_commands(readme: str) -> list[str]:
    """The text after `fengong ` of every command line the README shows."""
    lines: list[str] = []
    in_block = False
    for line in readme.splitlines():
        if line.startswith("```"):
            in_block = not in_block
            continue
        if in_block:
            if m := COMMAND.search(line):
                lines.append(m[1])
            continue
        for span in re.findall(r"`([^`]+)`", line):
            if m := COMMAND.search(span):
                lines.append(m[1])
    return lines


def options_of(command: click.Command) -> set[str]:
    return {o for p in command.params for o in (*p.opts, *p.secondary_opts)} | {"-h", "--help"}


def problem(line: str) -> str | None:
    """What is wrong with one `fengong …` line (the text after `fengong `), or None."""
    line = re.split(r"\s+#\s|\s\|\s|\s>\s", line)[0]  # a comment, a pipe, a redirection
    line = line.replace("[", " ").replace("]", " ").replace("…", " ")  # [--region R] forms
    try:
        words = shlex.split(line)
    except ValueError:
        words = line.split()
    if not words:
        return "no command"
    if words[0].startswith("-"):  # fengong --help, fengong --version
        return None if words[0] in options_of(main) else f"fengong has no option {words[0]}"
    ctx = click.Context(main)
    command = main.get_command(ctx, words[0])
    if command is None:
        return f"no command {words[0]!r}"
    options = options_of(command)
    for word in words[1:]:
        name = word.split("=", 1)[0]
        if name.startswith("-") and name != "-" and name not in options:
            return f"{words[0]} has no option {name}"
    return None


def test_the_line_checker_finds_what_is_wrong() -> None:
    """The check below can fail: a made-up command or option is caught, real ones pass."""
    assert problem("frobnicate --db x") == "no command 'frobnicate'"
    assert problem("export --format csv --out - --colour red") == "export has no option --colour"
    assert problem("units [--region R] [--db PATH] [--format table|csv]") is None
    assert problem("query - --format csv") is None
    assert problem("unit 区政数局 --region 南沙区   # one unit's tasks") is None
    assert problem("export --format jsonl --out - | jq .text") is None
    assert problem("--version") is None and problem("--verbose") is not None
    assert shown_commands(
        "x\n```\n$ fengong unit A\nfengong ingest b/  # c\n```\n`fengong schema`"
    ) == [
        "unit A",
        "ingest b/  # c",
        "schema",
    ]


def test_every_command_the_readme_shows_exists_with_its_options() -> None:
    shown = shown_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    ctx = click.Context(main)
    # every command is shown at least once, and every line shown is a real command
    commands = {line.split()[0] for line in shown if not line.startswith("-")}
    assert commands == set(main.list_commands(ctx))
    wrong = [(line, p) for line in shown if (p := problem(line))]
    assert wrong == []


def test_every_help_has_an_example_that_runs_real_options() -> None:
    ctx = click.Context(main)
    texts = {"": CliRunner().invoke(main, ["--help"]).stdout}
    for name in main.list_commands(ctx):
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        texts[name] = result.stdout
    for name, text in texts.items():
        assert "Example:" in text, name
        examples = text.split("Example:", 1)[1].split("\n\n", 1)[0]
        lines = [m[1] for m in map(COMMAND.search, (e.strip() for e in examples.splitlines())) if m]
        assert lines, name
        assert not name or any(line.split()[0] == name for line in lines), name
        assert [(line, p) for line in lines if (p := problem(line))] == [], name

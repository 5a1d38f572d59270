"""The `fengong` command: a thin layer over pipeline.api and the warehouse."""

from __future__ import annotations

import importlib
import json
import sys
from typing import IO, Any, ClassVar

import click

from parsers.errors import InputError
from parsers.limits import Limits
from pipeline import api, memory
from pipeline.cli_options import (
    DB_META,
    SECONDS,
    db_option,
    lock_timeout_option,
    rows_format_option,
    units_option,
)
from pipeline.formats import print_rows
from pipeline.printable import console, line, printable
from schemas import Notice
from schemas.errors import FengongError


class _Commands(click.Group):
    """Commands whose modules load only when the command runs (or --help lists it): `fengong
    diff` and `export` bring numpy, jinja2 and the feed writers (~0.2 s), which `parse`,
    `ingest` and `query` should not pay at every start."""

    lazy: ClassVar[dict[str, str]] = {
        "diff": "pipeline.cli_compare:diff",  # fengong diff --region R --from Y --to Y
        "unit": "pipeline.cli_unit:unit",  # fengong unit NAME
        "export": "pipeline.cli_export:export",  # fengong export --format F --out PATH
        "notices": "pipeline.cli_notices:notices",  # fengong notices
        "remove": "pipeline.cli_notices:remove",  # fengong remove NOTICE_ID|FILE
        "units": "pipeline.cli_units:units",  # fengong units
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy and name not in self.commands:
            module, attr = self.lazy[name].split(":")
            self.add_command(getattr(importlib.import_module(module), attr), name)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context) -> Any:
        """Every command's failures as one line, here in one place: a usage error without
        the usage block (exit 2); every error fengong raises for a user (schemas.errors.
        FengongError: a file that cannot be read, a warehouse that cannot be used, a feed,
        query or comparison that cannot be made, an unsafe target) as `Error: <its line>`,
        and a DuckDB error no command caught (a damaged file met mid-read, a full disk) as
        `Error: <warehouse>: <what to do>` (exit 1)."""
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            exc.ctx = None  # the message names the option; the usage block buries it
            raise
        except FengongError as exc:
            raise click.ClickException(printable(exc.line())) from None
        except Exception as exc:
            duckdb = sys.modules.get("duckdb")
            if duckdb is None or not isinstance(exc, duckdb.Error):
                raise
            from warehouse.errors import describe

            db = ctx.meta.get(DB_META, "the warehouse")
            raise click.ClickException(printable(describe(db, exc))) from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="fengong")
def main() -> None:
    """fengong: work-plan notices (分工方案) → sections, tasks, units and roles in DuckDB.

    \b
    Example:
      fengong ingest 通知/                      # every notice in a folder
      fengong export --format xlsx --out 台账.xlsx
      fengong diff --region 南沙区 --html 对比.html
    """


MB = click.IntRange(min=1)  # a size limit in MiB


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@db_option
@click.option(
    "--max-mb", type=MB, default=64, show_default=True, help="Refuse files larger than this."
)
@units_option()
@lock_timeout_option
@click.option(
    "--max-text-mb",
    type=MB,
    default=Limits.max_text_bytes // 2**20,
    show_default=True,
    help="Refuse text and HTML files larger than this.",
)
@click.option(
    "--max-unpacked-mb",
    type=MB,
    default=Limits.max_unpacked_bytes // 2**20,
    show_default=True,
    help="Refuse Word files that inflate beyond this (zip bombs), and PDFs whose streams do.",
)
@click.option(
    "--max-memory-mb",
    type=MB,
    default=memory.DEFAULT_MB,
    show_default=True,
    help="Refuse a file whose parse needs more memory than this.",
)
@click.option(
    "--timeout",
    type=SECONDS,
    default=60.0,
    show_default=True,
    help="Seconds one file may take to parse; then it is stopped and reported (0: no limit).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=None,
    help="Worker processes parsing a batch [default and most: one per CPU; 0: none].",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Take each file's reading even when it reads worse than the notice's stored one.",
)
@click.option(
    "--commit-every",
    type=click.IntRange(min=1),
    default=api.Options.group_size,
    show_default=True,
    help="Files stored per transaction at most (each notice still whole; a crash loses at "
    "most the files not yet committed, which the next run ingests again).",
)
@click.option(
    "--commit-seconds",
    type=SECONDS,
    default=api.Options.group_seconds,
    show_default=True,
    help="Seconds the first file of a transaction may wait for its commit.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail a file whose reading carries warnings (v_warnings) instead of storing it.",
)
@click.option("--quiet", "-q", is_flag=True, help="Only the summary and errors.")
def ingest(
    paths: tuple[str, ...],
    db: str,
    max_mb: int,
    unit_files: tuple[str, ...],
    lock_timeout: float,
    max_text_mb: int,
    max_unpacked_mb: int,
    max_memory_mb: int,
    timeout: float,
    jobs: int | None,
    replace: bool,
    commit_every: int,
    commit_seconds: float,
    strict: bool,
    quiet: bool,
) -> None:
    """Parse notices (files or folders) and store them in the warehouse.

    One line per file, once it is committed (several files a transaction, each notice
    whole: --commit-every, --commit-seconds); a bad file is reported and the batch goes on.
    A file that reads
    worse than the stored reading of its notice is kept as a version, not taken (--replace
    takes it). The exit status is 1 when any file failed or was kept for reading worse.
    Files in a folder whose extension is not a notice's are named in the summary. Batches
    are parsed by worker processes while this process alone writes the warehouse; a full
    disk or a damaged warehouse stops the batch at once.

    \b
    Example:
      fengong ingest 通知/ 2021年方案.docx --db fengong.duckdb
    """
    options = api.Options(
        max_bytes=max_mb * 2**20,
        extra_registries=unit_files,
        limits=Limits(
            max_text_bytes=max_text_mb * 2**20, max_unpacked_bytes=max_unpacked_mb * 2**20
        ),
        timeout=timeout or None,
        jobs=jobs,  # None: one worker per CPU (the library's default is none)
        strict=strict,
        max_memory=max_memory_mb * memory.MiB,
        replace=replace,
        group_size=commit_every,
        group_seconds=commit_seconds,
    )
    from rich.progress import (  # only a batch has a progress bar
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    skipped: list[str] = []
    files = list(api.iter_files(paths, skipped=skipped))
    out, err = console(), console(stderr=True)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=quiet or not err.is_terminal,
    )

    def report(r: api.FileResult) -> None:
        progress.advance(bar)
        if r.status == "failed":
            err.print(line("error", "red", r.error))
        elif r.status == "kept" and (r.worse or not quiet):
            (err if r.worse else out).print(f"kept      {printable(r.path)}: {printable(r.why)}")
        elif not quiet:
            out.print(
                f"{r.status:<9} {printable(r.path)}: {r.tasks} tasks, {r.assignments} "
                f"assignments, {r.warnings} warning{'' if r.warnings == 1 else 's'} "
                f"({r.seconds * 1000:.0f} ms)"
            )

    with progress:
        bar = progress.add_task("ingesting", total=len(files))
        result = api.ingest(
            files, db=db, options=options, on_result=report, lock_timeout=lock_timeout
        )
    summary = ", ".join(
        f"{result.count(s)} {s}" for s in ("ingested", "replaced", "unchanged", "kept", "failed")
    )
    err.print(f"{len(result.results)} files: {summary} → {printable(db)}")
    if skipped:
        shown = ", ".join(printable(p) for p in skipped[:10])
        more = f" and {len(skipped) - 10} more" if len(skipped) > 10 else ""
        err.print(
            f"skipped {len(skipped)} file{'s' if len(skipped) > 1 else ''} that are not "
            f"notices by their extension: {shown}{more} (give a file by its name to read it)"
        )
    if result.failed or result.worse:
        sys.exit(1)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@units_option()
def parse(file: str, unit_files: tuple[str, ...]) -> None:
    """Print one notice as JSON (the Notice model); nothing is stored.

    \b
    Example:
      fengong parse 通知.html > notice.json
    """
    name = printable(api.path_text(file))
    options = api.Options(extra_registries=unit_files)
    try:
        with memory.memory_limit(options.max_memory):
            notice = api.parse(file, options)
    except InputError as exc:
        exc.where = name  # the file, as the one-line error names it
        raise
    except MemoryError:
        raise click.ClickException(api.memory_line(file, options)) from None
    except Exception as exc:  # a bug: still one line, naming the file
        raise click.ClickException(f"{name}: internal error: {type(exc).__name__}: {exc}") from None
    click.echo(notice.model_dump_json(indent=1))


@main.command()
@click.argument("sql", required=False)
@click.option(
    "--file",
    "sql_file",
    type=click.File("r", encoding="utf-8"),
    help="Read the SQL from this file (- for standard input).",
)
@db_option
@rows_format_option()
@lock_timeout_option
def query(
    sql: str | None,
    sql_file: IO[str] | None,
    db: str,
    fmt: str,
    raw_csv: bool,
    lock_timeout: float,
) -> None:
    """Run one SELECT on the warehouse and print the answer.

    SQL is the argument, or - to read it from standard input, or --file F. Read-only and
    confined to the warehouse: one statement, no other files or databases (no read_csv,
    COPY, ATTACH, INSTALL, LOAD, SET, PRAGMA); anything else is refused.

    \b
    Example:
      fengong query "select org, count(*) from v_assignments where role = 'lead' group by org"
      echo "select * from v_notices" | fengong query - --format csv
    """
    from pipeline.sql import run

    if (sql is None) == (sql_file is None):
        raise click.UsageError("give the SQL as the argument, as - (standard input) or --file F")
    if sql == "-":
        sql = sys.stdin.read()
    elif sql_file is not None:
        sql = sql_file.read()
    assert sql is not None
    if not sql.strip():
        raise click.UsageError("the SQL is empty")
    columns, rows = run(db, sql, lock_timeout)  # QueryRefused, QueryFailed: one line (main)
    print_rows(columns, rows, fmt, raw_csv=raw_csv)


@main.command()
@click.option(
    "--record",
    is_flag=True,
    help="The schema of a task record of `fengong export --format jsonl` instead.",
)
def schema(record: bool) -> None:
    """Print the JSON Schema of the Notice model.

    \b
    Example:
      fengong schema --record > task-record.schema.json
    """
    if record:
        from schemas.export import record_json_schema

        click.echo(json.dumps(record_json_schema(), ensure_ascii=False, indent=1))
        return
    click.echo(json.dumps(Notice.model_json_schema(), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

"""`fengong ingest` and `fengong parse`: the commands that read notices (registered on the main
command group in pipeline/cli.py, loaded when they run, so that the commands that only read
the warehouse do not load the parsers and the pydantic models at every start)."""

from __future__ import annotations

import sys

import click

from parsers.errors import InputError
from parsers.limits import Limits
from pipeline import api, memory
from pipeline.cli_options import SECONDS, db_option, lock_timeout_option, stopped, units_option
from pipeline.printable import console, line, printable

MB = click.IntRange(min=1)  # a size limit in MiB


@click.command()
# paths are not checked here: one that is not there fails alone, as any unreadable file does
@click.argument("paths", nargs=-1, required=True, type=click.Path())
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

    stored = 0

    def report(r: api.FileResult) -> None:
        nonlocal stored
        stored += r.status in ("ingested", "replaced", "kept")
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

    try:
        with progress:
            bar = progress.add_task("ingesting", total=len(files))
            result = api.ingest(
                files, db=db, options=options, on_result=report, lock_timeout=lock_timeout
            )
    except KeyboardInterrupt:
        raise stopped(
            f"{stored} file(s) stored, each notice whole (the lines above); the same command "
            "again ingests the rest, the stored ones reading as unchanged"
        ) from None
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


@click.command()
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

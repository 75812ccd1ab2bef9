"""``ecoute load DIR``: load an operator's exports, with a per-file accounting table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ecoute.cli.commands._common import fail, settings_of


def register(app: typer.Typer) -> None:
    app.command("load")(load)


def load(
    ctx: typer.Context,
    directory: Annotated[
        Path, typer.Argument(help="Folder holding the exports (calls.csv, tickets/, …).")
    ],
    mapping: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--mapping", "-m", help="Source mapping YAML (see etl/mappings/)."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Re-read files already loaded unchanged.")] = False,
    build: Annotated[bool, typer.Option(help="Rebuild the warehouse models after loading.")] = True,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Rebuild every model, not only what this load changed (docs/incremental.md).",
        ),
    ] = False,
    checks: Annotated[
        bool, typer.Option(help="Run the data-quality suites (expectations/).")
    ] = True,
) -> None:
    """Load every entity file found in DIR into the warehouse, atomically.

    Each row read is loaded, quarantined with its reason (see `ecoute quarantine`), or counted as
    an exact duplicate. Exit status 0 when the load completed; otherwise 1 and nothing changed.
    """
    from ecoute import jobs
    from ecoute.cli.progress import Progress
    from ecoute.etl.mapping import MappingError
    from ecoute.etl.pipeline import LoadError

    settings = settings_of(ctx)
    try:
        with Progress(settings.etl["progress"]) as progress:
            result = jobs.load(settings, directory, mapping, force=force, build=build,
                               full_build=full, checks=checks, progress=progress)  # fmt: skip
    except (LoadError, MappingError) as exc:
        fail(f"load failed, warehouse unchanged: {exc}")
    accounting_table(result)
    print_warnings(result)
    typer.echo(
        f"load {result.load_id} completed: {result.total('read'):,} rows read, "
        f"{result.total('loaded'):,} loaded ({result.total('updated'):,} updated), "
        f"{result.total('quarantined'):,} quarantined, {result.total('duplicate'):,} duplicates "
        f"→ {settings.warehouse}"
    )
    if result.build:
        typer.echo(f"models rebuilt: {result.build}")
    if settings.section("engine")["name"] == "spark":
        typer.echo(
            "engine is spark: readers show the lake's results; run `ecoute build` to refresh them"
        )
    if result.total("quarantined"):
        typer.echo(f"see why with: ecoute quarantine --load {result.load_id}")


def accounting_table(result: Any) -> None:
    """One row per file: every row read is loaded, quarantined or a duplicate."""
    from ecoute.cli.output import table

    header = ["entity", "file", "read", "loaded", "updated", "quarantined", "duplicate", "note"]
    body = [
        [f.entity, Path(f.path).name,
         *(f"{getattr(f, n):,}" for n in ("read", "loaded", "updated", "quarantined", "duplicate")),
         f.note]
        for f in result.files
    ]  # fmt: skip
    table(header, body, f"Load {result.load_id}, file by file",
          numeric=[False, False, True, True, True, True, True, False])  # fmt: skip


def print_warnings(result: Any) -> None:
    """Whatever the loader warns of (a file matching no entity, an empty file, …), one line each
    on stderr; it carries them as ``warnings`` (text, or objects whose str is the text)."""
    for warning in getattr(result, "warnings", None) or ():
        typer.echo(f"warning: {warning}", err=True)

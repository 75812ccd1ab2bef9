"""``ecoute load DIR``: load an operator's exports, with a per-file accounting table."""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Iterator
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
    source: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--source",
            "-s",
            metavar="PACK",
            help="A platform's source pack, e.g. amazon-connect (list: `ecoute sources`).",
        ),
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

    Each row read is loaded, quarantined with its reason (see `ecoute quarantine`), counted as
    an exact duplicate, or (packs with record versions) as an older version superseded. Exit
    status 0 when the load completed; otherwise 1 and nothing changed.
    """
    from ecoute import jobs
    from ecoute.cli.progress import Progress
    from ecoute.etl.mapping import MappingError
    from ecoute.etl.pipeline import LoadError

    settings = settings_of(ctx)
    try:
        with _pack_mapping(source, mapping) as mapping, Progress(
            settings.etl["progress"]
        ) as progress:
            result = jobs.load(settings, directory, mapping, force=force, build=build,
                               full_build=full, checks=checks, progress=progress)  # fmt: skip
    except (LoadError, MappingError) as exc:
        fail(f"load failed, warehouse unchanged: {exc}")
    accounting_table(result)
    print_warnings(result)
    superseded = result.total("superseded")
    typer.echo(
        f"load {result.load_id} completed: {result.total('read'):,} rows read, "
        f"{result.total('loaded'):,} loaded ({result.total('updated'):,} updated), "
        f"{result.total('quarantined'):,} quarantined, {result.total('duplicate'):,} duplicates"
        + (f", {superseded:,} older versions superseded" if superseded else "")
        + f" → {settings.warehouse}"
    )
    if result.build:
        typer.echo(f"models rebuilt: {result.build}")
    if settings.section("engine")["name"] == "spark":
        typer.echo(
            "engine is spark: readers show the lake's results; run `ecoute build` to refresh them"
        )
    if result.total("quarantined"):
        typer.echo(f"see why with: ecoute quarantine --load {result.load_id}")


@contextlib.contextmanager
def _pack_mapping(source: str | None, mapping: Path | None) -> Iterator[Path | None]:
    """The mapping to load with: the pack's, or with ``--mapping`` too a temporary file that
    extends the pack with the operator's own mapping (its entities win)."""
    if source is None:
        yield mapping
        return
    from ecoute.etl.mapping import pack_names, pack_path

    pack = pack_path(source)
    if pack is None:
        fail(f"--source {source!r}: no such pack; packs: {', '.join(pack_names())}", 2)
    if mapping is None:
        yield pack
        return
    with tempfile.TemporaryDirectory(prefix="ecoute-pack-") as folder:
        combined = Path(folder) / "mapping.yaml"
        combined.write_text(f"extends:\n  - {source}\n  - {json.dumps(str(mapping.resolve()))}\n",
                            encoding="utf-8")  # fmt: skip
        yield combined


def accounting_table(result: Any) -> None:
    """One row per file: every row read is loaded, quarantined or a duplicate."""
    from ecoute.cli.output import table

    counts = ("read", "loaded", "updated", "quarantined", "duplicate", "superseded")
    header = ["entity", "file", *counts, "note"]
    body = [
        [f.entity, Path(f.path).name, *(f"{getattr(f, n, 0):,}" for n in counts), f.note]
        for f in result.files
    ]  # fmt: skip
    table(header, body, f"Load {result.load_id}, file by file",
          numeric=[False, False, *(True for _ in counts), False])  # fmt: skip


def print_warnings(result: Any) -> None:
    """Whatever the loader warns of (a file matching no entity, an empty file, …), one line each
    on stderr; it carries them as ``warnings`` (text, or objects whose str is the text)."""
    for warning in getattr(result, "warnings", None) or ():
        typer.echo(f"warning: {warning}", err=True)

"""``ecoute load DIR``: load an operator's exports, with a per-file accounting table."""

from __future__ import annotations

import contextlib
import json
import tempfile
import threading
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
    an exact duplicate, or (packs with record versions) as an older version superseded. Exit status 0 when the load completed; otherwise 1 and nothing changed.
    """
    from rich.console import Console

    settings = settings_of(ctx)
    console = Console(stderr=True)
    with _pack_mapping(source, mapping) as mapping:
        result = _run(settings, console, directory, mapping, force, build, full, checks)
    _summary(result, settings)


def _run(settings, console, directory, mapping, force, build, full, checks):  # noqa: ANN001, ANN202, PLR0913
    from ecoute import jobs
    from ecoute.etl.mapping import MappingError
    from ecoute.etl.pipeline import LoadError

    try:
        with _Progress(console, settings.etl["progress"]) as progress:
            result = jobs.load(settings, directory, mapping, force=force, build=build,
                               full_build=full, checks=checks, progress=progress)  # fmt: skip
    except (LoadError, MappingError) as exc:
        fail(f"load failed, warehouse unchanged: {exc}")
    return result


def _summary(result: Any, settings: Any) -> None:
    from rich.console import Console

    Console().print(accounting_table(result))
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


def accounting_table(result: Any) -> Any:
    from rich.table import Table

    table = Table(title=f"load {result.load_id}")
    counts = ("read", "loaded", "updated", "quarantined", "duplicate", "superseded")
    for name in ("entity", "file", *counts, "note"):
        table.add_column(
            name, justify="right" if name not in ("entity", "file", "note") else "left"
        )
    for f in result.files:
        table.add_row(
            f.entity, Path(f.path).name, *(f"{getattr(f, n, 0):,}" for n in counts), f.note,
        )  # fmt: skip
    return table


class _Progress:
    """A byte-weighted progress bar; while DuckDB reads a file, its own query progress moves it."""

    def __init__(self, console: Any, mode: str) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        enabled = mode == "always" or (mode == "auto" and console.is_terminal)
        self.bar = Progress(
            TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(), console=console, disable=not enabled, transient=True,
        )  # fmt: skip
        self.task = self.bar.add_task("loading", total=None)
        self.done_bytes = 0
        self.current: dict[str, Any] = {}
        self.stop = threading.Event()
        self.enabled = enabled

    def __enter__(self) -> _Progress:
        self.bar.__enter__()
        if self.enabled:
            threading.Thread(target=self._poll, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.bar.__exit__(*exc)

    def __call__(self, event: str, info: dict[str, Any]) -> None:
        if event == "file_start":
            self.current = info
            self.bar.update(self.task, description=f"{info['entity']}: {Path(info['path']).name}")
        elif event == "stage":
            self.bar.update(
                self.task, description=f"{self.current.get('entity', '')}: {info['stage']}"
            )
        elif event == "file_done":
            self.done_bytes += self.current.get("bytes", 0)
            self.bar.update(self.task, completed=self.done_bytes, total=max(self.done_bytes, 1))

    def _poll(self) -> None:
        while not self.stop.wait(0.5):
            con, size = self.current.get("con"), self.current.get("bytes", 0)
            if con is None or not size:
                continue
            try:
                pct = max(con.query_progress(), 0.0) / 100.0
            except Exception:  # noqa: BLE001 - progress is best effort, never fatal
                continue
            total = self.done_bytes + size
            self.bar.update(self.task, completed=self.done_bytes + pct * size, total=total)

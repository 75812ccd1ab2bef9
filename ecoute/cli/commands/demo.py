"""``ecoute demo``: generate a realistic synthetic operator, load it, build, say where to look."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ecoute.cli.commands._common import fail, settings_of


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    ctx: typer.Context,
    customers: Annotated[int, typer.Option(help="Customers in the demo operator.")] = 50_000,
    weeks: Annotated[int, typer.Option(help="ISO weeks of history, ending at --end-week.")] = 16,
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed writes the same files.")
    ] = 7,
    end_week: Annotated[
        str, typer.Option(help="Last generated ISO week (fixed, never today).")
    ] = "2026-W27",
    out: Annotated[Path, typer.Option(help="Folder for the generated exports.")] = Path("demo"),
    checks: Annotated[
        bool, typer.Option(help="Run the data-quality suites during the load.")
    ] = True,
    as_platform: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional here
        typer.Option(
            "--as",
            help="Write the entities a platform holds in its export format and load them "
            "through its source pack: amazon-connect, genesys, servicenow, salesforce-fs.",
        ),
    ] = None,
) -> None:
    """Write a synthetic operator's exports (docs/demo.md), load them into the warehouse and build.

    The exports include a French-Excel appointments CSV loaded with etl/mappings/demo_fr_excel.yaml
    and a dozen deliberately broken rows, so `ecoute quarantine` has something to show.
    """
    from ecoute import jobs
    from ecoute.cli.progress import Progress
    from ecoute.demo import generate
    from ecoute.etl.mapping import MappingError
    from ecoute.etl.pipeline import LoadError

    settings = settings_of(ctx)
    progress = Progress(settings.etl["progress"])
    progress.line(f"generating {customers:,} customers over {weeks:,} weeks into {out}…")
    try:
        summary = generate(out, customers=customers, weeks=weeks, seed=seed, end_week=end_week)
    except ValueError as exc:
        fail(str(exc), 2)
    typer.echo(f"generated {summary.first_week}..{summary.end_week} for {customers:,} customers "
               f"in {summary.seconds:.1f}s → {out}")  # fmt: skip
    mapping = summary.mapping
    if as_platform:
        from ecoute.demo.as_platform import write_as

        try:
            mapping = write_as(out, as_platform, summary.mapping)
        except ValueError as exc:
            fail(str(exc), 2)
        typer.echo(f"rewritten as {as_platform} exports; loading them through their source packs")
    try:
        with progress:
            result = jobs.load(settings, out, mapping, checks=checks, force=True,
                               progress=progress)  # fmt: skip
    except (LoadError, MappingError) as exc:
        fail(f"load failed, warehouse unchanged: {exc}")
    typer.echo(_report(summary, result, settings.warehouse, mapping))


def _report(summary, result, warehouse: Path, mapping: Path) -> str:  # noqa: ANN001 - lazy imports
    lines = ["", "rows written / loaded / quarantined:"]
    by_entity: dict[str, list[int]] = {}
    for f in result.files:
        acc = by_entity.setdefault(f.entity, [0, 0, 0])
        acc[0], acc[1], acc[2] = acc[0] + f.read, acc[1] + f.loaded, acc[2] + f.quarantined
    for entity, written in summary.rows.items():
        read, loaded, quarantined = by_entity.get(entity, [0, 0, 0])
        lines.append(f"  {entity:<14}{written:>11,}{loaded:>11,}{quarantined:>6,}")
    expected, got = summary.corrupted_total, result.total("quarantined")
    verdict = "as planted" if expected == got else f"EXPECTED {expected} (deliberately broken rows)"
    lines += [
        f"quarantined: {got} rows, {verdict}; exact re-deliveries ignored: {result.total('duplicate')}"
        + (f"; older versions superseded: {result.total('superseded'):,}"
           if result.total("superseded") else ""),
        f"customers who churned in the window: {summary.churned:,}",
        "outages: " + "; ".join(f"{o['outage_id']} {o['region']} from {o['started_at']}"
                               for o in summary.outages[:3]) + ("; …" if len(summary.outages) > 3 else ""),
        "",
        f"exports:    {summary.out_dir.resolve()}",
        f"warehouse:  {Path(warehouse).resolve()} (load {result.load_id})",
        f"mapping:    {mapping}",
        "next:       ecoute quarantine --load "
        f"{result.load_id}   ·   what was planted: docs/demo.md",
    ]  # fmt: skip
    return "\n".join(lines)

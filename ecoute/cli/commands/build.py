"""``ecoute build``: rebuild the warehouse models from what is loaded."""

from __future__ import annotations

from typing import Annotated

import typer

from ecoute.cli.commands._common import settings_of


def register(app: typer.Typer) -> None:
    app.command("build")(build)


def build(
    ctx: typer.Context,
    atomic: Annotated[
        bool,
        typer.Option(
            help="One transaction: readers see the old models or the new, never a mix. "
            "--no-atomic commits model by model, for histories whose rebuild does not fit "
            "in memory as one transaction (about 10 million calls at the default caps)."
        ),
    ] = True,
    incremental: Annotated[
        bool,
        typer.Option(
            help="Rebuild only what the loads since the last build changed (as a load does; "
            "docs/incremental.md); falls back to a full build when that is unsafe. With "
            "--no-atomic, the per-customer part still commits as one transaction."
        ),
    ] = False,
) -> None:
    """Rebuild staging views, facts and marts in full (a load rebuilds incrementally itself
    unless --no-build). With [engine] name = "spark", on Spark over the lake (docs/spark.md).
    Each model is listed on stderr as it is built, on a terminal ([etl] progress)."""
    from ecoute import jobs
    from ecoute.cli.progress import Progress

    settings = settings_of(ctx)
    with Progress(settings.etl["progress"]) as progress:
        progress.line("building models…")
        built = jobs.build(settings, incremental=incremental, atomic=atomic, progress=progress)
    if built.engine == "spark":
        typer.echo(f"built {len(built.models):,} models on Spark in {built.where}")
    else:
        typer.echo(f"built {len(built.models):,} models in {built.where}: {built.how}")

"""``ecoute build``: rebuild the warehouse models from what is loaded."""

from __future__ import annotations

from typing import Annotated

import typer

from ecoute.commands._common import settings_of


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
    unless --no-build)."""
    from ecoute.db import connect
    from warehouse.build import build_all
    from warehouse.incremental import last_build

    settings = settings_of(ctx)
    con = connect(settings)
    if atomic:
        con.begin()
    built = build_all(con, settings, incremental=incremental, atomic=atomic)
    if atomic:
        con.commit()
    typer.echo(f"built {len(built)} models in {settings.warehouse}: {last_build(con)}")

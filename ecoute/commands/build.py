"""``ecoute build``: rebuild the warehouse models from what is loaded."""

from __future__ import annotations

import typer

from ecoute.commands._common import settings_of


def register(app: typer.Typer) -> None:
    app.command("build")(build)


def build(ctx: typer.Context) -> None:
    """Rebuild staging views, facts and marts (a load does this itself unless --no-build)."""
    from ecoute.db import connect
    from warehouse.build import build_all

    settings = settings_of(ctx)
    con = connect(settings)
    con.begin()
    built = build_all(con, settings)
    con.commit()
    typer.echo(f"built {len(built)} models in {settings.warehouse}")

"""``ecoute dashboard``: the executive dashboard (Dash, read-only over the marts), or a static
HTML snapshot of its landing page with ``--export``. See docs/dashboard.md."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ecoute.cli.commands._common import fail, settings_of


def register(app: typer.Typer) -> None:
    app.command("dashboard")(dashboard)


def dashboard(
    ctx: typer.Context,
    host: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional here
        typer.Option(metavar="HOST", help="Address to bind ([dashboard] host, default 127.0.0.1)."),
    ] = None,
    port: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(metavar="PORT", help="Port ([dashboard] port, default 8050)."),
    ] = None,
    export: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--export",
            metavar="FILE",
            help="Write a self-contained HTML snapshot of the landing page and exit.",
        ),
    ] = None,
    hash_password: Annotated[
        bool,
        typer.Option(
            "--hash-password", help="Prompt for a password, print its hash for [dashboard.users]."
        ),
    ] = False,
    lang: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional here
        typer.Option("--lang", metavar="LANG", help="en, fr or nl (default: [report] language)."),
    ] = None,
) -> None:
    """Serve the executive dashboard over the warehouse, opened read-only per request (loads can
    run meanwhile). Bound to 127.0.0.1 unless told otherwise; bound elsewhere it needs
    authentication configured ([dashboard] users or proxy_user_header)."""
    if hash_password:
        from ecoute.reports.dashboard.access import hash_password as make_hash

        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
        typer.echo(make_hash(password))
        return
    from ecoute.reports.dashboard.access import Access, AccessError
    from ecoute.reports.dashboard.data import WarehouseBusy
    from ecoute.reports.i18n import LanguageError, language_of
    from ecoute.warehouse.connection import WarehouseMissing

    settings = settings_of(ctx)
    try:
        language = language_of(settings, lang)
    except LanguageError as exc:
        fail(str(exc), 2)
    section = settings.section("dashboard")
    if export is not None:
        from ecoute.reports.dashboard.export import export as write_export

        if export.is_dir():
            fail(f"--export names a file to write, and {export} is a folder", 2)
        if not export.parent.is_dir():
            fail(f"--export: no folder {export.parent} to write {export.name} in", 2)

        try:
            path = write_export(settings, export, language)
        except (WarehouseMissing, WarehouseBusy) as exc:
            fail(str(exc))
        typer.echo(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, self-contained)")
        return
    host = host or str(section["host"])
    port = port or int(section["port"])
    try:
        Access.from_settings(section).check_bind(host)
    except AccessError as exc:
        fail(str(exc), 2)
    import duckdb

    from ecoute.reports.dashboard.app import create_app, serve

    try:
        app = create_app(settings, language=language)
    except (WarehouseMissing, WarehouseBusy) as exc:
        fail(str(exc))
    except duckdb.CatalogException:
        fail("the metric marts are missing: run `ecoute build` first")
    mode = Access.from_settings(section).mode
    views = "on" if section["customer_views"] else "off (aggregates only)"
    typer.echo(
        f"Écoute dashboard on http://{host}:{port}/ · warehouse {settings.warehouse} (read-only) "
        f"· auth {mode} · customer views {views} · Ctrl+C to stop",
        err=True,
    )
    serve(app, host, port)  # waitress, not Flask's development server

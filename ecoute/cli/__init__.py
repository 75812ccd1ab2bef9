"""The ``ecoute`` command line.

Each command lives in ``ecoute/cli/commands/<name>.py`` with a ``register(app)`` function; this
module only builds the settings and adds the commands. Command modules import heavy libraries
(duckdb, polars, GX, plotly) inside their functions, so ``ecoute --help`` stays fast.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ecoute.core.settings import load_settings

# One entry per command module, in the order --help lists them. A module not written yet is skipped.
COMMAND_MODULES = (
    "load",
    "build",
    "check",
    "quarantine",
    "loads",
    "metrics",
    "customer",
    "worst",
    "messages",
    "alerts",
    "report",
    "schedule",
    "dashboard",
    "risk",
    "compensation",
    "demo",
    "export",
)

app = typer.Typer(
    rich_markup_mode=None,  # help is plain text: brackets are data, never markup
    name="ecoute",
    help="Écoute: hear what customer service does to people. Load exports, measure, report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(
    ctx: typer.Context,
    warehouse: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional here
        typer.Option(
            help="Warehouse file (env ECOUTE_WAREHOUSE; default warehouse/ecoute.duckdb)."
        ),
    ] = None,
    config: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            help="Configuration TOML (env ECOUTE_CONFIG; default ./ecoute.toml if present)."
        ),
    ] = None,
) -> None:
    """Écoute: hear what customer service does to people."""
    try:
        ctx.obj = load_settings(config=config, warehouse=warehouse, environ=os.environ)
    except (FileNotFoundError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc


def _register_all() -> None:
    for name in COMMAND_MODULES:
        module_name = f"ecoute.cli.commands.{name}"
        if importlib.util.find_spec(module_name) is None:
            continue
        importlib.import_module(module_name).register(app)
    _wrap_commands(app)


def _wrap_commands(typer_app: typer.Typer) -> None:
    for info in typer_app.registered_commands:
        info.callback = _busy_is_one_line(info.callback)
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _wrap_commands(group.typer_instance)


def _busy_is_one_line(command):  # noqa: ANN001, ANN202 - wraps any command callback
    """A warehouse another process held longer than this command would wait ends the command
    with one line on stderr and exit status 1, never a traceback, whichever command it was."""

    @functools.wraps(command)
    def run(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        try:
            return command(*args, **kwargs)
        except RuntimeError as exc:
            db = sys.modules.get(
                "ecoute.core.db"
            )  # not imported: the error cannot be WarehouseBusy
            if db is None or not isinstance(exc, db.WarehouseBusy):
                raise
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None

    return run


_register_all()

if __name__ == "__main__":
    app()

"""The ``ecoute`` command line.

Each command lives in ``ecoute/cli/commands/<name>.py`` with a ``register(app)`` function; this
module only builds the settings and adds the commands. Command modules import heavy libraries
(duckdb, polars, GX, plotly) inside their functions, so ``ecoute --help`` stays fast.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import importlib
import importlib.util
import os
import re
import sys
from pathlib import Path
from typing import Annotated, Optional

import click
import typer
import typer._coercion

from ecoute.cli.errors import one_line
from ecoute.core.settings import load_settings

# One entry per command module, in the order --help lists them. A module not written yet is skipped.
COMMAND_MODULES = (
    "load",
    "sources",
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
    "status",
)

# The one line `ecoute --help` lists per command: a sentence of its own, never cut mid-way.
SHORT_HELP = {
    "load": "Load a folder of exports into the warehouse.",
    "sources": "The platforms' exports `load --source` reads.",
    "build": "Rebuild the warehouse models from what is loaded.",
    "check": "The data-quality verdicts, or a fresh run (--run).",
    "quarantine": "List the rows a load set aside, and why.",
    "loads": "The load history, per load or per file.",
    "metrics": "A week's metrics beside the previous week's.",
    "customer": "One customer's journey, event by event.",
    "worst": "The customers whose week went worst, and why.",
    "messages": "A week's messages and the intents read in them.",
    "alerts": "The alerts a week fires (exit 1 when one does).",
    "schedule": "Run the weekly jobs on their schedule, or once.",
    "dashboard": "Serve the executive dashboard, or export it.",
    "compensation": "What the operator owes, per incident and customer.",
    "demo": "Generate a demo operator, load it and build.",
    "status": "What the warehouse holds, and how fresh it is.",
    "report": "Reports managers read.",
    "risk": "Churn risk per customer: score, band, reasons.",
    "export": "Write the warehouse out for other engines.",
    "weekly": "Write the week's report (HTML, PDF), e-mail it.",
    "lake": "The warehouse as Parquet, for Spark and others.",
    "train": "Learn churn from the customers who left.",
}


class _WholeWords(typer.Context.formatter_class):  # typer's own (vendored) click formatter
    """click's help, its words kept whole: click also wraps at hyphens ("YYYY-MM-" / "DD",
    "amazon-" / "connect", "[default: no-" / "marts]"). While lines are wrapped each hyphen is a
    non-breaking one (U+2011, same width), a plain one again in the text written."""

    def write_text(self, text: str) -> None:
        super().write_text(text.replace("-", _NB_HYPHEN))

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:  # noqa: ANN001
        rows = [(a.replace("-", _NB_HYPHEN), b.replace("-", _NB_HYPHEN)) for a, b in rows]
        super().write_dl(rows, col_max, col_spacing)

    def getvalue(self) -> str:
        return super().getvalue().replace(_NB_HYPHEN, "-")


_NB_HYPHEN = "\u2011"


class _Context(typer.Context):
    formatter_class = _WholeWords


class _Command(typer.core.TyperCommand):
    context_class = _Context

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        _plain_coercion(self.get_params(ctx))
        return super().parse_args(ctx, args)


class _Group(typer.core.TyperGroup):
    context_class = _Context

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        _plain_coercion(self.get_params(ctx))
        return super().parse_args(ctx, args)


_SLOW = object()


@dataclasses.dataclass(frozen=True)
class _Plain(typer._coercion.RuntimeParam):
    """typer coerces every value through a pydantic TypeAdapter: importing pydantic and
    building the adapters is ~0.15 s of each read. A plain text, a plain whole number within
    its bounds or a plain path is taken here as that adapter would; anything else (a bad value
    whose error message is typer's, an unusual type) goes to typer's own coercion."""

    descriptor: typer._coercion.TypeDescriptor

    def _coerce_value(self, value, param, ctx):  # noqa: ANN001, ANN202 - typer's signature
        plain = _SLOW
        if self.descriptor.file_annotation is None:
            plain = _plain_value(self.annotation, self.parameter_info, value, param, ctx)
        if plain is not _SLOW:
            return plain
        return typer._coercion.build_runtime_param(self.descriptor)._coerce_value(
            value, param=param, ctx=ctx
        )


def _plain_coercion(params: list[click.Parameter]) -> None:
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "_runtime_param", False) is not None:
            continue  # not a typer parameter, or its coercion is already chosen
        # typer builds a parameter's coercion even when its value is missing: any kind here
        param._runtime_param = _Plain(descriptor.parameter_info, descriptor.annotation,
                                      descriptor)  # fmt: skip


def _plain_value(kind, info, value, param, ctx):  # noqa: ANN001, ANN202
    """`value` coerced as typer would, or _SLOW to let typer do it."""
    if info.parser is not None:
        return _SLOW
    if kind is bool and isinstance(value, bool):
        return value
    if kind is int and not info.clamp and type(value) is int:  # a default
        return _within(value, info)
    if not isinstance(value, str):
        return _SLOW
    if kind is str:
        return value
    if kind is int and not info.clamp and _WHOLE.fullmatch(value):
        return _within(int(value), info)
    if kind is Path and value and info.path_type is None:
        from typer._param_types import coerce_cli_path  # typer's own checks, on a ready Path

        return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
    return _SLOW


def _within(number: int, info):  # noqa: ANN001, ANN202
    """The number, or _SLOW when out of bounds: typer says so, in its words."""
    low_ok = info.min is None or number >= info.min
    return number if low_ok and (info.max is None or number <= info.max) else _SLOW


_WHOLE = re.compile(r"0|[1-9][0-9]*")


app = typer.Typer(
    cls=_Group,
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
            metavar="FILE",
            help="Warehouse file (env ECOUTE_WAREHOUSE; default warehouse/ecoute.duckdb).",
        ),
    ] = None,
    config: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            metavar="FILE",
            help="Configuration TOML (env ECOUTE_CONFIG; default ./ecoute.toml if present).",
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback of any error.")
    ] = False,
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
        name = info.name or getattr(info.callback, "__name__", "")
        info.short_help = info.short_help or SHORT_HELP.get(name)
        if info.cls in (None, typer.core.TyperCommand):  # typer fills in its default
            info.cls = _Command
        _name_placeholders(info.callback)
        info.callback = _busy_is_one_line(info.callback)
    if typer_app.registered_callback is not None:
        _name_placeholders(typer_app.registered_callback.callback)
    for group in typer_app.registered_groups:
        group.short_help = group.short_help or SHORT_HELP.get(group.name or "")
        group.cls = _Group
        if group.typer_instance is not None:
            _wrap_commands(group.typer_instance)


def _name_placeholders(command) -> None:  # noqa: ANN001 - any command callback
    """Help shows ``--week WEEK``, not typer's ``<str>`` or ``{week}``: a value's placeholder is
    its option's (or argument's) name in capitals, unless the command chose one."""
    import typing

    from typer.models import ParameterInfo

    if command is None:
        return
    # The modules' annotations are strings, evaluated afresh on every read: keep one evaluation
    # on the function, so the placeholders set here are the ones typer reads.
    hints = typing.get_type_hints(command, include_extras=True)
    command.__annotations__ = hints
    for name, hint in hints.items():
        if typing.get_origin(hint) is not typing.Annotated:
            continue
        kind, *metadata = typing.get_args(hint)
        if kind is bool:
            continue
        for info in metadata:
            if isinstance(info, ParameterInfo) and info.metavar is None:
                longs = [d for d in (info.param_decls or ()) if d.startswith("--")]
                label = longs[0][2:] if longs else name
                info.metavar = label.replace("-", "_").upper()


def _busy_is_one_line(command):  # noqa: ANN001, ANN202 - wraps any command callback
    """Whatever a command raises ends it with one line on stderr, never a traceback: an expected
    error (a busy or missing warehouse, a bad file or setting) with its reason, anything else as
    a bug to report. ``ecoute --debug`` re-raises instead, traceback and all."""

    @functools.wraps(command)
    def run(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, click.exceptions.ClickException, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            _quiet_stdout()  # the reader (head, less) has gone: not an error of ours
            raise typer.Exit(0) from None
        except Exception as exc:
            if _debug():
                raise
            message, code = one_line(exc)
            typer.echo(f"error: {message}", err=True)
            raise typer.Exit(code) from None

    return run


def _quiet_stdout() -> None:
    with contextlib.suppress(OSError, ValueError, AttributeError):  # no file descriptor (tests)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _debug() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().params.get("debug"))


_register_all()

if __name__ == "__main__":
    app()

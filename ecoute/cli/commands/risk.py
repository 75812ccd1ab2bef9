"""``ecoute risk``: who is about to leave, and why; ``ecoute risk train``: learn it from churn."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from ecoute.cli.commands._common import fail, row_limit, settings_of
from ecoute.cli.output import FORMAT_HELP, check_format

if TYPE_CHECKING:
    from ecoute.reports.i18n import Lang

risk_app = typer.Typer(
    rich_markup_mode=None,  # help is plain text: brackets are data, never markup
    help="Churn risk per customer: score in [0, 1], band and reasons (docs/churn.md).",
    invoke_without_command=True,
    no_args_is_help=False,
)


def register(app: typer.Typer) -> None:
    app.add_typer(risk_app, name="risk")


def _as_of(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"--as-of must be a date like 2026-07-06, got {value!r}", 2)


@risk_app.callback()
def risk(
    ctx: typer.Context,
    as_of: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional here
        typer.Option(
            metavar="DATE",
            help="Cut-off date (default: the configured as_of, else the build's cut-off: "
            "by default the Monday starting the data's current ISO week).",
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option(metavar="N", help="Show the N riskiest customers (0 = all).", min=0)
    ] = 20,
    top: Annotated[Optional[int], typer.Option(hidden=True)] = None,  # noqa: UP045 - old name
    fmt: Annotated[str, typer.Option("--format", metavar="FORMAT", help=FORMAT_HELP)] = "table",
    store: Annotated[
        bool,
        typer.Option(
            "--store/--no-store",
            help="Score the cut-off now and write it to marts.rpt_customers__risk (default: "
            "read the scores the build keeps; a cut-off it has not scored is scored into a "
            "temporary table).",
        ),
    ] = False,
    lang: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional here
        typer.Option("--lang", metavar="LANG", help="en, fr or nl (default: [report] language)."),
    ] = None,
) -> None:
    """List the riskiest customers at the cut-off with their reasons (rules, or the trained
    model when mode = "learned" in the risk settings), as the build scored them."""
    if ctx.invoked_subcommand is not None:
        return
    import json

    import duckdb

    from ecoute.reports.i18n import LanguageError, words_for
    from ecoute.warehouse.connection import WarehouseMissing, connect
    from ecoute.warehouse.python.risk_read import band_counts, scores_for_reading, top_records

    check_format(fmt)
    top = row_limit(limit, top)
    settings = settings_of(ctx)
    cutoff = _as_of(as_of)
    try:
        words = words_for(settings, lang)
    except LanguageError as exc:
        fail(str(exc), 2)
    try:
        con = connect(settings, read_only=not store)
    except WarehouseMissing as exc:
        fail(str(exc))
    try:
        run = _store(con, settings, cutoff) if store else scores_for_reading(con, settings, cutoff)
        records = top_records(con, run, top)
        counts = band_counts(con, run)
    except duckdb.CatalogException as exc:
        fail(f"the warehouse is not built ({exc.args[0].splitlines()[0]}): run `ecoute build`")
    except ValueError as exc:
        fail(str(exc), 2)
    finally:
        con.close()
    for r in records:  # the stored reasons are codes and values: said in the chosen language
        r["reason_codes"], r["reasons"] = r["reasons"], words.reasons(r["reasons"])
    day = records[0]["as_of"] if records else (cutoff.isoformat() if cutoff else None)
    mode = records[0]["mode"] if records else None
    if fmt == "json":
        customers = [
            {k: r[k] for k in ("customer_id", "score", "band", "reasons", "reason_codes")}
            for r in records
        ]
        payload = {"as_of": day, "mode": mode, "customers": customers}
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["customer_id", "score", "band", "reasons"])
        for r in records:
            writer.writerow(
                [r["customer_id"], f"{r['score']:.4f}", r["band"], "; ".join(r["reasons"])]
            )
        typer.echo(out.getvalue(), nl=False)
    else:
        _table(records, day, mode, counts, words)


def _store(con, settings, cutoff):  # noqa: ANN001, ANN202
    """--store: score the cut-off now into the mart, one transaction (a run failing half-way
    leaves that cut-off's stored scores as they were)."""
    from ecoute.risk.config import risk_config
    from ecoute.warehouse.python.risk import score_in_batches
    from ecoute.warehouse.python.risk_features import materialize_features
    from ecoute.warehouse.python.risk_read import ScoreRun

    features = materialize_features(con, settings, cutoff or risk_config(settings).as_of)
    con.begin()
    scored = score_in_batches(con, settings, features, store=True)
    con.commit()
    return ScoreRun(scored.table, scored.as_of, True)


def _table(records: list[dict], day: str | None, mode: str | None, counts: dict[str, int],
           L: Lang) -> None:  # fmt: skip
    if not records:
        typer.echo(L.t("cli.risk_none"))
        return
    typer.echo(L.t(
        "cli.risk_title", as_of=day or "–",  # ISO, as --as-of takes it
        mode=L.opt(f"risk.mode_{mode}", str(mode)), customers=L.num(sum(counts.values())),
        **{band: L.num(counts.get(band, 0)) for band in ("high", "medium", "low")},
    ) + "\n")  # fmt: skip
    from ecoute.cli.output import table

    header = [L.t(f"cli.col_{c}") for c in ("customer_id", "score", "band", "reasons")]
    body = [[r["customer_id"], L.num(r["score"], 3), L.opt(f"band.{r['band']}", r["band"]),
             "; ".join(r["reasons"])] for r in records]  # fmt: skip
    table(header, body, numeric=[False, True, False, False])


@risk_app.command("train")
def train(
    ctx: typer.Context,
    as_of: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            metavar="DATE",
            help="Train with what was known on this date (default: the build's cut-off).",
        ),
    ] = None,
) -> None:
    """Learn churn from customers.churned_at: a calibrated model, evaluated on held-out
    customers against the rules, saved next to the warehouse (docs/churn.md)."""
    from ecoute.jobs.risk_training import train as run_training
    from ecoute.warehouse.connection import WarehouseMissing, connect

    settings = settings_of(ctx)
    cutoff = _as_of(as_of)
    try:
        con = connect(settings)
    except WarehouseMissing as exc:
        fail(str(exc))
    try:
        result = run_training(con, settings, cutoff)
    except ValueError as exc:
        fail(str(exc))
    finally:
        con.close()
    learned, rules = result.results["learned"], result.results["rules"]
    cuts = ", ".join(c.isoformat() for c in result.train_cutoffs)
    typer.echo(
        f"split: {result.split}; test cut-off {result.test_cutoff}"
        + (f"; training cut-offs {cuts}" if cuts else "")
        + f"; {result.n_train:,} training rows, {learned['n_test']:,} held out "
        f"({learned['positives_test']:,} left)"
    )
    rows = [
        ("ROC AUC", "roc_auc", "{:.3f}"),
        ("average precision", "average_precision", "{:.3f}"),
        ("Brier score", "brier", "{:.4f}"),
        (f"precision in top {learned['capacity_n']}", "precision_at_capacity", "{:.1%}"),
        (f"recall in top {learned['capacity_n']}", "recall_at_capacity", "{:.1%}"),
        ("value at capacity (EUR)", "value_eur", "{:,.0f}"),
        ("most valuable list length", "best_list_n", "{:,}"),
        ("its value (EUR)", "best_list_value_eur", "{:,.0f}"),
    ]
    typer.echo(f"{'':<26}{'learned':>10}{'rules':>10}")
    for label, key, pattern in rows:
        cells = ["" if r[key] is None else pattern.format(r[key]) for r in (learned, rules)]
        typer.echo(f"{label:<26}{cells[0]:>10}{cells[1]:>10}")
    typer.echo(f"held-out ROC AUC (learned): {learned['roc_auc']:.3f}")
    typer.echo(f"model:      {result.model_path}")
    typer.echo(
        f"evaluation: {result.report_path} · marts.rpt_risk__evaluation, rpt_risk__calibration"
    )

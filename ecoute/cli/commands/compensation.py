"""``ecoute compensation``: what the operator owes, per customer and incident, with its trace."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ecoute.cli.commands._common import fail, settings_of

COLUMNS = (
    "customer_id",
    "incident_id",
    "incident_kind",
    "pack",
    "rule",
    "accrued_date",
    "amount",
    "currency",
    "paid_amount",
    "outstanding_amount",
    "trace",
)

UNKNOWN = "unknown (no payments loaded)"


def register(app: typer.Typer) -> None:
    app.command("compensation")(compensation)


def compensation(
    ctx: typer.Context,
    week: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional here
        typer.Option(help="ISO week, e.g. 2026-W14 (by the date the amount became due)."),
    ] = None,
    customer: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="One customer id."),
    ] = None,
    pack: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="One rule pack (computed now, as of the data's end, if not built)."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
) -> None:
    """Per customer and incident: the amount owed, its currency and the trace (which rule,
    which events, which days), from core.fct_compensation (docs/compensation.md)."""
    import json

    import duckdb

    from ecoute.compensation import PackError
    from ecoute.warehouse.connection import WarehouseMissing, connect
    from ecoute.warehouse.python.compensation import owed_table

    if week and customer:
        fail("give --week or --customer, not both", 2)
    if fmt not in ("table", "json", "csv"):
        fail(f"--format must be table, json or csv, got {fmt!r}", 2)
    settings = settings_of(ctx)
    try:
        con = connect(settings, read_only=pack is None)
    except WarehouseMissing as exc:
        fail(str(exc))
    try:
        if pack is not None and not _has_pack(con, pack):
            _build_pack(con, pack, settings)
        rows = owed_table(con, week, customer, pack=pack)
    except duckdb.CatalogException:
        fail("core.fct_compensation is missing: run `ecoute build` (or pass --pack NAME)")
    except (PackError, ValueError, FileNotFoundError) as exc:
        fail(str(exc), 2)
    finally:
        con.close()
    if fmt == "json":
        records = [
            {**{c: r[c] for c in COLUMNS}, "trace_data": json.loads(r["trace_json"] or "null")}
            for r in rows.to_dicts()
        ]
        typer.echo(json.dumps(records, indent=2, ensure_ascii=False, default=str))
        return
    frame = rows.select(COLUMNS)
    if fmt == "csv":
        typer.echo(frame.write_csv(), nl=False)
        return
    _table(frame, week, customer, pack)


def _table(frame, week: str | None, customer: str | None, pack: str | None) -> None:  # noqa: ANN001
    import polars as pl

    from ecoute.cli.output import emit

    scope = " · ".join(
        p for p in (f"week {week}" if week else "", f"customer {customer}" if customer else "",
                    f"pack {pack}" if pack else "") if p
    )  # fmt: skip
    if frame.height == 0:
        typer.echo(f"Nothing owed{' for ' + scope if scope else ''}.")
        return
    # An empty payment column means no payments were loaded: unknown, never 0.00.
    shown = frame.with_columns(
        pl.col(c).cast(pl.String).fill_null("unknown")
        for c in ("paid_amount", "outstanding_amount")
    )
    emit(shown, "table", title=f"Compensation owed{' — ' + scope if scope else ''}")
    totals = frame.group_by("currency").agg(
        amount=pl.col("amount").sum(),
        customers=pl.col("customer_id").n_unique(),
        outstanding=pl.col("outstanding_amount").sum(),
        known=pl.col("outstanding_amount").is_not_null().all(),
    )
    for row in totals.sort("currency").iter_rows(named=True):
        n = row["customers"]
        typer.echo(f"total {row['currency']} {row['amount']} owed to {n} customer{'s' * (n != 1)}")
        outstanding = f"{row['currency']} {row['outstanding']}" if row["known"] else UNKNOWN
        typer.echo(f"still outstanding: {outstanding}")


def _has_pack(con, pack: str) -> bool:  # noqa: ANN001
    try:
        return con.execute(
            "select count(*) > 0 from core.fct_compensation where pack = ?", [pack]
        ).fetchone()[0]
    except Exception:  # noqa: BLE001 - no table yet: the pack is not built
        return False


def _build_pack(con, pack: str, settings) -> None:  # noqa: ANN001
    """Compute one pack into core.fct_compensation, as of the data's horizon (never the clock)."""
    from ecoute.warehouse.python.compensation import build_compensation

    horizon = con.execute("select horizon_at from intermediate.int_data__horizon").fetchone()
    tz = settings.section("compensation")["timezone"] or settings.metrics["timezone"]
    build_compensation(con, pack, tz, as_of=horizon[0] if horizon else None)

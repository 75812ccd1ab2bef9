"""``generate``: write a synthetic operator's exports, week by week, into a folder.

Memory stays bounded: calls are simulated and written one ISO week at a time (calls that spill
into the next week are carried over), tickets are appended to one Parquet file as row groups,
appointments, messages and notifications are appended to their files. The same seed gives the
same files byte for byte.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa

from ecoute.demo import writers as WR
from ecoute.demo.clock import Clock
from ecoute.demo.simulate import Frame, World, concat, size, take

FILES = ("customers.csv", "tickets.parquet", "appointments.csv", "messages.jsonl", "outages.csv",
         "notifications.csv")  # fmt: skip


@dataclass
class GenerationSummary:
    """What was written: rows per entity (as written, corrupted rows included), the rows
    deliberately corrupted to show the quarantine, exact re-deliveries, and the planted outages."""

    out_dir: Path
    seed: int
    customers: int
    weeks: int
    first_week: str
    end_week: str
    rows: dict[str, int] = field(default_factory=dict)
    corrupted: dict[str, int] = field(default_factory=dict)
    corrupted_detail: list[str] = field(default_factory=list)
    duplicates: dict[str, int] = field(default_factory=dict)
    outages: list[dict[str, object]] = field(default_factory=list)
    churned: int = 0
    seconds: float = 0.0

    @property
    def corrupted_total(self) -> int:
        return sum(self.corrupted.values())

    @property
    def mapping(self) -> Path:
        """The mapping the French-Excel appointments export needs."""
        import ecoute.etl as etl
        return Path(etl.__file__).parent / "mappings" / "demo_fr_excel.yaml"


def _first_monday(end_week: str, weeks: int) -> dt.date:
    m = re.fullmatch(r"(\d{4})-W(\d{2})", end_week.strip())
    if not m:
        raise ValueError(f"end_week must look like 2026-W27, got {end_week!r}")
    last = dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    return last - dt.timedelta(weeks=weeks - 1)


def _label(monday: dt.date) -> str:
    y, w, _ = monday.isocalendar()
    return f"{y}-W{w:02d}"


def generate(
    out_dir: Path,
    customers: int = 50_000,
    weeks: int = 16,
    seed: int = 7,
    end_week: str = "2026-W27",
) -> GenerationSummary:
    """Write the demo operator's exports into ``out_dir`` (see docs/demo.md) and say what was written."""
    if customers < 100 or weeks < 1:
        raise ValueError("the demo needs at least 100 customers and 1 week")
    t_start = time.perf_counter()
    out_dir = Path(out_dir)
    _clear(out_dir)
    first = _first_monday(end_week, weeks)
    clock = Clock(first, weeks)
    world = World(customers, weeks, clock, seed)
    s = GenerationSummary(out_dir, seed, customers, weeks, _label(first), end_week)
    s.rows = dict.fromkeys(("customers", "calls", "tickets", "appointments", "messages", "outages",
                            "notifications"), 0)  # fmt: skip
    tickets = WR.ParquetAppender(out_dir / "tickets.parquet", WR.TICKET_SCHEMA)
    appt_file = (out_dir / "appointments.csv").open("wb")
    msg_file = (out_dir / "messages.jsonl").open("wb")
    notes: list[Frame] = [world.outage_notifications()]
    carry: Frame = {}
    previous_calls: pl.DataFrame | None = None
    corrupt_week = weeks // 2
    try:
        for w in range(weeks):
            out = world.week(w)
            legs = concat([carry, out.calls])
            boundary = clock.week_start(w + 1)
            now = legs["started"] < boundary
            carry = take(legs, np.flatnonzero(~now)) if w < weeks - 1 else {}
            week_legs = take(legs, np.flatnonzero(now))
            order = np.lexsort((week_legs["call_no"], week_legs["started"]))
            fmt = (
                WR.TS_NAIVE if w < weeks // 2 else WR.TS_OFFSET
            )  # the platform migrated mid-window
            df = WR.calls_frame(take(week_legs, order), world.pool, fmt)
            if w == corrupt_week:
                df = _corrupt_calls(df, previous_calls, s)
            WR.write_csv_gz(
                df, out_dir / "calls" / f"{_label(first + dt.timedelta(weeks=w))}.csv.gz"
            )
            s.rows["calls"] += df.height
            previous_calls = df
            table = WR.tickets_table(out.tickets, clock.cutoff)
            if w == corrupt_week:
                table = _corrupt_tickets(table, s)
            tickets.write(table)
            if size(out.appointments):
                adf = WR.appointments_frame(out.appointments, clock.cutoff)
                if w == corrupt_week:
                    adf = _corrupt_appointments(adf, s)
                appt_file.write(WR.excel_csv_bytes(adf, header=w == 0 or appt_file.tell() == 0))
                s.rows["appointments"] += adf.height
            if size(out.complaints):
                rng = np.random.default_rng([seed, w + 1, 9])
                lang = world.customers["lang"][out.complaints["cust"]]
                mdf = WR.messages_frame(
                    rng, out.complaints, lang, s.rows["messages"] + 1, clock.cutoff
                )
                msg_file.write(WR.jsonl_bytes(mdf))
                s.rows["messages"] += mdf.height
                if w == corrupt_week:
                    msg_file.write(_corrupt_messages(mdf, s))
                    s.rows["messages"] += 2
            if size(out.notifications):
                notes.append(out.notifications)
    finally:
        tickets.close()
        appt_file.close()
        msg_file.close()
    s.rows["tickets"] = tickets.rows
    _write_rest(world, clock, concat(notes), out_dir, s)
    s.seconds = round(time.perf_counter() - t_start, 2)
    return s


def _write_rest(
    world: World, clock: Clock, notes: Frame, out_dir: Path, s: GenerationSummary
) -> None:
    nf = WR.notifications_frame(notes, clock.cutoff)
    nf = _corrupt_notifications(nf, s)
    nf.write_csv(out_dir / "notifications.csv")
    s.rows["notifications"] = nf.height
    of = WR.outages_frame(world.outages, clock.cutoff)
    of.write_csv(out_dir / "outages.csv")
    s.rows["outages"] = of.height
    s.outages = of.to_dicts()
    cdf = WR.customers_frame(world.customers, world.churn_day, clock.start_local, clock.end_local)
    s.churned = int(cdf["churned_at"].is_not_null().sum())
    cdf = _corrupt_customers(cdf, s)
    cdf.write_csv(out_dir / "customers.csv")
    s.rows["customers"] = cdf.height


def _clear(out_dir: Path) -> None:
    """Remove what an earlier run wrote (only the demo's own files)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        (out_dir / name).unlink(missing_ok=True)
    calls = out_dir / "calls"
    if calls.is_dir():
        for p in calls.glob("*.csv.gz"):
            p.unlink()
    calls.mkdir(exist_ok=True)


# ---- the deliberately broken rows (docs/demo.md lists them) -----------------------------------
def _note(s: GenerationSummary, entity: str, what: str) -> None:
    s.corrupted[entity] = s.corrupted.get(entity, 0) + 1
    s.corrupted_detail.append(f"{entity}: {what}")


def _corrupt_calls(
    df: pl.DataFrame, previous: pl.DataFrame | None, s: GenerationSummary
) -> pl.DataFrame:
    base = df.filter(pl.col("answered_at").is_not_null()).head(3)
    ids = [f"CLX00000000{i}" for i in (1, 2, 3)]
    bad = base.with_columns(pl.Series("call_id", ids))
    bad = pl.concat([
        bad[0].with_columns(pl.col("started_at").alias("ended_at"), pl.col("ended_at").alias("started_at")),
        bad[1].with_columns(pl.lit("network").alias("disconnect_party")),
        bad[2].with_columns(pl.lit(None, pl.String).alias("started_at")),
    ])  # fmt: skip
    _note(s, "calls", f"{ids[0]}: ended_at before started_at")
    _note(s, "calls", f"{ids[1]}: disconnect_party 'network' is not an allowed value")
    _note(s, "calls", f"{ids[2]}: started_at empty (required)")
    parts = [df, bad]
    if previous is not None:  # at-least-once delivery: the tail of last week's export again
        again = previous.tail(20)
        s.duplicates["calls"] = again.height
        parts.append(again)
    return pl.concat(parts)


def _corrupt_tickets(table: pa.Table, s: GenerationSummary) -> pa.Table:
    df = pl.from_arrow(table)
    base = df.filter(pl.col("restored_at").is_not_null()).head(2)
    bad = pl.concat([
        base[0].with_columns(pl.lit("INCX0000001").alias("ticket_id"), pl.lit(None, pl.String).alias("customer_id")),
        base[1].with_columns(pl.lit("INCX0000002").alias("ticket_id"),
                             (pl.col("opened_at") - pl.duration(hours=30)).alias("restored_at")),
    ])  # fmt: skip
    _note(s, "tickets", "INCX0000001: customer_id empty (required)")
    _note(s, "tickets", "INCX0000002: restored_at before opened_at")
    return pl.concat([df, bad]).to_arrow().cast(table.schema)


def _corrupt_appointments(df: pl.DataFrame, s: GenerationSummary) -> pl.DataFrame:
    base = df.head(2)
    bad = pl.concat([
        base[0].with_columns(pl.lit("9000001").alias("N° RDV"), pl.lit("Reporté").alias("Statut")),
        base[1].with_columns(pl.lit("9000002").alias("N° RDV"), pl.lit("13:00").alias("Début"),
                             pl.lit("08:00").alias("Fin")),
    ])  # fmt: skip
    _note(s, "appointments", "RDV 9000001: Statut 'Reporté' has no mapping")
    _note(s, "appointments", "RDV 9000002: Fin (08:00) before Début (13:00)")
    return pl.concat([df, bad])


def _corrupt_messages(df: pl.DataFrame, s: GenerationSummary) -> bytes:
    row = df.head(1).with_columns(
        pl.lit("MSG-X000002").alias("message_id"), pl.lit("").alias("body")
    )
    _note(s, "messages", "line cut off mid-record (not a JSON object)")
    _note(s, "messages", "MSG-X000002: body empty (required)")
    truncated = '{"message_id": "MSG-X000001", "customer_id": "00000042", "received_at": "2026-0\n'
    return truncated.encode() + WR.jsonl_bytes(row)


def _corrupt_notifications(df: pl.DataFrame, s: GenerationSummary) -> pl.DataFrame:
    if not df.height:
        return df
    bad = df.head(1).with_columns(
        pl.lit("NX0000001").alias("notification_id"), pl.lit("push").alias("kind")
    )
    _note(s, "notifications", "NX0000001: kind 'push' is not an allowed value")
    return pl.concat([df, bad])


def _corrupt_customers(df: pl.DataFrame, s: GenerationSummary) -> pl.DataFrame:
    base = df.tail(2)
    bad = pl.concat([
        base[0].with_columns(pl.lit("99999991").alias("customer_id"), pl.lit("31/02/2019").alias("customer_since")),
        base[1].with_columns(pl.lit("99999992").alias("customer_id"), pl.lit("particulier").alias("segment")),
    ])  # fmt: skip
    _note(s, "customers", "99999991: customer_since '31/02/2019' is not a date")
    _note(s, "customers", "99999992: segment 'particulier' is not an allowed value")
    return pl.concat([df, bad])

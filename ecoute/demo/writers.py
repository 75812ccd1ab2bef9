"""Turn simulated arrays into export files the way real operator systems write them.

Each source has its own dialect, on purpose: the contact-centre platform writes weekly gzip CSV
(naive local time before its migration, ISO 8601 with offset after), the ticketing system
Parquet with UTC instants, the field-service tool a French Excel CSV (``;``, cp1252, CRLF,
``dd/mm/yyyy hh:mm``, French codes), the e-mail/web-form system JSON Lines. All writers are
byte-deterministic (gzip without timestamp, stable row order).
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from ecoute.demo import texts as T
from ecoute.demo import world as W
from ecoute.demo.clock import TZ
from ecoute.demo.simulate import CATEGORIES, OUTCOMES, REASONS, Frame

QUEUE_CODES = ("TFR", "TNL", "BFR", "BNL", "BUS", "INT")
TS_NAIVE, TS_OFFSET, TS_UTC_Z, TS_FR = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%:z",
    "utc_z",
    "%d/%m/%Y %H:%M",
)


def ts(col: str, fmt: str, cutoff: int | None = None) -> pl.Expr:
    """Format UTC seconds (negative = missing; at or after ``cutoff`` = not known yet)."""
    keep = pl.col(col) >= 0
    if cutoff is not None:
        keep &= pl.col(col) < cutoff
    e = pl.from_epoch(pl.when(keep).then(pl.col(col)), time_unit="s").dt.replace_time_zone("UTC")
    if fmt == TS_UTC_Z:
        return e.dt.strftime("%Y-%m-%dT%H:%M:%SZ").alias(col)
    return e.dt.convert_time_zone(TZ).dt.strftime(fmt).alias(col)


def ident(col: str, prefix: str, width: int) -> pl.Expr:
    c = pl.col(col)
    return pl.when(c >= 0).then(pl.concat_str([pl.lit(prefix), c.cast(pl.String).str.zfill(width)]))


def customer_id(col: str = "cust") -> pl.Expr:
    return ident(col, "", 8)


def code(col: str, names: tuple[str, ...]) -> pl.Expr:
    return pl.col(col).replace_strict(dict(enumerate(names)), default=None, return_dtype=pl.String)


def gzip_bytes(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=5) as gz:
        gz.write(data)
    return buf.getvalue()


def calls_frame(legs: Frame, pool: int, fmt: str) -> pl.DataFrame:
    df = pl.DataFrame(legs)
    agent = pl.concat_str([code("queue", QUEUE_CODES), pl.lit("-"),
                           (pl.col("agent") % pool + 1).cast(pl.String).str.zfill(3)])  # fmt: skip
    return df.select(
        ident("call_no", "CL", 9).alias("call_id"),
        code("direction", ("inbound", "outbound")).alias("direction"),
        ts("started", fmt).alias("started_at"),
        ts("ended", fmt).alias("ended_at"),
        code("initiation", ("inbound", "outbound", "callback", "transfer")).alias("initiation"),
        ident("prev", "CL", 9).alias("previous_call_id"),
        customer_id().alias("customer_id"),
        code("queue", W.QUEUE_NAMES).alias("queue"),
        pl.when(pl.col("agent") >= 0).then(agent).alias("agent_id"),
        ts("queued", fmt).alias("queued_at"),
        ts("answered", fmt).alias("answered_at"),
        code("disc", ("customer", "agent", "system")).alias("disconnect_party"),
        code("outcome", OUTCOMES).alias("outcome"),
        ident("ticket_no", "INC", 8).alias("ticket_id"),
        code("reason", REASONS).alias("reason"),
    )


def write_csv_gz(df: pl.DataFrame, path: Path, extra_lines: list[str] = ()) -> None:
    text = df.write_csv(line_terminator="\n")
    if extra_lines:
        text += "".join(line + "\n" for line in extra_lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip_bytes(text.encode("utf-8")))


TICKET_SCHEMA = pa.schema([
    ("ticket_id", pa.string()), ("customer_id", pa.string()), ("opened_at", pa.timestamp("s", "UTC")),
    ("status", pa.string()), ("category", pa.string()), ("channel", pa.string()),
    ("priority", pa.string()), ("service_loss", pa.string()), ("restored_at", pa.timestamp("s", "UTC")),
    ("resolved_at", pa.timestamp("s", "UTC")), ("closed_at", pa.timestamp("s", "UTC")),
    ("reopened_count", pa.int32()), ("root_cause", pa.string()), ("outage_id", pa.string()),
    ("assignment_group", pa.string()),
])  # fmt: skip


def tickets_table(t: Frame, cutoff: int) -> pa.Table:
    df = pl.DataFrame({k: v for k, v in t.items() if k != "root"}).with_columns(
        pl.Series("root", t["root"].astype(str))
    )
    known = {k: pl.when((pl.col(k) >= 0) & (pl.col(k) < cutoff)).then(pl.col(k)) for k in
             ("restored", "resolved", "closed")}  # fmt: skip
    status = (pl.when(pl.col("cancelled")).then(pl.lit("cancelled"))
              .when(pl.col("closed").is_between(0, cutoff - 1)).then(pl.lit("closed"))
              .when(pl.col("resolved").is_between(0, cutoff - 1)).then(pl.lit("resolved"))
              .when(pl.col("restored").is_between(0, cutoff - 1)).then(pl.lit("pending"))
              .otherwise(pl.lit("open")))  # fmt: skip
    group = (
        pl.when(pl.col("cat") >= 5)
        .then(pl.lit("Customer Care"))
        .otherwise(pl.lit("Fault Handling"))
    )
    out = df.filter(pl.col("opened") < cutoff).select(
        ident("ticket_no", "INC", 8).alias("ticket_id"),
        customer_id().alias("customer_id"),
        pl.from_epoch("opened", "s").dt.replace_time_zone("UTC").alias("opened_at"),
        status.alias("status"),
        code("cat", CATEGORIES).alias("category"),
        code("channel", ("phone", "email", "letter", "web", "web", "shop", "field")).alias("channel"),
        code("priority", ("low", "normal", "high", "critical")).alias("priority"),
        code("loss", ("total", "partial", "none")).alias("service_loss"),
        *(pl.from_epoch(known[k], "s").dt.replace_time_zone("UTC").alias(f"{k}_at") for k in known),
        pl.col("reopened").cast(pl.Int32).alias("reopened_count"),
        pl.when(pl.col("cancelled")).then(None).otherwise(pl.col("root")).alias("root_cause"),
        pl.when(pl.col("outage") >= 0).then(pl.format("OUT-2026-{}", (pl.col("outage") + 1)
                                                      .cast(pl.String).str.zfill(3))).alias("outage_id"),
        group.alias("assignment_group"),
    )  # fmt: skip
    return out.to_arrow().cast(TICKET_SCHEMA)


class ParquetAppender:
    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.writer = pq.ParquetWriter(str(path), schema, compression="zstd")
        self.rows = 0

    def write(self, table: pa.Table) -> None:
        self.writer.write_table(table)
        self.rows += table.num_rows

    def close(self) -> None:
        self.writer.close()


# ---- the French Excel appointments export -------------------------------------------------
FR_STATUS = (
    "Planifié",
    "Terminé",
    "Non venu",
    "Annulé par opérateur",
    "Annulé par client",
    "Client absent",
)
FR_COLUMNS = ("N° RDV", "N° client", "N° ticket", "Pris le", "Date RDV", "Début", "Fin", "Statut",
              "Technicien", "Équipe", "Arrivée", "Fin intervention", "Annulé le", "Client prévenu le",
              "Problème résolu", "Durée (h)")  # fmt: skip


def appointments_frame(a: Frame, cutoff: int) -> pl.DataFrame:
    """As the field-service tool exports it on the cut-off date: future events are not known yet."""
    df = pl.DataFrame({k: v for k, v in a.items()}).filter(pl.col("booked") < cutoff)
    event = (pl.when(pl.col("status") == 1).then(pl.col("completed"))
             .when(pl.col("status").is_in([3, 4])).then(pl.col("cancelled"))
             .when(pl.col("status") == 5).then(pl.col("arrived"))
             .otherwise(pl.col("window_end")))  # fmt: skip
    df = df.with_columns(
        pl.when(event >= cutoff).then(0).otherwise(pl.col("status")).alias("status")
    )
    clear = pl.col("status") == 0
    local = {k: pl.from_epoch(k, "s").dt.replace_time_zone("UTC").dt.convert_time_zone(TZ)
             for k in ("window_start", "window_end")}  # fmt: skip
    team = code("team", W.TEAMS)
    duration = ((pl.col("completed") - pl.col("arrived")) / 3600).round(2)
    return df.select(
        ident("appointment_no", "", 7).alias("N° RDV"),
        customer_id().alias("N° client"),
        ident("ticket_no", "INC", 8).alias("N° ticket"),
        ts("booked", "%d/%m/%Y %H:%M:%S").alias("Pris le"),
        local["window_start"].dt.strftime("%d/%m/%Y").alias("Date RDV"),
        local["window_start"].dt.strftime("%H:%M").alias("Début"),
        local["window_end"].dt.strftime("%H:%M").alias("Fin"),
        code("status", FR_STATUS).alias("Statut"),
        pl.when(pl.col("status") != 4).then(pl.concat_str([team, pl.lit("-"), pl.col("tech").cast(pl.String)
                                                            .str.zfill(2)])).alias("Technicien"),
        team.alias("Équipe"),
        pl.when(~clear).then(ts("arrived", TS_FR, cutoff)).alias("Arrivée"),
        pl.when(~clear).then(ts("completed", TS_FR, cutoff)).alias("Fin intervention"),
        pl.when(~clear).then(ts("cancelled", TS_FR, cutoff)).alias("Annulé le"),
        ts("notified", TS_FR, cutoff).alias("Client prévenu le"),
        pl.when(clear | (pl.col("fixed") < 0)).then(None)
        .when(pl.col("fixed") == 1).then(pl.lit("Oui")).otherwise(pl.lit("Non")).alias("Problème résolu"),
        pl.when((pl.col("status") == 1) & (pl.col("completed") >= 0))
        .then(duration.cast(pl.String).str.replace(".", ",", literal=True)).alias("Durée (h)"),
    )  # fmt: skip


def excel_csv_bytes(df: pl.DataFrame, header: bool) -> bytes:
    text = df.write_csv(separator=";", line_terminator="\r\n", include_header=header)
    return text.encode("cp1252")


# ---- messages --------------------------------------------------------------------------------
CHANNELS = ("email", "web", "chat", "letter", "social")


def messages_frame(rng: np.random.Generator, m: Frame, lang: np.ndarray, first_no: int,
                   cutoff: int) -> pl.DataFrame:  # fmt: skip
    n = len(m["cust"])
    cause = m["cause"]
    opener, subject = np.full(n, "", dtype=object), np.full(n, "", dtype=object)
    greeting, closing = np.full(n, "", dtype=object), np.full(n, "", dtype=object)
    for li, lg in enumerate(T.LANGS):
        in_lang = lang == li
        k = int(in_lang.sum())
        if not k:
            continue
        greeting[in_lang] = np.array(T.GREETINGS[lg], dtype=object)[
            rng.integers(0, len(T.GREETINGS[lg]), k)
        ]
        closing[in_lang] = np.array(T.CLOSINGS[lg], dtype=object)[
            rng.integers(0, len(T.CLOSINGS[lg]), k)
        ]
        for c, by_lang in T.OPENERS.items():
            sel = in_lang & (cause == c)
            if sel.any():
                opts = np.array(by_lang[lg], dtype=object)
                opener[sel] = opts[rng.integers(0, len(opts), int(sel.sum()))]
                subject[sel] = T.SUBJECTS[c][lg]
    sentences = [opener]
    s = np.minimum(m["score"], 8)
    serious = np.isin(cause, ["missed_appointment", "outage", "dropped_call", "repeat_contact"])
    p = {
        "repeat_contact": np.where(cause == "repeat_contact", 0.1, 0.12),
        "compensation_request": np.where(serious, 0.3 + 0.04 * s, 0.05),
        "apology_request": np.full(n, 0.15),
        "churn_threat": np.where(serious, 0.06 + 0.07 * s, 0.03).clip(max=0.7),
        "ombudsman_threat": np.where(serious, 0.02 + 0.03 * s, 0.0).clip(max=0.35),
    }
    for add in T.ADDON_ORDER:
        take = rng.random(n) < p[add]
        text = np.full(n, "", dtype=object)
        for li, lg in enumerate(T.LANGS):
            sel = take & (lang == li)
            opts = np.array(T.ADDONS[add][lg], dtype=object)
            text[sel] = opts[rng.integers(0, len(opts), int(sel.sum()))]
        sentences.append(text)
    no_language = rng.random(n) < 0.12
    channel = rng.choice(len(CHANNELS), n, p=[0.45, 0.28, 0.1, 0.05, 0.12])
    df = pl.DataFrame({
        "no": first_no + np.arange(n), "cust": m["cust"], "received": m["received"],
        "event": m["event_t"], "ticket_no": m["ticket_no"], "lang": np.where(no_language, -1, lang),
        "channel": channel, "greeting": greeting.astype(str), "closing": closing.astype(str),
        "subject": subject.astype(str),
        **{f"s{i}": x.astype(str) for i, x in enumerate(sentences)},
    })  # fmt: skip
    ref = pl.coalesce(ident("ticket_no", "INC", 8), customer_id())
    text = pl.concat_str([pl.col(f"s{i}") for i in range(len(sentences))], separator=" ")
    text = text.str.replace_all(" +", " ").str.strip_chars()
    body = pl.concat_str(
        [pl.col("greeting"), text, pl.col("closing")], separator="\n\n"
    ).str.strip_chars()
    date = ts("event", "%d/%m/%Y")
    return df.filter(pl.col("received") < cutoff).select(
        ident("no", "MSG-", 7).alias("message_id"),
        customer_id().alias("customer_id"),
        ts("received", TS_UTC_Z).alias("received_at"),
        code("channel", CHANNELS).alias("channel"),
        pl.col("subject").str.replace_all("{ticket}", ref, literal=True).alias("subject"),
        body.str.replace_all("{date}", date, literal=True).str.replace_all("{ticket}", ref, literal=True)
        .alias("body"),
        code("lang", T.LANGS).alias("language"),
    )  # fmt: skip


def jsonl_bytes(df: pl.DataFrame) -> bytes:
    return df.write_ndjson().encode("utf-8")


# ---- notifications, outages, customers --------------------------------------------------------
KINDS = ("outage", "appointment_reminder", "appointment_change", "eta", "resolution", "other")
NOTE_CHANNELS = ("sms", "email", "app", "call", "letter")


def notifications_frame(nf: Frame, cutoff: int) -> pl.DataFrame:
    df = pl.DataFrame(nf)
    ref = (
        pl.when(pl.col("kind").is_in([0, 4]))
        .then(pl.format("OUT-2026-{}", pl.col("ref").cast(pl.String).str.zfill(3)))
        .otherwise(ident("ref", "", 7))
    )
    return df.filter(pl.col("t") < cutoff).sort(["t", "cust", "kind"]).select(
        pl.concat_str([pl.lit("N"), pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(8)])
        .alias("notification_id"),
        customer_id().alias("customer_id"),
        ts("t", TS_OFFSET).alias("sent_at"),
        code("kind", KINDS).alias("kind"),
        code("channel", NOTE_CHANNELS).alias("channel"),
        ref.alias("ref_id"),
    )  # fmt: skip


def outages_frame(outages: list, cutoff: int) -> pl.DataFrame:
    return pl.DataFrame({
        "outage_id": [f"OUT-2026-{o.number:03d}" for o in outages],
        "started": [o.start for o in outages],
        "ended": [o.end for o in outages],
        "region": [W.REGION_NAMES[o.region] for o in outages],
        "cause": [o.cause for o in outages],
        "affected_customers": [len(o.affected) for o in outages],
    }).filter(pl.col("started") < cutoff).select(
        "outage_id", ts("started", TS_NAIVE).alias("started_at"), ts("ended", TS_NAIVE, cutoff).alias("ended_at"),
        "region", "cause", "affected_customers",
    )  # fmt: skip


def _day(col: str) -> pl.Expr:
    return pl.when(pl.col(col) >= 0).then(pl.col(col).cast(pl.Date).dt.strftime("%Y-%m-%d"))


def customers_frame(
    c: Frame, churn_day_local: np.ndarray, start_local: int, cutoff_local: int
) -> pl.DataFrame:
    n = len(c["region"])
    plans = tuple(p[0] for p in W.PLANS) + (W.BUSINESS_PLAN[0],)
    df = pl.DataFrame({
        "cust": np.arange(n), "segment": c["business"].astype(np.int8), "region": c["region"],
        "plan": c["plan"], "fee": c["fee"], "since": (start_local // 86400 - c["since_days"]),
        "churn": np.where((churn_day_local >= 0) & (churn_day_local < cutoff_local), churn_day_local // 86400, -1),
        "lang": c["lang"],
    })  # fmt: skip
    cents = (pl.col("fee") * 100).round().cast(pl.Int64)
    digits = (pl.col("cust") * 7919 % 10_000_000).cast(pl.String).str.zfill(7)
    return df.select(
        customer_id().alias("customer_id"),
        code("segment", ("residential", "business")).alias("segment"),
        code("region", W.REGION_NAMES).alias("region"),
        code("plan", plans).alias("plan"),
        pl.format("{}.{}", cents // 100, (cents % 100).cast(pl.String).str.zfill(2)).alias("monthly_fee"),
        _day("since").alias("customer_since"),
        _day("churn").alias("churned_at"),
        code("lang", T.LANGS).alias("language"),
        pl.concat_str([pl.lit("client"), customer_id(), pl.lit("@example.be")]).alias("email"),
        pl.concat_str([pl.lit("+324"), pl.col("cust").mod(9).add(70).cast(pl.String), digits]).alias("phone"),
    )  # fmt: skip

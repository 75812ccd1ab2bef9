"""``ecoute demo --as PLATFORM``: the same demo world, written as that platform exports it.

The generator writes the canonical exports (ecoute/demo/generate.py); this module rewrites the
entities a platform holds in the platform's own format, from those files, in DuckDB (one
statement per file, no Python per record), and removes the canonical copies so each record is
read once. The other entities stay canonical. The load then goes through the platform's source
pack (etl/sources/<platform>/), so the demo proves the pack: the metrics must equal the
canonical load's (tests/ecoute/demo/test_as_platform.py).

The vendor SELECTs are in ``ecoute/demo/sql/<platform>.sql``; they read ``_canon_<entity>``,
the canonical rows with their instants as TIMESTAMPTZ and their order in ``_row``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ecoute.demo.clock import TZ
from ecoute.etl.clean import lit, q
from ecoute.etl.timezones import local_to_utc_sql

SQL_DIR = Path(__file__).parent / "sql"
CALL_TIMES = ("started_at", "ended_at", "queued_at", "answered_at")
_OFFSET = r"([zZ]|[+-]\d\d(:?\d\d)?)$"
MAPPING_FILE = "ecoute-mapping.yaml"


@dataclass(frozen=True)
class Platform:
    name: str
    entities: tuple[str, ...]
    write: Callable[[duckdb.DuckDBPyConnection, Path], None]


def write_as(out_dir: Path, platforms: str, base_mapping: Path) -> Path:
    """Rewrite ``out_dir``'s canonical exports as ``platforms`` (comma-separated) write them;
    returns the mapping to load the folder with: ``base_mapping`` for the canonical files, the
    platforms' packs for theirs (a pack's entities replace the base's)."""
    names = [p.strip() for p in platforms.split(",") if p.strip()]
    unknown = [n for n in names if n not in PLATFORMS]
    if unknown or not names:
        raise ValueError(f"--as takes one or more of {', '.join(PLATFORMS)}, got {platforms!r}")
    held = [e for n in names for e in PLATFORMS[n].entities]
    if len(held) != len(set(held)):
        raise ValueError(f"--as {platforms}: two platforms hold the same entity ({held})")
    con = duckdb.connect()
    try:
        _macros(con)
        for name in names:
            PLATFORMS[name].write(con, out_dir)
    finally:
        con.close()
    mapping = out_dir / MAPPING_FILE
    bases = "".join(f"  - {n}\n" for n in names)
    mapping.write_text(
        f"# The demo written as {', '.join(names)} export(s): the demo's own mapping, then the "
        f"packs.\nname: demo-{'+'.join(names)}\nextends:\n  - {base_mapping.resolve()}\n{bases}",
        encoding="utf-8",
    )
    return mapping


def _macros(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("set timezone = 'UTC'")
    con.execute(
        "create or replace temp macro iso_z(t) as "
        "strftime(timezone('UTC', t), '%Y-%m-%dT%H:%M:%SZ')"
    )
    con.execute(
        "create or replace temp macro local_text(t) as "
        f"strftime(timezone({lit(TZ)}, t), '%Y-%m-%d %H:%M:%S')"
    )
    con.execute(
        "create or replace temp macro iso_ms(t) as "
        "strftime(timezone('UTC', t), '%Y-%m-%dT%H:%M:%S.%gZ')"
    )


def _instant(column: str) -> str:
    """A canonical timestamp as TIMESTAMPTZ: with its offset, or naive local demo time."""
    c = q(column)
    local = local_to_utc_sql(f"try_cast({c} as timestamp)", TZ)
    return (
        f"case when regexp_matches({c}, {lit(_OFFSET)}) then try_cast({c} as timestamptz) "
        f"else {local} end as {c}"
    )


def _canon_calls(con: duckdb.DuckDBPyConnection, out_dir: Path) -> list[Path]:
    """``_canon_calls`` over every week's canonical calls (``_file``: which one); the files."""
    files = sorted((out_dir / "calls").glob("*.csv.gz"))
    if not files:
        raise ValueError(f"{out_dir}: no canonical calls to rewrite")
    names = "[" + ", ".join(lit(str(f)) for f in files) + "]"
    times = ", ".join(_instant(c) for c in CALL_TIMES)
    con.execute(
        f"create or replace temp table _canon_all as select row_number() over () as _row, "
        f"filename as _file, * exclude (filename, {', '.join(CALL_TIMES)}), {times} "
        f"from read_csv({names}, all_varchar=true, filename=true)"
    )
    # The leg a call was transferred to, so NextContactId can be written beside PreviousContactId.
    con.execute(
        "create or replace temp table _canon_all as select a.*, n.call_id as next_call_id "
        "from _canon_all a left join (select previous_call_id, min(call_id) as call_id "
        "from _canon_all where previous_call_id is not null group by 1) n "
        "on n.previous_call_id = a.call_id order by a._row"
    )
    return files


def _amazon_connect(con: duckdb.DuckDBPyConnection, out_dir: Path) -> None:
    _calls_as(con, out_dir, "amazon_connect.sql", out_dir / "contact-records", ".jsonl")


def _genesys(con: duckdb.DuckDBPyConnection, out_dir: Path) -> None:
    _calls_as(con, out_dir, "genesys.sql", out_dir / "conversations", ".json")


def _calls_as(
    con: duckdb.DuckDBPyConnection, out_dir: Path, sql_file: str, target: Path, suffix: str
) -> None:
    """Rewrite each weekly canonical calls file as the platform's export (one file a week, by
    ``sql_file``) in ``target``, and remove the canonical one."""
    files = _canon_calls(con, out_dir)
    select = (SQL_DIR / sql_file).read_text(encoding="utf-8")
    target.mkdir(exist_ok=True)
    for old in target.glob(f"*{suffix}"):
        old.unlink()
    for f in files:
        con.execute(
            "create or replace temp view _canon_calls as "
            f"select * from _canon_all where _file = {lit(str(f))}"
        )
        week = f.name.split(".")[0]
        con.execute(f"copy ({select}) to {lit(str(target / (week + suffix)))} (format json)")
        f.unlink()


def _servicenow(con: duckdb.DuckDBPyConnection, out_dir: Path) -> None:
    source = out_dir / "tickets.parquet"
    con.execute(
        "create or replace temp table _canon_tickets as select row_number() over () as _row, * "
        f"from read_parquet({lit(str(source))})"
    )
    _write_csv(con, "servicenow.sql", out_dir / "incident.csv")
    source.unlink()


def _write_csv(con: duckdb.DuckDBPyConnection, sql_file: str, target: Path) -> None:
    """The platform's CSV export: the rows of ``sql_file``, a header, every value quoted."""
    select = (SQL_DIR / sql_file).read_text(encoding="utf-8")
    con.execute(f"copy ({select}) to {lit(str(target))} (format csv, header, force_quote *)")


# The demo's French Excel appointments columns (cp1252, ";", local dd/mm/yyyy times).
_FR = {"N° RDV": "appointment_id", "N° client": "customer_id", "N° ticket": "ticket_id",
       "Statut": "status", "Technicien": "technician_id", "Équipe": "team",
       "Problème résolu": "fixed"}  # fmt: skip
_FR_TIMES = {"Pris le": ("booked_at", "%d/%m/%Y %H:%M:%S"), "Arrivée": ("arrived_at", "%d/%m/%Y %H:%M"),
             "Fin intervention": ("completed_at", "%d/%m/%Y %H:%M"),
             "Annulé le": ("cancelled_at", "%d/%m/%Y %H:%M"),
             "Client prévenu le": ("customer_notified_at", "%d/%m/%Y %H:%M")}  # fmt: skip


def _local(text: str, fmt: str) -> str:
    return local_to_utc_sql(f"try_strptime({text}, {lit(fmt)})", TZ)


def _salesforce_fs(con: duckdb.DuckDBPyConnection, out_dir: Path) -> None:
    source = out_dir / "appointments.csv"
    # The demo's file has no byte where cp1252 and latin-1 differ (etl/extract.py reads it so).
    read = (f"read_csv({lit(str(source))}, delim=';', encoding='latin-1', all_varchar=true, "
            "header=true)")  # fmt: skip
    cols = [f"{q(k)} as {v}" for k, v in _FR.items()]
    cols += [f"{_local(q(k), f)} as {v}" for k, (v, f) in _FR_TIMES.items()]
    day = "\"Date RDV\" || ' ' || "
    cols += [f"{_local(day + q('Début'), '%d/%m/%Y %H:%M')} as window_start",
             f"{_local(day + q('Fin'), '%d/%m/%Y %H:%M')} as window_end"]  # fmt: skip
    con.execute(
        "create or replace temp table _canon_appointments as select "
        f"row_number() over () as _row, {', '.join(cols)} from {read}"
    )
    _write_csv(con, "salesforce_fs.sql", out_dir / "ServiceAppointment.csv")
    source.unlink()


PLATFORMS: dict[str, Platform] = {
    "amazon-connect": Platform("amazon-connect", ("calls",), _amazon_connect),
    "genesys": Platform("genesys", ("calls",), _genesys),
    "servicenow": Platform("servicenow", ("tickets",), _servicenow),
    "salesforce-fs": Platform("salesforce-fs", ("appointments",), _salesforce_fs),
}

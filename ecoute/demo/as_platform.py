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
from ecoute.etl.mapping import pack_path
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


def write_as(out_dir: Path, platform: str, base_mapping: Path) -> Path:
    """Rewrite ``out_dir``'s canonical exports as ``platform`` writes them; returns the mapping
    to load the folder with (the platform's pack, then ``base_mapping`` for the other files)."""
    if platform not in PLATFORMS:
        raise ValueError(f"--as must be one of {', '.join(PLATFORMS)}, got {platform!r}")
    spec = PLATFORMS[platform]
    con = duckdb.connect()
    try:
        con.execute("set timezone = 'UTC'")
        con.execute(
            "create or replace temp macro iso_z(t) as "
            "strftime(timezone('UTC', t), '%Y-%m-%dT%H:%M:%SZ')"
        )
        spec.write(con, out_dir)
    finally:
        con.close()
    mapping = out_dir / MAPPING_FILE
    pack = pack_path(platform)
    assert pack is not None, platform  # every platform here has its pack
    mapping.write_text(
        f"# The demo written as {platform} exports it: its pack, then the demo's own mapping.\n"
        f"name: demo-{platform}\nextends:\n  - {platform}\n  - {base_mapping.resolve()}\n",
        encoding="utf-8",
    )
    return mapping


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
    files = _canon_calls(con, out_dir)
    select = (SQL_DIR / "amazon_connect.sql").read_text(encoding="utf-8")
    target = out_dir / "contact-records"
    target.mkdir(exist_ok=True)
    for old in target.glob("*.jsonl"):
        old.unlink()
    for f in files:
        con.execute(
            "create or replace temp view _canon_calls as "
            f"select * from _canon_all where _file = {lit(str(f))}"
        )
        week = f.name.split(".")[0]
        con.execute(f"copy ({select}) to {lit(str(target / (week + '.jsonl')))} (format json)")
        f.unlink()


PLATFORMS: dict[str, Platform] = {
    "amazon-connect": Platform("amazon-connect", ("calls",), _amazon_connect),
}

"""Clean: a Parquet file's own types are used as they are, with the outcome of the same text."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ecoute.etl.clean import clean_sql
from ecoute.etl.mapping import EntityMapping
from ecoute.etl.pipeline import run_load
from ecoute.etl.tickets import ENTITY as TICKETS

# T2: restored before opened (quarantined, line 3); T3: no opened_at (quarantined, line 4);
# T4: restored at a naive local time in the repeated hour of the DST change night.
TEXT = """ticket_id,customer_id,opened_at,status,reopened_count,restored_at,crew_size
T1,A,2026-06-01 08:00:00+00,open,2,2026-06-01 11:30:00,7
T2,B,2026-06-02 08:00:00+00,closed,0,2026-06-01 10:00:00,8
T3,C,,open,,,9
T4,D,2026-10-25 00:30:00+00,open,1,2026-10-25 02:30:00,10
"""


def _write_both(folder: Path) -> tuple[Path, Path]:
    typed, text = folder / "typed", folder / "text"
    typed.mkdir(parents=True)
    text.mkdir(parents=True)
    (text / "tickets.csv").write_text(TEXT)
    con = duckdb.connect()
    con.execute(
        f"copy (select ticket_id, customer_id, opened_at::timestamptz as opened_at, status, "
        f"reopened_count::integer as reopened_count, restored_at::timestamp as restored_at, "
        f"crew_size::integer as crew_size from read_csv('{text / 'tickets.csv'}', all_varchar=true)) "
        f"to '{typed / 'tickets.parquet'}' (format parquet)"
    )
    return typed, text


def _outcome(settings, folder: Path, name: str) -> tuple[list, list]:
    s = type(settings)(warehouse=settings.warehouse.with_name(name), sections=settings.sections,
                       config_file=None)  # fmt: skip
    run_load(s, folder)
    with duckdb.connect(str(s.warehouse), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        raw = con.execute(
            "select * exclude (_source_file, _load_id, _line) from raw.tickets order by ticket_id"
        ).fetchall()
        bad = con.execute("select line, field, reason, record from meta.quarantine order by line")
        return raw, bad.fetchall()


def _lines_apart(bad: list[tuple]) -> tuple[list[int], list[tuple]]:
    return [b[0] for b in bad], [b[1:] for b in bad]


def test_parquet_types_load_as_their_text_would(settings, tmp_path):
    typed, text = _write_both(tmp_path)
    raw, bad = _outcome(settings, typed, "typed.duckdb")
    text_raw, text_bad = _outcome(settings, text, "text.duckdb")
    assert raw == text_raw  # the same values and the same row hashes
    lines, bad = _lines_apart(bad)
    text_lines, text_bad = _lines_apart(text_bad)
    assert bad == text_bad  # the same rules broken, the same records as received
    assert (lines, text_lines) == ([2, 3], [3, 4])  # Parquet has no header line
    assert [(r[0], str(r[8])) for r in raw] == [
        ("T1", "2026-06-01 09:30:00+00:00"),
        ("T4", "2026-10-25 01:30:00+00:00"),  # 02:30 local, standard time (the later instant)
    ]
    assert [field for field, _, _ in bad] == ["restored_at", "opened_at"]
    assert '"reopened_count":"0"' in bad[0][2]  # the record as received is text


def test_only_columns_already_of_the_field_type_skip_the_text_path():
    types = {"ticket_id": "VARCHAR", "customer_id": "BIGINT", "opened_at": "TIMESTAMP WITH TIME ZONE",
             "status": "VARCHAR", "reopened_count": "INTEGER"}  # fmt: skip
    sql = clean_sql(TICKETS, EntityMapping(), list(types), "UTC", "src", types=types).typed
    assert '"opened_at" as "t__opened_at"' in sql  # used as it is
    assert 'cast("customer_id" as varchar)' in sql  # an id is text: the number is printed
    assert 'cast("t__reopened_count" as bigint)' in sql

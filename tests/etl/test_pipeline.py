"""The loader end to end on small, hand-written exports, each naming its edge case."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import duckdb
import pytest

from ecoute.etl.pipeline import LoadError, run_load


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def _rows(settings, sql: str) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    con.execute("set TimeZone = 'UTC'")
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _load(settings, folder: Path, mapping: Path | None = None, **kw):
    return run_load(settings, folder, mapping, **kw)


HEADER = "call_id,direction,started_at,ended_at,customer_id,answered_at,disconnect_party\n"


def test_messy_calls_every_row_accounted_for(settings, tmp_path):
    """Bad date, ended before started, unknown enum, empty required field, truncated last line."""
    _write(
        tmp_path / "in" / "calls.csv",
        HEADER
        + "c1,inbound,2026-06-15 09:00:00,2026-06-15 09:05:00,0042,2026-06-15 09:01:00,system\n"
        + "c2,inbound,2026-13-45 09:00:00,2026-06-15 09:05:00,0042,,customer\n"  # bad date
        + "c3,inbound,2026-06-15 10:00:00,2026-06-15 09:05:00,0042,,customer\n"  # ended before
        + "c4,sideways,2026-06-15 10:00:00,2026-06-15 10:05:00,0042,,customer\n"  # enum
        + ",inbound,2026-06-15 10:00:00,2026-06-15 10:05:00,0042,,customer\n"  # empty id
        + "c6,inbound,2026-06-15 11:00:00,2026-06-15 11:05:00,,,customer\n"
        + "c7,inbound,2026-06-1",  # truncated last line
    )
    result = _load(settings, tmp_path / "in")
    (f,) = result.files
    assert (f.read, f.loaded, f.quarantined, f.duplicate) == (7, 2, 5, 0)
    reasons = dict(_rows(settings, "select line, field from meta.quarantine order by line"))
    assert reasons == {3: "started_at", 4: "ended_at", 5: "direction", 6: "call_id", 8: "(row)"}
    detail = _rows(settings, "select reason from meta.quarantine where line = 3")[0][0]
    assert 'cannot read "2026-13-45 09:00:00" as a timestamp' in detail
    assert _rows(settings, "select call_id, _line from raw.calls order by call_id") == [
        ("c1", 2),
        ("c6", 7),
    ]


def test_identifiers_stay_strings(settings, tmp_path):
    """Leading zeros and long numeric ids survive; scientific notation is not a number."""
    _write(
        tmp_path / "in" / "customers.csv",
        "customer_id,segment\n0042,residential\n12345678901234567890,business\n9377952927E-5,\n",
    )
    _load(settings, tmp_path / "in")
    ids = {r[0] for r in _rows(settings, "select customer_id from raw.customers")}
    assert ids == {"0042", "12345678901234567890", "9377952927E-5"}


def test_same_file_twice_changes_nothing(settings, tmp_path):
    folder = tmp_path / "in"
    _write(
        folder / "calls.csv", HEADER + "c1,inbound,2026-06-15 09:00,2026-06-15 09:05,1,,customer\n"
    )
    _load(settings, folder)
    before = _rows(settings, "select * from raw.calls")
    second = _load(settings, folder)
    assert second.files[0].status == "skipped"
    forced = _load(settings, folder, force=True)
    assert (forced.files[0].read, forced.files[0].duplicate, forced.files[0].loaded) == (1, 1, 0)
    assert _rows(settings, "select * from raw.calls") == before


def test_corrected_reexport_updates_and_keeps_history(settings, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    _write(first / "calls.csv", HEADER + "c1,inbound,2026-06-15 09:00,2026-06-15 09:05,1,,customer\n"
           + "c2,inbound,2026-06-15 09:00,2026-06-15 09:05,1,,customer\n")  # fmt: skip
    _write(second / "calls.csv", HEADER + "c1,inbound,2026-06-15 09:00,2026-06-15 09:07,1,,system\n"
           + "c2,inbound,2026-06-15 09:00,2026-06-15 09:05,1,,customer\n")  # fmt: skip
    _load(settings, first)
    result = _load(settings, second)
    f = result.files[0]
    assert (f.read, f.loaded, f.updated, f.duplicate) == (2, 1, 1, 1)
    assert _rows(
        settings, "select disconnect_party, _load_id from raw.calls where call_id='c1'"
    ) == [("system", 2)]
    assert _rows(settings, "select disconnect_party, _replaced_by from raw.calls__history") == [
        ("customer", 2)
    ]


def test_same_id_twice_in_one_file_last_line_wins(settings, tmp_path):
    _write(tmp_path / "in" / "calls.csv", HEADER
           + "c1,inbound,2026-06-15 09:00,2026-06-15 09:05,1,,customer\n"
           + "c1,inbound,2026-06-15 09:00,2026-06-15 09:05,1,,customer\n"
           + "c1,inbound,2026-06-15 09:00,2026-06-15 09:06,1,,agent\n")  # fmt: skip
    f = _load(settings, tmp_path / "in").files[0]
    assert (f.read, f.loaded, f.updated, f.duplicate) == (3, 2, 1, 1)
    assert _rows(settings, "select disconnect_party, _line from raw.calls") == [("agent", 4)]


def test_naive_times_across_dst_are_brussels_local(settings, tmp_path):
    """Summer (+02:00), winter (+01:00), the ambiguous fall-back hour and an explicit offset.

    Rule: at the fall-back hour (2026-10-25 02:00–03:00 happens twice) a naive time is read as
    the later instant, standard time (+01:00). Documented in docs/data-contract.md.
    """
    _write(tmp_path / "in" / "calls.csv", HEADER
           + "s,inbound,2026-06-15 09:00:00,2026-06-15 09:05:00,,,\n"
           + "w,inbound,2026-12-15 09:00:00,2026-12-15 09:05:00,,,\n"
           + "amb,inbound,2026-10-25 02:30:00,2026-10-25 02:40:00,,,\n"
           + "iso,inbound,2026-10-25T02:30:00+02:00,2026-10-25T02:40:00+02:00,,,\n")  # fmt: skip
    _load(settings, tmp_path / "in")
    got = dict(
        _rows(settings, "select call_id, strftime(started_at, '%Y-%m-%d %H:%M') from raw.calls")
    )
    assert got == {
        "s": "2026-06-15 07:00",
        "w": "2026-12-15 08:00",
        "amb": "2026-10-25 01:30",
        "iso": "2026-10-25 00:30",
    }


def test_french_excel_export(settings, tmp_path):
    """cp1252, `;`, decimal comma, dd/mm/yyyy dates, French codes and booleans, via a mapping."""
    folder = tmp_path / "in"
    _write(folder / "clients.csv",
           "N° client;Segment;Région;Abonnement mensuel;Client depuis;Langue;Téléphone\r\n"
           "0001;Résidentiel;Bruxelles;49,99;01/02/2020;FR;+32 475 12 34 56\r\n"
           "0002;Entreprise;Liège;1.249,50;15/03/2019;FR;\r\n", encoding="cp1252")  # fmt: skip
    mapping = _write(
        tmp_path / "m.yaml",
        """
name: fr-excel
entities:
  customers:
    path: "clients.csv"
    delimiter: ";"
    encoding: cp1252
    decimal: ","
    thousands: "."
    date_format: "%d/%m/%Y"
    columns: {customer_id: "N° client", region: "Région", monthly_fee: "Abonnement mensuel",
              customer_since: "Client depuis", language: "Langue"}
    values:
      segment: {"Résidentiel": residential, "Entreprise": business}
""",
    )
    f = _load(settings, folder, mapping).files[0]
    assert (f.read, f.loaded, f.quarantined) == (2, 2, 0)
    rows = _rows(settings, "select customer_id, segment, region, monthly_fee::varchar, "
                 "customer_since::varchar, language, extra->>'Téléphone' from raw.customers "
                 "order by 1")  # fmt: skip
    assert rows[0][:6] == ("0001", "residential", "Bruxelles", "49.99", "2020-02-01", "fr")
    assert rows[1][:6] == ("0002", "business", "Liège", "1249.50", "2019-03-15", "fr")
    assert rows[0][6] is not None and "475" not in rows[0][6]  # phone stored only as a keyed hash
    assert len(rows[0][6]) == 64


def test_cp1252_characters_outside_latin1(settings, tmp_path):
    """A cp1252 file with bytes that latin-1 reads differently (€ is 0x80, ’ is 0x92), and one
    without: both load with every character intact."""
    folder = tmp_path / "in"
    _write(folder / "customers.csv", "customer_id;region;note\r\n1;Liège;l’offre à 5 €\r\n",
           encoding="cp1252")  # fmt: skip
    _write(folder / "notifications.csv", "notification_id;customer_id;sent_at;channel;kind\r\n"
           "N1;1;2026-03-02 10:00:00;sms;outage\r\n", encoding="cp1252")  # fmt: skip
    mapping = _write(
        tmp_path / "m.yaml",
        """
name: cp
entities:
  customers: {delimiter: ";", encoding: cp1252}
  notifications: {delimiter: ";", encoding: cp1252}
""",
    )
    files = _load(settings, folder, mapping).files
    assert [(f.entity, f.loaded, f.note) for f in files] == [
        ("customers", 1, "cp1252"), ("notifications", 1, "cp1252")]  # fmt: skip
    assert _rows(settings, "select region, extra->>'note' from raw.customers") == [
        ("Liège", "l’offre à 5 €")
    ]


def test_mixed_encodings_in_one_file(settings, tmp_path):
    """A UTF-8 file with one cp1252 line: every line loads, accents intact."""
    data = ("customer_id,region\n1,Liège\n".encode() + "2,Liège\n".encode("cp1252")
            + b"3,Mons\n")  # fmt: skip
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "customers.csv").write_bytes(data)
    f = _load(settings, tmp_path / "in").files[0]
    assert (f.read, f.loaded, f.quarantined) == (3, 3, 0)
    assert "cp1252" in f.note
    assert _rows(settings, "select region from raw.customers order by customer_id") == [
        ("Liège",),
        ("Liège",),
        ("Mons",),
    ]


def test_bom_tsv_gzip_folder_parquet_and_jsonl(settings, tmp_path):
    """Formats: UTF-8 BOM, tab-separated gzip files in a folder, Parquet, JSON Lines with a bad line."""
    folder = tmp_path / "in"
    _write(folder / "customers.csv", "\ufeffcustomer_id,segment\nA,residential\n")
    (folder / "calls").mkdir(parents=True)
    for month in ("2026-05", "2026-06"):
        with gzip.open(folder / "calls" / f"{month}.tsv.gz", "wt", encoding="utf-8") as f:
            f.write("call_id\tdirection\tstarted_at\tended_at\n")
            f.write(f"{month}-x\tinbound\t{month}-01 09:00\t{month}-01 09:01\n")
    con = duckdb.connect()
    con.execute(
        f"copy (select 'T1' ticket_id, 'A' customer_id, '2026-06-01 08:00' opened_at, "
        f"'open' status) to '{folder / 'tickets.parquet'}' (format parquet)"
    )
    lines = [json.dumps({"message_id": "m1", "customer_id": "A", "received_at": "2026-06-01T10:00:00Z",
                         "channel": "email", "body": "Mon internet est coupé"}),
             "{not json", ""]  # fmt: skip
    _write(folder / "messages.jsonl", "\n".join(lines) + "\n")
    result = _load(settings, folder)
    counts = {
        (f.entity, Path(f.path).name): (f.read, f.loaded, f.quarantined) for f in result.files
    }
    assert counts == {
        ("customers", "customers.csv"): (1, 1, 0),
        ("calls", "2026-05.tsv.gz"): (1, 1, 0),
        ("calls", "2026-06.tsv.gz"): (1, 1, 0),
        ("tickets", "tickets.parquet"): (1, 1, 0),
        ("messages", "messages.jsonl"): (2, 1, 1),
    }
    assert _rows(settings, "select line from meta.quarantine") == [(2,)]


def test_unknown_references_are_kept(settings, tmp_path):
    _write(tmp_path / "in" / "tickets.csv",
           "ticket_id,customer_id,opened_at,status\nT1,nobody,2026-06-01 08:00,open\n")  # fmt: skip
    assert _load(settings, tmp_path / "in").files[0].loaded == 1


def test_missing_required_column_fails_whole_load_with_reason(settings, tmp_path):
    _write(tmp_path / "in" / "customers.csv", "customer_id\nA\n")
    _write(tmp_path / "in" / "calls.csv", "call_id,direction\nc1,inbound\n")
    with pytest.raises(
        LoadError, match=r"calls\.csv: no column for required field\(s\) \['started_at'"
    ):
        _load(settings, tmp_path / "in")
    assert _rows(settings, "select count(*) from raw.customers") == [(0,)]
    assert _rows(settings, "select status from meta.loads") == [("failed",)]


def test_empty_folder_is_a_clear_error(settings, tmp_path):
    (tmp_path / "in").mkdir()
    with pytest.raises(LoadError, match="no entity files found"):
        _load(settings, tmp_path / "in")


# --- the gate and the build the caller passes in run inside the load's transaction -----------

CALL = HEADER + "c1,inbound,2026-06-15 09:00:00,2026-06-15 09:05:00,0042,,customer\n"


class _Noted:
    """A gate's results: recorded in a table of their own, as the quality suites record theirs."""

    def __init__(self, load_id: int) -> None:
        self.load_id = load_id

    def record(self, con) -> None:
        con.execute("create table if not exists gate_log (load_id int)")
        con.execute(f"insert into gate_log values ({self.load_id})")


def test_the_gate_and_the_build_commit_with_the_rows(settings, tmp_path):
    seen = []

    def gate(con, load_id, entities):
        seen.append((entities, con.execute("select count(*) from raw.calls").fetchone()[0]))
        return _Noted(load_id)

    def build(con):
        con.execute("create table built as select count(*) as n from raw.calls")
        return "full (asked for)"

    _write(tmp_path / "in" / "calls.csv", CALL)
    result = _load(settings, tmp_path / "in", gate=gate, build=build)
    assert seen == [(["calls"], 1)]  # the gate sees the merged, uncommitted rows
    assert (result.status, result.build, result.checks.load_id) == ("completed", "full (asked for)", 1)
    assert _rows(settings, "select n from built") == [(1,)]


def test_a_failing_build_leaves_the_warehouse_as_it_was(settings, tmp_path):
    def build(con):
        con.execute("create table built as select 1 as n")
        raise RuntimeError("model m broke\nsecond line")

    _write(tmp_path / "in" / "calls.csv", CALL)
    with pytest.raises(LoadError, match="^model m broke$"):
        _load(settings, tmp_path / "in", build=build)
    assert _rows(settings, "select count(*) from raw.calls") == [(0,)]
    assert _rows(settings, "select count(*) from information_schema.tables "
                           "where table_name = 'built'") == [(0,)]  # fmt: skip
    assert _rows(settings, "select status, message from meta.loads") == [("failed", "model m broke")]


def test_a_closed_gate_rolls_back_then_its_results_are_recorded(settings, tmp_path):
    from ecoute.etl.pipeline import GateClosed

    def gate(con, load_id, entities):
        raise GateClosed(_Noted(load_id), "blocking data-quality check failed: calls.x")

    built = []
    _write(tmp_path / "in" / "calls.csv", CALL)
    with pytest.raises(LoadError, match="blocking data-quality check failed: calls.x"):
        _load(settings, tmp_path / "in", gate=gate, build=built.append)
    assert built == []  # no build after a closed gate
    assert _rows(settings, "select count(*) from raw.calls") == [(0,)]
    assert _rows(settings, "select load_id from gate_log") == [(1,)]
    assert _rows(settings, "select load_id, status from meta.loads") == [(1, "failed")]

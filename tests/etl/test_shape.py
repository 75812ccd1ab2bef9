"""The mapping language's paths, explosion and records (etl/shape.py) on hand-written JSON."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from ecoute.etl.mapping import MappingError, parse_mapping
from ecoute.etl.pipeline import run_load
from ecoute.etl.shape import is_shaped, path_sql

DOC = {
    "id": "c1",
    "Agent": {"Username": "tech-007"},
    "participants": [
        {"purpose": "ivr", "userId": "flow"},
        {"purpose": "customer", "attributes": {"customer_id": "42"},
         "sessions": [{"segments": [{"t": "a"}, {"t": "b", "d": "endpoint"}]}]},
        {"purpose": "acd", "name": "Billing",
         "sessions": [{"metrics": [{"name": "tAcd"}]},
                      {"metrics": [{"name": "tAnswered", "emitDate": "2026-06-15T07:03:10Z"}]}]},
    ],
    "custom_fields": [{"id": 360000000001, "value": "00001234"}],
}  # fmt: skip


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("Agent.Username", "tech-007"),
        ("Agent.Missing", None),
        ("participants[purpose = 'customer'].attributes.customer_id", "42"),
        ("participants[purpose = 'nobody' or purpose = 'acd'].name", "Billing"),
        ("participants[purpose != 'ivr'].purpose", "customer"),
        ("participants[purpose = 'acd'].sessions[*].metrics[name = 'tAnswered'].emitDate",
         "2026-06-15T07:03:10Z"),
        ("participants[1].sessions[0].segments[-1].d", "endpoint"),
        ("custom_fields[id = '360000000001'].value", "00001234"),
        ("participants[purpose = 'agent'].userId", None),
    ],
)  # fmt: skip
def test_path_reads_the_value_a_person_points_at(path, expected):
    sql = path_sql(path, record="j")
    value = duckdb.sql(f"select {sql} from (select '{json.dumps(DOC)}'::json as j)").fetchone()[0]
    assert value == expected


def test_a_path_the_language_cannot_read_is_a_mapping_error():
    with pytest.raises(MappingError, match=r"cannot read \[purpose ~ 'x'\]"):
        path_sql("participants[purpose ~ 'x'].name")


def test_paths_shape_json_only():
    m = parse_mapping(
        {"entities": {"tickets": {"columns": {"customer_id": "caller_id.user_name"}}}}
    )
    assert not is_shaped(m.for_entity("tickets"), Path("incident.csv"))
    assert is_shaped(m.for_entity("tickets"), Path("incident.jsonl"))


def test_records_and_each_make_one_message_per_comment(settings, tmp_path):
    """2 events on 2 pages; event 1 has 2 comments and a change, event 2 one comment, event 3
    none: 3 messages, the second comment without a body quarantined → read 3, loaded 2."""
    events = [
        {"id": 1, "ticket_id": 7, "created_at": "2026-06-15T07:00:00Z", "child_events": [
            {"id": 11, "event_type": "Comment", "body": "Plus d'internet", "author_id": 42},
            {"id": 12, "event_type": "Change", "field_name": "status"},
            {"id": 13, "event_type": "Comment", "body": "", "author_id": 42}]},
        {"id": 2, "ticket_id": 8, "created_at": "2026-06-16T07:00:00Z", "child_events": [
            {"id": 21, "event_type": "Comment", "body": "Facture", "author_id": 43}]},
    ]  # fmt: skip
    page2 = [{"id": 3, "ticket_id": 9, "created_at": "2026-06-17T07:00:00Z", "child_events": []}]
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "events.json").write_text(
        json.dumps({"ticket_events": events}) + "\n" + json.dumps({"ticket_events": page2}) + "\n"
    )
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "entities:\n  messages:\n    path: events.json\n    format: json\n"
        "    records: ticket_events\n    each: \"child_events[event_type = 'Comment']\"\n"
        "    columns: {message_id: each.id, body: each.body, customer_id: each.author_id,\n"
        "              received_at: created_at}\n    defaults: {channel: web}\n"
    )
    (f,) = run_load(settings, folder, mapping).files
    assert (f.read, f.loaded, f.quarantined) == (3, 2, 1)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    rows = con.execute(
        "select message_id, customer_id, body from raw.messages order by 1"
    ).fetchall()
    assert rows == [("11", "42", "Plus d'internet"), ("21", "43", "Facture")]
    record = con.execute("select record from meta.quarantine").fetchone()[0]
    assert "$[0].ticket_events[0].child_events" in record and '"each.id":"13"' in record


CONNECT = Path(__file__).parent / "sources" / "amazon-connect" / "contact-records"


def _connect_lines() -> list[str]:
    """The Amazon Connect sample (tests/etl/sources/test_amazon_connect.py) without its broken
    line 8; the last record (F) also carries a key no other record has."""
    lines = next(CONNECT.rglob("*.jsonl")).read_text().splitlines()
    last = json.loads(lines[8])
    last["Recordings"] = [{"Location": "s3://bucket/f.wav"}]
    return [*lines[:7], json.dumps(last)]


def _load_connect(settings, folder: Path, lines: list[str]):
    from ecoute.etl.mapping import pack_path

    (folder / "contact-records").mkdir(parents=True)
    (folder / "contact-records" / "ctr.jsonl").write_text("\n".join(lines) + "\n")
    (f,) = run_load(settings, folder, pack_path("amazon-connect")).files
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    found = [con.execute(sql).fetchall() for sql in (
        "select * exclude (_source_file) from raw.calls order by call_id",
        "select line, reason from meta.quarantine order by line",
        "select line, record from meta.superseded order by line",
    )]  # fmt: skip
    con.close()
    return (f.read, f.loaded, f.superseded, f.quarantined), found


def test_a_clean_json_lines_file_is_read_fast_and_loads_what_the_careful_reading_does(
    settings, tmp_path
):
    """8 lines = loaded 5 + superseded 2 (A's older copies, lines 1 and 6) + quarantined 1 (the
    chat, line 7), read in one pass by DuckDB's JSON reader; the same lines followed by a blank
    line go through the careful reading, line by line, and give the same rows, quarantine and
    superseded records. F's extra key survives in its extra; phone numbers never appear."""
    import dataclasses

    from ecoute.etl.mapping import load_mapping, pack_path
    from ecoute.etl.shape import fast_source

    lines = _connect_lines()
    em = load_mapping(pack_path("amazon-connect")).for_entity("calls")
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n")
    (tmp_path / "b.jsonl").write_text("\n".join(lines) + "\n\n")
    assert fast_source(duckdb.connect(), tmp_path / "a.jsonl", em) is not None
    assert fast_source(duckdb.connect(), tmp_path / "b.jsonl", em) is None
    fast = _load_connect(settings, tmp_path / "fast", lines)
    careful_settings = dataclasses.replace(settings, warehouse=tmp_path / "careful.duckdb")
    careful = _load_connect(careful_settings, tmp_path / "careful", [*lines, ""])
    assert fast[0] == careful[0] == (8, 5, 2, 1)
    rows, quarantined, superseded = fast[1]
    assert (rows, quarantined) == (careful[1][0], careful[1][1])
    assert [r[0] for r in superseded] == [r[0] for r in careful[1][2]] == [1, 6]
    assert quarantined[0][0] == 7
    assert "s3://bucket/f.wav" in str(rows)
    assert "+32470123456" not in str(fast[1]) + str(careful[1])


def test_a_version_inside_an_object_ranks_copies_in_the_fast_reading(settings, tmp_path):
    """Ticket 7 arrives at versions 2, then 1 (a late re-delivery); ticket 8 once: read 3 =
    loaded 2 + superseded 1 (line 2, the older copy); ticket 7 keeps version 2's "pending",
    also when version 1 comes again in a later load."""
    rows = [
        {"id": 7, "meta": {"v": 2}, "opened": "2026-06-15T07:00:00Z", "status": "pending"},
        {"id": 7, "meta": {"v": 1}, "opened": "2026-06-15T07:00:00Z", "status": "open"},
        {"id": 8, "meta": {"v": 1}, "opened": "2026-06-16T07:00:00Z", "status": "open"},
    ]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "t.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "m.yaml").write_text(
        "entities:\n  tickets:\n    path: t.jsonl\n    format: jsonl\n    version: meta.v\n"
        "    columns: {ticket_id: id, opened_at: opened, status: status}\n"
        "    defaults: {customer_id: c1, category: other}\n"
    )
    (f,) = run_load(settings, tmp_path / "in", tmp_path / "m.yaml").files
    assert (f.read, f.loaded, f.superseded, f.quarantined) == (3, 2, 1, 0)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    assert con.execute("select line from meta.superseded").fetchall() == [(2,)]
    assert con.execute("select status from raw.tickets where ticket_id = '7'").fetchone() == (
        "pending",
    )
    con.close()
    # A later load re-delivers ticket 7 at version 1: older than the stored version 2 (the
    # path's value, kept in extra under its name `meta.v`), so superseded, never a roll-back.
    (tmp_path / "in" / "t.jsonl").write_text(json.dumps(rows[1]) + "\n")
    (f,) = run_load(settings, tmp_path / "in", tmp_path / "m.yaml").files
    assert (f.read, f.loaded, f.superseded) == (1, 0, 1)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    assert con.execute("select status from raw.tickets where ticket_id = '7'").fetchone() == (
        "pending",
    )


@pytest.mark.parametrize("blank_line", [False, True], ids=["fast", "careful"])
def test_a_vendor_key_starting_with_an_underscore_stays_in_extra(settings, tmp_path, blank_line):
    """Zendesk-style `_id` and `_note` are the record's own keys, not the reader's: both ticket
    rows keep them in `extra` (the fast reading, and the careful one a trailing blank line
    forces); only the reader's `_line`/`_path` are left out."""
    rows = [
        {"id": 7, "_id": "z-7", "opened": "2026-06-15T07:00:00Z", "_note": "vip"},
        {"id": 8, "_id": "z-8", "opened": "2026-06-16T07:00:00Z", "_note": None},
    ]
    text = "".join(json.dumps(r) + "\n" for r in rows) + ("\n" if blank_line else "")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "t.jsonl").write_text(text)
    (tmp_path / "m.yaml").write_text(
        "entities:\n  tickets:\n    path: t.jsonl\n    format: jsonl\n"
        "    columns: {ticket_id: id, opened_at: opened}\n"
        "    defaults: {customer_id: c1, category: other, status: open}\n"
    )
    (f,) = run_load(settings, tmp_path / "in", tmp_path / "m.yaml").files
    assert (f.read, f.loaded) == (2, 2)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    extra = dict(con.execute(
        "select ticket_id, extra::varchar from raw.tickets order by ticket_id"
    ).fetchall())  # fmt: skip
    assert '"_id":"z-7"' in extra["7"].replace(" ", "") and "vip" in extra["7"]
    assert '"_id":"z-8"' in extra["8"].replace(" ", "")
    assert "_line" not in extra["7"] and "_path" not in extra["7"]


def test_a_csv_column_starting_with_an_underscore_stays_in_extra(settings, tmp_path):
    """A CSV header `_note` is the operator's column: kept in `extra` like any other."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "tickets.csv").write_text(
        "ticket_id,customer_id,opened_at,category,status,_note\n"
        "T1,C1,2026-06-15 09:00:00,internet,open,call back first\n"
    )
    (f,) = run_load(settings, tmp_path / "in").files
    assert (f.read, f.loaded) == (1, 1)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    (extra,) = con.execute("select extra::varchar from raw.tickets").fetchone()
    assert "_note" in extra and "call back first" in extra


def test_untouched_keys_keep_their_json_in_extra_in_both_readings(settings, tmp_path):
    """A JSON Lines file read with paths (etl/shape.py). Ticket 7's `meta` object, `score` number and `tags` array go into `extra` as JSON (an
    object, a number, an array: not their text in a string); `kind`, which an expression reads,
    stays text; `phone` is hashed; `meta.customer`, read by customer_id, is not repeated in
    `extra`. The fast reading and the careful one (a trailing blank line)
    store the same `extra` and the same row hash."""
    import dataclasses

    row = {"id": 7, "opened": "2026-06-15T07:00:00Z", "kind": "web", "score": 4.5,
           "meta": {"agent": {"name": "A"}, "customer": "c1"}, "tags": ["x", "y"], "phone": "+32470123456"}  # fmt: skip
    (tmp_path / "m.yaml").write_text(
        "entities:\n  tickets:\n    path: t.jsonl\n    format: jsonl\n"
        "    columns: {ticket_id: id, opened_at: opened, customer_id: meta.customer}\n"
        "    expressions: {category: \"case when kind = 'web' then 'internet' end\"}\n"
        "    defaults: {status: open}\n"
    )
    found = []
    for name, tail in (("fast", ""), ("careful", "\n")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "t.jsonl").write_text(json.dumps(row) + "\n" + tail)
        at = dataclasses.replace(settings, warehouse=tmp_path / f"{name}.duckdb")
        (f,) = run_load(at, tmp_path / name, tmp_path / "m.yaml").files
        assert (f.read, f.loaded) == (1, 1)
        con = duckdb.connect(str(at.warehouse), read_only=True)
        found.append(con.execute(
            "select extra::varchar, _row_hash, json_type(extra, '$.meta'), extra ->> '$.meta.agent.name', "
            "json_type(extra, '$.score'), json_type(extra, '$.tags'), json_type(extra, '$.kind'), "
            "extra ->> 'phone', category, customer_id, json_exists(extra, '$.meta.customer') "
            "from raw.tickets"
        ).fetchone())  # fmt: skip
        con.close()
    assert found[0] == found[1]
    assert found[0][2:7] == ("OBJECT", "A", "DOUBLE", "ARRAY", "VARCHAR")
    assert found[0][7] not in (None, "+32470123456") and found[0][8] == "internet"
    # `meta.customer` is stored in customer_id, as a CSV column a field reads: not again in extra.
    assert found[0][9:] == ("c1", False)

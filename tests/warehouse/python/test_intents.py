"""build_message_intents against a real temporary DuckDB file."""

from pathlib import Path

import duckdb

from ecoute.warehouse.python.intents import build_message_intents


def seed(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema staging")
    con.execute(
        """create table staging.stg_messages (
            message_id varchar, customer_id varchar, received_at timestamptz,
            channel varchar, body varchar, subject varchar, language varchar)"""
    )
    con.execute(
        """insert into staging.stg_messages values
        ('m1', 'c1', '2024-01-02 10:00:00+00', 'email',
         'Plus d''internet, le technicien n''est jamais venu. Je vais résilier !', null, 'fr'),
        ('m2', 'c2', '2024-01-02 11:00:00+00', 'chat', 'Thanks, all fine now.', 'Re: ok', null),
        ('m3', 'c3', '2024-01-03 09:00:00+00', 'email', null, null, null)"""
    )


def test_build_message_intents_writes_both_tables(tmp_path: Path):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        seed(con)
        assert build_message_intents(con) == 3
    with duckdb.connect(str(path), read_only=True) as con:
        types = dict(
            con.execute(
                """select column_name, data_type from information_schema.columns
                where table_schema = 'intermediate' and table_name = 'int_messages__classified'"""
            ).fetchall()
        )
        assert types == {
            "message_id": "VARCHAR",
            "language": "VARCHAR",
            "severity": "DOUBLE",
            "intents": "VARCHAR[]",
        }
        m1 = con.execute(
            "select intents, severity from intermediate.int_messages__classified "
            "where message_id = 'm1'"
        ).fetchone()
        assert {"outage", "missed_appointment", "churn_threat"} <= set(m1[0])
        assert 0 < m1[1] <= 1
        phrases = con.execute(
            "select intent, phrase from intermediate.int_messages__intents where message_id='m1'"
        ).fetchall()
        assert ("missed_appointment", "technicien n'est jamais venu") in phrases
        # every intent keeps its language, its clause and how it was read
        evidence = con.execute(
            "select language, clause, method from intermediate.int_messages__intents "
            "where message_id = 'm1' and intent = 'churn_threat'"
        ).fetchone()
        assert evidence == ("fr", "Je vais résilier !", "pattern")


def test_rebuild_replaces_tables(tmp_path: Path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        seed(con)
        build_message_intents(con)
        con.execute("delete from staging.stg_messages where message_id = 'm1'")
        assert build_message_intents(con) == 2
        assert con.execute(
            "select count(*) from intermediate.int_messages__intents where message_id = 'm1'"
        ).fetchone() == (0,)

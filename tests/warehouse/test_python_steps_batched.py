"""The Python build steps read customers (and messages) in batches: tiny batches, with
customers straddling every batch boundary, must write exactly the tables one batch writes."""

from __future__ import annotations

import duckdb
import pytest

from ecoute.core.db import connect
from ecoute.core.settings import Settings, load_settings
from ecoute.demo import generate
from ecoute.etl.pipeline import run_load
from ecoute.warehouse.build import build_all, params_of, python_steps

# The tables each Python step writes.
STEP_TABLES = {
    "int_messages__classified": (
        "intermediate.int_messages__classified",
        "intermediate.int_messages__intents",
    ),
    "fct_compensation": ("core.fct_compensation",),
    "rpt_customers__risk": ("marts.rpt_customers__risk",),
}
TINY = {"batch_customers": 7, "batch_messages": 5}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[duckdb.DuckDBPyConnection, Settings]:
    """A demo world of 3,200 customers over 4 weeks, loaded and built in one batch per step.
    Seed 2: 23 messages (seed 5 wrote 11 once the demo's churn was re-planted, too few intents
    to straddle the message batches)."""
    root = tmp_path_factory.mktemp("batched")
    summary = generate(root / "exports", customers=3200, weeks=4, seed=2)
    settings = load_settings(warehouse=root / "ecoute.duckdb", environ={}).with_overrides(
        etl={"pii_key": "test-key", "progress": "never"},
        warehouse={"batch_customers": 1_000_000, "batch_messages": 1_000_000},
    )
    run_load(settings, root / "exports", summary.mapping)
    con = connect(settings)
    build_all(con, settings)
    yield con, settings
    con.close()


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    return con.execute(f"select * from {table} order by all").fetchall()


@pytest.mark.parametrize("step", sorted(STEP_TABLES))
def test_tiny_batches_write_the_same_rows_as_one_batch(built, step):
    con, settings = built
    whole = {table: _rows(con, table) for table in STEP_TABLES[step]}
    assert all(len(rows) > 10 for rows in whole.values())
    tiny = settings.with_overrides(warehouse=TINY)
    (run,) = [s.run for s in python_steps(tiny) if s.name == step]
    run(con, params_of(tiny))
    assert {table: _rows(con, table) for table in STEP_TABLES[step]} == whole


def test_tiny_batches_put_the_customers_in_many_batches(built):
    """The comparison above means something only if the rows were spread over batches."""
    con, _ = built
    customers = con.execute("select count(*) from staging.stg_customers").fetchone()[0]
    buckets = -(-customers // TINY["batch_customers"])
    spread = con.execute(
        f"select count(distinct hash(customer_id::varchar) % {buckets}) from core.fct_compensation"
    ).fetchone()[0]
    assert buckets > 50 and spread > 10

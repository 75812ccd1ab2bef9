"""Reading churn-risk scores (warehouse/python/risk_read.py) on the hand-written world of
tests/ecoute/risk: the build's cut-off comes from the mart as stored, any other is scored into a
temporary table, and a read writes nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os

import pytest

from ecoute.warehouse.python import risk_read
from ecoute.warehouse.python.risk_read import band_counts, scores_for_reading, top_records
from tests.ecoute.risk._fixtures import small_world
from tests.warehouse._warehouse_fixtures import settings_for


@pytest.fixture
def world(tmp_path):
    con = small_world(tmp_path)
    yield con, settings_for(tmp_path)
    con.close()


def _rows(con):
    return con.execute("select * from marts.rpt_customers__risk order by all").fetchall()


def test_the_builds_cutoff_is_read_as_stored(world):
    con, settings = world
    # The world's data ends in the ISO week of Monday 2026-03-16: the build scored that day.
    con.execute("update marts.rpt_customers__risk set score = 0.99 where customer_id = 'C3'")
    before = _rows(con)
    run = scores_for_reading(con, settings)
    assert (run.table, run.as_of, run.stored) == (
        "marts.rpt_customers__risk", dt.date(2026, 3, 16), True
    )
    top = top_records(con, run, 1)
    assert [(r["customer_id"], r["score"]) for r in top] == [("C3", 0.99)]  # read, not rescored
    assert sum(band_counts(con, run).values()) == 5
    assert _rows(con) == before


def test_another_cutoff_is_scored_into_a_temporary_table(world):
    con, settings = world
    before = _rows(con)
    run = scores_for_reading(con, settings, dt.date(2026, 3, 15))
    assert (run.table, run.as_of, run.stored) == ("temp.risk_scores", dt.date(2026, 3, 15), False)
    assert len(top_records(con, run, 0)) == 5
    assert _rows(con) == before


def test_learned_scores_older_than_the_model_are_not_read(world, tmp_path, monkeypatch):
    """In learned mode the stored scores count only if a build made them after the model was
    saved: a model trained after the build makes the reader score again."""
    con, settings = world
    con.execute("update marts.rpt_customers__risk set mode = 'learned'")
    model = tmp_path / "model.joblib"
    model.write_bytes(b"")
    cfg = dataclasses.replace(risk_read.risk_config(settings), mode="learned", model_path=model)
    monkeypatch.setattr(risk_read, "risk_config", lambda _settings: cfg)
    assert risk_read.stored_run(con, settings) is None  # the model file is newer than the build
    built = con.execute("select max(built_at) from meta.builds").fetchone()[0]
    old = built.timestamp() - 3600
    os.utime(model, (old, old))
    assert risk_read.stored_run(con, settings).stored

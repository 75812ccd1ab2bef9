"""The demo generator: same seed → same bytes; every file loads; the planted effects show."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from ecoute.demo import generate
from ecoute.etl.pipeline import run_load

OUTAGE_REGION = "Liège, Namur & Luxembourg"


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> tuple[Path, object]:
    """A small world whose four weeks include the planted cable cut."""
    out = tmp_path_factory.mktemp("demo") / "exports"
    return out, generate(out, customers=5000, weeks=4, seed=7)


def test_same_seed_same_files(tmp_path):
    a = generate(tmp_path / "a", customers=500, weeks=4, seed=11)
    generate(tmp_path / "b", customers=500, weeks=4, seed=11)
    ha, hb = _hashes(tmp_path / "a"), _hashes(tmp_path / "b")
    assert ha == hb
    assert {"customers.csv", "tickets.parquet", "appointments.csv", "messages.jsonl",
            "outages.csv", "notifications.csv"} <= set(ha)  # fmt: skip
    assert len([k for k in ha if k.startswith("calls/")]) == 4
    assert a.rows["calls"] > 0


def test_other_seed_other_files(tmp_path):
    generate(tmp_path / "a", customers=500, weeks=2, seed=1)
    generate(tmp_path / "b", customers=500, weeks=2, seed=2)
    assert _hashes(tmp_path / "a")["customers.csv"] != _hashes(tmp_path / "b")["customers.csv"]


def test_french_excel_appointments_file(world):
    out, _ = world
    raw = (out / "appointments.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    header = text.split("\r\n", 1)[0]
    assert header.startswith("N° RDV;N° client;N° ticket;Pris le;Date RDV;Début;Fin;Statut")
    assert "Annulé par opérateur" in text and "Non venu" in text and ";Oui;" in text


def test_every_file_loads_and_only_the_planted_rows_are_quarantined(world, settings):
    out, summary = world
    result = run_load(settings, out, summary.mapping)
    assert result.status == "completed"
    quarantined: dict[str, int] = {}
    for f in result.files:
        assert f.balanced
        quarantined[f.entity] = quarantined.get(f.entity, 0) + f.quarantined
    assert {k: v for k, v in quarantined.items() if v} == summary.corrupted
    assert summary.corrupted_total == 12
    assert result.total("duplicate") == summary.duplicates["calls"]
    read = {f.entity: 0 for f in result.files}
    for f in result.files:
        read[f.entity] += f.read
    assert read == {k: v for k, v in summary.rows.items()}


def _outage_weeks(out: Path) -> list[str]:
    con = duckdb.connect()
    start = con.execute(
        f"select started_at::timestamp from read_csv('{out}/outages.csv', all_varchar=true) "
        "where region = ? order by affected_customers desc limit 1",
        [OUTAGE_REGION],
    ).fetchone()[0]
    weeks = []
    for days in (0, 7):
        y, w, _ = (start.date() + __import__("datetime").timedelta(days=days)).isocalendar()
        weeks.append(f"{y}-W{w:02d}")
    return [w for w in weeks if (out / "calls" / f"{w}.csv.gz").exists()]


def test_outage_region_drops_more_calls_in_the_outage_weeks(world):
    out, _ = world
    files = [str(out / "calls" / f"{w}.csv.gz") for w in _outage_weeks(out)]
    rows = (
        duckdb.connect()
        .execute(
            f"select c.region = ? as outage_region, "
            "avg((k.disconnect_party = 'system')::int) as dropped_rate "
            f"from read_csv({files}, all_varchar=true) k "
            f"join read_csv('{out}/customers.csv', all_varchar=true) c using (customer_id) "
            "where k.direction = 'inbound' and k.answered_at is not null group by all",
            [OUTAGE_REGION],
        )
        .fetchall()
    )
    rate = dict(rows)
    assert rate[True] > 2 * rate[False]


def test_outage_region_repairs_take_longer_in_the_outage_weeks(world):
    out, _ = world
    weeks = _outage_weeks(out)
    rows = (
        duckdb.connect()
        .execute(
            "set TimeZone = 'Europe/Brussels';"
            f"select c.region, median(epoch(t.restored_at - t.opened_at) / 3600) as restore_h "
            f"from read_parquet('{out}/tickets.parquet') t "
            f"join read_csv('{out}/customers.csv', all_varchar=true) c using (customer_id) "
            "where t.restored_at is not null and t.category not in ('billing', 'other') "
            "and strftime(t.opened_at, '%G-W%V') in (select unnest(?)) group by all",
            [weeks],
        )
        .fetchall()
    )
    restore = dict(rows)
    others = [v for k, v in restore.items() if k != OUTAGE_REGION]
    assert restore[OUTAGE_REGION] > max(others)


def test_churn_follows_failures(tmp_path):
    """Customers whose technician did not come churn more often than the others."""
    import io

    import polars as pl

    out = tmp_path / "churn"
    summary = generate(out, customers=40_000, weeks=10, seed=3)
    assert summary.churned > 0
    appts = pl.read_csv(io.StringIO((out / "appointments.csv").read_bytes().decode("cp1252")),
                        separator=";", infer_schema=False)  # fmt: skip
    missed = set(appts.filter(pl.col("Statut") == "Non venu")["N° client"].to_list())
    customers = pl.read_csv(out / "customers.csv", infer_schema=False)
    churn = customers.with_columns(pl.col("customer_id").is_in(list(missed)).alias("missed")).group_by(
        "missed").agg(pl.col("churned_at").is_not_null().mean().alias("rate"))  # fmt: skip
    rate = dict(churn.iter_rows())
    assert rate[True] > 2 * rate[False]

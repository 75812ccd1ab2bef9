"""Any slice re-aggregates: summing numerators and denominators over the values of one
dimension gives the total, for every ratio, mean and count metric."""

from __future__ import annotations

import pytest

from tests.warehouse._warehouse_fixtures import CUSTOMERS, build, bxl, call

SLICE_SUMS = """
    with totals as (
        select week_start, metric, numerator, denominator from marts.rpt_metrics__weekly
        where region = '*' and dimension = 'all' and kind <> 'percentile'
    ),
    slices as (
        select week_start, metric, sum(numerator) as numerator, sum(denominator) as denominator
        from marts.rpt_metrics__weekly
        where {where} and kind <> 'percentile'
        group by all
    )
    select totals.metric, totals.numerator, slices.numerator, totals.denominator,
        slices.denominator
    from totals join slices using (week_start, metric)
    where totals.numerator is distinct from slices.numerator
       or totals.denominator is distinct from slices.denominator
"""


@pytest.fixture
def mixed(tmp_path):
    calls = [
        call(
            "A1",
            "2026-03-02 09:00",
            "2026-03-02 09:05",
            "C1",
            answered="2026-03-02 09:00:30",
            party="system",
            queue="tech",
            agent_id="AG1",
        ),
        call(
            "A2",
            "2026-03-02 10:00",
            "2026-03-02 10:05",
            "C2",
            answered="2026-03-02 10:00:05",
            party="agent",
            queue="billing",
            agent_id="AG2",
            ticket_id="T2",
        ),
        call("A3", "2026-03-03 10:00", "2026-03-03 10:01", "C3", party="customer", queue="tech"),
        call("A4", "2026-03-03 11:00", "2026-03-03 11:01", None, party="customer", queue="tech"),
        call(
            "A5",
            "2026-03-04 11:00",
            "2026-03-04 11:20",
            "C1",
            answered="2026-03-04 11:00:10",
            party="agent",
            queue="tech",
            agent_id="AG1",
        ),
    ]
    tickets = [
        {
            "ticket_id": "T1",
            "customer_id": "C1",
            "opened_at": bxl("2026-03-02 09:10"),
            "restored_at": bxl("2026-03-03 09:10"),
            "status": "resolved",
            "category": "internet",
        },
        {
            "ticket_id": "T2",
            "customer_id": "C2",
            "opened_at": bxl("2026-03-02 10:10"),
            "status": "open",
            "category": "tv",
        },
    ]
    appointments = [
        {
            "appointment_id": "V1",
            "customer_id": "C1",
            "ticket_id": "T1",
            "technician_id": "TE1",
            "booked_at": bxl("2026-03-02 09:20"),
            "window_start": bxl("2026-03-03 08:00"),
            "window_end": bxl("2026-03-03 18:00"),
            "status": "no_show",
        },
        {
            "appointment_id": "V2",
            "customer_id": "C2",
            "ticket_id": "T2",
            "technician_id": "TE2",
            "booked_at": bxl("2026-03-02 10:20"),
            "window_start": bxl("2026-03-04 08:00"),
            "window_end": bxl("2026-03-04 12:00"),
            "status": "completed",
            "arrived_at": bxl("2026-03-04 09:00"),
            "fixed": True,
        },
    ]
    return build(
        tmp_path,
        {"customers": CUSTOMERS, "calls": calls, "tickets": tickets, "appointments": appointments},
    )


@pytest.mark.parametrize("dimension", ["segment", "queue", "agent", "technician", "category"])
def test_dimension_slices_add_up_to_the_total(mixed, dimension):
    where = f"region = '*' and dimension = '{dimension}'"
    sums = mixed.execute(SLICE_SUMS.format(where=where)).fetchall()
    assert sums == []


def test_region_slices_add_up_to_the_total(mixed):
    sums = mixed.execute(SLICE_SUMS.format(where="region <> '*' and dimension = 'all'")).fetchall()
    assert sums == []
    # A4 has no customer: its calls land in region '(none)'
    regions = {
        r
        for (r,) in mixed.execute(
            "select distinct region from marts.rpt_metrics__weekly where metric = 'inbound_calls'"
        ).fetchall()
    }
    assert regions == {"*", "Liège", "Namur", "(none)"}


def test_daily_rows_add_up_to_the_week_for_flow_metrics(mixed):
    rows = mixed.execute("""
        select w.metric, w.numerator, sum(d.numerator)
        from marts.rpt_metrics__weekly w
        join marts.rpt_metrics__daily d
          on d.metric = w.metric and d.region = w.region and d.dimension = w.dimension
         and d.dimension_value = w.dimension_value
         and date_trunc('week', d.metric_date) = w.week_start
        where w.kind in ('ratio', 'mean') and w.region = '*' and w.dimension = 'all'
        group by all
        having w.numerator is distinct from sum(d.numerator)
    """).fetchall()
    assert rows == []

"""Synthetic scale check: N calls (default 10 million) → build → time one week's metrics.

    .venv/bin/python tests/warehouse/bench_metrics.py [N] [path]

Prints the build time and the time to read every metric of one week (the CLI's work), the
same week by region and by agent, and the worst customers. Data: one year, 1 % of calls
per customer-ish, 12 regions, 40 queues, 400 agents; tickets, visits and messages in proportion.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from ecoute.core.db import configure
from ecoute.core.settings import load_settings
from ecoute.etl.schema import create_raw_tables
from ecoute.reports.metrics import week_metrics, worst_customers
from ecoute.warehouse.build import build_all

_CALLS = """
insert into raw.calls (call_id, direction, started_at, ended_at, initiation, customer_id, queue,
    agent_id, queued_at, answered_at, disconnect_party, outcome, ticket_id)
select
    'K' || i,
    case when i % 10 = 0 then 'outbound' else 'inbound' end,
    t,
    t + to_seconds(30 + (hash(i) % 900)::bigint),
    case when i % 10 = 0 then 'callback' else 'inbound' end,
    case when i % 20 = 0 then null else 'C' || (hash(i * 7) % ?) end,
    'Q' || (i % 40),
    case when hash(i) % 8 = 0 then null else 'AG' || (hash(i * 3) % 400) end,
    t + interval 5 second,
    case when hash(i) % 8 = 0 then null else t + to_seconds(5 + hash(i * 5) % 60) end,
    case hash(i * 11) % 20 when 0 then 'system' when 1 then 'agent' else 'customer' end,
    'resolved',
    case when hash(i * 13) % 3 = 0 then null else 'T' || (hash(i * 17) % (? / 20)) end
from (
    select i, timestamptz '2025-07-01 00:00:00+00' + to_seconds((i * 31536000 // ?)::bigint) as t
    from range(?) r(i)
)
"""

_OTHERS = [
    """insert into raw.customers (customer_id, segment, region)
       select 'C' || i, case when i % 5 = 0 then 'business' else 'residential' end,
              'R' || (i % 12) from range(?) r(i)""",
    """insert into raw.tickets (ticket_id, customer_id, opened_at, status, category, restored_at,
           resolved_at, reopened_count, service_loss)
       select 'T' || i, 'C' || (hash(i) % ?), t,
              case when i % 50 = 0 then 'open' else 'resolved' end,
              ['internet', 'tv', 'mobile', 'wifi', 'billing', 'other'][1 + i % 6], r, r,
              (i % 17 = 0)::int, 'total'
       from (select i, timestamptz '2025-07-01 00:00:00+00'
                        + to_seconds((i * 31536000 // ?)::bigint) as t,
                    case when i % 50 = 0 then null
                         else timestamptz '2025-07-01 00:00:00+00'
                              + to_seconds((i * 31536000 // ?)::bigint + 3600 * (1 + hash(i) % 200))
                    end as r
             from range(?) r(i))""",
    """insert into raw.appointments (appointment_id, customer_id, ticket_id, booked_at,
           window_start, window_end, status, technician_id, arrived_at, fixed)
       select 'V' || i, 'C' || (hash(i) % ?), 'T' || (i * 2), t - interval 3 day, t,
              t + to_hours(case when i % 4 = 0 then 10 else 4 end),
              ['completed', 'completed', 'completed', 'no_show', 'cancelled_by_operator',
               'customer_absent'][1 + i % 6], 'TE' || (i % 150), t + interval 1 hour, i % 3 > 0
       from (select i, timestamptz '2025-07-01 06:00:00+00'
                        + to_seconds((i * 31536000 // ?)::bigint) as t
             from range(?) r(i))""",
    """insert into raw.messages (message_id, customer_id, received_at, channel, body)
       select 'M' || i, 'C' || (hash(i) % ?),
              timestamptz '2025-07-01 00:00:00+00' + to_seconds((i * 31536000 // ?)::bigint),
              'email', 'my internet is down again' from range(?) r(i)""",
]


def main(n_calls: int = 10_000_000, path: Path | None = None) -> None:
    path = path or Path(tempfile.mkdtemp()) / "bench.duckdb"
    settings = load_settings(warehouse=path, environ={})
    con = duckdb.connect(str(path))
    configure(con, settings)
    create_raw_tables(con)
    customers, tickets = n_calls // 10, n_calls // 20
    started = time.perf_counter()
    con.execute(_CALLS, [customers, n_calls, n_calls, n_calls])
    con.execute(_OTHERS[0], [customers])
    con.execute(_OTHERS[1], [customers, tickets, tickets, tickets])
    con.execute(_OTHERS[2], [customers, tickets // 2, tickets // 2])
    con.execute(_OTHERS[3], [customers, tickets, tickets])
    _say(f"generated {n_calls:,} calls in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    build_all(con, settings)
    _say(f"built the warehouse in {time.perf_counter() - started:.1f} s")
    con.close()

    con = duckdb.connect(str(path), read_only=True)
    configure(con, settings)
    week = dt.date(2026, 3, 2)
    for label, kwargs in [
        ("all metrics of a week", {}),
        ("  by region", {"by": "region"}),
        ("  by agent", {"by": "agent"}),
        ("  one region by queue", {"by": "queue", "region": "R3"}),
    ]:
        started = time.perf_counter()
        result = week_metrics(con, week, **kwargs)
        elapsed = time.perf_counter() - started
        _say(f"{label}: {elapsed:.3f} s ({len(result['metrics'])} metrics)")
    started = time.perf_counter()
    worst_customers(con, week, 20)
    _say(f"worst customers of a week: {time.perf_counter() - started:.3f} s")
    rows = con.execute("select count(*) from marts.rpt_metrics__weekly").fetchone()[0]
    size_gb = path.stat().st_size / 1e9
    _say(f"marts.rpt_metrics__weekly: {rows:,} rows; file {size_gb:.2f} GB")


def _say(line: str) -> None:
    print(line, flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000,
         Path(sys.argv[2]) if len(sys.argv) > 2 else None)

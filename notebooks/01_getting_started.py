# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Getting started: the warehouse in one line
#
# Écoute's warehouse holds every call, ticket, technician visit, message and notification of
# the operator, flagged once in SQL (dropped, missed, unlogged…), and the metrics computed from
# those flags in report-shaped marts. This notebook connects, shows what is there, and draws one
# chart. Everything else starts the same way:
#
# ```python
# from ecoute.reports import notebook as nb
# ```
#
# The warehouse file comes from the settings (`ECOUTE_WAREHOUSE`, else `ecoute.toml`, else
# `warehouse/ecoute.duckdb`); the connection is read-only, so nothing here can change the data.

# %%
from ecoute.reports import notebook as nb

nb.settings().warehouse

# %% [markdown]
# ## What is in the warehouse
#
# Analysts read two layers: **core** (one row per event, with its flags: `fct_calls`,
# `fct_appointments`, `fct_tickets`, `fct_contacts`, …) and **marts** (report-shaped:
# `rpt_metrics__weekly` / `__daily` hold every metric as numerator and denominator per slice,
# `rpt_customer__journey` each customer's story, `rpt_customers__worst_weekly` the week's worst
# treated customers).

# %%
nb.tables()

# %% [markdown]
# ## The metrics
#
# Each metric has one definition (`docs/metrics.md`), computed once in the warehouse. Its kind
# says how its value relates to numerator and denominator: ratios and means can be re-aggregated
# by summing both; percentiles cannot. The parameters below are those the marts were built with.

# %%
nb.metric_catalog()

# %%
nb.params()

# %% [markdown]
# ## One week, like `ecoute metrics`
#
# `nb.week()` is the last week with calls, each metric with the previous week's value, straight
# from `ecoute.reports.metrics.week_metrics`.

# %%
import polars as pl

last_week = nb.week()
last_week.filter(pl.col("kind") == "ratio").with_columns(
    change=pl.col("value") - pl.col("previous")
).head(12)

# %% [markdown]
# ## One chart: how the contact centre coped, week by week
#
# The grey band is the longest outage (the cable cut in the demo). Abandons rise and the service
# level falls while it lasts: the phones ring for a network problem the agents cannot fix.

# %%
series = nb.weekly(["abandon_rate", "service_level", "dropped_call_rate"])
nb.weekly_chart(series, "Contact centre, week by week")

# %% [markdown]
# ## Your own question in SQL
#
# `nb.sql` runs DuckDB SQL on the warehouse and returns a polars DataFrame. Count and slice the
# flags on the facts; for a metric's value, read the marts or use `nb.rate_by`, which counts a
# metric's flags exactly as the marts do — never write a metric's formula again.

# %%
nb.sql("""
    select queue, count(*) as calls, count(*) filter (where is_dropped) as dropped
    from core.fct_calls
    where is_inbound
    group by queue
    order by calls desc
""")

# %%
nb.rate_by("abandon_rate", "queue")

# %% [markdown]
# ## Where next
#
# - `02_dropped_calls.py` — dropped calls and callbacks, by hour, queue, agent; during outages.
# - `03_missed_visits.py` — missed technician visits, lead times and windows, teams, regions.
# - `04_repeat_contacts.py` — repeat contacts and the context lost by unlogged calls.
# - `05_repairs.py` — time to restore (ETSI p50/p80/p95) and the fault backlog.
# - `06_customer_journeys.py` — the worst stories of a week, drawn as timelines.
# - `07_churn.py` — the churn-risk model's evaluation and what drives it.

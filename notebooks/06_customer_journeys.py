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
# # Customer journeys: the worst stories of a week
#
# Rates hide people. `marts.rpt_customers__worst_weekly` ranks the customers whose week went
# worst by a weighted count of failures (an unannounced missed visit weighs 5, a dropped call
# without callback 3, a day without service 2…, see `docs/metrics.md`); the journey mart holds
# each customer's events in order. Here we read the stories behind the ranks of the outage week.

# %%
import plotly.express as px
import polars as pl

from ecoute.reports import notebook as nb
from ecoute.reports.metrics import WORST_REASONS

outage = nb.major_outage()
week = outage["week_start"]
week

# %% [markdown]
# ## The ten worst weeks of the outage week

# %%
worst = nb.worst(week, top=10)
worst

# %% [markdown]
# What made each week bad: the failures, stacked (counts, before weighting).

# %%
failures = list(WORST_REASONS)  # the worst-weeks mart's reasons, as the report words them
long = worst.unpivot(index=["rank", "customer_id"], on=failures, variable_name="failure")
fig = px.bar(
    long.filter(pl.col("value") > 0),
    x="customer_id",
    y="value",
    color="failure",
    title=f"What went wrong for the ten worst-treated customers, week of {week}",
)
fig.update_xaxes(categoryorder="array", categoryarray=worst["customer_id"].to_list())

# %% [markdown]
# ## The worst story, drawn
#
# One row per kind of event; red crosses are events where something went wrong (dropped,
# repeat, missed visit, unlogged…), the pale red bar is the time without service. Hover for the
# details: queue, agent, waiting time, what the ticket said.

# %%
first = worst["customer_id"][0]
nb.journey_timeline(first)

# %%
nb.journey(first).select("local_at", "kind", "id", "flags", "detail")

# %% [markdown]
# **Reading it.** The pattern to look for: service lost, calls that wait or drop, a visit that
# slips or is missed, more calls, each to a new agent who cannot see the last one. The rank is
# the sum; the timeline shows the order, which is what the customer lived.
#
# ## Two more from the same week

# %%
for customer in worst["customer_id"][1:3]:
    nb.journey_timeline(customer).show()

# %% [markdown]
# ## And an ordinary week
#
# The worst stories of the last week with data: without an outage, the top is made of missed
# visits and repeat calls rather than days without service.

# %%
quiet = nb.worst(nb.weeks()[-1], top=5)
quiet

# %%
nb.journey_timeline(quiet["customer_id"][0])

# %% [markdown]
# ## What to check next
#
# - Any customer: `nb.journey_timeline("<customer_id>")`, or `ecoute customer <id>`.
# - As of a date (what the agent could have known then): `nb.journey(id, as_of=date)`.
# - Are the worst-treated customers the ones who leave? `07_churn.py`.

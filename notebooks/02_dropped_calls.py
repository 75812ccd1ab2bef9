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
# # Dropped calls and callbacks
#
# A dropped call is an answered call the platform cut (`disconnect_party` in
# `dropped_parties`, default `system`). It hurts twice: the customer loses the conversation, and
# unless we call back within the callback window (2 h) they have to call again and queue again.
# Questions: when do calls drop, in which queues, with which agents, and what happens during
# outages? Did we call back?

# %%
import plotly.express as px
import polars as pl

from ecoute.reports import notebook as nb

outage = nb.major_outage()
outage

# %% [markdown]
# ## Week by week
#
# The dropped-call rate and what happened after a drop: called back by us
# (`callback_rate_after_drop`), or the customer had to call again first
# (`customer_recall_after_drop`). The grey band is the longest outage.

# %%
nb.weekly_chart(
    nb.weekly(["dropped_call_rate", "callback_rate_after_drop", "customer_recall_after_drop"]),
    "Drops and what followed them",
)

# %% [markdown]
# **What we see.** The drop rate jumps in the week of the long outage, and in the same week
# fewer dropped customers get a callback: the agents who would call back are the ones drowning
# in the surge. Drops and missing callbacks come together, so the harm compounds.

# %% [markdown]
# ## By hour of day
#
# The marts hold days and weeks, not hours; `nb.rate_by` counts the same flags over the same
# population, grouped by anything — here the local hour the call started, for the outage week
# against every other week.

# %%
in_week = f"date_trunc('week', period_date)::date = DATE '{outage['week_start']}'"
by_hour = nb.rate_by(
    "dropped_call_rate",
    ["hour(local_at(started_at)) as hour", f"{in_week} as outage_week"],
)
fig = px.line(
    by_hour.sort("hour"),
    x="hour",
    y="value",
    color="outage_week",
    markers=True,
    title="Dropped-call rate by local hour",
    labels={"value": "dropped-call rate"},
)
fig.update_yaxes(tickformat=".1%")

# %% [markdown]
# ## By queue
#
# Queues by language and need. During the outage week the French technical queue takes the
# surge from the affected region.

# %%
by_queue = nb.rate_by("dropped_call_rate", ["queue", f"{in_week} as outage_week"])
fig = px.bar(
    by_queue,
    x="queue",
    y="value",
    color="outage_week",
    barmode="group",
    hover_data=["numerator", "denominator"],
    title="Dropped-call rate by queue",
)
fig.update_yaxes(tickformat=".1%")

# %% [markdown]
# ## By agent
#
# Drops are cut by the platform, not by the agent: an agent's drop rate mostly reflects the
# queue they work and when. Agents far above their queue's line deserve a look at their
# equipment or site, not a talk.

# %%
by_agent = nb.rate_by("dropped_call_rate", ["agent_id", "queue"]).filter(
    pl.col("denominator") >= 20
)
queue_rate = nb.rate_by("dropped_call_rate", "queue").select("queue", queue_value="value")
by_agent = by_agent.join(queue_rate, on="queue").with_columns(
    above_queue=pl.col("value") - pl.col("queue_value")
)
fig = px.scatter(
    by_agent,
    x="denominator",
    y="value",
    color="queue",
    hover_name="agent_id",
    labels={"denominator": "answered calls", "value": "dropped-call rate"},
    title="Agents: answered calls vs drop rate",
)
fig.update_yaxes(tickformat=".1%")

# %%
by_agent.sort("above_queue", descending=True).head(5)

# %% [markdown]
# ## Drops during outages
#
# `in_outage(region, instant)` (a SQL macro of the helper) says whether an outage of the
# customer's region was under way when the call started. Calls during an outage drop far more
# often, and the customers dropped then are less often called back.

# %%
during = nb.rate_by("dropped_call_rate", "in_outage(region, started_at) as during_outage")
callbacks = nb.rate_by("callback_rate_after_drop", "in_outage(region, started_at) as during_outage")
during.join(callbacks, on="during_outage", suffix="_callback").select(
    "during_outage",
    drop_rate="value",
    answered="denominator",
    callback_rate="value_callback",
    drops_due="denominator_callback",
)

# %%
by_region = nb.rate_by(
    "dropped_call_rate", ["region", "in_outage(region, started_at) as during_outage"]
).filter(pl.col("region").is_not_null())
fig = px.bar(
    by_region,
    x="region",
    y="value",
    color="during_outage",
    barmode="group",
    hover_data=["numerator", "denominator"],
    title="Dropped-call rate by region, in and out of outages",
)
fig.update_yaxes(tickformat=".0%")

# %% [markdown]
# ## What to check next
#
# - Were the dropped customers of the outage called back later than the window, or never?
#   `core.fct_calls.first_callback_at` against `ended_at`.
# - Did the dropped customers without callback write in? `06_customer_journeys.py` shows them.
# - The platform's own logs: drops clustered on a few agents may be a site or headset problem.

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
# # Repeat contacts and lost context
#
# A customer who contacts us again within 7 days was not helped the first time. If the previous
# call left no ticket reference, the next agent cannot see what was said and the customer starts
# over: that is *context loss*. Questions: how often do customers come back, which queues leave
# nothing behind, and which unlogged calls lead to repeats?

# %%
import plotly.express as px
import polars as pl

from ecoute.reports import notebook as nb

# %%
nb.weekly_chart(
    nb.weekly(["repeat_contact_rate", "context_loss_rate", "unlogged_call_rate", "fcr_rate"]),
    "Repeat contacts, lost context, unlogged calls, first-contact resolution",
)

# %% [markdown]
# **What we see.** Most contacts of the demo's customers are repeats (a few heavy callers
# call again and again), and about a third of the repeats follow an answered call nobody
# logged. Repeats climb after the long outage (customers call while they wait for the repair);
# the unlogged share barely moves: it is a habit, not an incident.
#
# ## Which queues leave nothing behind

# %%
unlogged = nb.rate_by("unlogged_call_rate", "queue").rename({"value": "unlogged_call_rate"})
lost = nb.rate_by("context_loss_rate", "queue").select("queue", context_loss_rate="value")
queues = unlogged.join(lost, on="queue", how="left").sort("unlogged_call_rate", descending=True)
fig = px.bar(
    queues,
    x="queue",
    y=["unlogged_call_rate", "context_loss_rate"],
    barmode="group",
    title="Unlogged calls and context loss by queue",
)
fig.update_yaxes(tickformat=".0%")

# %% [markdown]
# ## Which unlogged calls lead to repeats
#
# `fcr_rate` is the share of answered calls *not* followed by another contact within the repeat
# window; one minus it is the share that came back. Split by whether the call was logged on a
# ticket, and by the reason of the call: the gap between logged and unlogged is the price of not
# logging, reason by reason.

# %%
fcr = nb.rate_by("fcr_rate", ["reason", "is_unlogged"]).with_columns(
    came_back=1 - pl.col("value"),
    logged=pl.when(pl.col("is_unlogged")).then(pl.lit("unlogged")).otherwise(pl.lit("logged")),
)
fig = px.bar(
    fcr,
    x="reason",
    y="came_back",
    color="logged",
    barmode="group",
    hover_data=["denominator"],
    title="Share of answered calls followed by another contact",
)
fig.update_yaxes(tickformat=".0%")

# %%
gap = (
    fcr.pivot(on="logged", index="reason", values="came_back")
    .with_columns(extra_repeats=pl.col("unlogged") - pl.col("logged"))
    .join(
        fcr.filter(pl.col("logged") == "unlogged").select("reason", unlogged_calls="denominator"),
        on="reason",
    )
    .sort("extra_repeats", descending=True, nulls_last=True)
)
gap

# %% [markdown]
# The reasons at the top are where logging pays most: an unlogged call of that kind is much
# more likely to be followed by another contact. Multiply `extra_repeats` by `unlogged_calls` for
# the contacts a logging habit would save.
#
# ## Same split by queue

# %%
by_queue = nb.rate_by("fcr_rate", ["queue", "is_unlogged"]).with_columns(
    came_back=1 - pl.col("value")
)
by_queue.pivot(on="is_unlogged", index="queue", values="came_back")

# %% [markdown]
# ## What to check next
#
# - Repeats by customer: heavy callers dominate. `core.fct_contacts` grouped by `customer_id`.
# - Messages count as contacts too: `core.fct_contacts.contact_kind`.
# - The customers who repeated themselves most this week are in `06_customer_journeys.py`.

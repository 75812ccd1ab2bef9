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
# # Repairs: time to restore and the backlog
#
# When service breaks, the customer counts the hours. Time to restore is restored (else
# resolved) − opened, over fault tickets; following ETSI EG 202 057 we look at the median and at
# the 80th and 95th percentiles, because the long tail is where customers give up. Questions:
# what does the distribution look like, how long is the tail, how many faults are still open and
# for how long?

# %%
import plotly.express as px
import polars as pl

from ecoute.reports import notebook as nb

outage = nb.major_outage()

# %% [markdown]
# ## The distribution
#
# Every restore time of the period (`nb.values_of` reads the population the percentile metrics
# are taken over), on a log scale: most faults are fixed within hours, a long tail takes days.
# The dotted lines are the p50/p80/p95 of the whole period (`nb.percentiles_by`).

# %%
restores = nb.values_of(
    "time_to_restore_h",
    columns=["category", "outage_id is not null as linked_to_outage"],
)
overall = nb.percentiles_by("time_to_restore_h").row(0, named=True)
fig = px.histogram(
    restores.with_columns(pl.col("value").clip(lower_bound=0.1)),
    x="value",
    color="linked_to_outage",
    log_x=True,
    nbins=60,
    labels={"value": "hours to restore"},
    title="Time to restore (fault tickets)",
)
for name in ("time_to_restore_p50_h", "time_to_restore_p80_h", "time_to_restore_p95_h"):
    fig.add_vline(
        x=overall[name],
        line_dash="dot",
        annotation_text=f"{name.split('_')[-2]} {overall[name]:.0f} h",
    )
fig

# %% [markdown]
# ## ETSI percentiles, week by week
#
# From the weekly mart (percentiles are computed per week and cannot be averaged across weeks).

# %%
nb.weekly_chart(
    nb.weekly(["time_to_restore_p50_h", "time_to_restore_p80_h", "time_to_restore_p95_h"]),
    "Time to restore, hours (p50, p80, p95)",
    percent=False,
)

# %% [markdown]
# **What we see.** The median moves little; the p80 and p95 carry the incidents. Faults linked
# to the long outage are restored together when the trunk is repaired, which lifts the week's
# p50; the overloaded technicians afterwards stretch the tail for the rest of the region.
#
# ## By region and category, over the whole period

# %%
nb.percentiles_by("time_to_restore_h", ["region"]).sort("time_to_restore_p95_h", descending=True)

# %%
nb.percentiles_by("time_to_restore_h", ["category"]).sort("time_to_restore_p95_h", descending=True)

# %% [markdown]
# ## Restored within the target
#
# The target: restored before the end of the second working day after the day reported
# (Belgian public holidays excluded), per region.

# %%
nb.weekly_chart(
    nb.weekly("restored_within_target", dimension="region"),
    "Faults restored within target, by region",
    color="region",
)

# %% [markdown]
# ## The backlog
#
# Fault tickets still open at the end of each day, by age. A healthy backlog is mostly young;
# after the outage the 3–7 and 8–14 day buckets swell, and they drain slowly.

# %%
ages = [f"open_fault_backlog.{age}" for age in ("age_le_2d", "age_3_7d", "age_8_14d", "age_gt_14d")]
backlog = nb.daily(ages).with_columns(age=pl.col("metric").str.replace("open_fault_backlog.", ""))
fig = px.area(
    backlog,
    x="metric_date",
    y="value",
    color="age",
    labels={"value": "open fault tickets", "metric_date": "day"},
    title="Open fault backlog at the end of each day, by age",
)
nb.shade_outages(fig)

# %% [markdown]
# ## What to check next
#
# - The tickets of the tail: `core.fct_tickets` ordered by `restore_h`, with their visits
#   (`first_visit_id`, `has_refix_visit`) — were they waiting for a technician?
# - Compensation owed for the long repairs (the `be_outage_2024` rule pack).
# - The customers who waited longest this week: `06_customer_journeys.py`.

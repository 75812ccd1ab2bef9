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
# # Missed visits and appointment windows
#
# A customer takes a morning off for a technician who does not come: a no-show, a cancellation
# by us less than 24 h before, or a late arrival. Worse when nobody told them. Questions: does
# booking far ahead make a miss more likely? Do whole-day windows help? Which technician teams
# and which regions miss most?

# %%
import plotly.express as px
import polars as pl

from ecoute.reports import notebook as nb

# A technician's team is the prefix of their id (e.g. HAI-C-07 is in team HAI-C).
TEAM = "regexp_extract(technician_id, '^(.*)-[0-9]+$', 1)"

# %% [markdown]
# ## Week by week, by region
#
# The missed-visit rate per region from the weekly mart. The grey band is the longest outage.

# %%
nb.weekly_chart(
    nb.weekly("missed_visit_rate", dimension="region"),
    "Missed-visit rate by region",
    color="region",
)

# %% [markdown]
# **What we see.** The region of the long outage misses far more visits in the weeks after
# it: the technicians are overloaded for days, so visits are cancelled late, slip, or simply do
# not happen. Lead times stretch at the same moment:

# %%
nb.weekly_chart(
    nb.weekly(["median_lead_time_days", "p90_lead_time_days"], region=nb.major_outage()["region"]),
    f"Lead time (days) in {nb.major_outage()['region']}",
    percent=False,
)

# %% [markdown]
# ## Lead time vs miss rate
#
# Lead time is how far ahead the visit was booked (window start − booking). Grouped by whole
# days (two weeks and more together), with the number of visits due in each group.

# %%
by_lead = nb.rate_by("missed_visit_rate", "least(floor(lead_time_days), 14)::int as lead_days")
fig = px.bar(
    by_lead,
    x="lead_days",
    y="value",
    hover_data=["numerator", "denominator"],
    labels={"lead_days": "booked … days ahead (14 = two weeks or more)", "value": "missed"},
    title="Missed-visit rate by lead time",
)
fig.update_yaxes(tickformat=".0%")

# %% [markdown]
# ## Whole-day windows
#
# A whole-day window (08:00–18:00) is a day off for the customer. Are they at least kept more
# often than half-day windows? In the demo they are not: the overloaded teams book whole days
# *and* miss them.

# %%
nb.rate_by("missed_visit_rate", "is_wide_window")

# %% [markdown]
# ## Technician teams
#
# Missed visits, late arrivals and unannounced misses per team, over the whole period. Two
# teams stand out in the demo; the first-time-fix rate per technician comes from the mart.

# %%
teams = (
    nb.rate_by("missed_visit_rate", f"{TEAM} as team", where="technician_id is not null")
    .rename({"value": "missed_visit_rate", "denominator": "visits_due"})
    .join(
        nb.rate_by("window_adherence", f"{TEAM} as team", where="technician_id is not null").select(
            "team", window_adherence="value"
        ),
        on="team",
    )
    .sort("missed_visit_rate", descending=True)
)
fig = px.bar(
    teams,
    x="team",
    y="missed_visit_rate",
    hover_data=["visits_due", "window_adherence"],
    title="Missed-visit rate by technician team",
)
fig.update_yaxes(tickformat=".0%")

# %%
ftf = nb.weekly("first_time_fix_rate", dimension="technician").with_columns(
    team=pl.col("dimension_value").str.replace(r"-[0-9]+$", "")
)
ftf_team = (
    ftf.group_by("team")
    .agg(pl.col("numerator").sum(), pl.col("denominator").sum())
    .with_columns(first_time_fix_rate=pl.col("numerator") / pl.col("denominator"))
    .sort("first_time_fix_rate")
)
ftf_team.join(teams.select("team", "missed_visit_rate"), on="team", how="left")

# %% [markdown]
# Ratios re-aggregate by summing numerators and denominators (the mart stores both for this
# reason): the team's first-time-fix rate above is the technicians' fixed tickets over their
# visited tickets, not an average of rates.
#
# ## Were customers told?
#
# `unannounced_miss_rate`: of the missed visits, the share where nobody told the customer before
# the window started.

# %%
nb.rate_by("unannounced_miss_rate", ["status"]).sort("denominator", descending=True)

# %% [markdown]
# ## What to check next
#
# - The team is read from the technician id; the field tool exports an `Équipe` column (kept in
#   `staging.stg_appointments.extra`). If teams and ids ever disagree, the fact should carry it.
# - Late operator cancellations: how many came with a new slot the customer accepted?
# - Missed visits feed churn: see `07_churn.py`.

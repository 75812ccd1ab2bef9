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
# # Churn: who is about to leave, and why
#
# The churn-risk step (`ecoute/risk`, `docs/churn.md`) scores every active customer: a score in
# [0, 1], a band and its top reasons in words. With churn labels it trains a calibrated model and
# evaluates it out of time, next to the transparent rules. This notebook reads what that step
# stored — `marts.rpt_customers__risk`, `marts.rpt_risk__evaluation`,
# `marts.rpt_risk__calibration` — and, independently of any model, looks at which failures come
# before customers leave.

# %%
import plotly.express as px
import plotly.graph_objects as go
import polars as pl
from IPython.display import display

from ecoute.reports import notebook as nb

RISK_TABLES = [
    "marts.rpt_customers__risk",
    "marts.rpt_risk__evaluation",
    "marts.rpt_risk__calibration",
]
present = {t: nb.has_table(t) for t in RISK_TABLES}
HAS_SCORES = present["marts.rpt_customers__risk"]
HAS_EVALUATION = present["marts.rpt_risk__evaluation"] and present["marts.rpt_risk__calibration"]
if not all(present.values()):
    missing = ", ".join(f"`{t}`" for t, ok in present.items() if not ok)
    nb.note(
        f"**The churn-risk marts are not built yet** ({missing} missing): the sections that "
        "need them are skipped. Score customers and train the model with the risk step "
        "(`ecoute risk …`, see `docs/churn.md`), then run this notebook again. The last section, "
        "failures before leaving, reads the core tables and runs anyway."
    )
present

# %% [markdown]
# ## How good is the model? (held-out customers)
#
# ROC AUC ranks; precision at capacity is what the retention team lives with: of the customers
# it can call, how many were really about to leave. The rules are scored on the same customers,
# so the model has to beat a transparent baseline to earn its place.

# %%
if HAS_EVALUATION:
    evaluation = nb.sql(
        "select * from marts.rpt_risk__evaluation "
        "where trained_as_of = (select max(trained_as_of) from marts.rpt_risk__evaluation)"
    )
    columns = ["mode", "model", "split", "test_cutoff", "n_test", "positives_test", "base_rate",
               "roc_auc", "average_precision", "precision_at_capacity", "recall_at_capacity",
               "value_eur"]  # fmt: skip
    nb.note(f"Trained as of {evaluation['trained_as_of'][0]}, split: {evaluation['split'][0]}.")
    display(evaluation.select([c for c in columns if c in evaluation.columns]))
    figures = evaluation.unpivot(
        index="mode",
        on=["roc_auc", "average_precision", "precision_at_capacity", "recall_at_capacity"],
        variable_name="figure",
    )
    px.bar(
        figures,
        x="figure",
        y="value",
        color="mode",
        barmode="group",
        title="Learned model vs rules on held-out customers",
    ).show()

# %% [markdown]
# ## Is a score of 0.2 really a one-in-five chance?
#
# Calibration: customers in equal-count bins of the score, mean score against the share who
# actually left. On the diagonal, a score means what it says — which the retention team needs
# to decide whom to call.

# %%
if HAS_EVALUATION:
    calibration = nb.sql(
        "select * from marts.rpt_risk__calibration "
        "where trained_as_of = (select max(trained_as_of) from marts.rpt_risk__calibration) "
        "order by mode, bin"
    )
    fig = px.line(
        calibration,
        x="mean_score",
        y="observed_rate",
        color="mode",
        markers=True,
        hover_data=["bin", "n"],
        title="Calibration on held-out customers",
    )
    top = max(calibration["mean_score"].max(), calibration["observed_rate"].max())
    fig.add_trace(go.Scatter(x=[0, top], y=[0, top], mode="lines", name="perfect",
                             line={"dash": "dot", "color": "grey"}))  # fmt: skip
    fig.show()

# %% [markdown]
# ## Today's scores and what drives them
#
# The latest cut-off's scores by band, and the reasons given for the customers at risk: each
# reason is a failure we caused, in words a retention agent can say to the customer.

# %%
if HAS_SCORES:
    scores = nb.sql(
        "select * from marts.rpt_customers__risk "
        "where as_of = (select max(as_of) from marts.rpt_customers__risk)"
    )
    display(
        scores.group_by("band", "mode").agg(customers=pl.len(), mean_score=pl.col("score").mean())
    )
    reasons = (
        scores.filter(pl.col("band") != "low")
        .explode("reasons")
        .drop_nulls("reasons")
        # a reason is a code and a value (docs/churn.md): counted per code
        .with_columns(reason=pl.col("reasons").struct.field("code"))
        .group_by("reason")
        .agg(customers=pl.len())
        .sort("customers", descending=True)
        .head(15)
    )
    if reasons.is_empty():
        nb.note("No customer is in the medium or high band at this cut-off.")
    else:
        px.bar(reasons, x="customers", y="reason", orientation="h",
               title="Reasons given for medium and high risk (by reason code)").update_yaxes(
            categoryorder="total ascending").show()  # fmt: skip

# %%
if HAS_SCORES:
    display(scores.head(10))

# %% [markdown]
# ## Failures before leaving (no model needed)
#
# For every customer, the failures of each kind over the whole period (summed from the weekly
# worst-treated mart), and whether they left (`core.dim_customers.churned_at`). The share who
# left among customers who suffered a failure, against those who did not. This is descriptive:
# customers who leave early stop accumulating failures, so it understates the effect.

# %%
failures = [
    "missed_unannounced_visits",
    "missed_announced_visits",
    "dropped_without_callback",
    "restore_targets_missed",
    "context_losses",
    "reopened_tickets",
]
per_customer = nb.sql(f"""
    select
        c.customer_id,
        c.churned_at is not null as churned,
        {", ".join(f"coalesce(sum(w.{f}), 0) > 0 as had_{f}" for f in failures)}
    from core.dim_customers as c
    left join marts.rpt_customers__worst_weekly as w using (customer_id)
    where not c.is_unknown
    group by all
""")
left_share = pl.concat(
    [
        per_customer.group_by(pl.col(f"had_{f}").alias("had_failure"))
        .agg(customers=pl.len(), left=pl.col("churned").mean())
        .with_columns(failure=pl.lit(f))
        for f in failures
    ]
)
fig = px.bar(
    left_share,
    x="failure",
    y="left",
    color="had_failure",
    barmode="group",
    hover_data=["customers"],
    title="Share of customers who left, with and without each failure",
)
fig.update_yaxes(tickformat=".1%")

# %% [markdown]
# **What we see.** Customers who had a visit missed without warning, or a dropped call nobody
# returned, leave several times more often than the others — which is what the risk step learns
# and what its reasons say.
#
# ## What to check next
#
# - The customers in the high band: their stories with `nb.journey_timeline(id)`.
# - Compensation owed to them, before they ask (`docs/compensation.md`).
# - The model's evaluation page written by the training step (`[risk] report_path`).

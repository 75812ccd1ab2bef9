"""Churn risk: who is about to leave, and why (docs/churn.md).

Features come from the warehouse model ``core.dim_customers__risk_features`` as of a
cut-off date. ``rules`` scores them with transparent configured weights (no labels needed);
``learned`` trains a calibrated scikit-learn model on ``customers.churned_at``; the
warehouse's Python model (warehouse/python/risk.py) reads features and writes
``marts.rpt_customers__risk``.
"""

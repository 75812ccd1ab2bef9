-- The build's churn-risk cut-off (docs/churn.md), the default of every reader.
select as_of_date from intermediate.int_customers__risk_cutoff

-- Does the risk mart hold the build's scores for this cut-off, in this mode, made after the
-- trained model was saved? One row: how many customers (0: a reader scores them itself).
-- {as_of}, {mode} and {model_saved_at} (null in rules mode) are literals.
select count(*) as customers
from marts.rpt_customers__risk
where as_of = {as_of}
  and mode = {mode}
  and ({model_saved_at} is null or (select max(built_at) from meta.builds) >= {model_saved_at})

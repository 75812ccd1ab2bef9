-- The score of the ({offset} + 1)-th riskiest customer of one scoring run (no row when fewer were
-- scored): the high band's floor (ecoute.risk.rules.population_cutoffs). {table}, {as_of}: as
-- in top.sql.
select score
from {table}
where as_of is not distinct from {as_of}
order by score desc
limit 1 offset {offset}

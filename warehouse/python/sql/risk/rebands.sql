-- The bands of one scoring run once all its batches are in: they depend on the whole
-- population (the high band is the top [risk] high_band_size), which no batch sees.
-- {low}, {high}: ecoute.risk.rules.population_cutoffs; {table}, {as_of}: as in top.sql.
update {table}
set band = case when score >= {high}::double then 'high' when score >= {low}::double then 'medium' else 'low' end
where as_of is not distinct from {as_of}

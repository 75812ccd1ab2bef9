-- Customers per band of one scoring run. {table}, {as_of}: as in top.sql.
select band, count(*) as customers
from {table}
where as_of is not distinct from {as_of}
group by band

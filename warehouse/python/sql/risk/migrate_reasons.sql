-- A risk table from before reasons were data: each English sentence becomes a reason of code
-- 'text' holding it, so the history's rows keep what they said. {table}, {type}.
alter table {table} alter reasons set data type {type}
using list_transform(reasons, r -> {{'code': 'text', 'value': null::double, 'text': r}})

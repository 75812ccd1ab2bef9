{'nonnull': count(${column}),
 'unexpected': count(*) filter (where ${column} in (
     select ${column} from ${batch} group by all having count(*) > 1)),
 'sample': min(${column}, 5) filter (where ${column} in (
     select ${column} from ${batch} group by all having count(*) > 1))}

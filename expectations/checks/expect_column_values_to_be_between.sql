{'nonnull': count(${column}),
 'unexpected': count(*) filter (where not (coalesce(${column} ${min_op} ${min_value}, true)
                                          and coalesce(${column} ${max_op} ${max_value}, true))),
 'sample': min(${column}, 5) filter (where not (coalesce(${column} ${min_op} ${min_value}, true)
                                                and coalesce(${column} ${max_op} ${max_value}, true)))}

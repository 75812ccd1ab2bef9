{'nonnull': count(${column}),
 'unexpected': count(*) filter (where list_contains(${value_set}, ${column})),
 'sample': min(${column}, 5) filter (where list_contains(${value_set}, ${column}))}

{'nonnull': count(${column}),
 'unexpected': count(*) filter (where not list_contains(${value_set}, ${column})),
 'sample': min(${column}, 5) filter (where not list_contains(${value_set}, ${column}))}

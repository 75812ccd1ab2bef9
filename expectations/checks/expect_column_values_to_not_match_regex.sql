{'nonnull': count(${column}),
 'unexpected': count(*) filter (where regexp_matches(${column}, ${regex})),
 'sample': min(${column}, 5) filter (where regexp_matches(${column}, ${regex}))}

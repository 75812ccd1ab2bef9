{'nonnull': count(${column}),
 'unexpected': count(*) filter (where not regexp_matches(${column}, ${regex})),
 'sample': min(${column}, 5) filter (where not regexp_matches(${column}, ${regex}))}

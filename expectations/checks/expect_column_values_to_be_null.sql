{'unexpected': count(${column}),
 'sample': min(${column}, 5)}

{'unexpected': count(*) filter (where ${column} is null)}

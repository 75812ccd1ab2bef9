{'observed': avg(${column})}

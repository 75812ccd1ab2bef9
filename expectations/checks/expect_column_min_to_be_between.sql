{'observed': min(${column})}

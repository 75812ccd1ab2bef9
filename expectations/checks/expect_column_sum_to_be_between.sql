{'observed': sum(${column})}

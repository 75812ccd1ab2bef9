{'observed': max(${column})}

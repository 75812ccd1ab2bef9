{'observed': median(${column})}

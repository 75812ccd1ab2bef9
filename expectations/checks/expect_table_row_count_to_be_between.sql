{'observed': count(*)}

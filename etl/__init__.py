"""Écoute's ETL: exports → mapping → row rules → ``raw`` schema, losing nothing.

Each source entity has its own module declaring its contract; the shared steps are
``extract`` (find and read files), ``clean`` (pure: typed SQL and row rules) and ``load``
(idempotent merge with accounting). ``SOURCES`` lists them in load order.
"""

from ecoute.etl import appointments, calls, customers, messages, notifications, outages, tickets

SOURCES = {
    m.ENTITY.name: m.ENTITY
    for m in (customers, outages, tickets, calls, appointments, messages, notifications)
}

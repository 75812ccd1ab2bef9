"""Outages (optional): known network incidents."""

from ecoute.etl.contract import Entity, _f, _not_before

ENTITY = Entity(
    name="outages",
    key="outage_id",
    optional=True,
    fields=(
        _f("outage_id", "id", True),
        _f("started_at", "ts", True),
        _f("ended_at", "ts"),
        _f("region", "text"),
        _f("cause", "text"),
        _f("affected_customers", "int"),
    ),
    rules=(_not_before("ended_at", "started_at"),),
)

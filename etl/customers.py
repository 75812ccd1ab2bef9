"""Customers: the operator's subscribers; extra columns are kept in ``extra``."""

from ecoute.etl.contract import Entity, _f

ENTITY = Entity(
    name="customers",
    key="customer_id",
    fields=(
        _f("customer_id", "id", True),
        _f("segment", "enum", False, "residential|business"),
        _f("region", "text"),
        _f("plan", "text"),
        _f("monthly_fee", "decimal"),
        _f("customer_since", "date"),
        _f("churned_at", "date"),
        _f("language", "enum", False, "fr|nl|de|en"),
    ),
)

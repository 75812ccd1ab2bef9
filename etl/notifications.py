"""Notifications (optional): what the operator told customers, proactively."""

from ecoute.etl.contract import Entity, _f

ENTITY = Entity(
    name="notifications",
    key="notification_id",
    optional=True,
    fields=(
        _f("notification_id", "id", True),
        _f("customer_id", "id", True),
        _f("sent_at", "ts", True),
        _f(
            "kind",
            "enum",
            True,
            "outage|appointment_reminder|appointment_change|eta|resolution|other",
        ),
        _f("channel", "enum", False, "sms|email|call|app|letter"),
        _f("ref_id", "id"),
    ),
)

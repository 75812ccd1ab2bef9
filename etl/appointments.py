"""Appointments: technician visits promised to the customer."""

from ecoute.etl.contract import Entity, Rule, _f

ENTITY = Entity(
    name="appointments",
    key="appointment_id",
    fields=(
        _f("appointment_id", "id", True),
        _f("customer_id", "id", True),
        _f("booked_at", "ts", True),
        _f("window_start", "ts", True),
        _f("window_end", "ts", True),
        _f(
            "status",
            "enum",
            True,
            "scheduled|completed|no_show|cancelled_by_operator|cancelled_by_customer|customer_absent",
        ),
        _f("ticket_id", "id"),
        _f("technician_id", "id"),
        _f("arrived_at", "ts"),
        _f("completed_at", "ts"),
        _f("cancelled_at", "ts"),
        _f("customer_notified_at", "ts"),
        _f("fixed", "bool"),
    ),
    rules=(Rule("window_end", "window_end > window_start", "is not after window_start"),),
)

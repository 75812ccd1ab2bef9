"""Calls: one row per call leg as the contact-centre platform records it."""

from ecoute.etl.contract import Entity, _f, _not_before, _within

ENTITY = Entity(
    name="calls",
    key="call_id",
    fields=(
        _f("call_id", "id", True),
        _f("direction", "enum", True, "inbound|outbound"),
        _f("started_at", "ts", True),
        _f("ended_at", "ts", True),
        _f("initiation", "enum", False, "inbound|outbound|callback|transfer"),
        _f("previous_call_id", "id"),
        _f("customer_id", "id"),
        _f("queue", "text"),
        _f("agent_id", "id"),
        _f("queued_at", "ts"),
        _f("answered_at", "ts"),
        _f("disconnect_party", "enum", False, "customer|agent|system"),
        _f("outcome", "enum", False, "resolved|unresolved|escalated|transferred|callback_promised"),
        _f("ticket_id", "id"),
        _f("reason", "text"),
    ),
    rules=(
        _not_before("ended_at", "started_at"),
        _within("queued_at", "started_at", "ended_at"),
        _within("answered_at", "started_at", "ended_at"),
    ),
    # The contract: initiation defaults from direction.
    defaults_sql={"initiation": "direction"},
)

"""Tickets: trouble tickets and complaint cases."""

from ecoute.etl.contract import Entity, Rule, _f, _not_before

ENTITY = Entity(
    name="tickets",
    key="ticket_id",
    fields=(
        _f("ticket_id", "id", True),
        _f("customer_id", "id", True),
        _f("opened_at", "ts", True),
        _f("status", "enum", True, "open|pending|resolved|closed|cancelled"),
        _f("category", "enum", False, "internet|fixed_phone|mobile|tv|wifi|billing|other"),
        _f("channel", "enum", False, "phone|email|letter|web|chat|shop|field"),
        _f("priority", "enum", False, "low|normal|high|critical"),
        _f("service_loss", "enum", False, "total|partial|none"),
        _f("restored_at", "ts"),
        _f("resolved_at", "ts"),
        _f("closed_at", "ts"),
        _f("reopened_count", "int"),
        _f("root_cause", "text"),
        _f("outage_id", "id"),
    ),
    rules=(
        _not_before("restored_at", "opened_at"),
        _not_before("resolved_at", "opened_at"),
        _not_before("closed_at", "opened_at"),
        Rule("reopened_count", "reopened_count >= 0", "is negative"),
    ),
    defaults_sql={"reopened_count": "0"},
)

"""Messages: written contacts (e-mails, letters, web forms, chats, social posts)."""

from ecoute.etl.contract import Entity, _f

ENTITY = Entity(
    name="messages",
    key="message_id",
    fields=(
        _f("message_id", "id", True),
        _f("customer_id", "id", True),
        _f("received_at", "ts", True),
        _f("channel", "enum", True, "email|letter|web|chat|social"),
        _f("body", "text", True),
        _f("subject", "text"),
        _f("language", "enum", False, "fr|nl|de|en"),
    ),
)

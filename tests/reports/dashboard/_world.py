"""A small demo world for the dashboard tests, built once per session.

3,000 customers over 8 weeks from the demo generator, loaded by the real pipeline; then a
second load adds a message whose subject is HTML (``<b>x</b>``) for the customer ranked worst,
so the click-through test meets it in that customer's journey.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ecoute.core.settings import Settings, load_settings

HTML_SUBJECT = "<b>x</b> & <script>alert(1)</script>"


@dataclass(frozen=True)
class World:
    settings: Settings
    worst_customer: str
    html_message_id: str


def build_world(root: Path) -> World:
    from ecoute.demo import generate
    from ecoute.jobs import load as run_load
    from ecoute.reports.dashboard import data as D

    settings = load_settings(warehouse=root / "ecoute.duckdb", environ={}).with_overrides(
        etl={"pii_key": "test-key", "progress": "never"}
    )
    summary = generate(root / "exports", customers=3000, weeks=8, seed=11)
    run_load(settings, root / "exports", summary.mapping, checks=False, force=True)
    reader = D.Reader(settings)
    period = reader.fetch(("periods",), D.periods).value
    f = D.default_filters(period, 12)
    worst = reader.fetch(("w",), lambda con: D.worst_customers(con, f, 1)).value[0]["customer_id"]
    extra = root / "extra"
    extra.mkdir()
    message_id = "MSG-HTML-1"
    received = f"{period['last_complete'].isoformat()}T10:00:00Z"
    (extra / "messages.jsonl").write_text(
        json.dumps({
            "message_id": message_id, "customer_id": worst, "received_at": received,
            "channel": "email", "subject": HTML_SUBJECT, "body": "Encore une panne <i>ici</i>.",
            "language": "fr",
        }) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    run_load(settings, extra, checks=False, force=True)
    return World(settings=settings, worst_customer=worst, html_message_id=message_id)

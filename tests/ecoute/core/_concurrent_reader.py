"""One reader process of the concurrency test (tests/ecoute/test_db_concurrency.py).

    python _concurrent_reader.py KIND WAREHOUSE OUT STOP

Reads the week 2026-W27 figures again and again, the way KIND reads them in production, and
appends one JSON line per read to OUT: ``{"figures": ..., "busy": bool}`` or ``{"error": ...}``.
``busy`` says the read found the warehouse held by the load (it waited, or served the figures
it read last). A read that STARTS once the STOP file exists is the last one. Any exception other
than a clean refusal escapes, so the process exits non-zero with a traceback: a crash.

KIND is ``cli`` (``ecoute metrics --week 2026-W27 --format json`` as a subprocess), ``report``
(``reports.run.run_weekly``, the function behind ``ecoute report weekly``: its text summary holds
the headline figures) or ``dashboard`` (the KPI callback posted to the Dash app's test client,
and ``landing_data``, the function behind it, through one long-lived ``Reader``, as the
dashboard process keeps one).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

WEEK = "2026-W27"
MONDAY = dt.date(2026, 6, 29)
PAUSE_S = {"cli": 0.1, "report": 0.1, "dashboard": 0.2}


def main(kind: str, warehouse: Path, out: Path, stop: Path) -> None:
    read = READERS[kind](warehouse)
    pause = threading.Event()
    with out.open("a", encoding="utf-8") as sink:
        while True:
            last = stop.exists()
            sink.write(json.dumps(read(), default=str, sort_keys=True) + "\n")
            sink.flush()
            if last:
                return
            # a browser refreshes now and then; a cached dashboard read would otherwise spin
            pause.wait(PAUSE_S[kind])


def _settings(warehouse: Path) -> Any:
    from ecoute.core.settings import load_settings

    return load_settings(config=None, warehouse=warehouse, environ=os.environ)


def _cli(warehouse: Path) -> Callable[[], dict]:
    command = [sys.executable, "-m", "ecoute.cli", "--warehouse", str(warehouse),
               "metrics", "--week", WEEK, "--format", "json"]  # fmt: skip

    def read() -> dict:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0 or "Traceback" in done.stderr:
            return {"error": f"exit {done.returncode}: {done.stderr.strip()}"}
        return {"figures": json.loads(done.stdout), "busy": "warehouse busy" in done.stderr}

    return read


def _report(warehouse: Path) -> Callable[[], dict]:
    from ecoute.reports.run import ReportRunError, run_weekly

    settings = _settings(warehouse)
    out_dir = Path(tempfile.mkdtemp(prefix="ecoute-report-"))

    def read() -> dict:
        said = io.StringIO()
        try:
            with contextlib.redirect_stderr(said):
                results = run_weekly(settings, MONDAY, out_dir, echo=lambda _line: None)
        except ReportRunError as exc:
            return {"error": str(exc)}
        return {"figures": results[0].text, "busy": "warehouse busy" in said.getvalue()}

    return read


def _dashboard(warehouse: Path) -> Callable[[], dict]:
    from ecoute.reports.dashboard import data as D
    from ecoute.reports.dashboard.app import Config, create_app, landing_data

    settings = _settings(warehouse)
    reader = D.Reader(settings)
    cfg = Config.from_settings(settings)
    start = MONDAY - dt.timedelta(weeks=3)
    filters = D.Filters(start=start, end=MONDAY)
    client = create_app(settings, warm_up=False).server.test_client()
    tiles_request = _kpi_callback(start, MONDAY)

    def read() -> dict:
        # the KPI callback through the app's HTTP endpoint, as a browser calls it
        answer = client.post("/_dash-update-component", json=tiles_request)
        if answer.status_code != 200:
            return {"error": f"HTTP {answer.status_code}: {answer.get_data(as_text=True)[:300]}"}
        response = answer.get_json()["response"]
        stale = "A load is writing to the warehouse" in json.dumps(response["status"])
        try:  # and the function behind it, with a Reader kept across reads as the app keeps one
            fetched = landing_data(reader, cfg, filters, "week")
        except D.WarehouseBusy as exc:  # busy before it ever read: the page says so
            return {"busy": True, "refused": str(exc)}
        figures = {"landing": fetched.value, "tiles": response["kpis"]["children"]}
        return {"figures": json.loads(json.dumps(figures, default=str)),
                "busy": fetched.stale or stale}  # fmt: skip

    return read


def _kpi_callback(start: dt.date, end: dt.date) -> dict:
    outputs = [("kpis", "children"), ("trends", "figure"), ("status", "children"),
               ("caption", "children")]  # fmt: skip
    inputs = [("dates", "start_date", start.isoformat()), ("dates", "end_date", end.isoformat()),
              ("region", "value", None), ("drill", "data", {}), ("grain", "value", "week")]  # fmt: skip
    return {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "changedPropIds": ["dates.start_date"],
        "state": [],
    }


READERS: dict[str, Callable[[Path], Callable[[], dict]]] = {
    "cli": _cli,
    "report": _report,
    "dashboard": _dashboard,
}

if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))

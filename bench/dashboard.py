"""Time every dashboard callback through Dash's own HTTP endpoint (not a test: a measurement).

    python -m bench.dashboard --warehouse warehouse/ecoute.duckdb [--repeat 5]

Each callback is posted to ``/_dash-update-component`` with the Flask test client, the way the
browser does, so a figure includes querying, building and JSON-serialising. "cold" clears the
result cache first (a new filter combination: open the file, query, build); "warm" repeats a
combination already seen (no file access). Prints a table and, with --json, writes the figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any


def _payload(outputs: list[tuple[str, str]], inputs: list[tuple[str, str, Any]],
             changed: str, state: list[tuple[str, str, Any]] = ()) -> dict[str, Any]:  # fmt: skip
    out_ids = [{"id": i, "property": p} for i, p in outputs]
    return {
        "output": (
            ".." + "...".join(f"{i}.{p}" for i, p in outputs) + ".."
            if len(outputs) > 1
            else f"{outputs[0][0]}.{outputs[0][1]}"
        ),
        "outputs": out_ids if len(outputs) > 1 else out_ids[0],
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
        "changedPropIds": [changed],
    }  # fmt: skip


def scenarios(period: dict[str, Any], options: dict[str, Any]) -> list[tuple[str, dict]]:
    weeks = period["weeks"]
    end = period["last_complete"].isoformat()
    start = weeks[max(0, weeks.index(period["last_complete"]) - 11)].isoformat()
    first = weeks[0].isoformat()
    region = next(r for r in options["values"]["region"] if r != "(none)")
    kpi_out = [("kpis", "children"), ("trends", "figure"), ("status", "children"),
               ("caption", "children")]  # fmt: skip
    bd_out = [("by-region", "figure"), ("by-queue", "figure"), ("by-team", "figure")]
    worst_out, risk_out = [("worst", "children")], [("risk", "children")]
    filters = [
        ("default", start, end, None, {}),
        ("region", start, end, region, {}),
        ("segment", start, end, None, {"dimension": "segment", "values": ["business"]}),
        ("category", start, end, region, {"dimension": "category", "values": ["internet"]}),
        ("queue click", start, end, None, {"dimension": "queue", "values": ["tech-fr"]}),
        ("team click", start, end, None, {"dimension": "technician", "team": "HAI-C"}),
        ("all weeks", first, end, None, {}),
    ]
    out: list[tuple[str, dict]] = []
    for name, s, e, reg, drill in filters:
        base = [("dates", "start_date", s), ("dates", "end_date", e), ("region", "value", reg),
                ("drill", "data", drill)]  # fmt: skip
        out.append((f"kpis+trends weekly · {name}",
                    _payload(kpi_out, [*base, ("grain", "value", "week")], "region.value")))  # fmt: skip
        out.append((f"breakdowns · {name}",
                    _payload(bd_out, [*base, ("rank-metric", "value", "service_level")],
                             "region.value")))  # fmt: skip
        out.append((f"worst customers · {name}", _payload(worst_out, base, "region.value")))
        out.append((f"churn risk · {name}", _payload(risk_out, base, "region.value")))
    base = [("dates", "start_date", start), ("dates", "end_date", end),
            ("region", "value", None), ("drill", "data", {})]  # fmt: skip
    out.append(("kpis+trends daily · default",
                _payload(kpi_out, [*base, ("grain", "value", "day")], "grain.value")))  # fmt: skip
    out.append(("drill (region bar click)", _payload(
        [("region", "value"), ("segment", "value"), ("category", "value"), ("drill", "data"),
         ("by-region", "clickData"), ("by-queue", "clickData"), ("by-team", "clickData")],
        [("region", "value", None), ("segment", "value", None), ("category", "value", None),
         ("by-region", "clickData", {"points": [{"customdata": region}]}),
         ("by-queue", "clickData", None), ("by-team", "clickData", None),
         ("clear-drill", "n_clicks", None)],
        "by-region.clickData", [("drill", "data", {})])))  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> int:
    from ecoute.core.settings import load_settings
    from ecoute.reports.dashboard import data as D
    from ecoute.reports.dashboard.app import create_app

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--warehouse", type=Path, required=True)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    settings = load_settings(warehouse=args.warehouse, environ={})
    t0 = time.perf_counter()
    app = create_app(settings)
    startup = time.perf_counter() - t0
    reader: D.Reader = app.server.config["ECOUTE_READER"]
    period = reader.fetch(("periods",), D.periods).value
    options = reader.fetch(("options",), D.options).value
    client = app.server.test_client()
    client.get("/")
    client.get("/_dash-layout")
    results = []
    for name, payload in scenarios(period, options):
        cold, warm = [], []
        for _ in range(args.repeat):
            reader._cache.clear()
            reader.fetch(("periods",), D.periods)
            reader.fetch(("options",), D.options)
            t = time.perf_counter()
            resp = client.post("/_dash-update-component", json=payload)
            cold.append((time.perf_counter() - t) * 1000)
            if resp.status_code not in (200, 204):
                raise SystemExit(f"{name}: HTTP {resp.status_code} {resp.data[:300]!r}")
            t = time.perf_counter()
            client.post("/_dash-update-component", json=payload)
            warm.append((time.perf_counter() - t) * 1000)
        results.append({
            "callback": name, "cold_median_ms": statistics.median(cold), "cold_max_ms": max(cold),
            "warm_median_ms": statistics.median(warm), "bytes": len(resp.data),
        })  # fmt: skip
    customer = next(iter(reader.fetch(("bench-worst",), lambda con: D.worst_customers(
        con, D.default_filters(period, 12), 1)).value), {}).get("customer_id")  # fmt: skip
    if customer:
        payload = _payload(
            [("landing", "style"), ("journey-page", "style"), ("journey-page", "children")],
            [("url", "pathname", f"/customer/{customer}")], "url.pathname")  # fmt: skip
        cold = []
        for _ in range(args.repeat):
            reader._cache.clear()
            t = time.perf_counter()
            resp = client.post("/_dash-update-component", json=payload)
            cold.append((time.perf_counter() - t) * 1000)
        results.append({"callback": f"journey · customer {customer}",
                        "cold_median_ms": statistics.median(cold), "cold_max_ms": max(cold),
                        "warm_median_ms": None, "bytes": len(resp.data)})  # fmt: skip
    width = max(len(r["callback"]) for r in results)
    print(f"warehouse {args.warehouse} · app start (incl. warm-up) {startup * 1000:.0f} ms")
    print(f"{'callback':<{width}}  cold med  cold max  warm med   KiB")
    for r in results:
        warm_text = "—" if r["warm_median_ms"] is None else f"{r['warm_median_ms']:.0f}"
        print(f"{r['callback']:<{width}}  {r['cold_median_ms']:>8.0f}  {r['cold_max_ms']:>8.0f}"
              f"  {warm_text:>8}  {r['bytes'] / 1024:>4.0f}")  # fmt: skip
    worst = max(r["cold_max_ms"] for r in results)
    print(f"slowest callback (cold, max of {args.repeat}): {worst:.0f} ms "
          f"({'under' if worst < 500 else 'OVER'} the 500 ms budget)")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps({"startup_ms": startup * 1000, "callbacks": results},
                                        indent=2))  # fmt: skip
    return 0 if worst < 500 else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Hostile and careless export files (issue "Hostile and careless input"), small and hand-checkable.

Each function writes one case into a folder and returns what a person expects of it: which
physical lines must be quarantined (and for which field), and how many rows must load. The tests
in test_hostile.py load them; ``python -m tests.etl.hostile OUT`` writes them all for a manual try.
"""

from __future__ import annotations

import gzip
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

CALL_HEADER = "call_id,direction,started_at,ended_at,initiation,customer_id"
GOOD_CALL = "{id},inbound,2026-06-01 09:00:00,2026-06-01 09:05:00,,C1"


@dataclass
class Case:
    """Expected outcome: rows loaded, and for each quarantined physical line the field named."""

    loaded: int
    quarantined: dict[int, str] = field(default_factory=dict)


def bad_values(folder: Path) -> dict[str, Case]:
    """Values that must be quarantined, never replaced: far dates, 24:00, date-only instants,
    a 30-hour call, unknown enums, loose numbers, a NUL in an id; and the good rows around them."""
    calls = [
        CALL_HEADER,
        GOOD_CALL.format(id="ok1"),  # line 2
        "far1,inbound,1900-01-01 10:00:00,3026-01-01 10:00:00,,C1",  # 3: both out of bounds
        "far2,inbound,9999-01-01 10:00:00,9999-01-01 10:05:00,,C1",  # 4
        "far3,inbound,0001-01-01 10:00:00,0001-01-01 10:05:00,,C1",  # 5
        "far4,inbound,294247-01-01 10:00:00,294247-01-01 10:05:00,,C1",  # 6
        "h24,inbound,2026-06-01 23:00:00,2026-06-01 24:00:00,,C1",  # 7: hour 24
        "day,inbound,2026-06-01,2026-06-01 09:05:00,,C1",  # 8: a date, not an instant
        "long,inbound,2026-06-01 09:00:00,2026-06-02 15:00:00,,C1",  # 9: a 30-hour call
        "ivr,inbound,2026-06-01 09:00:00,2026-06-01 09:05:00,ivr,C1",  # 10: unknown initiation
        "nul\x00id,inbound,2026-06-01 09:00:00,2026-06-01 09:05:00,,C1",  # 11: NUL in the id
        GOOD_CALL.format(id="ok2"),  # 12
        "tz,inbound,2026-06-01T09:00:00+02:00,2026-06-01T09:05:00+02:00,,C1",  # 13: fine
    ]
    (folder / "calls.csv").write_text("\n".join(calls) + "\n")
    tickets = [
        "ticket_id,customer_id,opened_at,status,reopened_count",
        "t1,C1,2026-06-01 09:00:00,open,",  # 2: empty → the contract's default 0
        "t2,C1,2026-06-01 09:00:00,open,abc",  # 3
        "t3,C1,2026-06-01 09:00:00,open,1.5",  # 4
        "t4,C1,2026-06-01 09:00:00,open,0x10",  # 5
        "t5,C1,2026-06-01 09:00:00,open,1_000",  # 6
        "t6,C1,2026-06-01 09:00:00,open,2",  # 7
        "t7,C1,2026-06-01 09:00:00,open,999999999999",  # 8: beyond int_max
    ]
    (folder / "tickets.csv").write_text("\n".join(tickets) + "\n")
    customers = [
        "customer_id,segment,monthly_fee,customer_since",
        "00002525,residential,39.00,2019-03-01",  # 2: the id keeps its zeros
        "c2,residential,\"39,00\",2019-03-01",  # 3: decimal comma without a mapping
        "c3,residential,\"1.249,50\",2019-03-01",  # 4
        "c4,residential,1e3,2019-03-01",  # 5: not the contract's format
        "c5,business,2500000,2019-03-01",  # 6: beyond amount_max
        "c6,business,-12.50,1850-01-01",  # 7: before date_min
    ]
    (folder / "customers.csv").write_text("\n".join(customers) + "\n")
    return {
        "calls": Case(3, {3: "started_at", 4: "started_at", 5: "started_at", 6: "started_at",
                          7: "ended_at", 8: "started_at", 9: "ended_at", 10: "initiation",
                          11: "call_id"}),
        "tickets": Case(2, {3: "reopened_count", 4: "reopened_count", 5: "reopened_count",
                            6: "reopened_count", 8: "reopened_count"}),
        "customers": Case(1, {3: "monthly_fee", 4: "monthly_fee", 5: "monthly_fee",
                              6: "monthly_fee", 7: "customer_since"}),
    }  # fmt: skip


def messages(folder: Path, long_line_bytes: int = 2_100_000) -> Case:
    """JSON Lines: a repeated key, a NUL in an id (JSON escape), a 2 MB line, good lines."""
    good = {"customer_id": "C1", "received_at": "2026-06-01 09:00:00", "channel": "email",
            "body": "bonjour"}  # fmt: skip
    lines = [
        json.dumps({"message_id": "m1", **good}),  # 1
        '{"message_id": "m2", "message_id": "m3", "customer_id": "C1", '
        '"received_at": "2026-06-01 09:00:00", "channel": "email", "body": "x"}',  # 2
        json.dumps({"message_id": "m\u00004", **good}),  # 3
        json.dumps({"message_id": "m5", **good, "body": "x" * long_line_bytes}),  # 4
        json.dumps({"message_id": "m6", **good}),  # 5
    ]
    (folder / "messages.jsonl").write_text("\n".join(lines) + "\n")
    return Case(2, {2: "(row)", 3: "message_id", 4: "(row)"})


def stray_quote(folder: Path, rows: int = 300, at: int = 150) -> Case:
    """Customers whose region is quoted (it holds the delimiter); one record opens a quote it
    never closes. Physical line of customer ``c{i}`` is ``i + 1``."""
    lines = ["customer_id,segment,region,phone"]
    for i in range(1, rows + 1):
        lines.append(f'c{i},residential,"Bruxelles, Centre",+32 470 12 34 {i % 100:02d}')
    lines[at] = f'c{at},residential,"Bruxelles, Centre,+32 470 99 88 77'
    (folder / "customers.csv").write_text("\n".join(lines) + "\n")
    return Case(rows - 1, {at + 1: "(row)"})


def wide_line(folder: Path, extra_fields: int = 100_000, rows: int = 20) -> Case:
    """A 200 KB line of 100,000 extra fields among good calls (line 12)."""
    lines = [CALL_HEADER] + [GOOD_CALL.format(id=f"w{i}") for i in range(rows)]
    lines[11] = GOOD_CALL.format(id="wide") + "," * extra_fields
    (folder / "calls.csv").write_text("\n".join(lines) + "\n")
    return Case(rows - 1, {12: "(row)"})


def long_field(folder: Path, size: int = 10_000_000) -> Case:
    """A 10 MB reason field on line 3 of calls."""
    lines = [CALL_HEADER + ",reason", GOOD_CALL.format(id="a") + ",x",
             GOOD_CALL.format(id="big") + "," + "y" * size, GOOD_CALL.format(id="b") + ",z"]  # fmt: skip
    (folder / "calls.csv").write_text("\n".join(lines) + "\n")
    return Case(2, {3: "(row)"})


def mixed_newlines(folder: Path) -> Case:
    """Two exports concatenated: CRLF lines, then LF lines."""
    first = [CALL_HEADER] + [GOOD_CALL.format(id=f"crlf{i}") for i in range(5)]
    second = [GOOD_CALL.format(id=f"lf{i}") for i in range(5)]
    (folder / "calls.csv").write_bytes(("\r\n".join(first) + "\r\n" + "\n".join(second) + "\n").encode())
    return Case(10)


def careless_folder(folder: Path) -> None:
    """A misnamed file, an empty file and a header-only file beside one good file."""
    (folder / "calls.csv").write_text(CALL_HEADER + "\n" + GOOD_CALL.format(id="g1") + "\n")
    (folder / "call.csv").write_text(CALL_HEADER + "\n" + GOOD_CALL.format(id="lost") + "\n")
    (folder / "tickets.csv").write_text("")
    (folder / "customers.csv").write_text("customer_id,segment\n")


def truncated_gzip(folder: Path) -> Path:
    data = gzip.compress(("\n".join([CALL_HEADER] + [GOOD_CALL.format(id=f"g{i}")
                                                     for i in range(2000)]) + "\n").encode())  # fmt: skip
    path = folder / "calls.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    return path


def gzip_bomb(folder: Path, megabytes: int = 40) -> Path:
    """A small .gz that inflates to ``megabytes`` of one repeated line."""
    path = folder / "calls.csv.gz"
    line = (GOOD_CALL.format(id="bomb") + "\n").encode()
    with gzip.open(path, "wb", compresslevel=9) as f:
        f.write((CALL_HEADER + "\n").encode())
        block = line * (1_048_576 // len(line))
        for _ in range(megabytes):
            f.write(block)
    return path


def main(out: str) -> None:
    for name in ("bad_values", "messages", "stray_quote", "wide_line", "long_field",
                 "mixed_newlines", "careless_folder", "truncated_gzip", "gzip_bomb"):  # fmt: skip
        folder = Path(out) / name
        folder.mkdir(parents=True, exist_ok=True)
        globals()[name](folder)
        print(folder)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "hostile")

"""The small fixed world every CLI snapshot and edge test reads: three customers in two regions,
two ISO weeks (2026-W26, 2026-W27), loaded through `ecoute load` as an operator would.

Hand-checked content:
- calls: K1..K4 load; K5 is quarantined (queued 10:00 after its 09:03 end: the reason reads
  ``queued_at: is outside [started_at, ended_at]``); K6's direction ``[/]in`` is quarantined too,
  so a record holding ``[/]`` must print as text.
- ticket T1: C1's total outage from Tuesday 2026-06-30 10:03 to Thursday 2026-07-02 15:00
  (local), 53 h: 3 started 24-hour periods under be_outage_2024.
- appointment P1: the technician did not come (no_show, nobody told C1): €30 under be_easy_switch.
- messages: M1 (fr) and M2 (en) carry ``[/]``, ``[bold]`` and ``[red]…[/red]``, printed as is.
"""

from __future__ import annotations

from pathlib import Path

FILES = {
    "customers.csv": """customer_id,segment,region,plan,monthly_fee,customer_since
C1,residential,Liège,fiber,45.5,2020-01-15
C2,business,Namur,fiber,120,2025-11-01
C3,residential,Liège,dsl,30,2019-06-01
""",
    "calls.csv": """call_id,direction,started_at,ended_at,customer_id,queue,agent_id,queued_at,answered_at,disconnect_party,ticket_id
K1,inbound,2026-06-23 09:00,2026-06-23 09:05,C1,billing,A7,2026-06-23 09:00,2026-06-23 09:00:30,agent,
K2,inbound,2026-06-30 10:00,2026-06-30 10:04,C1,repair,A7,2026-06-30 10:00,2026-06-30 10:00:15,system,T1
K3,inbound,2026-07-01 11:00,2026-07-01 11:06,C2,repair,A8,2026-07-01 11:00,2026-07-01 11:00:40,agent,
K4,inbound,2026-07-02 08:00,2026-07-02 08:01,C3,billing,,2026-07-02 08:00,,customer,
K5,inbound,2026-07-02 09:00,2026-07-02 09:03,C3,billing,A8,2026-07-02 10:00,2026-07-02 09:00:20,agent,
K6,[/]in,2026-07-02 11:00,2026-07-02 11:03,C3,billing,A8,,,agent,
""",
    "tickets.csv": """ticket_id,customer_id,opened_at,status,category,service_loss,restored_at,resolved_at
T1,C1,2026-06-30 10:03,resolved,internet,total,2026-07-02 15:00,2026-07-02 16:00
""",
    "appointments.csv": """appointment_id,customer_id,booked_at,window_start,window_end,status,ticket_id,technician_id
P1,C1,2026-06-30 10:05,2026-07-01 08:00,2026-07-01 12:00,no_show,T1,HAI-C-03
P2,C1,2026-07-01 13:00,2026-07-02 08:00,2026-07-02 12:00,completed,T1,HAI-C-04
""",
    "messages.jsonl": (
        '{"message_id":"M1","customer_id":"C1","received_at":"2026-07-01T12:00:00+02:00",'
        '"channel":"email","subject":"[/] urgent","body":"Le technicien n\'est jamais venu [/]. '
        'Je vais résilier [bold]!"}\n'
        '{"message_id":"M2","customer_id":"C2","received_at":"2026-07-02T09:00:00+02:00",'
        '"channel":"email","body":"Thanks, fixed [red]quickly[/red]."}\n'
    ),
}


def write_world(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder

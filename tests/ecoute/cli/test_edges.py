"""The command line at its edges, on the small fixed world (tests/ecoute/cli/_world.py): data is
never markup, errors are one line with the right exit status, typos are errors, read commands
only read, plain output is never cut."""

from __future__ import annotations

import hashlib
import io
import json
import logging

import pytest

from ecoute.cli.errors import one_line
from ecoute.cli.output import table


def _one_error_line(result, code: int) -> str:  # noqa: ANN001
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


# ------------------------------------------------------------------ data is never markup


def test_message_bodies_with_brackets_print_as_written(world):
    result = world.run("messages", "--week", "2026-W27")
    assert result.exit_code == 0, result.output
    assert "[/] urgent — Le technicien n'est jamais venu [/]. Je vais résilier [bold]!" in (
        result.stdout
    )
    assert "Thanks, fixed [red]quickly[/red]." in result.stdout


def test_quarantine_reasons_and_records_keep_their_brackets(world):
    result = world.run("quarantine", "--limit", "0")
    assert result.exit_code == 0, result.output
    assert "queued_at: is outside [started_at, ended_at]" in result.stdout
    assert 'direction: unknown value "[/]in" (expected inbound|outbound)' in result.stdout
    # plain output is never cut to a terminal's width: the whole record is there
    assert '"disconnect_party":"agent","ticket_id":null}' in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) > 200


def test_on_a_terminal_the_rich_table_reads_brackets_as_text():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    table(["reason"], [["[/] is outside [started_at, ended_at]"]], "why [bold]", stream=out)
    assert "[/] is outside [started_at, ended_at]" in out.getvalue()
    assert "why [bold]" in out.getvalue()


def test_help_keeps_brackets_and_has_no_type_boxes(world):
    result = world.run("build", "--help")
    assert "[engine]" in result.stdout and "<bool>" not in result.stdout


# ------------------------------------------------------------------ one line, exit 2


def test_report_out_an_existing_file_is_one_line(world, tmp_path):
    taken = tmp_path / "report.html"
    taken.write_text("mine")
    line = _one_error_line(world.run("report", "weekly", "--week", "2026-W27",
                                     "--out", str(taken)), 2)  # fmt: skip
    assert str(taken) in line and taken.read_text() == "mine"


def test_dashboard_export_to_a_folder_is_one_line_and_leaves_nothing(world, tmp_path):
    folder = tmp_path / "snap"
    folder.mkdir()
    line = _one_error_line(world.run("dashboard", "--export", str(folder)), 2)
    assert "is a folder" in line
    assert list(tmp_path.iterdir()) == [folder] and not any(folder.iterdir())


def test_schedule_once_without_inbox_logs_one_line(world, tmp_path, caplog):
    env = {"ECOUTE__SCHEDULE__INBOX": str(tmp_path / "missing"),
           "ECOUTE__SCHEDULE__JOBS": '["load"]'}  # fmt: skip
    with caplog.at_level(logging.INFO, logger="ecoute.schedule"):
        result = world.run("schedule", "--once", "--week", "2026-W27", env=env)
    assert result.exit_code == 1
    assert "inbox folder" in caplog.text and "Traceback" not in caplog.text + result.output


def test_an_unexpected_error_is_one_line_naming_the_bug_and_debug():
    message, code = one_line(TypeError("unsupported operand"))
    assert code == 1 and message.startswith("unexpected TypeError: unsupported operand")
    assert "--debug" in message
    message, code = one_line(FileExistsError(17, "File exists", "out/x.html"))
    assert (message, code) == ("File exists: out/x.html", 2)


# ------------------------------------------------------------------ typos are errors


@pytest.mark.parametrize(
    "args",
    [
        ["metrics", "--week", "2026-W27", "--region", "Atlantis"],
        ["alerts", "--week", "2026-W27", "--region", "Atlantis"],
        ["report", "weekly", "--week", "2026-W27", "--region", "Atlantis"],
    ],
    ids=["metrics", "alerts", "report"],
)
def test_an_unknown_region_is_exit_2_naming_those_that_exist(world, args):
    line = _one_error_line(world.run(*args), 2)
    assert line == "error: unknown region 'Atlantis'; the warehouse holds: Liège, Namur"


@pytest.mark.parametrize("command", ["metrics", "alerts", "worst", "messages", "report"], ids=str)
def test_a_week_without_data_is_exit_2(world, command):
    args = ["report", "weekly"] if command == "report" else [command]
    result = world.run(*args, "--week", "2030-W10")
    line = _one_error_line(result, 2)
    assert line == "error: no data for week 2030-W10; the warehouse holds 2026-W26 to 2026-W27"
    assert "No alert" not in result.output


def test_an_unknown_slice_is_exit_2_naming_those_that_exist(world):
    """There is no --queue or --team filter: queues and teams are slices (--by), and a typo in
    one is refused the same way as a region."""
    line = _one_error_line(world.run("metrics", "--week", "2026-W27", "--by", "team"), 2)
    assert line == ("error: --by must be one of region, segment, queue, agent, technician, "
                    "category, got 'team'")  # fmt: skip


def test_an_unknown_intent_is_exit_2(world):
    result = world.run("messages", "--week", "2026-W27", "--intent", "churn_treat")
    assert "unknown intent 'churn_treat'; intents are: churn_threat," in _one_error_line(result, 2)


def test_an_unknown_customer_is_exit_2(world):
    assert "no events for customer 'C404'" in _one_error_line(world.run("customer", "C404"), 2)


def test_formats_are_one_vocabulary(world):
    for args in (["loads"], ["status"], ["customer", "C1"], ["alerts", "--week", "2026-W26"]):
        assert world.run(*args, "--format", "csv").exit_code == 0, args
        assert "table, json or csv" in _one_error_line(world.run(*args, "--format", "xml"), 2)


# ------------------------------------------------------------------ read commands only read


def test_risk_reads_and_writes_nothing(world):
    before = hashlib.sha256(world.warehouse.read_bytes()).hexdigest()
    result = world.run("risk", "--as-of", "2026-07-01", "--format", "json")
    assert result.exit_code == 0, result.output
    assert {c["customer_id"] for c in json.loads(result.stdout)["customers"]} == {"C1", "C2", "C3"}
    assert hashlib.sha256(world.warehouse.read_bytes()).hexdigest() == before


# ------------------------------------------------------------------ what commands say


def test_compensation_one_line_per_incident_and_a_total_per_customer(world):
    """T1: C1's total outage 30 June 10:03 → 2 July 15:00, 3 started days at 1/30 of €45.50
    (€4.55 as the pack rounds it); P1: the technician did not come, €30. C1 is owed €34.55."""
    result = world.run("compensation")
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.stdout.splitlines() if line.startswith("C1")]
    assert [r[1] for r in rows] == ["T1", "P1", "total,"]
    assert rows[0][-3:] == ["EUR", "4.55", "unknown"] and rows[0][-4] == "3"  # 3 days
    assert rows[2][-3:] == ["EUR", "34.55", "unknown"]
    traced = world.run("compensation", "--trace").stdout
    assert "      period 3 due 2026-07-02: max(€0.50 flat, 1/30 of fee €45.50" in traced
    assert "the technician did not come (no-show)" in traced


def test_status_says_what_the_warehouse_holds(world):
    result = world.run("status", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    rows = {e["entity"]: e["rows"] for e in doc["entities"]}
    assert rows == {"customers": 3, "calls": 4, "tickets": 1, "appointments": 2, "messages": 2,
                    "outages": 0, "notifications": 0}  # fmt: skip
    assert [w["week"] for w in doc["weeks"]] == ["2026-W26", "2026-W27"]
    assert not any(w["settled"] for w in doc["weeks"])  # horizon 2 July: nothing final yet
    assert doc["regions"] == ["Liège", "Namur"]
    assert doc["last_load"]["rows_quarantined"] == 2 and doc["last_build"]["kind"] == "full"
    assert doc["failed_checks"] == [] and doc["last_check_at"] is None
    text = world.run("status").stdout
    assert "data horizon   2026-07-02 16:00:00 (Europe/Brussels)" in text  # T1 resolved 16:00

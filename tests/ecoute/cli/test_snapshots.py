"""Every reading command on the small fixed world, as table and as JSON, against golden files in
tests/ecoute/cli/snapshots/. A change in what a command prints shows here as a diff to review.

Regenerate after an intended change: ``ECOUTE_UPDATE_SNAPSHOTS=1 pytest tests/ecoute/cli/test_snapshots.py``
(then read the diff before committing it). Clock-dependent values (when the load and build ran,
how long they took) and the temporary folder are masked.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecoute.cli import app

SNAPSHOTS = Path(__file__).with_name("snapshots")
UPDATE = os.environ.get("ECOUTE_UPDATE_SNAPSHOTS") == "1"

# (snapshot name, arguments); each runs as table and as JSON unless it has no JSON form.
COMMANDS = [
    ("loads", ["loads"]),
    ("loads_files", ["loads", "--files"]),
    ("quarantine", ["quarantine"]),
    ("metrics", ["metrics", "--week", "2026-W27"]),
    ("metrics_by_region", ["metrics", "--week", "2026-W26", "--by", "region"]),
    ("customer", ["customer", "C1"]),
    ("worst", ["worst", "--week", "2026-W27"]),
    ("messages", ["messages", "--week", "2026-W27"]),
    ("alerts", ["alerts", "--week", "2026-W27"]),
    ("risk", ["risk"]),
    ("compensation", ["compensation"]),
    ("status", ["status"]),
]
# Times of the run itself, not of the data: masked in the golden files.
_RUN_KEYS = {"started_at", "finished_at", "built_at", "checked_at", "last_check_at", "seconds"}
_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?")


def _mask_json(value, key=None):  # noqa: ANN001, ANN202
    if isinstance(value, dict):
        return {k: _mask_json(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_json(v) for v in value]
    if key in _RUN_KEYS and value is not None:
        return "<run time>"
    return value


def _mask_table(name: str, text: str, world) -> str:  # noqa: ANN001
    text = text.replace(str(world.warehouse), "<warehouse>")
    lines = text.splitlines()
    if name.startswith("loads"):  # digits masked one for one: the columns stay aligned
        lines = [_STAMP.sub(lambda m: re.sub(r"\d", "#", m.group()), line) for line in lines]
    if name == "status":
        lines = [
            re.sub(r"[\d,]+\.\d s", "<s> s", _STAMP.sub("<run time>", line))
            if line.startswith(("last load", "last build"))
            else line
            for line in lines
        ]
    return "\n".join(lines) + "\n"


def _check(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE or not path.exists():
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"wrote the missing snapshot {path.name}: review it and run again")
        return
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its snapshot"


@pytest.mark.parametrize(("name", "args"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_table(world, name, args):
    result = world.run(*args)
    assert result.exit_code in (0, 1), result.output  # alerts exit 1 when one fires
    _check(f"{name}.txt", _mask_table(name, result.stdout, world))


@pytest.mark.parametrize(("name", "args"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_json(world, name, args):
    result = world.run(*args, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    payload = _mask_json(json.loads(result.stdout))
    text = json.dumps(payload, indent=2, ensure_ascii=False).replace(
        str(world.warehouse), "<warehouse>"
    )
    _check(f"{name}.json", text + "\n")


def test_help_of_every_command(world):
    """One golden file of `ecoute --help` and every command's --help: no `<bool>`, no markup
    eaten ([engine]), no sentence cut short."""
    commands = [[c.name] for c in app.registered_commands]
    for group in app.registered_groups:
        commands.append([group.name])
        commands += [[group.name, c.name] for c in group.typer_instance.registered_commands]
    out = []
    for args in [[], *sorted(commands)]:
        result = world.run(*args, "--help")
        assert result.exit_code == 0, args
        assert _cut_sentences(result.stdout) == [], args
        out.append(f"$ ecoute {' '.join([*args, '--help'])}\n{result.stdout}")
    text = "\n".join(out)
    assert "<bool>" not in text and "[engine]" in text
    _check("help.txt", text)


def _cut_sentences(help_text: str) -> list[str]:
    """What reads as a sentence broken off: a command's summary click cut with "..." (its first
    sentence was too long for the listing), a word split at its hyphen across two lines
    (`YYYY-MM-` / `DD`, `no-` / `marts`), or a paragraph of the description that stops without
    a full stop (a docstring's blank line falling mid-sentence)."""
    cut = [
        line
        for line in help_text.splitlines()
        if (line.rstrip().endswith("...") and not line.startswith("Usage:"))
        or re.search(r"\w-$", line.rstrip())
    ]
    description = help_text.split("\n\n", 1)[1]
    for heading in ("\nOptions:", "\nArguments:", "\nCommands:"):
        description = description.split(heading, 1)[0]
    paragraphs = [" ".join(p.split()) for p in description.split("\n\n") if p.strip()]
    return cut + [p for p in paragraphs if not p.endswith((".", ".)", ":", "?"))]


def test_the_load_itself(world):
    _check("load.txt", world.load_output.replace(str(world.root), "<world>"))


# ------------------------------------------------------------------ the commands that write
#
# They run once, on a copy of the world (the reading tests above keep theirs untouched), in the
# order an operator would: check --run, build, report, dashboard export, lake export, one
# scheduled run. Masked, and why: the copy's folder (a new temporary path on every run), the
# checkout's folder (`sources` names each pack's README where Écoute is installed), the seconds a
# step took and the moment a check was recorded (the machine's speed and today's clock, not the
# data). The data's own dates (2026-W27, 2 July 2026) are never masked.

CHECKOUT = Path(__file__).resolve().parents[3]
_SECONDS = re.compile(r"\d[\d,]*\.\d+ ?s\b")


def _plain(text: str, root: Path) -> str:
    """Folders named by their role; the seconds a step took masked."""
    text = text.replace(str(root), "<tmp>").replace(str(CHECKOUT), "<checkout>")
    return _SECONDS.sub("<s>", text)


def _files(folder: Path) -> str:
    """The files a command wrote, one per line, with sizes left out (they vary with plotly)."""
    return "".join(f"{p.relative_to(folder.parent)}\n" for p in sorted(folder.rglob("*"))
                   if p.is_file())  # fmt: skip


@pytest.fixture(scope="module")
def written(world, tmp_path_factory):  # noqa: ANN001, ANN201
    from tests.ecoute.cli.conftest import World

    root = tmp_path_factory.mktemp("written")
    shutil.copy(world.warehouse, root / "ecoute.duckdb")
    copy = World(root, "")
    (root / "inbox").mkdir()
    schedule_env = {
        "ECOUTE__SCHEDULE__INBOX": str(root / "inbox"),
        "ECOUTE__SCHEDULE__JOBS": '["load", "report"]',
        "ECOUTE__SCHEDULE__PDF": "false",
        "ECOUTE__REPORT__OUT": str(root / "sched"),
    }
    runs = {  # name: (arguments, environment); run in this order
        "check_run": (["check", "--run", "--as-of", "2026-07-03"], None),  # age of data: fixed
        "build": (["build"], None),
        "report_weekly": (["report", "weekly", "--week", "2026-W27", "--out", "report"], None),
        "dashboard_export": (["dashboard", "--export", "dashboard.html"], None),
        "export_lake": (["export", "lake", "lake"], None),
    }  # fmt: skip
    results = {name: copy.run(*args, env=env) for name, (args, env) in runs.items()}
    with _log_of("ecoute.schedule") as records:
        results["schedule"] = copy.run("schedule", "--once", "--week", "2026-W27",
                                       env=schedule_env)  # fmt: skip
    results["schedule_log"] = records
    return copy, results


@contextlib.contextmanager
def _log_of(name: str):  # noqa: ANN202
    """The messages one logger emits meanwhile (the scheduler logs, it does not print)."""
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(f"{record.levelname} {record.getMessage()}")

    handler, logger = Keep(level=logging.INFO), logging.getLogger(name)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_check_stored_results(written):
    """`check --run` records, plain `check` reads the record back: as table and as JSON. The
    freshness verdicts are measured against 3 July 2026 (the day after the data's end)."""
    copy, results = written
    assert results["check_run"].exit_code == 0, results["check_run"].output
    table = copy.run("check")
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[0].startswith("Data-quality checks as of ")  # when it was recorded: masked
    lines[0] = _STAMP.sub("<run time>", lines[0])
    _check("check.txt", "\n".join(lines) + "\n")
    # the 3 warnings, by hand: no language on any customer or message, no priority on T1
    assert table.stderr.strip() == "62 checks: 49 passed, 3 warnings, 0 blocking, 0 errors"
    doc = json.loads(copy.run("check", "--format", "json").stdout)
    fresh = {r["suite"]: r["observed"] for r in doc if r["expectation"] == "freshness"}
    # K4, the last call loaded, started 2 July 08:00 Brussels (06:00 UTC): 18 h = 0.75 day
    # before the clock, 3 July 00:00 UTC
    assert fresh["calls"] == 0.75
    _check("check.json", json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def test_build(written):
    copy, results = written
    assert results["build"].exit_code == 0, results["build"].output
    _check("build.txt", _plain(results["build"].stdout, copy.root))


def test_report_weekly_and_the_files_it_writes(written):
    copy, results = written
    result = results["report_weekly"]
    assert result.exit_code == 0, result.output
    _check("report_weekly.txt", _plain(result.stdout, copy.root) + _files(copy.root / "report"))


def test_dashboard_export(written):
    copy, results = written
    result = results["dashboard_export"]
    assert result.exit_code == 0, result.output
    assert (copy.root / "dashboard.html").stat().st_size > 0
    assert not list(copy.root.glob("*.tmp"))
    # its size follows the plotly bundle's version, not our data: masked
    text = re.sub(r"\([\d.,]+ [kMG]?B", "(<size>", result.stdout)
    _check("dashboard_export.txt", _plain(text, copy.root))


def test_export_lake(written):
    """Its output, and the tables written with their months (the calendar's are left out: it
    spans the data's years, not its weeks)."""
    copy, results = written
    result = results["export_lake"]
    assert result.exit_code == 0, result.output
    lake = copy.root / "lake"
    tables = sorted({str(p.parent.relative_to(lake)) for p in lake.rglob("*.parquet")
                     if "calendar" not in str(p)})  # fmt: skip
    _check("export_lake.txt", _plain(result.stdout, copy.root) + "\n".join(tables) + "\n")


def test_schedule_once(written):
    """An empty inbox loads nothing; the report step bursts per region. Its log, not stdout."""
    copy, results = written
    assert results["schedule"].exit_code == 0, results["schedule"].output
    log = "\n".join(results["schedule_log"]) + "\n"
    _check("schedule_once.txt", _plain(log, copy.root) + _files(copy.root / "sched"))


def test_sources():
    result = CliRunner().invoke(app, ["sources"])
    assert result.exit_code == 0, result.output
    _check("sources.txt", result.stdout.replace(str(CHECKOUT), "<checkout>"))


def test_demo_tiny(tmp_path):
    """The smallest demo the command accepts (100 customers, 1 week, no checks): its summary.
    The seed fixes every file, so every count is stable."""
    from tests.ecoute.cli.conftest import World

    result = World(tmp_path, "").run("demo", "--customers", "100", "--weeks", "1",
                                     "--out", "demo", "--no-checks")  # fmt: skip
    assert result.exit_code == 0, result.output
    _check("demo.txt", _plain(result.stdout, tmp_path))

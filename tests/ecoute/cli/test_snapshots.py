"""Every reading command on the small fixed world, as table and as JSON, against golden files in
tests/ecoute/cli/snapshots/. A change in what a command prints shows here as a diff to review.

Regenerate after an intended change: ``ECOUTE_UPDATE_SNAPSHOTS=1 pytest tests/ecoute/cli/test_snapshots.py``
(then read the diff before committing it). Clock-dependent values (when the load and build ran,
how long they took) and the temporary folder are masked.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

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
    """One golden file of every command's --help: no `<bool>`, no markup eaten ([engine])."""
    commands = [[c.name] for c in app.registered_commands]
    for group in app.registered_groups:
        commands.append([group.name])
        commands += [[group.name, c.name] for c in group.typer_instance.registered_commands]
    out = []
    for args in sorted(commands):
        result = world.run(*args, "--help")
        assert result.exit_code == 0, args
        out.append(f"$ ecoute {' '.join(args)} --help\n{result.stdout}")
    text = "\n".join(out)
    assert "<bool>" not in text and "[engine]" in text
    _check("help.txt", text)


def test_the_load_itself(world):
    _check("load.txt", world.load_output.replace(str(world.root), "<world>"))

"""What a read imports (issue 23: every read under a second): the reads show a few rows, so they
pull no DataFrame library and typer's pydantic coercion is not built for plain values. Each of
these costs 0.1-0.5 s of a read that takes under one; run on the small fixed world in a fresh
interpreter, as a user's command runs."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from tests.ecoute.cli.conftest import QUIET

HEAVY = ("polars", "pandas", "pyarrow", "pydantic", "plotly", "great_expectations", "smtplib")
READS = [
    ["messages", "--week", "2026-W27"],
    ["compensation"],
    ["compensation", "--format", "csv"],
    ["compensation", "--format", "json", "--week", "2026-W27"],
    ["check"],  # the stored verdicts: none recorded on this world, exit 1 saying so
    ["status"],
    ["metrics", "--week", "2026-W27"],
    ["worst", "--week", "2026-W27", "--limit", "3"],
    ["customer", "C1"],
    ["risk"],
]

_SCRIPT = """
import sys
from ecoute.cli import app
for args in {reads!r}:
    try:
        app(["--warehouse", {warehouse!r}, *args])
    except SystemExit as exit:
        assert exit.code in (0, None) or args == ["check"], (args, exit.code)
print(sorted({{m.split(".")[0] for m in sys.modules}} & set({heavy!r})), file=sys.stderr)
"""


def test_reads_import_no_dataframe_library_nor_pydantic(world):
    script = _SCRIPT.format(reads=READS, warehouse=str(world.warehouse), heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)], cwd=world.root, capture_output=True,
        text=True, env={**os.environ, **QUIET}, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == "[]", done.stderr

"""Progress of long steps: a line per file and per model on stderr, with the elapsed time."""

from __future__ import annotations

import io
import logging
import re

from ecoute.cli.progress import Progress
from ecoute.etl.pipeline import FileResult
from ecoute.jobs.pipeline import model_events


def test_a_line_per_file_and_per_model_with_elapsed_time():
    out = io.StringIO()  # not a terminal: plain lines, as in a log
    progress = Progress("always", out)
    with progress:
        progress("file_start", {"entity": "calls", "path": "in/calls.csv", "bytes": 10})
        progress("stage", {"stage": "merging"})  # a file's own stage: no line of its own
        done = FileResult("calls", "in/calls.csv", "", 10, read=1_234, loaded=1_230,
                          quarantined=4, seconds=0.25)  # fmt: skip
        progress("file_done", {"result": done})
        progress("stage", {"stage": "building models"})
        with model_events(progress):  # what the warehouse build logs after each model
            logging.getLogger("ecoute.warehouse.build").info(
                "built %s in %.1f s", "core.fct_calls", 1.5
            )
    lines = [re.sub(r"^\[ *[\d.]+ s\] ", "", line) for line in out.getvalue().splitlines()]
    assert lines == [
        "calls: calls.csv — 1,234 rows read, 1,230 loaded, 4 quarantined (0.2 s)",
        "building models…",
        "built core.fct_calls (1.5 s)",
    ]
    assert all(re.match(r"^\[ *\d+\.\d s\] ", line) for line in out.getvalue().splitlines())


def test_auto_is_quiet_off_a_terminal():
    out = io.StringIO()
    progress = Progress("auto", out)
    progress.line("nobody reads this")
    assert out.getvalue() == ""

"""Progress of long steps (load, checks, build) on stderr: one line per file and per model, with
the time elapsed since the command started, and on a terminal a byte-weighted bar under them.

``[etl] progress``: ``auto`` shows it when stderr is a terminal, ``always`` also in a pipe or a
log (plain lines, no bar), ``never`` keeps quiet. Lines are text, never markup.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Any

_FILE_STAGES = ("checking rows", "merging")


def _rows(n: int) -> str:
    return f"{n:,} row{'s' * (n != 1)}"


class Progress:
    """A callable for ``jobs.load``/``jobs.build``'s progress events, and a context manager."""

    def __init__(self, mode: str, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        terminal = bool(getattr(self.stream, "isatty", None) and self.stream.isatty())
        self.enabled = mode == "always" or (mode == "auto" and terminal)
        self.terminal = terminal and self.enabled
        self.started = time.perf_counter()
        self.current: dict[str, Any] = {}
        self.done_bytes = 0
        self.stop = threading.Event()
        self.bar = self._bar() if self.terminal else None

    def _bar(self) -> Any:
        from rich.console import Console
        from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Bar

        console = Console(file=self.stream, markup=False, highlight=False, emoji=False)
        bar = Bar(TextColumn("{task.description}", markup=False), BarColumn(),
                  TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn(),
                  console=console, transient=True)  # fmt: skip
        self.task = bar.add_task("starting", total=None)
        return bar

    def __enter__(self) -> Progress:
        if self.bar is not None:
            self.bar.__enter__()
            threading.Thread(target=self._poll, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        if self.bar is not None:
            self.bar.__exit__(*exc)

    def line(self, text: str) -> None:
        if not self.enabled:
            return
        stamped = f"[{time.perf_counter() - self.started:7.1f} s] {text}"
        if self.bar is not None:
            from rich.text import Text

            self.bar.console.print(Text(stamped))
        else:
            self.stream.write(stamped + "\n")
            self.stream.flush()

    def __call__(self, event: str, info: dict[str, Any]) -> None:
        if event == "file_start":
            self.current = info
            self._describe(f"{info['entity']}: {Path(info['path']).name}")
        elif event == "stage":
            if info["stage"] not in _FILE_STAGES:  # a file's own stages would double its line
                self.line(f"{info['stage']}…")
            self._describe(str(info["stage"]))
        elif event == "file_done":
            self._file_done(info.get("result"))
        elif event == "model_done":
            self.line(f"built {info['model']} ({info['seconds']:.1f} s)")
            self._describe(f"built {info['model']}")

    def _file_done(self, fr: Any) -> None:
        self.done_bytes += self.current.get("bytes", 0)
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done_bytes, total=max(self.done_bytes, 1))
        if fr is None:
            return
        if getattr(fr, "status", "") == "skipped":
            self.line(f"{fr.entity}: {Path(fr.path).name} unchanged since its last load, skipped")
            return
        self.line(f"{fr.entity}: {Path(fr.path).name} — {_rows(fr.read)} read, "
                  f"{fr.loaded:,} loaded, {fr.quarantined:,} quarantined "
                  f"({fr.seconds:.1f} s)")  # fmt: skip

    def _describe(self, text: str) -> None:
        if self.bar is not None:
            self.bar.update(self.task, description=text)

    def _poll(self) -> None:
        """While DuckDB reads a big file, its own query progress moves the bar."""
        while not self.stop.wait(0.5):
            con, size = self.current.get("con"), self.current.get("bytes", 0)
            if con is None or not size:
                continue
            try:
                pct = max(con.query_progress(), 0.0) / 100.0
            except Exception:  # noqa: BLE001 - progress is best effort, never fatal
                continue
            total = self.done_bytes + size
            self.bar.update(self.task, completed=self.done_bytes + pct * size, total=total)

"""Python models: the tables the build writes with Python, each calling its pure engine.

One module per model (calendar, intents, compensation, risk), each giving its ``PythonStep``
(warehouse/runner.py: what it reads, writes, and its grain); warehouse/build.py lists them.
SQL longer than a line lives in ``sql/<model>/*.sql``.
"""

from __future__ import annotations

from importlib import resources


def sql(model: str, name: str) -> str:
    """The text of ``sql/<model>/<name>.sql``."""
    return resources.files(__name__).joinpath(f"sql/{model}/{name}.sql").read_text("utf-8")

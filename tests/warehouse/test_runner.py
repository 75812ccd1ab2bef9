"""warehouse/runner.py: the build's parameters as SQL variables, written as literals."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import duckdb

from ecoute.warehouse.runner import set_params


def test_parameters_keep_the_type_and_value_a_bound_value_would_have():
    con = duckdb.connect()
    params = {"n": 90, "x": 0.1 + 0.2, "tz": "Europe/Brussels", "parties": ["system"],
              "enabled": True, "day": dt.date(2026, 3, 16), "unset": None, "quote": "l'eau"}  # fmt: skip
    set_params(con, params)
    got = {k: con.execute(f"select getvariable('{k}'), typeof(getvariable('{k}'))").fetchone()
           for k in params}  # fmt: skip
    assert got == {
        "n": (90, "INTEGER"),
        "x": (0.30000000000000004, "DOUBLE"),  # every bit, not DECIMAL(18, 17)'s rounding
        "tz": ("Europe/Brussels", "VARCHAR"),
        "parties": (["system"], "VARCHAR[]"),
        "enabled": (True, "BOOLEAN"),
        "day": (dt.date(2026, 3, 16), "DATE"),
        "unset": (None, "INTEGER"),
        "quote": ("l'eau", "VARCHAR"),
    }


def test_setting_the_parameters_does_not_import_pandas():
    """Binding a Python value would: DuckDB's client imports pandas for it (~1 CPU-s)."""
    code = ("import sys, duckdb; from ecoute.warehouse.runner import set_params; "
            "set_params(duckdb.connect(), {'n': 1, 'x': 0.5, 's': 'a', 'l': ['b']}); "
            "print('pandas' in sys.modules)")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

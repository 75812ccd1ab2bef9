"""Data flows one way: a model reads only from its own layer or the layers below it
(raw → staging → intermediate → core → marts), SQL models and Python models alike."""

from __future__ import annotations

import re

from ecoute.core.settings import load_settings
from ecoute.warehouse.build import python_steps
from ecoute.warehouse.runner import MODELS_DIR, discover

LAYERS = ("raw", "staging", "intermediate", "core", "marts")
_REFERENCE = re.compile(rf"\b({'|'.join(LAYERS)})\.(\w+)")
_COMMENT = re.compile(r"--[^\n]*")


def references(sql: str) -> set[tuple[str, str]]:
    """The ``schema.table`` names a model's SQL reads (comments left out)."""
    return set(_REFERENCE.findall(_COMMENT.sub("", sql)))


def upward(layer: str, reads: set[tuple[str, str]]) -> list[str]:
    """The names of ``reads`` in a layer above ``layer``."""
    rank = LAYERS.index(layer)
    return sorted(f"{s}.{t}" for s, t in reads if LAYERS.index(s) > rank)


def test_the_reference_parser_sees_through_comments_and_finds_every_layer():
    sql = "-- reads marts.rpt_x\nselect * from core.fct_a join staging.stg_b using (k)"
    assert references(sql) == {("core", "fct_a"), ("staging", "stg_b")}
    assert upward("intermediate", references(sql)) == ["core.fct_a"]
    assert upward("core", references(sql)) == []


def test_no_sql_model_reads_a_layer_above_its_own():
    bad = {
        m.qualified: found
        for m in discover(MODELS_DIR)
        if (found := upward(m.schema, references(m.sql)))
    }
    assert bad == {}, f"models reading upwards (move them up a layer): {bad}"


def test_no_python_model_reads_a_layer_above_its_own():
    layer_of = {m.name: m.schema for m in discover(MODELS_DIR)}
    steps = python_steps(load_settings(environ={}))
    for step in steps:
        layer_of.update({w.split(".")[1]: w.split(".")[0] for w in step.writes})
    bad = {}
    for step in steps:
        (layer,) = {w.split(".")[0] for w in step.writes}  # one layer per model
        reads = {(layer_of[r.split(".")[-1]], r.split(".")[-1]) for r in step.reads}
        if found := upward(layer, reads):
            bad[step.name] = found
    assert bad == {}, f"Python models reading upwards: {bad}"

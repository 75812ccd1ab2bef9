"""warehouse/models/models.yml: every model file has an entry and every entry a model file;
a wrong entry fails before anything is built, naming the model and the file."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ecoute.warehouse.config import CONFIG_FILE, ModelConfigError
from ecoute.warehouse.runner import MODELS_DIR, PythonStep, discover


def _copy(tmp_path: Path) -> Path:
    models = tmp_path / "models"
    shutil.copytree(MODELS_DIR, models)
    return models


def _edit(models: Path, pattern: str, replacement: str) -> None:
    path = models / CONFIG_FILE
    text, count = re.subn(pattern, replacement, path.read_text(encoding="utf-8"), flags=re.M)
    assert count == 1, pattern
    path.write_text(text, encoding="utf-8")


def test_every_model_file_has_an_entry_and_every_entry_a_file():
    files = {p.stem for p in MODELS_DIR.glob("*/*.sql")}
    names = re.findall(r"^  - name: (\w+)$", (MODELS_DIR / CONFIG_FILE).read_text("utf-8"), re.M)
    assert sorted(names) == sorted(files)
    assert {m.name for m in discover(MODELS_DIR)} == files


def test_no_model_file_keeps_a_metadata_comment():
    """What the build reads is in models.yml; a header left in the SQL would be ignored."""
    for path in MODELS_DIR.glob("*/*.sql"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^--\s*(grain|pending|periods|period key):", text, re.M), path


def test_what_the_models_declare_is_read_typed():
    models = {m.name: m for m in discover(MODELS_DIR)}
    calls = models["fct_calls"].config
    assert calls.grain == "call_id" and len(calls.pending) == 2
    backlog = models["rpt_metrics__backlog"].config
    assert backlog.reads_horizon and backlog.period_key.start == "period_start"
    (rows,) = backlog.periods
    assert (rows.table, rows.first, rows.lookup) == ("core.fct_tickets", "opened_date", False)
    assert models["stg_calls"].grain == "staging"
    assert models["rpt_metrics__daily"].config.union_by == "metric"
    assert backlog.union_by is None


@pytest.mark.parametrize(
    ("pattern", "replacement", "model", "message"),
    [
        (r"^  - name: fct_notifications\n    config:\n      grain: customer_id\n", "",
         "fct_notifications", "no entry for the model"),
        (r"^models:\n", "models:\n  - name: fct_ghost\n    config: {grain: customer_id}\n",
         "fct_ghost", "has no model file"),
        (r"(- name: fct_contacts\n    config:\n)", r"\1      grian: customer_id\n",
         "fct_contacts", "unknown key"),
        (r"(- name: fct_messages\n    config:\n      grain:) customer_id", r"\1 customer",
         "fct_messages", "grain 'customer' is not one of"),
        (r"(- name: int_data__horizon\n    config:\n      grain:) global", r"\1 staging",
         "int_data__horizon", "only them"),
        (r"^      reads_horizon: true\n      period_key: \{grain: grain",
         "      reads_horizon: yes please\n      period_key: {grain: grain",
         "rpt_metrics__backlog", "reads_horizon must be true or false"),
        (r"(- name: dim_customers\n    config:\n      grain: customer_id\n)",
         r"\1      period_key: {grain: grain, start: period_start}\n",
         "dim_customers", "are for grain 'period' marts"),
        (r"(- name: int_calls__classified\n    config:\n      grain:) call_id", r"\1 global\n"
         "      pending: [is_answered]", "int_calls__classified", "'pending' needs"),
        (r"^          day: first_visit_date\n(      period_key: \{grain: grain)",
         r"          first_day: first_visit_date\n\1", "rpt_metrics__appointments",
         "give 'day', or 'first_day' and 'last_day'"),
        (r"^      reads_horizon: true\n      period_key: \{grain: grain",
         "      union_by: metric\n      period_key: {grain: grain",
         "rpt_metrics__backlog", "union_by is for a mart that reads no fact table"),
    ],
)  # fmt: skip
def test_a_broken_entry_names_the_model_and_the_file(tmp_path, pattern, replacement, model,
                                                     message):  # fmt: skip
    models = _copy(tmp_path)
    _edit(models, pattern, replacement)
    with pytest.raises(ModelConfigError) as raised:
        discover(models)
    text = str(raised.value)
    assert str(models / CONFIG_FILE) in text and model in text and message in text, text


def test_a_python_model_with_a_wrong_grain_fails_when_declared():
    with pytest.raises(ValueError, match="Python model fct_x: grain 'customers'"):
        PythonStep("fct_x", reads=(), writes=("core.fct_x",), run=print, grain="customers")
    with pytest.raises(ValueError, match="fct_y: pending queries need"):
        PythonStep("fct_y", (), ("core.fct_y",), print, grain="snapshot", pending=("select 1",))

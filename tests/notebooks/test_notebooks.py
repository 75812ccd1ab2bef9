"""The analysts' notebooks run top to bottom on a small demo warehouse, and the helper they
share (``ecoute.reports.notebook``) slices metrics exactly as the marts count them.

One demo warehouse per session (4,000 customers × 10 weeks, so the cable cut at 40 % of the
window falls inside); each jupytext script is converted to a notebook and executed by nbclient
in a kernel of this very interpreter (the venv), with a time budget per notebook. The churn
notebook runs twice: with the risk marts, and on a copy without them (it must say so and skip).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ecoute.reports.notebook import DISTRIBUTIONS, RATIOS

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.py"))
CHURN = "07_churn"
NOTEBOOK_BUDGET_S = 90  # per notebook, all cells together
RISK_TABLES = (
    "marts.rpt_customers__risk",
    "marts.rpt_risk__evaluation",
    "marts.rpt_risk__calibration",
)

pytestmark = pytest.mark.slow


# --- the demo warehouse ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_warehouses(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | bool]:
    """``{"with_risk": path, "without_risk": path, "risk_built": bool}``."""
    from ecoute.core.db import connect
    from ecoute.core.settings import load_settings
    from ecoute.demo import generate
    from ecoute.jobs import load as run_load

    base = tmp_path_factory.mktemp("notebook_demo")
    without = base / "without_risk.duckdb"
    settings = load_settings(warehouse=without, environ={})
    summary = generate(base / "exports", customers=4_000, weeks=10, seed=7, end_week="2026-W27")
    run_load(settings, base / "exports", summary.mapping, checks=False, force=True)
    con = connect(settings)
    try:
        for table in RISK_TABLES:  # in case the build scores customers itself
            con.execute(f"drop table if exists {table}")
    finally:
        con.close()
    with_risk = base / "with_risk.duckdb"
    shutil.copyfile(without, with_risk)
    risk_built = _add_churn_risk(load_settings(warehouse=with_risk, environ={}))
    return {"with_risk": with_risk, "without_risk": without, "risk_built": risk_built}


def _add_churn_risk(settings) -> bool:  # noqa: ANN001 - Settings, imported lazily
    """Train and score with the risk package (ecoute/risk) when it is there.

    Ten weeks of history are too short for the default 28-day horizon with 28 days of history
    before the first training cut-off, so the horizon is shortened for this small warehouse.
    """
    try:
        from ecoute.jobs.risk_training import train
        from ecoute.warehouse.python.risk import score_customers, store_scores
    except ImportError:
        return False
    from ecoute.core.db import connect

    short = settings.with_overrides(
        risk={"horizon_days": 21, "min_history_days": 14, "mode": "learned"}
    )
    con = connect(short)
    try:
        train(con, short)
        store_scores(con, score_customers(con, short))
    finally:
        con.close()
    return True


# --- executing the notebooks ----------------------------------------------------------------


def _kernel_manager(kernels: Path, warehouse: Path):  # noqa: ANN202 - jupyter_client types
    """A kernel running this interpreter (never a system Python), told where the warehouse is."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    spec_dir = kernels / "python3"
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Écoute (venv)",
        "language": "python",
        "env": {"ECOUTE_WAREHOUSE": str(warehouse), "PYTHONPATH": str(ROOT)},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    ksm = KernelSpecManager(kernel_dirs=[str(kernels)], ensure_native_kernel=False)
    return KernelManager(kernel_name="python3", kernel_spec_manager=ksm)


def run_notebook(script: Path, warehouse: Path, kernels: Path):  # noqa: ANN201 - nbformat node
    """Execute a jupytext script top to bottom; raise on the first failing cell or overtime."""
    import jupytext
    from nbclient import NotebookClient

    notebook = jupytext.read(script)
    deadline = time.monotonic() + NOTEBOOK_BUDGET_S

    def remaining(cell) -> int:  # noqa: ANN001 - nbformat cell
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"{script.name} took more than {NOTEBOOK_BUDGET_S} s")
        return max(1, int(left))

    client = NotebookClient(
        notebook,
        km=_kernel_manager(kernels, warehouse),
        timeout=NOTEBOOK_BUDGET_S,
        timeout_func=remaining,
        startup_timeout=60,
        allow_errors=False,
        resources={"metadata": {"path": str(NOTEBOOKS_DIR)}},
    )
    client.execute()
    return notebook


def _text_outputs(notebook) -> str:  # noqa: ANN001
    parts = []
    for cell in notebook.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            parts.extend(str(v) for k, v in out.get("data", {}).items() if k.startswith("text/"))
    return "\n".join(parts)


def test_notebooks_exist() -> None:
    names = {p.stem for p in NOTEBOOKS}
    assert len(names) >= 7, names
    assert CHURN in names


@pytest.mark.parametrize("script", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(script: Path, demo_warehouses: dict, tmp_path: Path) -> None:
    if script.stem == CHURN and not demo_warehouses["risk_built"]:
        pytest.skip("ecoute.risk is not importable: the churn notebook runs only without risk")
    run_notebook(script, demo_warehouses["with_risk"], tmp_path / "kernels")


def test_churn_notebook_skips_without_risk_marts(demo_warehouses: dict, tmp_path: Path) -> None:
    script = NOTEBOOKS_DIR / f"{CHURN}.py"
    notebook = run_notebook(script, demo_warehouses["without_risk"], tmp_path / "kernels")
    assert "not built yet" in _text_outputs(notebook)


# --- the notebooks as committed -------------------------------------------------------------


@pytest.mark.parametrize("script", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_tells_a_story_and_uses_the_helper(script: Path) -> None:
    import jupytext

    notebook = jupytext.read(script)
    markdown = [c for c in notebook.cells if c.cell_type == "markdown"]
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert len(markdown) >= 4, "a notebook tells its story in markdown around the code"
    assert "from ecoute.reports import notebook as nb" in code
    assert notebook.metadata.get("kernelspec", {}).get("name") == "python3"
    # Metrics come from the marts or nb.rate_by; a notebook never writes a metric's formula.
    for formula in ("is_inbound and is_answered", "is_abandon_eligible", "quantile_cont"):
        assert formula not in code, f"{script.name} re-implements a metric ({formula})"


def test_committed_ipynb_carry_no_outputs() -> None:
    for path in NOTEBOOKS_DIR.glob("*.ipynb"):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            assert not cell.get("outputs"), f"{path.name} was committed with outputs"
            assert cell.get("execution_count") is None, f"{path.name} carries execution counts"


# --- the helper -----------------------------------------------------------------------------


@pytest.fixture()
def nb(demo_warehouses: dict, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    from ecoute.reports import notebook

    monkeypatch.setenv("ECOUTE_WAREHOUSE", str(demo_warehouses["with_risk"]))
    notebook.close()
    notebook._state.clear()
    yield notebook
    notebook.close()
    notebook._state.clear()


def _mart(nb, metric: str) -> dict[dt.date, tuple[float, float]]:  # noqa: ANN001
    rows = nb.sql(
        "select week_start, numerator, denominator, value from marts.rpt_metrics__weekly "
        "where metric = ? and dimension = 'all' and region = '*' and denominator > 0",
        [metric],
    )
    return {r["week_start"]: (r["numerator"], r["denominator"], r["value"])
            for r in rows.iter_rows(named=True)}  # fmt: skip


@pytest.mark.parametrize("metric", sorted(RATIOS))
def test_rate_by_week_reproduces_the_weekly_mart(nb, metric: str) -> None:  # noqa: ANN001
    ours = nb.rate_by(metric, "date_trunc('week', period_date)::date as week_start")
    ours = {r["week_start"]: (r["numerator"], r["denominator"])
            for r in ours.iter_rows(named=True) if r["denominator"] > 0}  # fmt: skip
    mart = _mart(nb, metric)
    assert mart, f"no {metric} in the mart"
    assert ours == {w: (num, den) for w, (num, den, _) in mart.items()}


@pytest.mark.parametrize("distribution", sorted(DISTRIBUTIONS))
def test_percentiles_by_week_reproduce_the_weekly_mart(nb, distribution: str) -> None:  # noqa: ANN001
    ours = nb.percentiles_by(distribution, "date_trunc('week', period_date)::date as week_start")
    for metric in nb.DISTRIBUTIONS[distribution].quantiles:
        mart = _mart(nb, metric)
        assert mart
        mine = {r["week_start"]: (r["n"], r[metric]) for r in ours.iter_rows(named=True)}
        for week, (_, den, value) in mart.items():
            assert mine[week][0] == den
            assert mine[week][1] == pytest.approx(value, rel=1e-9)


def test_weekly_reads_the_mart_for_the_weeks_with_calls(nb) -> None:  # noqa: ANN001
    frame = nb.weekly(["dropped_call_rate", "missed_visit_rate"], dimension="region")
    weeks = nb.weeks()
    assert len(weeks) == 10
    assert set(frame["week_start"]) <= set(weeks)
    assert "*" not in set(frame["region"])
    assert set(frame["metric"]) == {"dropped_call_rate", "missed_visit_rate"}
    with pytest.raises(ValueError, match="unknown metric"):
        nb.weekly("dropped_calls")


def test_week_matches_week_metrics(nb) -> None:  # noqa: ANN001
    from ecoute.reports.metrics import week_metrics

    start = nb.weeks()[-1]
    frame = nb.week(start)
    expected = week_metrics(nb.connection(), start)["metrics"]["abandon_rate"]["value"]
    assert frame.filter(metric="abandon_rate")["value"][0] == expected


def test_major_outage_is_the_cable_cut_inside_the_window(nb) -> None:  # noqa: ANN001
    outage = nb.major_outage()
    assert outage["region"] == "Liège, Namur & Luxembourg"
    assert outage["week_start"] in nb.weeks()


def test_journey_timeline_draws_the_worst_customer(nb) -> None:  # noqa: ANN001
    worst = nb.worst(nb.major_outage()["week_start"], top=1)
    customer = worst["customer_id"][0]
    fig = nb.journey_timeline(customer)
    events = nb.journey(customer)
    drawn = sum(len(t.x) for t in fig.data if t.mode == "markers")
    assert drawn == events.height > 0
    assert customer in fig.layout.title.text


def test_import_does_no_work_and_the_settings_name_the_warehouse(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.duckdb"
    code = (
        "import ecoute.reports.notebook as nb\n"
        "assert nb._state == {}\n"
        "from ecoute.core.db import WarehouseMissing\n"
        "try:\n    nb.sql('select 1')\nexcept WarehouseMissing as e:\n    print(e)\n"
    )
    env = {**os.environ, "ECOUTE_WAREHOUSE": str(missing)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    assert str(missing) in out.stdout
    assert not missing.exists()

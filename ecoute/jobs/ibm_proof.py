"""Prove the learned mode on IBM's Telco Customer Churn sample (docs/churn.md).

    python -m ecoute.jobs.ibm_proof [--data DIR] [--warehouse FILE]

Loads ``Telco-Customer-Churn.csv`` through ``etl/mappings/ibm_telco_churn.yaml`` into a fresh
warehouse (a temporary one by default), declares the sample's own columns as features, trains
as ``ecoute risk train --as-of 2020-01-01`` would (no event dates: a stratified split) and prints
the held-out ROC AUC. The same can be done by hand with ``ecoute load`` and an ecoute.toml
holding ``IBM_SETTINGS`` (docs/churn.md shows it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path

from ecoute.core.settings import Settings, load_settings
from ecoute.jobs.risk_training import TrainResult

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data" / "external" / "ibm-telco-churn"
MAPPING = REPO / "etl" / "mappings" / "ibm_telco_churn.yaml"
SNAPSHOT = dt.date(2020, 1, 1)  # the mapping's fixed snapshot date: customer_since, churned_at
# Every column of the sample but its id, the fee (monthly_fee), tenure (customer_since) and the
# label (Churn). PhoneService arrives as a keyed hash (the ETL hashes columns named like
# "phone"): still two distinct values, still a category.
EXTRA_FEATURES = (
    "gender", "SeniorCitizen", "Partner", "Dependents", "PhoneService", "MultipleLines",
    "InternetService", "OnlineSecurity", "OnlineBackup", "DeviceProtection", "TechSupport",
    "StreamingTV", "StreamingMovies", "Contract", "PaperlessBilling", "PaymentMethod",
    "TotalCharges",
)  # fmt: skip
IBM_SETTINGS = {"extra_features": list(EXTRA_FEATURES), "horizon_days": 30}


def ibm_settings(warehouse: Path) -> Settings:
    """Defaults, the given warehouse, and the IBM sample's feature declaration."""
    settings = load_settings(warehouse=warehouse, environ={})
    # A public sample without personal data: its own PII key, since a load refuses the default.
    return settings.with_overrides(
        risk=IBM_SETTINGS, etl={"progress": "never", "pii_key": "ibm-public-sample"}
    )


def prove(data: Path = DATA, warehouse: Path | None = None) -> TrainResult:
    """Load the sample, train and evaluate; returns the training result."""
    from ecoute.jobs.pipeline import load
    from ecoute.jobs.risk_training import train
    from ecoute.warehouse.connection import connect

    with tempfile.TemporaryDirectory() as tmp:
        settings = ibm_settings(warehouse or Path(tmp) / "ibm.duckdb")
        load(settings, data, MAPPING, force=True, checks=False)
        con = connect(settings)
        try:
            return train(con, settings, SNAPSHOT, write=warehouse is not None)
        finally:
            con.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder holding the CSV")
    parser.add_argument("--warehouse", type=Path, help="keep the warehouse, model and page here")
    args = parser.parse_args(argv)
    result = prove(args.data, args.warehouse)
    learned, rules = result.results["learned"], result.results["rules"]
    print(f"IBM Telco churn: {result.n_train:,} customers to train, {learned['n_test']:,} held "
          f"out ({learned['positives_test']:,} left), {result.split} split")  # fmt: skip
    print(f"rules ROC AUC:   {rules['roc_auc']:.3f}")
    print(f"held-out ROC AUC (learned): {learned['roc_auc']:.3f}")


if __name__ == "__main__":
    main()

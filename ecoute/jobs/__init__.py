"""Jobs: what the command line and the scheduler run (see ecoute.jobs.pipeline).

The pipeline's jobs import duckdb at most at import time; Great Expectations, the warehouse
build and the report are imported inside the jobs that use them.
"""

from ecoute.jobs.pipeline import (
    Built,
    GateUnavailable,
    NoWarehouse,
    build,
    check,
    deliver,
    load,
    model_build,
    quality_gate,
    report,
    report_dir,
)

__all__ = [
    "Built",
    "GateUnavailable",
    "NoWarehouse",
    "build",
    "check",
    "deliver",
    "load",
    "model_build",
    "quality_gate",
    "report",
    "report_dir",
]

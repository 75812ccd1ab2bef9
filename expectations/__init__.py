"""Data-quality gates: one Great Expectations suite per entity, run in DuckDB on every load.

``validate(con, settings, load_id=..., entities=[...])`` checks the rows a load merged, on the
loader's own connection inside its open transaction, and returns a ``ValidationReport``
(``.blocking_failures``, ``.record(con)``). Great Expectations is imported only when
``validate`` runs. See docs/quality.md.
"""

from ecoute.expectations.report import ExpectationResult, ValidationReport
from ecoute.expectations.runner import validate

__all__ = ["ExpectationResult", "ValidationReport", "validate"]

"""The customers' declared ``extra`` attributes as feature columns (``extra.<key>``).

Pure: no I/O. The warehouse features carry the raw ``extra`` JSON; the learned model and its
training read the keys ``[risk] extra_features`` declares through these columns.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import polars as pl

EXTRA_PREFIX = "extra."


def with_extras(frame: pl.DataFrame, keys: Sequence[str]) -> pl.DataFrame:
    """Add one text column ``extra.<key>`` per declared key of the customers' ``extra`` JSON."""
    if not keys:
        return frame
    docs = [json.loads(e) if e else {} for e in frame["extra"].to_list()]
    columns = {
        f"{EXTRA_PREFIX}{key}": pl.Series(
            [None if d.get(key) is None else str(d[key]).strip() or None for d in docs],
            dtype=pl.String,
        )
        for key in keys
    }
    return frame.with_columns(**columns)

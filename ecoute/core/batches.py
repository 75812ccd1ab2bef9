"""Customers in batches, so the Python build steps hold one batch in memory, never the history.

A batch is a hash bucket of ``customer_id``: the rows of one customer (tickets, appointments,
payments, features) always fall in the same bucket, so a step that works customer by customer
gives the same rows whatever the number of buckets. Each bucket is one filtered scan of the
model relations, which DuckDB does in a fraction of the time the Python work takes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import duckdb

from ecoute.core.settings import Settings

DEFAULT_BATCH_CUSTOMERS = 50_000
DEFAULT_BATCH_MESSAGES = 20_000


@dataclass(frozen=True)
class Bucket:
    """One of ``count`` hash buckets of customer ids."""

    number: int
    count: int

    def where(self, column: str = "customer_id") -> str:
        """The SQL predicate selecting this bucket's rows (``column`` holds the customer id)."""
        if self.count == 1:
            return "true"
        return f"hash({column}::varchar) % {self.count} = {self.number}"


def batch_customers(settings: Settings) -> int:
    """``[warehouse] batch_customers``: customers per batch of a Python build step."""
    return _positive(settings, "batch_customers", DEFAULT_BATCH_CUSTOMERS)


def batch_messages(settings: Settings) -> int:
    """``[warehouse] batch_messages``: messages per batch of the intents step."""
    return _positive(settings, "batch_messages", DEFAULT_BATCH_MESSAGES)


def _positive(settings: Settings, key: str, default: int) -> int:
    value = int(settings.section("warehouse").get(key) or default)
    if value < 1:
        raise ValueError(f"[warehouse] {key} must be at least 1, got {value}")
    return value


def customer_buckets(
    con: duckdb.DuckDBPyConnection, size: int, relation: str = "staging.stg_customers"
) -> Iterator[Bucket]:
    """Enough buckets that each holds about ``size`` of the customers in ``relation``."""
    customers = con.execute(f"select count(*) from {relation}").fetchone()[0]
    count = max(1, -(-customers // size))
    for number in range(count):
        yield Bucket(number, count)

"""The risk mart's reasons column: before (English sentences joined by a control character,
split by polars) vs now (codes and values, cut by offsets into arrow lists), for N customers
with 0 to 3 reasons each, alternating the order over two rounds.
``python -m bench.risk_reasons`` (docs/performance.md, Session 6)."""

import random
import time

import polars as pl

from ecoute.risk.signals import Reason
from ecoute.warehouse.python.risk import reason_column

N = 200_000
CODES = ("repeat_contacts", "tenure", "monthly_fee", "dropped_without_callback")


def main() -> None:
    rng = random.Random(7)
    per = [
        tuple(Reason(rng.choice(CODES), float(rng.randint(1, 5))) for _ in range(rng.randint(0, 3)))
        for _ in range(N)
    ]
    words = [tuple(f"{r.value:g} {r.code}" for r in rs) for rs in per]

    def before() -> pl.Series:
        joined = pl.Series(["\x1f".join(w) for w in words], dtype=pl.String)
        return joined.str.split("\x1f").list.eval(pl.element().filter(pl.element() != ""))

    def now() -> pl.Series:
        return reason_column(per)

    for round_ in range(2):
        pair = (("before", before), ("now", now))
        for name, make in pair if round_ == 0 else pair[::-1]:
            start = time.perf_counter()
            make()
            print(round_, name, round(time.perf_counter() - start, 3))


if __name__ == "__main__":
    main()

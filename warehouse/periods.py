"""Incremental `period` marts: recompute only the days and weeks a load's changed rows reach.

A `period` mart (``grain: period``) aggregates facts of all customers per local day and ISO
week. An incremental build (warehouse/incremental.py) knows, after phase B, exactly which fact
rows changed: the previous and the new version of every customer-grained row of the scope,
less the rows that came out identical in the columns the mart's SQL names (so a mart must name
every fact column it uses, as an aggregate does). A mart's rows for a period depend only on the fact rows
that count in that period (plus the horizon and the calendar), so the periods those changed rows
count in are the only ones whose numbers can differ. Each mart says how its rows map to periods
in its entry of models/models.yml (warehouse/config.py):

``periods: [{table: <table>, day: <date>}]`` or ``{table: …, first_day: …, last_day: …}``
    SQL expressions over one row of ``<table>`` (a customer-grained model) giving the local day,
    or the range of days, the row counts in (``horizon_date``: the new horizon's local day).
    Every day and its ISO week is affected. A superset is always right, a subset never.
``lookup: true``
    the same for a table the mart joins (a customer's region), read whole rather than narrowed.
``reads_horizon: true``
    the mart reads the horizon itself: when it moved, every day from the old horizon's through
    the new one's (the backlog's "open at period end" of the current period).
``period_key: {grain: <grain>, start: <period start>}``
    SQL over the mart's own rows naming their period (``grain, period_start``, ``'day',
    metric_date``).

A period mart that reads other period marts (the daily and weekly unions) is affected where they
are. A mart without ``periods``, or one whose inputs were rebuilt in full, is rebuilt in full.

The mart is then recomputed from its own SQL, unchanged, over narrowed inputs: each fact table it
reads is replaced, in the SQL text only, by a view of the rows counting in an affected day or in a
day of an affected week. Every row of an affected period is in that view, so those periods come
out exactly as a full build computes them (percentiles included: whole periods, never deltas);
the other periods it yields are partial and are thrown away. The mart then loses the affected
periods and gains the recomputed ones. A full build never runs this: the model SQL is the same
for DuckDB and Spark.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import duckdb

from ecoute.core.sql_literals import literal, text
from ecoute.warehouse.config import PeriodRows
from ecoute.warehouse.runner import Model

WORK = "_incr"  # the incremental build's temp-table prefix (dropped with the others)


def lines(model: Model) -> tuple[PeriodRows, ...]:
    """The model's ``periods``: rows of a table count in the days ``first`` .. ``last``."""
    return model.config.periods


def reads_horizon(model: Model) -> bool:
    return model.config.reads_horizon


def key(model: Model) -> tuple[str, str] | None:
    found = model.config.period_key
    return None if found is None else (found.grain, found.start)


def watched(models: list[Model]) -> dict[str, str]:
    """The tables whose two versions phase B must keep for the marts → the marts' SQL (only the
    columns it names are kept)."""
    marts = [m for m in models if m.grain == "period"]
    tables = {line.table for m in marts for line in lines(m)}
    return {t: "\n".join(_reads(m) for m in marts) for t in tables}


def _reads(model: Model) -> str:
    """The text naming every fact column the mart depends on: its SQL and its ``periods``
    expressions (a row whose period columns changed moves between periods)."""
    days = [f"{rows.first}\n{rows.last}" for rows in lines(model)]
    return "\n".join([model.sql, *days])


def _named(con: duckdb.DuckDBPyConnection, table: str, sql: str) -> list[str]:
    """The columns of ``table`` that ``sql`` names."""
    names = [c for (c,) in con.execute(f"select column_name from (describe {table})").fetchall()]
    return [f'"{c}"' for c in names if re.search(rf"\b{re.escape(c)}\b", sql)]


def _version(table: str, which: str) -> str:
    return f"{WORK}_{which}_{table.replace('.', '_')}"


def keep_changes(
    con: duckdb.DuckDBPyConnection, table: str, prev: str, key: str, owned: str, sql: str
) -> None:
    """Before phase B merges ``table``: the scope's rows, previous version (from ``prev``) and
    new version (from ``table``), in the columns the marts' ``sql`` names, for them to compare."""
    cols = ", ".join(_named(con, table, sql))
    for which, source in (("old", prev), ("new", table)):
        con.execute(
            f"create or replace temp table {_version(table, which)} as select {cols} "
            f"from {source} where {key} in (select {key} from {owned})"
        )


def _changed(con: duckdb.DuckDBPyConnection, table: str, sql: str) -> str | None:
    """The scope's rows of ``table`` that differ between the two versions over the columns the
    mart's SQL names, both versions (a row whose other columns changed reaches no period of that
    mart); None when phase B did not keep them. Rows are compared with their multiplicity (a
    `count(*)` per distinct row, then a set `except`: exact like `except all`, and faster)."""
    old, new = _version(table, "old"), _version(table, "new")
    if not (_exists(con, old) and _exists(con, new)):
        return None
    cols = ", ".join(_named(con, old, sql))
    old, new = (f"select {cols}, count(*) as _n from {t} group by all" for t in (old, new))
    return f"(select * from ({old} except {new}) union all select * from ({new} except {old}))"


class Marts:
    """Phase C's period marts, each over the periods it is affected in."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        old_horizon: Any,
        marts: list[Model],
        atomic: bool,
    ) -> None:
        self.con = con
        self.old_horizon = old_horizon
        self.marts = {m.qualified: m for m in marts}  # every `period` mart
        self.atomic = atomic
        self.affected: dict[str, str | None] = {}  # mart → its affected-periods table, None: all
        con.execute(f"create or replace temp table {WORK}_old_horizon as "
                    f"select {literal(old_horizon)}::timestamptz as old_at")  # fmt: skip

    def build(self, model: Model, run: Callable[[Model], None], outcome: Any) -> None:
        """Rebuild ``model`` over its affected periods, or in full when they cannot be told;
        ``outcome.periods`` gets how many periods (None: all)."""
        t0 = time.perf_counter()
        table = self._affected(model)
        self.affected[model.qualified] = table
        outcome.periods[model.qualified] = None
        if table is None:
            run(model)
            return
        count = self.con.execute(f"select count(*) from {table}").fetchone()[0]
        outcome.periods[model.qualified] = count
        outcome.built.append(model.qualified)
        if not self.atomic:
            self.con.begin()
        if count:
            self._recompute(model, table)
        if not self.atomic:
            self.con.commit()
        outcome.seconds[model.qualified] = round(time.perf_counter() - t0, 3)

    def _upstream(self, model: Model) -> list[str]:
        """The period marts ``model`` reads."""
        return [m for m in self.marts if m != model.qualified
                and re.search(rf"\b{re.escape(m)}\b", model.sql)]  # fmt: skip

    def _affected(self, model: Model) -> str | None:
        """Fill ``_incr_periods_<mart>`` (p_grain, p_start) and return its name; None: all."""
        con, own, upstream = self.con, lines(model), self._upstream(model)
        if key(model) is None or not (own or upstream):
            return None
        if any(self.affected.get(m) is None for m in upstream):
            return None
        days = []
        for line in own:
            changed = _changed(con, line.table, _reads(model))
            if changed is None:
                return None  # not rebuilt per customer this time: nothing to compare
            days.append(_days(f"{changed} as r", line))
        if reads_horizon(model):
            new = con.execute("select horizon_at from intermediate.int_data__horizon").fetchone()
            if new[0] != self.old_horizon:
                if self.old_horizon is None:
                    return None
                days.append(
                    "select unnest(generate_series(timezone(getvariable('tz'), o.old_at)::date, "
                    f"horizon_date, interval 1 day))::date as d from _h, {WORK}_old_horizon o"
                )
        table = f"{WORK}_periods_{model.name}"
        parts = ["select 'day' as p_grain, d as p_start from days",
                 "select 'week', date_trunc('week', d)::date from days"]  # fmt: skip
        parts += [f"select p_grain, p_start from {self.affected[m]}" for m in upstream]
        union = "\nunion\n".join(parts)
        day_sql = "\nunion all\n".join(days) or "select null::date as d where false"
        con.execute(
            f"create or replace temp table {table} as with {_HORIZON}, "
            f"days as (select distinct d from ({day_sql}) where d is not null)\n{union}"
        )
        return table

    def _recompute(self, model: Model, periods: str) -> None:
        """The mart's SQL over inputs narrowed to the affected periods' rows; its rows of those
        periods replaced by the result's."""
        if model.config.union_by and all(self._kept(u) for u in self._upstream(model)):
            self._recompute_union(model, model.config.union_by)
            return
        con, name = self.con, model.name
        days = f"{WORK}_days_{name}"
        # The days whose rows a recomputed period needs: affected days, and every day of an
        # affected week (a week counts its days' rows).
        con.execute(
            f"create or replace temp table {days} as select distinct p_start + i::int as d "
            f"from {periods}, range(7) t(i) where p_grain = 'week' union "
            f"select p_start from {periods} where p_grain = 'day'"
        )
        sql, views = model.sql, []
        bounds = con.execute(f"select min(d)::varchar, max(d)::varchar from {days}").fetchone()
        for table, table_lines in _by_table(lines(model)).items():
            view = f"{WORK}_in_{name}_{table.replace('.', '_')}"
            keep = " or ".join(_keeps(line, days, bounds) for line in table_lines)
            con.execute(
                f"create or replace temp view {view} as with {_HORIZON} "
                f"select r.* from {table} as r cross join _h where {keep}"
            )
            sql = re.sub(rf"\b{re.escape(table)}\b", view, sql)
            views.append(view)
        # The marts it reads were recomputed before it and are whole: their rows of this mart's
        # own affected periods (not theirs: a union's period may be affected through another).
        for upstream in self._upstream(model):
            view = f"{WORK}_in_{name}_{upstream.replace('.', '_')}"
            grain, start = key(self.marts[upstream])  # type: ignore[misc]
            con.execute(
                f"create or replace temp view {view} as select u.* from {upstream} as u "
                f"semi join {periods} as p "
                f"on p.p_grain = {grain} and p.p_start = {start}"
            )
            sql = re.sub(rf"\b{re.escape(upstream)}\b", view, sql)
            views.append(view)
        out = f"{WORK}_out_{name}"
        grain, start = key(model)  # type: ignore[misc]
        sql = f"select * from (\n{sql}\n) as _m where {self._only(periods, grain, start)}"
        con.execute(f"create or replace temp table {out} as\n{sql}")
        match = f"p.p_grain = {grain} and p.p_start = {start}"
        by = self._union_columns(model)
        for col in by:  # the values its rows carry in those periods, before and after
            con.execute(f"create or replace temp table {_values(name, col)} as select distinct "
                        f"{col} from {model.qualified} semi join {periods} as p on {match}")  # fmt: skip
        con.execute(f"delete from {model.qualified} using {periods} as p where {match}")
        con.execute(
            f"insert into {model.qualified} by name select o.* from {out} as o "
            f"semi join {periods} as p on {match}"
        )
        for col in by:
            con.execute(f"insert into {_values(name, col)} select distinct {col} from {out}")
        con.execute(f"drop table {out}")
        for view in views:
            con.execute(f"drop view {view}")

    def _only(self, periods: str, grain: str, start: str) -> str:
        """The affected periods as constants over the mart's own period columns. Both are in
        every grouping set, so DuckDB filters before aggregating: the other days of an affected
        week are not aggregated only to be thrown away (half the marts' recompute at 1 M)."""
        rows = self.con.execute(
            f"select p_grain, list(distinct p_start::varchar order by p_start::varchar) from {periods} "
            "group by all order by all"
        ).fetchall()
        ors = [f"({grain} = {text(g)} and {start} in ({', '.join(f'date {text(d)}' for d in days)}))"
               for g, days in rows]  # fmt: skip
        return " or ".join(ors) or "false"

    def _union_columns(self, model: Model) -> set[str]:
        """The ``union_by`` columns of the marts that union ``model``."""
        return {m.config.union_by for m in self.marts.values()
                if m.config.union_by and model.qualified in self._upstream(m)}  # fmt: skip

    def _kept(self, upstream: str) -> bool:
        """``upstream`` was recomputed over its own affected periods (or had none), not in full
        nor as a union itself."""
        return self.affected.get(upstream) is not None and not self.marts[upstream].config.union_by

    def _recompute_union(self, model: Model, col: str) -> None:
        """A mart that unions period marts whose rows ``col`` tells apart: each one's rows are
        replaced in that mart's own affected periods only, not in every period any of them was
        affected in (the daily union: a day only the tickets changed leaves the calls' 25,000
        rows of that day alone). A union's row comes from one row of the same period, so these
        are exactly the rows a full build would give."""
        con, name, sql, views = self.con, model.name, model.sql, []
        grain, start = key(model)  # type: ignore[misc]
        keys = []
        for upstream in self._upstream(model):
            periods, (u_grain, u_start) = self.affected[upstream], key(self.marts[upstream])
            values = _values(upstream.split(".")[-1], col)
            view = f"{WORK}_in_{name}_{upstream.replace('.', '_')}"
            if _exists(con, values):  # else: no affected period, none of its rows change
                keys.append(f"select p_grain, p_start, {col} as v from {periods}, {values}")
                where = f"semi join {periods} as p on p.p_grain = {u_grain} " \
                        f"and p.p_start = {u_start}"  # fmt: skip
            else:
                where = "where false"
            con.execute(f"create or replace temp view {view} as select u.* from {upstream} as u "
                        f"{where}")  # fmt: skip
            sql = re.sub(rf"\b{re.escape(upstream)}\b", view, sql)
            views.append(view)
        out, replaced = f"{WORK}_out_{name}", f"{WORK}_keys_{name}"
        if not keys:  # none of them was affected: neither is the union
            keys.append("select null as p_grain, null::date as p_start, null as v where false")
        con.execute(f"create or replace temp table {replaced} as {' union all '.join(keys)}")
        con.execute(f"create or replace temp table {out} as\n{sql}")
        match = f"k.p_grain = {grain} and k.p_start = {start} and k.v is not distinct from {col}"
        con.execute(f"delete from {model.qualified} using {replaced} as k where {match}")
        con.execute(f"insert into {model.qualified} by name select * from {out}")
        for table in (out, replaced):
            con.execute(f"drop table {table}")
        for view in views:
            con.execute(f"drop view {view}")


# The new horizon's local day, for `horizon_date` in the `periods` expressions (models.yml).
_HORIZON = (
    "_h as (select timezone(getvariable('tz'), horizon_at)::date as horizon_date "
    "from intermediate.int_data__horizon)"
)


def _days(source: str, line: PeriodRows) -> str:
    """The days a changed row counts in, from one line."""
    if line.first == line.last:
        return f"select ({line.first})::date as d from {source} cross join _h"
    return (
        f"select unnest(generate_series(({line.first})::date, ({line.last})::date, "
        f"interval 1 day))::date as d from {source} cross join _h "
        f"where ({line.first}) is not null and ({line.last}) is not null"
    )


def _keeps(line: PeriodRows, days: str, bounds: tuple[str, str]) -> str:
    """A row of the line's table that counts in one of ``days`` (for narrowing the inputs).
    The first and last of those days, as constants, come first: a filter the scan can check
    against each row group's min/max, so row groups of other weeks are not read at all."""
    low, high = (f"date '{b}'" for b in bounds)
    if line.first == line.last:
        return f"(({line.first})::date between {low} and {high} " \
               f"and ({line.first})::date in (select d from {days}))"  # fmt: skip
    return (
        f"(({line.first})::date <= {high} and ({line.last})::date >= {low} and exists "
        f"(select 1 from {days} k where k.d between ({line.first}) and ({line.last})))"
    )


def _values(mart_name: str, col: str) -> str:
    return f"{WORK}_values_{mart_name}_{col}"


def _by_table(found: tuple[PeriodRows, ...]) -> dict[str, list[PeriodRows]]:
    grouped: dict[str, list[PeriodRows]] = {}
    for line in found:
        if not line.lookup:
            grouped.setdefault(line.table, []).append(line)
    return grouped


def _exists(con: duckdb.DuckDBPyConnection, temp_table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where temporary "
            f"and table_name = {text(temp_table)}"
        ).fetchone()[0]
    )

"""The demo operator's behaviour, one week at a time, as numpy arrays (no per-row Python loops).

A week's *issues* (reasons a customer contacts the operator, plus the surges of planted outages)
become *contacts*; contacts go through the contact centre (IVR, queue, answer, drop, transfer,
callback) as call legs; issues that need it become tickets and technician visits; what goes wrong
(drops without callback, missed visits, long repairs, many contacts) feeds complaints and the
customers' churn. Frames here are plain ``dict[str, np.ndarray]``; times are UTC seconds with
``NA`` for missing (see ``clock``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ecoute.demo import world as W
from ecoute.demo.clock import DAY, HOUR, NA, WEEK, Clock, hour_of_local, weekday_of_local

Frame = dict[str, np.ndarray]
INBOUND, OUTBOUND = 0, 1
INIT_INBOUND, INIT_OUTBOUND, INIT_CALLBACK, INIT_TRANSFER = 0, 1, 2, 3
DISC_CUSTOMER, DISC_AGENT, DISC_SYSTEM = 0, 1, 2
OUTCOMES = ("resolved", "unresolved", "escalated", "transferred", "callback_promised")
OUT_RESOLVED, OUT_UNRESOLVED, OUT_ESCALATED, OUT_TRANSFERRED, OUT_PROMISED = range(5)
# attempt: why this contact happens
A_FIRST, A_FOLLOW, A_RETRY, A_RECALL, A_TRANSFER, A_MISSED, A_NOTFIXED = range(7)
REASONS = ("internet_down", "fixed_line_down", "tv_no_signal", "wifi_unstable", "mobile_issue",
           "invoice_question", "plan_or_move", "repair_status", "technician_no_show",
           "not_fixed", "outage_info")  # fmt: skip
R_REPAIR, R_NOSHOW, R_NOTFIXED, R_OUTAGE = 7, 8, 9, 10
CATEGORIES = ("internet", "fixed_phone", "tv", "wifi", "mobile", "billing", "other")
APPT_STATUS = ("scheduled", "completed", "no_show", "cancelled_by_operator",
               "cancelled_by_customer", "customer_absent")  # fmt: skip
S_SCHEDULED, S_COMPLETED, S_NOSHOW, S_OPCANCEL, S_CUSTCANCEL, S_ABSENT = range(6)
TRANSFER_TO = np.array([W.Q_BILL_FR, W.Q_BILL_NL, W.Q_TECH_FR, W.Q_TECH_NL, W.Q_BUSINESS,
                        W.Q_DE_EN])  # fmt: skip
P_HOW = np.outer(W.DAY_WEIGHT, W.HOUR_WEIGHT).ravel()
P_HOW = P_HOW / P_HOW.sum()
STAFFING = np.array([q[1] for q in W.QUEUES])
LOG_SHARE = np.array([q[2] for q in W.QUEUES])
SOLVE_SHARE = np.array([q[3] for q in W.QUEUES])


def concat(frames: list[Frame]) -> Frame:
    frames = [f for f in frames if f and len(next(iter(f.values())))]
    if not frames:
        return {}
    return {k: np.concatenate([f[k] for f in frames]) for k in frames[0]}


def take(frame: Frame, idx: np.ndarray) -> Frame:
    return {k: v[idx] for k, v in frame.items()}


def size(frame: Frame) -> int:
    return len(next(iter(frame.values()))) if frame else 0


@dataclass
class Outage:
    number: int
    region: int
    start: int
    end: int
    cause: str
    overload: bool
    affected: np.ndarray  # customer indices
    contact_customers: np.ndarray
    contact_times: np.ndarray


@dataclass
class Counters:
    call: int = 0
    ticket: int = 0
    appointment: int = 0


@dataclass
class WeekOutput:
    calls: Frame
    tickets: Frame
    appointments: Frame
    complaints: Frame
    notifications: Frame
    failures: dict[str, np.ndarray] = field(default_factory=dict)


class World:
    """Customers, outages and the week-by-week simulation for one seed."""

    def __init__(self, customers: int, weeks: int, clock: Clock, seed: int) -> None:
        self.n, self.weeks, self.clock, self.seed = customers, weeks, clock, seed
        self.count = Counters()
        self.customers = self._customers(self._rng(0, 0))
        self.pool = max(4, customers // 2500)  # agents per queue
        self.score = np.zeros(customers)
        self.churn_day = np.full(customers, NA)  # local midnight (naive seconds) of churn
        self.active = np.ones(customers, dtype=bool)
        self.outages = self._outages(self._rng(0, 1))

    def _rng(self, week: int, stream: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, week, stream])

    # ---- customers and outages -------------------------------------------------------------
    def _customers(self, rng: np.random.Generator) -> Frame:
        n = self.n
        shares = np.array([r[1] for r in W.REGIONS])
        region = rng.choice(len(W.REGIONS), n, p=shares / shares.sum())
        lang_cum = np.cumsum(np.array([r[2] for r in W.REGIONS]), axis=1)
        lang = (rng.random(n)[:, None] > lang_cum[region]).sum(axis=1).clip(0, 3)
        business = rng.random(n) < W.BUSINESS_SHARE
        plan_p = np.array([p[2] for p in W.PLANS])
        plan = np.where(
            business, len(W.PLANS), rng.choice(len(W.PLANS), n, p=plan_p / plan_p.sum())
        )
        fees = np.array([p[1] for p in W.PLANS] + [W.BUSINESS_PLAN[1]])
        fee = fees[plan] - np.where(rng.random(n) < 0.12, 5.0, 0.0)  # a promotion for some
        tenure_days = np.clip(rng.exponential(6 * 365, n), 20, 25 * 365).astype(np.int64)
        team_in_region = rng.choice(3, n, p=[0.4, 0.35, 0.25])
        tech = np.select([business, lang >= 2, lang == 0], [W.Q_BUSINESS, W.Q_DE_EN, W.Q_TECH_FR],
                         W.Q_TECH_NL)  # fmt: skip
        bill = np.select([business, lang >= 2, lang == 0], [W.Q_BUSINESS, W.Q_DE_EN, W.Q_BILL_FR],
                         W.Q_BILL_NL)  # fmt: skip
        return {
            "region": region, "lang": lang, "business": business, "plan": plan, "fee": fee,
            "since_days": tenure_days, "team": region * 3 + team_in_region,
            "propensity": rng.gamma(W.PROPENSITY_SHAPE, 1 / W.PROPENSITY_SHAPE, n), "q_tech": tech, "q_bill": bill,
        }  # fmt: skip

    def _outages(self, rng: np.random.Generator) -> list[Outage]:
        c, out = self.customers, []
        plans = [p for p in W.OUTAGES if self.weeks >= p.min_weeks]
        minor = [
            W.OutagePlan(f"minor-{i}", int(rng.integers(6)), float(rng.random()), int(rng.integers(7)),
                         float(rng.uniform(0, 23)), float(rng.uniform(1.5, 8)),
                         float(rng.uniform(0.003, 0.012)), 0.3,
                         W.MINOR_OUTAGE_CAUSES[int(rng.integers(len(W.MINOR_OUTAGE_CAUSES)))], False)
            for i in range(self.weeks // 2)
        ]  # fmt: skip
        for number, p in enumerate(
            sorted(plans + minor, key=lambda p: (p.week_fraction, p.code)), 1
        ):
            week = min(int(p.week_fraction * self.weeks), self.weeks - 1)
            start_local = (
                self.clock.start_local + week * WEEK + p.weekday * DAY + int(p.hour * HOUR)
            )
            start = int(self.clock.utc(np.array([start_local]))[0])
            end = start + int(p.duration_h * HOUR)
            in_region = np.flatnonzero(c["region"] == p.region)
            affected = in_region[rng.random(len(in_region)) < p.affected_share]
            callers = affected[rng.random(len(affected)) < p.contact_share]
            t = start + (p.duration_h * HOUR * rng.beta(0.8, 2.6, len(callers))).astype(np.int64)
            loc = self.clock.local(t)
            night = hour_of_local(loc) < 7  # people call when they wake up
            t = np.where(
                night, t + (7 - hour_of_local(loc)) * HOUR + rng.integers(0, 7200, len(t)), t
            )
            out.append(
                Outage(number, p.region, start, end, p.cause, p.overload, affected, callers, t)
            )
        return out

    # ---- one week ---------------------------------------------------------------------------
    def week(self, w: int) -> WeekOutput:
        rng = self._rng(w + 1, 0)
        start, end = self.clock.week_start(w), self.clock.week_start(w + 1)
        issues, baseline = self._issues(rng, w, start, end)
        rho = self._load(issues, baseline, start)
        legs_a = self._calls(rng, _first_contacts(issues), issues, rho, start)
        tickets, appts = self._tickets(rng, issues, legs_a)
        follow = self._follow_ups(rng, issues, tickets, appts, legs_a)
        legs_b = self._calls(rng, follow, issues, rho, start)
        legs = concat([legs_a, legs_b])
        legs["ticket_no"] = _ticket_refs(legs, issues, tickets)
        failures = self._failures(rng, issues, legs, tickets, appts)
        complaints = self._complaints(rng, issues, legs, tickets, appts, failures)
        notes = self._appointment_notifications(rng, appts)
        self._churn(rng, failures, end)
        return WeekOutput(legs, tickets, appts, complaints, notes, failures)

    def _issues(self, rng: np.random.Generator, w: int, start: int, end: int) -> tuple[Frame, int]:
        c = self.customers
        weights = c["propensity"] * self.active
        n = int(rng.poisson(W.ISSUE_RATE * self.active.sum()))
        how = rng.choice(168, n, p=P_HOW)
        local = self.clock.start_local + w * WEEK + how * HOUR + rng.integers(0, HOUR, n)
        t0 = self.clock.utc(local)
        cust = rng.choice(self.n, n, p=weights / weights.sum())
        kind = rng.choice(3, n, p=W.KIND_SHARE)
        cat = np.where(kind == W.FAULT, rng.choice(5, n, p=W.FAULT_CATEGORY_SHARE),
                       np.where(kind == W.BILLING, 5, 6))  # fmt: skip
        outage = np.full(n, -1)
        parts = [(t0, cust, kind, cat, outage)]
        for o in self.outages:
            sel = (o.contact_times >= start) & (o.contact_times < end)
            sel &= self.active[o.contact_customers]
            k = int(sel.sum())
            ocat = rng.choice([0, 1, 2], k, p=[0.6, 0.2, 0.2])
            parts.append((o.contact_times[sel], o.contact_customers[sel], np.zeros(k, int), ocat,
                          np.full(k, o.number - 1)))  # fmt: skip
        t0, cust, kind, cat, outage = (np.concatenate(x) for x in zip(*parts, strict=True))
        order = np.argsort(t0, kind="stable")
        t0, cust, kind, cat, outage = t0[order], cust[order], kind[order], cat[order], outage[order]
        region = c["region"][cust]
        overload, down = np.zeros(len(t0), bool), np.zeros(len(t0), bool)
        for o in self.outages:
            if o.overload:
                overload |= (region == o.region) & (t0 >= o.start) & (t0 < o.end + 12 * DAY)
                down |= (region == o.region) & (t0 >= o.start) & (t0 < o.end + 6 * HOUR)
        queue = np.where(kind == W.FAULT, c["q_tech"][cust], c["q_bill"][cust])
        return {
            "t0": t0, "cust": cust, "kind": kind, "cat": cat, "outage": outage, "queue": queue,
            "overload": overload, "down": down,
            "team": c["team"][cust], "has_ticket": rng.random(len(t0)) < np.array(W.TICKET_SHARE)[kind],
        }, n  # fmt: skip

    def _load(self, issues: Frame, baseline: int, start: int) -> np.ndarray:
        """Occupancy by (queue, hour of the week): staffing follows the forecast, not surges."""
        q, h = issues["queue"], np.clip((issues["t0"] - start) // HOUR, 0, 167)
        counts = np.zeros((6, 168))
        np.add.at(counts, (q, h), 1)
        share = np.bincount(q[issues["outage"] < 0], minlength=6) / max(1, baseline)
        expected = baseline * share[:, None] * P_HOW[None, :]
        base_util = np.full(168, W.BASE_OCCUPANCY)
        base_util[8:13] = W.PEAK_OCCUPANCY  # Monday morning peak is never fully staffed
        k = W.LOAD_SMOOTHING
        return base_util[None, :] / STAFFING[:, None] * (counts + k) / (expected + k)

    def _rho(self, rho: np.ndarray, queue: np.ndarray, t: np.ndarray, start: int) -> np.ndarray:
        h = (t - start) // HOUR
        inside = (h >= 0) & (h < 168)
        base = np.where(inside, 0, 1)  # later weeks: the normal occupancy for that hour
        return np.where(base == 0, rho[queue, np.clip(h, 0, 167)],
                        rho[queue, np.clip(h % 168, 0, 167)].clip(max=0.9))  # fmt: skip

    # ---- the contact centre -----------------------------------------------------------------
    def _calls(self, rng: np.random.Generator, contacts: Frame, issues: Frame, rho: np.ndarray,
               start: int) -> Frame:  # fmt: skip
        legs, pending = [], contacts
        for _ in range(4):
            if not size(pending):
                break
            new_legs, pending = self._pass(rng, pending, issues, rho, start)
            legs.append(new_legs)
        return concat(legs)

    def _pass(self, rng: np.random.Generator, c: Frame, issues: Frame, rho_table: np.ndarray,
              start: int) -> tuple[Frame, Frame]:  # fmt: skip
        n, iss = size(c), c["issue"]
        kind, cust = issues["kind"][iss], issues["cust"][iss]
        queue = c["queue"]
        transfer = c["attempt"] == A_TRANSFER
        started = c["t"]
        queued = started + np.where(transfer, 0, rng.integers(W.IVR_S[0], W.IVR_S[1], n))
        rho = self._rho(rho_table, queue, queued, start)
        r = np.minimum(rho, 0.985)
        immediate = rng.random(n) >= np.clip(rho, 0, 1) ** W.WAIT_POWER
        wait = np.where(immediate, rng.integers(0, 6, n),
                        rng.exponential(W.WAIT_SCALE_S / (1 - r))).astype(np.int64)  # fmt: skip
        short = rng.random(n) < W.SHORT_HANGUP_SHARE
        patience = np.where(short, rng.uniform(1, 9, n), rng.exponential(W.PATIENCE_S, n)).astype(
            np.int64
        )
        abandoned = wait > patience
        answered = np.where(abandoned, NA, queued + wait)
        handle = (
            rng.lognormal(np.log(np.array(W.HANDLE_MEDIAN_S)[kind]), 0.55).astype(np.int64) + 20
        )
        p_drop = (
            W.DROP_BASE + issues["down"][iss] * (W.DROP_OUTAGE - W.DROP_BASE) + 0.012 * (rho > 0.97)
        )
        dropped = ~abandoned & (rng.random(n) < p_drop)
        transferred = ~abandoned & ~dropped & ~transfer & (rng.random(n) < W.TRANSFER_SHARE)
        talk = np.where(dropped, (handle * rng.uniform(0.1, 0.9, n)).astype(np.int64), handle)
        ended = np.where(abandoned, queued + patience, answered + talk)
        disc = np.select([abandoned, dropped, transferred], [DISC_CUSTOMER, DISC_SYSTEM, DISC_AGENT],
                         np.where(rng.random(n) < 0.55, DISC_CUSTOMER, DISC_AGENT))  # fmt: skip
        outcome = self._outcomes(rng, kind, queue, c["attempt"], issues["overload"][iss])
        outcome = np.where(abandoned | dropped, -1, np.where(transferred, OUT_TRANSFERRED, outcome))
        identified = rng.random(n) >= np.where(abandoned, 0.25, 0.02)
        numbers = self.count.call + np.arange(n)
        self.count.call += n
        legs = {
            "call_no": numbers, "direction": np.full(n, INBOUND),
            "initiation": np.where(transfer, INIT_TRANSFER, INIT_INBOUND), "prev": c["prev"],
            "cust": np.where(identified, cust, -1), "queue": queue,
            "agent": np.where(abandoned, -1, queue * self.pool + rng.integers(0, self.pool, n)),
            "started": started, "queued": queued, "answered": answered, "ended": ended,
            "disc": disc, "outcome": outcome, "issue": iss, "reason": c["reason"],
            "logged": ~abandoned & (rng.random(n) < LOG_SHARE[queue]),
        }  # fmt: skip
        overloaded = rho > 0.97
        callbacks, recall_t = self._callbacks(rng, legs, dropped & identified, overloaded, kind)
        promised = self._promised(rng, legs, outcome == OUT_PROMISED, kind)
        nxt = []
        retry = abandoned & ~short & (rng.random(n) < W.RETRY_AFTER_ABANDON)
        nxt.append(_contacts(iss[retry], ended[retry] + 60 + rng.exponential(900, retry.sum()).astype(np.int64),
                             c["reason"][retry], A_RETRY, queue[retry]))  # fmt: skip
        recall = recall_t != NA
        nxt.append(
            _contacts(iss[recall], recall_t[recall], c["reason"][recall], A_RECALL, queue[recall])
        )
        nxt.append(_contacts(iss[transferred], ended[transferred], c["reason"][transferred], A_TRANSFER,
                             TRANSFER_TO[queue[transferred]], numbers[transferred]))  # fmt: skip
        return concat([legs, callbacks, promised]), concat(nxt)

    def _outcomes(self, rng: np.random.Generator, kind: np.ndarray, queue: np.ndarray,
                  attempt: np.ndarray, overload: np.ndarray) -> np.ndarray:  # fmt: skip
        n = len(kind)
        u = rng.random(n)
        solve = SOLVE_SHARE[queue] - 0.15 * overload
        fault = np.select([u < 0.25 * solve, u < 0.78, u < 0.94], [OUT_RESOLVED, OUT_ESCALATED, OUT_UNRESOLVED],
                          OUT_PROMISED)  # fmt: skip
        other = np.select([u < solve, u < solve + (1 - solve) * 0.7], [OUT_RESOLVED, OUT_UNRESOLVED],
                          OUT_PROMISED)  # fmt: skip
        follow = attempt == A_FOLLOW
        return np.where(kind == W.FAULT, np.where(follow & (u < 0.5), OUT_UNRESOLVED, fault), other)

    def _outbound(self, rng: np.random.Generator, src: Frame, sel: np.ndarray, t: np.ndarray,
                  kind: np.ndarray, initiation: int) -> Frame:  # fmt: skip
        idx = np.flatnonzero(sel)
        n, t = len(idx), t[idx]
        picked = rng.random(n) < 0.78
        answered = np.where(picked, t + rng.integers(5, 25, n), NA)
        talk = rng.lognormal(np.log(np.array(W.HANDLE_MEDIAN_S)[kind[idx]] * 0.7), 0.5).astype(
            np.int64
        )
        numbers = self.count.call + np.arange(n)
        self.count.call += n
        same_agent = rng.random(n) < 0.5
        q = src["queue"][idx]
        return {
            "call_no": numbers, "direction": np.full(n, OUTBOUND), "initiation": np.full(n, initiation),
            "prev": src["call_no"][idx], "cust": src["cust"][idx], "queue": q,
            "agent": np.where(same_agent, src["agent"][idx], q * self.pool + rng.integers(0, self.pool, n)),
            "started": t, "queued": np.full(n, NA), "answered": answered,
            "ended": np.where(picked, answered + talk, t + rng.integers(20, 40, n)),
            "disc": np.where(picked & (rng.random(n) < 0.5), DISC_CUSTOMER, DISC_AGENT),
            "outcome": np.where(picked, np.where(rng.random(n) < 0.7, OUT_RESOLVED, OUT_UNRESOLVED), -1),
            "issue": src["issue"][idx], "reason": src["reason"][idx],
            "logged": picked & (rng.random(n) < 0.6),
        }  # fmt: skip

    def _callbacks(self, rng: np.random.Generator, legs: Frame, dropped: np.ndarray,
                   overloaded: np.ndarray, kind: np.ndarray) -> tuple[Frame, np.ndarray]:  # fmt: skip
        """Only some drops get an operator callback; the others call again themselves."""
        n = len(dropped)
        p = np.where(overloaded, W.CALLBACK_AFTER_DROP_OVERLOAD, W.CALLBACK_AFTER_DROP)
        cb = dropped & (rng.random(n) < p)
        quick = rng.random(n) < W.CALLBACK_WITHIN_2H
        delay = np.where(
            quick, rng.integers(3 * 60, 60 * 60, n), rng.integers(150 * 60, 26 * HOUR, n)
        )
        cb_t = np.where(cb, legs["ended"] + delay, NA)
        recall_t = legs["ended"] + 30 + rng.exponential(1200, n).astype(np.int64)
        wants = dropped & (rng.random(n) < W.RECALL_AFTER_DROP) & (~cb | (recall_t < cb_t))
        return self._outbound(rng, legs, cb, cb_t, kind, INIT_CALLBACK), np.where(
            wants, recall_t, NA
        )

    def _promised(self, rng: np.random.Generator, legs: Frame, promised: np.ndarray,
                  kind: np.ndarray) -> Frame:  # fmt: skip
        kept = promised & (rng.random(len(promised)) < W.PROMISED_CALLBACK_KEPT)
        t = legs["ended"] + rng.integers(HOUR, 30 * HOUR, len(promised))
        return self._outbound(rng, legs, kept, t, kind, INIT_CALLBACK)

    # ---- tickets and technician visits ------------------------------------------------------
    def _tickets(self, rng: np.random.Generator, issues: Frame, legs: Frame) -> tuple[Frame, Frame]:
        first = _first_answer(legs, size(issues))
        idx = np.flatnonzero(issues["has_ticket"])
        n = len(idx)
        by_phone = first[idx] != NA
        opened = np.where(
            by_phone, first[idx], issues["t0"][idx] + rng.exponential(6 * HOUR, n).astype(np.int64)
        )
        kind, cat, outage = issues["kind"][idx], issues["cat"][idx], issues["outage"][idx]
        overload, team = issues["overload"][idx], issues["team"][idx]
        numbers = self.count.ticket + np.arange(n)
        self.count.ticket += n
        fault = kind == W.FAULT
        outage_end = np.array([o.end for o in self.outages] + [0])[outage]
        remote = opened + (rng.lognormal(np.log(W.REMOTE_FIX_MEDIAN_H * HOUR), 1.0, n)
                           * np.where(overload, 2.2, 1.0)).astype(np.int64)  # fmt: skip
        restore = np.where(outage >= 0, np.maximum(outage_end, opened) +
                           rng.exponential(1.5 * HOUR, n).astype(np.int64), remote)  # fmt: skip
        visit = fault & (rng.random(n) < np.where(outage >= 0, 0.1, np.r_[W.VISIT_NEED, 0, 0][cat]))
        appts, fixed_at = self._visits(rng, idx[visit], numbers[visit], opened[visit], team[visit],
                                       overload[visit], restore[visit])  # fmt: skip
        restore[visit] = fixed_at
        if size(appts):
            appts["cust"] = issues["cust"][appts["issue"]]
        resolved = np.select(
            [fault, kind == W.BILLING],
            [restore + rng.integers(0, 3 * HOUR, n),
             opened + rng.lognormal(np.log(20 * HOUR), 1.2, n).astype(np.int64)],
            opened + rng.integers(60, 900, n),
        )  # fmt: skip
        closed = resolved + rng.integers(2 * DAY, 7 * DAY, n)
        loss = np.where(outage >= 0, 0, np.where(fault, rng.choice(3, n, p=[0.45, 0.45, 0.1]), 2))
        loss = np.where(fault & (cat == 3), 1, loss)  # wifi is degraded, not lost
        reopened = (rng.random(n) < np.where(fault, 0.04, 0.01)).astype(np.int64)
        linked = rng.random(n) < 0.9  # some agents forget to link the outage
        business = self.customers["business"][issues["cust"][idx]]
        tickets = {
            "ticket_no": numbers, "issue": idx, "cust": issues["cust"][idx], "opened": opened,
            "cat": cat, "channel": np.where(by_phone, 0, np.where(rng.random(n) < 0.7, 4, 1)),
            "priority": np.select([outage >= 0, business & fault, fault, kind == W.INFO], [2, 2, 1, 0], 1),
            "loss": loss, "restored": np.where(fault, restore, NA), "resolved": resolved,
            "closed": closed, "reopened": reopened, "outage": np.where(linked, outage, -1),
            "root": _root_causes(rng, kind, cat, outage), "cancelled": (kind == W.INFO) & (rng.random(n) < 0.02),
        }  # fmt: skip
        return tickets, appts

    def _visits(self, rng: np.random.Generator, issue: np.ndarray, ticket_no: np.ndarray,
                opened: np.ndarray, team: np.ndarray, overload: np.ndarray,
                fallback: np.ndarray) -> tuple[Frame, np.ndarray]:  # fmt: skip
        """Up to three visits per ticket; a visit that does not fix (or never happens) books another."""
        bad = np.isin(team, [W.TEAMS.index(t) for t in W.BAD_TEAMS])
        fixed_at = np.full(len(issue), NA)
        booked = opened + rng.integers(60, 600, len(issue))
        todo = np.arange(len(issue))
        out = []
        for _ in range(3):
            if not len(todo):
                break
            a = self._visit(rng, booked[todo], team[todo], bad[todo], overload[todo])
            a["issue"], a["ticket_no"], a["pos"] = issue[todo], ticket_no[todo], todo
            out.append(a)
            done = a["fixed"] == 1
            fixed_at[todo[done]] = a["completed"][done]
            booked_next = np.maximum.reduce([a["completed"], a["cancelled"], a["window_end"]]) + \
                rng.integers(HOUR, 26 * HOUR, len(todo))  # fmt: skip
            booked[todo] = booked_next
            todo = todo[~done]
        # never fixed by a visit: fixed remotely later, or by the next (unsimulated) visit
        left = fixed_at == NA
        fixed_at[left] = np.maximum(booked[left], fallback[left]) + rng.integers(
            DAY, 5 * DAY, left.sum()
        )
        appts = concat(out)
        n = size(appts)
        appts["appointment_no"] = self.count.appointment + np.arange(n)
        self.count.appointment += n
        return appts, fixed_at

    def _visit(self, rng: np.random.Generator, booked: np.ndarray, team: np.ndarray, bad: np.ndarray,
               overload: np.ndarray) -> Frame:  # fmt: skip
        n, clock = len(booked), self.clock
        lead_mean = np.where(overload, W.LEAD_DAYS_OVERLOAD, W.LEAD_DAYS_MEAN)
        lead = 1 + np.round(rng.gamma(1.5, (lead_mean - 1) / 1.5)).astype(np.int64)
        day = clock.local_midnight(booked, lead)
        day += np.where(weekday_of_local(day) == 6, DAY, 0)  # no visits on Sundays
        whole = rng.random(n) < np.where(bad | overload, W.WHOLE_DAY_SHARE_BAD, W.WHOLE_DAY_SHARE)
        pm = ~whole & (rng.random(n) < 0.5)
        ws = clock.utc(day + np.where(pm, 13, 8) * HOUR)
        we = clock.utc(day + np.where(whole, 18, np.where(pm, 18, 13)) * HOUR)
        p_ns = np.maximum.reduce([np.full(n, W.NO_SHOW), np.where(bad, W.NO_SHOW_BAD, 0),
                                  np.where(overload, W.NO_SHOW_OVERLOAD, 0)])  # fmt: skip
        p_op = np.where(overload, W.OP_CANCEL_OVERLOAD, np.where(bad, W.OP_CANCEL_BAD, W.OP_CANCEL))
        cum = np.cumsum(np.stack([np.full(n, 0.045), np.full(n, 0.035), p_op, p_ns]), axis=0)
        u = rng.random(n)
        status = np.select([u < cum[0], u < cum[1], u < cum[2], u < cum[3]],
                           [S_CUSTCANCEL, S_ABSENT, S_OPCANCEL, S_NOSHOW], S_COMPLETED)  # fmt: skip
        late_cancel = rng.random(n) < np.where(bad | overload, W.LATE_CANCEL_BAD, W.LATE_CANCEL)
        op_cancel_t = np.where(late_cancel, ws - rng.integers(HOUR, 14 * HOUR, n),
                               ws - rng.integers(30 * HOUR, 4 * DAY, n))  # fmt: skip
        cust_cancel_t = booked + ((ws - booked) * rng.random(n)).astype(np.int64)
        cancelled = np.select([status == S_OPCANCEL, status == S_CUSTCANCEL],
                              [np.maximum(op_cancel_t, booked + 600), cust_cancel_t], NA)  # fmt: skip
        late = (status == S_COMPLETED) & (
            rng.random(n) < np.where(bad, W.LATE_ARRIVAL_BAD, W.LATE_ARRIVAL)
        )
        arrived = np.select(
            [late, (status == S_COMPLETED) | (status == S_ABSENT)],
            [we + rng.integers(20 * 60, 150 * 60, n), ws + ((we - ws) * rng.random(n)).astype(np.int64)],
            NA,
        )  # fmt: skip
        completed = np.where(status == S_COMPLETED,
                             arrived + rng.lognormal(np.log(75 * 60), 0.45, n).astype(np.int64), NA)  # fmt: skip
        p_ann = np.select([overload, bad], [W.ANNOUNCED_MISS_OVERLOAD, W.ANNOUNCED_MISS_BAD],
                          W.ANNOUNCED_MISS)  # fmt: skip
        announced = rng.random(n) < p_ann
        told_cancel = np.where(late_cancel, announced, rng.random(n) < W.NOTIFIED_OP_CANCEL)
        notified = np.select(
            [(status == S_OPCANCEL) & told_cancel, (status == S_NOSHOW) & announced,
             late & announced, (status == S_NOSHOW) & (rng.random(n) < 0.12), late & (rng.random(n) < 0.4)],
            [cancelled + rng.integers(60, 1800, n), ws - rng.integers(HOUR, 12 * HOUR, n),
             ws - rng.integers(15 * 60, 90 * 60, n), ws + rng.integers(HOUR, 3 * HOUR, n),
             we - rng.integers(10 * 60, 60 * 60, n)],
            NA,
        )  # fmt: skip
        fix_p = np.where(bad, W.FIX_RATE_BAD, W.FIX_RATE)
        fixed = np.where(status == S_COMPLETED, (rng.random(n) < fix_p).astype(np.int64), -1)
        return {
            "booked": booked, "window_start": ws, "window_end": we, "status": status, "team": team,
            "tech": rng.integers(1, 13, n), "arrived": arrived, "completed": completed,
            "cancelled": cancelled, "notified": notified, "fixed": fixed,
            "missed": (status == S_NOSHOW) | late | ((status == S_OPCANCEL) & late_cancel),
        }  # fmt: skip

    # ---- what customers do next -------------------------------------------------------------
    def _follow_ups(self, rng: np.random.Generator, issues: Frame, tickets: Frame, appts: Frame,
                    legs: Frame) -> Frame:  # fmt: skip
        parts = []
        fault = (issues["kind"][tickets["issue"]] == W.FAULT) & (tickets["restored"] != NA)
        wait_days = np.where(fault, (tickets["restored"] - tickets["opened"]) / DAY, 0)
        is_outage = tickets["outage"] >= 0
        per_day = W.FOLLOW_UP_PER_DAY * wait_days
        mu = np.where(fault, np.minimum(per_day + W.FOLLOW_UP_OUTAGE * is_outage, 6), 0)
        k = rng.poisson(mu)
        rep = np.repeat(np.arange(size(tickets)), k)
        span = np.maximum(tickets["restored"][rep] - tickets["opened"][rep], HOUR)
        t = tickets["opened"][rep] + HOUR + (span * rng.random(len(rep))).astype(np.int64)
        iss = tickets["issue"][rep]
        parts.append(_contacts(iss, t, np.where(is_outage[rep], R_OUTAGE, R_REPAIR), A_FOLLOW,
                               issues["queue"][iss]))  # fmt: skip
        if size(appts):
            missed = appts["missed"] & (rng.random(size(appts)) < 0.7)
            t = np.where(appts["status"] == S_OPCANCEL, appts["cancelled"] + rng.integers(300, 7200, size(appts)),
                         appts["window_end"] - rng.integers(0, 3 * HOUR, size(appts)))  # fmt: skip
            iss = appts["issue"][missed]
            parts.append(_contacts(iss, t[missed], R_NOSHOW, A_MISSED, issues["queue"][iss]))
            notfixed = (appts["fixed"] == 0) & (rng.random(size(appts)) < 0.6)
            t = appts["completed"] + rng.integers(2 * HOUR, 30 * HOUR, size(appts))
            iss = appts["issue"][notfixed]
            parts.append(_contacts(iss, t[notfixed], R_NOTFIXED, A_NOTFIXED, issues["queue"][iss]))
        first = _first_outcome(legs, size(issues))
        unsolved = (issues["kind"] != W.FAULT) & np.isin(first, [OUT_UNRESOLVED, OUT_PROMISED])
        again = (unsolved & (rng.random(size(issues)) < 0.6)) | (rng.random(size(issues)) < 0.01)
        again &= issues["kind"] != W.FAULT
        t = issues["t0"] + 2 * HOUR + rng.exponential(1.5 * DAY, size(issues)).astype(np.int64)
        parts.append(_contacts(np.flatnonzero(again), t[again], _reason_of(issues)[again], A_FOLLOW,
                               issues["queue"][again]))  # fmt: skip
        return concat(parts)

    def _failures(self, rng: np.random.Generator, issues: Frame, legs: Frame, tickets: Frame,
                  appts: Frame) -> dict[str, np.ndarray]:  # fmt: skip
        """Per event, the customer (index) who lived it: what drives complaints and churn."""
        drop = (legs["disc"] == DISC_SYSTEM) & (legs["cust"] >= 0) & (legs["direction"] == INBOUND)
        cb = legs["initiation"] == INIT_CALLBACK
        order = np.argsort(legs["prev"][cb], kind="stable")
        prev_sorted, cb_start = legs["prev"][cb][order], legs["started"][cb][order]
        dropped_no = legs["call_no"][drop]
        quick = np.zeros(len(dropped_no), bool)
        if len(prev_sorted):
            pos = np.clip(np.searchsorted(prev_sorted, dropped_no), 0, len(prev_sorted) - 1)
            quick = (prev_sorted[pos] == dropped_no) & (
                cb_start[pos] - legs["ended"][drop] <= 2 * HOUR
            )
        no_cb = ~quick
        abandoned = (legs["answered"] == NA) & (legs["direction"] == INBOUND) & (legs["cust"] >= 0) & \
            (legs["ended"] - legs["queued"] >= 10)  # fmt: skip
        per_issue = np.bincount(legs["issue"][legs["direction"] == INBOUND], minlength=size(issues))
        fault = tickets["restored"] != NA
        long_repair = fault & (tickets["restored"] - tickets["opened"] > 3 * DAY)
        return {
            "dropped_no_callback": legs["cust"][drop][no_cb],
            "dropped_no_callback_t": legs["ended"][drop][no_cb],
            "dropped_no_callback_issue": legs["issue"][drop][no_cb],
            "missed_visit": issues["cust"][appts["issue"][appts["missed"]]] if size(appts) else np.array([], int),
            "missed_visit_t": appts["window_end"][appts["missed"]] if size(appts) else np.array([], int),
            "missed_visit_issue": appts["issue"][appts["missed"]] if size(appts) else np.array([], int),
            "unannounced_miss": (issues["cust"][appts["issue"][appts["missed"] & (appts["notified"] == NA)]]
                                 if size(appts) else np.array([], int)),
            "long_repair": tickets["cust"][long_repair],
            "long_repair_t": tickets["opened"][long_repair] + 3 * DAY,
            "long_repair_issue": tickets["issue"][long_repair],
            "repeat_contact": issues["cust"][per_issue >= 2],  # had to call again
            "many_contacts": issues["cust"][per_issue >= 4],
            "many_contacts_t": issues["t0"][per_issue >= 4] + 2 * DAY,
            "many_contacts_issue": np.flatnonzero(per_issue >= 4),
            "abandoned": legs["cust"][abandoned],
        }  # fmt: skip

    def _complaints(self, rng: np.random.Generator, issues: Frame, legs: Frame, tickets: Frame,
                    appts: Frame, failures: dict[str, np.ndarray]) -> Frame:  # fmt: skip
        """Written complaints: some customers write after something went wrong (cause, when, who)."""
        parts = []
        plan = (("missed_visit", "missed_appointment", 0.25), ("dropped_no_callback", "dropped_call", 0.07),
                ("long_repair", "outage", 0.08), ("many_contacts", "repeat_contact", 0.16))  # fmt: skip
        for key, cause, p in plan:
            cust, t, iss = failures[key], failures[f"{key}_t"], failures[f"{key}_issue"]
            sel = rng.random(len(cust)) < p
            parts.append({"cust": cust[sel], "t": t[sel], "issue": iss[sel],
                          "cause": np.full(sel.sum(), cause, dtype=object)})  # fmt: skip
        # long repairs outside an outage are written about as the fault itself
        for cat, cause, p in ((3, "wifi", 0.04), (5, "billing", 0.025)):
            sel = (issues["cat"] == cat) & (rng.random(size(issues)) < p)
            parts.append({"cust": issues["cust"][sel], "t": issues["t0"][sel] + DAY,
                          "issue": np.flatnonzero(sel), "cause": np.full(sel.sum(), cause, dtype=object)})  # fmt: skip
        out = concat(parts)
        if not size(out):
            return out
        ticket_of_issue = np.full(size(issues), -1)
        ticket_of_issue[tickets["issue"]] = tickets["ticket_no"]
        out["ticket_no"] = ticket_of_issue[out["issue"]]
        out["event_t"] = issues["t0"][out["issue"]]
        out["received"] = out["t"] + 600 + rng.exponential(20 * HOUR, size(out)).astype(np.int64)
        out["score"] = self.score[out["cust"]] + 1.0
        return out

    def _appointment_notifications(self, rng: np.random.Generator, appts: Frame) -> Frame:
        if not size(appts):
            return {}
        n, clock = size(appts), self.clock
        eve = clock.utc(clock.local_midnight(appts["window_start"], -1) + 17 * HOUR) + rng.integers(
            0, 1800, n
        )
        not_cancelled_yet = (appts["cancelled"] == NA) | (appts["cancelled"] > eve)
        remind = (rng.random(n) < 0.7) & (eve > appts["booked"]) & not_cancelled_yet
        change = (appts["status"] == S_OPCANCEL) & (appts["notified"] != NA)
        eta = (appts["arrived"] != NA) & (rng.random(n) < 0.3)
        parts = [
            {"cust_appt": np.flatnonzero(remind), "t": eve[remind], "kind": np.full(remind.sum(), 1),
             "channel": np.zeros(remind.sum(), int)},
            {"cust_appt": np.flatnonzero(change), "t": appts["notified"][change],
             "kind": np.full(change.sum(), 2), "channel": rng.choice(2, change.sum())},
            {"cust_appt": np.flatnonzero(eta), "t": appts["arrived"][eta] - rng.integers(1200, 2700, eta.sum()),
             "kind": np.full(eta.sum(), 3), "channel": np.zeros(eta.sum(), int)},
        ]  # fmt: skip
        out = concat(parts)
        if not size(out):
            return {}
        pos = out.pop("cust_appt")
        out["ref"] = appts["appointment_no"][pos]
        out["cust"] = appts["cust"][pos]
        return out

    def _churn(
        self, rng: np.random.Generator, failures: dict[str, np.ndarray], week_end: int
    ) -> None:
        """Weekly churn hazard grows with recent failures; a churned customer stops contacting us."""
        points = np.zeros(self.n)
        for key, weight in W.FAILURE_POINTS.items():
            points += weight * np.bincount(failures[key], minlength=self.n)
        self.score = self.score * W.CHURN_SCORE_DECAY + points
        c = self.customers
        hazard = W.CHURN_BASE * np.exp(W.CHURN_FAILURE_WEIGHT * np.minimum(self.score, 8))
        hazard *= np.where(c["since_days"] < 365, 1.8, 1.0) * np.where(c["business"], 0.7, 1.0)
        hazard *= np.where(c["fee"] > 80, 1.15, 1.0)
        leaves = self.active & (rng.random(self.n) < np.minimum(hazard, 0.6))
        day = self.clock.local_midnight(
            np.full(leaves.sum(), week_end), rng.integers(2, 22, leaves.sum())
        )
        self.churn_day[leaves] = day
        self.active[leaves] = False

    def outage_notifications(self) -> Frame:
        rng = self._rng(0, 2)
        parts = []
        for o in self.outages:
            k = len(o.affected)
            told = rng.random(k) < (W.OUTAGE_NOTIFIED_OVERLOAD if o.overload else W.OUTAGE_NOTIFIED)
            # a normal incident is announced within minutes; the cable cut's SMS came late
            quick = rng.random(k) < (0.4 if o.overload else 0.97)
            first = (20 * 60, HOUR) if o.overload else (60, 6 * 60)
            sent = o.start + np.where(
                quick, rng.integers(*first, k), rng.integers(3 * HOUR, 20 * HOUR, k)
            )
            m = int(told.sum())
            parts.append(
                {
                    "cust": o.affected[told],
                    "t": sent[told],
                    "kind": np.zeros(m, int),
                    "channel": rng.choice(3, m, p=[0.6, 0.3, 0.1]),
                    "ref": np.full(m, o.number),
                }
            )
            parts.append({"cust": o.affected[told], "t": np.full(m, o.end) + rng.integers(600, 5400, m),
                          "kind": np.full(m, 4), "channel": rng.choice(3, m, p=[0.6, 0.3, 0.1]),
                          "ref": np.full(m, o.number)})  # fmt: skip
        return concat(parts)


def _contacts(issue: np.ndarray, t: np.ndarray, reason: np.ndarray | int, attempt: int,
              queue: np.ndarray, prev: np.ndarray | None = None) -> Frame:  # fmt: skip
    n = len(issue)
    return {
        "issue": issue, "t": t.astype(np.int64), "reason": np.broadcast_to(reason, n).copy(),
        "attempt": np.full(n, attempt), "queue": queue,
        "prev": np.full(n, -1) if prev is None else prev,
    }  # fmt: skip


def _reason_of(issues: Frame) -> np.ndarray:
    reason = np.array([0, 1, 2, 3, 4, 5, 6])[issues["cat"]]
    return np.where(issues["outage"] >= 0, np.where(issues["cat"] == 0, 0, reason), reason)


def _first_contacts(issues: Frame) -> Frame:
    return _contacts(
        np.arange(size(issues)), issues["t0"], _reason_of(issues), A_FIRST, issues["queue"]
    )


def _first_answer(legs: Frame, n_issues: int) -> np.ndarray:
    """When each issue's first inbound call was answered (NA = never)."""
    first = np.full(n_issues, np.iinfo(np.int64).max)
    ok = (legs["answered"] != NA) & (legs["direction"] == INBOUND)
    np.minimum.at(first, legs["issue"][ok], legs["answered"][ok])
    return np.where(first == np.iinfo(np.int64).max, NA, first)


def _first_outcome(legs: Frame, n_issues: int) -> np.ndarray:
    ok = np.flatnonzero((legs["answered"] != NA) & (legs["direction"] == INBOUND))
    order = ok[np.lexsort((legs["answered"][ok], legs["issue"][ok]))]
    issue_sorted = legs["issue"][order]
    first_pos = (
        np.flatnonzero(np.r_[True, issue_sorted[1:] != issue_sorted[:-1]]) if len(order) else order
    )
    out = np.full(n_issues, -1)
    out[issue_sorted[first_pos]] = legs["outcome"][order[first_pos]]
    return out


def _ticket_refs(legs: Frame, issues: Frame, tickets: Frame) -> np.ndarray:
    """The ticket an agent put on the call, when they logged it and the ticket existed."""
    ticket_of_issue = np.full(size(issues), -1)
    opened = np.full(size(issues), NA)
    ticket_of_issue[tickets["issue"]] = tickets["ticket_no"]
    opened[tickets["issue"]] = tickets["opened"]
    t = ticket_of_issue[legs["issue"]]
    ok = (
        legs["logged"]
        & (t >= 0)
        & (legs["answered"] != NA)
        & (legs["answered"] >= opened[legs["issue"]])
    )
    return np.where(ok, t, -1)


def _root_causes(
    rng: np.random.Generator, kind: np.ndarray, cat: np.ndarray, outage: np.ndarray
) -> np.ndarray:
    fault_causes = np.array(["CPE/modem failure", "in-home wiring", "network fault", "drop cable damaged",
                             "configuration", "no fault found"], dtype=object)  # fmt: skip
    billing = np.array(
        ["billing error", "price change", "double charge", "promotion not applied"], dtype=object
    )
    n = len(kind)
    return np.select(
        [outage >= 0, kind == W.FAULT, kind == W.BILLING],
        [np.full(n, "third-party damage", dtype=object),
         fault_causes[rng.choice(6, n, p=[0.3, 0.15, 0.2, 0.1, 0.1, 0.15])],
         billing[rng.integers(0, 4, n)]],
        np.full(n, "information", dtype=object),
    )  # fmt: skip

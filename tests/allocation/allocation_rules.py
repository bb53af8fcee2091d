"""Independent checks of the rules in allocation-model.md, used by the allocation tests.

The water level here is computed by plain bisection, not by the package's own code."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from allocation import Plan, Problem
from allocation.network import great_circle_km

PRIORITIES = ("critical", "high", "normal")
TOL = 1e-6


def lot_of(problem: Problem, item: str) -> int:
    return problem.item(item).pack_size if problem.policy.whole_packs else 1


def floor_lots(quantity: float, lot: int) -> int:
    return int(math.floor(quantity / lot + 1e-9)) * lot


def request_lots(quantity: float, lot: int) -> int:
    """Rule 1: with whole packs a request counts as its quantity rounded up to packs."""
    return int(math.ceil(quantity / lot - 1e-9)) * lot


def national_available(problem: Problem, item: str) -> int:
    lot = lot_of(problem, item)
    stock = sum(s.stock.get(item, 0) for s in problem.sources)
    per_source = sum(floor_lots(s.stock.get(item, 0), lot) for s in problem.sources)
    return min(per_source, floor_lots(max(0, stock - problem.reserve.get(item, 0)), lot))


def bisect_level(needs: list[tuple[float, float, float]], total: float) -> float:
    """Days z with sum(min(q, max(0, z*c - h))) == total, by bisection."""
    low, high = 0.0, max((h + q) / c for h, c, q in needs)
    for _ in range(200):
        mid = (low + high) / 2
        if sum(min(q, max(0.0, mid * c - h)) for h, c, q in needs) < total:
            low = mid
        else:
            high = mid
    return high


def reference_national(problem: Problem, item: str) -> dict[str, float]:
    """Rules 2 and 3 for national stock: classes in order, lowest days first, then the
    lines without known use by equal share of their request."""
    lot = lot_of(problem, item)
    left = float(national_available(problem, item))
    out: dict[str, float] = {}
    for priority in PRIORITIES:
        lines = {
            o.code: o.lines[item]
            for o in problem.organisations
            if item in o.lines
            and o.lines[item].requested > 0
            and o.lines[item].priority == priority
        }
        caps = {r: request_lots(ln.requested, lot) for r, ln in lines.items()}
        known = {r: ln for r, ln in lines.items() if ln.daily_use > 0 and caps[r] > 0}
        needs = [(ln.on_hand, ln.daily_use, caps[r]) for r, ln in known.items()]
        # Float leftovers can be a hair below zero: nothing is left then, not less than nothing.
        left = max(0.0, left)
        if not known or sum(caps[r] for r in known) <= left:
            out.update({r: float(caps[r]) for r in known})
        else:
            z = bisect_level(needs, left)
            out.update(
                {
                    r: min(caps[r], max(0.0, z * ln.daily_use - ln.on_hand))
                    for r, ln in known.items()
                }
            )
        left -= sum(out[r] for r in known)
        unknown = {r: caps[r] for r, ln in lines.items() if ln.daily_use == 0 and caps[r] > 0}
        share = min(1.0, left / sum(unknown.values())) if unknown else 0.0
        out.update({r: share * cap for r, cap in unknown.items()})
        left -= sum(share * cap for cap in unknown.values())
    return out


def received(plan: Plan, kind: str | None = None) -> dict[tuple[str, str], int]:
    got: dict[tuple[str, str], int] = defaultdict(int)
    for s in plan.shipments:
        if kind is None or s.kind == kind:
            got[s.organisation, s.item] += s.quantity
    return got


def given(plan: Plan) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = defaultdict(int)
    for s in plan.shipments:
        if s.kind == "redistribution":
            out[s.source, s.item] += s.quantity
    return out


def check_rule_1(problem: Problem, plan: Plan) -> None:
    """Feasible: stock, reserve, requests, donor floor, whole units or packs, no negatives."""
    sent: dict[tuple[str, str], int] = defaultdict(int)
    for s in plan.shipments:
        assert s.quantity > 0 and isinstance(s.quantity, int)
        assert s.quantity % lot_of(problem, s.item) == 0, s
        sent[s.source, s.item] += s.quantity
    for src in problem.sources:
        for item, stock in src.stock.items():
            assert sent[src.code, item] <= stock
    for item in (i.code for i in problem.items):
        total = sum(sent[s.code, item] for s in problem.sources)
        stock = sum(s.stock.get(item, 0) for s in problem.sources)
        assert total <= max(0, stock - problem.reserve.get(item, 0))
    got, gave = received(plan), given(plan)
    floor = problem.policy.donor_floor_days
    for org in problem.organisations:
        for item, line in org.lines.items():
            assert got[org.code, item] <= request_lots(line.requested, lot_of(problem, item))
            if gave[org.code, item]:
                assert line.may_donate and line.requested == 0 and line.daily_use > 0
                assert line.on_hand - gave[org.code, item] >= floor * line.daily_use - TOL


def check_rule_2(problem: Problem, plan: Plan) -> None:
    """Nothing held back: national allocation is min(requested, available) less rounding."""
    national = received(plan, "distribution")
    for item in problem.items:
        lot = lot_of(problem, item.code)
        requesters = [
            o
            for o in problem.organisations
            if item.code in o.lines and o.lines[item.code].requested > 0
        ]
        wanted = sum(request_lots(o.lines[item.code].requested, lot) for o in requesters)
        total = sum(national[o.code, item.code] for o in requesters)
        target = min(wanted, national_available(problem, item.code))
        assert total >= target - lot * len(requesters), (item.code, total, target)
        assert total <= target


def check_rule_3(problem: Problem, plan: Plan) -> None:
    """Lowest first, classes in order: each national allocation is within one lot of the
    independent water-filling reference."""
    national = received(plan, "distribution")
    for item in problem.items:
        lot = lot_of(problem, item.code)
        for org, expected in reference_national(problem, item.code).items():
            assert abs(national[org, item.code] - expected) <= lot + 1e-6, (
                item.code,
                org,
                national[org, item.code],
                expected,
            )


def days(line: Any, quantity: float) -> float:
    return (line.on_hand + quantity) / line.daily_use if line.daily_use > 0 else math.inf


def check_rule_4(problem: Problem, plan: Plan) -> None:
    """Redistribution is the second resort, only to recipients below the floor, never
    leaving the giver with fewer days than the receiver, and used in full when needed."""
    floor = problem.policy.donor_floor_days
    orgs = {o.code: o for o in problem.organisations}
    got, gave = received(plan), given(plan)
    for s in plan.shipments:
        if s.kind != "redistribution":
            continue
        lot = lot_of(problem, s.item)
        assert problem.policy.redistribute and problem.policy.name == "needs"
        available = national_available(problem, s.item)
        wanted = sum(
            request_lots(o.lines[s.item].requested, lot)
            for o in problem.organisations
            if s.item in o.lines
        )
        assert wanted > available, "redistribution although national stock sufficed"
        receiver, donor = orgs[s.organisation].lines[s.item], orgs[s.source].lines[s.item]
        after = days(receiver, got[s.organisation, s.item])
        assert after <= floor + lot / receiver.daily_use + TOL
        donor_after = days(donor, -gave[s.source, s.item])
        assert donor_after >= after - lot / receiver.daily_use - TOL
    if not (problem.policy.redistribute and problem.policy.name == "needs"):
        return
    for item in problem.items:
        _check_surplus_used(problem, item.code, got, gave, floor)


def _check_surplus_used(
    problem: Problem,
    item: str,
    got: dict[tuple[str, str], int],
    gave: dict[tuple[str, str], int],
    floor: float,
) -> None:
    lot = lot_of(problem, item)
    lines = {o.code: o.lines[item] for o in problem.organisations if item in o.lines}
    needy = [
        r
        for r, ln in lines.items()
        if ln.requested > 0
        and ln.daily_use > 0
        and got[r, item] < request_lots(ln.requested, lot) - lot
        and days(ln, got[r, item]) < floor - 2 * lot / ln.daily_use
    ]
    if not needy:
        return
    for d, ln in lines.items():
        if ln.may_donate and ln.requested == 0 and ln.daily_use > 0:
            spare = ln.on_hand - gave[d, item] - floor * ln.daily_use
            assert spare < lot + TOL, f"{d} kept {spare} spare {item} while {needy} needed it"


def check_rule_5(problem: Problem, plan: Plan) -> None:
    """Shortest transport: no swap of destinations between two shipments, and no move to a
    closer source with spare stock, would cut units x km."""
    places = {s.code: (s.lat, s.lon) for s in problem.sources}
    places.update({o.code: (o.lat, o.lon) for o in problem.organisations})

    def km(a: str, b: str) -> float:
        return great_circle_km(*places[a], *places[b])

    ships = [s for s in plan.shipments if s.kind == "distribution"]
    for a in ships:
        for b in ships:
            if a.item == b.item and a.source != b.source and a.organisation != b.organisation:
                now = km(a.source, a.organisation) + km(b.source, b.organisation)
                assert now <= km(a.source, b.organisation) + km(b.source, a.organisation) + 1e-3
    sent = received_by_source(plan)
    for s in ships:
        lot = lot_of(problem, s.item)
        for src in problem.sources:
            spare = src.stock.get(s.item, 0) - sent[src.code, s.item]
            if spare >= lot and src.code != s.source:
                assert km(s.source, s.organisation) <= km(src.code, s.organisation) + 1e-3


def received_by_source(plan: Plan) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = defaultdict(int)
    for s in plan.shipments:
        out[s.source, s.item] += s.quantity
    return out


def check_all_rules(problem: Problem, plan: Plan) -> None:
    """Every rule; 2 and 3 as stated hold where every warehouse reaches every organisation."""
    check_rule_1(problem, plan)
    if problem.routes is None:
        check_rule_2(problem, plan)
        check_rule_3(problem, plan)
    check_rule_4(problem, plan)
    check_rule_5(problem, plan)

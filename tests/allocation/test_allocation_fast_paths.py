"""The fast paths give the plans the LP paths give: the transport optimum known without
solving (each recipient from its nearest supplier) and the lean PuLP-HiGHS hand-over."""

from __future__ import annotations

import random
from typing import Any

import pulp
import pytest
from allocation_rules import check_rule_1

from allocation import Plan, Problem, solve, stages
from allocation import runner as runner_module
from allocation.model import TransportData, build_transport
from allocation.runner import Runner


def random_problem(
    seed: int, *, routes: bool, sources: int = 3, orgs: int = 25, pack: int = 1, ample: bool = False
) -> Problem:
    rng = random.Random(seed)
    items = ["A", "B"]
    data: dict[str, Any] = {
        "items": [{"code": c, "pack_size": pack} for c in items],
        "sources": [
            {
                "code": f"S{n}",
                "lat": rng.uniform(55, 68),
                "lon": rng.uniform(11, 24),
                "stock": {c: rng.randint(0, 4000 if ample else 1500) for c in items},
            }
            for n in range(sources)
        ],
        "reserve": {c: rng.randint(0, 100) for c in items},
        "organisations": [
            {
                "code": f"O{n:02d}",
                "kind": "municipality",
                "population": rng.randint(1, 10**5),
                "lat": rng.uniform(55, 68),
                "lon": rng.uniform(11, 24),
                "lines": {
                    c: {
                        "on_hand": rng.randint(0, 600),
                        "daily_use": rng.choice([0, 5, 10, 20]),
                        "requested": rng.choice([0, 0, rng.randint(1, 400)]),
                        "priority": rng.choice(["critical", "high", "normal"]),
                        "may_donate": rng.random() < 0.5,
                    }
                    for c in items
                },
            }
            for n in range(orgs)
        ],
        "policy": {
            "name": "needs",
            "donor_floor_days": 28,
            "redistribute": True,
            "whole_packs": pack > 1,
            "redistribution_neighbours": 3,
        },
    }
    if routes:
        data["routes"] = [
            {"from": s["code"], "to": o["code"]}
            for s in data["sources"]
            for o in data["organisations"]
            if rng.random() < 0.6
        ]
    return Problem.from_dict(data)


def unit_km(plan: Plan) -> float:
    return sum(s.quantity * s.km for s in plan.shipments)


def by_organisation(plan: Plan) -> dict[tuple[str, str], tuple[int, int, int]]:
    return {(o.organisation, o.item): (o.allocated, o.given, o.from_surplus) for o in plan.outcomes}


CASES = [
    (seed, routes, pack, ample)
    for seed in range(6)
    for routes in (False, True)
    for pack, ample in ((1, True), (10, False))
]


@pytest.mark.parametrize(("seed", "routes", "pack", "ample"), CASES)
def test_nearest_transport_gives_the_lp_plan(
    monkeypatch: pytest.MonkeyPatch, seed: int, routes: bool, pack: int, ample: bool
) -> None:
    problem = random_problem(
        seed, routes=routes, pack=pack, ample=ample, sources=1 if seed % 3 == 0 else 3
    )
    fast = solve(problem)
    # The rules' checks assume every pair may ship; routes and 3 neighbours break that, so
    # here rule 1 and agreement with the LP path (held to all rules elsewhere) are checked.
    check_rule_1(problem, fast)
    monkeypatch.setattr(stages, "nearest_transport", lambda data: None)
    slow = solve(problem)
    assert unit_km(fast) == pytest.approx(unit_km(slow), rel=1e-9, abs=1e-6)
    assert by_organisation(fast) == by_organisation(slow)


def test_nearest_transport_is_taken_when_the_nearest_can_serve() -> None:
    arcs = [
        ("S:A", "r1", 10.0, "distribution"),
        ("S:B", "r1", 50.0, "distribution"),
        ("S:A", "r2", 30.0, "distribution"),
        ("S:B", "r2", 20.0, "distribution"),
    ]
    data = TransportData(
        "X",
        1,
        {"S:A": 5, "S:B": 5},
        None,
        arcs,
        {("r1", "distribution"): (3, 3), ("r2", "distribution"): (4, 4)},
        {"r1": 3, "r2": 4},
    )
    assert stages.nearest_transport(data) == {0: 3.0, 3: 4.0}
    runner = Runner("highs")
    model = build_transport(data)
    runner.run(model.problem)
    lp = {i: round(v.varValue or 0.0) for i, v in model.lots.items() if (v.varValue or 0) > 0.5}
    assert lp == {0: 3, 3: 4}


def test_nearest_transport_declines_when_a_nearest_supplier_runs_short() -> None:
    arcs = [
        ("S:A", "r1", 10.0, "distribution"),
        ("S:B", "r1", 50.0, "distribution"),
        ("S:A", "r2", 10.0, "distribution"),
        ("S:B", "r2", 20.0, "distribution"),
    ]
    data = TransportData(
        "X",
        1,
        {"S:A": 5, "S:B": 5},
        None,
        arcs,
        {("r1", "distribution"): (3, 3), ("r2", "distribution"): (4, 4)},
        {"r1": 3, "r2": 4},
    )
    assert stages.nearest_transport(data) is None


@pytest.mark.parametrize("seed", range(4))
def test_lean_highs_gives_pulps_highs_plan(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    problem = random_problem(seed, routes=seed % 2 == 1, pack=10)
    lean = solve(problem).to_dict()
    monkeypatch.setattr(runner_module, "LeanHiGHS", pulp.HiGHS)
    plain = solve(problem).to_dict()
    for key in ("seconds", "build_seconds", "solve_seconds"):
        lean.pop(key)
        plain.pop(key)
    assert lean == plain

"""The shortcuts taken for speed give exactly what the plain ways give: the recorded
hand-over to HiGHS and reading values from its columns (against reading PuLP's model back),
the rises of the water level in one pass (against one `level_for` per amount), the fairness
bands, and the great-circle distances with each place's trigonometry worked out once."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

import pulp
import pytest
from test_allocation_fast_paths import random_problem

from allocation import Problem, highs_handover, solve
from allocation.explain import _rise, _rises, binding_group
from allocation.highs_handover import MatrixProblem
from allocation.levels import Ramp, cut_bands, level_for, levels_for
from allocation.model import TransportData, build_transport
from allocation.network import (
    ProblemIndex,
    _great_circle_from,
    _place,
    great_circle_km,
    item_network,
    nearest_arcs,
)
from allocation.runner import Runner
from allocation.stages import allocate_item


def plan_dict(problem: Problem) -> dict:
    plan = solve(problem).to_dict()
    for key in ("seconds", "build_seconds", "solve_seconds"):
        plan.pop(key)
    return plan


def problems() -> list[Problem]:
    out = []
    for seed in range(8):
        for routes in (False, True):
            out.append(
                random_problem(
                    seed,
                    routes=routes,
                    pack=1 + 9 * (seed % 2),
                    sources=1 + seed % 3,
                    ample=seed % 4 == 0,
                )
            )
    return out


@pytest.mark.parametrize("problem", problems())
def test_recorded_hand_over_gives_the_read_back_plan(
    monkeypatch: pytest.MonkeyPatch, problem: Problem
) -> None:
    fast = plan_dict(problem)
    # Without the record LeanHiGHS reads every row back from PuLP's model, and the stages
    # read every value variable by variable (no column values are kept).
    monkeypatch.setattr(highs_handover, "_recorded", lambda lp, model: None)
    assert plan_dict(problem) == fast


def test_record_matches_the_model_rows() -> None:
    arcs = [
        ("S:A", "r1", 10.0, "distribution"),
        ("S:B", "r1", 50.0, "distribution"),
        ("S:A", "r2", 30.0, "distribution"),
        ("O:C", "r2", 20.0, "redistribution"),
        ("O:C", "r3", 5.0, "redistribution"),
    ]
    data = TransportData(
        "X",
        10,
        {"S:A": 3, "S:B": 5, "O:C": 2},
        6,
        arcs,
        {
            ("r1", "distribution"): (2, 3),
            ("r2", "distribution"): (1, 2),
            ("r2", "redistribution"): (0, 1),
            ("r3", "redistribution"): (1, 1),
        },
        {"r1": 3, "r2": 2, "r3": 1},
    )
    model = build_transport(data)
    prob = model.problem
    assert isinstance(prob, MatrixProblem)
    rows = prob.toRustModel().list_constraints()
    assert len(rows) == len(prob.row_starts)
    ends = [*prob.row_starts[1:], len(prob.row_ids)]
    for row, start, end, low, high in zip(
        rows, prob.row_starts, ends, prob.row_lower, prob.row_upper, strict=True
    ):
        assert [(v.id(), c) for v, c in row.items()] == list(
            zip(prob.row_ids[start:end], prob.row_coefficients[start:end], strict=True)
        )
        sense = row.sense
        assert low == (-math.inf if sense == pulp_sense("<=") else row.rhs)
        assert high == (math.inf if sense == pulp_sense(">=") else row.rhs)
    objective = prob.toRustModel().get_objective()
    assert [(v.id(), c) for v, c in objective.items()] == list(
        zip(prob.objective_ids, prob.objective_coefficients, strict=True)
    )
    # The values read from HiGHS's columns are the values PuLP holds.
    Runner("highs").run(prob)
    assert model.value_array().tolist() == [v.varValue or 0.0 for v in model.lots.values()]
    assert model.values() == {i: v.varValue or 0.0 for i, v in model.lots.items()}


def pulp_sense(sense: str) -> object:
    from pulp._rustcore import Sense

    return {"<=": Sense.LessEqual, ">=": Sense.GreaterEqual, "==": Sense.Equal}[sense]


def test_a_model_changed_after_building_is_read_back() -> None:
    data = TransportData(
        "X",
        1,
        {"S:A": 5},
        None,
        [("S:A", "r1", 10.0, "distribution")],
        {("r1", "distribution"): (0, 4)},
        {"r1": 4},
    )
    model = build_transport(data)
    var = next(iter(model.lots.values()))
    model.problem.addConstraint(var <= 2, "changed")  # a row the record does not hold
    assert highs_handover._recorded(model.problem, model.problem.toRustModel()) is None
    Runner("highs").run(model.problem)
    assert model.value_array().tolist() == [2.0]


def test_a_new_objective_is_read_back() -> None:
    data = TransportData(
        "X",
        1,
        {"S:A": 5},
        None,
        [("S:A", "r1", 10.0, "distribution")],
        {("r1", "distribution"): (0, 4)},
        {"r1": 4},
    )
    model = build_transport(data)
    var = next(iter(model.lots.values()))
    model.problem.setObjective(-3 * var)  # as many terms as the recorded one
    assert highs_handover._recorded(model.problem, model.problem.toRustModel()) is None
    Runner("highs").run(model.problem)
    assert model.value_array().tolist() == [4.0]
    model.problem.objective = 5 * var
    Runner("highs").run(model.problem)
    assert model.value_array().tolist() == [0.0]


def random_ramps(rng: random.Random) -> list[Ramp]:
    return [
        Ramp(
            rng.choice([0.0, 0.5, 1.0, 3.0, 10.0, 25.0, rng.uniform(0.1, 50)]),
            float(rng.choice([0, 0, rng.randint(0, 2000)])),
            float(rng.choice([0, rng.randint(1, 3000)])),
        )
        for _ in range(rng.randint(0, 12))
    ]


@pytest.mark.parametrize("seed", range(300))
def test_levels_for_gives_level_for(seed: int) -> None:
    rng = random.Random(seed)
    ramps = random_ramps(rng)
    full = sum(r.cap for r in ramps if r.cap > 0 and r.rate > 0)
    totals = [rng.uniform(-5, full + 10) for _ in range(rng.randint(1, 5))]
    totals += [full, 0.0, full / 2 if full else 1.0]
    rng.shuffle(totals)
    assert levels_for(ramps, totals) == [level_for(ramps, t) for t in totals]


def test_rises_in_one_pass_give_each_rise() -> None:
    checked = 0
    for seed in range(24):
        problem = random_problem(
            seed, routes=seed % 2 == 1, pack=1 + 9 * (seed % 3 == 0), sources=1 + seed % 3
        )
        runner = Runner("highs")
        index = ProblemIndex(problem)
        for item in problem.items:
            net = item_network(problem, item, index=index)
            alloc = allocate_item(net, problem.policy, runner)
            binding = binding_group(alloc)
            extras = (item.pack_size, 1000)
            assert _rises(net, alloc, binding, extras) == tuple(
                _rise(net, alloc, binding, e) for e in extras
            )
            checked += binding is not None
    assert checked >= 10  # most problems run out of something


def reference_cut_bands(ramp: Ramp, levels: Sequence[float]) -> list[tuple[int, float]]:
    """The bands as first written, with Ramp's properties."""
    cuts = [lv for lv in levels if ramp.start < lv < ramp.end]
    bands: list[tuple[int, float]] = []
    below = sum(1 for lv in levels if lv <= ramp.start)
    previous = 0.0
    for tier, lv in enumerate([*cuts, ramp.end], start=below):
        size = ramp.amount(lv) - previous
        if size > 1e-9:
            bands.append((tier, size))
        previous += size
    return bands


@pytest.mark.parametrize("seed", range(100))
def test_cut_bands_gives_the_reference(seed: int) -> None:
    rng = random.Random(seed)
    level = rng.choice([0.0, rng.uniform(0, 60)])
    levels = [0.0] if level == 0 else [level * m for m in (0.25, 0.5, 0.9, 1.0, 1.1, 2.0)]
    for ramp in random_ramps(rng):
        if ramp.rate > 0:
            assert cut_bands(ramp, levels) == reference_cut_bands(ramp, levels)


def test_great_circle_from_gives_great_circle_km() -> None:
    rng = random.Random(5)
    for _ in range(20_000):
        a = (rng.uniform(-90, 90), rng.uniform(-180, 180))
        b = (
            (a[0] + rng.uniform(-1e-3, 1e-3), a[1])
            if rng.random() < 0.2
            else (rng.uniform(-90, 90), rng.uniform(-180, 180))
        )
        assert _great_circle_from(*_place(*a), *_place(*b)) == great_circle_km(*a, *b)


def test_nearest_arcs_are_the_nearest() -> None:
    rng = random.Random(3)
    places = {f"P{n}": (rng.uniform(55, 68), rng.uniform(11, 24)) for n in range(60)}
    donors, recipients = list(places)[:30], list(places)[30:]
    arcs = nearest_arcs(places, donors, recipients, 5)
    for r in recipients:
        every = sorted((great_circle_km(*places[r], *places[d]), d) for d in donors)
        assert [(d, r, km) for km, d in every[:5]] == [a for a in arcs if a[1] == r]


def test_plain_lp_problems_still_go_through_lean_highs() -> None:
    prob = pulp.LpProblem("plain", pulp.LpMaximize)
    x = prob.add_variable("x", lowBound=0, upBound=3)
    y = prob.add_variable("y", lowBound=0)
    prob += x + 2 * y
    prob += x + y <= 4, "both"
    Runner("highs").run(prob)
    assert (x.varValue, y.varValue) == pytest.approx((0.0, 4.0))

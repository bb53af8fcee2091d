"""Property tests: on random small problems every proposal keeps rules 1-5 of
transfer-model.md, judged by the independent reference in transfer_rules.py (its own
distances, exact fractions, brute force over every plan), never by the model's code."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from transfer_builders import random_problem
from transfer_rules import (
    best_by_brute_force,
    every_patient_once,
    plan_of,
    rule_1,
    rule_3,
    rule_5,
    score,
    swaps,
)

from allocation.transfers import Move, check_plan, propose, read_problem

PROFILE = settings.get_profile("allocation")


def proposal_of(data: dict) -> dict:
    return propose(read_problem(data)).to_json()


@settings(PROFILE)
@given(seed=st.integers(0, 2**32 - 1))
def test_every_proposal_keeps_rules_1_3_and_5(seed: int) -> None:
    rng = random.Random(seed)
    data = random_problem(rng, units=rng.randint(3, 8), patients=rng.randint(1, 10))
    proposal = proposal_of(data)
    plan = plan_of(proposal)
    assert every_patient_once(data, proposal) == []
    assert rule_1(data, plan) == []
    assert rule_3(data, plan) == []
    assert rule_5(data, proposal) == []
    assert swaps(data, plan) == [], "rule 2: a more urgent patient could take a place"


@settings(PROFILE)
@given(seed=st.integers(0, 2**32 - 1))
def test_rules_2_and_4_no_better_plan_exists_on_tiny_problems(seed: int) -> None:
    """Brute force over every plan that keeps rules 1 and 3: none places more immediate, then
    today, then planned patients, or the same with less transport time."""
    rng = random.Random(seed)
    data = random_problem(rng, units=rng.randint(2, 4), patients=rng.randint(1, 4))
    proposal = proposal_of(data)
    got = score(data, plan_of(proposal))
    best = best_by_brute_force(data)
    assert got[:3] == best[:3]
    assert got[3] == pytest.approx(best[3], abs=1e-6)


@settings(PROFILE)
@given(seed=st.integers(0, 2**32 - 1))
def test_check_plan_agrees_with_the_reference(seed: int) -> None:
    """check_plan (the app's re-check of edited plans) passes the model's plan, and finds a
    broken rule exactly when the reference does, on plans edited at random."""
    rng = random.Random(seed)
    data = random_problem(rng, units=rng.randint(3, 6), patients=rng.randint(1, 6))
    problem = read_problem(data)
    proposal = propose(problem)
    assert check_plan(problem, proposal.moves) == []
    units = [u["code"] for u in data["units"]]
    modes = [m["mode"] for m in data["modes"]]
    edited = {m.case: m for m in proposal.moves}
    for p in data["patients"]:
        if rng.random() < 0.5:
            edited[p["case"]] = Move(
                p["case"], p["unit"], rng.choice(units), rng.choice(modes), 0.0, 0.0
            )
    moves = list(edited.values())
    plan = {m.case: (m.to_unit, m.mode) for m in moves}
    reference = rule_1(data, plan) + rule_3(data, plan)
    found = check_plan(problem, moves)
    assert bool(found) == bool(reference), (found, reference)

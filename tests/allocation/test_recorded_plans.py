"""Five fixed problems solve to the very plans recorded beside them, to the last unit.

`recorded/<name>.problem.json` is the input, `recorded/<name>.plan.json` the plan it gave
when recorded: every shipment, outcome (with its reason and days) and item summary, compared
exactly. Only what changes from run to run is left out: the seconds and the solver's version.
So a change that still keeps the rules but gives another plan (another tie broken, another
rounding, another route) fails here, and someone decides whether the new plan is wanted. The
problems were made once by a seeded generator and are kept as files, so the input is pinned
too: change one only together with its plan, and say why.

- needs_distribution: national stock by the water level, one item scarce, one ample.
- priority_classes: critical, high and normal classes, lines without known daily use.
- redistribution_donors: little national stock, donors above and below the floor, the
  nearest three donors per recipient.
- whole_packs_routes: whole packs over a routes table (the fill and transport LPs), with
  road distances and donors.
- population_key: the classic key, with a population of 0 and lines without known use.

Re-recording is a deliberate act, for a change meant to alter plans (a rule, a tie-break, a
solver setting): run

    RECORD_ALLOCATION=1 .venv/bin/pytest tests/allocation/test_recorded_plans.py

read the diff of `tests/allocation/recorded/*.plan.json`, and commit it with a message that
says why the plans changed. A run that records checks nothing (its tests are skipped).
Never re-record to make a failure go away that nobody can explain.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from allocation_rules import check_rule_1

from allocation import Problem, solve

RECORDED = Path(__file__).parent / "recorded"
NAMES = sorted(p.name.removesuffix(".problem.json") for p in RECORDED.glob("*.problem.json"))
RUN_TIME = ("seconds", "build_seconds", "solve_seconds", "solver_version")
RECORDING = os.environ.get("RECORD_ALLOCATION") == "1"
ROOT = Path(__file__).resolve().parents[2]


def as_recorded(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan's JSON form (`Plan.to_dict()`) as a file holds it, less what changes from run
    to run."""
    data = json.loads(json.dumps(plan))
    for key in RUN_TIME:
        data.pop(key)
    return data


def differences(recorded: Any, now: Any, path: str = "plan") -> list[str]:
    """Where two JSON values differ, one line per leaf: `path: recorded ..., now ...`."""
    if isinstance(recorded, dict) and isinstance(now, dict):
        out = []
        for key in [*recorded, *(k for k in now if k not in recorded)]:
            if key not in now or key not in recorded:
                out.append(f"{path}.{key}: recorded {recorded.get(key)!r}, now {now.get(key)!r}")
            else:
                out += differences(recorded[key], now[key], f"{path}.{key}")
        return out
    if isinstance(recorded, list) and isinstance(now, list):
        out = []
        for n, (a, b) in enumerate(zip(recorded, now, strict=False)):
            out += differences(a, b, f"{path}[{n}]")
        if len(recorded) != len(now):
            out.append(f"{path}: recorded {len(recorded)} entries, now {len(now)}")
        return out
    return [] if recorded == now else [f"{path}: recorded {recorded!r}, now {now!r}"]


def test_five_problems_are_recorded() -> None:
    assert len(NAMES) == 5, NAMES


@pytest.mark.parametrize("name", NAMES)
def test_the_plan_is_the_recorded_plan(name: str) -> None:
    problem = Problem.from_dict(json.loads((RECORDED / f"{name}.problem.json").read_text()))
    plan = solve(problem)
    now = as_recorded(plan.to_dict())
    plan_file = RECORDED / f"{name}.plan.json"
    if RECORDING:
        check_rule_1(problem, plan)  # never record a plan that breaks rule 1
        plan_file.write_text(json.dumps(now, indent=2, ensure_ascii=False) + "\n")
        pytest.skip(f"recorded {plan_file.name}: read its diff, say why in the commit")
    recorded = json.loads(plan_file.read_text())
    found = differences(recorded, now)
    assert not found, (
        f"{name}: the plan is not the recorded one ({len(found)} differences):\n  "
        + "\n  ".join(found[:25])
        + "\nIf the change is meant to alter plans, re-record as this module's docstring says."
    )


SOLVE_EACH = """
import json, sys
from allocation import Problem, solve
from allocation.highs_handover import silence_highs_banner
silence_highs_banner()
for path in sys.argv[1:]:
    print(json.dumps(solve(Problem.from_dict(json.load(open(path)))).to_dict()))
"""


@pytest.mark.skipif(RECORDING, reason="recording")
@pytest.mark.parametrize("seed", ["1", "2"])
def test_the_recorded_plans_do_not_depend_on_the_hash_seed(seed: str) -> None:
    # Iterating over a set once put the shipments in another order from run to run.
    paths = [RECORDED / f"{name}.problem.json" for name in NAMES]
    run = subprocess.run(
        [sys.executable, "-c", SOLVE_EACH, *map(str, paths)],
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": seed},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    for name, text in zip(NAMES, run.stdout.splitlines(), strict=True):
        now = as_recorded(json.loads(text))
        recorded = json.loads((RECORDED / f"{name}.plan.json").read_text())
        assert not differences(recorded, now), f"{name} differs under PYTHONHASHSEED={seed}"

"""Put together the plan for a whole problem, item by item, and the what-if scenarios."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import replace

from .explain import explain_item
from .network import ProblemIndex, item_network
from .plan import Plan
from .problem import Line, Organisation, Policy, Problem, SolverName, policy_to_dict
from .runner import Runner
from .stages import allocate_item

Progress = Callable[[str], None]


def solve(
    problem: Problem, *, solver: SolverName | None = None, progress: Progress | None = None
) -> Plan:
    """Allocate every item of the problem by its policy and return the explained plan."""
    start = time.perf_counter()
    runner = Runner(solver or problem.policy.solver)
    shipments, outcomes, items = [], [], {}
    index = ProblemIndex(problem)
    for number, item in enumerate(problem.items, start=1):
        if progress is not None:
            progress(f"allocating item {number}/{len(problem.items)}: {item.code}")
        network = item_network(problem, item, index=index)
        allocation = allocate_item(network, problem.policy, runner)
        shipments.extend(allocation.shipments)
        item_outcomes, items[item.code] = explain_item(network, allocation, problem.policy)
        outcomes.extend(item_outcomes)
    policy = policy_to_dict(replace(problem.policy, solver=solver or problem.policy.solver))
    plan = Plan(
        status="optimal",
        policy=policy,
        solver=runner.name,
        solver_version=runner.version,
        seconds=0.0,
        shipments=tuple(shipments),
        outcomes=tuple(outcomes),
        items=items,
    )
    return plan.with_timing(time.perf_counter() - start, runner.build_seconds, runner.solve_seconds)


def what_if(
    problem: Problem,
    *,
    use_scale: float = 1.0,
    remove_sources: Iterable[str] = (),
    policy: Policy | None = None,
    solver: SolverName | None = None,
) -> Plan:
    """Solve the same problem with daily use scaled, some sources removed, or another policy."""
    return solve(
        scenario(problem, use_scale=use_scale, remove_sources=remove_sources, policy=policy),
        solver=solver,
    )


def scenario(
    problem: Problem,
    *,
    use_scale: float = 1.0,
    remove_sources: Iterable[str] = (),
    policy: Policy | None = None,
) -> Problem:
    """A copy of the problem with daily use scaled, sources removed or the policy replaced."""
    gone = set(remove_sources)
    unknown = gone - {s.code for s in problem.sources}
    if unknown:
        raise ValueError(f"remove_sources: unknown source codes {sorted(unknown)}")
    routes = problem.routes
    if routes is not None:
        routes = tuple(r for r in routes if r.source not in gone)
    return replace(
        problem,
        sources=tuple(s for s in problem.sources if s.code not in gone),
        organisations=tuple(_scaled(o, use_scale) for o in problem.organisations),
        policy=policy or problem.policy,
        routes=routes,
    )


def _scaled(org: Organisation, scale: float) -> Organisation:
    if scale == 1.0:
        return org
    lines: dict[str, Line] = {
        code: replace(ln, daily_use=ln.daily_use * scale) for code, ln in org.lines.items()
    }
    return replace(org, lines=lines)

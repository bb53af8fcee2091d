"""Run the solver: pick HiGHS or CBC, check every status, time building apart from solving,
and put together the plan for a whole problem."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import cache
from importlib import metadata

import pulp

from .explain import explain_item
from .highs_handover import LeanHiGHS
from .network import ProblemIndex, item_network
from .plan import Plan
from .problem import Line, Organisation, Policy, Problem, policy_to_dict
from .stages import allocate_item

Progress = Callable[[str], None]


class SolveError(RuntimeError):
    """The solver failed or reported a status other than optimal."""


class Runner:
    """Solves PuLP models with one solver, keeping the time spent building and solving."""

    def __init__(self, solver: str = "highs") -> None:
        self.solver, self.name, self.version = _make_solver(solver, mip=True)
        self.lp_solver = _make_solver(solver, mip=False)[0]
        self.build_seconds = 0.0
        self.solve_seconds = 0.0
        self.models = 0

    def build[T](self, builder: Callable[[], T]) -> T:
        start = time.perf_counter()
        try:
            return builder()
        finally:
            self.build_seconds += time.perf_counter() - start

    def run(self, prob: pulp.LpProblem) -> None:
        """Solve `prob`; raise SolveError unless an optimal solution came back."""
        start = time.perf_counter()
        try:
            stats = prob.solve(self.solver if prob.isMIP() else self.lp_solver)
        except pulp.PulpSolverError as err:
            raise SolveError(f"{self.name} failed on {prob.name}: {err}") from err
        finally:
            self.solve_seconds += time.perf_counter() - start
            self.models += 1
        proven = stats.status == pulp.LpSolveStatus.Optimal
        # CBC may report its gap limit on a MIP that is optimal (toolchain.md).
        gap_ok = stats.status == pulp.LpSolveStatus.GapLimit and prob.isMIP()
        if not stats.has_solution or not (proven or gap_ok):
            raise SolveError(f"{self.name} could not solve {prob.name}: {stats.status.name}")


def _make_solver(name: str, mip: bool) -> tuple[pulp.LpSolver, str, str]:
    if name == "highs":
        # Presolve costs more than it saves on these small, sparse per-item LPs.
        highs = LeanHiGHS(msg=False, mip=mip, presolve="off")
        if highs.available():
            return highs, "HiGHS", _version("highspy")
    cbc = pulp.COIN_CMD(msg=False, mip=mip)
    if not cbc.available():
        raise SolveError("no solver available: install highspy or pulp[cbc]")
    return cbc, "CBC", f"cbcbox {_version('cbcbox')}"


@cache
def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def solve(problem: Problem, *, solver: str | None = None, progress: Progress | None = None) -> Plan:
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
    solver: str | None = None,
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

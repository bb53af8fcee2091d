"""Run the solver: pick HiGHS or CBC, check every status, time building apart from solving,
and put together the plan for a whole problem."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import metadata
from typing import Any

import numpy as np
import pulp
from pulp._rustcore import Category, Sense
from pulp.apis import highs as pulp_highs

from .explain import explain_item
from .model import MatrixProblem
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


class LeanHiGHS(pulp.HiGHS):
    """PuLP's in-process HiGHS, handing the model over and back with less Python per entry.

    The same model, columns in the same order (`exported_variables`), the same bounds,
    objective and rows as `pulp.HiGHS.buildSolverModel`; it reads the Rust-backed model
    directly instead of wrapping every variable of every row in an `LpVariable`. Only the
    variable values come back: this package reads no duals, reduced costs or slacks."""

    def buildSolverModel(self, lp: pulp.LpProblem) -> None:
        highspy = pulp_highs.highspy_mod
        inf = highspy.kHighsInf
        model = lp.toRustModel()
        recorded = _recorded(lp, model)
        if recorded is not None:  # every variable is used: the columns are all, in id order
            ids: Sequence[int] = range(model.num_variables)
            columns = model.list_variables()
        else:
            ids = model.used_variable_ids()
            columns = model.list_variables_by_ids(ids)
        lp.column_ids = ids
        n = len(ids)
        cost = np.zeros(n)
        objective = model.get_objective()
        if recorded is not None:
            cost[recorded.objective_columns] = recorded.objective_coefficients
        elif objective is not None:
            col_of = {vid: j for j, vid in enumerate(ids)}
            for var, coefficient in objective.items():
                j = col_of.get(var.id())
                if j is not None:
                    cost[j] = coefficient
        lower = np.fromiter((v.lb for v in columns), np.float64, n)
        upper = np.fromiter((v.ub for v in columns), np.float64, n)
        lower[np.isneginf(lower)] = -inf
        upper[np.isposinf(upper)] = inf
        empty = np.zeros(0, dtype=np.int32)
        solver = lp.solverModel
        solver.addCols(n, cost, lower, upper, 0, empty, empty, np.zeros(0))
        if self.mip:
            integer = np.fromiter(
                (j for j, v in enumerate(columns) if v.category != Category.Continuous), np.int32
            )
            if len(integer):
                solver.changeColsIntegrality(
                    len(integer), integer, np.full(len(integer), highspy.HighsVarType.kInteger)
                )
        if lp.sense == pulp.LpMaximize:
            solver.changeObjectiveSense(highspy.ObjSense.kMaximize)
        if objective is not None:
            solver.changeObjectiveOffset(objective.constant)
        if recorded is not None:
            row_lower, row_upper = recorded.row_lower, recorded.row_upper
            row_lower[np.isneginf(row_lower)] = -inf
            row_upper[np.isposinf(row_upper)] = inf
            solver.addRows(
                len(row_lower),
                row_lower,
                row_upper,
                len(recorded.row_columns),
                recorded.row_starts,
                recorded.row_columns,
                recorded.row_coefficients,
            )
            return
        self._add_rows(lp, model, ids)

    def _add_rows(self, lp: pulp.LpProblem, model: Any, ids: Sequence[int]) -> None:
        """Read the rows back from PuLP's model, term by term (models built elsewhere)."""
        inf = pulp_highs.highspy_mod.kHighsInf
        col_of = {vid: j for j, vid in enumerate(ids)}
        rows = model.list_constraints()
        starts: list[int] = []
        indices: list[int] = []
        coefficients: list[float] = []
        row_lower = np.empty(len(rows))
        row_upper = np.empty(len(rows))
        for i, row in enumerate(rows):
            starts.append(len(indices))
            for var, coefficient in row.items():
                if coefficient != 0:
                    indices.append(col_of[var.id()])
                    coefficients.append(coefficient)
            rhs, sense = row.rhs, row.sense
            row_lower[i] = -inf if sense == Sense.LessEqual else rhs
            row_upper[i] = inf if sense == Sense.GreaterEqual else rhs
        lp.solverModel.addRows(
            len(rows),
            row_lower,
            row_upper,
            len(indices),
            np.array(starts, dtype=np.int32),
            np.array(indices, dtype=np.int32),
            np.array(coefficients, dtype=np.float64),
        )

    def findSolutionValues(self, lp: pulp.LpProblem) -> tuple[pulp.LpSolveStatus, bool]:
        highspy = pulp_highs.highspy_mod
        solver = lp.solverModel
        status = solver.getModelStatus()
        model = lp.toRustModel()
        values = solver.getSolution().col_value
        ids = getattr(lp, "column_ids", None)
        if ids is None or len(ids) != len(values):
            ids = model.used_variable_ids()
        model.set_variable_values(list(zip(ids, values, strict=True)))
        if isinstance(lp, MatrixProblem) and isinstance(ids, range) and ids.start == 0:
            lp.column_values = np.asarray(values, dtype=np.float64)  # by id, for values_of
        if status == highspy.HighsModelStatus.kOptimal:
            return pulp.LpSolveStatus.Optimal, True
        # Anything else is an error for this package; let PuLP's reading name it.
        return super().findSolutionValues(lp)


@dataclass(frozen=True)
class _Recorded:
    """A MatrixProblem's record in HiGHS's arrays, columns in the hand-over's order."""

    objective_columns: np.ndarray
    objective_coefficients: np.ndarray
    row_starts: np.ndarray
    row_columns: np.ndarray
    row_coefficients: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray


def _recorded(lp: pulp.LpProblem, model: Any) -> _Recorded | None:
    """The rows and objective `lp` recorded as it was built, if they still match its model
    (the same rows, the same objective terms) and use every one of its variables."""
    if not isinstance(lp, MatrixProblem) or lp.objective_ids is None:
        return None
    objective = model.get_objective()
    terms = 0 if objective is None else objective.num_terms()
    n = model.num_variables
    if len(lp.row_starts) != model.num_constraints or terms != len(lp.objective_ids) or n == 0:
        return None
    columns = [
        np.frombuffer(ids, dtype=np.uint64).astype(np.int64) if len(ids) else np.zeros(0, np.int64)
        for ids in (lp.objective_ids, lp.row_ids)
    ]
    used = np.zeros(n, dtype=bool)
    for at in columns:
        if len(at) and at.max() >= n:
            return None
        used[at] = True
    if not used.all():
        return None
    return _Recorded(
        columns[0].astype(np.int32),
        np.array(lp.objective_coefficients, dtype=np.float64),
        np.array(lp.row_starts, dtype=np.int32),
        columns[1].astype(np.int32),
        np.array(lp.row_coefficients, dtype=np.float64),
        np.array(lp.row_lower, dtype=np.float64),
        np.array(lp.row_upper, dtype=np.float64),
    )


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

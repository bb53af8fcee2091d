"""Run PuLP models with one solver: pick HiGHS or CBC, check every status, and time building
apart from solving."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cache
from importlib import metadata

import pulp

from .highs_handover import LeanHiGHS
from .problem import SolverName


class SolveError(RuntimeError):
    """The solver failed or reported a status other than optimal."""


class Runner:
    """Solves PuLP models with one solver, keeping the time spent building and solving."""

    def __init__(self, solver: SolverName = "highs") -> None:
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


def _make_solver(name: SolverName, mip: bool) -> tuple[pulp.LpSolver, str, str]:
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

"""The in-process hand-over between PuLP and HiGHS: the one module that relies on PuLP's
internals (its Rust model `pulp._rustcore`, `LpProblem.toRustModel`, the Rust handles inside
`LpVariable` and `LpAffineExpression`, `pulp.apis.highs` and the `HiGHS` solver's steps).

- `MatrixProblem` is a PuLP problem that also records, as it is built, its objective and
  rows in the arrays HiGHS takes; `Columns` are the variables it adds in one batch.
- `LeanHiGHS` is PuLP's in-process HiGHS, passing a recorded model on as arrays instead of
  reading it back term by term, and reading the solution from HiGHS's columns.

`tests/allocation/test_highs_handover.py` names each internal this module relies on and
fails, naming it, when a PuLP upgrade takes it away.
"""

from __future__ import annotations

import math
import os
import sys
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pulp
from pulp._rustcore import AffineExpr, Category, Model, Sense, Variable
from pulp.apis import highs as pulp_highs

RowSense = Literal["<=", ">=", "=="]

# PuLP's own objective property: MatrixProblem wraps its getter and setter.
_PULP_OBJECTIVE: property = vars(pulp.LpProblem)["objective"]


class MatrixProblem(pulp.LpProblem):
    """A PuLP problem that records, as it is built through `add_columns`, `set_objective_terms`
    and `add_row`, its objective and its rows (variable ids, coefficients, lower and upper
    bounds) in flat arrays.

    The PuLP model stays the model: any solver can take it, and LeanHiGHS uses the record
    only while it matches the model: as many rows, an objective set by `set_objective_terms`,
    and every variable used. Setting another objective or adding a row drops back to reading
    the model; editing a row in place is not noticed, so change a built model only by
    adding to it (or solve a `copy()`, a plain LpProblem). Variable bounds and categories
    are always read from the model."""

    def __init__(self, name: str, sense: int) -> None:
        super().__init__(name, sense)
        self.objective_ids: array[int] | None = array("Q")
        self.objective_coefficients = array("d")
        self.row_starts: list[int] = []
        self.row_ids = array("Q")
        self.row_coefficients = array("d")
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []
        self.column_values: np.ndarray | None = None  # LeanHiGHS sets it; others do not

    @property
    def objective(self) -> pulp.LpAffineExpression | None:
        return super().objective

    @objective.setter
    def objective(self, value: Any) -> None:
        _PULP_OBJECTIVE.__set__(self, value)
        self.objective_ids = None  # not recorded (unless `set_objective_terms` set it)

    def solve(self, solver: pulp.LpSolver | None = None, **kwargs: Any) -> pulp.LpSolveStats:
        self.column_values = None
        return super().solve(solver, **kwargs)

    def values_of(self, first: int, variables: Sequence[Variable]) -> np.ndarray:
        """The solved values of `variables`, whose PuLP ids run on from `first`: straight
        from HiGHS's column values where the hand-over left them (the columns were every
        variable, in id order), else read variable by variable."""
        values = self.column_values
        if values is not None and len(values) == self.toRustModel().num_variables:
            return values[first : first + len(variables)]
        return np.fromiter((var.value or 0.0 for var in variables), np.float64, len(variables))

    def numVariables(self) -> int:  # noqa: N802 (PuLP's name)
        """As PuLP's, without wrapping every variable to count them."""
        return self.toRustModel().num_variables

    def numConstraints(self) -> int:  # noqa: N802 (PuLP's name)
        return self.toRustModel().num_constraints

    def add_columns(self, name: str, keys: Sequence[int]) -> Columns:
        """Continuous variables `name_<key>` >= 0, one per key (as `add_variable_dict`,
        without the Python wrappers); their PuLP ids run on from the first."""
        model = self.toRustModel()
        variables = model.add_variables_batch(
            [f"{name}_{k}" for k in keys], 0.0, math.inf, Category.Continuous
        )
        if not variables:
            return Columns(self, variables, 0)
        first = variables[0].id()
        if variables[-1].id() != first + len(variables) - 1:  # PuLP numbers them in order
            raise pulp.PulpError(f"{name}: variable ids do not run on")
        return Columns(self, variables, first)

    def set_objective_terms(self, terms: Sequence[int], coefficients: list[float]) -> None:
        """Set the objective `sum(coefficient * variable)` over the variables whose PuLP ids
        are `terms`, as one vector each (as `setObjective(LpAffineExpression.from_list(...))`)."""
        ids, values = array("Q", terms), array("d", coefficients)
        if len(values) and not np.isfinite(np.frombuffer(values, dtype=np.float64)).all():
            raise pulp.PulpError("objective: coefficients must be finite")
        expr = AffineExpr()
        expr.add_term_ids_coeffs(self.toRustModel(), ids, values)
        self.setObjective(pulp.LpAffineExpression(expr))
        self.objective_ids, self.objective_coefficients = ids, values

    def add_row(
        self,
        terms: Sequence[int],
        sense: RowSense,
        rhs: float,
        name: str,
        coefficients: list[float] | None = None,
    ) -> None:
        """Add the row `sum(coefficient * variable) <sense> rhs` over the variables whose
        PuLP ids are `terms` (coefficients 1 unless given), and record it.

        The same constraint as `addConstraint(LpAffineExpression.from_list(...) <= rhs,
        name)`, handed to PuLP's Rust model as one vector of variable ids and one of
        coefficients instead of term by term (every coefficient here is finite and nonzero,
        and no variable appears twice in a row, by construction; `addConstraint` would check
        term by term)."""
        if not math.isfinite(rhs):
            raise pulp.PulpError(f"{name}: right-hand side {rhs} is not finite")
        rhs = float(rhs)
        model = self.toRustModel()
        ids = array("Q", terms)
        values = array("d", coefficients) if coefficients is not None else _ONE * len(ids)
        expr = AffineExpr()
        expr.add_term_ids_coeffs(model, ids, values)
        expr.set_constant(-rhs)
        expr.set_sense(_SENSES[sense])
        expr.set_name(name)
        model.add_constraint(expr)
        self.row_starts.append(len(self.row_ids))
        self.row_ids.extend(ids)
        self.row_coefficients.extend(values)
        self.row_lower.append(-math.inf if sense == "<=" else rhs)
        self.row_upper.append(math.inf if sense == ">=" else rhs)


_ONE = array("d", [1.0])
_SENSES = {"<=": Sense.LessEqual, ">=": Sense.GreaterEqual, "==": Sense.Equal}


@dataclass(frozen=True)
class Columns:
    """Variables a MatrixProblem added in one batch: their PuLP ids run on from `first`."""

    problem: MatrixProblem
    handles: Sequence[Variable]
    first: int

    def __len__(self) -> int:
        return len(self.handles)

    @property
    def ids(self) -> range:
        return range(self.first, self.first + len(self.handles))

    def set_upper(self, bounds: Sequence[float]) -> None:
        for var, bound in zip(self.handles, bounds, strict=True):
            var.set_ub(bound)

    def make_integer(self) -> None:
        for var in self.handles:
            var.set_category(Category.Integer)

    def values(self) -> np.ndarray:
        """The solved value of each variable, in order."""
        return self.problem.values_of(self.first, self.handles)

    def lp_variables(self) -> list[pulp.LpVariable]:
        """The variables as PuLP's own `LpVariable`s (for reading and changing the model)."""
        return [pulp.LpVariable(var) for var in self.handles]


class LeanHiGHS(pulp.HiGHS):
    """PuLP's in-process HiGHS, handing the model over and back with less Python per entry.

    The same model, columns in the same order (`exported_variables`), the same bounds,
    objective and rows as `pulp.HiGHS.buildSolverModel`; it reads the Rust-backed model
    directly instead of wrapping every variable of every row in an `LpVariable`. Only the
    variable values come back: this package reads no duals, reduced costs or slacks."""

    column_ids: Sequence[int] | None = None  # the PuLP id of each HiGHS column, last built

    def buildSolverModel(self, lp: pulp.LpProblem) -> None:  # noqa: N802 (PuLP's name)
        highspy = pulp_highs.highspy_mod
        inf = highspy.kHighsInf
        model = lp.toRustModel()
        recorded = _recorded(lp, model)
        if recorded is not None:  # every variable is used: the columns are all, in id order
            ids: Sequence[int] = range(model.num_variables)
            columns = model.list_variables()
        else:
            used = model.used_variable_ids()
            ids, columns = used, model.list_variables_by_ids(used)
        self.column_ids = ids
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
        solver = _highs_model(lp)
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

    def _add_rows(self, lp: pulp.LpProblem, model: Model, ids: Sequence[int]) -> None:
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
        _highs_model(lp).addRows(
            len(rows),
            row_lower,
            row_upper,
            len(indices),
            np.array(starts, dtype=np.int32),
            np.array(indices, dtype=np.int32),
            np.array(coefficients, dtype=np.float64),
        )

    def findSolutionValues(  # noqa: N802 (PuLP's name)
        self, lp: pulp.LpProblem
    ) -> tuple[pulp.LpSolveStatus, bool]:
        highspy = pulp_highs.highspy_mod
        solver = _highs_model(lp)
        status = solver.getModelStatus()
        model = lp.toRustModel()
        values = solver.getSolution().col_value
        ids = self.column_ids
        if ids is None or len(ids) != len(values):
            ids = model.used_variable_ids()
        model.set_variable_values(list(zip(ids, values, strict=True)))
        if isinstance(lp, MatrixProblem) and isinstance(ids, range) and ids.start == 0:
            lp.column_values = np.asarray(values, dtype=np.float64)  # by id, for values_of
        if status == highspy.HighsModelStatus.kOptimal:
            return pulp.LpSolveStatus.Optimal, True
        # Anything else is an error for this package; let PuLP's reading name it.
        return super().findSolutionValues(lp)


def _highs_model(lp: pulp.LpProblem) -> Any:
    """The `highspy.Highs` PuLP made for `lp` in `createAndConfigureSolver`."""
    if lp.solverModel is None:
        raise pulp.PulpSolverError(f"HiGHS: no solver model was made for {lp.name}")
    return lp.solverModel


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


def _recorded(lp: pulp.LpProblem, model: Model) -> _Recorded | None:
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


def silence_highs_banner() -> None:
    """HiGHS prints a banner on stdout when the first model is made; make that first model
    here, with stdout shut, so stdout stays clean for JSON."""
    # PuLP loads highspy's library first (see pulp/__init__.py), and its module is the one
    # PuLP's HiGHS uses.
    highspy = pulp_highs.highspy_mod
    if highspy is None:
        return
    sys.stdout.flush()
    saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)

"""`allocation/highs_handover.py` relies on PuLP's internals; these tests fail, naming what
changed, when a PuLP (or highspy) upgrade takes away or changes anything it relies on, and
check that the hand-over still solves a small LP and MIP to the answer of PuLP's public
`pulp.HiGHS`.

When one fails after an upgrade: change `highs_handover.py` (or pin the old PuLP) until it
passes; do not loosen these checks. Every other module of `allocation` uses PuLP's public
API only (the last test holds them to it)."""

from __future__ import annotations

import importlib
import inspect
import math
import re
from importlib import metadata
from pathlib import Path
from typing import Any

import pulp
import pytest

from allocation import highs_handover
from allocation.highs_handover import LeanHiGHS, MatrixProblem, RowSense

PACKAGE = Path(highs_handover.__file__).parent
HANDOVER = "allocation/highs_handover.py"
VERSIONS = f"PuLP {metadata.version('PuLP')} (highspy {metadata.version('highspy')})"


def lost(what: str) -> str:
    return f"{VERSIONS} no longer has {what}: {HANDOVER} relies on it"


def changed(what: str, how: str) -> str:
    return f"{VERSIONS} changed {what} ({how}): {HANDOVER} relies on it"


def resolve(dotted: str) -> Any:
    """The object `dotted` names (module, then attributes), failing with `lost(...)`."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for at, name in enumerate(parts[cut:], start=cut):
            if not hasattr(found, name):
                pytest.fail(lost(".".join(parts[: at + 1])))
            found = getattr(found, name)
        return found
    pytest.fail(lost(dotted))


# Every name the hand-over uses from PuLP's internals, with the parameters it passes
# (None: an attribute, a property or a class, not called with arguments of its own).
PULP_INTERNALS: list[tuple[str, tuple[str, ...] | None]] = [
    ("pulp._rustcore.AffineExpr", None),
    ("pulp._rustcore.AffineExpr.add_term_ids_coeffs", ("model", "ids", "coeffs")),
    ("pulp._rustcore.AffineExpr.set_constant", ("constant",)),
    ("pulp._rustcore.AffineExpr.set_sense", ("sense",)),
    ("pulp._rustcore.AffineExpr.set_name", ("name",)),
    ("pulp._rustcore.AffineExpr.num_terms", ()),
    ("pulp._rustcore.AffineExpr.items", ()),
    ("pulp._rustcore.AffineExpr.constant", None),
    ("pulp._rustcore.Category.Continuous", None),
    ("pulp._rustcore.Category.Integer", None),
    ("pulp._rustcore.Sense.LessEqual", None),
    ("pulp._rustcore.Sense.GreaterEqual", None),
    ("pulp._rustcore.Sense.Equal", None),
    ("pulp._rustcore.Model.add_variables_batch", ("names", "lb", "ub", "category")),
    ("pulp._rustcore.Model.add_constraint", ("expr",)),
    ("pulp._rustcore.Model.num_variables", None),
    ("pulp._rustcore.Model.num_constraints", None),
    ("pulp._rustcore.Model.list_variables", ()),
    ("pulp._rustcore.Model.list_variables_by_ids", ("ids",)),
    ("pulp._rustcore.Model.used_variable_ids", ()),
    ("pulp._rustcore.Model.get_objective", ()),
    ("pulp._rustcore.Model.list_constraints", ()),
    ("pulp._rustcore.Model.set_variable_values", ("values",)),
    ("pulp._rustcore.Variable.id", ()),
    ("pulp._rustcore.Variable.set_ub", ("ub",)),
    ("pulp._rustcore.Variable.set_category", ("category",)),
    ("pulp._rustcore.Variable.value", None),
    ("pulp._rustcore.Variable.lb", None),
    ("pulp._rustcore.Variable.ub", None),
    ("pulp._rustcore.Variable.category", None),
    ("pulp._rustcore.Constraint.items", ()),
    ("pulp._rustcore.Constraint.rhs", None),
    ("pulp._rustcore.Constraint.sense", None),
    ("pulp.LpProblem.toRustModel", ()),
    ("pulp.LpProblem.setObjective", ("obj",)),
    ("pulp.LpProblem.solve", ("solver", "kwargs")),
    ("pulp.LpProblem.__init__", ("name", "sense")),
    ("pulp.LpVariable.__init__", ("_var",)),
    ("pulp.LpAffineExpression.__init__", ("_expr",)),
    ("pulp.apis.highs.highspy_mod", None),
    ("pulp.HiGHS.createAndConfigureSolver", ("lp",)),
    ("pulp.HiGHS.buildSolverModel", ("lp",)),
    ("pulp.HiGHS.callSolver", ("lp",)),
    ("pulp.HiGHS.findSolutionValues", ("lp",)),
    ("pulp.HiGHS.actualSolve", ("lp", "kwargs")),
    ("pulp.LpSolveStatus.Optimal", None),
    ("pulp.PulpError", None),
    ("pulp.PulpSolverError", None),
]

# What the hand-over calls on PuLP's highspy module (`pulp.apis.highs.highspy_mod`).
HIGHSPY_NAMES = [
    "kHighsInf",
    "Highs",
    "Highs.addCols",
    "Highs.addRows",
    "Highs.changeColsIntegrality",
    "Highs.changeObjectiveSense",
    "Highs.changeObjectiveOffset",
    "Highs.getModelStatus",
    "Highs.getSolution",
    "HighsVarType.kInteger",
    "ObjSense.kMaximize",
    "HighsModelStatus.kOptimal",
]


def parameter_names(function: Any) -> tuple[str, ...] | None:
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return None  # a builtin without a text signature: its presence is all we can check
    return tuple(p for p in parameters if p != "self")


@pytest.mark.parametrize(("dotted", "parameters"), PULP_INTERNALS, ids=lambda v: str(v))
def test_pulp_still_has_what_the_handover_uses(
    dotted: str, parameters: tuple[str, ...] | None
) -> None:
    found = resolve(dotted)
    if parameters is None:
        return
    now = parameter_names(found)
    if now is not None:
        assert now == parameters, changed(dotted, f"parameters {now}, expected {parameters}")


@pytest.mark.parametrize("name", HIGHSPY_NAMES)
def test_pulps_highspy_still_has_what_the_handover_uses(name: str) -> None:
    highspy = pulp.apis.highs.highspy_mod
    assert highspy is not None, lost("highspy (pulp.apis.highs.highspy_mod is None)")
    found: Any = highspy
    for part in name.split("."):
        assert hasattr(found, part), lost(f"highspy.{name}")
        found = getattr(found, part)


def test_the_objective_is_still_a_property_with_a_setter() -> None:
    objective = vars(pulp.LpProblem).get("objective")
    assert isinstance(objective, property) and objective.fset is not None, changed(
        "pulp.LpProblem.objective", "no longer a property with a setter"
    )
    prob = MatrixProblem("p", pulp.LpMinimize)
    columns = prob.add_columns("x", [0])
    prob.set_objective_terms(columns.ids, [2.0])
    assert prob.objective_ids is not None
    prob.setObjective(3 * columns.lp_variables()[0])
    assert prob.objective_ids is None, changed(
        "pulp.LpProblem.setObjective", "it no longer sets the objective property"
    )


def test_the_highs_solver_still_builds_solves_and_reads_in_that_order() -> None:
    calls: list[str] = []

    class Watched(pulp.HiGHS):
        def createAndConfigureSolver(self, lp: pulp.LpProblem) -> None:  # noqa: N802
            calls.append("create")
            super().createAndConfigureSolver(lp)

        def buildSolverModel(self, lp: pulp.LpProblem) -> None:  # noqa: N802
            calls.append("build")
            super().buildSolverModel(lp)

        def callSolver(self, lp: pulp.LpProblem) -> None:  # noqa: N802
            calls.append("call")
            super().callSolver(lp)

        def findSolutionValues(self, lp: pulp.LpProblem) -> Any:  # noqa: N802
            calls.append("find")
            found = super().findSolutionValues(lp)
            assert isinstance(found, tuple) and len(found) == 2, changed(
                "pulp.HiGHS.findSolutionValues", f"returns {found!r}, not (status, has_solution)"
            )
            return found

    prob = pulp.LpProblem("order", pulp.LpMinimize)
    x = prob.add_variable("x", lowBound=1)
    prob += x
    prob.solve(Watched(msg=False))
    assert calls == ["create", "build", "call", "find"], changed(
        "pulp.HiGHS.actualSolve", f"calls {calls}"
    )
    assert LeanHiGHS(msg=False, presolve="off").optionsDict.get("presolve") == "off", changed(
        "pulp.HiGHS.__init__", "extra keyword options no longer reach HiGHS's options"
    )


def test_batched_variables_are_numbered_in_order_from_zero() -> None:
    prob = MatrixProblem("ids", pulp.LpMinimize)
    first = prob.add_columns("a", range(3))
    second = prob.add_columns("b", range(2))
    model = prob.toRustModel()
    assert (list(first.ids), list(second.ids)) == ([0, 1, 2], [3, 4]), changed(
        "pulp._rustcore.Model.add_variables_batch", "ids no longer run on from 0"
    )
    assert [v.id() for v in model.list_variables()] == list(range(5)), changed(
        "pulp._rustcore.Model.list_variables", "not in id order"
    )


def test_a_row_built_from_id_vectors_is_the_row_meant() -> None:
    prob = MatrixProblem("row", pulp.LpMinimize)
    columns = prob.add_columns("x", range(3))
    prob.add_row(columns.ids, "<=", 7.0, "cap", [1.0, 2.0, 3.0])
    prob.add_row(columns.ids[:2], ">=", 1.0, "low")
    rows = prob.toRustModel().list_constraints()
    found = [([(v.id(), c) for v, c in r.items()], r.rhs, r.sense) for r in rows]
    sense = pulp._rustcore.Sense
    assert found == [
        ([(0, 1.0), (1, 2.0), (2, 3.0)], 7.0, sense.LessEqual),
        ([(0, 1.0), (1, 1.0)], 1.0, sense.GreaterEqual),
    ], changed("pulp._rustcore.AffineExpr.add_term_ids_coeffs", f"rows read back as {found}")
    names = [r.name for r in rows]
    assert names == ["cap", "low"], changed("pulp._rustcore.AffineExpr.set_name", f"{names}")


def small_model(integer: bool, recorded: bool) -> tuple[pulp.LpProblem, list[pulp.LpVariable]]:
    """max 3x + 2y + 4z  s.t.  x + y + 2z <= 7.5,  x + 3y >= 2,  y - z == 0.5,
    0 <= x <= 3, y, z >= 0 (whole numbers when `integer`), built through the hand-over's
    recording problem or through PuLP's public API only."""
    coefficients = [3.0, 2.0, 4.0]
    rows: list[tuple[list[float], RowSense, float]] = [
        ([1.0, 1.0, 2.0], "<=", 7.5),
        ([1.0, 3.0, 0.0], ">=", 2.0),
        ([0.0, 1.0, -1.0], "==", 0.5 if not integer else 0.0),
    ]
    if recorded:
        prob = MatrixProblem("small", pulp.LpMaximize)
        columns = prob.add_columns("v", range(3))
        columns.set_upper([3.0, math.inf, math.inf])
        if integer:
            columns.make_integer()
        prob.set_objective_terms(columns.ids, coefficients)
        for n, (row, sense, rhs) in enumerate(rows):
            terms = [i for i, c in zip(columns.ids, row, strict=True) if c]
            prob.add_row(terms, sense, rhs, f"r{n}", [c for c in row if c])
        return prob, columns.lp_variables()
    plain = pulp.LpProblem("small", pulp.LpMaximize)
    category = pulp.LpInteger if integer else pulp.LpContinuous
    variables = [
        plain.add_variable(f"v_{n}", lowBound=0, upBound=3.0 if n == 0 else None, cat=category)
        for n in range(3)
    ]
    plain += pulp.lpSum(c * v for c, v in zip(coefficients, variables, strict=True))
    for n, (row, sense, rhs) in enumerate(rows):
        expr = pulp.lpSum(c * v for c, v in zip(row, variables, strict=True) if c)
        plain += {"<=": expr <= rhs, ">=": expr >= rhs, "==": expr == rhs}[sense], f"r{n}"
    return plain, variables


@pytest.mark.parametrize("integer", [False, True], ids=["LP", "MIP"])
@pytest.mark.parametrize("recorded", [True, False], ids=["recorded", "read back"])
def test_the_handover_solves_as_pulps_public_highs(integer: bool, recorded: bool) -> None:
    public, public_vars = small_model(integer, recorded=False)
    stats = public.solve(pulp.HiGHS(msg=False))
    assert stats.status == pulp.LpSolveStatus.Optimal
    expected = [v.varValue for v in public_vars]
    prob, variables = small_model(integer, recorded)
    assert (highs_handover._recorded(prob, prob.toRustModel()) is not None) == recorded
    stats = prob.solve(LeanHiGHS(msg=False, mip=True, presolve="off"))
    assert stats.status == pulp.LpSolveStatus.Optimal, changed(
        "the HiGHS hand-over", f"status {stats.status.name}"
    )
    got = [v.varValue for v in variables]
    assert got == pytest.approx(expected, abs=1e-7), changed(
        "the HiGHS hand-over", f"values {got}, PuLP's HiGHS gives {expected}"
    )
    assert pulp.value(prob.objective) == pytest.approx(pulp.value(public.objective), abs=1e-7)
    if isinstance(prob, MatrixProblem):  # the values straight from HiGHS's columns
        assert prob.column_values is not None
        assert prob.column_values.tolist() == pytest.approx(expected, abs=1e-7)


def test_only_the_handover_touches_pulps_internals() -> None:
    internal = re.compile(r"_rustcore|toRustModel|pulp\.apis|solverModel|highspy_mod|\._var\b")
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name == "highs_handover.py":
            continue
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            assert not internal.search(text), (
                f"allocation/{path.name}:{number} uses PuLP's internals ({text.strip()}); "
                f"keep them in {HANDOVER}"
            )

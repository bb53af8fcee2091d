"""Build the PuLP models for one item: named constraints, sparse data, no solving, no I/O.

Two models serve every stage of the rules:
- a fill model shares material out by fairness bands: each recipient's need is cut into
  bands (up to the water level, a little above, ...) and lower bands weigh more, so the LP
  raises whoever has the fewest days first; priority classes are higher tiers of bands;
- a transport model rounds the filled quantities to whole lots (each recipient gets the
  lots below or above its fair share) and ships them over the shortest routes.

Both are built into a `MatrixProblem`: a PuLP problem that also keeps its objective and rows,
as they are added, in the arrays HiGHS takes, so the in-process hand-over (`LeanHiGHS`) need
not read the model back term by term.
"""

from __future__ import annotations

import math
from array import array
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pulp
from pulp._rustcore import AffineExpr, Category, Sense, Variable

from .network import Arc

Band = tuple[float, float]  # units, weight


class MatrixProblem(pulp.LpProblem):
    """A PuLP problem that records, as this module builds it, its objective and its rows
    (variable ids, coefficients, lower and upper bounds) in flat arrays.

    The PuLP model stays the model: any solver can take it, and LeanHiGHS uses the record
    only while it matches the model: as many rows, an objective set by `_objective`, and
    every variable used. Setting another objective or adding a row drops back to reading
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

    @property
    def objective(self) -> pulp.LpAffineExpression | None:
        return pulp.LpProblem.objective.fget(self)

    @objective.setter
    def objective(self, value: Any) -> None:
        pulp.LpProblem.objective.fset(self, value)
        self.objective_ids = None  # not recorded (unless `_objective` set it)

    def solve(self, solver: pulp.LpSolver | None = None, **kwargs: Any) -> Any:
        self.column_values: np.ndarray | None = None  # LeanHiGHS sets it; others do not
        return super().solve(solver, **kwargs)

    def values_of(self, first: int, variables: Sequence[Variable]) -> np.ndarray:
        """The solved values of `variables`, whose PuLP ids run on from `first`: straight
        from HiGHS's column values where the hand-over left them (the columns were every
        variable, in id order), else read variable by variable."""
        values = getattr(self, "column_values", None)
        if values is not None and len(values) == self.toRustModel().num_variables:
            return values[first : first + len(variables)]
        return np.fromiter((var.value or 0.0 for var in variables), np.float64, len(variables))

    def numVariables(self) -> int:  # noqa: N802 (PuLP's name)
        """As PuLP's, without wrapping every variable to count them."""
        return self.toRustModel().num_variables

    def numConstraints(self) -> int:  # noqa: N802 (PuLP's name)
        return self.toRustModel().num_constraints


@dataclass(frozen=True)
class FillData:
    """Suppliers with capacities, arcs to recipients, and each recipient's weighted bands."""

    name: str
    supplier_caps: Mapping[str, float]
    total_cap: float | None
    arcs: Sequence[Arc]
    bands: Mapping[str, Sequence[Band]]


@dataclass(frozen=True)
class FillModel:
    problem: MatrixProblem
    pairs: Sequence[tuple[str, str]]  # (supplier, recipient) of each ship variable
    ship_vars: Sequence[Variable]
    first: int = 0  # the PuLP id of the first ship variable (they run on)

    def ship_values(self) -> list[float]:
        """The units on each pair after solving."""
        return self.problem.values_of(self.first, self.ship_vars).tolist()

    @property
    def ship(self) -> dict[tuple[str, str], pulp.LpVariable]:
        return {
            pair: pulp.LpVariable(var) for pair, var in zip(self.pairs, self.ship_vars, strict=True)
        }


def build_fill(data: FillData) -> FillModel:
    """Maximise the weighted bands filled, within supplier caps and over existing arcs."""
    prob = MatrixProblem(_safe(f"fill_{data.name}"), pulp.LpMaximize)
    pairs = [(s, r) for s, r, _ in data.arcs if r in data.bands]
    ship, first_ship = _variables(prob, "ship", range(len(pairs)))
    sizes: list[float] = []
    weights: list[float] = []
    counts: list[int] = []
    for bands in data.bands.values():
        counts.append(len(bands))
        for size, weight in bands:
            sizes.append(size)
            weights.append(weight)
    band, first_band = _variables(prob, "band", range(len(sizes)))
    for var, size in zip(band, sizes, strict=True):
        var.set_ub(size)
    _objective(prob, range(first_band, first_band + len(band)), weights)
    by_supplier: dict[str, list[int]] = defaultdict(list)
    by_recipient: dict[str, list[int]] = defaultdict(list)
    for vid, (s, r) in enumerate(pairs, start=first_ship):
        by_supplier[s].append(vid)
        by_recipient[r].append(vid)
    for n, (s, terms) in enumerate(by_supplier.items()):
        _add(prob, terms, "<=", data.supplier_caps[s], f"supply_limit_{n}")
    if data.total_cap is not None and pairs:
        _add(
            prob,
            [v for terms in by_supplier.values() for v in terms],
            "<=",
            data.total_cap,
            "national_reserve",
        )
    bands_of: dict[str, range] = {}
    at = first_band
    for r, count in zip(data.bands, counts, strict=True):
        bands_of[r] = range(at, at + count)
        at += count
    for n, (r, received) in enumerate(by_recipient.items()):
        mine = bands_of[r]
        _add(
            prob,
            received + list(mine),
            "==",
            0.0,
            f"fill_{n}",
            [1.0] * len(received) + [-1.0] * len(mine),
        )
    return FillModel(prob, pairs, ship, first_ship)


@dataclass(frozen=True)
class TransportData:
    """Whole-lot bounds per recipient and kind, supplier caps in lots, arcs with km."""

    name: str
    lot: int
    supplier_caps: Mapping[str, int]  # lots; keys are ("kind", code) joined by ":"
    national_cap: int | None  # lots across all sources
    arcs: Sequence[tuple[str, str, float, str]]  # supplier key, recipient, km, kind
    bounds: Mapping[tuple[str, str], tuple[int, int]]  # (recipient, kind) -> lots
    recipient_caps: Mapping[str, int]  # lots across both kinds


@dataclass(frozen=True)
class TransportModel:
    problem: MatrixProblem
    live: Sequence[int]  # index into data.arcs of each lots variable
    lot_vars: Sequence[Variable]
    first: int = 0  # the PuLP id of the first lots variable (they run on)

    @property
    def lots(self) -> dict[int, pulp.LpVariable]:
        return {i: pulp.LpVariable(var) for i, var in zip(self.live, self.lot_vars, strict=True)}

    def values(self) -> dict[int, float]:
        """The lots on each arc (by index into data.arcs) after solving."""
        return dict(zip(self.live, self.value_array().tolist(), strict=True))

    def value_array(self) -> np.ndarray:
        """The lots of each variable, in the order of `live`, after solving."""
        return self.problem.values_of(self.first, self.lot_vars)

    def make_integer(self) -> None:
        for var in self.lot_vars:
            var.set_category(Category.Integer)


def build_transport(data: TransportData) -> TransportModel:
    """Ship as many whole lots as the bounds allow, then over the fewest unit-km."""
    prob = MatrixProblem(_safe(f"transport_{data.name}"), pulp.LpMinimize)
    bounds = data.bounds
    arcs = data.arcs
    base = prob.toRustModel().num_variables  # the id the first variable will get
    live: list[int] = []
    kms: list[float] = []
    by_supplier: dict[str, list[int]] = defaultdict(list)  # PuLP variable ids
    by_kind: dict[tuple[str, str], list[int]] = defaultdict(list)
    national: list[int] = []
    vid = base
    add_live, add_km, add_national = live.append, kms.append, national.append
    for i, (s, r, km, kind) in enumerate(arcs):
        key = (r, kind)
        if bounds[key][1] <= 0:
            continue
        add_live(i)
        add_km(km)
        by_supplier[s].append(vid)
        by_kind[key].append(vid)
        if kind == "distribution":
            add_national(vid)
        vid += 1
    lots, first = _variables(prob, "lots", live)
    if live and first != base:
        raise pulp.PulpError("lots: variable ids do not start where expected")
    ranged = any(low < high for low, high in bounds.values())
    longest = max(kms, default=0.0)
    # One more lot must outweigh any rerouting it causes: a path of at most 2n+1 arcs.
    bonus = ((2 * len(data.supplier_caps) + 1) * longest + 1.0) * data.lot if ranged else 0.0
    lot = data.lot
    _objective(prob, range(first, first + len(live)), [km * lot - bonus for km in kms])
    for n, (s, terms) in enumerate(by_supplier.items()):
        _add(prob, terms, "<=", data.supplier_caps[s], f"supply_limit_{n}")
    if data.national_cap is not None and national:
        _add(prob, national, "<=", data.national_cap, "national_reserve")
    for n, ((r, kind), terms) in enumerate(by_kind.items()):
        low, high = bounds[r, kind]
        if low == high:
            _add(prob, terms, "==", low, f"{kind}_{n}")
            continue
        if low > 0:
            _add(prob, terms, ">=", low, f"{kind}_low_{n}")
        _add(prob, terms, "<=", high, f"{kind}_high_{n}")
    for n, r in enumerate({r for r, _ in by_kind}):
        both = [by_kind.get((r, k), []) for k in ("distribution", "redistribution")]
        if (
            all(both)
            and sum(bounds[r, k][1] for k in ("distribution", "redistribution"))
            > data.recipient_caps[r]
        ):
            _add(prob, both[0] + both[1], "<=", data.recipient_caps[r], f"request_limit_{n}")
    return TransportModel(prob, live, lots, first)


def _variables(prob: pulp.LpProblem, name: str, keys: Sequence[int]) -> tuple[list[Variable], int]:
    """Continuous variables `name_<key>` >= 0, one per key (as `add_variable_dict`, without
    the Python wrappers), and the PuLP id of the first: the ids run on from it."""
    model = prob.toRustModel()
    variables = model.add_variables_batch(
        [f"{name}_{k}" for k in keys], 0.0, math.inf, Category.Continuous
    )
    if not variables:
        return variables, 0
    first = variables[0].id()
    if variables[-1].id() != first + len(variables) - 1:  # PuLP numbers them in order
        raise pulp.PulpError(f"{name}: variable ids do not run on")
    return variables, first


def _objective(prob: MatrixProblem, terms: Sequence[int], coefficients: list[float]) -> None:
    """Set the objective `sum(coefficient * variable)` over the variables whose PuLP ids are
    `terms`, as one vector each (as `setObjective(LpAffineExpression.from_list(...))`)."""
    ids, values = array("Q", terms), array("d", coefficients)
    if len(values) and not np.isfinite(np.frombuffer(values, dtype=np.float64)).all():
        raise pulp.PulpError("objective: coefficients must be finite")
    expr = AffineExpr()
    expr.add_term_ids_coeffs(prob.toRustModel(), ids, values)
    prob.setObjective(pulp.LpAffineExpression(expr))
    prob.objective_ids, prob.objective_coefficients = ids, values


_ONE = array("d", [1.0])
_SENSES = {"<=": Sense.LessEqual, ">=": Sense.GreaterEqual, "==": Sense.Equal}


def _add(
    prob: MatrixProblem,
    terms: Sequence[int],
    sense: str,
    rhs: float,
    name: str,
    coefficients: list[float] | None = None,
) -> None:
    """Add the row `sum(coefficient * variable) <sense> rhs` over the variables whose
    PuLP ids are `terms` (coefficients 1 unless given), and record it.

    The same constraint as `prob.addConstraint(LpAffineExpression.from_list(...) <= rhs,
    name)`, handed to PuLP's Rust model as one vector of variable ids and one of
    coefficients instead of term by term (every coefficient here is finite and nonzero, and
    no variable appears twice in a row, by construction; `addConstraint` would check term by
    term)."""
    if not math.isfinite(rhs):
        raise pulp.PulpError(f"{name}: right-hand side {rhs} is not finite")
    rhs = float(rhs)
    model = prob.toRustModel()
    ids = array("Q", terms)
    values = array("d", coefficients) if coefficients is not None else _ONE * len(ids)
    expr = AffineExpr()
    expr.add_term_ids_coeffs(model, ids, values)
    expr.set_constant(-rhs)
    expr.set_sense(_SENSES[sense])
    expr.set_name(name)
    model.add_constraint(expr)
    prob.row_starts.append(len(prob.row_ids))
    prob.row_ids.extend(ids)
    prob.row_coefficients.extend(values)
    prob.row_lower.append(-math.inf if sense == "<=" else rhs)
    prob.row_upper.append(math.inf if sense == ">=" else rhs)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "_" else "_" for c in name)

"""Build the PuLP models for one item: named constraints, sparse data, no solving, no I/O.

Two models serve every stage of the rules:
- a fill model shares material out by fairness bands: each recipient's need is cut into
  bands (up to the water level, a little above, ...) and lower bands weigh more, so the LP
  raises whoever has the fewest days first; priority classes are higher tiers of bands;
- a transport model rounds the filled quantities to whole lots (each recipient gets the
  lots below or above its fair share) and ships them over the shortest routes.
"""

from __future__ import annotations

import math
from array import array
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulp
from pulp._rustcore import AffineExpr, Sense

from .network import Arc

Band = tuple[float, float]  # units, weight


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
    problem: pulp.LpProblem
    ship: Mapping[tuple[str, str], pulp.LpVariable]


def build_fill(data: FillData) -> FillModel:
    """Maximise the weighted bands filled, within supplier caps and over existing arcs."""
    prob = pulp.LpProblem(_safe(f"fill_{data.name}"), pulp.LpMaximize)
    pairs = [(s, r) for s, r, _ in data.arcs if r in data.bands]
    ship = dict(zip(pairs, prob.add_variable_dict("ship", range(len(pairs)), lowBound=0)
                    .values(), strict=True))
    band_keys = [(r, j) for r, bands in data.bands.items() for j in range(len(bands))]
    band = dict(zip(band_keys, prob.add_variable_dict("band", range(len(band_keys)), lowBound=0)
                    .values(), strict=True))
    for (r, j), var in band.items():
        var.upBound = data.bands[r][j][0]
    _objective(prob, [var.id for var in band.values()],
               [data.bands[r][j][1] for r, j in band])
    by_supplier, by_recipient = _group(ship)
    for n, (s, terms) in enumerate(by_supplier.items()):
        _add(prob, terms, "<=", data.supplier_caps[s], f"supply_limit_{n}")
    if data.total_cap is not None and ship:
        _add(prob, [v for terms in by_supplier.values() for v in terms], "<=",
             data.total_cap, "national_reserve")
    bands_of: dict[str, list[int]] = defaultdict(list)
    for (r, _), var in band.items():
        bands_of[r].append(var.id)
    for n, (r, received) in enumerate(by_recipient.items()):
        _add(prob, received + bands_of[r], "==", 0.0, f"fill_{n}",
             [1.0] * len(received) + [-1.0] * len(bands_of[r]))
    return FillModel(prob, ship)


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
    problem: pulp.LpProblem
    lots: Mapping[int, pulp.LpVariable]  # index into data.arcs


def build_transport(data: TransportData) -> TransportModel:
    """Ship as many whole lots as the bounds allow, then over the fewest unit-km."""
    prob = pulp.LpProblem(_safe(f"transport_{data.name}"), pulp.LpMinimize)
    live = [i for i, (_, r, _, kind) in enumerate(data.arcs) if data.bounds[r, kind][1] > 0]
    lots = prob.add_variable_dict("lots", live, lowBound=0)
    ranged = any(low < high for low, high in data.bounds.values())
    longest = max((data.arcs[i][2] for i in live), default=0.0)
    # One more lot must outweigh any rerouting it causes: a path of at most 2n+1 arcs.
    bonus = ((2 * len(data.supplier_caps) + 1) * longest + 1.0) * data.lot if ranged else 0.0
    _objective(prob, [var.id for var in lots.values()],
               [data.arcs[i][2] * data.lot - bonus for i in lots])
    by_supplier: dict[str, list[int]] = defaultdict(list)  # PuLP variable ids
    by_kind: dict[tuple[str, str], list[int]] = defaultdict(list)
    national: list[int] = []
    for i, var in lots.items():
        s, r, _, kind = data.arcs[i]
        vid = var.id
        by_supplier[s].append(vid)
        by_kind[r, kind].append(vid)
        if kind == "distribution":
            national.append(vid)
    for n, (s, terms) in enumerate(by_supplier.items()):
        _add(prob, terms, "<=", data.supplier_caps[s], f"supply_limit_{n}")
    if data.national_cap is not None and national:
        _add(prob, national, "<=", data.national_cap, "national_reserve")
    for n, ((r, kind), terms) in enumerate(by_kind.items()):
        low, high = data.bounds[r, kind]
        if low == high:
            _add(prob, terms, "==", low, f"{kind}_{n}")
            continue
        if low > 0:
            _add(prob, terms, ">=", low, f"{kind}_low_{n}")
        _add(prob, terms, "<=", high, f"{kind}_high_{n}")
    for n, r in enumerate({r for r, _ in by_kind}):
        both = [by_kind.get((r, k), []) for k in ("distribution", "redistribution")]
        if all(both) and sum(data.bounds[r, k][1] for k in ("distribution", "redistribution")
                             ) > data.recipient_caps[r]:
            _add(prob, both[0] + both[1], "<=", data.recipient_caps[r], f"request_limit_{n}")
    return TransportModel(prob, lots)


def _group(ship: Mapping[tuple[str, str], pulp.LpVariable]
           ) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """The ids of the ship variables by supplier and by recipient."""
    by_supplier: dict[str, list[int]] = defaultdict(list)
    by_recipient: dict[str, list[int]] = defaultdict(list)
    for (s, r), var in ship.items():
        vid = var.id
        by_supplier[s].append(vid)
        by_recipient[r].append(vid)
    return by_supplier, by_recipient


def _objective(prob: pulp.LpProblem, terms: list[int], coefficients: list[float]) -> None:
    """Set the objective `sum(coefficient * variable)` over the variables whose PuLP ids are
    `terms`, as one vector each (as `setObjective(LpAffineExpression.from_list(...))`)."""
    if not all(math.isfinite(c) for c in coefficients):
        raise pulp.PulpError("objective: coefficients must be finite")
    expr = AffineExpr()
    expr.add_term_ids_coeffs(prob.toRustModel(), array("Q", terms), array("d", coefficients))
    prob.setObjective(pulp.LpAffineExpression(expr))


_SENSES = {"<=": Sense.LessEqual, ">=": Sense.GreaterEqual, "==": Sense.Equal}


def _add(prob: pulp.LpProblem, terms: list[int], sense: str, rhs: float,
         name: str, coefficients: list[float] | None = None) -> None:
    """Add the row `sum(coefficient * variable) <sense> rhs` over the variables whose
    PuLP ids are `terms` (coefficients 1 unless given).

    The same constraint as `prob.addConstraint(LpAffineExpression.from_list(...) <= rhs,
    name)`, handed to PuLP's Rust model as one vector of variable ids and one of
    coefficients instead of term by term (every coefficient here is finite by
    construction, which `addConstraint` would check term by term)."""
    if not math.isfinite(rhs):
        raise pulp.PulpError(f"{name}: right-hand side {rhs} is not finite")
    model = prob.toRustModel()
    expr = AffineExpr()
    expr.add_term_ids_coeffs(model, array("Q", terms),
                             array("d", coefficients) if coefficients is not None
                             else array("d", [1.0]) * len(terms))
    expr.set_constant(-float(rhs))
    expr.set_sense(_SENSES[sense])
    expr.set_name(name)
    model.add_constraint(expr)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "_" else "_" for c in name)

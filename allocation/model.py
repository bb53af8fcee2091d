"""Build the PuLP models for one item: named constraints, sparse data, no solving, no I/O.

Two models serve every stage of the rules:
- a fill model shares material out by fairness bands: each recipient's need is cut into
  bands (up to the water level, a little above, ...) and lower bands weigh more, so the LP
  raises whoever has the fewest days first; priority classes are higher tiers of bands;
- a transport model rounds the filled quantities to whole lots (each recipient gets the
  lots below or above its fair share) and ships them over the shortest routes.

Both are built into a `MatrixProblem` (`highs_handover`): a PuLP problem that also keeps its
objective and rows, as they are added, in the arrays HiGHS takes, so the in-process hand-over
(`LeanHiGHS`) need not read the model back term by term.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pulp

from .highs_handover import Columns, MatrixProblem
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
    problem: MatrixProblem
    pairs: Sequence[tuple[str, str]]  # (supplier, recipient) of each ship variable
    ship_columns: Columns

    def ship_values(self) -> list[float]:
        """The units on each pair after solving."""
        return self.ship_columns.values().tolist()

    @property
    def ship(self) -> dict[tuple[str, str], pulp.LpVariable]:
        return dict(zip(self.pairs, self.ship_columns.lp_variables(), strict=True))


def build_fill(data: FillData) -> FillModel:
    """Maximise the weighted bands filled, within supplier caps and over existing arcs."""
    prob = MatrixProblem(_safe(f"fill_{data.name}"), pulp.LpMaximize)
    pairs = [(s, r) for s, r, _ in data.arcs if r in data.bands]
    ship = prob.add_columns("ship", range(len(pairs)))
    sizes: list[float] = []
    weights: list[float] = []
    counts: list[int] = []
    for bands in data.bands.values():
        counts.append(len(bands))
        for size, weight in bands:
            sizes.append(size)
            weights.append(weight)
    band = prob.add_columns("band", range(len(sizes)))
    band.set_upper(sizes)
    prob.set_objective_terms(band.ids, weights)
    by_supplier: dict[str, list[int]] = defaultdict(list)
    by_recipient: dict[str, list[int]] = defaultdict(list)
    for vid, (s, r) in zip(ship.ids, pairs, strict=True):
        by_supplier[s].append(vid)
        by_recipient[r].append(vid)
    for n, (s, terms) in enumerate(by_supplier.items()):
        prob.add_row(terms, "<=", data.supplier_caps[s], f"supply_limit_{n}")
    if data.total_cap is not None and pairs:
        prob.add_row(
            [v for terms in by_supplier.values() for v in terms],
            "<=",
            data.total_cap,
            "national_reserve",
        )
    bands_of: dict[str, range] = {}
    at = band.first
    for r, count in zip(data.bands, counts, strict=True):
        bands_of[r] = range(at, at + count)
        at += count
    for n, (r, received) in enumerate(by_recipient.items()):
        mine = bands_of[r]
        prob.add_row(
            received + list(mine),
            "==",
            0.0,
            f"fill_{n}",
            [1.0] * len(received) + [-1.0] * len(mine),
        )
    return FillModel(prob, pairs, ship)


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
    lot_columns: Columns

    @property
    def lots(self) -> dict[int, pulp.LpVariable]:
        return dict(zip(self.live, self.lot_columns.lp_variables(), strict=True))

    def values(self) -> dict[int, float]:
        """The lots on each arc (by index into data.arcs) after solving."""
        return dict(zip(self.live, self.value_array().tolist(), strict=True))

    def value_array(self) -> np.ndarray:
        """The lots of each variable, in the order of `live`, after solving."""
        return self.lot_columns.values()

    def make_integer(self) -> None:
        self.lot_columns.make_integer()


def build_transport(data: TransportData) -> TransportModel:
    """Ship as many whole lots as the bounds allow, then over the fewest unit-km."""
    prob = MatrixProblem(_safe(f"transport_{data.name}"), pulp.LpMinimize)
    bounds = data.bounds
    arcs = data.arcs
    base = prob.numVariables()  # the id the first variable will get
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
    lots = prob.add_columns("lots", live)
    if live and lots.first != base:
        raise pulp.PulpError("lots: variable ids do not start where expected")
    ranged = any(low < high for low, high in bounds.values())
    longest = max(kms, default=0.0)
    # One more lot must outweigh any rerouting it causes: a path of at most 2n+1 arcs.
    bonus = ((2 * len(data.supplier_caps) + 1) * longest + 1.0) * data.lot if ranged else 0.0
    lot = data.lot
    prob.set_objective_terms(lots.ids, [km * lot - bonus for km in kms])
    for n, (s, terms) in enumerate(by_supplier.items()):
        prob.add_row(terms, "<=", data.supplier_caps[s], f"supply_limit_{n}")
    if data.national_cap is not None and national:
        prob.add_row(national, "<=", data.national_cap, "national_reserve")
    for n, ((r, kind), terms) in enumerate(by_kind.items()):
        low, high = bounds[r, kind]
        if low == high:
            prob.add_row(terms, "==", low, f"{kind}_{n}")
            continue
        if low > 0:
            prob.add_row(terms, ">=", low, f"{kind}_low_{n}")
        prob.add_row(terms, "<=", high, f"{kind}_high_{n}")
    for n, r in enumerate(dict.fromkeys(r for r, _ in by_kind)):  # in order, not hash order
        both = [by_kind.get((r, k), []) for k in ("distribution", "redistribution")]
        if (
            all(both)
            and sum(bounds[r, k][1] for k in ("distribution", "redistribution"))
            > data.recipient_caps[r]
        ):
            prob.add_row(both[0] + both[1], "<=", data.recipient_caps[r], f"request_limit_{n}")
    return TransportModel(prob, live, lots)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "_" else "_" for c in name)

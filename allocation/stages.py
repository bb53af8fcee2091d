"""The stages of the rules for one item: national fill by fairness bands, surplus from
donors (second resort), then whole lots over the shortest routes."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .levels import Ramp, band_levels, cut_bands, level_for, total_at
from .model import FillData, TransportData, build_fill, build_transport
from .network import Arc, ItemNetwork, nearest_arcs
from .plan import Shipment
from .problem import PRIORITIES, Policy
from .runner import Runner

EPS = 1e-6


@dataclass(frozen=True)
class Group:
    """Recipients served together: one priority class, with or without known daily use."""

    label: str
    ramps: Mapping[str, Ramp]
    by_days: bool = True


@dataclass
class ItemAllocation:
    """What one item's stages decided, in whole units."""

    national: dict[str, int] = field(default_factory=dict)
    surplus: dict[str, int] = field(default_factory=dict)
    given: dict[str, int] = field(default_factory=dict)
    shipments: list[Shipment] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    levels: list[float | None] = field(default_factory=list)  # complete-network water levels
    surplus_levels: list[float | None] = field(default_factory=list)


def allocate_item(net: ItemNetwork, policy: Policy, runner: Runner) -> ItemAllocation:
    """Run every stage of the policy for one item."""
    result = ItemAllocation()
    if not net.requesters:
        return result
    result.groups = needs_groups(net) if policy.name == "needs" else population_groups(net)
    first, result.levels = fill(
        net.item.code,
        result.groups,
        net.source_caps,
        net.available,
        net.arcs,
        runner,
        complete=net.complete,
    )
    second: dict[str, float] = {}
    surplus_arcs: list[Arc] = []
    surplus_complete = True
    if policy.name == "needs" and net.donor_caps:
        groups = surplus_groups(net, first, policy.donor_floor_days)
        recipients = [r for g in groups for r in g.ramps]
        if recipients:
            surplus_arcs = nearest_arcs(
                net.places, net.donor_caps, recipients, policy.redistribution_neighbours
            )
            every = len(net.donor_caps) <= policy.redistribution_neighbours
            second, result.surplus_levels = fill(
                f"{net.item.code}_surplus",
                groups,
                net.donor_caps,
                None,
                surplus_arcs,
                runner,
                complete=every,
            )
            surplus_complete = every
    ship_whole_lots(
        net,
        [("distribution", first, net.complete), ("redistribution", second, surplus_complete)],
        surplus_arcs,
        runner,
        result,
    )
    return result


def needs_groups(net: ItemNetwork) -> list[Group]:
    """Rule 3's order: by class, and within a class known use before unknown use."""
    known: dict[str, dict[str, Ramp]] = {p: {} for p in PRIORITIES}
    unknown: dict[str, dict[str, Ramp]] = {p: {} for p in PRIORITIES}
    caps = net.caps
    for r, ln in net.requesters.items():
        cap = caps[r]
        if cap > 0:
            if ln.daily_use > 0:
                known[ln.priority][r] = Ramp(ln.daily_use, ln.on_hand, cap)
            elif ln.daily_use == 0:
                unknown[ln.priority][r] = Ramp(cap, 0.0, cap)
    groups = []
    for priority in PRIORITIES:
        groups += [
            Group(priority, known[priority]),
            Group(priority, unknown[priority], by_days=False),
        ]
    return [g for g in groups if g.ramps]


def population_groups(net: ItemNetwork) -> list[Group]:
    """The classic key: units per inhabitant, capped at the request."""
    ramps = {
        r: Ramp(float(net.populations.get(r, 0)), 0.0, net.caps[r])
        for r in net.requesters
        if net.caps[r] > 0 and net.populations.get(r, 0) > 0
    }
    return [Group("population", ramps, by_days=False)] if ramps else []


def surplus_groups(net: ItemNetwork, first: Mapping[str, float], floor: float) -> list[Group]:
    """Rule 4: open requests of recipients still below the floor, filled up to the floor."""
    by_class: dict[str, dict[str, Ramp]] = {p: {} for p in PRIORITIES}
    caps = net.caps
    for r, ln in net.requesters.items():
        if ln.daily_use > 0:
            got = first.get(r, 0.0)
            room = min(caps[r], floor * ln.daily_use - ln.on_hand) - got
            if room > EPS:
                by_class[ln.priority][r] = Ramp(ln.daily_use, ln.on_hand + got, room)
    return [Group(p, by_class[p]) for p in PRIORITIES if by_class[p]]


def fill(
    name: str,
    groups: Sequence[Group],
    caps: Mapping[str, float],
    total: float | None,
    arcs: Sequence[Arc],
    runner: Runner,
    *,
    complete: bool,
) -> tuple[dict[str, float], list[float | None]]:
    """Share `total` out over the groups in order, each up to its water level.

    Where every supplier reaches every recipient the water levels are the exact answer and
    no LP is needed; otherwise the fill LP finds it, band by band, over the arcs that exist."""
    levels = water_levels(groups, min(math.inf if total is None else total, sum(caps.values())))
    if complete:
        return {
            r: _filled(ramp, level)
            for group, level in zip(groups, levels, strict=True)
            for r, ramp in group.ramps.items()
            if _filled(ramp, level) > EPS
        }, levels
    bands: dict[str, list[tuple[float, float]]] = defaultdict(list)
    offset = 0
    tiered: list[tuple[str, float, int]] = []
    for group, level in zip(groups, levels, strict=True):
        cuts = band_levels(level)
        for r, ramp in group.ramps.items():
            tiered += [(r, size, offset + tier) for tier, size in cut_bands(ramp, cuts)]
        offset += len(cuts) + 1
    for r, size, tier in tiered:
        bands[r].append((size, float(offset - tier)))
    data = FillData(name, caps, total, arcs, bands)
    model = runner.build(lambda: build_fill(data))
    if not model.pairs:
        return {}, levels
    runner.run(model.problem)
    received: dict[str, float] = defaultdict(float)
    for (_, r), value in zip(model.pairs, model.ship_values(), strict=True):
        received[r] += max(0.0, value or 0.0)
    return dict(received), levels


def water_levels(groups: Sequence[Group], total: float) -> list[float | None]:
    """Each group's water level when `total` is shared out over the groups in order."""
    levels: list[float | None] = []
    for group in groups:
        ramps = list(group.ramps.values())
        level = level_for(ramps, total)
        levels.append(level)
        total -= total_at(ramps, level) if level is not None else sum(r.cap for r in ramps)
    return levels


def _filled(ramp: Ramp, level: float | None) -> float:
    return ramp.cap if level is None else ramp.amount(level)


def whole_lots(
    shares: Mapping[str, float], lot: int, room: dict[str, int], order: Mapping[str, float]
) -> dict[str, tuple[int, int]]:
    """Round shares to whole lots keeping the total (largest remainders first, then the
    fewest days); `room` is the lots each recipient may still take and is used up."""
    lots = {r: min(math.floor(q / lot + EPS), room[r]) for r, q in shares.items()}
    extra = math.floor(sum(shares.values()) / lot + EPS) - sum(lots.values())
    ranked = sorted(shares, key=lambda r: (-(shares[r] / lot - lots[r]), order[r], r))
    for r in ranked:
        if extra <= 0:
            break
        if lots[r] < room[r] and shares[r] / lot - lots[r] > EPS:
            lots[r] += 1
            extra -= 1
    for r, n in lots.items():
        room[r] -= n
    return {r: (n, n) for r, n in lots.items()}


def lot_ranges(
    shares: Mapping[str, float], lot: int, room: dict[str, int]
) -> dict[str, tuple[int, int]]:
    """The whole lots just below and above each share (the transport LP picks); the lots
    below are taken from `room`."""
    ranges = {
        r: (min(math.floor(q / lot + EPS), room[r]), min(math.ceil(q / lot - EPS), room[r]))
        for r, q in shares.items()
    }
    for r, (low, _) in ranges.items():
        room[r] -= low
    return ranges


def ship_whole_lots(
    net: ItemNetwork,
    shares: Sequence[tuple[str, Mapping[str, float], bool]],
    surplus_arcs: Sequence[Arc],
    runner: Runner,
    out: ItemAllocation,
) -> None:
    """Round each recipient to whole lots within one lot of its share; ship the fewest km.

    `shares` holds (kind, units per recipient, whether the kind's network is complete)."""
    lot = net.lot
    room = {r: c // lot for r, c in net.caps.items()}
    order = {r: ln.days if ln.days is not None else math.inf for r, ln in net.requesters.items()}
    bounds: dict[tuple[str, str], tuple[int, int]] = {}
    for kind, share, complete in shares:
        live = {r: q for r, q in share.items() if q > EPS}
        ranges = whole_lots(live, lot, room, order) if complete else lot_ranges(live, lot, room)
        bounds.update({(r, kind): b for r, b in ranges.items() if b[1] > 0})
    keys = {s: f"S:{s}" for s in net.source_caps}
    arcs = [
        (keys[s], r, km, "distribution") for s, r, km in net.arcs if (r, "distribution") in bounds
    ]
    keys = {d: f"O:{d}" for d in net.donor_caps}
    arcs += [
        (keys[d], r, km, "redistribution")
        for d, r, km in surplus_arcs
        if (r, "redistribution") in bounds
    ]
    if not arcs:
        return
    caps = {f"S:{s}": c // lot for s, c in net.source_caps.items()}
    caps.update({f"O:{d}": c // lot for d, c in net.donor_caps.items()})
    national = net.national_cap // lot
    data = TransportData(
        net.item.code,
        lot,
        caps,
        national if national < sum(net.source_caps.values()) // lot else None,
        arcs,
        bounds,
        room_total(net, lot),
    )
    nearest = nearest_transport(data)
    if nearest is not None:  # the transport LP's optimum, known without solving it
        _record(net, data, nearest, out)
        return
    model = runner.build(lambda: build_transport(data))
    runner.run(model.problem)
    values = model.value_array()
    if len(values) and float(np.abs(values - np.rint(values)).max()) > 1e-6:
        model.make_integer()  # not a vertex: let the MIP find whole lots
        runner.run(model.problem)
        values = model.value_array()
    shipped = np.flatnonzero(np.rint(values) > 0)  # the arcs _record keeps, in order
    arc_of = model.live
    _record(
        net,
        data,
        {arc_of[k]: v for k, v in zip(shipped.tolist(), values[shipped].tolist(), strict=True)},
        out,
    )


def nearest_transport(data: TransportData) -> dict[int, float] | None:
    """The transport LP's optimum when every recipient can take its upper bound of lots
    from its nearest supplier of each kind; None when that breaks a cap.

    Dropping the supplier, national and request caps leaves one small problem per
    (recipient, kind): every lot is worth more than its km (the bonus when ranged, or the
    bound is fixed), so it takes its upper bound over its shortest arc. When that answer
    keeps every dropped cap it is feasible for the full LP and so optimal: the same lots
    and the same units x km as solving it (ties between equally near suppliers aside)."""
    best: dict[tuple[str, str], tuple[int, float]] = {}
    bounds = data.bounds
    for i, (_, r, km, kind) in enumerate(data.arcs):
        key = (r, kind)
        if bounds[key][1] <= 0:
            continue
        held = best.get(key)
        if held is None or km < held[1]:
            best[key] = (i, km)
    if any(key not in best for key, (_, high) in bounds.items() if high > 0):
        return None
    load: dict[str, int] = defaultdict(int)
    taken: dict[str, int] = defaultdict(int)
    national = 0
    values: dict[int, float] = {}
    for key, (i, _) in best.items():
        r, kind = key
        lots = bounds[key][1]
        values[i] = float(lots)
        load[data.arcs[i][0]] += lots
        taken[r] += lots
        if kind == "distribution":
            national += lots
    if any(n > data.supplier_caps[s] for s, n in load.items()):
        return None
    if data.national_cap is not None and national > data.national_cap:
        return None
    if any(n > data.recipient_caps[r] for r, n in taken.items()):
        return None
    return dict(sorted(values.items()))


def room_total(net: ItemNetwork, lot: int) -> dict[str, int]:
    return {r: c // lot for r, c in net.caps.items()}


def _record(
    net: ItemNetwork, data: TransportData, values: Mapping[int, float], out: ItemAllocation
) -> None:
    lot, item, arcs = net.lot, net.item.code, data.arcs
    national, surplus, given = out.national, out.surplus, out.given
    shipments = out.shipments
    for i, value in values.items():
        count = int(round(value))
        if count <= 0:
            continue
        supplier, r, km, kind = arcs[i]
        code, units = supplier[2:], count * lot
        if kind == "distribution":
            shipments.append(Shipment(code, r, item, units, km, "distribution"))
            national[r] = national.get(r, 0) + units
        else:
            shipments.append(Shipment(code, r, item, units, km, "redistribution"))
            surplus[r] = surplus.get(r, 0) + units
            given[code] = given.get(code, 0) + units

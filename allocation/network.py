"""Who can ship to whom, and how far: the sparse pairs one item's models are built from."""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .problem import Item, Line, Organisation, Problem

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_KM / 180


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


Arc = tuple[str, str, float]  # supplier code, recipient code, km


@dataclass(frozen=True)
class ItemNetwork:
    """One item's requesters, sources, donors and the arcs between them (lot multiples)."""

    item: Item
    lot: int
    requesters: Mapping[str, Line]
    caps: Mapping[str, int]  # request, rounded down to whole lots
    source_caps: Mapping[str, int]
    national_cap: int  # stock less the reserve, in whole lots
    arcs: Sequence[Arc]
    donor_caps: Mapping[str, int]  # what each eligible donor holds above the floor
    places: Mapping[str, tuple[float, float]]
    populations: Mapping[str, int]
    donor_lines: Mapping[str, Line]
    complete: bool  # every source reaches every requester

    @property
    def available(self) -> int:
        return min(self.national_cap, sum(self.source_caps.values()))


def lot_floor(quantity: float, lot: int) -> int:
    """Quantity rounded down to whole lots (with a little slack for solver noise)."""
    return int(math.floor(quantity / lot + 1e-7)) * lot


def item_network(problem: Problem, item: Item,
                 distances: dict[tuple[str, str], float] | None = None) -> ItemNetwork:
    """Gather one item's data from the problem: only pairs that exist. `distances` caches
    great-circle kilometres between items."""
    lot = item.pack_size if problem.policy.whole_packs else 1
    lines = {o.code: o.lines[item.code] for o in problem.organisations if item.code in o.lines}
    requesters = {code: ln for code, ln in lines.items() if ln.requested > 0}
    caps = {code: lot_floor(ln.requested, lot) for code, ln in requesters.items()}
    source_caps = {s.code: lot_floor(s.stock.get(item.code, 0), lot) for s in problem.sources}
    stock = sum(s.stock.get(item.code, 0) for s in problem.sources)
    national = lot_floor(max(0, stock - problem.reserve.get(item.code, 0)), lot)
    places = {s.code: (s.lat, s.lon) for s in problem.sources}
    places.update({o.code: (o.lat, o.lon) for o in problem.organisations})
    floor = problem.policy.donor_floor_days
    donors = {code: lot_floor(ln.on_hand - floor * ln.daily_use, lot)
              for code, ln in lines.items() if _may_give(ln)} if problem.policy.redistribute else {}
    return ItemNetwork(
        item=item, lot=lot, requesters=requesters, caps=caps, source_caps=source_caps,
        national_cap=national, arcs=_source_arcs(problem, requesters, source_caps, places,
                          {} if distances is None else distances),
        donor_caps={code: cap for code, cap in donors.items() if cap > 0}, places=places,
        populations={o.code: o.population for o in problem.organisations
                     if o.code in requesters},
        donor_lines={code: lines[code] for code in donors},
        complete=problem.routes is None,
    )


def _may_give(line: Line) -> bool:
    # A requester is no donor; without a known daily use the floor cannot be judged.
    return line.may_donate and line.requested == 0 and line.daily_use > 0


def _source_arcs(problem: Problem, requesters: Mapping[str, Line],
                 source_caps: Mapping[str, int],
                 places: Mapping[str, tuple[float, float]],
                 distances: dict[tuple[str, str], float]) -> list[Arc]:
    live = {code for code, cap in source_caps.items() if cap > 0}
    if problem.routes is None:
        pairs: Iterable[tuple[str, str, float | None]] = (
            (s, r, None) for r in requesters for s in live)
    else:
        pairs = ((rt.source, rt.organisation, rt.km) for rt in problem.routes
                 if rt.source in live and rt.organisation in requesters)
    return [(s, r, _km(places, distances, s, r) if km is None else km) for s, r, km in pairs]


def _km(places: Mapping[str, tuple[float, float]], distances: dict[tuple[str, str], float],
        a: str, b: str) -> float:
    km = distances.get((a, b))
    if km is None:
        (lat1, lon1), (lat2, lon2) = places[a], places[b]
        km = distances[a, b] = great_circle_km(lat1, lon1, lat2, lon2)
    return km


def nearest_arcs(places: Mapping[str, tuple[float, float]], donors: Iterable[str],
                 recipients: Iterable[str], k: int) -> list[Arc]:
    """Arcs from each recipient's k nearest donors, found by a sweep over latitude."""
    ordered = sorted(donors, key=lambda d: places[d][0])
    lats = [places[d][0] for d in ordered]
    arcs: list[Arc] = []
    for r in recipients:
        arcs.extend((d, r, km) for d, km in _k_nearest(places, ordered, lats, r, k))
    return arcs


def _k_nearest(places: Mapping[str, tuple[float, float]], ordered: Sequence[str],
               lats: Sequence[float], r: str, k: int) -> list[tuple[str, float]]:
    lat, lon = places[r]
    best: list[tuple[float, str]] = []
    start = bisect.bisect_left(lats, lat)
    low, high = start - 1, start
    while low >= 0 or high < len(ordered):
        gap_low = lat - lats[low] if low >= 0 else math.inf
        gap_high = lats[high] - lat if high < len(ordered) else math.inf
        take_low = gap_low <= gap_high
        gap = gap_low if take_low else gap_high
        if len(best) >= k and gap * KM_PER_DEGREE_LAT > best[-1][0]:
            break
        d = ordered[low] if take_low else ordered[high]
        low, high = (low - 1, high) if take_low else (low, high + 1)
        bisect.insort(best, (great_circle_km(lat, lon, *places[d]), d))
        del best[k:]
    return [(d, km) for km, d in best]


def organisations_by_code(problem: Problem) -> dict[str, Organisation]:
    return {o.code: o for o in problem.organisations}

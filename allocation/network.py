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


def _great_circle_from(
    lat1: float,
    p1: float,
    cos1: float,
    lon1: float,
    lat2: float,
    p2: float,
    cos2: float,
    lon2: float,
) -> float:
    """`great_circle_km(lat1, lon1, lat2, lon2)`, the very same arithmetic, with each
    place's radians and cosine of latitude worked out once (`_Place`)."""
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + cos1 * cos2 * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _place(lat: float, lon: float) -> tuple[float, float, float, float]:
    p = math.radians(lat)
    return lat, p, math.cos(p), lon


Arc = tuple[str, str, float]  # supplier code, recipient code, km


@dataclass(frozen=True)
class ItemNetwork:
    """One item's requesters, sources, donors and the arcs between them (lot multiples)."""

    item: Item
    lot: int
    requesters: Mapping[str, Line]
    caps: Mapping[str, int]  # request, rounded up to whole lots (rule 1)
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


def lot_ceil(quantity: float, lot: int) -> int:
    """Quantity rounded up to whole lots: with whole packs a request counts as so many
    packs (rule 1), so a request below one pack still counts as one pack."""
    return int(math.ceil(quantity / lot - 1e-7)) * lot


class ProblemIndex:
    """What every item of one problem shares, worked out once per solve: the places, and
    the kilometres between pairs of them (each pair computed once, on first use)."""

    def __init__(
        self, problem: Problem, distances: dict[tuple[str, str], float] | None = None
    ) -> None:
        self.problem = problem
        places = {s.code: (s.lat, s.lon) for s in problem.sources}
        places.update({o.code: (o.lat, o.lon) for o in problem.organisations})
        self.places = places
        self.distances = {} if distances is None else distances
        self._from_source: dict[str, dict[str, float]] = {}
        self.lines = [(o.code, o.lines) for o in problem.organisations]
        self.populations = {o.code: o.population for o in problem.organisations}

    def km(self, a: str, b: str) -> float:
        return _km(self.places, self.distances, a, b)

    def from_source(self, source: str) -> dict[str, float]:
        """Great-circle km from a source to every organisation."""
        row = self._from_source.get(source)
        if row is None:
            here = _place(*self.places[source])
            known = self.distances
            row = self._from_source[source] = {}
            for o in self.problem.organisations:
                km = known.get((source, o.code))
                row[o.code] = _great_circle_from(*here, *_place(o.lat, o.lon)) if km is None else km
        return row


def item_network(
    problem: Problem,
    item: Item,
    distances: dict[tuple[str, str], float] | None = None,
    index: ProblemIndex | None = None,
) -> ItemNetwork:
    """Gather one item's data from the problem: only pairs that exist. `distances` (or
    `index`, which holds one) caches great-circle kilometres between items."""
    if index is None:
        index = ProblemIndex(problem, distances)
    lot = item.pack_size if problem.policy.whole_packs else 1
    code = item.code
    lines = {org: held[code] for org, held in index.lines if code in held}
    requesters = {org: ln for org, ln in lines.items() if ln.requested > 0}
    caps = {org: lot_ceil(ln.requested, lot) for org, ln in requesters.items()}
    source_caps = {s.code: lot_floor(s.stock.get(code, 0), lot) for s in problem.sources}
    stock = sum(s.stock.get(code, 0) for s in problem.sources)
    national = lot_floor(max(0, stock - problem.reserve.get(code, 0)), lot)
    floor = problem.policy.donor_floor_days
    donors = (
        {
            org: lot_floor(ln.on_hand - floor * ln.daily_use, lot)
            for org, ln in lines.items()
            if _may_give(ln)
        }
        if problem.policy.redistribute
        else {}
    )
    return ItemNetwork(
        item=item,
        lot=lot,
        requesters=requesters,
        caps=caps,
        source_caps=source_caps,
        national_cap=national,
        arcs=_source_arcs(problem, requesters, source_caps, index),
        donor_caps={org: cap for org, cap in donors.items() if cap > 0},
        places=index.places,
        populations={org: index.populations[org] for org in requesters},
        donor_lines={org: lines[org] for org in donors},
        complete=problem.routes is None,
    )


def _may_give(line: Line) -> bool:
    # A requester is no donor; without a known daily use the floor cannot be judged.
    return line.may_donate and line.requested == 0 and line.daily_use > 0


def _source_arcs(
    problem: Problem,
    requesters: Mapping[str, Line],
    source_caps: Mapping[str, int],
    index: ProblemIndex,
) -> list[Arc]:
    # In the problem's order (a set's order would change with the hash seed, and so would
    # the order of the plan's shipments).
    live = dict.fromkeys(code for code, cap in source_caps.items() if cap > 0)
    if problem.routes is None:
        rows = [(s, index.from_source(s)) for s in live]
        return [(s, r, row[r]) for r in requesters for s, row in rows]
    return [
        (
            rt.source,
            rt.organisation,
            index.km(rt.source, rt.organisation) if rt.km is None else rt.km,
        )
        for rt in problem.routes
        if rt.source in live and rt.organisation in requesters
    ]


def _km(
    places: Mapping[str, tuple[float, float]],
    distances: dict[tuple[str, str], float],
    a: str,
    b: str,
) -> float:
    km = distances.get((a, b))
    if km is None:
        (lat1, lon1), (lat2, lon2) = places[a], places[b]
        km = distances[a, b] = great_circle_km(lat1, lon1, lat2, lon2)
    return km


def nearest_arcs(
    places: Mapping[str, tuple[float, float]],
    donors: Iterable[str],
    recipients: Iterable[str],
    k: int,
) -> list[Arc]:
    """Arcs from each recipient's k nearest donors, found by a sweep over latitude.
    (The pairs seldom repeat between items, so their kilometres are not kept.)"""
    ordered = sorted(donors, key=lambda d: places[d][0])
    lats = [places[d][0] for d in ordered]
    at = [_place(*places[d]) for d in ordered]
    arcs: list[Arc] = []
    for r in recipients:
        arcs.extend((d, r, km) for d, km in _k_nearest(places, ordered, lats, at, r, k))
    return arcs


def _k_nearest(
    places: Mapping[str, tuple[float, float]],
    ordered: Sequence[str],
    lats: Sequence[float],
    at: Sequence[tuple[float, float, float, float]],
    r: str,
    k: int,
) -> list[tuple[str, float]]:
    lat, lon = places[r]
    here = _place(lat, lon)
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
        j = low if take_low else high
        d = ordered[j]
        low, high = (low - 1, high) if take_low else (low, high + 1)
        bisect.insort(best, (_great_circle_from(*here, *at[j]), d))
        del best[k:]
    return [(d, km) for km, d in best]


def organisations_by_code(problem: Problem) -> dict[str, Organisation]:
    return {o.code: o for o in problem.organisations}

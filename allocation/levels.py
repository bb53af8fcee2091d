"""Water-filling on ramps: how much each recipient needs to reach a level, and which level
a given total reaches. Pure arithmetic; the LPs use it to place their fairness bands."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple


class Ramp(NamedTuple):
    """Units a recipient needs to reach `level`: clip(level * rate - base, 0, cap).

    For needs, level is days of supply (rate = daily use, base = on hand); for the population
    key and for lines without known use, level is units per person or the filled share.
    (A named tuple: many are made per item, and a tuple is made fastest.)"""

    rate: float
    base: float
    cap: float

    @property
    def start(self) -> float:
        return self.base / self.rate

    @property
    def end(self) -> float:
        return (self.base + self.cap) / self.rate

    def amount(self, level: float) -> float:
        return min(self.cap, max(0.0, level * self.rate - self.base))


def level_for(ramps: Sequence[Ramp], total: float) -> float | None:
    """The lowest level at which the ramps together take `total` units; None if they
    take less than `total` even when all are full (every request can be filled)."""
    live = [r for r in ramps if r.cap > 0 and r.rate > 0]
    if total >= sum(r.cap for r in live):
        return None
    events = sorted([(r.start, r.rate) for r in live] + [(r.end, -r.rate) for r in live])
    taken, slope, here = 0.0, 0.0, events[0][0] if events else 0.0
    for at, change in events:
        step = slope * (at - here)
        if slope > 0 and taken + step >= total:
            return here + (total - taken) / slope
        taken, here = taken + step, at
        slope += change
    return here


def levels_for(ramps: Sequence[Ramp], totals: Sequence[float]) -> list[float | None]:
    """`level_for(ramps, total)` for each of `totals`, in one pass over the ramps' events:
    the very same arithmetic, so the very same levels, as one call per total."""
    live = [r for r in ramps if r.cap > 0 and r.rate > 0]
    full = sum(r.cap for r in live)
    out: list[float | None] = [None] * len(totals)
    waiting = sorted((t, n) for n, t in enumerate(totals) if not t >= full)
    if not waiting:
        return out
    events = sorted([(r.start, r.rate) for r in live] + [(r.end, -r.rate) for r in live])
    taken, slope, here = 0.0, 0.0, events[0][0] if events else 0.0
    w = 0
    for at, change in events:
        step = slope * (at - here)
        while w < len(waiting) and slope > 0 and taken + step >= waiting[w][0]:
            total, n = waiting[w]
            out[n] = here + (total - taken) / slope
            w += 1
        if w == len(waiting):
            return out
        taken, here = taken + step, at
        slope += change
    for _, n in waiting[w:]:
        out[n] = here
    return out


def total_at(ramps: Sequence[Ramp], level: float) -> float:
    """Units the ramps take to reach `level`."""
    return sum(r.amount(level) for r in ramps)


# Fairness bands are cut at these multiples of the complete-network water level. On a
# network where every supplier reaches every recipient the cut at 1.0 alone makes the LP
# exact; the others keep it fair, to within one band, where routes are missing.
BAND_MULTIPLES: tuple[float, ...] = (
    0.25,
    0.5,
    0.75,
    0.9,
    0.97,
    1.0,
    1.03,
    1.1,
    1.25,
    1.5,
    2.0,
    4.0,
)


def band_levels(level: float | None) -> list[float]:
    """The levels at which to cut each recipient's ramp into fairness bands."""
    if level is None or level <= 0:
        return [] if level is None else [0.0]
    return [level * m for m in BAND_MULTIPLES]


def cut_bands(ramp: Ramp, levels: Sequence[float]) -> list[tuple[int, float]]:
    """Split a ramp into (tier, units) bands; tier counts the cut levels below the band."""
    rate, base, cap = ramp
    start, end = base / rate, (base + cap) / rate  # ramp.start, ramp.end
    cuts: list[float] = []
    below = 0
    for lv in levels:
        if lv <= start:
            below += 1
        elif lv < end:
            cuts.append(lv)
    cuts.append(end)
    bands: list[tuple[int, float]] = []
    previous = 0.0
    for tier, lv in enumerate(cuts, start=below):
        size = min(cap, max(0.0, lv * rate - base)) - previous  # ramp.amount(lv) - previous
        if size > 1e-9:
            bands.append((tier, size))
        previous += size
    return bands

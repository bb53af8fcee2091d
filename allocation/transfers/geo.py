"""Distances and candidate moves.

Patients who are the same to the model (same sending unit, care level, age group and urgency)
form a `Group`; the model moves whole numbers of a group, and cases are handed out afterwards.
An `Arc` is one way a group could go: a receiving unit and a mode that can make the distance.
Only arcs that keep rule 1 are made (another region, the right age group, a free place of the
level, in range, cross-border only when allowed), so only pairs within range are ever variables.
Distances are straight lines (haversine), worked out with numpy per sending unit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .problem import Mode, Patient, TransferProblem, Unit

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance in km between two places."""
    return float(
        _haversine(np.radians(lat1), np.radians(lon1), np.radians([lat2]), np.radians([lon2]))[0]
    )


def _haversine(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    a = np.sin((lats - lat) / 2) ** 2 + np.cos(lat) * np.cos(lats) * np.sin((lons - lon) / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def mode_reach_km(mode: Mode, max_km_road: float) -> float:
    """How far a mode may take a patient: road up to the smaller of its range and the policy's
    `max_km_road`; air modes their range (and none at all without seats today)."""
    if mode.is_air:
        return mode.range_km if (mode.seats or 0) > 0 else -1.0
    return min(mode.range_km, max_km_road)


@dataclass
class Group:
    """Identical transport-stable patients of one sending unit (cases in the file's order)."""

    index: int
    unit: Unit
    level: str
    age_group: str
    urgency: str
    cases: list[str] = field(default_factory=list)
    feasible_units: int = 0  # units that keep rule 1 for this group, before any cap

    @property
    def size(self) -> int:
        return len(self.cases)


@dataclass(frozen=True)
class Arc:
    """A group to a unit by a mode: km in a straight line, hours = km / the mode's speed."""

    group: int
    unit: Unit
    mode: Mode
    km: float
    hours: float


def groups_of(problem: TransferProblem) -> list[Group]:
    """The transport-stable patients, grouped (first seen first)."""
    units = problem.units_by_code
    found: dict[tuple[str, str, str, str], Group] = {}
    for patient in problem.patients:
        if not patient.transport_stable:
            continue
        key = _key(patient)
        group = found.get(key)
        if group is None:
            group = found[key] = Group(
                len(found), units[patient.unit], patient.level, patient.age_group, patient.urgency
            )
        group.cases.append(patient.case)
    return list(found.values())


def _key(patient: Patient) -> tuple[str, str, str, str]:
    return (patient.unit, patient.level, patient.age_group, patient.urgency)


def arcs_of(problem: TransferProblem, groups: Sequence[Group]) -> list[Arc]:
    """Every arc that keeps rule 1, each group's cut to its `policy.neighbours` nearest units
    (widened until they hold free places of the level for the whole group); sets each group's
    `feasible_units`."""
    policy = problem.policy
    units = [
        u for u in problem.units if policy.allow_cross_border or not problem.is_cross_border(u)
    ]
    if not units or not groups:
        return []
    lats = np.radians(np.array([u.lat for u in units]))
    lons = np.radians(np.array([u.lon for u in units]))
    regions = np.array([u.region for u in units], dtype=object)
    codes = np.array([u.code for u in units], dtype=object)
    reaches = [(mode, mode_reach_km(mode, policy.max_km_road)) for mode in problem.modes]
    reaches = [(mode, reach) for mode, reach in reaches if reach >= 0]
    if not reaches:
        for group in groups:
            group.feasible_units = 0
        return []
    longest = max(reach for _, reach in reaches)
    fits: dict[tuple[str, str], np.ndarray] = {}
    distances: dict[str, np.ndarray] = {}
    arcs: list[Arc] = []
    for group in groups:
        sender = group.unit
        km = distances.get(sender.code)
        if km is None:
            km = distances[sender.code] = _haversine(
                float(np.radians(sender.lat)), float(np.radians(sender.lon)), lats, lons
            )
        kind = (group.level, group.age_group)
        fit = fits.get(kind)
        if fit is None:
            fit = fits[kind] = np.array(
                [u.free_of(group.level) > 0 and group.age_group in u.takes for u in units]
            )
        ok = fit & (regions != sender.region) & (codes != sender.code) & (km <= longest)
        chosen = np.flatnonzero(ok)
        group.feasible_units = len(chosen)
        chosen = chosen[np.argsort(km[chosen], kind="stable")]
        chosen = _nearest(
            chosen, [units[j].free_of(group.level) for j in chosen], group, policy.neighbours
        )
        for j in chosen:
            unit, distance = units[j], float(km[j])
            for mode, reach in reaches:
                if distance <= reach:
                    arcs.append(Arc(group.index, unit, mode, distance, distance / mode.speed_kmh))
    return arcs


def _nearest(
    chosen: np.ndarray, free: list[int], group: Group, neighbours: int | None
) -> np.ndarray:
    """The first `neighbours` of `chosen` (nearest first), or more until their free places
    cover the group."""
    if neighbours is None or len(chosen) <= neighbours:
        return chosen
    cover = np.cumsum(free)
    enough = int(np.searchsorted(cover, group.size)) + 1
    return chosen[: max(neighbours, enough)]

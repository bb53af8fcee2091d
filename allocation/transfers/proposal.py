"""The transfer proposal: moves, patients left unplaced, free shares per region, the Nordic
candidates and how the solver did; `to_json` gives the format of `transfer-model.md`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Move:
    """One patient moved: from and to which unit, by which mode, how far and how long.
    `reason` is plain English; `reason_code` and `reason_args` let an app write its own
    sentence (codes: `nearest_free`, `nearer_places_taken`, `nearer_region_too_full`,
    `nearer_by_air_no_seats`, `least_total_time`)."""

    case: str
    from_unit: str
    to_unit: str
    mode: str
    km: float
    hours: float
    reason: str = ""
    reason_code: str = ""
    reason_args: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "from": self.from_unit,
            "to": self.to_unit,
            "mode": self.mode,
            "km": round(self.km, 1),
            "hours": round(self.hours, 2),
            "reason": self.reason,
            "reason_code": self.reason_code,
            "reason_args": self.reason_args,
        }


@dataclass(frozen=True)
class Unplaced:
    """A patient the proposal leaves where it is, and why (codes: `not_transport_stable`,
    `no_place_in_range`, `no_ecmo_place_in_range`, `no_child_place_in_range`,
    `region_would_fall_below_sender`, `region_below_cushion`, `no_air_seats_left`,
    `places_taken`)."""

    case: str
    reason: str
    reason_code: str
    reason_args: dict[str, Any] = field(default_factory=dict)
    nordic_candidate: bool = False
    unit: str = ""
    level: str = ""
    age_group: str = ""
    urgency: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "unit": self.unit,
            "level": self.level,
            "age_group": self.age_group,
            "urgency": self.urgency,
            "reason": self.reason,
            "reason_code": self.reason_code,
            "reason_args": self.reason_args,
            "nordic_candidate": self.nordic_candidate,
        }


@dataclass(frozen=True)
class RegionShares:
    """A region's free share (free / staffed places) before and after the moves."""

    free_share_before: float
    free_share_after: float

    def to_json(self) -> dict[str, float]:
        return {
            "free_share_before": round(self.free_share_before, 4),
            "free_share_after": round(self.free_share_after, 4),
        }


@dataclass(frozen=True)
class NordicCandidate:
    """An unplaced patient to list in a Nordic request: care level, no identity."""

    case: str
    level: str
    age_group: str
    urgency: str

    def to_json(self) -> dict[str, str]:
        return {
            "case": self.case,
            "level": self.level,
            "age_group": self.age_group,
            "urgency": self.urgency,
        }


@dataclass(frozen=True)
class Violation:
    """A move (or the plan, `case` empty) that breaks a rule (1 or 3), in plain English."""

    case: str
    rule: int
    message: str


@dataclass(frozen=True)
class TransferProposal:
    """What the model proposes. `status` is `optimal` (or `empty` when nothing could move);
    `seconds` is the whole proposal, `build_seconds` and `solve_seconds` its parts."""

    status: str
    solver: str
    seconds: float
    build_seconds: float
    solve_seconds: float
    moves: list[Move]
    unplaced: list[Unplaced]
    regions: dict[str, RegionShares]
    nordic_candidates: list[NordicCandidate]
    national_free_share_before: float = 0.0
    national_free_share_after: float = 0.0
    solver_version: str = ""

    def to_json(self) -> dict[str, Any]:
        """The documented proposal format (with a few added fields)."""
        levels: dict[str, int] = {}
        for candidate in self.nordic_candidates:
            levels[candidate.level] = levels.get(candidate.level, 0) + 1
        return {
            "status": self.status,
            "solver": self.solver,
            "solver_version": self.solver_version,
            "seconds": round(self.seconds, 3),
            "build_seconds": round(self.build_seconds, 3),
            "solve_seconds": round(self.solve_seconds, 3),
            "moves": [m.to_json() for m in self.moves],
            "unplaced": [u.to_json() for u in self.unplaced],
            "regions": {code: r.to_json() for code, r in sorted(self.regions.items())},
            "national_free_share_before": round(self.national_free_share_before, 4),
            "national_free_share_after": round(self.national_free_share_after, 4),
            "nordic_candidates": [c.to_json() for c in self.nordic_candidates],
            "nordic_levels": dict(sorted(levels.items())),
        }

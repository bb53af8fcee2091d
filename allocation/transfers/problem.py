"""The transfer problem: units, patients waiting to move, transport modes and the policy, as
frozen data classes read from (and written to) the JSON of `transfer-model.md`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from ..problem import ProblemError as _AllocationProblemError
from .identity import looks_like_personal_number

Level = Literal["invasive", "ecmo", "niv"]
AgeGroup = Literal["adult", "child"]
Urgency = Literal["immediate", "today", "planned"]
SolverName = Literal["highs", "cbc"]
LEVELS: tuple[Level, ...] = ("invasive", "ecmo", "niv")
AGE_GROUPS: tuple[AgeGroup, ...] = ("adult", "child")
URGENCIES: tuple[Urgency, ...] = ("immediate", "today", "planned")
ROAD = "road"
MODES: tuple[str, ...] = (ROAD, "helicopter", "aircraft")
SOLVERS: tuple[SolverName, ...] = ("highs", "cbc")


class ProblemError(_AllocationProblemError):
    """A transfer problem file that cannot be used: `field` names where (`patients[3].case`,
    `units[0].free.ecmo`), `message` says why. The same class of error as the supply model's."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Unit:
    """An intensive-care unit: where it is, its staffed and occupied places (for the free share)
    and its free places per care level now. `country` is left empty for a unit in the
    problem's own country; a unit in another country is cross-border."""

    code: str
    region: str
    lat: float
    lon: float
    staffed: int
    occupied: int
    takes: frozenset[str]
    free: dict[str, int]
    name: str = ""
    country: str = ""

    @property
    def label(self) -> str:
        return self.name or self.code

    def free_of(self, level: str) -> int:
        return self.free.get(level, 0)


@dataclass(frozen=True)
class Patient:
    """A patient waiting to move: a case reference (never a personal identity number), the
    sending unit, the care level needed, adult or child, whether transport-stable, urgency."""

    case: str
    unit: str
    level: Level
    age_group: AgeGroup
    transport_stable: bool
    urgency: Urgency


@dataclass(frozen=True)
class Mode:
    """A transport mode: `road` (no seat limit) or an air mode with `patients_per_trip` x
    `trips` seats today."""

    mode: str
    speed_kmh: float
    range_km: float
    patients_per_trip: int | None = None
    trips: int | None = None

    @property
    def is_air(self) -> bool:
        return self.mode != ROAD

    @property
    def seats(self) -> int | None:
        """Patients this mode can carry today (None: no limit, road)."""
        if not self.is_air:
            return None
        return (self.patients_per_trip or 0) * (self.trips or 0)


@dataclass(frozen=True)
class Policy:
    """The rules' parameters. `neighbours`: each group of identical patients considers at
    most its this many nearest reachable units (widened until they hold enough free places);
    None considers every unit in range."""

    cushion: float = 0.10
    max_km_road: float = 300.0
    allow_cross_border: bool = False
    nordic_signal: float = 0.20
    solver: SolverName = "highs"
    neighbours: int | None = 40


@dataclass(frozen=True)
class TransferProblem:
    """Everything the transfer model needs. `country` is the problem's own country."""

    units: tuple[Unit, ...]
    patients: tuple[Patient, ...]
    modes: tuple[Mode, ...]
    policy: Policy = field(default_factory=Policy)
    country: str = "SE"

    def unit(self, code: str) -> Unit:
        return self.units_by_code[code]

    @property
    def units_by_code(self) -> dict[str, Unit]:
        return {u.code: u for u in self.units}

    def is_cross_border(self, unit: Unit) -> bool:
        return unit.country not in ("", self.country)


def read_problem(data: Any) -> TransferProblem:
    """Read and validate a problem; raise ProblemError naming the first bad field."""
    raise NotImplementedError


def problem_to_json(problem: TransferProblem) -> dict[str, Any]:
    """The JSON form of the problem (`read_problem`'s inverse)."""
    raise NotImplementedError


_ = (math, Mapping, cast, looks_like_personal_number)

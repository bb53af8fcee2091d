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
    top = _mapping(data, "")
    country = _text(top.get("country", "SE"), "country")
    units = tuple(
        _read_unit(raw, f"units[{i}]") for i, raw in enumerate(_list(_get(top, "units"), "units"))
    )
    _unique([u.code for u in units], "units", "code")
    codes = {u.code for u in units}
    raw_patients = _list(_get(top, "patients"), "patients")
    patients = tuple(
        _read_patient(raw, f"patients[{i}]", codes) for i, raw in enumerate(raw_patients)
    )
    _unique([p.case for p in patients], "patients", "case")
    modes = tuple(
        _read_mode(raw, f"modes[{i}]") for i, raw in enumerate(_list(_get(top, "modes"), "modes"))
    )
    _unique([m.mode for m in modes], "modes", "mode")
    policy = _read_policy(top.get("policy", {}), "policy")
    return TransferProblem(units, patients, modes, policy, country)


def problem_to_json(problem: TransferProblem) -> dict[str, Any]:
    """The JSON form of the problem (`read_problem`'s inverse)."""
    policy = problem.policy
    return {
        "country": problem.country,
        "units": [_unit_json(u) for u in problem.units],
        "patients": [
            {
                "case": p.case,
                "unit": p.unit,
                "level": p.level,
                "age_group": p.age_group,
                "transport_stable": p.transport_stable,
                "urgency": p.urgency,
            }
            for p in problem.patients
        ],
        "modes": [_mode_json(m) for m in problem.modes],
        "policy": {
            "cushion": policy.cushion,
            "max_km_road": policy.max_km_road,
            "allow_cross_border": policy.allow_cross_border,
            "nordic_signal": policy.nordic_signal,
            "solver": policy.solver,
            "neighbours": policy.neighbours,
        },
    }


def _unit_json(unit: Unit) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": unit.code,
        "region": unit.region,
        "lat": unit.lat,
        "lon": unit.lon,
        "staffed": unit.staffed,
        "occupied": unit.occupied,
        "takes": sorted(unit.takes),
        "free": dict(unit.free),
    }
    if unit.name:
        out["name"] = unit.name
    if unit.country:
        out["country"] = unit.country
    return out


def _mode_json(mode: Mode) -> dict[str, Any]:
    out: dict[str, Any] = {
        "mode": mode.mode,
        "speed_kmh": mode.speed_kmh,
        "range_km": mode.range_km,
    }
    if mode.is_air:
        out["patients_per_trip"] = mode.patients_per_trip
        out["trips"] = mode.trips
    return out


_MISSING = object()


def _get(obj: Mapping[str, Any], key: str, path: str = "", default: Any = _MISSING) -> Any:
    where = f"{path}.{key}" if path else key
    if key not in obj or obj[key] is None:
        if default is _MISSING:
            raise ProblemError(where, "is missing")
        return default
    return obj[key]


def _mapping(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ProblemError(path, f"must be an object, got {_shown(value)}")
    return value


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise ProblemError(path, f"must be a list, got {_shown(value)}")
    return value


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ProblemError(path, f"must be a non-empty text, got {_shown(value)}")
    return value.strip()


def _number(value: Any, path: str, low: float = 0.0, high: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ProblemError(path, f"must be a number, got {_shown(value)}")
    if not low <= value <= high:
        upper = "" if high == math.inf else f" and <= {high:g}"
        raise ProblemError(path, f"must be >= {low:g}{upper}, got {_shown(value)}")
    return float(value)


def _whole(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise ProblemError(path, f"must be a whole number >= 0, got {_shown(value)}")
    if value < 0:
        raise ProblemError(path, f"must be a whole number >= 0, got {_shown(value)}")
    return int(value)


def _flag(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise ProblemError(path, f"must be true or false, got {_shown(value)}")
    return value


def _choice(value: Any, path: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ProblemError(path, f"must be one of {', '.join(allowed)}, got {_shown(value)}")
    return cast(str, value)


def _unique(values: list[str], path: str, key: str) -> None:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise ProblemError(f"{path}[{index}].{key}", f"duplicate {key} {value!r}")
        seen.add(value)


def _read_unit(raw: Any, path: str) -> Unit:
    obj = _mapping(raw, path)
    takes_raw = _list(_get(obj, "takes", path), f"{path}.takes")
    takes = frozenset(_choice(t, f"{path}.takes[{i}]", AGE_GROUPS) for i, t in enumerate(takes_raw))
    free_raw = _mapping(_get(obj, "free", path), f"{path}.free")
    free: dict[str, int] = {}
    for level, count in free_raw.items():
        _choice(level, f"{path}.free.{level}", LEVELS)
        free[level] = _whole(count, f"{path}.free.{level}")
    return Unit(
        code=_text(_get(obj, "code", path), f"{path}.code"),
        region=_text(_get(obj, "region", path), f"{path}.region"),
        lat=_number(_get(obj, "lat", path), f"{path}.lat", -90, 90),
        lon=_number(_get(obj, "lon", path), f"{path}.lon", -180, 180),
        staffed=_whole(_get(obj, "staffed", path), f"{path}.staffed"),
        occupied=_whole(_get(obj, "occupied", path), f"{path}.occupied"),
        takes=takes,
        free=free,
        name=_optional_text(obj, "name", path),
        country=_optional_text(obj, "country", path),
    )


def _optional_text(obj: Mapping[str, Any], key: str, path: str) -> str:
    value = obj.get(key)
    if value is None or value == "":
        return ""
    return _text(value, f"{path}.{key}")


def _read_patient(raw: Any, path: str, units: set[str]) -> Patient:
    obj = _mapping(raw, path)
    case = _text(_get(obj, "case", path), f"{path}.case")
    if looks_like_personal_number(case):
        raise ProblemError(
            f"{path}.case",
            "looks like a personal identity number; use a case reference, never an identity",
        )
    unit = _text(_get(obj, "unit", path), f"{path}.unit")
    if unit not in units:
        raise ProblemError(f"{path}.unit", f"unknown unit code {unit!r}")
    return Patient(
        case=case,
        unit=unit,
        level=cast(Level, _choice(_get(obj, "level", path), f"{path}.level", LEVELS)),
        age_group=cast(
            AgeGroup, _choice(_get(obj, "age_group", path), f"{path}.age_group", AGE_GROUPS)
        ),
        transport_stable=_flag(_get(obj, "transport_stable", path), f"{path}.transport_stable"),
        urgency=cast(Urgency, _choice(_get(obj, "urgency", path), f"{path}.urgency", URGENCIES)),
    )


def _read_mode(raw: Any, path: str) -> Mode:
    obj = _mapping(raw, path)
    name = _choice(_get(obj, "mode", path), f"{path}.mode", MODES)
    speed = _number(_get(obj, "speed_kmh", path), f"{path}.speed_kmh")
    if speed == 0:
        raise ProblemError(f"{path}.speed_kmh", "must be more than 0")
    reach = _number(_get(obj, "range_km", path), f"{path}.range_km")
    if name == ROAD:
        return Mode(name, speed, reach)
    return Mode(
        name,
        speed,
        reach,
        patients_per_trip=_whole(_get(obj, "patients_per_trip", path), f"{path}.patients_per_trip"),
        trips=_whole(_get(obj, "trips", path), f"{path}.trips"),
    )


def _read_policy(raw: Any, path: str) -> Policy:
    obj = _mapping(raw, path)
    default = Policy()
    neighbours = obj.get("neighbours", default.neighbours)
    return Policy(
        cushion=_number(obj.get("cushion", default.cushion), f"{path}.cushion", 0, 1),
        max_km_road=_number(obj.get("max_km_road", default.max_km_road), f"{path}.max_km_road"),
        allow_cross_border=_flag(
            obj.get("allow_cross_border", default.allow_cross_border), f"{path}.allow_cross_border"
        ),
        nordic_signal=_number(
            obj.get("nordic_signal", default.nordic_signal), f"{path}.nordic_signal", 0, 1
        ),
        solver=cast(
            SolverName, _choice(obj.get("solver", default.solver), f"{path}.solver", SOLVERS)
        ),
        neighbours=None if neighbours is None else max(1, _whole(neighbours, f"{path}.neighbours")),
    )

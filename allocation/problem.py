"""The allocation problem: typed, frozen data classes read from and written to JSON dicts."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast

Priority = Literal["critical", "high", "normal"]
PRIORITIES: tuple[Priority, ...] = ("critical", "high", "normal")
PolicyName = Literal["needs", "population"]
SolverName = Literal["highs", "cbc"]


class ProblemError(ValueError):
    """A problem (or plan) file that cannot be used; the message names the field."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}" if path else reason)
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Item:
    """An item of equipment, shipped in packs of `pack_size` units."""

    code: str
    pack_size: int = 1
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or self.code


@dataclass(frozen=True)
class Source:
    """A national warehouse and the stock of each item it may give out now."""

    code: str
    lat: float
    lon: float
    stock: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Line:
    """One organisation's position in one item."""

    on_hand: int
    daily_use: float
    requested: int = 0
    priority: Priority = "normal"
    may_donate: bool = False

    @property
    def days(self) -> float | None:
        """Days of supply on hand; None when daily use is 0 (unbounded)."""
        return self.on_hand / self.daily_use if self.daily_use > 0 else None


@dataclass(frozen=True)
class Organisation:
    """A region, municipality or care provider, with its lines per item code."""

    code: str
    lat: float
    lon: float
    kind: str = ""
    population: int = 0
    lines: Mapping[str, Line] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    """A source that can deliver to an organisation, optionally with its road distance."""

    source: str
    organisation: str
    km: float | None = None


@dataclass(frozen=True)
class Policy:
    """How to share out: the rules' parameters and the solver to use."""

    name: PolicyName = "needs"
    donor_floor_days: float = 28.0
    redistribute: bool = True
    whole_packs: bool = False
    solver: SolverName = "highs"
    redistribution_neighbours: int = 10


@dataclass(frozen=True)
class Problem:
    """Everything the allocation needs: items, sources, reserve, organisations, policy."""

    items: tuple[Item, ...]
    sources: tuple[Source, ...]
    organisations: tuple[Organisation, ...]
    reserve: Mapping[str, int] = field(default_factory=dict)
    policy: Policy = field(default_factory=Policy)
    routes: tuple[Route, ...] | None = None

    def item(self, code: str) -> Item:
        return next(i for i in self.items if i.code == code)

    @classmethod
    def from_dict(cls, data: Any) -> Problem:
        """Read and validate a problem; raise ProblemError naming the first bad field."""
        return _read_problem(data)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the problem (the inverse of from_dict)."""
        out: dict[str, Any] = {
            "items": [
                {"code": i.code, "pack_size": i.pack_size, "name": i.name} for i in self.items
            ],
            "sources": [
                {"code": s.code, "lat": s.lat, "lon": s.lon, "stock": dict(s.stock)}
                for s in self.sources
            ],
            "reserve": dict(self.reserve),
            "organisations": [_organisation_dict(o) for o in self.organisations],
            "policy": policy_to_dict(self.policy),
        }
        if self.routes is not None:
            out["routes"] = [
                {"from": r.source, "to": r.organisation, "km": r.km} for r in self.routes
            ]
        return out


def policy_to_dict(policy: Policy) -> dict[str, Any]:
    """The JSON form of a policy."""
    return {
        "name": policy.name,
        "donor_floor_days": policy.donor_floor_days,
        "redistribute": policy.redistribute,
        "whole_packs": policy.whole_packs,
        "solver": policy.solver,
        "redistribution_neighbours": policy.redistribution_neighbours,
    }


def _organisation_dict(org: Organisation) -> dict[str, Any]:
    lines = {
        code: {
            "on_hand": ln.on_hand,
            "daily_use": ln.daily_use,
            "requested": ln.requested,
            "priority": ln.priority,
            "may_donate": ln.may_donate,
        }
        for code, ln in org.lines.items()
    }
    return {
        "code": org.code,
        "kind": org.kind,
        "population": org.population,
        "lat": org.lat,
        "lon": org.lon,
        "lines": lines,
    }


# --- reading with clear errors -------------------------------------------------------------

_MISSING = object()


def _get(obj: Mapping[str, Any], key: str, path: str, default: Any = _MISSING) -> Any:
    if key in obj:
        return obj[key]
    if default is _MISSING:
        raise ProblemError(f"{path}.{key}" if path else key, "is missing")
    return default


def _mapping(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ProblemError(path, f"must be an object, got {_shown(value)}")
    return cast(Mapping[str, Any], value)


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise ProblemError(path, f"must be a list, got {_shown(value)}")
    return value


def _shown(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else _json_literal(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _json_literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return str(value)


def number(
    value: Any, path: str, *, whole: bool = False, low: float = 0.0, high: float = math.inf
) -> float:
    """A finite number in [low, high] (a whole one if asked), or a ProblemError."""
    kind = "a whole number" if whole else "a number"
    bounds = f">= {low:g}" if high == math.inf else f"from {low:g} to {high:g}"
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    ok = ok and math.isfinite(value) and low <= value <= high
    if not ok or (whole and value != int(value)):
        raise ProblemError(path, f"must be {kind} {bounds}, got {_shown(value)}")
    return float(value)


def _code(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ProblemError(path, f"must be a non-empty text code, got {_shown(value)}")
    return value


def _flag(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise ProblemError(path, f"must be true or false, got {_shown(value)}")
    return value


def _choice(value: Any, path: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ProblemError(path, f"must be one of {', '.join(allowed)}, got {_shown(value)}")
    return cast(str, value)


def _unique(codes: list[str], path: str) -> None:
    seen: set[str] = set()
    for index, code in enumerate(codes):
        if code in seen:
            raise ProblemError(f"{path}[{index}].code", f"duplicate code {code!r}")
        seen.add(code)


def _item_stock(value: Any, path: str, items: set[str]) -> dict[str, int]:
    stock: dict[str, int] = {}
    for code, qty in _mapping(value, path).items():
        if code not in items:
            raise ProblemError(f"{path}.{code}", f"unknown item code {code!r}")
        stock[code] = int(number(qty, f"{path}.{code}", whole=True))
    return stock


def _read_item(raw: Any, path: str) -> Item:
    obj = _mapping(raw, path)
    return Item(
        code=_code(_get(obj, "code", path), f"{path}.code"),
        pack_size=int(
            number(_get(obj, "pack_size", path, 1), f"{path}.pack_size", whole=True, low=1)
        ),
        name=str(_get(obj, "name", path, "") or ""),
    )


def _place(obj: Mapping[str, Any], path: str) -> tuple[float, float]:
    lat = number(_get(obj, "lat", path), f"{path}.lat", low=-90, high=90)
    lon = number(_get(obj, "lon", path), f"{path}.lon", low=-180, high=180)
    return lat, lon


def _read_source(raw: Any, path: str, items: set[str]) -> Source:
    obj = _mapping(raw, path)
    code = _code(_get(obj, "code", path), f"{path}.code")
    lat, lon = _place(obj, path)
    stock = _item_stock(_get(obj, "stock", path, {}), f"{path}.stock", items)
    return Source(code=code, lat=lat, lon=lon, stock=stock)


def _read_line(raw: Any, path: str) -> Line:
    obj = _mapping(raw, path)
    return Line(
        on_hand=int(number(_get(obj, "on_hand", path), f"{path}.on_hand", whole=True)),
        daily_use=number(_get(obj, "daily_use", path), f"{path}.daily_use"),
        requested=int(number(_get(obj, "requested", path, 0), f"{path}.requested", whole=True)),
        priority=cast(
            Priority, _choice(_get(obj, "priority", path, "normal"), f"{path}.priority", PRIORITIES)
        ),
        may_donate=_flag(_get(obj, "may_donate", path, False), f"{path}.may_donate"),
    )


def _read_organisation(raw: Any, path: str, items: set[str]) -> Organisation:
    obj = _mapping(raw, path)
    code = _code(_get(obj, "code", path), f"{path}.code")
    lat, lon = _place(obj, path)
    lines: dict[str, Line] = {}
    for item, line in _mapping(_get(obj, "lines", path, {}), f"{path}.lines").items():
        if item not in items:
            raise ProblemError(f"{path}.lines.{item}", f"unknown item code {item!r}")
        lines[item] = _read_line(line, f"{path}.lines.{item}")
    return Organisation(
        code=code,
        lat=lat,
        lon=lon,
        kind=str(_get(obj, "kind", path, "") or ""),
        population=int(number(_get(obj, "population", path, 0), f"{path}.population", whole=True)),
        lines=lines,
    )


def _read_policy(raw: Any, path: str) -> Policy:
    obj = _mapping(raw, path)
    default = Policy()
    return Policy(
        name=cast(
            PolicyName,
            _choice(_get(obj, "name", path, default.name), f"{path}.name", ("needs", "population")),
        ),
        donor_floor_days=number(
            _get(obj, "donor_floor_days", path, default.donor_floor_days),
            f"{path}.donor_floor_days",
        ),
        redistribute=_flag(
            _get(obj, "redistribute", path, default.redistribute), f"{path}.redistribute"
        ),
        whole_packs=_flag(
            _get(obj, "whole_packs", path, default.whole_packs), f"{path}.whole_packs"
        ),
        solver=cast(
            SolverName,
            _choice(_get(obj, "solver", path, default.solver), f"{path}.solver", ("highs", "cbc")),
        ),
        redistribution_neighbours=int(
            number(
                _get(obj, "redistribution_neighbours", path, default.redistribution_neighbours),
                f"{path}.redistribution_neighbours",
                whole=True,
                low=1,
            )
        ),
    )


def _read_routes(raw: Any, sources: set[str], orgs: set[str]) -> tuple[Route, ...]:
    routes = []
    for index, entry in enumerate(_list(raw, "routes")):
        path = f"routes[{index}]"
        obj = _mapping(entry, path)
        source = _code(_get(obj, "from", path), f"{path}.from")
        if source not in sources:
            raise ProblemError(f"{path}.from", f"unknown source code {source!r}")
        org = _code(_get(obj, "to", path), f"{path}.to")
        if org not in orgs:
            raise ProblemError(f"{path}.to", f"unknown organisation code {org!r}")
        km = _get(obj, "km", path, None)
        routes.append(Route(source, org, None if km is None else number(km, f"{path}.km")))
    return tuple(routes)


def _read_problem(data: Any) -> Problem:
    obj = _mapping(data, "problem")
    raw_items = _list(_get(obj, "items", ""), "items")
    if not raw_items:
        raise ProblemError("items", "must list at least one item")
    items = [_read_item(raw, f"items[{i}]") for i, raw in enumerate(raw_items)]
    _unique([i.code for i in items], "items")
    codes = {i.code for i in items}
    raw_sources = _list(_get(obj, "sources", ""), "sources")
    sources = [_read_source(raw, f"sources[{i}]", codes) for i, raw in enumerate(raw_sources)]
    _unique([s.code for s in sources], "sources")
    raw_orgs = _list(_get(obj, "organisations", ""), "organisations")
    if not raw_orgs:
        raise ProblemError("organisations", "must list at least one organisation")
    orgs = [_read_organisation(raw, f"organisations[{i}]", codes) for i, raw in enumerate(raw_orgs)]
    _unique([o.code for o in orgs], "organisations")
    reserve = _item_stock(_get(obj, "reserve", "", {}), "reserve", codes)
    policy = _read_policy(_get(obj, "policy", "", {}), "policy")
    raw_routes = _get(obj, "routes", "", None)
    routes = (
        None
        if raw_routes is None
        else _read_routes(raw_routes, {s.code for s in sources}, {o.code for o in orgs})
    )
    return Problem(
        items=tuple(items),
        sources=tuple(sources),
        organisations=tuple(orgs),
        reserve=reserve,
        policy=policy,
        routes=routes,
    )

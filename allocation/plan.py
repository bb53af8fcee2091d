"""The plan: shipments, outcomes per organisation and item, and a summary per item."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

ShipmentKind = Literal["distribution", "redistribution"]


@dataclass(frozen=True)
class Shipment:
    """Units of one item sent from a source (or donor organisation) to an organisation."""

    source: str
    organisation: str
    item: str
    quantity: int
    km: float
    kind: ShipmentKind = "distribution"

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.source,
            "to": self.organisation,
            "item": self.item,
            "quantity": self.quantity,
            "km": round(self.km, 1),
            "kind": self.kind,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Shipment:
        return cls(
            source=data["from"],
            organisation=data["to"],
            item=data["item"],
            quantity=int(data["quantity"]),
            km=float(data["km"]),
            kind=data.get("kind", "distribution"),
        )


@dataclass(frozen=True)
class Outcome:
    """What one organisation requested, received and gave of one item, and why."""

    organisation: str
    item: str
    requested: int
    allocated: int
    given: int
    days_before: float | None
    days_after: float | None
    reason: str = ""
    from_surplus: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation,
            "item": self.item,
            "requested": self.requested,
            "allocated": self.allocated,
            "given": self.given,
            "from_surplus": self.from_surplus,
            "days_before": _days(self.days_before),
            "days_after": _days(self.days_after),
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Outcome:
        return cls(
            organisation=data["organisation"],
            item=data["item"],
            requested=int(data["requested"]),
            allocated=int(data["allocated"]),
            given=int(data["given"]),
            days_before=data.get("days_before"),
            days_after=data.get("days_after"),
            reason=data.get("reason", ""),
            from_surplus=int(data.get("from_surplus", 0)),
        )


@dataclass(frozen=True)
class ItemResult:
    """Per item: what was available, given out and left unmet, and the water level."""

    available: int
    allocated: int
    unmet: int
    level_days: float | None = None
    level_priority: str | None = None
    redistributed: int = 0
    one_more_pack_days: float | None = None
    thousand_more_days: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "available": self.available,
            "allocated": self.allocated,
            "unmet": self.unmet,
            "redistributed": self.redistributed,
            "level_days": _days(self.level_days),
            "level_priority": self.level_priority,
            "one_more_pack_days": _days(self.one_more_pack_days),
            "thousand_more_days": _days(self.thousand_more_days),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ItemResult:
        return cls(
            available=int(data["available"]),
            allocated=int(data["allocated"]),
            unmet=int(data["unmet"]),
            level_days=data.get("level_days"),
            level_priority=data.get("level_priority"),
            redistributed=int(data.get("redistributed", 0)),
            one_more_pack_days=data.get("one_more_pack_days"),
            thousand_more_days=data.get("thousand_more_days"),
        )


@dataclass(frozen=True)
class Plan:
    """A proposed allocation, with the solver's name, version, status and time."""

    status: str
    policy: Mapping[str, Any]
    solver: str
    solver_version: str
    seconds: float
    shipments: tuple[Shipment, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    items: Mapping[str, ItemResult] = field(default_factory=dict)
    build_seconds: float = 0.0
    solve_seconds: float = 0.0

    def with_timing(self, seconds: float, build: float, solve: float) -> Plan:
        return replace(self, seconds=seconds, build_seconds=build, solve_seconds=solve)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the plan."""
        return {
            "status": self.status,
            "policy": dict(self.policy),
            "solver": self.solver,
            "solver_version": self.solver_version,
            "seconds": round(self.seconds, 3),
            "build_seconds": round(self.build_seconds, 3),
            "solve_seconds": round(self.solve_seconds, 3),
            "shipments": [s.to_dict() for s in self.shipments],
            "outcomes": [o.to_dict() for o in self.outcomes],
            "items": {code: r.to_dict() for code, r in self.items.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Plan:
        """Read a plan written by to_dict."""
        return cls(
            status=data["status"],
            policy=data.get("policy", {}),
            solver=data.get("solver", ""),
            solver_version=data.get("solver_version", ""),
            seconds=float(data.get("seconds", 0)),
            shipments=tuple(Shipment.from_dict(s) for s in data.get("shipments", [])),
            outcomes=tuple(Outcome.from_dict(o) for o in data.get("outcomes", [])),
            items={k: ItemResult.from_dict(v) for k, v in data.get("items", {}).items()},
            build_seconds=float(data.get("build_seconds", 0)),
            solve_seconds=float(data.get("solve_seconds", 0)),
        )


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, 2)

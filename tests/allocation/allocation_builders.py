"""Small builders of problem dicts for the allocation tests."""

from __future__ import annotations

from typing import Any


def org(
    code: str,
    lat: float = 59.3,
    lon: float = 18.0,
    population: int = 10_000,
    **lines: dict[str, Any],
) -> dict[str, Any]:
    """An organisation dict with the given lines (item code -> line fields)."""
    return {
        "code": code,
        "kind": "municipality",
        "population": population,
        "lat": lat,
        "lon": lon,
        "lines": lines,
    }


def line(
    on_hand: int = 0,
    daily_use: float = 10,
    requested: int = 0,
    priority: str = "normal",
    may_donate: bool = False,
) -> dict[str, Any]:
    return {
        "on_hand": on_hand,
        "daily_use": daily_use,
        "requested": requested,
        "priority": priority,
        "may_donate": may_donate,
    }


def problem_dict(
    orgs: list[dict[str, Any]],
    stock: int | dict[str, int] = 0,
    item: str = "FFP2",
    pack: int = 1,
    reserve: int = 0,
    **policy: Any,
) -> dict[str, Any]:
    """A one-item problem with one warehouse in Stockholm holding `stock`."""
    stocks = stock if isinstance(stock, dict) else {"NW-1": stock}
    return {
        "items": [{"code": item, "pack_size": pack, "name": "FFP2 respirators"}],
        "sources": [
            {"code": code, "lat": 59.3 + 0.5 * n, "lon": 18.0, "stock": {item: qty}}
            for n, (code, qty) in enumerate(stocks.items())
        ],
        "reserve": {item: reserve},
        "organisations": orgs,
        "policy": {
            "name": "needs",
            "donor_floor_days": 28,
            "redistribute": True,
            "whole_packs": False,
            **policy,
        },
    }

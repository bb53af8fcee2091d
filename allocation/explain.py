"""Explain a plan: a reason in plain words per outcome, the water level per item, and what
more material would buy."""

from __future__ import annotations

from dataclasses import dataclass

from .levels import level_for, levels_for
from .network import ItemNetwork
from .plan import ItemResult, Outcome
from .problem import Line, Policy
from .stages import Group, ItemAllocation


@dataclass(frozen=True)
class Binding:
    """The group in which national stock ran out, and its water level."""

    index: int
    group: Group
    level: float


def binding_group(alloc: ItemAllocation) -> Binding | None:
    """The first group that could not be filled in full (later groups got nothing)."""
    for index, (group, level) in enumerate(zip(alloc.groups, alloc.levels, strict=True)):
        if level is not None:
            return Binding(index, group, level)
    return None


def explain_item(
    net: ItemNetwork, alloc: ItemAllocation, policy: Policy
) -> tuple[list[Outcome], ItemResult]:
    """Outcomes with reasons for one item, and the item's summary."""
    binding = binding_group(alloc)
    reached = {r for _, r, _ in net.arcs}
    groups: dict[str, int] = {}  # the index of each class's group with known use
    for i, g in enumerate(alloc.groups):
        if g.by_days:
            groups.setdefault(g.label, i)
    code = net.item.code
    outcomes = [
        _outcome(net, alloc, policy, binding, r, ln, r in reached, groups)
        for r, ln in net.requesters.items()
    ]
    for donor, given in alloc.given.items():
        line = _donor_line(net, donor)
        after = (line.on_hand - given) / line.daily_use
        outcomes.append(
            Outcome(
                donor,
                code,
                0,
                0,
                given,
                line.days,
                after,
                f"gave {given:,} and keeps {after:.0f} days",
            )
        )
    allocated = sum(alloc.national.values())
    surplus = sum(alloc.surplus.values())
    requested = sum(ln.requested for ln in net.requesters.values())
    by_days = binding is not None and binding.group.by_days
    pack, thousand = (
        _rises(net, alloc, binding, (net.item.pack_size, 1000)) if by_days else (None, None)
    )
    result = ItemResult(
        available=net.available,
        allocated=allocated,
        redistributed=surplus,
        unmet=max(0, requested - allocated - surplus),
        level_days=binding.level if binding and by_days else None,
        level_priority=binding.group.label if binding else None,
        one_more_pack_days=pack,
        thousand_more_days=thousand,
    )
    return outcomes, result


def _donor_line(net: ItemNetwork, donor: str) -> Line:
    return net.donor_lines[donor]


def _rise(
    net: ItemNetwork, alloc: ItemAllocation, binding: Binding | None, extra: float
) -> float | None:
    """How many days the water level rises with `extra` more units (re-solving the fill)."""
    if binding is None:
        return None
    earlier = sum(r.cap for g in alloc.groups[: binding.index] for r in g.ramps.values())
    ramps = list(binding.group.ramps.values())
    left = net.available - earlier
    now = level_for(ramps, left)
    after = level_for(ramps, left + extra)
    if now is None:
        return None
    top = max(r.end for r in ramps)
    return (top if after is None else after) - now


def _rises(
    net: ItemNetwork, alloc: ItemAllocation, binding: Binding | None, extras: tuple[float, ...]
) -> tuple[float | None, ...]:
    """`_rise` for each of `extras`: the same water-level arithmetic (`levels_for` gives
    the levels `level_for` would, one by one), with one pass over the binding group."""
    if binding is None:
        return (None,) * len(extras)
    earlier = sum(r.cap for g in alloc.groups[: binding.index] for r in g.ramps.values())
    ramps = list(binding.group.ramps.values())
    left = net.available - earlier
    now, *after = levels_for(ramps, [left, *(left + extra for extra in extras)])
    if now is None:
        return (None,) * len(extras)
    top = max(r.end for r in ramps)
    return tuple((top if level is None else level) - now for level in after)


def _outcome(
    net: ItemNetwork,
    alloc: ItemAllocation,
    policy: Policy,
    binding: Binding | None,
    r: str,
    line: Line,
    reached: bool,
    groups: dict[str, int],
) -> Outcome:
    national, surplus = alloc.national.get(r, 0), alloc.surplus.get(r, 0)
    received = national + surplus
    use = line.daily_use
    after = (line.on_hand + received) / use if use > 0 else None
    text = _reason(
        net, alloc, policy, binding, r, line, (received, surplus, reached), after, groups
    )
    return Outcome(
        r,
        net.item.code,
        line.requested,
        received,
        0,
        line.on_hand / use if use > 0 else None,
        after,
        text,
        surplus,
    )


def _reason(
    net: ItemNetwork,
    alloc: ItemAllocation,
    policy: Policy,
    binding: Binding | None,
    r: str,
    line: Line,
    got: tuple[int, int, bool],
    after: float | None,
    groups: dict[str, int],
) -> str:
    label, cap = net.item.label, net.caps[r]
    received, surplus, reached = got
    if cap == 0:
        return f"asked for less than one pack ({net.item.pack_size:,} units)"
    if received >= cap:
        return "filled in full" + (" (rounded up to whole packs)" if cap > line.requested else "")
    if not reached and surplus == 0:
        return "no warehouse with stock of this item can deliver here"
    if policy.name == "population":
        return _population_reason(net, r, received)
    if line.daily_use == 0:
        share = 100 * received / cap
        return (
            f"no known daily use, so served after those with known use: got {share:.0f}% "
            "of the request"
        )
    if surplus > 0 and after is not None:
        return (
            f"raised to {after:.1f} days: national stock of {label} ran out, so "
            f"{surplus:,} came from other organisations' surplus"
        )
    return _national_reason(groups[line.priority], binding, label, line, received, after)


def _national_reason(
    group: int, binding: Binding | None, label: str, line: Line, received: int, after: float | None
) -> str:
    if binding is None or after is None:
        return f"raised to {after or 0:.1f} days; no more could reach it from its warehouses"
    if group > binding.index:
        return (
            f"nothing left: {label} ran out on {binding.group.label} requests, which are "
            "served first"
        )
    if received == 0 and line.days is not None and line.days >= binding.level - 1e-6:
        return (
            f"already holds {line.days:.1f} days, at or above the national level of "
            f"{binding.level:.1f} days for {label}"
        )
    if group == binding.index:
        return f"raised to {after:.1f} days, the national level for {label}: stock ran out"
    return f"raised to {after:.1f} days; no more could reach it from its warehouses"


def _population_reason(net: ItemNetwork, r: str, received: int) -> str:
    people = net.populations.get(r, 0)
    if people == 0:
        return "population 0: the population key gives it nothing"
    per_thousand = 1000 * received / people
    return (
        f"share by population: {per_thousand:.1f} per 1,000 inhabitants; "
        f"stock of {net.item.label} ran out"
    )

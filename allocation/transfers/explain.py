"""Reasons in plain words for every patient, placed or not, each with a stable code and its
arguments so an app can write its own sentence (in Swedish, say).

A placed patient's reason says why this unit: it is the nearest (in km) of those that keep
rule 1 (`nearest_free`), or why the nearest other unit was not used: its places went to other
patients (`nearer_places_taken`), it is reached only by air and the seats were used up
(`nearer_by_air_no_seats`), or its region would have ended below the sender's free share or
the cushion (`nearer_region_too_full`), or using it would have cost more time in all: the
least total time for all patients (`least_total_time`). Only another unit is "nearer": a move
by road to the nearest unit is to the nearest free place even when a plane would have been
quicker, to it or to a farther unit.
An unplaced patient's reason is the first that holds of: not transport-stable; no unit in
range with a free place of the level (for a child: that takes children); places left only in
regions that rule 3 keeps from receiving; places left only by air with no seats; the places
in range went to other patients (of the same or a higher urgency, rule 2)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .check import LEVEL_PLACES
from .geo import Arc, Group
from .problem import Patient, TransferProblem
from .proposal import Move, Unplaced


@dataclass
class PlanState:
    """What the plan leaves: free places per (unit, level), air seats per mode, and per region
    (staffed, free places after)."""

    places_left: dict[tuple[str, str], int]
    seats_left: dict[str, int]
    regions: dict[str, tuple[int, int]]

    def can_receive_one(self, region: str, sender: str, cushion: float) -> bool:
        """Would one more patient from region `sender` keep rule 3 for `region`?"""
        st_r, free_r = self.regions[region]
        st_s, free_s = self.regions[sender]
        if st_r == 0 or free_r - 1 < cushion * st_r:
            return False
        return (free_r - 1) * max(st_s, 1) >= (free_s + 1 if st_s else 0) * st_r


def plan_state(
    problem: TransferProblem, moves: Sequence[Move], levels: Mapping[str, str]
) -> PlanState:
    taken = Counter((m.to_unit, levels[m.case]) for m in moves)
    places_left = {
        (u.code, level): n - taken[(u.code, level)]
        for u in problem.units
        for level, n in u.free.items()
    }
    flown = Counter(m.mode for m in moves)
    seats_left = {m.mode: (m.seats or 0) - flown[m.mode] for m in problem.modes if m.is_air}
    units = problem.units_by_code
    regions: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for unit in problem.units:
        regions[unit.region][0] += unit.staffed
        regions[unit.region][1] += unit.staffed - unit.occupied
    for move in moves:
        regions[units[move.from_unit].region][1] += 1
        regions[units[move.to_unit].region][1] -= 1
    return PlanState(places_left, seats_left, {r: (v[0], v[1]) for r, v in regions.items()})


def place_words(level: str, age_group: str) -> str:
    """'free ECMO place', 'free intensive-care place ... that takes children'."""
    words = f"free {LEVEL_PLACES[level]}"
    return f"{words} for a child" if age_group == "child" else words


def explain_move(
    move: Move, group: Group, arcs: Sequence[Arc], state: PlanState, cushion: float
) -> Move:
    """`move` with its reason: `arcs` are the group's arcs (all, before any were settled)."""
    args: dict[str, Any] = {"to": move.to_unit, "mode": move.mode, "hours": round(move.hours, 1)}
    head = f"to {_label(arcs, move.to_unit)} by {move.mode}, {move.hours:.1f} h"
    # The reason says why this unit: "nearer" is another unit at a shorter distance (any
    # mode). The same unit by a quicker mode, or a farther unit a plane reaches sooner, is no
    # nearer place: with no other unit nearer, the unit is the nearest free place.
    nearer = [a for a in arcs if a.unit.code != move.to_unit and a.km < move.km - 1e-9]
    code, why = "nearest_free", f"nearest {place_words(group.level, group.age_group)}"
    for arc in sorted(nearer, key=lambda a: (a.km, a.hours))[:1]:
        args["nearer"] = arc.unit.code
        if state.places_left.get((arc.unit.code, group.level), 0) <= 0:
            code = "nearer_places_taken"
            why = f"the free places at nearer {arc.unit.label} went to other patients"
        elif not state.can_receive_one(arc.unit.region, group.unit.region, cushion):
            code = "nearer_region_too_full"
            why = (
                f"nearer {arc.unit.label}'s region {arc.unit.region} would end with a lower "
                "free share than the sender's, or below the cushion"
            )
        elif all(
            a.mode.is_air and a.mode.mode != move.mode and state.seats_left.get(a.mode.mode, 0) <= 0
            for a in arcs
            if a.unit.code == arc.unit.code
        ):
            code = "nearer_by_air_no_seats"
            why = (
                f"nearer {arc.unit.label} is reached only by {arc.mode.mode}, and its seats "
                "went to other patients"
            )
        else:
            code = "least_total_time"
            why = "the least transport time for all the patients together"
    return Move(
        move.case,
        move.from_unit,
        move.to_unit,
        move.mode,
        move.km,
        move.hours,
        f"{head}: {why}",
        code,
        args,
    )


def explain_unplaced(
    patient: Patient,
    group: Group | None,
    arcs: Sequence[Arc],
    state: PlanState,
    cushion: float,
    nordic: bool,
) -> Unplaced:
    """Why `patient` stays (see the module's docstring for the order)."""
    args: dict[str, Any] = {"unit": patient.unit, "level": patient.level}
    if group is None:
        code, why = "not_transport_stable", "not transport-stable, stays where it is"
    elif group.feasible_units == 0:
        code = {"ecmo": "no_ecmo_place_in_range"}.get(patient.level, "no_place_in_range")
        if patient.age_group == "child" and code == "no_place_in_range":
            code = "no_child_place_in_range"
        why = f"no {place_words(patient.level, patient.age_group)} within range"
    else:
        open_arcs = [a for a in arcs if state.places_left.get((a.unit.code, group.level), 0) > 0]
        seated = [
            a for a in open_arcs if not a.mode.is_air or state.seats_left.get(a.mode.mode, 0) > 0
        ]
        sender = group.unit.region
        if seated:
            region = seated[0].unit.region
            args["region"] = region
            st_r, free_r = state.regions[region]
            if st_r == 0 or free_r - 1 < cushion * st_r:
                code = "region_below_cushion"
                why = (
                    f"the free places left in range are in region {region}, which would fall "
                    f"below the cushion of {cushion:.0%} free"
                )
            else:
                code = "region_would_fall_below_sender"
                why = (
                    f"the free places left in range are in region {region}, which would end "
                    f"with a lower free share than region {sender}"
                )
        elif open_arcs:
            code, why = "no_air_seats_left", "places left only by air, and no seats are left"
            args["mode"] = open_arcs[0].mode.mode
        else:
            code = "places_taken"
            why = "the free places in range went to patients of the same or a higher urgency"
    reason = f"not placed: {why}"
    if nordic:
        reason += "; candidate for a Nordic request"
    return Unplaced(
        patient.case,
        reason,
        code,
        args,
        nordic,
        patient.unit,
        patient.level,
        patient.age_group,
        patient.urgency,
    )


def _label(arcs: Sequence[Arc], code: str) -> str:
    return next((a.unit.label for a in arcs if a.unit.code == code), code)

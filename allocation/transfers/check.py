"""Check a given set of moves against rule 1 (feasible) and rule 3 (fair to the helper): the
app re-checks a coordinator's edited proposal with it. Written straight from the rules, apart
from the model, so it also serves as a second opinion on the model's own moves."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from .geo import haversine_km, mode_reach_km
from .problem import TransferProblem
from .proposal import Move, Violation

_KM_SLACK = 0.05  # km: a move's distance is rounded to 0.1 km in the JSON


def check_plan(problem: TransferProblem, moves: Iterable[Move]) -> list[Violation]:
    """Every way `moves` break rule 1 or rule 3 of `problem` (an empty list: none), each
    naming the case (empty for the plan as a whole), the rule and why in plain English."""
    moves = list(moves)
    units = problem.units_by_code
    patients = {p.case: p for p in problem.patients}
    modes = {m.mode: m for m in problem.modes}
    out: list[Violation] = []
    counted: list[tuple[Move, str]] = []  # moves fit to count: (move, level)
    seen: Counter[str] = Counter()
    for move in moves:
        seen[move.case] += 1
        if seen[move.case] == 2:
            out.append(Violation(move.case, 1, "the patient is moved more than once"))
        problems = _rule_one(problem, move, patients, units, modes)
        out.extend(Violation(move.case, 1, message) for message in problems)
        patient = patients.get(move.case)
        if patient is not None and move.to_unit in units:
            counted.append((move, patient.level))
    out.extend(_places_and_seats(problem, counted))
    out.extend(_rule_three(problem, [m for m, _ in counted]))
    return out


def _rule_one(problem, move, patients, units, modes) -> list[str]:  # type: ignore[no-untyped-def]
    patient = patients.get(move.case)
    if patient is None:
        return ["no such patient in the problem"]
    sender, receiver = units.get(move.from_unit), units.get(move.to_unit)
    found: list[str] = []
    if move.from_unit != patient.unit:
        found.append(f"the patient is at {patient.unit}, not {move.from_unit}")
    if receiver is None:
        return [*found, f"no such unit {move.to_unit}"]
    if not patient.transport_stable:
        found.append("the patient is not transport-stable")
    sender = units[patient.unit]
    if receiver.code == sender.code:
        found.append("the patient would move to the unit it is in")
    elif receiver.region == sender.region:
        found.append(f"{receiver.label} is in the same region; that is the region's own work")
    if problem.is_cross_border(receiver) and not problem.policy.allow_cross_border:
        found.append(f"{receiver.label} is across the border, which the policy does not allow")
    if patient.age_group not in receiver.takes:
        found.append(f"{receiver.label} does not take {_age_words(patient.age_group)}")
    if receiver.free_of(patient.level) <= 0:
        found.append(f"{receiver.label} has no free {_level_words(patient.level)}")
    mode = modes.get(move.mode)
    if mode is None:
        found.append(f"no such transport mode {move.mode}")
    else:
        km = haversine_km(sender.lat, sender.lon, receiver.lat, receiver.lon)
        reach = mode_reach_km(mode, problem.policy.max_km_road)
        if km > reach + _KM_SLACK:
            found.append(
                f"{km:.0f} km is beyond what {mode.mode} may cover ({max(reach, 0):.0f} km)"
            )
    return found


def _places_and_seats(problem: TransferProblem, counted: list[tuple[Move, str]]) -> list[Violation]:
    units = problem.units_by_code
    found: list[Violation] = []
    taken: Counter[tuple[str, str]] = Counter((m.to_unit, level) for m, level in counted)
    for (code, level), n in sorted(taken.items()):
        free = units[code].free_of(level)
        if n > free:
            found.append(
                Violation(
                    "",
                    1,
                    f"{units[code].label} receives {n} patients needing {_level_words(level)} "
                    f"but has {free} free",
                )
            )
    flown = Counter(m.mode for m, _ in counted)
    for mode in problem.modes:
        if mode.is_air and flown[mode.mode] > (mode.seats or 0):
            found.append(
                Violation(
                    "",
                    1,
                    f"{flown[mode.mode]} patients by {mode.mode}, but only {mode.seats} seats "
                    "(patients per trip x trips) today",
                )
            )
    return found


def region_places(
    problem: TransferProblem, moves: Iterable[Move]
) -> dict[str, tuple[int, int, int]]:
    """Per region: (staffed, free before, free after the moves); a patient leaving frees a place."""
    units = problem.units_by_code
    staffed: dict[str, int] = defaultdict(int)
    free: dict[str, int] = defaultdict(int)
    for unit in problem.units:
        staffed[unit.region] += unit.staffed
        free[unit.region] += unit.staffed - unit.occupied
    after = dict(free)
    for move in moves:
        if move.from_unit in units and move.to_unit in units:
            after[units[move.from_unit].region] += 1
            after[units[move.to_unit].region] -= 1
    return {code: (staffed[code], free[code], after[code]) for code in staffed}


def _rule_three(problem: TransferProblem, moves: list[Move]) -> list[Violation]:
    units = problem.units_by_code
    places = region_places(problem, moves)
    found: list[Violation] = []
    pairs = sorted(
        {
            (units[m.to_unit].region, units[m.from_unit].region)
            for m in moves
            if m.from_unit in units
        }
    )
    cushion = problem.policy.cushion
    for r in sorted({r for r, _ in pairs}):
        st, _, after = places[r]
        if st == 0 or after < cushion * st - 1e-9:
            share = after / st if st else 0.0
            found.append(
                Violation(
                    "",
                    3,
                    f"region {r} would end with a free share of {share:.0%}, below the "
                    f"cushion of {cushion:.0%}",
                )
            )
    for r, s in pairs:
        st_r, _, after_r = places[r]
        st_s, _, after_s = places[s]
        if st_r == 0:
            continue  # reported above
        share_s = after_s / st_s if st_s else 0.0
        if after_r * max(st_s, 1) < (after_s if st_s else 0) * st_r:
            found.append(
                Violation(
                    "",
                    3,
                    f"region {r} would end with a free share of {after_r / st_r:.0%}, lower "
                    f"than region {s}'s {share_s:.0%}, which it receives patients from",
                )
            )
    return found


def _level_words(level: str) -> str:
    return LEVEL_PLACES.get(level, f"{level} place")


def _age_words(age_group: str) -> str:
    return "children" if age_group == "child" else "adults"


LEVEL_PLACES = {
    "invasive": "intensive-care place with invasive ventilation",
    "ecmo": "ECMO place",
    "niv": "place for non-invasive ventilation",
}

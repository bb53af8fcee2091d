"""An independent, simple reference for the rules of transfer-model.md, used by the transfer
tests. It reads the problem and proposal as JSON dicts and uses none of the package's code:
its own haversine, its own shares (in fractions), and brute force over every assignment of
patients to (unit, mode) or staying, for tiny problems."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from fractions import Fraction
from typing import Any

URGENCIES = ("immediate", "today", "planned")
Plan = dict[str, tuple[str, str]]  # case -> (to unit, mode)


def km_between(a: dict[str, Any], b: dict[str, Any]) -> float:
    p1, p2 = math.radians(a["lat"]), math.radians(b["lat"])
    dp, dl = p2 - p1, math.radians(b["lon"] - a["lon"])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def policy(problem: dict[str, Any]) -> dict[str, Any]:
    base = {"cushion": 0.10, "max_km_road": 300, "allow_cross_border": False, "nordic_signal": 0.2}
    return {**base, **problem.get("policy", {})}


def reach(problem: dict[str, Any], mode: dict[str, Any]) -> float:
    if mode["mode"] == "road":
        return min(mode["range_km"], policy(problem)["max_km_road"])
    return mode["range_km"]


def options(problem: dict[str, Any], patient: dict[str, Any]) -> list[tuple[str, str]]:
    """Every (unit, mode) one patient alone could take under rule 1."""
    if not patient["transport_stable"]:
        return []
    units = {u["code"]: u for u in problem["units"]}
    home = units[patient["unit"]]
    country = problem.get("country", "SE")
    out = []
    for unit in problem["units"]:
        if unit["code"] == home["code"] or unit["region"] == home["region"]:
            continue
        if unit.get("country", country) != country and not policy(problem)["allow_cross_border"]:
            continue
        if patient["age_group"] not in unit["takes"] or unit["free"].get(patient["level"], 0) < 1:
            continue
        km = km_between(home, unit)
        for mode in problem["modes"]:
            seats = mode.get("patients_per_trip", 0) * mode.get("trips", 0)
            if mode["mode"] != "road" and seats < 1:
                continue
            if km <= reach(problem, mode):
                out.append((unit["code"], mode["mode"]))
    return out


def rule_1(problem: dict[str, Any], plan: Plan) -> list[str]:
    patients = {p["case"]: p for p in problem["patients"]}
    units = {u["code"]: u for u in problem["units"]}
    broken = []
    for case, option in plan.items():
        if option not in options(problem, patients[case]):
            broken.append(f"{case}: {option} is not a move rule 1 allows")
    taken = Counter((to, patients[case]["level"]) for case, (to, _) in plan.items())
    for (to, level), n in taken.items():
        if n > units[to]["free"].get(level, 0):
            broken.append(f"{to}: {n} {level} patients, {units[to]['free'].get(level, 0)} free")
    flown = Counter(mode for _, mode in plan.values())
    for mode in problem["modes"]:
        if (
            mode["mode"] != "road"
            and flown[mode["mode"]] > mode["patients_per_trip"] * mode["trips"]
        ):
            broken.append(f"{mode['mode']}: {flown[mode['mode']]} patients, too few seats")
    return broken


def shares(problem: dict[str, Any], plan: Plan) -> dict[str, tuple[Fraction, Fraction]]:
    """Per region (staffed > 0): free share before and after, exactly."""
    units = {u["code"]: u for u in problem["units"]}
    patients = {p["case"]: p for p in problem["patients"]}
    staffed: Counter[str] = Counter()
    free: Counter[str] = Counter()
    for u in problem["units"]:
        staffed[u["region"]] += u["staffed"]
        free[u["region"]] += u["staffed"] - u["occupied"]
    after = Counter(free)
    for case, (to, _) in plan.items():
        after[units[patients[case]["unit"]]["region"]] += 1
        after[units[to]["region"]] -= 1
    return {
        r: (
            Fraction(free[r], staffed[r]) if staffed[r] else Fraction(0),
            Fraction(after[r], staffed[r]) if staffed[r] else Fraction(0),
        )
        for r in staffed
    }


def rule_3(problem: dict[str, Any], plan: Plan) -> list[str]:
    units = {u["code"]: u for u in problem["units"]}
    patients = {p["case"]: p for p in problem["patients"]}
    after = shares(problem, plan)
    staffed = Counter()
    for u in problem["units"]:
        staffed[u["region"]] += u["staffed"]
    cushion = Fraction(str(policy(problem)["cushion"]))
    broken = []
    for case, (to, _) in plan.items():
        r, s = units[to]["region"], units[patients[case]["unit"]]["region"]
        if staffed[r] == 0 or after[r][1] < cushion:
            broken.append(f"{case}: region {r} ends below the cushion")
        if after[r][1] < after[s][1]:
            broken.append(f"{case}: region {r} ends below sender {s}")
    return broken


def score(problem: dict[str, Any], plan: Plan) -> tuple[int, int, int, float]:
    """(immediate placed, today placed, planned placed, - total hours): more is better."""
    patients = {p["case"]: p for p in problem["patients"]}
    units = {u["code"]: u for u in problem["units"]}
    speeds = {m["mode"]: m["speed_kmh"] for m in problem["modes"]}
    counts = Counter(patients[c]["urgency"] for c in plan)
    hours = sum(
        km_between(units[patients[c]["unit"]], units[to]) / speeds[mode]
        for c, (to, mode) in plan.items()
    )
    return (counts["immediate"], counts["today"], counts["planned"], -hours)


def best_by_brute_force(problem: dict[str, Any]) -> tuple[int, int, int, float]:
    """The best score over every plan that keeps rules 1 and 3."""
    patients = problem["patients"]
    choices = [[None, *options(problem, p)] for p in patients]
    best: tuple[int, int, int, float] | None = None
    for combo in itertools.product(*choices):
        plan = {p["case"]: o for p, o in zip(patients, combo, strict=True) if o is not None}
        if rule_1(problem, plan) or rule_3(problem, plan):
            continue
        s = score(problem, plan)
        if best is None or s > best:
            best = s
    assert best is not None  # moving nobody always keeps the rules
    return best


def plan_of(proposal: dict[str, Any]) -> Plan:
    return {m["case"]: (m["to"], m["mode"]) for m in proposal["moves"]}


def swaps(problem: dict[str, Any], plan: Plan) -> list[str]:
    """Rule 2 as written: a placed patient of lower urgency whose place an unplaced one of
    higher urgency could take (same unit, any mode), the plan still keeping rules 1 and 3."""
    patients = {p["case"]: p for p in problem["patients"]}
    rank = {u: i for i, u in enumerate(URGENCIES)}
    found = []
    for out_case, (to, _) in plan.items():
        for patient in problem["patients"]:
            if patient["case"] in plan:
                continue
            if rank[patient["urgency"]] >= rank[patients[out_case]["urgency"]]:
                continue
            for option in options(problem, patient):
                if option[0] != to:
                    continue
                trial = {c: o for c, o in plan.items() if c != out_case}
                trial[patient["case"]] = option
                if not rule_1(problem, trial) and not rule_3(problem, trial):
                    found.append(f"{patient['case']} could take {out_case}'s place at {to}")
    return found


def rule_5(problem: dict[str, Any], proposal: dict[str, Any]) -> list[str]:
    """Nordic candidates are exactly the unplaced transport-stable patients, when the national
    free share before is under the signal (else none)."""
    country = problem.get("country", "SE")
    home = [u for u in problem["units"] if u.get("country", country) == country]
    staffed = sum(u["staffed"] for u in home)
    free = sum(u["staffed"] - u["occupied"] for u in home)
    low = staffed > 0 and Fraction(free, staffed) < Fraction(str(policy(problem)["nordic_signal"]))
    low = low or staffed == 0
    moved = {m["case"] for m in proposal["moves"]}
    expected = {
        p["case"]
        for p in problem["patients"]
        if low and p["transport_stable"] and p["case"] not in moved
    }
    listed = {c["case"] for c in proposal["nordic_candidates"]}
    flagged = {u["case"] for u in proposal["unplaced"] if u["nordic_candidate"]}
    broken = []
    if listed != expected:
        broken.append(f"Nordic candidates {sorted(listed)}, expected {sorted(expected)}")
    if flagged != expected:
        broken.append(f"flagged unplaced {sorted(flagged)}, expected {sorted(expected)}")
    return broken


def every_patient_once(problem: dict[str, Any], proposal: dict[str, Any]) -> list[str]:
    moved = [m["case"] for m in proposal["moves"]]
    left = [u["case"] for u in proposal["unplaced"]]
    everyone = sorted(p["case"] for p in problem["patients"])
    if sorted(moved + left) != everyone:
        return [f"moved {moved} and unplaced {left} are not each patient once"]
    return [f"{c}: no reason" for c in moved + left if not _reason(proposal, c)]


def _reason(proposal: dict[str, Any], case: str) -> str:
    for row in proposal["moves"] + proposal["unplaced"]:
        if row["case"] == case:
            return str(row["reason"])
    return ""

"""Transfer-model benchmarks: `python benchmarks/bench_transfers.py [--quick] [--problem FILE]`.

Prints `BENCH <name> <value> <unit>` lines. Sweden: the 82 units of supplyapp/data/
icu_units.csv, three regions full, 200 patients waiting (the deliberately hard day): once to
proven optimality, then three times with a 1 s limit (the median). A realistic Swedish day:
the December 2020 picture (673 staffed places, 550 occupied; Stockholm and Skåne full), 40
patients waiting, to proven optimality (the median of three). `--problem FILE` (repeatable):
a problem file too, e.g. one the app built, to proven optimality (the median of three). United
States scale: 6,000 hospitals in 50 states, 5,000 patients from ten full states (generated,
seeded), with a 30 s limit. Building (groups, arcs in range, the model) and solving are printed apart; peak memory
is the process's peak RSS. `--quick` (or BENCH_QUICK=1) runs small versions for a smoke test."""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from allocation.highs_handover import silence_highs_banner  # noqa: E402
from allocation.transfers import TransferProblem, TransferProposal, propose, read_problem  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LEVELS = ("invasive", "invasive", "invasive", "invasive", "niv", "ecmo")
URGENCIES = ("immediate", "today", "today", "planned")


def sweden(seed: int, patients: int) -> dict[str, Any]:
    """The real units; Stockholm (01), Skåne (12) and Västra Götaland (14) full, the rest
    between 55 % and 85 % occupied."""
    rng = random.Random(seed)
    full = {"01", "12", "14"}
    units = []
    with (ROOT / "supplyapp" / "data" / "icu_units.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            staffed = int(row["staffed_beds_2020"] or 8)
            if row["region_code"] in full:
                occupied = staffed + rng.randint(0, 1)
            else:
                occupied = round(staffed * rng.uniform(0.55, 0.85))
            free = max(0, staffed - occupied)
            units.append(
                {
                    "code": row["unit_code"],
                    "name": row["name"],
                    "region": row["region_code"],
                    "lat": float(row["lat"]),
                    "lon": float(row["lon"]),
                    "staffed": staffed,
                    "occupied": occupied,
                    "takes": ["child"] if row["kind"] == "paediatric" else ["adult"],
                    "free": {
                        "invasive": free,
                        "niv": rng.randint(0, 2),
                        "ecmo": int(row["ecmo"] == "1" and free > 0),
                    },
                }
            )
    senders = [u["code"] for u in units if u["region"] in full]
    return {
        "units": units,
        "patients": [_patient(rng, n, senders) for n in range(patients)],
        "modes": [
            {"mode": "road", "speed_kmh": 70, "range_km": 400},
            {
                "mode": "helicopter",
                "speed_kmh": 230,
                "range_km": 350,
                "patients_per_trip": 1,
                "trips": 8,
            },
            {
                "mode": "aircraft",
                "speed_kmh": 450,
                "range_km": 2000,
                "patients_per_trip": 2,
                "trips": 6,
            },
        ],
        "policy": {"cushion": 0.10, "max_km_road": 300},
    }


def december_2020(seed: int, patients: int) -> dict[str, Any]:
    """The real units, their staffed places scaled to the 673 of December 2020 and 550 of
    them occupied: Stockholm (01) and Skåne (12) full, the other occupied places spread over
    the other regions in proportion to their staffed places."""
    data = sweden(seed, 0)
    rng = random.Random(seed)
    units = data["units"]
    scale = 673 / sum(u["staffed"] for u in units)
    for u in units:
        u["staffed"] = max(2, round(u["staffed"] * scale))
    largest = sorted(units, key=lambda u: -u["staffed"])
    for k in range(abs(673 - sum(u["staffed"] for u in units))):  # rounding: exactly 673
        largest[k]["staffed"] += 1 if sum(u["staffed"] for u in units) < 673 else -1
    full = {"01", "12"}
    busy = sum(u["staffed"] for u in units if u["region"] in full)
    rest = sum(u["staffed"] for u in units if u["region"] not in full)
    share = (550 - busy) / rest
    for u in units:
        u["occupied"] = u["staffed"] if u["region"] in full else int(u["staffed"] * share)
    others = [u for u in largest if u["region"] not in full]
    for k in range(550 - sum(u["occupied"] for u in units)):  # exactly 550 occupied
        others[k % len(others)]["occupied"] += 1
    for u in units:
        free = u["staffed"] - u["occupied"]
        u["free"] = {
            "invasive": free,
            "niv": rng.randint(0, 1),
            "ecmo": min(u["free"]["ecmo"], 1 if free else 0),
        }
    senders = [u["code"] for u in units if u["region"] in full]
    data["patients"] = [_patient(rng, n, senders) for n in range(patients)]
    return data


def united_states(seed: int, hospitals: int, patients: int) -> dict[str, Any]:
    """Hospitals in 50 'states' (a grid of cells over the lower 48's box), ten of them full."""
    rng = random.Random(seed)
    states = [f"S{n:02}" for n in range(50)]
    centres = {s: (rng.uniform(27, 48), rng.uniform(-122, -70)) for s in states}
    full = set(states[:10])
    units = []
    for n in range(hospitals):
        state = states[n % len(states)]
        lat, lon = centres[state]
        staffed = rng.randint(4, 60)
        occupied = (
            staffed + rng.randint(0, 2)
            if state in full
            else round(staffed * rng.uniform(0.5, 0.85))
        )
        free = max(0, staffed - occupied)
        units.append(
            {
                "code": f"H{n:05}",
                "region": state,
                "lat": lat + rng.gauss(0, 1.2),
                "lon": lon + rng.gauss(0, 1.5),
                "staffed": staffed,
                "occupied": occupied,
                "takes": ["adult", "child"] if rng.random() < 0.2 else ["adult"],
                "free": {
                    "invasive": free,
                    "niv": rng.randint(0, 3),
                    "ecmo": int(rng.random() < 0.05 and free > 0),
                },
            }
        )
    senders = [u["code"] for u in units if u["region"] in full]
    return {
        "units": units,
        "patients": [_patient(rng, n, senders) for n in range(patients)],
        "modes": [
            {"mode": "road", "speed_kmh": 80, "range_km": 400},
            {
                "mode": "helicopter",
                "speed_kmh": 250,
                "range_km": 300,
                "patients_per_trip": 1,
                "trips": 200,
            },
            {
                "mode": "aircraft",
                "speed_kmh": 600,
                "range_km": 2500,
                "patients_per_trip": 4,
                "trips": 150,
            },
        ],
        "policy": {"cushion": 0.10, "max_km_road": 300},
    }


def _patient(rng: random.Random, n: int, senders: list[str]) -> dict[str, Any]:
    return {
        "case": f"B-{n:05}",
        "unit": rng.choice(senders),
        "level": rng.choice(LEVELS),
        "age_group": "child" if rng.random() < 0.05 else "adult",
        "transport_stable": rng.random() < 0.9,
        "urgency": rng.choice(URGENCIES),
    }


def report(name: str, proposal: TransferProposal, wall: float) -> None:
    print(f"BENCH transfers_{name}_status {proposal.status}")
    print(f"BENCH transfers_{name}_seconds {wall:.3f} s")
    print(f"BENCH transfers_{name}_build_seconds {proposal.build_seconds:.3f} s")
    print(f"BENCH transfers_{name}_solve_seconds {proposal.solve_seconds:.3f} s")
    print(f"BENCH transfers_{name}_moves {len(proposal.moves)} patients")
    print(f"BENCH transfers_{name}_unplaced {len(proposal.unplaced)} patients")


def median_of_three(name: str, problem: TransferProblem) -> None:
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        proposal = propose(problem)
        runs.append((time.perf_counter() - start, proposal))
    wall, proposal = sorted(runs, key=lambda r: r[0])[1]
    report(name, proposal, wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", default=bool(os.environ.get("BENCH_QUICK")))
    parser.add_argument("--problem", action="append", default=[], type=Path, metavar="FILE")
    args = parser.parse_args()
    silence_highs_banner()

    day = read_problem(december_2020(2020, 40))
    staffed = sum(u.staffed for u in day.units)
    occupied = sum(u.occupied for u in day.units)
    print(f"BENCH transfers_december_2020_places {staffed} staffed, {occupied} occupied")
    median_of_three("december_2020_40_patients_proven", day)
    for path in args.problem:
        problem = read_problem(json.loads(path.read_text(encoding="utf-8")))
        median_of_three(f"file_{path.stem}_{len(problem.patients)}_patients_proven", problem)

    count = 40 if args.quick else 200
    problem = read_problem(sweden(2020, count))
    start = time.perf_counter()
    proposal = propose(problem)
    report(f"sweden_82_units_{count}_patients_proven", proposal, time.perf_counter() - start)
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        limited = propose(problem, time_limit=1.0)
        runs.append((time.perf_counter() - start, limited))
    wall, limited = sorted(runs, key=lambda r: r[0])[1]
    report(f"sweden_82_units_{count}_patients_1s_limit", limited, wall)
    print(f"BENCH transfers_sweden_1s_limit_hours {sum(m.hours for m in limited.moves):.1f} h")
    print(f"BENCH transfers_sweden_proven_hours {sum(m.hours for m in proposal.moves):.1f} h")

    hospitals, patients = (600, 500) if args.quick else (6000, 5000)
    data = united_states(1918, hospitals, patients)
    start = time.perf_counter()
    problem = read_problem(data)
    read = time.perf_counter() - start
    start = time.perf_counter()
    proposal = propose(problem, time_limit=30.0)
    wall = time.perf_counter() - start
    name = f"us_{hospitals}_hospitals_{patients}_patients_30s_limit"
    print(f"BENCH transfers_{name}_read_seconds {read:.3f} s")
    report(name, proposal, wall)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"BENCH transfers_peak_rss {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()

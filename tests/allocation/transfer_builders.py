"""Small builders of transfer problems (as JSON dicts) for the transfer tests, and the real
Swedish units of supplyapp/data/icu_units.csv (the same file as the shared data)."""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

ICU_UNITS = Path(__file__).resolve().parents[2] / "supplyapp" / "data" / "icu_units.csv"
ROAD = {"mode": "road", "speed_kmh": 70, "range_km": 300}


def aircraft(per_trip: int = 2, trips: int = 3, range_km: float = 2000) -> dict[str, Any]:
    return {
        "mode": "aircraft",
        "speed_kmh": 400,
        "range_km": range_km,
        "patients_per_trip": per_trip,
        "trips": trips,
    }


def unit(
    code: str,
    region: str,
    lat: float = 59.0,
    lon: float = 17.0,
    staffed: int = 10,
    occupied: int = 5,
    takes: tuple[str, ...] = ("adult",),
    name: str = "",
    **free: int,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": code,
        "region": region,
        "lat": lat,
        "lon": lon,
        "staffed": staffed,
        "occupied": occupied,
        "takes": list(takes),
        "free": {"invasive": 0, "ecmo": 0, "niv": 0, **free},
    }
    if name:
        out["name"] = name
    return out


def patient(
    case: str,
    at: str,
    level: str = "invasive",
    age_group: str = "adult",
    stable: bool = True,
    urgency: str = "today",
) -> dict[str, Any]:
    return {
        "case": case,
        "unit": at,
        "level": level,
        "age_group": age_group,
        "transport_stable": stable,
        "urgency": urgency,
    }


def problem(
    units: list[dict[str, Any]],
    patients: list[dict[str, Any]],
    modes: list[dict[str, Any]] | None = None,
    **policy: Any,
) -> dict[str, Any]:
    return {
        "units": units,
        "patients": patients,
        "modes": modes if modes is not None else [ROAD],
        "policy": policy,
    }


def swedish_units(default_staffed: int = 8) -> list[dict[str, Any]]:
    """The 82 units of icu_units.csv: staffed places as in 2020 (8 where not given), a third
    occupied, paediatric units take children and the others adults, ECMO where given."""
    out = []
    with ICU_UNITS.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            staffed = int(row["staffed_beds_2020"] or default_staffed)
            paediatric = row["kind"] == "paediatric"
            out.append(
                unit(
                    row["unit_code"],
                    row["region_code"],
                    float(row["lat"]),
                    float(row["lon"]),
                    staffed=staffed,
                    occupied=staffed - staffed // 3,
                    takes=("child",) if paediatric else ("adult",),
                    name=row["name"],
                    invasive=staffed // 3,
                    ecmo=1 if row["ecmo"] == "1" else 0,
                    niv=1,
                )
            )
    return out


def random_problem(rng: random.Random, units: int = 4, patients: int = 4) -> dict[str, Any]:
    """A small random problem: 2-3 regions over southern Sweden, few places, mixed patients."""
    regions = [f"R{n}" for n in range(rng.randint(2, 3))]
    made = []
    for n in range(units):
        staffed = rng.randint(3, 12)
        made.append(
            unit(
                f"U{n}",
                regions[n] if n < len(regions) else rng.choice(regions),
                rng.uniform(57.0, 60.0),
                rng.uniform(13.0, 18.0),
                staffed=staffed,
                occupied=rng.randint(staffed // 3, staffed + 1),
                takes=rng.choice([("adult",), ("adult",), ("child",), ("adult", "child")]),
                invasive=rng.randint(0, 3),
                ecmo=rng.choice([0, 0, 1]),
                niv=rng.randint(0, 2),
            )
        )
    people = [
        patient(
            f"T-{n}",
            rng.choice(made)["code"],
            rng.choice(["invasive", "invasive", "ecmo", "niv"]),
            rng.choice(["adult", "adult", "adult", "child"]),
            rng.random() < 0.9,
            rng.choice(["immediate", "today", "planned"]),
        )
        for n in range(patients)
    ]
    modes = [{"mode": "road", "speed_kmh": 70, "range_km": rng.choice([200, 300, 500])}]
    if rng.random() < 0.7:
        modes.append(
            aircraft(per_trip=1, trips=rng.randint(0, 2), range_km=rng.choice([300, 2000]))
        )
    if rng.random() < 0.3:
        modes.append(
            {
                "mode": "helicopter",
                "speed_kmh": 220,
                "range_km": 400,
                "patients_per_trip": 1,
                "trips": 1,
            }
        )
    return problem(
        made,
        people,
        modes,
        cushion=rng.choice([0.0, 0.1, 0.1, 0.2]),
        max_km_road=rng.choice([150, 300]),
    )

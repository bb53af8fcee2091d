"""Allocation benchmarks: `python benchmarks/bench_allocation.py [--quick]`.

Prints `BENCH <name> <value> <unit>` lines. Sweden: 5 warehouses, 311 organisations, 40 items,
redistribution on, whole packs (median of several whole plans). United States: 50 depots,
3,143 counties, 100 items, each county routed to its nearest depots. Each scale also solves
the very same LPs with highspy directly, to show what building through PuLP costs.
`--quick` (or BENCH_QUICK=1) runs small versions for a smoke test."""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import resource
import statistics
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import highspy  # noqa: E402
import numpy as np  # noqa: E402

from allocation import Problem, solve  # noqa: E402
from allocation import stages as stages_module  # noqa: E402
from allocation.model import FillData, TransportData  # noqa: E402
from allocation.network import great_circle_km  # noqa: E402

PACKS = (10, 20, 50, 100)


def synthetic(
    seed: int,
    sources: int,
    organisations: int,
    items: int,
    box: tuple[float, float, float, float],
    nearest: int | None,
) -> Problem:
    """A plausible country: warehouses, organisations by population, scarce and ample items."""
    rng = random.Random(seed)
    lat0, lat1, lon0, lon1 = box
    place = [(rng.uniform(lat0, lat1), rng.uniform(lon0, lon1)) for _ in range(sources)]
    codes = [f"I{n:03d}" for n in range(items)]
    orgs = [_organisation(rng, n, organisations, codes, box) for n in range(organisations)]
    scarcity = {c: rng.uniform(0.3, 1.5) for c in codes}
    requested = {c: sum(o["lines"][c]["requested"] for o in orgs) for c in codes}
    srcs = [
        {
            "code": f"W{n:02d}",
            "lat": lat,
            "lon": lon,
            "stock": {
                c: int(requested[c] * scarcity[c] * rng.uniform(0.5, 1.5) / sources) for c in codes
            },
        }
        for n, (lat, lon) in enumerate(place)
    ]
    data: dict[str, Any] = {
        "items": [{"code": c, "pack_size": rng.choice(PACKS)} for c in codes],
        "sources": srcs,
        "reserve": {c: int(0.05 * sum(s["stock"][c] for s in srcs)) for c in codes},
        "organisations": orgs,
        "policy": {
            "name": "needs",
            "donor_floor_days": 28,
            "redistribute": True,
            "whole_packs": True,
        },
    }
    if nearest is not None:
        data["routes"] = _nearest_routes(srcs, orgs, nearest)
    return Problem.from_dict(data)


def _organisation(
    rng: random.Random, n: int, total: int, codes: list[str], box: tuple[float, float, float, float]
) -> dict[str, Any]:
    population = int(math.exp(rng.uniform(math.log(2_500), math.log(1_000_000))))
    lines = {}
    for code in codes:
        use = max(0.0, round(population * rng.uniform(0.0, 0.002), 1))
        asks = rng.random() < 0.6
        lines[code] = {
            "on_hand": int(use * rng.uniform(0, 45)),
            "daily_use": use,
            "requested": int(use * rng.uniform(10, 40)) if asks else 0,
            "priority": rng.choices(("critical", "high", "normal"), (15, 30, 55))[0],
            "may_donate": not asks and rng.random() < 0.5,
        }
    lat0, lat1, lon0, lon1 = box
    return {
        "code": f"O{n:04d}",
        "kind": "region" if n < total // 15 else "municipality",
        "population": population,
        "lat": rng.uniform(lat0, lat1),
        "lon": rng.uniform(lon0, lon1),
        "lines": lines,
    }


def _nearest_routes(
    srcs: list[dict[str, Any]], orgs: list[dict[str, Any]], k: int
) -> list[dict[str, Any]]:
    routes = []
    for org in orgs:
        dist = sorted(
            (great_circle_km(org["lat"], org["lon"], s["lat"], s["lon"]), s["code"]) for s in srcs
        )
        routes += [{"from": code, "to": org["code"], "km": round(km, 1)} for km, code in dist[:k]]
    return routes


class Capture:
    """Keeps the LP data each stage builds, to solve the same LPs with highspy directly."""

    def __init__(self) -> None:
        self.models: list[FillData | TransportData] = []
        self.fill, self.transport = stages_module.build_fill, stages_module.build_transport

    def __enter__(self) -> Capture:
        def fill(data: FillData) -> Any:
            self.models.append(data)
            return self.fill(data)

        def transport(data: TransportData) -> Any:
            self.models.append(data)
            return self.transport(data)

        stages_module.build_fill, stages_module.build_transport = fill, transport
        return self

    def __exit__(self, *exc: object) -> None:
        stages_module.build_fill, stages_module.build_transport = self.fill, self.transport


class Matrix:
    """Columns and rows of one LP in the arrays highspy takes."""

    def __init__(self) -> None:
        self.cost: list[float] = []
        self.upper: list[float] = []
        self.rows: list[tuple[float, float, list[int], list[float]]] = []

    def column(self, cost: float, upper: float = highspy.kHighsInf) -> int:
        self.cost.append(cost)
        self.upper.append(upper)
        return len(self.cost) - 1

    def row(self, low: float, high: float, cols: list[int], coefs: list[float]) -> None:
        self.rows.append((low, high, cols, coefs))

    def solve(self, maximise: bool) -> None:
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("presolve", "off")
        n = len(self.cost)
        h.addCols(
            n,
            np.array(self.cost),
            np.zeros(n),
            np.array(self.upper),
            0,
            np.zeros(0, np.int32),
            np.zeros(0, np.int32),
            np.zeros(0),
        )
        starts, index, value = [], [], []
        for _, _, cols, coefs in self.rows:
            starts.append(len(index))
            index += cols
            value += coefs
        h.addRows(
            len(self.rows),
            np.array([r[0] for r in self.rows]),
            np.array([r[1] for r in self.rows]),
            len(index),
            np.array(starts, np.int32),
            np.array(index, np.int32),
            np.array(value),
        )
        if maximise:
            h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"highspy: {h.getModelStatus()}")


def highspy_fill(data: FillData) -> None:
    inf = highspy.kHighsInf
    m = Matrix()
    arcs = [(s, r) for s, r, _ in data.arcs if r in data.bands]
    ship = [m.column(0.0) for _ in arcs]
    by_s: dict[str, list[int]] = {}
    by_r: dict[str, list[int]] = {}
    for j, (s, r) in zip(ship, arcs, strict=True):
        by_s.setdefault(s, []).append(j)
        by_r.setdefault(r, []).append(j)
    for s, cols in by_s.items():
        m.row(-inf, data.supplier_caps[s], cols, [1.0] * len(cols))
    if data.total_cap is not None and ship:
        m.row(-inf, data.total_cap, ship, [1.0] * len(ship))
    for r, cols in by_r.items():
        bands = [m.column(w, size) for size, w in data.bands[r]]
        m.row(0.0, 0.0, cols + bands, [1.0] * len(cols) + [-1.0] * len(bands))
    m.solve(maximise=True)


def highspy_transport(data: TransportData) -> None:
    inf = highspy.kHighsInf
    m = Matrix()
    ranged = any(low < high for low, high in data.bounds.values())
    longest = max((a[2] for a in data.arcs), default=0.0)
    bonus = ((2 * len(data.supplier_caps) + 1) * longest + 1.0) * data.lot if ranged else 0.0
    groups: dict[tuple[str, str], list[int]] = {}
    for s, r, km, kind in data.arcs:
        if data.bounds[r, kind][1] > 0:
            j = m.column(km * data.lot - bonus)
            for key in (("s", s), ("k", r + "\0" + kind), ("r", r)):
                groups.setdefault(key, []).append(j)
            if kind == "distribution":
                groups.setdefault(("n", ""), []).append(j)
    kinds = ("distribution", "redistribution")
    for (kind, key), cols in groups.items():
        ones = [1.0] * len(cols)
        if kind == "s":
            m.row(-inf, data.supplier_caps[key], cols, ones)
        elif kind == "n" and data.national_cap is not None:
            m.row(-inf, data.national_cap, cols, ones)
        elif kind == "k":
            r, flow = key.split("\0")
            m.row(*data.bounds[r, flow], cols, ones)
        elif (
            kind == "r"
            and all(("k", key + "\0" + k) in groups for k in kinds)
            and sum(data.bounds[key, k][1] for k in kinds) > data.recipient_caps[key]
        ):
            m.row(-inf, data.recipient_caps[key], cols, ones)
    m.solve(maximise=False)


def highspy_seconds(models: list[FillData | TransportData]) -> float:
    start = time.perf_counter()
    for data in models:
        (highspy_fill if isinstance(data, FillData) else highspy_transport)(data)
    return time.perf_counter() - start


def bench(name: str, problem: Problem, runs: int) -> None:
    totals, builds, solves, cpu = [], [], [], []
    columns = 0
    for _ in range(runs):
        start = time.process_time()
        with Capture() as capture:
            plan = solve(problem)
        cpu.append(time.process_time() - start)
        totals.append(plan.seconds)
        builds.append(plan.build_seconds)
        solves.append(plan.solve_seconds)
    direct = [highspy_seconds(capture.models) for _ in range(min(runs, 3))]
    for data in capture.models:
        columns += len(data.arcs) + (
            sum(len(b) for b in data.bands.values()) if isinstance(data, FillData) else 0
        )
    print(f"BENCH alloc_{name}_median_s {statistics.median(totals):.3f} s")
    print(f"BENCH alloc_{name}_cpu_median_s {statistics.median(cpu):.3f} s")
    print(f"BENCH alloc_{name}_build_s {statistics.median(builds):.3f} s")
    print(f"BENCH alloc_{name}_solve_s {statistics.median(solves):.3f} s")
    print(f"BENCH alloc_{name}_highspy_direct_s {statistics.median(direct):.3f} s")
    print(
        f"BENCH alloc_{name}_pulp_over_highspy "
        f"{statistics.median(totals) / statistics.median(direct):.2f} x"
    )
    print(f"BENCH alloc_{name}_models {len(capture.models)} count")
    print(f"BENCH alloc_{name}_columns {columns} count")
    print(f"BENCH alloc_{name}_shipments {len(plan.shipments)} count")
    print(f"BENCH alloc_{name}_peak_rss_mb {_peak_rss_mb():.0f} MB")


def _versions() -> str:
    """One line naming what was measured: Python, PuLP, highspy and the HiGHS it wraps."""
    h = highspy.Highs()
    highs = f"{h.version()}" if hasattr(h, "version") else "unknown"
    return (
        f"VERSIONS python {platform.python_version()} pulp {metadata.version('pulp')} "
        f"highspy {metadata.version('highspy')} HiGHS {highs}"
    )


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        default=bool(os.environ.get("BENCH_QUICK")),
        help="small sizes for a smoke run",
    )
    parser.add_argument("--scale", choices=("sweden", "us", "both"), default="both")
    parser.add_argument(
        "--runs",
        type=int,
        default=None,
        help="whole plans for the Sweden median (default 7, quick 2)",
    )
    args = parser.parse_args()
    print(_versions())
    sweden = (5, 311, 40) if not args.quick else (5, 60, 5)
    us = (50, 3143, 100) if not args.quick else (10, 200, 4)
    if args.scale in ("sweden", "both"):
        start = time.perf_counter()
        problem = synthetic(2020, *sweden, box=(55.3, 67.9, 11.5, 23.5), nearest=None)
        print(f"BENCH alloc_sweden_generate_s {time.perf_counter() - start:.2f} s")
        bench("sweden", problem, runs=args.runs or (7 if not args.quick else 2))
    if args.scale in ("us", "both"):
        start = time.perf_counter()
        problem = synthetic(1918, *us, box=(25.0, 49.0, -124.0, -67.0), nearest=3)
        print(f"BENCH alloc_us_generate_s {time.perf_counter() - start:.2f} s")
        bench("us", problem, runs=1)


if __name__ == "__main__":
    main()

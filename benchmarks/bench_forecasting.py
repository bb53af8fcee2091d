"""Forecasting benchmarks: `python benchmarks/bench_forecasting.py [--quick]`.

Prints `BENCH <name> <value> <unit>` lines. Sweden: the 21 regions and 290 municipalities of
supplyapp/data, every item of items.csv, 26 weeks, three scenarios (base; EU call-offs fail
and use x 1.5; crisis conservation, a warehouse lost, orders 3 weeks late, cases method), each
an ICU forecast per region plus the supply projection. United States:
3,143 counties (each its own ICU region) x 100 items x 26 weeks, the same three scenarios.
Targets: Sweden under 1 s for the three, US scale under 30 s. Timings are medians of repeats.
`--quick` (or BENCH_QUICK=1) runs a small US scale for a smoke test."""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forecasting import (  # noqa: E402
    Channel,
    ChannelRecord,
    IcuInputs,
    IcuScenario,
    OrganisationUse,
    PipelineDelivery,
    RegionIcu,
    SupplyInputs,
    SupplyScenario,
    forecast_regions,
    project_supply,
)

START = date(2026, 12, 1)
WEEKS = 26
DATA = Path(__file__).resolve().parent.parent / "supplyapp" / "data"
CHANNELS = (
    Channel("order", "Open orders", "Acme AB"),
    Channel("eu_calloff", "rescEU call-off", "EU"),
    Channel("domestic_contract", "Domestic contract", "Svensk Skydd AB"),
)
SCENARIOS = {
    "base": SupplyScenario(icu_scenario=IcuScenario("doubling", doubling_days=21)),
    "eu_fail_use_1_5": SupplyScenario(
        use_factor=1.5,
        failed_channels=frozenset({"eu_calloff"}),
        icu_scenario=IcuScenario("doubling", length_of_stay=21, doubling_days=10),
    ),
    "crisis_lost_late": SupplyScenario(
        conservation="crisis",
        lost_warehouses=frozenset({"W0"}),
        delayed_channels={"order": 3},
        icu_scenario=IcuScenario("cases", length_of_stay=10, probability=0.05),
    ),
}


def codes_from(name: str, column: str = "code") -> list[str]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return [row[column] for row in csv.DictReader(handle)]


def country(seed: int, regions: list[str], municipalities: int, items: list[str]) -> SupplyInputs:
    """A plausible country: a region authority per region (its ICU's stock), municipalities."""
    rng = random.Random(seed)
    organisations = []
    for region in regions:
        for item in items:
            use = rng.uniform(10, 2000)
            organisations.append(
                OrganisationUse(f"R{region}", item, use, use * rng.uniform(0, 60), region)
            )
    for m in range(municipalities):
        for item in items:
            use = rng.uniform(1, 200)
            organisations.append(OrganisationUse(f"K{m}", item, use, use * rng.uniform(0, 60)))
    total = {i: sum(o.daily_use for o in organisations if o.item == i) for i in items}
    stock = {f"W{w}": {i: total[i] * 7 * rng.uniform(1, 6) for i in items} for w in range(5)}
    pipeline = [
        PipelineDelivery(i, START + timedelta(weeks=w, days=rng.randrange(7)), total[i] * 3, c)
        for i in items
        for w in range(WEEKS)
        for c in CHANNELS
        if rng.random() < 0.3
    ]
    records = {c: ChannelRecord(rng.uniform(0.5, 1), rng.uniform(0.7, 1)) for c in CHANNELS}
    icu = IcuInputs(START, {r: _region_icu(rng, r) for r in regions}, days=WEEKS * 7)
    per_patient_day = {i: rng.choice([0.0, 2.0, 10.0, 20.0, 35.0]) for i in items}
    return SupplyInputs(START, items, stock, pipeline, records, organisations, per_patient_day, icu)


def _region_icu(rng: random.Random, region: str) -> RegionIcu:
    places = rng.randint(5, 150)
    cases = {START - timedelta(days=d): rng.uniform(0, 500) for d in range(1, 30)}
    return RegionIcu(places, places * rng.uniform(0.3, 0.9), cases)


def run_all(inputs: SupplyInputs) -> dict[str, float]:
    """Every scenario, ICU forecast and supply projection; seconds each."""
    seconds = {}
    assert inputs.icu_inputs is not None
    for name, scenario in SCENARIOS.items():
        began = time.perf_counter()
        assert scenario.icu_scenario is not None
        icu = forecast_regions(inputs.icu_inputs, scenario.icu_scenario)
        projection = project_supply(inputs, scenario, WEEKS, icu=icu)
        seconds[name] = time.perf_counter() - began
        assert len(projection) == len(inputs.items)
    return seconds


def bench(label: str, inputs: SupplyInputs, repeats: int, limit: float) -> None:
    runs = [run_all(inputs) for _ in range(repeats)]
    totals = [sum(r.values()) for r in runs]
    organisations = len({o.organisation for o in inputs.organisations})
    print(
        f"# {label}: {organisations} organisations, {len(inputs.items)} items, "
        f"{len(inputs.pipeline)} deliveries, {WEEKS} weeks, {len(SCENARIOS)} scenarios"
    )
    for name in SCENARIOS:
        print(f"BENCH forecast_{label}_{name}_s {statistics.median(r[name] for r in runs):.3f} s")
    total = statistics.median(totals)
    print(f"BENCH forecast_{label}_three_scenarios_s {total:.3f} s")
    print(f"# {label}: {'under' if total < limit else 'OVER'} the {limit:g} s target")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", default=bool(os.environ.get("BENCH_QUICK")))
    quick = parser.parse_args().quick
    regions = codes_from("regions.csv")
    municipalities = len(codes_from("municipalities.csv", "code"))
    items = codes_from("items.csv")
    began = time.perf_counter()
    sweden = country(1, regions, municipalities, items)
    print(f"BENCH forecast_sweden_build_inputs_s {time.perf_counter() - began:.3f} s")
    bench("sweden", sweden, 7, 1.0)
    counties = 300 if quick else 3143
    began = time.perf_counter()
    us = country(2, [f"{n:05d}" for n in range(counties)], 0, [f"I{n:03d}" for n in range(100)])
    print(f"BENCH forecast_us_build_inputs_s {time.perf_counter() - began:.3f} s")
    bench("us", us, 1 if quick else 3, 30.0)


if __name__ == "__main__":
    main()

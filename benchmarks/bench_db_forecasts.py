"""Forecasts on the demo's data: gathering a run's inputs from the database, computing the base
scenario through the forecasting package, and the whole run kept (gather + compute + store);
then the scenario page and a comparison of two runs rendered. Median of runs.

Uses DATABASE_URL if set (PostgreSQL via scripts/with-postgres.sh), else a temp SQLite file.
The demo (`flask demo`: 332 organisations, 11 items, 82 ICU units over eight weeks, the
pipeline) is loaded first; its load time is not measured.

    python benchmarks/bench_db_forecasts.py
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import bench_app  # noqa: E402
from supplyapp import audit  # noqa: E402
from supplyapp.demo import load_demo  # noqa: E402
from supplyapp.extensions import db  # noqa: E402
from supplyapp.queries import forecasts as forecast_queries  # noqa: E402
from supplyapp.services import accounts, forecasts, forecasts_scenarios  # noqa: E402

RUNS = 7


def _median(work) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    app = bench_app("forecasts")
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_demo()
        with audit.acting_as("bench"):
            accounts.create_user("bench.officer", "Bench", "officer", "bench-password-1")
        inputs = forecast_queries.gather_inputs()
        settings = dict(forecasts_scenarios.DEFAULTS)
        gather = _median(forecast_queries.gather_inputs)
        compute = _median(lambda: forecasts.compute(inputs, settings))
        with audit.acting_as("bench.officer"):
            whole = _median(forecasts.refresh_base)
        base = forecast_queries.latest_base_run()
        other = forecast_queries.scenario_named("EU:s avrop uteblir")
        client = app.test_client()
        client.post("/login", data={"username": "bench.officer", "password": "bench-password-1"})
        for url in (
            f"/forecasts/runs/{base.id}",
            f"/forecasts/compare?s={base.scenario_id}&s={other.id}",
        ):
            assert client.get(url).status_code == 200, url
        page = _median(lambda: client.get(f"/forecasts/runs/{base.id}"))
        compare = _median(
            lambda: client.get(f"/forecasts/compare?s={base.scenario_id}&s={other.id}")
        )
        engine = db.engine.dialect.name
    print(f"BENCH forecasts_gather_inputs_{engine} {gather:.3f} s")
    print(f"BENCH forecasts_compute_base_{engine} {compute:.3f} s")
    print(f"BENCH forecasts_run_and_keep_base_{engine} {whole:.3f} s")
    print(f"BENCH forecasts_scenario_page_{engine} {page:.3f} s")
    print(f"BENCH forecasts_compare_page_{engine} {compare:.3f} s")


if __name__ == "__main__":
    main()

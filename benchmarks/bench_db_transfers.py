"""The coordinator's proposal in the app at Swedish scale: the 82 units with the demo's eight
weeks of reports, the demo's transport register, and 200 patients waiting in requests from the
fullest regions' units: how long reading the problem from the database takes, the whole
`run_proposal` use case (problem, model, storing the run and its drafts), and the proposal
page. Median of runs.

Uses DATABASE_URL if set (PostgreSQL via scripts/with-postgres.sh), else a temp SQLite file.

    python benchmarks/bench_db_transfers.py
"""

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import bench_app  # noqa: E402
from supplyapp import audit  # noqa: E402
from supplyapp.demo import reference_data as seed  # noqa: E402
from supplyapp.demo.intensive_care import load_demo_intensive_care  # noqa: E402
from supplyapp.demo.transfers import load_demo_transfers  # noqa: E402
from supplyapp.extensions import db  # noqa: E402
from supplyapp.queries import intensive_care as icu_queries  # noqa: E402
from supplyapp.services import accounts, transfers, transfers_proposal  # noqa: E402

# 200 patients is the Swedish scale; the model (allocation.transfers, merged at the time
# of writing) took about 50 s for 56 patients on this problem, so the app's bench runs 50 by
# default and the figure is printed as measured: `python benchmarks/bench_db_transfers.py 200`.
PATIENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 50
RUNS = 3  # page renders; the model runs once
SENDERS = ("01", "04", "06", "21")  # the demo's regions under 10 % free


def _requests() -> None:
    rng = random.Random(12)
    units = [u for u in icu_queries.units() if u.region.code in SENDERS and u.lat is not None]
    n = 0
    with audit.acting_as("bench"):
        while n < PATIENTS:
            unit = rng.choice(units)
            batch = min(rng.randint(1, 8), PATIENTS - n)
            given = [
                transfers.PatientInput(
                    f"B-{n + i:05d}",
                    rng.choice(("invasive", "invasive", "invasive", "niv", "ecmo")),
                    "adult",
                    rng.random() < 0.5,
                    rng.random() < 0.9,
                    rng.choice(("immediate", "today", "today", "planned")),
                )
                for i in range(batch)
            ]
            transfers.file_request(unit.code, given)
            n += batch


def main() -> None:
    app = bench_app("transfers")
    with app.app_context():
        db.create_all()
        seed.load_places()
        seed.load_items()
        seed.load_demo_places()
        seed.load_icu_units()
        load_demo_intensive_care()
        load_demo_transfers()
        accounts.create_user("bench.coordinator", "Bench", "icu_coordinator", "bench-password-1")
        _requests()
        build = []
        for _ in range(RUNS):
            started = time.perf_counter()
            problem = transfers_proposal.build_problem()
            build.append(time.perf_counter() - started)
        started = time.perf_counter()
        with audit.acting_as("bench.coordinator"):
            run = transfers_proposal.run_proposal()
        whole = time.perf_counter() - started
        placed = len(run.proposal_json["moves"])
        client = app.test_client()
        client.post(
            "/login", data={"username": "bench.coordinator", "password": "bench-password-1"}
        )
        pages = []
        for _ in range(RUNS):
            started = time.perf_counter()
            response = client.get(f"/transfers/proposals/{run.id}")
            pages.append(time.perf_counter() - started)
            assert response.status_code == 200
    print(f"BENCH transfers_units {len(problem['units'])} units")
    print(f"BENCH transfers_patients {len(problem['patients'])} patients")
    print(f"BENCH transfers_placed {placed} patients")
    print(f"BENCH transfers_build_problem_median_ms {statistics.median(build) * 1000:.0f} ms")
    print(f"BENCH transfers_model_solve_s {run.seconds:.2f} s")
    print(f"BENCH transfers_run_proposal_s {whole:.2f} s")
    print(f"BENCH transfers_proposal_page_median_ms {statistics.median(pages) * 1000:.0f} ms")


if __name__ == "__main__":
    main()

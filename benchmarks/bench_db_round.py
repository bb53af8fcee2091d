"""An allocation round over the full demo data: from the officer's click on "run" to the plan
page on screen.

The demo's places, catalogue, eight weeks of reports from all 321 reporting organisations and
its national stock are loaded; then every organisation that holds under 14 days of an item files
a request for it, so the round spans all items and every organisation (recipients and possible
donors). Timed through the Flask test client as an officer: POST the round form, follow the
redirect, render the plan page. Median of several rounds; a warm-up round is not counted.
Then a second officer's approval of the last plan is timed once (the service call).

Uses DATABASE_URL if set (PostgreSQL via scripts/with-postgres.sh), else a temp SQLite file.

    python benchmarks/bench_db_round.py
"""

import json
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select  # noqa: E402

from benchmarks.common import bench_app  # noqa: E402
from supplyapp import (
    audit,  # noqa: E402
    clock,  # noqa: E402
)
from supplyapp.demo import reference_data as seed  # noqa: E402
from supplyapp.demo.demand import load_demo_demand  # noqa: E402
from supplyapp.demo.supply import load_demo_supply  # noqa: E402
from supplyapp.extensions import db  # noqa: E402
from supplyapp.models.demand import LatestReportLine, ShortageRequest  # noqa: E402
from supplyapp.models.planning import AllocationPlan, PlanLine  # noqa: E402
from supplyapp.services import accounts, plan_review  # noqa: E402

RUNS = 5
LOW_DAYS = 14


def _low_requests(today: date) -> int:
    """Every organisation under LOW_DAYS of an item asks for 28 days of it."""
    rows = []
    for line in db.session.scalars(select(LatestReportLine)):
        use = line.daily_use
        left = max(0, line.stock_on_hand - use * (today - line.as_of).days)
        if use and left / use < LOW_DAYS:
            rows.append(
                {
                    "organisation_id": line.organisation_id,
                    "item_id": line.item_id,
                    "quantity": max(1, 28 * use - left),
                    "needed_by": today + timedelta(days=5),
                    "priority": "HIGH" if left / use < 7 else "NORMAL",  # enums stored by name
                    "justification": "bench",
                    "stock_at_request": left,
                    "daily_use_at_request": use,
                    "status": "SUBMITTED",
                    "met_quantity": 0,
                    "source": "API",
                    "created_by": "bench",
                    "created_at": clock.utcnow(),
                }
            )
    db.session.execute(insert(ShortageRequest), rows)
    db.session.commit()
    return len(rows)


def load(today: date) -> dict:
    with audit.acting_as("system:bench"):
        seed.load_places()
        seed.load_items()
        seed.load_demo_places()
        load_demo_demand(today)
        load_demo_supply()
        requests = _low_requests(today)
        accounts.create_user("bench.officer", "Bench Officer", "officer", "bench-password-1")
    return {"requests": requests}


def main() -> None:
    app = bench_app("round")
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        counts = load(clock.today())
        print(f"BENCH round_load_s {time.perf_counter() - started:.1f} s")
        print(f"BENCH round_open_requests {counts['requests']} requests")
    client = app.test_client()
    client.post("/login", data={"username": "bench.officer", "password": "bench-password-1"})
    timings = []
    for run in range(RUNS + 1):
        started = time.perf_counter()
        response = client.post(
            "/allocation/new",
            data={
                "policy": "needs",
                "donor_floor_days": "28",
                "redistribute": "y",
                "whole_packs": "y",
                "keep_reserve": "y",
            },
            follow_redirects=True,
        )
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        assert "/allocation/plans/" in response.request.path, response.request.path
        if run:
            timings.append(elapsed)
    with app.app_context():
        plan = db.session.scalar(select(AllocationPlan).order_by(AllocationPlan.id.desc()))
        lines = db.session.scalar(
            select(func.count()).select_from(PlanLine).where(PlanLine.plan_id == plan.id)
        )
        recipients = len(plan.context)
        print(f"BENCH round_items {len(json.loads(plan.problem_json)['items'])} items")
        print(f"BENCH round_lines {lines} lines, {recipients} organisation-item pairs")
        print(f"BENCH round_model_solve_s {plan.solve_seconds:.2f} s")
        # The second officer's approval of that plan: reserve, ship, update the requests.
        with audit.acting_as("bench.officer"):
            plan_review.submit(plan.id)
        with audit.acting_as("bench.approver"):
            started = time.perf_counter()
            plan_review.approve(plan.id)
            print(
                f"BENCH round_approve_s {time.perf_counter() - started:.2f} s "
                f"({len(plan.shipments)} shipments)"
            )
        db.session.remove()
        db.engine.dispose()
    print(f"BENCH round_click_to_plan_page_median_s {statistics.median(timings):.2f} s")
    print(f"BENCH round_click_to_plan_page_max_s {max(timings):.2f} s")


if __name__ == "__main__":
    main()

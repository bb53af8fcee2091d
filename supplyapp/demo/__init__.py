"""The demo: real places and catalogue, plus invented but plausible warehouses, users, stock,
reports, requests and allocation rounds. `flask demo` runs `load_demo`; safe to run again."""

from supplyapp import audit
from supplyapp.demo.demand import load_demo_demand
from supplyapp.demo.forecasts import load_demo_forecasts
from supplyapp.demo.intensive_care import load_demo_intensive_care
from supplyapp.demo.planning import load_demo_planning
from supplyapp.demo.reference_data import (
    load_demo_places,
    load_demo_users,
    load_icu_units,
    load_items,
    load_places,
)
from supplyapp.demo.supply import load_demo_supply
from supplyapp.demo.transfers import load_demo_transfers


def load_demo() -> dict:
    """Everything the demo needs on first start; safe to run again."""
    with audit.acting_as("system:demo"):
        counts = {"organisations": load_places(), "items": load_items()}
        load_demo_places()
        counts["icu_units"] = load_icu_units()
        counts["users"] = len(load_demo_users())
        counts["report_lines"] = load_demo_demand()
        counts["lots"] = load_demo_supply()
        counts["plans"] = load_demo_planning()
        counts["icu_reports"] = load_demo_intensive_care()
        counts["forecast_runs"] = load_demo_forecasts()

        counts["transport_resources"] = load_demo_transfers()
    return counts

"""Forecasts' rows of the access matrix (tests/web/test_access.py's format).

The national roles read every scenario, run, comparison and export; officers define, change
and run scenarios (the administrator keeps users and reference data, not scenarios);
organisation-bound users see no national forecast. The records: the base scenario and its run,
and a scenario "EU fails" (forecast_route_records).
"""

from tests.web.test_access import INVALID, to

NATIONAL = {"admin", "officer", "officer2", "logistics", "viewer"}
OFFICERS = {"officer", "officer2"}


FORECAST_ROUTES = [
    ("GET", "/forecasts/", "forecasts.index", NATIONAL),
    (
        "POST",
        "/forecasts/base/run",
        "forecasts.run_base",
        OFFICERS,
        to("/forecasts/scenarios/{base}"),
    ),
    ("GET", "/forecasts/scenarios/new", "forecasts.scenario_new", OFFICERS),
    ("POST", "/forecasts/scenarios/new", "forecasts.scenario_new", OFFICERS, INVALID),
    ("GET", "/forecasts/scenarios/{scenario}", "forecasts.scenario_detail", NATIONAL),
    ("GET", "/forecasts/scenarios/{base}", "forecasts.scenario_detail", NATIONAL),
    ("GET", "/forecasts/scenarios/{scenario}/edit", "forecasts.scenario_edit", OFFICERS),
    ("POST", "/forecasts/scenarios/{scenario}/edit", "forecasts.scenario_edit", OFFICERS, INVALID),
    (
        "POST",
        "/forecasts/scenarios/{scenario}/run",
        "forecasts.scenario_run",
        OFFICERS,
        to("/forecasts/scenarios/{scenario}"),
    ),
    # Tried on the matrix's open request, nothing stored: the page of figures.
    (
        "GET",
        "/forecasts/scenarios/{scenario}/allocation",
        "forecasts.scenario_allocation",
        OFFICERS,
    ),
    ("GET", "/forecasts/runs/{run}", "forecasts.run_detail", NATIONAL),
    ("GET", "/forecasts/runs/{run}/items.xlsx", "forecasts.run_export", NATIONAL),
    ("GET", "/forecasts/runs/{run}/weeks.csv", "forecasts.run_export", NATIONAL),
    ("GET", "/forecasts/runs/{run}/regions.csv", "forecasts.run_export", NATIONAL),
    ("GET", "/forecasts/runs/{run}/error.xlsx", "forecasts.run_export", NATIONAL),
    ("GET", "/forecasts/compare?s={base}&s={scenario}", "forecasts.compare", NATIONAL),
    (
        "GET",
        "/forecasts/compare/export.xlsx?s={base}&s={scenario}",
        "forecasts.compare_export",
        NATIONAL,
    ),
    ("GET", "/forecasts/compare/export.csv?s={base}", "forecasts.compare_export", NATIONAL),
]


FORECAST_API_ROUTES = [
    ("GET", "/api/v1/forecasts/scenarios", "api.list_forecast_scenarios", NATIONAL),
    ("GET", "/api/v1/forecasts/scenarios/{scenario}", "api.get_forecast_scenario", NATIONAL),
    ("GET", "/api/v1/forecasts/runs/{run}", "api.get_forecast_run", NATIONAL),
    ("GET", "/api/v1/forecasts/base", "api.get_forecast_base", NATIONAL),
]


def forecast_route_records() -> dict:
    """The base scenario run once, and a scenario where the EU call-offs fail (not run)."""
    from supplyapp.services import forecasts, forecasts_scenarios
    from tests.conftest import as_user

    with as_user("matrix"):
        run = forecasts.refresh_base()
        scenario = forecasts_scenarios.define_scenario(
            "EU fails", {"failed_channels": ["called_off"]}
        )
    return {"base": run.scenario_id, "run": run.id, "scenario": scenario.id}

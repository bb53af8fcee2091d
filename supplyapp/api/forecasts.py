"""API: forecasts and scenarios, read only, for the national roles' tokens (as the pages)."""

from flask import abort, jsonify

from supplyapp.api import NOT_FOUND, SCHEMAS, endpoint, path_id
from supplyapp.permissions import NATIONAL_ROLES
from supplyapp.queries import forecasts as forecast_queries
from supplyapp.services.forecasts_scenarios import settings_of

TAG = "forecasts"
DAY = {"type": "string", "format": "date", "nullable": True}
SCHEMAS["ForecastScenario"] = {
    "type": "object",
    "required": ["id", "name", "is_base", "settings"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "is_base": {"type": "boolean"},
        "settings": {"type": "object", "description": "The scenario's suppositions"},
        "admissions_file": {"type": "string", "nullable": True},
        "latest_run": {"type": "integer", "nullable": True},
    },
}
SCHEMAS["ForecastRun"] = {
    "type": "object",
    "required": ["id", "scenario", "as_of", "items", "regions"],
    "properties": {
        "id": {"type": "integer"},
        "scenario": {"$ref": "#/components/schemas/ForecastScenario"},
        "as_of": {"type": "string", "format": "date"},
        "run_at": {"type": "string", "format": "date-time"},
        "weeks": {"type": "array", "items": {"type": "string", "format": "date"}},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "start_stock": {"type": "integer"},
                    "run_out_week": {"type": "integer", "nullable": True},
                    "run_out_date": DAY,
                    "stock": {"type": "array", "items": {"type": "integer"}},
                },
            },
        },
        "regions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "staffed": {"type": "number"},
                    "day_80": DAY,
                    "day_90": DAY,
                    "day_100": DAY,
                    "demand": {"type": "array", "items": {"type": "number"}},
                },
            },
        },
        "error": {
            "type": "object",
            "description": "The forecast against the occupied places reported since",
        },
    },
}


def _id(name: str) -> list[dict]:
    return [{"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}]


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _scenario(scenario) -> dict:
    latest = forecast_queries.latest_run(scenario.id)
    return {
        "id": scenario.id,
        "name": scenario.name,
        "is_base": scenario.is_base,
        "settings": settings_of(scenario),
        "admissions_file": scenario.admissions_file,
        "latest_run": latest.id if latest else None,
    }


def _run(run) -> dict:
    against = forecast_queries.forecast_against_actual(run)
    overall = against["overall"]
    return {
        "id": run.id,
        "scenario": _scenario(run.scenario),
        "as_of": run.as_of.isoformat(),
        "run_at": run.run_at.isoformat(),
        "weeks": run.outputs_json["weeks"],
        "items": [
            {
                k: item[k]
                for k in ("code", "name_sv", "name_en", "unit", "start_stock", "run_out_week")
            }
            | {
                "run_out_date": item["run_out_date"],
                "inflow": item["inflow"],
                "need": item["need"],
                "stock": item["stock"],
            }
            for item in run.outputs_json["items"]
        ],
        "regions": [
            {
                "code": r["code"],
                "name": r["name"],
                "staffed": r["staffed"],
                "covid_today": r["covid_today"],
                "other_patients": r["other_patients"],
                **{f"day_{p}": d for p, d in r["thresholds"].items()},
                "demand": r["demand"],
            }
            for r in run.outputs_json["icu"]["regions"]
        ],
        "icu": {k: v for k, v in run.outputs_json["icu"].items() if k != "regions"},
        "records": run.outputs_json.get("records", []),
        "error": {
            "days": overall.days,
            "mean_absolute_error": overall.mean_absolute_error,
            "mean_error": overall.mean_error,
        },
    }


@endpoint(
    "/forecasts/scenarios",
    "get",
    roles=NATIONAL_ROLES,
    tag=TAG,
    summary="Every scenario (the base first) with its suppositions and latest run",
    responses={
        "200": _json(
            "The scenarios",
            {"type": "array", "items": {"$ref": "#/components/schemas/ForecastScenario"}},
        )
    },
)
def list_forecast_scenarios():
    return jsonify([_scenario(s) for s in forecast_queries.scenarios()])


@endpoint(
    "/forecasts/scenarios/{scenario_id}",
    "get",
    roles=NATIONAL_ROLES,
    tag=TAG,
    parameters=_id("scenario_id"),
    summary="A scenario and its latest run",
    responses={
        "200": _json("The scenario", {"type": "object"}),
        **NOT_FOUND,
    },
)
def get_forecast_scenario(scenario_id):
    scenario = forecast_queries.scenario(path_id(scenario_id, "No such scenario."))
    if scenario is None:
        abort(404, "No such scenario.")
    latest = forecast_queries.latest_run(scenario.id)
    return jsonify(scenario=_scenario(scenario), latest_run=_run(latest) if latest else None)


@endpoint(
    "/forecasts/runs/{run_id}",
    "get",
    roles=NATIONAL_ROLES,
    tag=TAG,
    parameters=_id("run_id"),
    summary="A kept forecast run: run-out per item, threshold days per region, its error",
    responses={"200": _json("The run", {"$ref": "#/components/schemas/ForecastRun"}), **NOT_FOUND},
)
def get_forecast_run(run_id):
    run = forecast_queries.run(path_id(run_id, "No such forecast run."))
    if run is None:
        abort(404, "No such forecast run.")
    return jsonify(_run(run))


@endpoint(
    "/forecasts/base",
    "get",
    roles=NATIONAL_ROLES,
    tag=TAG,
    summary="The latest run of the base scenario (404 before the first run)",
    responses={"200": _json("The run", {"$ref": "#/components/schemas/ForecastRun"}), **NOT_FOUND},
)
def get_forecast_base():
    run = forecast_queries.latest_base_run()
    if run is None:
        abort(404, "The base scenario has not been run yet.")
    return jsonify(_run(run))

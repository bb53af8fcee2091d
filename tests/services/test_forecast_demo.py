"""The demo's forecasts: the base and "EU call-offs fail" run, FFP2 weeks earlier in the second
(what the browser journey and the README promise), and loading again adds nothing."""

from sqlalchemy import func, select

from supplyapp.demo import load_demo
from supplyapp.demo.forecasts import EU_FAILS, load_demo_forecasts
from supplyapp.extensions import db
from supplyapp.models.forecasts import ForecastRun
from supplyapp.queries import forecasts as forecast_queries


def _ffp2_week(run) -> int | None:
    return next(i for i in run.outputs_json["items"] if i["code"] == "ffp2")["run_out_week"]


def test_the_demo_runs_the_base_and_the_eu_failure_and_ffp2_runs_out_weeks_earlier(app_context):
    load_demo()
    base = forecast_queries.latest_base_run()
    failing = forecast_queries.latest_run(forecast_queries.scenario_named(EU_FAILS).id)
    assert base is not None and failing is not None
    base_week, failing_week = _ffp2_week(base), _ffp2_week(failing)
    assert failing_week is not None
    assert base_week is None or base_week >= failing_week + 4
    per_day = {i["code"]: i["per_icu_patient_day"] for i in base.inputs_json["data"]["items"]}
    assert per_day["ffp2"] == 35 and per_day["gown"] == 20 and per_day["mask_iir"] == 10
    assert load_demo_forecasts() == 0
    assert db.session.scalar(select(func.count()).select_from(ForecastRun)) == 2

"""Forecasts in the app: the inputs gathered right from known data, runs kept with their inputs,
scenarios checked (every bad table row named, nothing stored), the error against what happened."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from supplyapp import clock
from supplyapp.extensions import db
from supplyapp.imports import ImportRejected
from supplyapp.models import AuditEvent
from supplyapp.models.forecasts import ForecastRun, Scenario
from supplyapp.queries import forecasts as forecast_queries
from supplyapp.services import forecasts, forecasts_scenarios
from supplyapp.services.errors import InvalidInput
from tests import forecast_factories
from tests.conftest import as_user
from tests.forecast_factories import icu_report
from tests.planning_factories import reported

known_data = forecast_factories.known_data  # the fixture


def test_the_inputs_are_gathered_from_the_stock_the_pipeline_the_reports_and_intensive_care(
    known_data,
):
    inputs = forecast_queries.gather_inputs()
    assert inputs["as_of"] == clock.today().isoformat()
    assert inputs["stock"] == [
        {"item": "ffp2", "warehouse": "NL-ARN", "quantity": 1000},
        {"item": "ffp2", "warehouse": "NL-GBG", "quantity": 500},
    ]
    due = clock.today() + timedelta(days=10)
    monday = due - timedelta(days=due.weekday())
    assert inputs["pipeline"] == [
        {
            "item": "ffp2",
            "week": monday.isoformat(),
            "channel": "called_off",
            "quantity": 3000,
            "source": known_data["call_off"].code,
            "supplier": "EU-JPA",
        }
    ]
    assert {"county": "03", "item": "ffp2", "stock": 100, "daily_use": 20, "reports": 1} in inputs[
        "reported"
    ]
    today = clock.today().isoformat()
    assert inputs["icu"]["03"] == [{"day": today, "staffed": 10, "occupied": 8, "covid": 4}]
    assert inputs["icu"]["01"] == [{"day": today, "staffed": 20, "occupied": 15, "covid": 6}]
    ffp2 = next(i for i in inputs["items"] if i["code"] == "ffp2")
    assert ffp2["per_icu_patient_day"] == 35
    # Two orders delivered in full on time (the lots): the market channel's record.
    assert [d["channel"] for d in inputs["deliveries"]] == ["ordered", "ordered"]
    assert all(d["rejected"] == 0 for d in inputs["deliveries"])


def test_a_run_is_kept_with_its_inputs_and_outputs_and_the_audit_log_does_not_copy_them(
    known_data,
):
    with as_user("officer"):
        run = forecasts.refresh_base()
    stored = db.session.get(ForecastRun, run.id)
    assert stored.run_by == "officer" and stored.scenario.is_base
    assert stored.inputs_json["data"]["stock"][0]["quantity"] == 1000
    assert stored.inputs_json["settings"]["use_factor"] == 1.0
    ffp2 = next(i for i in stored.outputs_json["items"] if i["code"] == "ffp2")
    assert ffp2["start_stock"] == 1500
    # Uppsala's region: 4 covid + 4 other patients of 10 places: 80 % today.
    uppsala = next(r for r in stored.outputs_json["icu"]["regions"] if r["code"] == "03")
    assert uppsala["demand"][0] == pytest.approx(8, abs=0.01)
    assert uppsala["thresholds"]["80"] == clock.today().isoformat()
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.entity == "forecast_runs", AuditEvent.action == "create"
        )
    )
    assert event.actor == "officer"
    assert event.after["inputs_json"] == "(stored with the record)"


def test_when_the_eu_call_offs_fail_ffp2_runs_out_earlier(known_data):
    with as_user("officer"):
        base = forecasts.refresh_base()
        scenario = forecasts_scenarios.define_scenario(
            "EU fails", {"failed_channels": ["called_off"], "use_factor": 10.0}
        )
        base_10 = forecasts_scenarios.define_scenario("Use x 10", {"use_factor": 10.0})
        failing = forecasts.run_scenario(scenario.id)
        busy = forecasts.run_scenario(base_10.id)
    week = {
        name: next(i for i in run.outputs_json["items"] if i["code"] == "ffp2")["run_out_week"]
        for name, run in (("base", base), ("fails", failing), ("busy", busy))
    }
    # Uppsala kommun's 200 a day (x 10) beyond its own 100: the 1,500 last one week.
    assert week["fails"] is not None
    assert week["busy"] is None or week["busy"] > week["fails"]


def test_a_bad_setting_is_refused_by_name_and_nothing_is_stored(known_data):
    with as_user("officer"), pytest.raises(InvalidInput) as refused:
        forecasts_scenarios.define_scenario(
            "Bad",
            {
                "use_factor": 0,
                "failed_channels": ["pigeons"],
                "lost_warehouses": ["NOWHERE"],
                "length_of_stay": 12,
            },
        )
    assert set(refused.value.errors) == {
        "use_factor",
        "failed_channels",
        "lost_warehouses",
        "length_of_stay",
    }
    assert "NOWHERE" in refused.value.errors["lost_warehouses"]
    assert db.session.scalar(select(func.count()).select_from(Scenario)) == 0


def test_a_late_delivery_needs_its_weeks_and_the_base_cannot_be_changed(known_data):
    with as_user("officer"):
        with pytest.raises(InvalidInput) as refused:
            forecasts_scenarios.define_scenario("Late", {"delayed_channels": ["ordered"]})
        assert "delay_weeks" in refused.value.errors
        base = forecasts_scenarios.ensure_base()
        with pytest.raises(forecasts_scenarios.ScenarioInUse):
            forecasts_scenarios.change_scenario(base.id, "Other", {})
        with pytest.raises(InvalidInput) as taken:
            forecasts_scenarios.define_scenario(forecasts_scenarios.BASE_NAME, {})
        assert "name" in taken.value.errors


BAD_TABLE = (
    "region;datum;admissions\n"
    "03;2026-12-01;2\n"
    "99;2026-12-02;1\n"  # row 3: unknown region
    "03;2026-12-02;-4\n"  # row 4: negative
    "03;2026-12-05;1\n"  # row 5: 3 and 4 December missing
)


def test_a_bad_admissions_table_names_every_row_and_nothing_is_stored(known_data):
    with pytest.raises(ImportRejected) as refused:
        forecasts_scenarios.read_admissions_file(BAD_TABLE.encode(), "fohm.csv")
    where = {(e.row, e.column) for e in refused.value.errors}
    assert {(3, "region"), (4, "admissions"), (5, "date")} <= where
    messages = " ".join(str(e) for e in refused.value.errors)
    assert "'99'" in messages and "-4" in messages and "2026-12-03" in messages
    assert db.session.scalar(select(func.count()).select_from(Scenario)) == 0


def test_a_good_admissions_table_drives_the_intensive_care_forecast(known_data):
    start = clock.today()
    rows = "region,date,admissions\n" + "".join(
        f"Region Uppsala,{(start + timedelta(days=d)).isoformat()},2\n" for d in range(30)
    )
    table = forecasts_scenarios.read_admissions_file(rows.encode(), "iva.csv")
    assert table["rows"][0] == {"region": "03", "day": start.isoformat(), "admissions": 2.0}
    with as_user("officer"):
        scenario = forecasts_scenarios.define_scenario(
            "FoHM", {"icu_method": "table", "length_of_stay": 10}, table
        )
        run = forecasts.run_scenario(scenario.id)
    uppsala = next(r for r in run.outputs_json["icu"]["regions"] if r["code"] == "03")
    # Day 20: today's patients have left; 2 a day x 10 days = 20 covid + 4 others = 24.
    assert uppsala["demand"][20] == pytest.approx(24)
    assert uppsala["thresholds"]["100"] is not None


def test_the_table_method_without_a_table_is_refused(known_data):
    with as_user("officer"), pytest.raises(InvalidInput) as refused:
        forecasts_scenarios.define_scenario("No table", {"icu_method": "table"})
    assert "admissions_file" in refused.value.errors


def test_a_kept_forecast_is_held_against_the_reports_that_came_after(known_data, frozen_clock):
    with as_user("officer"):
        run = forecasts.refresh_base()
    # Two days later Uppsala reports 12 patients, Danderyd 15.
    frozen_clock.shift(timedelta(days=2))
    icu_report("UPPSALA-CIVA", staffed=10, occupied=12, covid=8)
    icu_report("DANDERYD-IVA", staffed=20, occupied=15, covid=6)
    found = forecast_queries.forecast_against_actual(run)
    uppsala = next(r for r in found["regions"] if r["code"] == "03")
    day, forecast, actual = uppsala["pairs"][-1]
    assert day == clock.today() and actual == 12
    assert uppsala["mean_error"] == pytest.approx(
        sum(f - a for _, f, a in uppsala["pairs"]) / uppsala["days"]
    )
    assert found["overall"].days >= 2


def test_the_doubling_time_is_fitted_to_the_nations_covid_patients():
    inputs = {
        "icu": {
            "01": [
                {"day": "2026-11-01", "covid": 100},
                {"day": "2026-11-15", "covid": 200},
            ]
        }
    }
    assert forecasts.fitted_doubling_days(inputs) == pytest.approx(14)
    falling = {
        "icu": {"01": [{"day": "2026-11-01", "covid": 200}, {"day": "2026-11-15", "covid": 100}]}
    }
    assert forecasts.fitted_doubling_days(falling) == forecasts.FLAT_DOUBLING_DAYS


def test_the_start_page_alerts_read_the_base_run(known_data):
    # Stockholm uses 1,000 gowns a day and holds none; no national gowns: gone this week.
    reported("0180", "gown", stock=0, use=1000)
    # Uppsala's ICU is full today (10 of 10), Stockholm's is at 75 %.
    icu_report("UPPSALA-CIVA", staffed=10, occupied=10, covid=4)
    with as_user("officer"):
        forecasts.refresh_base()
    alerts = forecast_queries.start_page_alerts(forecast_queries.latest_base_run())
    assert [(i["code"], i["run_out_week"]) for i in alerts["items"]] == [("gown", 0)]
    assert [r["code"] for r in alerts["regions"]] == ["03"]
    assert alerts["regions"][0]["passes"][100] == clock.today()
    assert forecast_queries.start_page_alerts(None) == {"run": None, "items": [], "regions": []}

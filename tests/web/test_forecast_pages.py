"""Forecast pages, exports and API: an officer builds and runs scenarios and compares them,
a viewer reads; a bad table is refused on the page with every row named; the start page."""

import html as html_module
import re

import flask_babel
import pytest
from sqlalchemy import func, select

from supplyapp.extensions import db
from supplyapp.models.forecasts import ForecastRun, Scenario
from supplyapp.queries import forecasts as forecast_queries
from supplyapp.services import forecasts, tokens
from tests import forecast_factories
from tests.conftest import as_user, login
from tests.downloads import csv_rows, workbook_rows
from tests.planning_factories import reported

known_data = forecast_factories.known_data  # the fixture


def text(html: str) -> str:
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def english(client, user):
    login(client, user)
    client.post("/language", data={"lang": "en", "next": "/"})
    # flask-babel keeps the locale it chose on the test's app context: forget it.
    flask_babel.refresh()


@pytest.fixture
def base_run(known_data):
    with as_user("officer"):
        return forecasts.refresh_base()


def test_an_officer_defines_runs_and_compares_a_scenario(client, base_run):
    english(client, "officer")
    page = client.post(
        "/forecasts/scenarios/new",
        data={
            "name": "EU fails",
            "use_factor": "1.5",
            "conservation": "contingency",
            "failed_channels": ["called_off"],
            "delay_weeks": "0",
            "icu_method": "doubling",
            "length_of_stay": "21",
            "icu_probability": "0.03",
        },
    )
    assert page.status_code == 302
    scenario = forecast_queries.scenario_named("EU fails")
    assert scenario.settings["failed_channels"] == ["called_off"]
    assert scenario.settings["length_of_stay"] == 21 and scenario.settings["use_factor"] == 1.5
    assert page.headers["Location"].endswith(f"/forecasts/scenarios/{scenario.id}")
    shown = text(client.get(page.headers["Location"]).data.decode())
    assert "EU call-offs" in shown and "has not been run yet" in shown
    run = client.post(f"/forecasts/scenarios/{scenario.id}/run")
    assert run.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ForecastRun)) == 2
    html = client.get(f"/forecasts/scenarios/{scenario.id}").data.decode()
    assert 'data-testid="run-out-chart"' in html and 'data-testid="run-regions"' in html
    assert "Region Uppsala" in html and "FFP2 respirator" in html
    compared = client.get(f"/forecasts/compare?s={base_run.scenario_id}&s={scenario.id}")
    assert compared.status_code == 200
    words = text(compared.data.decode())
    assert "Base" in words and "EU fails" in words
    row = compared.data.decode().split('data-item="ffp2"')[1].split("</tr>")[0]
    assert row.count("<td") == 2


def test_a_viewer_reads_but_may_not_define_or_run(client, base_run):
    english(client, "viewer")
    html = client.get("/forecasts/").data.decode()
    assert 'data-testid="scenarios"' in html and "new-scenario" not in html
    assert client.get("/forecasts/scenarios/new").status_code == 403
    assert client.post(f"/forecasts/scenarios/{base_run.scenario_id}/run").status_code == 403
    assert client.get(f"/forecasts/runs/{base_run.id}").status_code == 200


def test_a_bad_table_upload_names_every_row_in_swedish_and_stores_nothing(client, known_data):
    login(client, "officer")  # Swedish, the default
    bad = b"region;datum;admissions\n03;2026-12-01;2\n99;2026-12-02;1\n03;2026-12-02;-4\n"
    page = client.post(
        "/forecasts/scenarios/new",
        data={
            "name": "FoHM",
            "use_factor": "1",
            "conservation": "standard",
            "delay_weeks": "0",
            "icu_method": "table",
            "length_of_stay": "14",
            "icu_probability": "0.03",
            "admissions_file": (__import__("io").BytesIO(bad), "fohm.csv"),
        },
        content_type="multipart/form-data",
    )
    assert page.status_code == 422
    errors = text(page.data.decode().split('data-testid="upload-errors"')[1].split("</div>")[0])
    assert "rad 3" in errors and "okänd region '99'" in errors
    assert "rad 4" in errors and "negativt" in errors
    assert db.session.scalar(select(func.count()).select_from(Scenario)) == 0


def test_the_exports_hold_the_runs_tables(client, base_run):
    login(client, "viewer")
    items = workbook_rows(client.get(f"/forecasts/runs/{base_run.id}/items.xlsx").data)
    ffp2 = next(r for r in items if r["item"] == "ffp2")
    assert ffp2["start_stock"] == 1500
    regions = csv_rows(client.get(f"/forecasts/runs/{base_run.id}/regions.csv").data)
    uppsala = next(r for r in regions if r["region"] == "03")
    assert uppsala["staffed"] in ("10", "10.0") and uppsala["covid_today"] == "4"
    weeks = csv_rows(client.get(f"/forecasts/runs/{base_run.id}/weeks.csv").data)
    assert len([w for w in weeks if w["item"] == "ffp2"]) == 26
    compared = csv_rows(client.get(f"/forecasts/compare/export.csv?s={base_run.scenario_id}").data)
    assert {r["kind"] for r in compared} == {"run_out_week", "day_80", "day_90", "day_100"}


def test_the_api_reads_scenarios_and_runs(client, base_run):
    with as_user("admin"):
        token = tokens.issue_user_token("viewer", "t")[1]
    headers = {"Authorization": f"Bearer {token}"}
    scenarios = client.get("/api/v1/forecasts/scenarios", headers=headers).get_json()
    assert scenarios[0]["is_base"] and scenarios[0]["latest_run"] == base_run.id
    run = client.get(f"/api/v1/forecasts/runs/{base_run.id}", headers=headers).get_json()
    ffp2 = next(i for i in run["items"] if i["code"] == "ffp2")
    assert ffp2["start_stock"] == 1500 and len(ffp2["stock"]) == 26
    uppsala = next(r for r in run["regions"] if r["code"] == "03")
    assert uppsala["staffed"] == 10 and "day_100" in uppsala
    base = client.get("/api/v1/forecasts/base", headers=headers).get_json()
    assert base["id"] == base_run.id
    assert client.get("/api/v1/forecasts/runs/999999", headers=headers).status_code == 404
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/forecasts/runs/{run_id}" in paths


def test_the_start_page_warns_officers_and_viewers_from_the_base_run(client, known_data):
    reported("0180", "gown", stock=0, use=1000)
    with as_user("officer"):
        forecasts.refresh_base()
    for user in ("officer", "viewer"):
        english(client, user)
        html = client.get("/").data.decode()
        section = text(html.split('data-testid="start-forecast"')[1].split("</section>")[0])
        assert "Protective gown" in section and "this week" in section
        client.post("/logout")
    english(client, "logistics")
    assert 'data-testid="start-forecast"' not in client.get("/").data.decode()


def test_an_allocation_round_is_tried_on_a_scenario_without_being_proposed(client, users):
    from supplyapp.models.planning import AllocationPlan
    from supplyapp.services import forecasts_scenarios
    from tests.planning_factories import shortage_scenario

    shortage_scenario(national=1000)  # NL-ARN holds the 1,000
    with as_user("officer"):
        scenario = forecasts_scenarios.define_scenario(
            "Arlanda lost", {"lost_warehouses": ["NL-ARN"], "use_factor": 2.0}
        )
    english(client, "officer")
    page = client.get(f"/forecasts/scenarios/{scenario.id}/allocation")
    assert page.status_code == 200
    html = page.data.decode()
    allocated = html.split('data-figure="allocated"')[1].split("</tr>")[0]
    now, supposed = re.findall(r'<td class="num">([^<]*)</td>', allocated)
    assert now != "0" and supposed == "0"  # with Arlanda lost nothing national goes out
    assert db.session.scalar(select(func.count()).select_from(AllocationPlan)) == 0


def test_changing_a_scenario_keeps_its_table_and_its_kept_runs(client, known_data):
    from datetime import timedelta

    from supplyapp import clock
    from supplyapp.services import forecasts_scenarios

    start = clock.today()
    rows = "region,date,admissions\n" + "".join(
        f"03,{(start + timedelta(days=d)).isoformat()},1\n" for d in range(5)
    )
    table = forecasts_scenarios.read_admissions_file(rows.encode(), "fohm.csv")
    with as_user("officer"):
        scenario = forecasts_scenarios.define_scenario("FoHM", {"icu_method": "table"}, table)
        run = forecasts.run_scenario(scenario.id)
    english(client, "officer")
    form = client.get(f"/forecasts/scenarios/{scenario.id}/edit").data.decode()
    assert 'value="FoHM"' in form and "fohm.csv (5" in text(form)
    changed = client.post(
        f"/forecasts/scenarios/{scenario.id}/edit",
        data={
            "name": "FoHM, 10 days",
            "use_factor": "1",
            "conservation": "crisis",
            "delay_weeks": "0",
            "icu_method": "table",
            "length_of_stay": "10",
            "icu_probability": "0.03",
        },
    )
    assert changed.status_code == 302
    db.session.expire_all()
    stored = forecast_queries.scenario(scenario.id)
    assert stored.name == "FoHM, 10 days" and stored.settings["conservation"] == "crisis"
    assert stored.admissions_file == "fohm.csv" and len(stored.admissions_json) == 5
    assert forecast_queries.run(run.id).inputs_json["settings"]["length_of_stay"] == 14
    base = forecasts_scenarios.ensure_base()
    assert client.get(f"/forecasts/scenarios/{base.id}/edit").status_code == 404


def test_comparing_scenarios_that_have_not_run_sends_back_with_a_reason(client, known_data):
    from supplyapp.services import forecasts_scenarios

    with as_user("officer"):
        scenario = forecasts_scenarios.define_scenario("Not run", {})
    english(client, "viewer")
    page = client.get(f"/forecasts/compare?s={scenario.id}", follow_redirects=True)
    assert "Choose two or three scenarios that have been run." in text(page.data.decode())
    assert client.get("/forecasts/compare?s=99999").status_code == 404

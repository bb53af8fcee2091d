"""Intensive-care demand: known answers worked by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from forecasting import (
    AdmissionsTable,
    IcuInputs,
    IcuScenario,
    RegionIcu,
    admissions_from_cases,
    admissions_from_doubling,
    census_from_admissions,
    forecast_regions,
    spread_census,
    threshold_days,
)
from forecasting.icu import ScenarioError

START = date(2026, 12, 1)


def test_the_census_of_a_constant_admission_rate_is_rate_times_length_of_stay():
    census = census_from_admissions([5.0] * 30, 10)
    assert census[:10] == [5.0 * (t + 1) for t in range(10)]
    assert census[9:] == [50.0] * 21


def test_patients_already_in_leave_as_their_stay_ends():
    assert census_from_admissions([0.0, 0.0, 0.0], 3, already_in=[9.0, 3.0, 3.0]) == [6.0, 3.0, 0.0]


def test_todays_census_spread_over_the_stay_holds_steady_at_census_over_los_a_day():
    los = 14
    census = census_from_admissions([140 / los] * 40, los, spread_census(140.0, los))
    assert census == pytest.approx([140.0] * 40)


def test_without_admissions_todays_patients_leave_evenly_over_the_stay():
    census = census_from_admissions([0.0] * 12, 10, spread_census(100.0, 10))
    assert census == pytest.approx([90, 80, 70, 60, 50, 40, 30, 20, 10, 0, 0, 0])


def test_a_doubling_time_doubles_the_admissions_in_that_time():
    admissions = admissions_from_doubling(140.0, 7.0, 22, 14)
    assert admissions[0] == pytest.approx(10.0)  # 140 / 14 keeps the census where it is
    assert admissions[7] == pytest.approx(20.0)
    assert admissions[14] == pytest.approx(40.0)
    assert admissions[21] == pytest.approx(80.0)


def test_admissions_from_cases_are_the_probability_of_the_cases_a_delay_earlier():
    assert admissions_from_cases([100.0, 200.0, 300.0, 400.0], 0.03, 2) == pytest.approx(
        [0.0, 0.0, 3.0, 6.0]
    )


def test_threshold_days_by_hand():
    census = [7.0, 8.0, 8.5, 9.0, 10.0, 11.0]
    assert threshold_days(census, 10, START) == {
        80: START + timedelta(days=1),
        90: START + timedelta(days=3),
        100: START + timedelta(days=4),
    }
    assert threshold_days([1.0, 2.0], 10, START) == {80: None, 90: None, 100: None}
    assert threshold_days([0.0, 1.0], 0, START) == dict.fromkeys(
        (80, 90, 100), START + timedelta(days=1)
    )


def test_a_census_at_exactly_80_per_cent_reaches_80_on_day_zero():
    inputs = IcuInputs(START, {"01": RegionIcu(staffed_places=100, census_today=80)}, days=5)
    forecast = forecast_regions(
        inputs, IcuScenario("doubling", length_of_stay=14, doubling_days=1000)
    )
    assert forecast["01"].census[0] == pytest.approx(80.0)
    assert forecast["01"].threshold_days[80] == START


def test_the_cases_method_admits_the_share_of_dated_cases_after_the_delay():
    cases = {START - timedelta(days=10): 1000.0, START + timedelta(days=1): 2000.0}
    inputs = IcuInputs(START, {"01": RegionIcu(100, 0, cases)}, days=15)
    forecast = forecast_regions(inputs, IcuScenario("cases", length_of_stay=10, probability=0.05))
    admissions = forecast["01"].admissions
    assert admissions[0] == pytest.approx(50.0)
    assert admissions[11] == pytest.approx(100.0)
    assert sum(admissions) == pytest.approx(150.0)
    assert forecast["01"].census[9] == pytest.approx(50.0)  # day 0's patients still in
    assert forecast["01"].census[10] == pytest.approx(0.0)  # ... and gone after 10 days


def test_the_table_method_takes_the_days_from_the_start_and_none_after_the_table():
    table = AdmissionsTable(
        {"01": {START - timedelta(days=1): 99.0, START: 2.0, START + timedelta(days=1): 4.0}}
    )
    inputs = IcuInputs(START, {"01": RegionIcu(50, 0), "03": RegionIcu(10, 0)}, days=4)
    forecast = forecast_regions(inputs, IcuScenario("table", length_of_stay=10, table=table))
    assert forecast["01"].admissions == (2.0, 4.0, 0.0, 0.0)
    assert forecast["01"].census == (2.0, 6.0, 6.0, 6.0)
    assert forecast["03"].admissions == (0.0,) * 4  # a region the table leaves out


def test_a_forecast_gives_its_days_series_and_weekly_patient_days():
    inputs = IcuInputs(START, {"01": RegionIcu(100, 70)}, days=10)
    forecast = forecast_regions(
        inputs, IcuScenario("doubling", length_of_stay=7, doubling_days=1e9)
    )
    assert forecast["01"].days[0] == START and len(forecast["01"].days) == 10
    assert forecast["01"].as_series()[START + timedelta(days=9)] == pytest.approx(70.0)
    assert forecast["01"].patient_days_by_week(3) == pytest.approx([490.0, 210.0, 0.0])
    assert forecast["01"].census_today == 70


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"method": "guess"}, "method"),
        ({"length_of_stay": 0}, "length_of_stay"),
        ({"method": "table"}, "table"),
        ({"method": "cases", "probability": 1.5}, "probability"),
        ({"method": "cases", "delay_days": -1}, "delay_days"),
        ({"method": "doubling", "doubling_days": 0}, "doubling_days"),
    ],
)
def test_a_scenario_that_cannot_run_names_its_setting(settings, field):
    with pytest.raises(ScenarioError) as refused:
        IcuScenario(**settings)
    assert refused.value.field == field

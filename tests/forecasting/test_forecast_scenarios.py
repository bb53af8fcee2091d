"""Scenarios side by side, and a kept forecast against what happened."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from forecasting import (
    IcuInputs,
    IcuScenario,
    OrganisationUse,
    RegionIcu,
    ScenarioResult,
    SupplyInputs,
    SupplyScenario,
    compare,
    forecast_error,
    forecast_regions,
    project_supply,
)

START = date(2026, 12, 1)
DAY = timedelta(days=1)


def test_scenarios_side_by_side_give_run_out_weeks_per_item_and_threshold_days_per_region():
    supply = SupplyInputs(
        START,
        ["ffp2", "gown"],
        {"W1": {"ffp2": 700.0, "gown": 1e9}},
        organisations=[OrganisationUse("R01", "ffp2", 10.0, 0.0)],
    )
    icu = IcuInputs(START, {"01": RegionIcu(100, 50), "03": RegionIcu(10, 9)}, days=60)
    results = {
        name: ScenarioResult(
            project_supply(supply, SupplyScenario(use_factor=factor)),
            forecast_regions(icu, IcuScenario("doubling", doubling_days=doubling)),
        )
        for name, factor, doubling in [("base", 1.0, 1e12), ("worse", 2.0, 7.0)]
    }
    table = compare(results)
    assert table.scenarios == ("base", "worse")
    ffp2, gown = table.run_out
    assert (ffp2.item, ffp2.run_out_week) == ("ffp2", {"base": 10, "worse": 5})
    assert ffp2.run_out_date == {
        "base": START + timedelta(weeks=10),
        "worse": START + timedelta(weeks=5),
    }
    assert gown.run_out_week == {"base": None, "worse": None}
    rows = {(r.region, r.percent): r.day for r in table.thresholds}
    assert len(rows) == 6
    assert rows[("03", 90)]["base"] == START  # 9 of 10 places today
    assert rows[("01", 80)]["base"] is None  # 50 of 100, steady
    assert rows[("01", 80)]["worse"] is not None


def test_a_scenario_without_an_item_or_region_shows_none_for_it():
    forecast = forecast_regions(IcuInputs(START, {"01": RegionIcu(1, 1)}, days=2), IcuScenario())
    table = compare({"icu only": ScenarioResult(icu=forecast), "empty": ScenarioResult()})
    assert all(row.day["empty"] is None for row in table.thresholds)
    assert table.run_out == ()


def test_forecast_error_by_hand():
    forecast = {
        "01": {START: 10.0, START + DAY: 12.0, START + 2 * DAY: 14.0},
        "03": {START: 5.0},
        "04": {START: 1.0},  # nothing happened to compare with
    }
    actual = {"01": {START: 8.0, START + DAY: 13.0}, "03": {START: 5.0, START + DAY: 6.0}}
    figures = forecast_error(forecast, actual)
    assert figures.per_region["01"].days == 2
    assert figures.per_region["01"].mean_absolute_error == pytest.approx(1.5)  # |2| and |-1|
    assert figures.per_region["01"].mean_error == pytest.approx(0.5)  # too high, on average
    assert figures.per_region["03"].mean_absolute_error == 0.0
    assert "04" not in figures.per_region
    assert figures.overall.days == 3
    assert figures.overall.mean_absolute_error == pytest.approx(1.0)
    assert figures.overall.mean_error == pytest.approx(1 / 3)


def test_forecast_error_of_a_kept_icu_forecast_and_nothing_to_compare():
    forecast = forecast_regions(IcuInputs(START, {"01": RegionIcu(10, 7)}, days=3), IcuScenario())
    series = {region: f.as_series() for region, f in forecast.items()}
    exact = forecast_error(series, series)
    assert exact.overall.days == 3 and exact.overall.mean_absolute_error == 0.0
    nothing = forecast_error(series, {})
    assert (nothing.overall.days, nothing.overall.mean_error) == (0, None)

"""The worked examples of README.md, "Forecasts: the methods", hold."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from forecasting import (
    Channel,
    ChannelRecord,
    IcuForecast,
    IcuInputs,
    IcuScenario,
    OrganisationUse,
    PastDelivery,
    PipelineDelivery,
    RegionIcu,
    SupplyInputs,
    SupplyScenario,
    admissions_from_cases,
    census_from_admissions,
    channel_record,
    forecast_error,
    forecast_regions,
    project_supply,
    spread_census,
)

START = date(2026, 12, 7)
EU = Channel("eu_calloff", "rescEU", "EU")
ORDER = Channel("order", "Order 17", "Acme AB")


def test_the_census_examples():
    assert census_from_admissions([5.0] * 12, 10)[8:] == [45.0, 50.0, 50.0, 50.0]
    assert census_from_admissions([12.0, 14.0, 16.0], 14, spread_census(140, 14)) == pytest.approx(
        [142.0, 146.0, 152.0]
    )
    assert admissions_from_cases([2000.0] + [0.0] * 10, 0.03, 10)[10] == pytest.approx(60.0)


def test_the_doubling_example_and_its_threshold_days():
    inputs = IcuInputs(START, {"01": RegionIcu(150, 140)}, days=15)
    forecast = forecast_regions(inputs, IcuScenario("doubling", 14, doubling_days=7))["01"]
    assert forecast.admissions[::7] == pytest.approx((10.0, 20.0, 40.0))
    assert [round(c) for c in forecast.census[:4]] == [140, 141, 143, 147]
    assert round(forecast.census[14]) == 318
    assert forecast.threshold_days == {80: START, 90: START, 100: START + timedelta(days=4)}


def test_the_icu_items_example():
    inputs = SupplyInputs(START, ["ffp2"], {}, items_per_patient_day={"ffp2": 35})
    census = (40.0,) * 7 + (50.0,) * 7 + (60.0,) * 7  # 40 today, 60 in week 2
    forecast = {"01": IcuForecast("01", START, (), census, 100, {}, census_today=40.0)}
    standard = project_supply(inputs, SupplyScenario(), 3, icu=forecast)["ffp2"]
    crisis = project_supply(inputs, SupplyScenario(conservation="crisis"), 3, icu=forecast)["ffp2"]
    assert standard.need[2] == pytest.approx(4900.0)
    assert crisis.need[2] == pytest.approx(1960.0)


def test_the_channel_weight_and_own_stock_examples():
    history = [
        PastDelivery(START, 7100.0, START, passed_qc=True),
        PastDelivery(START, 900.0, START, passed_qc=False),
        PastDelivery(START, 1000.0, START + timedelta(days=5), passed_qc=True),  # late
        PastDelivery(START, 1000.0),  # never came
    ]
    record = channel_record(history)
    assert (record.on_time_share, record.passed_qc_share) == pytest.approx((0.8, 0.9))
    assert record.weight * 40_000 == pytest.approx(28_800)
    region = [OrganisationUse("R01", "ffp2", 1000.0, 5000.0)]
    need = project_supply(
        SupplyInputs(START, ["ffp2"], {}, organisations=region), SupplyScenario(), 2
    )
    assert need["ffp2"].need == (2000.0, 7000.0)


def test_the_supply_projection_example():
    inputs = SupplyInputs(
        START,
        ["ffp2"],
        {"Main": {"ffp2": 100_000.0}},
        [
            PipelineDelivery("ffp2", START + timedelta(days=16), 40_000.0, EU),
            PipelineDelivery("ffp2", START + timedelta(days=30), 20_000.0, ORDER),
        ],
        {EU: ChannelRecord(0.8, 0.9), ORDER: ChannelRecord(0.5, 1.0)},
        [OrganisationUse("R01", "ffp2", 30_000 / 7, 0.0)],
    )
    base = project_supply(inputs, SupplyScenario(), 5)["ffp2"]
    assert base.stock == pytest.approx((70_000, 40_000, 38_800, 8_800, -11_200))
    assert base.run_out_week == 4
    failed = project_supply(inputs, SupplyScenario(failed_channels=frozenset({"eu_calloff"})), 5)
    assert failed["ffp2"].stock[:4] == pytest.approx((70_000, 40_000, 10_000, -20_000))
    assert failed["ffp2"].run_out_week == 3


def test_the_forecast_error_example():
    days = [START + timedelta(days=n) for n in range(3)]
    figures = forecast_error(
        {"01": dict(zip(days, [100.0, 110.0, 120.0], strict=True))},
        {"01": dict(zip(days, [95.0, 112.0, 130.0], strict=True))},
    )
    assert figures.overall.mean_absolute_error == pytest.approx(17 / 3)
    assert figures.overall.mean_error == pytest.approx(-7 / 3)

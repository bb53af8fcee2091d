"""The national supply projection and the channels' records: known answers worked by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from forecasting import (
    Channel,
    ChannelRecord,
    IcuInputs,
    IcuScenario,
    OrganisationUse,
    PastDelivery,
    PipelineDelivery,
    RegionIcu,
    SupplyInputs,
    SupplyScenario,
    channel_record,
    forecast_regions,
    project_supply,
)
from forecasting.icu import ScenarioError

START = date(2026, 12, 1)
EU = Channel("eu_calloff", "rescEU call-off", "EU")
ORDER = Channel("order", "Order 2026-17", "Acme AB")


def inputs(**changes) -> SupplyInputs:
    """One item, 1,000 in one warehouse, a region using 10 a day with no stock of its own."""
    base = {
        "start": START,
        "items": ["ffp2"],
        "national_stock": {"W1": {"ffp2": 1000.0}},
        "organisations": [OrganisationUse("R01", "ffp2", 10.0, 0.0)],
    }
    return SupplyInputs(**(base | changes))


def delivery(week: int, quantity: float = 700.0, channel: Channel = EU) -> PipelineDelivery:
    return PipelineDelivery("ffp2", START + timedelta(weeks=week, days=2), quantity, channel)


def test_with_nothing_arriving_the_stock_falls_by_the_weekly_use():
    projection = project_supply(inputs(), SupplyScenario(), weeks=20)["ffp2"]
    assert projection.need[:3] == (70.0, 70.0, 70.0)
    assert projection.stock[:2] == (930.0, 860.0)
    assert projection.run_out_week == 14  # 1000 - 15 x 70 = -50 at the end of week 14
    assert projection.run_out_date == START + timedelta(weeks=14)


def test_use_times_two_halves_the_weeks_to_run_out_when_nothing_arrives():
    stock = {"W1": {"ffp2": 7000.0}}  # 100 weeks of 70: no run-out within 26 weeks
    base = project_supply(inputs(national_stock={"W1": {"ffp2": 1400.0}}), SupplyScenario())
    doubled = project_supply(
        inputs(national_stock={"W1": {"ffp2": 1400.0}}), SupplyScenario(use_factor=2.0)
    )
    assert base["ffp2"].run_out_week == 20  # 1400 / 70 = 20 weeks of supply
    assert doubled["ffp2"].run_out_week == 10  # 1400 / 140 = 10
    assert (
        project_supply(inputs(national_stock=stock), SupplyScenario())["ffp2"].run_out_week is None
    )


def test_a_channel_weighted_half_brings_half_its_promised_units():
    records = {EU: ChannelRecord(on_time_share=0.5, passed_qc_share=1.0)}
    projection = project_supply(
        inputs(pipeline=[delivery(3, 1000.0)], records=records), SupplyScenario(), weeks=6
    )["ffp2"]
    assert projection.inflow == (0.0, 0.0, 0.0, 500.0, 0.0, 0.0)


def test_a_channel_without_a_record_counts_in_full():
    projection = project_supply(inputs(pipeline=[delivery(1, 1000.0)]), SupplyScenario(), weeks=3)
    assert projection["ffp2"].inflow == (0.0, 1000.0, 0.0)


def test_an_overdue_open_delivery_is_counted_in_week_zero_and_one_past_the_horizon_not_at_all():
    late = PipelineDelivery("ffp2", START - timedelta(days=20), 100.0, ORDER)
    far = delivery(30)
    projection = project_supply(inputs(pipeline=[late, far]), SupplyScenario(), weeks=4)
    assert projection["ffp2"].inflow == (100.0, 0.0, 0.0, 0.0)


def test_a_delayed_channel_shifts_its_inflow_by_n_weeks():
    pipeline = [delivery(1, 100.0), delivery(2, 200.0), delivery(1, 50.0, ORDER)]
    base = project_supply(inputs(pipeline=pipeline), SupplyScenario(), weeks=6)["ffp2"]
    late = project_supply(
        inputs(pipeline=pipeline), SupplyScenario(delayed_channels={"eu_calloff": 3}), weeks=6
    )["ffp2"]
    assert base.inflow == (0.0, 150.0, 200.0, 0.0, 0.0, 0.0)
    assert late.inflow == (0.0, 50.0, 0.0, 0.0, 100.0, 200.0)


def test_failed_channels_by_kind_or_name_and_failed_suppliers_bring_nothing():
    pipeline = [delivery(1, 100.0), delivery(1, 50.0, ORDER)]

    def inflow(scenario: SupplyScenario) -> float:
        return sum(project_supply(inputs(pipeline=pipeline), scenario, weeks=3)["ffp2"].inflow)

    assert inflow(SupplyScenario()) == 150.0
    assert inflow(SupplyScenario(failed_channels=frozenset({"eu_calloff"}))) == 50.0
    assert inflow(SupplyScenario(failed_channels=frozenset({"Order 2026-17"}))) == 100.0
    assert inflow(SupplyScenario(failed_suppliers=frozenset({"Acme AB"}))) == 100.0


def test_a_lost_warehouse_takes_its_stock_with_it():
    stock = {"W1": {"ffp2": 1000.0}, "W2": {"ffp2": 400.0, "gown": 5.0}}
    kept = project_supply(inputs(national_stock=stock), SupplyScenario(), weeks=2)
    lost = project_supply(
        inputs(national_stock=stock), SupplyScenario(lost_warehouses=frozenset({"W1"})), weeks=2
    )
    assert kept["ffp2"].start_stock == 1400.0
    assert lost["ffp2"].start_stock == 400.0
    assert "gown" not in lost  # only the items asked for are projected


def test_an_organisations_own_stock_is_drawn_down_first():
    organisations = [
        OrganisationUse("R01", "ffp2", 100.0, 1000.0),
        OrganisationUse("K0180", "ffp2", 0.0, 50.0),
    ]
    projection = project_supply(inputs(organisations=organisations), SupplyScenario(), weeks=4)
    assert projection["ffp2"].need == (0.0, 400.0, 700.0, 700.0)


def icu_inputs(census_today: float = 10.0) -> IcuInputs:
    return IcuInputs(
        START, {"01": RegionIcu(staffed_places=50, census_today=census_today)}, days=182
    )


STEADY = IcuScenario("doubling", length_of_stay=14, doubling_days=1e12)  # census stays at 10


@pytest.mark.parametrize(
    ("conservation", "weekly"), [("standard", 140.0), ("contingency", 98.0), ("crisis", 56.0)]
)
def test_icu_patient_days_times_items_per_patient_day_times_the_conservation_factor(
    conservation, weekly
):
    data = inputs(
        organisations=[],
        items_per_patient_day={"ffp2": 2.0},
        icu_inputs=icu_inputs(),
        icu_today_in_reported_use=False,
    )
    scenario = SupplyScenario(conservation=conservation, icu_scenario=STEADY)
    need = project_supply(data, scenario, weeks=3)["ffp2"].need  # 10 patients x 7 days x 2
    assert need == pytest.approx((weekly,) * 3)


def test_a_conservation_factor_may_be_set_by_the_scenario():
    data = inputs(
        organisations=[], items_per_patient_day={"ffp2": 2.0}, icu_today_in_reported_use=False
    )
    forecast = forecast_regions(icu_inputs(), STEADY)
    need = project_supply(data, SupplyScenario(conservation_factor=0.5), weeks=1, icu=forecast)
    assert need["ffp2"].need == pytest.approx((70.0,))


def test_only_icu_patients_beyond_todays_are_added_to_reported_use():
    data = inputs(
        organisations=[OrganisationUse("R01", "ffp2", 10.0, 0.0, icu_region="01")],
        items_per_patient_day={"ffp2": 2.0},
        icu_inputs=icu_inputs(),
    )
    steady = project_supply(data, SupplyScenario(icu_scenario=STEADY), weeks=3)["ffp2"]
    assert steady.need == pytest.approx((70.0,) * 3)  # today's 10 patients are in the 10 a day
    doubling = IcuScenario("doubling", length_of_stay=14, doubling_days=7)
    growing = project_supply(data, SupplyScenario(icu_scenario=doubling), weeks=3)["ffp2"]
    forecast = forecast_regions(icu_inputs(), doubling)["01"]
    extra = [max(0.0, d - 70.0) * 2 for d in forecast.patient_days_by_week(3)]
    assert growing.need == pytest.approx(tuple(70.0 + e for e in extra))
    assert growing.need[2] > growing.need[1] > 70.0


def test_the_regions_own_stock_also_covers_its_icu_patients_first():
    data = inputs(
        organisations=[OrganisationUse("R01", "ffp2", 0.0, 100.0, icu_region="01")],
        items_per_patient_day={"ffp2": 1.0},
        icu_inputs=icu_inputs(),
        icu_today_in_reported_use=False,
    )
    need = project_supply(data, SupplyScenario(icu_scenario=STEADY), weeks=3)["ffp2"].need
    assert need == pytest.approx((0.0, 40.0, 70.0))


def test_use_factor_applies_to_reported_use_and_icu_items_alike():
    data = inputs(
        items_per_patient_day={"ffp2": 1.0},
        icu_inputs=icu_inputs(),
        icu_today_in_reported_use=False,
    )
    need = project_supply(data, SupplyScenario(use_factor=1.5, icu_scenario=STEADY), weeks=1)
    assert need["ffp2"].need == pytest.approx(((70.0 + 70.0) * 1.5,))


def test_when_the_eu_call_offs_fail_ffp2_runs_out_weeks_earlier():
    pipeline = [delivery(w, 350.0) for w in range(26)]  # half the use, every week
    data = inputs(
        national_stock={"W1": {"ffp2": 1400.0}},
        organisations=[OrganisationUse("R01", "ffp2", 100.0, 0.0)],
        pipeline=pipeline,
    )
    base = project_supply(data, SupplyScenario())["ffp2"]
    failed = project_supply(data, SupplyScenario(failed_channels=frozenset({"eu_calloff"})))["ffp2"]
    assert failed.run_out_week == 2  # 1,400 is two weeks of 700
    assert base.run_out_week == 4  # 1,400 is four weeks of 700 - 350


def test_channel_record_from_history():
    history = [
        PastDelivery(START, 100.0, delivered=START, passed_qc=True),
        PastDelivery(START, 100.0, delivered=START + timedelta(days=3), passed_qc=False),
        PastDelivery(START, 100.0, delivered=START, delivered_quantity=50.0),
        PastDelivery(START, 100.0),  # never came
    ]
    record = channel_record(history)
    assert record.on_time_share == pytest.approx(150 / 400)
    assert record.passed_qc_share == pytest.approx(100 / 200)  # the untested 50 are left out
    assert record.weight == pytest.approx(0.1875)
    assert record.deliveries == 4
    assert channel_record(history, grace_days=3).on_time_share == pytest.approx(250 / 400)


def test_a_channel_without_history_is_taken_at_its_word():
    assert channel_record([]) == ChannelRecord(1.0, 1.0, 0)
    assert channel_record([]).weight == 1.0


def test_a_weekly_schedule_is_due_on_the_mondays_of_its_iso_weeks():
    assert PipelineDelivery.in_week("ffp2", 2026, 53, 10, EU).due == date(2026, 12, 28)


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"use_factor": -1}, "use_factor"),
        ({"conservation": "panic"}, "conservation"),
        ({"conservation_factor": -0.1}, "conservation_factor"),
        ({"delayed_channels": {"eu_calloff": -2}}, "delayed_channels"),
    ],
)
def test_a_supply_scenario_that_cannot_run_names_its_setting(settings, field):
    with pytest.raises(ScenarioError) as refused:
        SupplyScenario(**settings)
    assert refused.value.field == field

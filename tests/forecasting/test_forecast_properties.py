"""Properties that hold for any input: census never negative, nor lower with a longer stay;
more supply never brings a run-out earlier, more use never later."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from forecasting import (
    Channel,
    ChannelRecord,
    OrganisationUse,
    PipelineDelivery,
    SupplyInputs,
    SupplyScenario,
    census_from_admissions,
    project_supply,
)

START = date(2026, 12, 1)
WEEKS = 12
amounts = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
flows = st.lists(amounts, max_size=60)
CHANNELS = [Channel("order", "order", "Acme AB"), Channel("eu_calloff", "rescEU", "EU")]


def later_or_same(first: int | None, second: int | None) -> bool:
    """second's run-out is no earlier than first's (None: never, the latest of all)."""
    return second is None or (first is not None and second >= first)


@st.composite
def supply_inputs(draw) -> SupplyInputs:
    items = ["ffp2", "gown"]
    organisations = [
        OrganisationUse(f"org{n}", draw(st.sampled_from(items)), draw(amounts), draw(amounts))
        for n in range(draw(st.integers(0, 6)))
    ]
    pipeline = [
        PipelineDelivery(
            draw(st.sampled_from(items)),
            START + timedelta(days=draw(st.integers(-10, WEEKS * 7 + 10))),
            draw(amounts),
            draw(st.sampled_from(CHANNELS)),
        )
        for _ in range(draw(st.integers(0, 6)))
    ]
    records = {c: ChannelRecord(draw(st.floats(0, 1)), draw(st.floats(0, 1))) for c in CHANNELS}
    stock = {"W1": {item: draw(amounts) for item in items}}
    return SupplyInputs(START, items, stock, pipeline, records, organisations)


@settings(max_examples=200, deadline=None)
@given(flows, st.integers(1, 30), flows)
def test_the_census_is_never_negative(admissions, length_of_stay, already_in):
    census = census_from_admissions(admissions, length_of_stay, already_in)
    assert len(census) == len(admissions)
    assert all(c >= 0 for c in census)


@settings(max_examples=200, deadline=None)
@given(flows, st.integers(1, 30), st.integers(0, 10), flows)
def test_a_longer_stay_never_lowers_the_census(admissions, length_of_stay, more, already_in):
    shorter = census_from_admissions(admissions, length_of_stay, already_in)
    longer = census_from_admissions(admissions, length_of_stay + more, already_in)
    assert all(b >= a - 1e-6 * max(1.0, a) for a, b in zip(shorter, longer, strict=True))


@settings(max_examples=150, deadline=None)
@given(supply_inputs(), st.sampled_from(["ffp2", "gown"]), st.integers(-2, WEEKS), amounts, amounts)
def test_adding_supply_never_brings_a_run_out_earlier(data, item, week, delivered, stocked):
    extra = PipelineDelivery(item, START + timedelta(weeks=week), delivered, CHANNELS[0])
    stock = {"W1": data.national_stock["W1"], "W2": {item: stocked}}
    more = SupplyInputs(
        START, data.items, stock, [*data.pipeline, extra], data.records, data.organisations
    )
    before = project_supply(data, SupplyScenario(), WEEKS)
    after = project_supply(more, SupplyScenario(), WEEKS)
    for name in data.items:
        assert later_or_same(before[name].run_out_week, after[name].run_out_week)


@settings(max_examples=150, deadline=None)
@given(supply_inputs(), st.floats(0, 5), st.floats(0, 5))
def test_more_use_never_brings_a_run_out_later(data, factor, more):
    less_use = project_supply(data, SupplyScenario(use_factor=factor), WEEKS)
    more_use = project_supply(data, SupplyScenario(use_factor=factor + more), WEEKS)
    for name in data.items:
        assert later_or_same(more_use[name].run_out_week, less_use[name].run_out_week)

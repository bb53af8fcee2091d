"""Shortage requests: what they keep, their lifecycle and history, and county coordination."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from supplyapp import clock
from supplyapp.extensions import db
from supplyapp.models.demand import (
    CountySharing,
    Priority,
    ReportSource,
    RequestStatus,
    ShortageRequest,
)
from supplyapp.services import demand, demand_county, demand_requests
from supplyapp.services.demand_requests import TransitionRefused
from supplyapp.services.errors import DomainError, InvalidInput
from tests import planning_factories as factories
from tests.conftest import as_user

S = RequestStatus


def reported(code="0380", item="ffp2", stock=100, use=20):
    factories.reported(code, item, stock, use)


def filed(code="0380", item="ffp2", quantity=500, priority="critical", **extra):
    return factories.filed(code, item, quantity, priority, **extra)


def test_a_request_keeps_the_organisations_latest_stock_and_use(places):
    reported(stock=100, use=20)
    request = filed()
    assert (request.stock_at_request, request.daily_use_at_request) == (100, 20)
    assert request.status == S.SUBMITTED
    assert request.priority == Priority.CRITICAL
    assert [h.to_status for h in request.history] == [S.SUBMITTED]


def test_given_figures_win_over_the_latest_report(places):
    reported(stock=100, use=20)
    request = filed(stock_on_hand=10, daily_use=30)
    assert (request.stock_at_request, request.daily_use_at_request) == (10, 30)


def test_a_request_without_a_report_needs_the_figures(places):
    with pytest.raises(InvalidInput) as refused:
        filed()
    assert {"stock_on_hand", "daily_use"} <= set(refused.value.errors)


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": "5"}, "quantity"),
        ({"item": "unobtainium"}, "item"),
        ({"priority": "urgent"}, "priority"),
    ],
)
def test_a_bad_request_is_refused_and_nothing_is_stored(places, changes, field):
    reported()
    arguments = {"item": "ffp2", "quantity": 500, "priority": "high", **changes}
    with pytest.raises(InvalidInput) as refused:
        filed(**arguments)
    assert field in refused.value.errors
    assert db.session.scalar(select(func.count()).select_from(ShortageRequest)) == 0


def test_a_needed_by_date_in_the_past_is_refused(places):
    reported()
    with pytest.raises(InvalidInput) as refused, as_user("tester"):
        demand_requests.file_request(
            "0380", "ffp2", 5, clock.today() - timedelta(days=1), "high", "x"
        )
    assert "needed_by" in refused.value.errors


def test_an_officer_moves_a_request_through_review_to_partly_met_and_met(places):
    reported()
    request = filed()
    with as_user("officer"):
        demand_requests.change_status(request.id, "under_review")
        demand_requests.change_status(request.id, "in_plan", "Plan 7")
        demand_requests.change_status(request.id, "partly_met", met_quantity=200)
    assert request.met_quantity == 200
    with as_user("officer"):
        demand_requests.change_status(request.id, "met")
    assert request.met_quantity == 500
    assert [h.to_status for h in request.history] == [
        S.SUBMITTED,
        S.UNDER_REVIEW,
        S.IN_PLAN,
        S.PARTLY_MET,
        S.MET,
    ]
    assert request.history[2].reason == "Plan 7"


def test_declining_needs_a_reason(places):
    reported()
    request = filed()
    with pytest.raises(InvalidInput) as refused, as_user("officer"):
        demand_requests.change_status(request.id, "declined", "  ")
    assert "reason" in refused.value.errors
    with as_user("officer"):
        demand_requests.change_status(request.id, "declined", "Redistribute in region")
    assert request.decline_reason == "Redistribute in region"


def test_a_closed_request_cannot_move_again(places):
    reported()
    request = filed()
    with as_user("officer"):
        demand_requests.change_status(request.id, "met")
    with pytest.raises(TransitionRefused), as_user("officer"):
        demand_requests.change_status(request.id, "under_review")


def test_partly_met_must_be_less_than_requested(places):
    reported()
    request = filed(quantity=100)
    with pytest.raises(InvalidInput) as refused, as_user("officer"):
        demand_requests.change_status(request.id, "partly_met", met_quantity=100)
    assert "met_quantity" in refused.value.errors


def test_the_organisation_withdraws_its_request_until_it_is_planned(places):
    reported()
    first, second = filed(), filed()
    with as_user("requester"):
        demand_requests.withdraw(first.id, "Found stock")
    assert first.status == S.WITHDRAWN
    with as_user("officer"):
        demand_requests.change_status(second.id, "in_plan", "Plan 1")
    with pytest.raises(TransitionRefused), as_user("requester"):
        demand_requests.withdraw(second.id)


def test_mark_in_plan_moves_open_requests_only(places):
    reported()
    open_one, closed = filed(), filed()
    with as_user("officer"):
        demand_requests.change_status(closed.id, "met")
        assert demand_requests.mark_in_plan([open_one.id, closed.id], "Plan 3") == 1
    assert open_one.status == S.IN_PLAN


# County coordination (§ 3 a)


def test_a_sharing_moves_reported_stock_between_two_organisations_of_the_county(places):
    reported("0380", stock=100, use=10)  # Uppsala kommun
    reported("0381", stock=5, use=10)  # Enköping
    with as_user("county"):
        demand_county.record_sharing("LST-03", "0380", "0381", "ffp2", 40, clock.today())
    assert demand.latest_line(_org("0380"), _item("ffp2")).stock_on_hand == 60
    assert demand.latest_line(_org("0381"), _item("ffp2")).stock_on_hand == 45
    assert demand.latest_line(_org("0381"), _item("ffp2")).source == ReportSource.SHARING


def test_a_sharing_cannot_give_more_than_reported_or_leave_the_county(places):
    reported("0380", stock=10, use=1)
    with pytest.raises(InvalidInput) as refused, as_user("county"):
        demand_county.record_sharing("LST-03", "0380", "0381", "ffp2", 11, clock.today())
    assert "quantity" in refused.value.errors
    with pytest.raises(InvalidInput) as refused, as_user("county"):
        demand_county.record_sharing("LST-03", "0380", "0180", "ffp2", 5, clock.today())
    assert "to_organisation" in refused.value.errors
    assert db.session.scalar(select(func.count()).select_from(CountySharing)) == 0


def test_a_sharing_can_meet_a_request_of_the_receiver(places):
    reported("0380", stock=100, use=10)
    reported("0381", stock=5, use=10)
    request = filed("0381", quantity=30)
    with as_user("county"):
        demand_county.record_sharing(
            "LST-03", "0380", "0381", "ffp2", 30, clock.today(), request_id=request.id
        )
    assert request.status == S.MET


def test_the_county_forwards_requests_as_one_combined_request_traceable_to_its_sources(places):
    reported("0380")
    reported("0381")
    reported("0380", item="visor")
    a = filed("0380", quantity=100, priority="high")
    b = filed("0381", quantity=50, priority="critical")
    c = filed("0380", item="visor", quantity=7, priority="normal")
    with as_user("county"):
        combined = demand_county.forward_requests("LST-03", [a.id, b.id, c.id])
    lines = {line.item.code: line for line in combined.lines}
    assert lines["ffp2"].quantity == 150
    assert lines["ffp2"].priority == Priority.CRITICAL
    assert {s.id for s in lines["ffp2"].sources} == {a.id, b.id}
    assert lines["ffp2"].organisation.code == "LST-03"
    assert a.forwarded_in_id == lines["ffp2"].id
    assert lines["visor"].quantity == 7
    with pytest.raises(DomainError), as_user("county"):
        demand_county.forward_requests("LST-03", [a.id])


def test_a_decision_on_a_combined_line_reaches_the_source_requests(places):
    reported("0380")
    reported("0381")
    a, b = filed("0380", quantity=100), filed("0381", quantity=50)
    with as_user("county"):
        line = demand_county.forward_requests("LST-03", [a.id, b.id]).lines[0]
    with as_user("officer"):
        demand_requests.change_status(line.id, "declined", "No stock nationally")
    assert (a.status, b.status) == (S.DECLINED, S.DECLINED)
    assert a.decline_reason == "No stock nationally"


def test_a_county_cannot_forward_another_countys_request(places):
    reported("0180")
    request = filed("0180")
    with pytest.raises(DomainError), as_user("county"):
        demand_county.forward_requests("LST-03", [request.id])


def _org(code):
    return demand.requesting_organisation(code).id


def _item(code):
    return demand.active_items()[code].id


def test_the_request_list_puts_the_most_urgent_priority_first(places):
    from supplyapp.queries import demand as demand_queries

    reported()
    normal = filed(priority="normal")
    with as_user("tester"):
        critical = demand_requests.file_request(
            "0380", "ffp2", 5, clock.today() + timedelta(days=9), "critical", "x"
        )
    high = filed(priority="high")
    listed = demand_queries.request_list(True, status="open")
    assert [r.id for r in listed] == [critical.id, high.id, normal.id]

"""The date rules on both sides of midnight, Swedish time: the app's day is Sweden's day.

In winter Stockholm is UTC+1, so its first second of 1 December is 23:00:01 on 30 November in
UTC: the day a server's own clock gives. Each rule runs one second before and one second after
midnight in Stockholm, with the process in UTC as on a server (see `frozen_at`). Before the
app had one clock these failed after midnight: a report dated today was "in the future", a
lot expired a day late, a needed-by date of yesterday was taken.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from supplyapp.extensions import db
from supplyapp.models import Organisation
from supplyapp.models.demand import ReportSource
from supplyapp.models.planning import Shipment
from supplyapp.models.stock import StockBalance
from supplyapp.queries.stock import available_lots
from supplyapp.services import demand, demand_requests, plan_review, planning, shipments, stock
from supplyapp.services.demand_requests import LATEST_NEEDED_BY_DAYS
from supplyapp.services.errors import InvalidInput
from supplyapp.services.stock_import import import_deliveries
from tests.conftest import as_user, frozen_at, login
from tests.planning_factories import run, shortage_scenario
from tests.supply_factories import approved_lot, placed_order, receipt

STOCKHOLM = ZoneInfo("Europe/Stockholm")
BEFORE_MIDNIGHT = datetime(2026, 11, 30, 23, 59, 59, tzinfo=STOCKHOLM)  # 22:59:59 UTC
AFTER_MIDNIGHT = datetime(2026, 12, 1, 0, 0, 1, tzinfo=STOCKHOLM)  # 23:00:01 UTC, 30 Nov
L = demand.LineInput


@pytest.fixture(params=[BEFORE_MIDNIGHT, AFTER_MIDNIGHT], ids=["23:59:59", "00:00:01"])
def day(request, app_context) -> date:
    """Sweden's today, with the clock stopped one second from midnight in Stockholm."""
    with frozen_at(request.param):
        yield request.param.date()


@pytest.fixture
def after_midnight(app_context) -> date:
    with frozen_at(AFTER_MIDNIGHT):
        yield AFTER_MIDNIGHT.date()


def test_a_report_dated_today_in_sweden_is_taken_and_tomorrow_is_refused(day, places):
    with as_user("t"):
        stored = demand.submit_report("0380", day, [L("ffp2", 100, 10)], ReportSource.API)
    assert stored.as_of == day
    with pytest.raises(InvalidInput) as refused, as_user("t"):
        demand.submit_report("0380", day + timedelta(days=1), [L("ffp2", 1, 1)], ReportSource.API)
    assert "as_of" in refused.value.errors


def test_a_delivery_received_today_in_sweden_is_not_in_the_future(day, places):
    order = placed_order(lines=(("ffp2", 100, "1"),))
    delivery = stock.receive(receipt(order.lines[0].id, 40, received_on=day))
    assert delivery.received_on == day
    with pytest.raises(InvalidInput) as refused:
        stock.receive(receipt(order.lines[0].id, 10, received_on=day + timedelta(days=1)))
    assert "received_on" in refused.value.errors


def test_a_delivery_file_received_today_in_sweden_is_booked(day, places):
    order = placed_order(lines=(("ffp2", 100, "1"),))
    expiry = day + timedelta(days=700)
    header = "warehouse;source;item;quantity;lot_number;expiry_date;received_on"
    row = f"NL-ARN;{order.code};ffp2;30;M1;{expiry.isoformat()};{day.isoformat()}"
    assert import_deliveries(f"{header}\n{row}\n".encode(), "d.csv").rows == 1


def test_a_lot_leaves_the_stock_the_day_after_its_expiry_in_sweden(day, places):
    yesterday, long_ago = day - timedelta(days=1), day - timedelta(days=30)
    expired = approved_lot(10, expiry=yesterday, lot="YESTERDAY", received_on=long_ago)
    approved_lot(10, expiry=day, lot="TODAY", received_on=long_ago)
    assert stock.expire_lots() == 1
    assert db.session.get(StockBalance, expired).available == 0
    assert stock.expire_lots() == 0  # the lot that expires today is still on the shelf


def test_a_lot_that_expires_today_in_sweden_can_no_longer_be_shared_out(day, places):
    long_ago = day - timedelta(days=30)
    approved_lot(10, expiry=day, lot="TODAY", received_on=long_ago)
    tomorrow = approved_lot(10, expiry=day + timedelta(days=1), lot="TOMORROW")
    assert [lot.lot_id for lot in available_lots("ffp2")] == [tomorrow]


def test_needed_by_counts_from_today_in_sweden(day, places):
    with as_user("t"):
        demand.submit_report("0380", day, [L("ffp2", 100, 10)], ReportSource.FORM)

    def file(needed_by):
        with as_user("t"):
            return demand_requests.file_request(
                "0380", "ffp2", 50, needed_by, "high", "Running out."
            )

    assert file(day).needed_by == day
    assert file(day + timedelta(days=LATEST_NEEDED_BY_DAYS)).needed_by
    for wrong in (day - timedelta(days=1), day + timedelta(days=LATEST_NEEDED_BY_DAYS + 1)):
        with pytest.raises(InvalidInput) as refused:
            file(wrong)
        assert "needed_by" in refused.value.errors


def test_a_request_filed_after_midnight_counts_as_filed_on_swedens_day(after_midnight, places):
    """Yesterday's report is older than a request filed at 00:00:01: the round takes the
    request's own figures, dated today (UTC would date the request yesterday, with the report)."""
    yesterday = after_midnight - timedelta(days=1)
    with as_user("t"):
        demand.submit_report("0380", yesterday, [L("ffp2", 100, 10)], ReportSource.FORM)
        demand_requests.file_request(
            "0380",
            "ffp2",
            50,
            after_midnight + timedelta(days=3),
            "high",
            "Used more than we reported.",
            stock_on_hand=40,
            daily_use=20,
        )
    built = planning.build_problem(planning.RoundSettings(item_codes=["ffp2"]))
    entry = built.context["0380|ffp2"]
    assert (entry["figures"], entry["as_of"]) == ("request", after_midnight.isoformat())
    assert built.problem.organisations[0].lines["ffp2"].on_hand == 40


def test_a_shipment_dispatched_after_midnight_is_expected_the_next_swedish_day(
    after_midnight, places
):
    shortage_scenario(national=1600)
    plan_id = run()
    with as_user("officer"):
        plan_review.submit(plan_id)
    with as_user("officer2"):
        plan_review.approve(plan_id)
    uppsala = db.session.scalars(  # Uppsala kommun: 26 km, a day on the road
        select(Shipment)
        .join(Organisation, Organisation.id == Shipment.recipient_id)
        .where(Organisation.code == "0380")
    ).one()
    with as_user("logistics"):
        shipments.pick(uppsala.id)
        assert shipments.dispatch(uppsala.id).expected_on == date(2026, 12, 2)


def test_an_order_placed_in_the_first_second_of_the_new_year_is_numbered_in_it(places):
    new_year = datetime(2027, 1, 1, 0, 0, 1, tzinfo=STOCKHOLM)  # 23:00:01 UTC, 31 Dec 2026
    with frozen_at(new_year):
        order = placed_order()
        assert order.code.startswith("PO-2027-")
        assert order.placed_on == date(2027, 1, 1)


def test_the_report_form_offers_swedens_today(client, users):
    with frozen_at(AFTER_MIDNIGHT):
        login(client, "requester")
        page = client.get("/demand/organisations/0380/report").get_data(as_text=True)
    assert 'value="2026-12-01"' in page and 'value="2026-11-30"' not in page

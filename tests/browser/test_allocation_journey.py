"""In a real browser, with CSRF on, the whole journey of an allocation round in four roles:
officer A runs the round and changes a line, officer B approves it (four eyes), logistics picks
and dispatches, the municipality confirms receipt with a shortfall. Then the stock, the request
and the audit log show it all. Every page is photographed into test-artifacts/screenshots/."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from supplyapp.extensions import db
from supplyapp.models.audit import AuditEvent
from supplyapp.models.demand import RequestStatus, ShortageRequest
from supplyapp.models.planning import AllocationPlan, PlanStatus, Shipment, ShipmentStatus
from supplyapp.models.stock import StockBalance
from supplyapp.services import stock
from supplyapp.services.stock_units import check_units
from tests.browser.test_supply_journey import sign_in
from tests.planning_factories import shortage_scenario

pytestmark = pytest.mark.browser
NBSP = "\xa0"


def sign_out(page: Page) -> None:
    with page.expect_navigation():
        page.locator("header form[action$='/logout'] button").click()


def _line_row(page: Page, recipient_code: str):
    return page.locator("#lines tbody tr").filter(has_text=recipient_code)


def _officer_a_runs_and_changes_a_line(web: Page, shot) -> int:
    sign_in(web, "officer")
    web.goto("/allocation/new")
    web.locator("input[name=items][value=ffp2]").check()
    web.locator("#redistribute").uncheck()
    shot(web, "allocation-01-new-round")
    with web.expect_navigation():
        web.locator("main input[type=submit], main button[type=submit]").first.click()
    expect(web).to_have_url(re.compile(r"/allocation/plans/\d+"))
    expect(web.get_by_test_id("plan-status")).to_have_class(re.compile("plan-status-draft"))
    plan_id = int(re.search(r"/allocation/plans/(\d+)", web.url).group(1))
    shot(web, "allocation-02-plan-proposed")

    # Uppsala (0380) gets 20 fewer than the model proposed: a reason is required.
    row = _line_row(web, "0380")
    proposed = int(row.locator('td[data-column="proposed"]').inner_text().replace(NBSP, ""))
    row.locator("input[name=quantity]").fill(str(proposed - 20))
    row.locator("input[name=reason]").fill("Tjugo hålls kvar för Akademiska sjukhuset")
    with web.expect_navigation():
        row.locator("button").click()
    row = _line_row(web, "0380")
    expect(row.locator("mark.changed-quantity")).to_have_text(
        f"{proposed - 20:,}".replace(",", NBSP)
    )
    expect(row.locator(".change-reason")).to_contain_text("Akademiska")
    shot(web, "allocation-03-line-changed")

    # A change that breaks rule 1 (more than Uppsala asked for) is refused, naming the rule.
    row.locator("input[name=quantity]").fill("100000")
    row.locator("input[name=reason]").fill("Prova")
    with web.expect_navigation():
        row.locator("button").click()
    expect(web.get_by_test_id("findings")).to_be_visible()
    shot(web, "allocation-04-change-refused")

    with web.expect_navigation():
        web.get_by_test_id("submit-plan").click()
    expect(web.get_by_test_id("plan-status")).to_have_class(re.compile("plan-status-submitted"))
    expect(web.get_by_test_id("four-eyes")).to_be_visible()  # A cannot approve its own plan
    expect(web.get_by_test_id("approve-plan")).to_have_count(0)
    shot(web, "allocation-05-submitted")
    sign_out(web)
    return plan_id


def _officer_b_approves(web: Page, shot, plan_id: int) -> None:
    sign_in(web, "officer2")
    expect(web.get_by_test_id("notifications")).to_contain_text(f"PLAN-{plan_id:05d}")
    shot(web, "allocation-06-officer-b-start")
    web.goto(f"/allocation/plans/{plan_id}?item=ffp2")
    web.locator("#comment").first.fill("Godkänd enligt förslaget med ändringen för Uppsala.")
    with web.expect_navigation():
        web.get_by_test_id("approve-plan").click()
    expect(web.get_by_test_id("plan-status")).to_have_class(re.compile("plan-status-approved"))
    shot(web, "allocation-07-approved")
    web.get_by_test_id("decision-link").click()
    expect(web.locator("main")).to_contain_text("2020:126")
    shot(web, "allocation-08-decision")
    sign_out(web)


def _logistics_picks_and_dispatches(web: Page, shot, shipment: Shipment) -> None:
    sign_in(web, "logistics")
    web.goto("/shipments/")
    expect(web.get_by_test_id("todo-pick")).to_contain_text(shipment.code)
    shot(web, "allocation-09-logistics-todo")
    web.goto(f"/shipments/{shipment.id}")
    with web.expect_navigation():
        web.get_by_test_id("pick").click()
    with web.expect_navigation():
        web.get_by_test_id("dispatch").click()
    expect(web.get_by_test_id("shipment-status")).to_contain_text(re.compile(r"\S"))
    expect(web.locator(".status-in_transit").first).to_be_visible()
    shot(web, "allocation-10-dispatched")
    sign_out(web)


def _municipality_confirms_a_shortfall(web: Page, shot, shipment: Shipment) -> None:
    sign_in(web, "requester")
    expect(web.get_by_test_id("notifications")).to_contain_text(shipment.code)
    shot(web, "allocation-11-requester-start")
    web.goto(f"/shipments/{shipment.id}")
    web.locator("#received_quantity").fill(str(shipment.quantity - 40))
    web.locator("#damaged_quantity").fill("0")
    # A shortfall without a note is refused beside the field; nothing is booked.
    with web.expect_navigation():
        web.get_by_test_id("confirm-receipt").click()
    expect(web.locator('[data-field-error="note"]')).to_be_visible()
    shot(web, "allocation-12-receipt-needs-note")
    web.locator("#note").fill("Två kartonger saknades vid leveransen.")
    with web.expect_navigation():
        web.get_by_test_id("confirm-receipt").click()
    expect(web.get_by_test_id("shortfall")).to_have_text("40")
    shot(web, "allocation-13-received-short")
    sign_out(web)


def test_officers_logistics_and_municipality_carry_a_round_through(new_page, shot, users):
    lot_id = shortage_scenario(national=1000)
    web = new_page()
    plan_id = _officer_a_runs_and_changes_a_line(web, shot)
    _officer_b_approves(web, shot, plan_id)

    db.session.expire_all()
    plan = db.session.get(AllocationPlan, plan_id)
    assert plan.status == PlanStatus.APPROVED
    assert (plan.proposed_by, plan.decided_by) == ("officer", "officer2")
    shipment = db.session.scalar(
        select(Shipment).where(Shipment.plan_id == plan_id, Shipment.recipient.has(code="0380"))
    )
    assert db.session.get(StockBalance, lot_id).reserved == 1000 - 20

    _logistics_picks_and_dispatches(web, shot, shipment)
    _municipality_confirms_a_shortfall(web, shot, shipment)

    db.session.expire_all()
    shipment = db.session.get(Shipment, shipment.id)
    assert shipment.status == ShipmentStatus.RECEIVED
    assert shipment.received_quantity == shipment.quantity - 40
    balance = db.session.get(StockBalance, lot_id)
    assert (balance.available, balance.reserved) == (20, 1000 - 20 - shipment.quantity)
    request = db.session.scalar(
        select(ShortageRequest).where(ShortageRequest.organisation.has(code="0380"))
    )
    assert request.status == RequestStatus.PARTLY_MET
    assert request.met_quantity == shipment.quantity - 40
    assert stock.check_ledger() == [] and check_units() == []

    # The audit log shows who proposed, changed, approved, dispatched and received.
    actors = {(e.entity, e.actor) for e in db.session.scalars(select(AuditEvent))}
    assert {
        ("allocation_plans", "officer"),
        ("allocation_plan_lines", "officer"),
        ("allocation_plans", "officer2"),
        ("shipments", "logistics"),
        ("shipments", "requester"),
    } <= actors
    sign_in(web, "officer")
    web.goto("/audit/")
    expect(web.locator("main")).to_contain_text("shipments")
    shot(web, "allocation-14-audit-log")
    web.goto(f"/demand/requests/{request.id}")
    expect(web.get_by_test_id("request-shipments")).to_contain_text(shipment.code)
    shot(web, "allocation-15-request-after")

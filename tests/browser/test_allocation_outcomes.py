"""In a real browser: the plan page lists every requester, also one the plan gives nothing, and
shows a refused change beside its line; the requester follows its shipment's plan link to the
decision as it concerns its own organisation and is told its request is partly met. Every page
passes axe-core's WCAG 2.1 A/AA rules. Screenshots: allocation-outcomes-*.png (desktop, phone)."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from supplyapp.extensions import db
from supplyapp.models.planning import Shipment
from supplyapp.services import plan_review
from tests.browser.test_icu_journey import WIDTHS, accessible
from tests.browser.test_supply_journey import sign_in
from tests.conftest import as_user
from tests.planning_factories import filed, reported, run, shortage_scenario

pytestmark = pytest.mark.browser


def _round() -> int:
    """The shortage, and Täby (0160) holding 1,000 days asks for 50 (normal): nothing left."""
    shortage_scenario()
    reported("0160", "ffp2", stock=10_000, use=10)
    filed("0160", "ffp2", 50, "normal")
    return run()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_requester_on_the_plan_and_a_refused_change_beside_its_line(
    new_page, shot, users, width
):
    plan_id = _round()
    web = new_page()
    web.set_viewport_size(WIDTHS[width])
    sign_in(web, "officer")
    web.goto(f"/allocation/plans/{plan_id}?item=ffp2")
    taby = web.locator('#lines tr[data-unserved="0160"]')
    expect(taby).to_be_visible()
    expect(taby.locator("td.reason")).not_to_be_empty()
    accessible(web)
    shot(web, f"allocation-outcomes-{width}-plan")

    row = web.locator("#lines tbody tr[data-line]").filter(has_text="0380").first
    row.locator("input[name=quantity]").fill("100000")
    row.locator("input[name=reason]").fill("Prova")
    with web.expect_navigation():
        row.locator("button").click()
    refused = web.locator("#lines tr.has-error")
    expect(refused).to_have_count(1)
    expect(refused.locator("[data-field-error]")).to_contain_text("0380")
    accessible(web)
    shot(web, f"allocation-outcomes-{width}-refused")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_requester_reads_its_part_of_the_decision(new_page, shot, users, width):
    plan_id = _round()
    with as_user("officer"):
        plan_review.submit(plan_id)
    with as_user("officer2"):
        plan_review.approve(plan_id)
    shipment = next(
        s
        for s in db.session.scalars(select(Shipment).where(Shipment.plan_id == plan_id))
        if s.recipient.code == "0380"
    )
    web = new_page()
    web.set_viewport_size(WIDTHS[width])
    sign_in(web, "requester")
    web.goto(f"/shipments/{shipment.id}")
    with web.expect_navigation():
        web.get_by_test_id("plan-link").click()
    expect(web.locator("main")).not_to_contain_text("Inte tillåtet")
    outcome = web.locator('[data-outcome="ffp2"]')
    expect(outcome).to_have_attribute("data-state", "partly_met")
    expect(outcome).to_contain_text("delvis")  # in Swedish: "delvis tillgodosedd"
    expect(outcome).to_contain_text("Andningsskydd FFP2")  # the item's name, not its code
    expect(web.locator("#my-lines tbody tr[data-line]")).to_have_count(2)
    expect(web.locator("main")).not_to_contain_text("Täby")
    accessible(web)
    shot(web, f"allocation-outcomes-{width}-requester")

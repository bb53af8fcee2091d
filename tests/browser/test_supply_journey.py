"""In a real browser, with CSRF on: logistics receives part of an order, quality control
approves part and rejects part; the stock page and the order show the right figures. Every page
is photographed into test-artifacts/screenshots/."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.supply_factories import approved_lot, placed_order

pytestmark = pytest.mark.browser
NBSP = "\xa0"


def sign_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


def _cell(page: Page, table: str, item: str, column: str):
    row = page.locator(f"#{table} tbody tr").filter(
        has=page.locator('td[data-column="item"]', has_text=re.compile(f"^{item}$"))
    )
    return row.locator(f'td[data-column="{column}"]')


def test_logistics_receives_part_of_an_order_and_qc_approves_part(new_page, shot, users):
    approved_lot(2_000, item="ffp2", warehouse="NL-GBG", lot="OLD-1")
    order = placed_order(lines=(("ffp2", 10_000, "4.90"),))
    line_id = order.lines[0].id
    web = new_page()
    sign_in(web, "logistics")

    web.goto(f"/supply/orders/{order.code}")
    expect(web.get_by_test_id(f"outstanding-{line_id}")).to_have_text(f"10{NBSP}000")
    shot(web, "supply-01-order-before")
    web.get_by_test_id(f"receive-{line_id}").click()
    expect(web).to_have_url(re.compile(r"/stock/receive\?source=order_line"))
    web.locator("#warehouse").select_option("NL-ARN")
    web.locator("#quantity").fill("4000")
    web.locator("#lot_number").fill("NS-FFP2-7781")
    web.locator("#expiry_date").fill("2030-06-30")
    shot(web, "supply-02-receive-form")
    web.locator("main button[type=submit]").click()
    expect(web).to_have_url(re.compile(r"/stock/quality/\d+$"))
    expect(web.get_by_test_id("quarantined")).to_have_text(f"4{NBSP}000")
    shot(web, "supply-03-inspect-form")

    # Rejecting without a reason is refused beside the field, and nothing is booked.
    web.locator("#approved").fill("3500")
    web.locator("#rejected").fill("500")
    web.locator("#evidence_reference").fill("CE 2797")
    web.locator("main button[type=submit]").click()
    expect(web.locator('[data-field-error="rejection_reason"]')).to_be_visible()
    shot(web, "supply-04-inspect-error")
    web.locator("#rejection_reason").fill("Ear loops tear off")
    web.locator("main button[type=submit]").click()
    expect(web).to_have_url(re.compile(r"/stock/quality$"))
    shot(web, "supply-05-quality-list")

    web.goto("/stock/")
    expect(_cell(web, "national", "ffp2", "available")).to_have_text(f"5{NBSP}500")
    expect(_cell(web, "national", "ffp2", "quarantined")).to_have_text("0")
    expect(_cell(web, "national", "ffp2", "incoming")).to_have_text(f"6{NBSP}000")
    shot(web, "supply-06-national-stock")
    web.goto("/stock/lots?item=ffp2")
    expect(web.locator("#lots tbody tr")).to_have_count(2)
    shot(web, "supply-07-lots")

    web.goto(f"/supply/orders/{order.code}")
    expect(web.get_by_test_id(f"delivered-{line_id}")).to_have_text(f"4{NBSP}000")
    expect(web.get_by_test_id(f"outstanding-{line_id}")).to_have_text(f"6{NBSP}000")
    expect(web.get_by_test_id("order-status")).to_have_attribute("data-status", "partly_delivered")
    shot(web, "supply-08-order-after")

    for path, name in (
        ("/stock/movements", "09-ledger"),
        ("/stock/pipeline", "10-pipeline"),
        ("/stock/expiring?days=90", "11-expiring"),
        ("/stock/deliveries", "12-deliveries"),
        ("/stock/count?warehouse=NL-ARN", "13-count"),
        ("/stock/import", "14-import"),
        ("/supply/suppliers/", "15-suppliers"),
    ):
        web.goto(path)
        expect(web.locator("h1")).to_be_visible()
        shot(web, f"supply-{name}")

"""In a real browser, with CSRF on: Uppsala kommun reports its stock and use, files a critical
request and sees it; an officer finds it on the situation picture and in the request list.
Every page is photographed into test-artifacts/screenshots/."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from supplyapp import clock
from supplyapp.models.demand import ReportSource
from supplyapp.services import demand
from tests.browser.test_sign_in import sign_in
from tests.conftest import as_user

pytestmark = pytest.mark.browser


def neighbours_report() -> None:
    """Others in the country have reported too, so the map and charts have something to show."""
    for code, stock, use in (
        ("01", 90_000, 3_000),
        ("0180", 20_000, 900),
        ("12", 9_000, 1_500),
        ("1280", 1_000, 400),
        ("25", 30_000, 500),
        ("0381", 800, 30),
    ):
        with as_user("seed"):
            demand.submit_report(
                code,
                clock.today() - timedelta(days=3),
                [demand.LineInput("ffp2", stock, use)],
                ReportSource.API,
            )


def test_a_municipality_reports_and_requests_and_an_officer_finds_it(new_page, shot, users):
    neighbours_report()
    web = new_page()
    sign_in(web, "requester")
    web.locator('nav.main-nav [data-nav="demand.index"]').click()
    expect(web).to_have_url(re.compile(r"/demand/organisations/0380/$"))
    shot(web, "demand-organisation-empty")

    web.get_by_test_id("report-link").click()
    web.locator("#ffp2__stock_on_hand").fill("-5")
    web.locator("#ffp2__daily_use").fill("40")
    web.locator("#visor__stock_on_hand").fill("300")
    web.get_by_test_id("report-submit").click()
    expect(web.locator('[data-field-error="ffp2__stock_on_hand"]')).to_be_visible()
    expect(web.locator('[data-field-error="visor__daily_use"]')).to_be_visible()
    shot(web, "demand-report-form-errors")

    web.locator("#ffp2__stock_on_hand").fill("200")
    web.locator("#visor__daily_use").fill("10")
    web.get_by_test_id("report-submit").click()
    expect(web).to_have_url(re.compile(r"/demand/organisations/0380/$"))
    row = web.locator('#latest tr[data-item="ffp2"]')
    expect(row).to_contain_text("200")
    expect(row.locator(".days")).to_have_class(re.compile("band-critical"))  # 5 days left
    shot(web, "demand-organisation-reported")

    web.get_by_test_id("request-link").click()
    form = web.get_by_test_id("request-form")
    form.locator("#item").select_option("ffp2")
    form.locator("#quantity").fill("1200")
    form.locator("#needed_by").fill((clock.today() + timedelta(days=3)).isoformat())
    form.locator("#priority").select_option("critical")
    form.locator("#justification").fill("Särskilt boende med smitta; slut om fem dagar.")
    shot(web, "demand-request-form")
    form.locator("button[type=submit]").click()
    expect(web.get_by_test_id("request-status").locator(".status-submitted")).to_be_visible()
    expect(web.get_by_test_id("request-facts")).to_contain_text("200")  # own stock kept
    shot(web, "demand-request-detail")
    request_path = urlsplit(web.url).path
    web.goto("/demand/organisations/0380/")
    expect(web.locator("#requests")).to_contain_text("1")
    web.context.close()

    officer = new_page()
    sign_in(officer, "officer")
    officer.locator('nav.main-nav [data-nav="situation.situation_picture"]').click()
    expect(officer.get_by_test_id("county-map")).to_be_visible()
    expect(officer.locator('#items tr[data-item="ffp2"]')).to_contain_text("1")
    expect(officer.locator("#low")).to_contain_text("Uppsala")
    expect(officer.locator('[data-county="03"] path')).to_have_class(re.compile("band-"))
    shot(officer, "situation-picture")

    officer.locator('#counties a[href*="/situation/regions/03"]').click()
    expect(officer.locator('tr[data-org="0380"]')).to_be_visible()
    shot(officer, "situation-region-uppsala")

    officer.locator('nav.main-nav [data-nav="demand.request_list"]').click()
    officer.get_by_test_id("request-filters").locator("#priority").select_option("critical")
    officer.get_by_test_id("request-filters").get_by_role("button").click()
    link = officer.locator(f'#requests a[href="{request_path}"]')
    expect(link).to_be_visible()
    shot(officer, "demand-request-list")
    link.click()
    officer.get_by_test_id("decision-form").locator("#status").select_option("under_review")
    officer.get_by_test_id("decision-form").locator("button[type=submit]").click()
    expect(officer.get_by_test_id("request-status").locator(".status-under_review")).to_be_visible()
    shot(officer, "demand-request-decided")
    officer.context.close()


def test_the_county_board_sees_its_county_and_its_tokens_page(new_page, shot, users):
    neighbours_report()
    web = new_page()
    sign_in(web, "county")
    web.locator('nav.main-nav [data-nav="demand.index"]').click()
    expect(web).to_have_url(re.compile(r"/demand/counties/03/"))
    expect(web.get_by_test_id("sharing-form")).to_be_visible()
    shot(web, "demand-county-overview")
    web.goto("/demand/organisations/LST-03/tokens")
    web.locator("#name").fill("Länets lägesbildssystem")
    web.locator("main form button[type=submit]").first.click()
    expect(web.get_by_test_id("new-token")).to_contain_text("sat_")
    shot(web, "demand-tokens")
    web.context.close()


def test_the_demo_picture_is_full_on_first_start(new_page, shot, users):
    from supplyapp.demo.demand import load_demo_demand

    assert load_demo_demand() > 0
    web = new_page()
    sign_in(web, "viewer")
    web.goto("/situation/?item=mask_iir")
    counties = web.locator("[data-county] path")
    expect(counties).to_have_count(21)
    expect(web.locator("[data-county] path.band-none")).to_have_count(0)  # every county reports
    expect(web.locator("#low tbody tr")).not_to_have_count(0)
    shot(web, "situation-picture-demo")
    web.goto("/situation/regions/01?item=mask_iir")
    expect(web.locator("tr[data-org]")).not_to_have_count(0)
    shot(web, "situation-region-demo")
    web.goto("/demand/requests/")
    expect(web.locator("#requests tbody tr")).not_to_have_count(0)
    shot(web, "demand-request-list-demo")
    web.context.close()

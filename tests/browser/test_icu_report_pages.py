"""In a real browser, with CSRF on, at desktop and phone width: Danderyd's ICU reporter opens
the unit list, files the daily report from the form prefilled with yesterday's, gets a jump
warning beside the figure, confirms it and sees the unit reported. Screenshots go to
test-artifacts/screenshots/icu-report-*.png."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from supplyapp import audit, clock
from supplyapp.models.intensive_care import ReportChannel
from supplyapp.services import intensive_care as icu
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def yesterdays_report() -> None:
    with audit.acting_as("seed"):
        icu.submit_report(
            icu.ReportInput(
                "DANDERYD-IVA",
                {"adult_staffed": 10, "adult_occupied": 8, "adult_invasive": 4},
                as_of=clock.now_local() - timedelta(days=1),
                assessment="available",
            ),
            ReportChannel.API,
        )


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_unit_files_its_report_and_confirms_a_jump(new_page, shot, users, width):
    yesterdays_report()
    web = new_page()
    web.set_viewport_size(WIDTHS[width])
    sign_in(web, "icu")
    web.goto("/icu/units/")
    row = web.locator('tr[data-unit="DANDERYD-IVA"]')
    expect(row.locator(".status-missing")).to_be_visible()
    shot(web, f"icu-report-{width}-units")

    row.get_by_test_id("report-link").click()
    expect(web.locator("#adult_staffed")).to_have_value("10")  # prefilled from yesterday
    web.locator("#adult_occupied").fill("30")  # more than 1.5 x 10: refused
    web.get_by_test_id("report-submit").click()
    expect(web.locator('[data-field-error="adult_occupied"]')).to_be_visible()
    expect(web.locator("#adult_occupied")).to_have_attribute("aria-invalid", "true")
    shot(web, f"icu-report-{width}-refused")

    web.locator("#adult_staffed").fill("22")  # 10 -> 22: more than doubled
    web.locator("#adult_occupied").fill("18")  # 8 -> 18: a change of more than 7
    web.locator("#child_staffed").fill("2")
    web.locator("#staff_shortage_today-0").check()
    web.get_by_test_id("report-submit").click()
    expect(web.get_by_test_id("report-warnings")).to_be_visible()
    expect(web.locator('[data-field-warning="adult_staffed"]')).to_be_visible()
    expect(web.locator('[data-field-warning="adult_occupied"]')).to_be_visible()
    shot(web, f"icu-report-{width}-warning")

    web.locator("#confirm_adult_staffed").check()
    web.locator("#confirm_adult_occupied").check()
    shot(web, f"icu-report-{width}-confirmed")
    web.get_by_test_id("report-submit").click()
    expect(web).to_have_url(re.compile(r"/icu/units/$"))
    expect(row.locator(".status-reported")).to_be_visible()
    shot(web, f"icu-report-{width}-reported")
    stored = icu.previous_report(icu.get_unit("DANDERYD-IVA").id)
    assert stored is not None
    assert (stored.adult_staffed, stored.adult_occupied, stored.child_staffed) == (22, 18, 2)
    assert stored.confirmed_warnings == ["adult_occupied", "adult_staffed"]
    web.context.close()

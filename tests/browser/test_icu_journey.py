"""The intensive-care journey in a real browser, with CSRF on: Danderyd's ICU reporter files the
morning report, is warned about a jump and confirms it; Region Stockholm's coordinator raises
the crisis level; a viewer at the Government Offices sees Stockholm turn red on the map and in
the table, with the new crisis level. Every page passes axe-core's WCAG 2.1 A/AA rules.
Screenshots: test-artifacts/screenshots/icu-journey-*.png (desktop and phone)."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.test_icu_report_pages import yesterdays_report
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def accessible(page: Page) -> None:
    """axe-core finds no WCAG 2.1 A/AA violation on the page as it stands."""
    result = Axe().run(page, options=WCAG_AA)
    problems = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']})"
        for v in result.response["violations"]
    ]
    assert not problems, f"{page.url}: " + "; ".join(problems)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_report_a_crisis_level_and_the_picture_turning_red(new_page, shot, users, width):
    yesterdays_report()  # Region Stockholm's only report: Danderyd 10 staffed, 8 occupied

    # 1. The reporter files this morning's report: 22 staffed, 21 occupied (1 free: 4.5 %).
    web = new_page()
    web.set_viewport_size(WIDTHS[width])
    sign_in(web, "icu")
    web.goto("/icu/units/DANDERYD-IVA/report")
    expect(web.locator("#adult_staffed")).to_have_value("10")  # prefilled from yesterday
    accessible(web)
    web.locator("#adult_staffed").fill("22")  # 10 -> 22: more than doubled
    web.locator("#adult_occupied").fill("21")  # 8 -> 21: a change of more than 7
    web.get_by_test_id("report-submit").click()
    expect(web.locator('[data-field-warning="adult_staffed"]')).to_be_visible()
    expect(web.locator('[data-field-warning="adult_occupied"]')).to_be_visible()
    accessible(web)
    shot(web, f"icu-journey-{width}-warning")
    web.locator("#confirm_adult_staffed").check()
    web.locator("#confirm_adult_occupied").check()
    web.get_by_test_id("report-submit").click()
    expect(web.locator('tr[data-unit="DANDERYD-IVA"] .status-reported')).to_be_visible()
    web.context.close()

    # 2. Region Stockholm's coordinator raises the crisis level.
    web = new_page()
    web.set_viewport_size(WIDTHS[width])
    sign_in(web, "region")
    web.goto("/icu/regions/01/crisis-level")
    accessible(web)
    web.locator('input[name="level"][value="reinforcement"]').check()
    web.locator("#note").fill("Fler patienter än platser i morgon")
    web.locator('[data-testid="crisis-form"] button[type="submit"]').click()
    expect(web.get_by_test_id("current-level")).to_have_text("Förstärkningsläge")
    shot(web, f"icu-journey-{width}-crisis-level")
    web.context.close()

    # 3. A viewer sees Stockholm red on the map and in the table, with the new level.
    web = new_page()
    web.set_viewport_size(WIDTHS[width])
    sign_in(web, "viewer")
    web.goto("/icu/picture/")
    stockholm = web.locator('#icu-regions tr[data-region="01"]')
    expect(stockholm).to_contain_text("Förstärkningsläge")
    expect(stockholm).to_contain_text("röd")
    expect(stockholm).to_contain_text(re.compile(r"4,5\s%"))
    expect(web.locator('[data-testid="icu-map"] a[data-county="01"]')).to_have_attribute(
        "data-band", "red"
    )
    accessible(web)
    shot(web, f"icu-journey-{width}-picture")
    web.context.close()

"""The forecast journey in a real browser, with CSRF on: an officer runs the base scenario,
builds a scenario where the EU call-offs fail, runs it, compares it with the base and sees FFP2
respirators run out weeks earlier; a viewer sees the base scenario's warnings on the start page.
Every page passes axe-core's WCAG 2.1 A/AA rules. Screenshots:
test-artifacts/screenshots/forecast-journey-*.png (desktop and phone)."""

import pytest
from playwright.sync_api import expect

from supplyapp import audit
from tests.browser.test_icu_journey import WIDTHS, accessible
from tests.browser.test_sign_in import sign_in
from tests.forecast_factories import eu_call_off, icu_report
from tests.planning_factories import reported
from tests.supply_factories import approved_lot

pytestmark = pytest.mark.browser


@pytest.fixture
def eu_dependent(users):
    """FFP2: 1,500 in stock and 3,000 called off from the EU, due in 10 days; Uppsala kommun
    uses 40 a day beyond its own 100: the EU's 3,000 are most of what keeps FFP2 going.
    Stockholm uses 1,000 gowns a day and the nation holds none (a start-page warning)."""
    with audit.acting_as("tester"):
        approved_lot(1500, "ffp2", "NL-ARN")
        eu_call_off(3000, days=10)
    reported("0380", "ffp2", stock=100, use=40)
    reported("0180", "gown", stock=0, use=1000)
    icu_report("UPPSALA-CIVA", staffed=10, occupied=8, covid=4)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_when_the_eu_call_offs_fail_ffp2_runs_out_weeks_earlier(
    new_page, shot, eu_dependent, width
):
    web = new_page()
    web.set_viewport_size(WIDTHS[width])
    sign_in(web, "officer")

    # 1. The base scenario, run on today's figures.
    web.goto("/forecasts/")
    accessible(web)
    web.get_by_test_id("run-base").click()
    expect(web.get_by_test_id("run-items")).to_be_visible()
    accessible(web)
    shot(web, f"forecast-journey-{width}-base")

    # 2. A scenario where the EU's call-offs fail.
    web.goto("/forecasts/")
    web.get_by_test_id("new-scenario").click()
    accessible(web)
    web.locator("#name").fill("EU-avrop uteblir")
    web.locator('input[name="failed_channels"][value="called_off"]').check()
    shot(web, f"forecast-journey-{width}-form")
    web.get_by_test_id("save-scenario").click()
    expect(web.get_by_test_id("no-run")).to_be_visible()
    expect(web.get_by_test_id("scenario-settings")).to_contain_text("EU-avrop")
    web.get_by_test_id("run-scenario").click()
    expect(web.get_by_test_id("run-items")).to_be_visible()
    accessible(web)
    shot(web, f"forecast-journey-{width}-scenario")

    # 3. Compared with the base: FFP2 runs out weeks earlier.
    web.goto("/forecasts/")
    web.locator('tr[data-scenario="EU-avrop uteblir"] input[type=checkbox]').check()
    web.get_by_test_id("compare").click()
    row = web.locator('[data-testid="compare-items"] tr[data-item="ffp2"] td')
    expect(row).to_have_count(2)
    base, failing = (row.nth(i).get_attribute("data-week") for i in range(2))
    assert failing != "" and (base == "" or int(base) >= int(failing) + 4), (base, failing)
    expect(row.nth(1)).to_contain_text("om ")
    accessible(web)
    shot(web, f"forecast-journey-{width}-compare")
    web.context.close()

    # 4. A viewer's start page: the base scenario's warnings.
    web = new_page()
    web.set_viewport_size(WIDTHS[width])
    sign_in(web, "viewer")
    warning = web.get_by_test_id("start-forecast")
    expect(warning).to_contain_text("Skyddsrock")
    accessible(web)
    shot(web, f"forecast-journey-{width}-start")

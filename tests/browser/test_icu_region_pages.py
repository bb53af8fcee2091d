"""In a real browser, at desktop and phone width: Region Stockholm's coordinator uploads the
region's file, is asked to confirm a jump and confirms it; an admin opens the units' list and a
unit's page. Every page passes axe-core's WCAG 2.1 A/AA rules. Screenshots:
test-artifacts/screenshots/icu-region-*.png and icu-admin-*.png."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_icu_journey import WIDTHS, accessible
from tests.browser.test_icu_report_pages import yesterdays_report
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser

# Danderyd: 10 staffed yesterday, 25 now (more than doubled); Ersta reports for the first time.
FILE = b"unit;adult_staffed;adult_occupied\nDANDERYD-IVA;25;8\nERSTA-IVA;3;2\n"


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_region_uploads_its_file_and_confirms_a_jump(new_page, shot, users, tmp_path, width):
    yesterdays_report()
    upload = tmp_path / "iva.csv"
    upload.write_bytes(FILE)
    web = new_page()
    web.set_viewport_size(WIDTHS[width])
    sign_in(web, "region")
    web.goto("/icu/regions/01/upload")
    accessible(web)
    shot(web, f"icu-region-{width}-upload")
    web.locator('[data-testid="upload-form"] input[type="file"]').set_input_files(str(upload))
    web.locator('[data-testid="upload-form"] button[type="submit"]').click()
    expect(web.get_by_test_id("upload-warnings")).to_be_visible()
    expect(web.locator("#warnings")).to_contain_text("DANDERYD-IVA")  # as the file names it
    accessible(web)
    shot(web, f"icu-region-{width}-confirm")
    form = web.get_by_test_id("upload-confirm-form")
    form.locator('input[type="checkbox"]').check()
    form.locator('button[type="submit"]').click()
    expect(web).to_have_url(re.compile(r"/icu/units/$"))
    expect(web.locator('tr[data-unit="ERSTA-IVA"] .status-reported')).to_be_visible()
    web.context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_an_admin_opens_the_units_and_a_units_page(new_page, shot, users, width):
    web = new_page()
    web.set_viewport_size(WIDTHS[width])
    sign_in(web, "admin")
    web.goto("/icu/admin/units/")
    expect(web.locator("h1")).to_have_text("Intensivvårdsenheter")
    expect(web.locator("body")).to_contain_text("Danderyd IVA")
    accessible(web)
    assert web.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]["width"]
    shot(web, f"icu-admin-{width}-units")
    web.goto("/icu/admin/units/DANDERYD-IVA/edit")
    expect(web.get_by_test_id("unit-form").locator('input[name="name"]')).to_have_value(
        "Danderyd IVA"
    )
    expect(web.get_by_test_id("close-form")).to_be_visible()
    accessible(web)
    shot(web, f"icu-admin-{width}-unit")
    web.goto("/icu/admin/units/new")
    accessible(web)
    shot(web, f"icu-admin-{width}-new")
    web.context.close()

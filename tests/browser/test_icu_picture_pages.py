"""In a real browser: the intensive-care picture, a region and a unit's history, at desktop and
phone width; every page photographed into test-artifacts/screenshots/icu-*.png."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from supplyapp import audit, clock
from supplyapp.extensions import db
from supplyapp.models.intensive_care import IcuReport, IcuUnit, ReportChannel
from supplyapp.services import icu_totals
from supplyapp.services import intensive_care as icu
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def eight_weeks_of_reports() -> None:
    """Every unit's daily reports over eight weeks, the load rising; a few not yet today."""
    rng = random.Random(3)
    units = db.session.query(IcuUnit).order_by(IcuUnit.code).all()
    for back in range(55, 0, -1):
        day = clock.today() - timedelta(days=back)
        as_of = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=7)
        for unit in units:
            staffed = unit.reference_places or 6
            occupied = min(staffed, round(staffed * (0.6 + 0.35 * (55 - back) / 55)))
            db.session.add(
                IcuReport(
                    unit_id=unit.id,
                    report_date=day,
                    as_of=as_of,
                    adult_staffed=staffed,
                    adult_occupied=max(0, occupied - rng.randint(0, 2)),
                    adult_covid=occupied // 3,
                    ecmo_places=4 if unit.has_ecmo else None,
                    ecmo_occupied=rng.randint(1, 4) if unit.has_ecmo else None,
                    surge_24h=2,
                    surge_7d=4,
                    limits=[],
                    channel=ReportChannel.API,
                    reported_by="seed",
                )
            )
    db.session.commit()
    icu_totals.rebuild()
    with audit.acting_as("seed"):
        for unit in units[::3]:
            staffed = unit.reference_places or 6
            icu.submit_report(
                icu.ReportInput(
                    unit.code,
                    {"adult_staffed": staffed, "adult_occupied": staffed, "adult_covid": 2},
                    assessment="full" if unit.code.startswith("K-") else None,
                    limits=("staff", "ventilators") if unit.code.startswith("K-") else (),
                    confirmed=("adult_occupied", "adult_covid"),
                ),
                ReportChannel.FORM,
            )
        icu.submit_report(
            icu.ReportInput("DANDERYD-IVA", {"adult_staffed": 8, "adult_occupied": 7}),
            ReportChannel.FORM,
        )
        icu.set_crisis_level("01", "reinforcement", "Many covid patients")
        icu.set_crisis_level("03", "staff")


def test_the_picture_a_region_and_a_unit_at_desktop_and_phone_width(new_page, shot, users):
    eight_weeks_of_reports()
    web = new_page()
    sign_in(web, "officer")
    web.locator('nav.main-nav [data-nav="intensive_care.picture"]').click()
    expect(web.get_by_test_id("icu-nation")).to_be_visible()
    expect(web.get_by_test_id("icu-map")).to_be_visible()
    shot(web, "icu-picture-desktop")
    for part in ("icu-nation", "icu-regions"):  # close up, to read
        web.get_by_test_id(part).screenshot(path=str(SCREENSHOTS / f"icu-detail-{part}.png"))
    web.locator('#icu-regions tr[data-region="01"] a').click()
    expect(web.get_by_test_id("icu-units")).to_be_visible()
    shot(web, "icu-region-desktop")
    web.locator('#icu-units tr[data-unit="DANDERYD-IVA"] a').click()
    expect(web.get_by_test_id("icu-history")).to_be_visible()
    shot(web, "icu-unit-desktop")
    web.set_viewport_size(PHONE)
    web.goto("/icu/picture/")
    width = web.evaluate("document.documentElement.scrollWidth")
    wide = web.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => (!e.parentElement.closest('.table-scroll')) && e.getBoundingClientRect().right"
        " > innerWidth + 1).slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ':' + Math.round(e.getBoundingClientRect().width))"
    )
    inner = web.evaluate("innerWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a phone ({inner}): {wide}"
    for path, name in (
        ("/icu/picture/", "icu-picture-phone"),
        ("/icu/picture/regions/01", "icu-region-phone"),
        ("/icu/picture/units/DANDERYD-IVA", "icu-unit-phone"),
    ):
        web.goto(path)
        shot(web, name)

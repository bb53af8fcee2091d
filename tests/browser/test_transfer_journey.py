"""The transfer journey in a real browser, with CSRF on: Region Stockholm, at 99 %, asks for six
transfers from Danderyd IVA; the national ICU coordinator runs the model and sends the
placements; Uppsala CIVA accepts two and declines one; Linköping IVA accepts its three; the
coordinator books an ambulance aircraft for a Linköping placement, records the departure (the
picture shows the patient in transit) and the arrival (the picture lists it). Every page passes
axe-core's WCAG 2.1 A/AA rules. Screenshots: test-artifacts/screenshots/transfer-journey-*.png
(desktop and phone)."""

import re

import pytest
from playwright.sync_api import Page, expect

from supplyapp.services import accounts
from tests.browser.test_icu_journey import WIDTHS, accessible
from tests.browser.test_sign_in import sign_in
from tests.transfer_factories import CASES, PASSWORD, reports, resources, uppsala_reporter

pytestmark = pytest.mark.browser


def _as(new_page, username: str, width: str) -> Page:
    web = new_page()
    web.set_viewport_size(WIDTHS[width])
    sign_in(web, username)
    return web


@pytest.mark.parametrize("width", list(WIDTHS))
def test_six_transfers_from_stockholm_to_arrival(new_page, shot, users, width):
    reports()  # Stockholm 99 of 100 occupied; Uppsala 5 free of 20; Linköping 15 of 30
    resources()  # an ambulance aircraft for two, two intensive-care ambulances
    uppsala_reporter()
    accounts.create_user("linkoping", "Linköping", "icu_reporter", PASSWORD, "LINKOPING-IVA")

    # 1. Region Stockholm asks for six transfers from Danderyd IVA.
    web = _as(new_page, "region", width)
    web.goto("/transfers/")
    web.locator('[data-unit="DANDERYD-IVA"] a', has_text="Begär förflyttning").click()
    for i, case in enumerate(CASES):
        web.locator(f"#patients-{i}-case_ref").fill(case)
    web.locator("#patients-1-case_ref").fill("19121212-1212")  # a personal identity number
    web.get_by_test_id("transfer-request-submit").click()
    expect(web.locator('[data-field-error="patients-1-case_ref"]')).to_contain_text("personnummer")
    accessible(web)
    shot(web, f"transfer-journey-{width}-refused")
    web.locator("#patients-1-case_ref").fill(CASES[1])
    web.get_by_test_id("transfer-request-submit").click()
    expect(web.locator("#transfer-patients tbody tr")).to_have_count(6)
    expect(web.locator("#transfer-patients .patient-status").first).to_have_text(
        "Väntar på placering"
    )
    accessible(web)
    shot(web, f"transfer-journey-{width}-request")
    web.context.close()

    # 2. The coordinator sees the request beside the picture, runs the model, sends.
    web = _as(new_page, "coordinator", width)
    web.goto("/transfers/coordination")
    expect(web.get_by_test_id("open-requests")).to_contain_text("Danderyd IVA")
    expect(web.locator('#transfer-regions tr[data-region="01"]')).to_contain_text("röd")
    accessible(web)
    shot(web, f"transfer-journey-{width}-coordination")
    web.get_by_test_id("run-model").click()
    lines = web.locator("#proposal-lines tbody tr")
    expect(lines).to_have_count(6)
    expect(web.locator('#proposal-lines tr[data-to="UPPSALA-CIVA"]')).to_have_count(3)
    expect(web.locator('#proposal-lines tr[data-to="LINKOPING-IVA"]')).to_have_count(3)
    expect(lines.first.locator(".move")).to_contain_text(re.compile(r"till .+ med .+ h: "))
    accessible(web)
    shot(web, f"transfer-journey-{width}-proposal")
    web.get_by_test_id("send-placements").click()
    expect(web.locator(".flash-success")).to_contain_text("6 placeringar skickade")
    web.context.close()

    # 3. Uppsala CIVA accepts two and declines one, with a reason.
    web = _as(new_page, "uppsala", width)
    web.goto("/")
    web.get_by_role(
        "link", name=re.compile("3 patienter som föreslagits till Uppsala CIVA")
    ).click()
    rows = web.locator("#incoming tbody tr")
    expect(rows).to_have_count(3)
    uppsala = [rows.nth(i).get_attribute("data-case") for i in range(3)]
    accessible(web)
    shot(web, f"transfer-journey-{width}-incoming")
    for case in uppsala[:2]:
        web.get_by_test_id(f"accept-{case}").click()
        expect(web.locator(".flash-success")).to_contain_text(f"{case} accepterad")
    declined = web.locator(f'#incoming tr[data-case="{uppsala[2]}"]')
    declined.locator("textarea").fill("Ingen sjuksköterska i natt")
    web.get_by_test_id(f"decline-{uppsala[2]}").click()
    expect(declined.locator(".placement-status")).to_contain_text("Ingen sjuksköterska i natt")
    accessible(web)
    shot(web, f"transfer-journey-{width}-answered")
    web.context.close()

    # 4. Linköping IVA accepts its three.
    web = _as(new_page, "linkoping", width)
    web.goto("/transfers/units/LINKOPING-IVA/incoming")
    linkoping = [
        web.locator("#incoming tbody tr").nth(i).get_attribute("data-case") for i in range(3)
    ]
    for case in linkoping:
        web.get_by_test_id(f"accept-{case}").click()
        expect(web.locator(".flash-success")).to_contain_text(f"{case} accepterad")
    web.context.close()

    # 5. The coordinator books the aircraft for a Linköping placement; it leaves, it arrives.
    web = _as(new_page, "coordinator", width)
    web.goto("/transfers/transport")
    expect(web.locator("#needing-transport tbody tr")).to_have_count(5)
    row = web.locator(f'#needing-transport tr[data-case="{linkoping[0]}"]')
    row.locator("select").select_option("SA-ARN-1")
    accessible(web)
    shot(web, f"transfer-journey-{width}-transport")
    web.get_by_test_id(f"book-{linkoping[0]}").click()
    expect(web.locator(".flash-success")).to_contain_text("Ambulansflyg Stockholm 1 bokad")
    web.get_by_test_id(f"step-{linkoping[0]}").click()  # departed
    booked = web.locator(f'#bookings tr[data-case="{linkoping[0]}"] .booking-status')
    expect(booked).to_contain_text("På väg")
    web.goto("/icu/picture/")
    expect(web.get_by_test_id("icu-in-transit")).to_contain_text("1 patient under transport")
    web.goto("/transfers/transport")
    web.get_by_test_id(f"step-{linkoping[0]}").click()  # arrived
    expect(booked).to_contain_text("Framme")
    accessible(web)
    shot(web, f"transfer-journey-{width}-arrived")

    # 6. The picture shows the arrival, and no one in transit.
    web.goto("/icu/picture/")
    expect(web.get_by_test_id("icu-in-transit")).to_contain_text("0 patienter under transport")
    expect(
        web.locator(f'[data-testid="icu-arrivals"] li[data-case="{linkoping[0]}"]')
    ).to_contain_text("Danderyd IVA")
    accessible(web)
    shot(web, f"transfer-journey-{width}-picture")
    web.context.close()

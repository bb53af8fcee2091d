"""In a real browser, with CSRF on: sign in and out per role, a wrong password, the language
switch, and an admin form that refuses bad input. Every page visited is photographed into
test-artifacts/screenshots/.

Roles and bad values run as subtests of one test each: the users are seeded once per test, and
seeding, not the browser, is what costs here."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from supplyapp.extensions import db
from supplyapp.models import AuditEvent, IcuUnit, Item, Organisation, Role
from supplyapp.web.navigation import NAVIGATION
from tests.conftest import PASSWORD, USERS

pytestmark = pytest.mark.browser

WRONG_PASSWORD = {"Fel användarnamn eller lösenord.", "Wrong user name or password."}


def expected_navigation(username: str) -> set[str]:
    role_name, organisation = USERS[username]
    role = Role(role_name)
    entries = {endpoint for endpoint, _label, roles in NAVIGATION if role in roles}
    if role == Role.REQUESTER and organisation is not None:
        entries.add("organisations.organisation_detail")
    return entries


def visible_navigation(page: Page) -> set[str]:
    links = page.locator("nav.main-nav [data-nav]")
    return {
        links.nth(i).get_attribute("data-nav")
        for i in range(links.count())
        if links.nth(i).is_visible()
    }


def organisation_name(code: str) -> str:
    """The name a bound user's badge shows: the organisation's, or an ICU reporter's unit's."""
    name = db.session.scalar(select(Organisation.name).where(Organisation.code == code))
    return name or db.session.scalar(select(IcuUnit.name).where(IcuUnit.code == code))


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


def test_each_role_signs_in_sees_its_navigation_and_signs_out(new_page, shot, users, subtests):
    for username in USERS:
        with subtests.test(msg=username):
            web = new_page()
            web.goto("/")
            expect(web).to_have_url(re.compile(r"/login"))  # not signed in: to the sign-in page
            if username == "admin":
                shot(web, "login")

            sign_in(web, username)
            expect(web).to_have_url(re.compile(r"/$"))
            expect(web.locator("h1")).to_contain_text(username.title())
            badge = web.get_by_test_id("user-badge")
            expect(badge).to_be_visible()
            expect(badge).to_contain_text(username.title())
            organisation = USERS[username][1]
            if organisation:
                expect(badge).to_contain_text(organisation_name(organisation))
            assert visible_navigation(web) == expected_navigation(username)
            expect(web.locator('nav.main-nav [data-nav="main.home"]')).to_have_attribute(
                "aria-current", "page"
            )
            shot(web, f"home-{username}")

            web.get_by_test_id("logout").click()
            expect(web).to_have_url(re.compile(r"/login$"))
            expect(web.locator("input[name=username]")).to_be_visible()
            expect(web.get_by_test_id("user-badge")).to_have_count(0)
            expect(web.locator("nav.main-nav")).to_have_count(0)
            expect(web.locator(".flash")).to_be_visible()
            if username == "admin":
                shot(web, "signed-out")

            web.goto("/")  # the session is gone
            expect(web).to_have_url(re.compile(r"/login"))
            web.context.close()


# The menu's pages open for a role of each kind of view: the national one (admin sees every
# area), a county's own (county), and a bound organisation's own pages (requester, region).
def test_each_menu_entry_opens_its_page(new_page, shot, users, subtests):
    for username in ("admin", "county", "requester", "region"):
        with subtests.test(msg=username):
            web = new_page()
            sign_in(web, username)
            for endpoint in sorted(expected_navigation(username) - {"main.home"}):
                link = web.locator(f'nav.main-nav [data-nav="{endpoint}"]')
                href = link.get_attribute("href")
                with web.expect_navigation() as navigation:
                    link.click()
                assert navigation.value.status == 200, f"{endpoint} -> {web.url}"
                expect(web.locator("h1").first).to_be_visible()
                assert visible_navigation(web) == expected_navigation(username)
                if path_of(web) == href:  # an entry that redirects is not "the current page"
                    expect(web.locator(f'nav.main-nav [data-nav="{endpoint}"]')).to_have_attribute(
                        "aria-current", "page"
                    )
                shot(web, f"nav-{username}-{endpoint}")
            if username == "county":  # its organisations are its own county's only
                web.goto("/organisations/")
                rows = web.locator("#organisations tbody tr")
                assert 0 < rows.count() < 40
            web.context.close()


def test_wrong_password_is_shown_beside_the_password_field(web, shot, users):
    sign_in(web, "officer", "not-the-password")
    assert path_of(web) == "/login"
    error = web.locator('[data-field-error="password"]')
    expect(error).to_be_visible()
    assert error.inner_text().strip() in WRONG_PASSWORD
    expect(web.locator("input[name=password]")).to_have_attribute("aria-invalid", "true")
    expect(web.locator("input[name=username]")).to_have_value("officer")
    expect(web.get_by_test_id("user-badge")).to_have_count(0)
    shot(web, "login-wrong-password")

    # Right after, the right password still works.
    web.locator("input[name=password]").fill(PASSWORD)
    web.locator("main button[type=submit]").click()
    expect(web.get_by_test_id("user-badge")).to_be_visible()


def test_language_switch_to_english_and_back(web, shot, users):
    web.goto("/login")
    expect(web.locator("html")).to_have_attribute("lang", "sv")
    web.get_by_test_id("lang-en").click()
    expect(web.locator("html")).to_have_attribute("lang", "en")
    expect(web).to_have_url(re.compile(r"/login$"))
    expect(web.locator("h1")).to_have_text("Sign in")
    expect(web.get_by_test_id("lang-sv")).to_be_visible()
    shot(web, "login-english")
    web.get_by_test_id("lang-sv").click()
    expect(web.locator("html")).to_have_attribute("lang", "sv")
    expect(web.get_by_test_id("lang-en")).to_be_visible()

    # Signed in, on a page with a query string: the switch returns to the same page.
    sign_in(web, "viewer")
    web.goto("/organisations/?kind=region")
    web.get_by_test_id("lang-en").click()
    expect(web.locator("html")).to_have_attribute("lang", "en")
    expect(web).to_have_url(re.compile(r"/organisations/\?kind=region$"))
    expect(web.get_by_test_id("user-badge")).to_be_visible()
    expect(web.locator("h1")).to_have_text("Organisations")
    shot(web, "organisations-regions-english")
    web.get_by_test_id("lang-sv").click()
    expect(web.locator("html")).to_have_attribute("lang", "sv")
    expect(web).to_have_url(re.compile(r"/organisations/\?kind=region$"))
    shot(web, "organisations-regions-swedish")


def _ffp2() -> dict:
    db.session.expire_all()
    item = db.session.scalar(select(Item).where(Item.code == "ffp2"))
    return {
        column: getattr(item, column)
        for column in (
            "name_sv",
            "name_en",
            "unit",
            "pack_size",
            "standard",
            "shelf_life_months",
            "active",
        )
    }


def _audit_events() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


# A number field takes no letters in a browser: "2.5" is the wrong type a user can type.
BAD_PACK_SIZES = {"wrong-type": "2.5", "zero": "0", "too-big": "100001", "empty": ""}


def test_admin_sees_bad_input_beside_the_field_and_nothing_is_saved(web, shot, users, subtests):
    sign_in(web, "admin")
    before = _ffp2()
    events_before = _audit_events()
    web.goto("/admin/data/items/ffp2/edit")
    expect(web.locator("input[name=code]")).to_have_value("ffp2")
    shot(web, "admin-item-edit")

    for why, bad in BAD_PACK_SIZES.items():
        with subtests.test(msg=why):
            web.goto("/admin/data/items/ffp2/edit")
            web.locator("input[name=name_en]").fill("Renamed by a bad save")
            web.locator("input[name=pack_size]").fill(bad)
            with web.expect_navigation():
                web.locator("main form button[type=submit]").click()

            assert path_of(web) == "/admin/data/items/ffp2/edit"
            errors = web.locator('[data-field-error="pack_size"]')
            expect(errors.first).to_be_visible()
            assert all(text.strip() for text in errors.all_inner_texts())
            pack_size = web.locator("input[name=pack_size]")
            expect(pack_size).to_have_attribute("aria-invalid", "true")
            expect(pack_size).to_have_value(bad)  # the user's input is kept to correct
            # The message sits beside its field, in the same field block.
            expect(web.locator(".field.has-error").filter(has=pack_size)).to_contain_text(
                errors.first.inner_text().strip()
            )
            expect(web.locator(".error-summary")).to_be_visible()
            expect(web.locator('[data-field-error="csrf_token"]')).to_have_count(0)
            # Fields without an error carry no aria-invalid (not even "None"), no dangling ids.
            name_sv = web.locator("input[name=name_sv]")
            assert name_sv.get_attribute("aria-invalid") is None
            assert name_sv.get_attribute("aria-describedby") is None
            shot(web, f"admin-item-edit-bad-pack-size-{why}")

            assert _ffp2() == before
            assert _audit_events() == events_before

    # Corrected, the same form saves.
    web.locator("input[name=pack_size]").fill("25")
    web.locator("input[name=name_en]").fill(before["name_en"])
    web.locator("main form button[type=submit]").click()
    expect(web).to_have_url(re.compile(r"/admin/data/items/$"))
    expect(web.locator(".flash")).to_be_visible()
    shot(web, "admin-item-saved")
    assert _ffp2() == {**before, "pack_size": 25}

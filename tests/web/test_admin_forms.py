"""Admin forms: good input saves; bad input (empty, too long, wrong type, unknown code) shows a
message beside the field and writes nothing."""

import re

import pytest
from sqlalchemy import func, select

from supplyapp.extensions import db
from supplyapp.models import AuditEvent, Item, Organisation, Supplier, User, Warehouse
from tests.conftest import PASSWORD, login

GOOD = {
    "items": {
        "code": "ffp2_valve",
        "name_sv": "FFP2 med ventil",
        "name_en": "FFP2 with valve",
        "unit": "st",
        "pack_size": "10",
        "standard": "EN 149",
        "shelf_life_months": "60",
        "national_reserve": "5000",
        "per_icu_patient_day": "35",
        "active": "y",
    },
    "suppliers": {
        "code": "LEV-900",
        "name": "Testleverantör AB",
        "kind": "market",
        "country": "se",
        "contact_email": "order@test.example",
        "active": "y",
    },
    "warehouses": {
        "code": "NL-UME",
        "name": "Nationellt lager Umeå",
        "municipality_code": "2480",
        "lat": "63.8",
        "lon": "20.3",
        "active": "y",
    },
    "organisations": {
        "code": "VG-0380-TEST",
        "kind": "care_provider",
        "name": "Testvården AB",
        "county_code": "03",
        "lat": "59.86",
        "lon": "17.64",
        "is_private": "y",
        "active": "y",
    },
}
MODELS = {
    "items": Item,
    "suppliers": Supplier,
    "warehouses": Warehouse,
    "organisations": Organisation,
}

# (entity, field, bad value, why)
BAD = [
    ("items", "code", "", "empty"),
    ("items", "code", "FFP2 Valve!", "wrong characters"),
    ("items", "code", "ffp2", "already used"),
    ("items", "name_sv", "x" * 121, "too long"),
    ("items", "pack_size", "abc", "wrong type"),
    ("items", "pack_size", "0", "below 1"),
    ("items", "shelf_life_months", "-3", "negative"),
    ("items", "national_reserve", "-1", "negative reserve"),
    ("items", "per_icu_patient_day", "-2", "negative use per ICU patient-day"),
    ("items", "unit", "barrel", "not a choice"),
    ("suppliers", "name", "", "empty"),
    ("suppliers", "contact_email", "not-an-address", "wrong type"),
    ("suppliers", "country", "SWE", "too long"),
    ("warehouses", "municipality_code", "9999", "unknown code"),
    ("warehouses", "lat", "north", "wrong type"),
    ("warehouses", "lon", "40", "outside Sweden"),
    ("organisations", "county_code", "99", "unknown code"),
    ("organisations", "county_code", "x", "wrong type"),
    ("organisations", "population", "-1", "negative"),
    ("organisations", "kind", "hospital", "not a choice"),
]


@pytest.fixture
def admin(client, users):
    assert login(client, "admin").status_code == 302
    return client


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("entity", list(GOOD))
def test_good_input_creates_the_record(admin, app, entity):
    response = admin.post(f"/admin/data/{entity}/new", data=GOOD[entity])
    assert response.status_code == 302
    with app.app_context():
        model = MODELS[entity]
        assert db.session.scalar(select(model).where(model.code == GOOD[entity]["code"]))


@pytest.mark.parametrize("entity,field,value,why", BAD, ids=[f"{e}.{f}:{w}" for e, f, _, w in BAD])
def test_bad_input_is_shown_beside_the_field_and_nothing_is_written(
    admin, app, entity, field, value, why
):
    with app.app_context():
        before = (_count(MODELS[entity]), _count(AuditEvent))
    response = admin.post(f"/admin/data/{entity}/new", data={**GOOD[entity], field: value})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(rf'data-field-error="{field}">[^<]+<', html), f"no error beside {field}"
    assert 'aria-invalid="true"' in html
    with app.app_context():
        assert (_count(MODELS[entity]), _count(AuditEvent)) == before


def test_editing_keeps_the_code_and_saves_the_change(admin, app):
    data = {**GOOD["items"], "code": "hacked", "name_sv": "Nytt namn", "pack_size": "25"}
    assert admin.post("/admin/data/items/ffp2/edit", data=data).status_code == 302
    with app.app_context():
        item = db.session.scalar(select(Item).where(Item.code == "ffp2"))
        assert (item.name_sv, item.pack_size) == ("Nytt namn", 25)
        assert db.session.scalar(select(Item).where(Item.code == "hacked")) is None


def test_a_bad_edit_changes_nothing(admin, app):
    data = {**GOOD["items"], "code": "ffp2", "pack_size": "many"}
    response = admin.post("/admin/data/items/ffp2/edit", data=data)
    assert 'data-field-error="pack_size"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Item.pack_size).where(Item.code == "ffp2")) == 20


def test_an_unknown_record_or_kind_is_404(admin):
    assert admin.get("/admin/data/items/nope/edit").status_code == 404
    assert admin.get("/admin/data/rockets/").status_code == 404
    assert admin.get("/admin/data/counties/new").status_code == 404


USER = {
    "username": "new.user",
    "full_name": "Ny Användare",
    "role": "requester",
    "organisation": "0380",
    "password": "a-long-password-1",
    "active": "y",
}
BAD_USERS = [
    ("username", "", "empty"),
    ("username", "Has Space", "wrong characters"),
    ("username", "viewer", "taken"),
    ("full_name", "x" * 121, "too long"),
    ("organisation", "9999", "unknown code"),
    ("organisation", "", "missing for a requester"),
    ("password", "short", "too short"),
    ("role", "superuser", "not a choice"),
    ("email", "nope", "wrong type"),
]


def test_a_good_user_is_created_bound_to_the_organisation(admin, app):
    assert admin.post("/admin/users/new", data=USER).status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "new.user"))
        assert user.organisation.code == "0380" and user.role == "requester"


@pytest.mark.parametrize("field,value,why", BAD_USERS, ids=[f"{f}:{w}" for f, _, w in BAD_USERS])
def test_bad_user_input_is_shown_beside_the_field_and_nothing_is_written(
    admin, app, field, value, why
):
    with app.app_context():
        before = _count(User)
    response = admin.post("/admin/users/new", data={**USER, field: value})
    assert response.status_code == 200
    assert re.search(rf'data-field-error="{field}">[^<]+<', response.get_data(as_text=True))
    with app.app_context():
        assert _count(User) == before


def test_an_admin_can_disable_a_user_who_then_cannot_sign_in(admin, client, app):
    data = {"username": "viewer", "full_name": "Viewer", "role": "viewer", "organisation": ""}
    assert admin.post("/admin/users/viewer/edit", data=data).status_code == 302  # active unticked
    admin.post("/logout")
    assert login(client, "viewer").status_code == 422


def test_a_password_reset_shows_a_new_password_once(admin, app):
    response = admin.post("/admin/users/viewer/reset-password", follow_redirects=True)
    assert response.status_code == 200
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "users",
                AuditEvent.entity_key == "viewer",
                AuditEvent.action == "update",
            )
        ).all()
        assert {"password_hash": "*** (changed)"} in [e.after for e in events]


def test_changing_ones_own_password(client, users, app):
    login(client, "viewer")
    bad = client.post(
        "/account/password",
        data={
            "current_password": "wrong",
            "new_password": "new-password-99",
            "confirm": "new-password-99",
        },
    )
    assert 'data-field-error="current_password"' in bad.get_data(as_text=True)
    good = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "new-password-99",
            "confirm": "new-password-99",
        },
    )
    assert good.status_code == 302
    client.post("/logout")
    assert login(client, "viewer", "new-password-99").status_code == 302


def test_a_number_that_does_not_parse_gets_one_message_not_two(admin):
    response = admin.post("/admin/data/items/new", data={**GOOD["items"], "pack_size": "2.5"})
    html = response.get_data(as_text=True)
    message = re.search(r'data-field-error="pack_size">([^<]+)<', html).group(1)
    assert "100" not in message  # the range (1 to 100 000) is not claimed for a non-number

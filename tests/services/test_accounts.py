"""Users: hashing, sign-in, throttling, disabling, password resets, organisation binding."""

import pytest
from sqlalchemy import select

from supplyapp.extensions import db
from supplyapp.models import AuditEvent, LoginFailure, User
from supplyapp.services import accounts
from supplyapp.services.errors import InvalidInput, LoginRefused, LoginThrottled
from tests.conftest import PASSWORD


def test_passwords_are_stored_as_argon2_hashes(users):
    user = db.session.scalar(select(User).where(User.username == "viewer"))
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_the_right_password_signs_in_and_is_audited(users):
    user = accounts.authenticate("Viewer ", PASSWORD, "127.0.0.1")
    assert user.username == "viewer" and user.last_login_at is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login"))
    assert event.actor == "viewer" and event.address == "127.0.0.1"


def test_a_wrong_password_is_refused_and_recorded(users):
    with pytest.raises(LoginRefused):
        accounts.authenticate("viewer", "wrong-password", "10.0.0.1")
    assert db.session.scalar(select(LoginFailure.username)) == "viewer"


def test_five_failures_lock_the_name_even_for_the_right_password(users):
    for _ in range(5):
        with pytest.raises(LoginRefused):
            accounts.authenticate("viewer", "wrong-password", "10.0.0.1")
    with pytest.raises(LoginThrottled):
        accounts.authenticate("viewer", PASSWORD, "10.0.0.2")


def test_many_failures_from_one_address_lock_the_address(users):
    for n in range(20):
        with pytest.raises(LoginRefused):
            accounts.authenticate(f"nobody{n}", "x", "10.9.9.9")
    with pytest.raises(LoginThrottled):
        accounts.authenticate("viewer", PASSWORD, "10.9.9.9")
    assert accounts.authenticate("viewer", PASSWORD, "10.0.0.3").username == "viewer"


def test_a_success_clears_the_names_failures(users):
    for _ in range(4):
        with pytest.raises(LoginRefused):
            accounts.authenticate("viewer", "wrong", "10.0.0.1")
    accounts.authenticate("viewer", PASSWORD, "10.0.0.1")
    assert db.session.scalar(select(LoginFailure.id)) is None


def test_a_disabled_user_cannot_sign_in(users):
    accounts.set_active("viewer", False)
    with pytest.raises(LoginRefused):
        accounts.authenticate("viewer", PASSWORD, "127.0.0.1")


def test_a_reset_gives_a_new_password_that_works_and_the_old_does_not(users):
    _, new_password = accounts.reset_password("viewer")
    assert len(new_password) >= 10
    assert accounts.authenticate("viewer", new_password, "127.0.0.1")
    with pytest.raises(LoginRefused):
        accounts.authenticate("viewer", PASSWORD, "127.0.0.1")


@pytest.mark.parametrize(
    "role,org,field",
    [
        ("requester", None, "organisation"),  # a requester needs an organisation
        ("requester", "9999", "organisation"),  # unknown code
        ("requester", "LST-03", "organisation"),  # a county board is not a requester
        ("county", "0380", "organisation"),  # a municipality is not a county board
        ("officer", "0380", "organisation"),  # national roles belong to no organisation
    ],
)
def test_roles_are_bound_to_the_right_kind_of_organisation(places, role, org, field):
    with pytest.raises(InvalidInput) as error:
        accounts.create_user("newbie", "New Bie", role, PASSWORD, org)
    assert field in error.value.errors
    assert db.session.scalar(select(User.id).where(User.username == "newbie")) is None


def test_a_short_password_is_refused(places):
    with pytest.raises(InvalidInput) as error:
        accounts.create_user("newbie", "New Bie", "viewer", "short")
    assert "password" in error.value.errors


def test_a_taken_user_name_is_refused(users):
    with pytest.raises(InvalidInput) as error:
        accounts.create_user("Viewer", "Other", "viewer", PASSWORD)
    assert "username" in error.value.errors

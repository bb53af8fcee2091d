"""Password rules (issue 18, point 9): common and breached passwords from the shipped list, the
user's own names, too few different characters and, outside the demo, the demo's published
password are refused wherever a password is set; the demo is never loaded in production."""

import pytest

from supplyapp.cli import demo
from supplyapp.services import accounts, passwords
from supplyapp.services.errors import InvalidInput
from tests.conftest import PASSWORD


@pytest.mark.parametrize(
    "password,reason",
    [
        ("aaaaaaaaaa", "different characters"),
        ("password12", "most common"),
        ("Password12!", "most common"),
        ("qwerty1234", "most common"),
        ("1234567890", "most common"),
        ("iloveyou123", "most common"),
        ("nybörjare.anna", "own names"),
        ("Anna-Nybörjare-2026", "own names"),
        ("anna.nyborjare", "own names"),
    ],
)
def test_a_weak_password_is_refused_when_a_user_is_made(places, app, password, reason):
    with pytest.raises(InvalidInput) as refused:
        accounts.create_user(
            "anna.nyborjare", "Anna Nybörjare", "viewer", password, None, "anna@example.se"
        )
    assert reason in refused.value.errors["password"]


def test_the_shipped_list_is_the_breached_list():
    common = passwords.common_passwords()
    assert len(common) > 19_000 and {"123456", "password", "qwerty"} <= common


def test_a_changed_or_reset_password_follows_the_same_rules(users):
    user = accounts.find_user("viewer")
    with pytest.raises(InvalidInput) as refused:
        accounts.change_own_password(user, PASSWORD, "viewer-2026-x")
    assert "new_password" in refused.value.errors
    with pytest.raises(InvalidInput):
        accounts.reset_password("viewer", "password12")
    accounts.change_own_password(user, PASSWORD, "Skyddsrock-på-lager-47")


def test_the_demo_password_is_refused_in_production_and_the_demo_never_loads_there(places, app):
    accounts.create_user("demo.user", "Demo User", "viewer", passwords.DEMO_PASSWORD)
    app.config["NAME"] = "production"
    try:
        with pytest.raises(InvalidInput):
            accounts.create_user("prod.user", "Prod User", "viewer", passwords.DEMO_PASSWORD)
        result = app.test_cli_runner().invoke(demo)
        assert result.exit_code != 0 and "production" in result.output
    finally:
        app.config["NAME"] = "test"

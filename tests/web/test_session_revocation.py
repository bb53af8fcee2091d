"""Server-side session revocation (issue 18, point 8): a copied session cookie stops working when
its user signs out, changes the password, is disabled or has the password reset by an admin."""

import threading

import pytest

from supplyapp.services import accounts
from tests.conftest import PASSWORD, login

NEW_PASSWORD = "Ny-lösen-för-vera-47"


def _status(client, url="/") -> int:
    """The status of a GET in a thread of its own: a fresh app context, as each request in a
    server has (in the test's thread the requests share the test's context, and so its `g`,
    where Flask-Login keeps the user it loaded)."""
    statuses: list[int] = []
    thread = threading.Thread(target=lambda: statuses.append(client.get(url).status_code))
    thread.start()
    thread.join(timeout=30)
    return statuses[0]


def _copy(app, client):
    """A second browser holding a copy of client's session cookie."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief.set_cookie("session", cookie.value)
    assert _status(thief) == 200  # the copy works at first
    return thief


def test_signing_out_ends_a_copied_session(app, client, users):
    login(client, "viewer")
    thief = _copy(app, client)
    client.post("/logout")
    assert _status(thief) == 302


def test_a_password_change_ends_other_sessions_but_keeps_this_one(app, client, users):
    login(client, "viewer")
    thief = _copy(app, client)
    answer = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert answer.status_code == 302, answer.text
    assert _status(thief) == 302
    assert _status(client) == 200


@pytest.mark.parametrize(
    "action",
    [
        lambda: accounts.set_active("viewer", False),
        lambda: accounts.reset_password("viewer"),
    ],
    ids=["disabled", "reset"],
)
def test_disabling_or_a_reset_ends_every_session(app, client, users, action):
    login(client, "viewer")
    thief = _copy(app, client)
    action()
    assert _status(thief) == 302
    assert _status(client) == 302


def test_an_admin_disabling_through_the_form_ends_the_users_sessions(app, client, users):
    login(client, "viewer")
    admin = app.test_client()
    login(admin, "admin")
    user = accounts.find_user("viewer")
    accounts.update_user(user, user.full_name, user.role, None, None, active=False)
    assert _status(client) == 302

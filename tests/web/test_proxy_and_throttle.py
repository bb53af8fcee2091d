"""Behind the TLS proxy (issue 18, point 5): the client's address is taken from the proxy's
X-Forwarded-For only when the proxy is trusted; failures from a shared address lock the account,
not everyone at that address; parallel guesses cannot pass the throttle before it counts them."""

import threading

import pytest
from flask import request
from sqlalchemy import select

from supplyapp import create_app
from supplyapp.extensions import db
from supplyapp.models import AuditEvent
from supplyapp.services import accounts
from supplyapp.services.errors import LoginRefused, LoginThrottled
from tests.conftest import PASSWORD, FastHashConfig


@pytest.fixture
def proxied_app(app):
    """The app as deployed behind a proxy at 127.0.0.1 (the test client's address)."""
    behind = create_app(
        FastHashConfig,
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        INSTANCE_PATH=app.instance_path,
        TRUSTED_PROXIES="127.0.0.1, ::1",
    )

    @behind.get("/_test/address")
    def address():
        return f"{request.remote_addr} {request.scheme}"

    yield behind
    with behind.app_context():
        db.session.remove()
        db.engine.dispose()


def _sign_in(client, password, address=None):
    headers = {"X-Forwarded-For": address} if address else {}
    return client.post("/login", data={"username": "viewer", "password": password}, headers=headers)


def test_a_trusted_proxy_names_the_client_and_the_scheme(proxied_app):
    client = proxied_app.test_client()
    answer = client.get(
        "/_test/address", headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    )
    assert answer.text == "203.0.113.7 https"
    # A peer that is not the proxy cannot claim another address.
    spoofed = client.get(
        "/_test/address",
        headers={"X-Forwarded-For": "203.0.113.7"},
        environ_base={"REMOTE_ADDR": "198.51.100.1"},
    )
    assert spoofed.text == "198.51.100.1 http"


def test_without_trusted_proxies_a_forwarded_address_is_ignored(app, client, users):
    _sign_in(client, "wrong-password", "203.0.113.7")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login_failed"))
    assert event.address == "127.0.0.1"


def test_behind_the_proxy_the_audit_log_and_throttle_see_each_client(proxied_app, users):
    client = proxied_app.test_client()
    for n in range(20):  # one person at 203.0.113.7 guesses 20 names
        client.post(
            "/login",
            data={"username": f"nobody{n}", "password": "x"},
            headers={"X-Forwarded-For": "203.0.113.7"},
        )
    assert "För många" in _sign_in(client, PASSWORD, "203.0.113.7").text
    # ... and only that person is locked out, not everyone behind the proxy.
    assert _sign_in(client, PASSWORD, "203.0.113.8").status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login"))
    assert event.address == "203.0.113.8"


def test_failures_from_a_shared_address_lock_the_account_not_the_address(app, users):
    app.config["LOGIN_SHARED_ADDRESSES"] = "10.20.0.0/16"
    try:
        for n in range(25):
            with pytest.raises(LoginRefused):
                accounts.authenticate(f"nobody{n}", "x", "10.20.1.1")
        assert accounts.authenticate("viewer", PASSWORD, "10.20.1.1").username == "viewer"
        for _ in range(5):
            with pytest.raises(LoginRefused):
                accounts.authenticate("officer", "wrong-password", "10.20.1.1")
        with pytest.raises(LoginThrottled):
            accounts.authenticate("officer", PASSWORD, "10.20.1.2")
    finally:
        app.config["LOGIN_SHARED_ADDRESSES"] = ""


def test_parallel_guesses_get_no_more_than_the_allowed_five_answers(app, users):
    db.session.remove()
    guesses = 12
    barrier = threading.Barrier(guesses)
    results: list[str] = []

    def guess(index):
        with app.app_context():
            barrier.wait()
            try:
                accounts.authenticate("viewer", f"guess-{index}-wrong", f"10.1.0.{index}")
            except (LoginRefused, LoginThrottled) as error:
                results.append(type(error).__name__)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(guesses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["LoginRefused"] * 5 + ["LoginThrottled"] * 7, results

"""Shared fixtures: an app on SQLite (default) or PostgreSQL (DATABASE_URL), users per role,
the clock frozen in every test, and who acts (`as_user`)."""

import os
import shutil
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import delete

from supplyapp import audit, clock, create_app
from supplyapp.config import TestConfig
from supplyapp.demo import reference_data
from supplyapp.extensions import db

IN_CI = os.environ.get("CI", "").lower() == "true"
PASSWORD = "test-password-123"

# One user per role, bound ones to real organisations: Uppsala kommun, Region Stockholm,
# Länsstyrelsen i Uppsala län; the ICU reporter to Danderyd IVA.
USERS = {
    "admin": ("admin", None),
    "officer": ("officer", None),
    "officer2": ("officer", None),
    "logistics": ("logistics", None),
    "viewer": ("viewer", None),
    "requester": ("requester", "0380"),
    "region": ("requester", "01"),
    "county": ("county", "LST-03"),
    "icu": ("icu_reporter", "DANDERYD-IVA"),  # Danderyd IVA, a unit of Region Stockholm
    "coordinator": ("icu_coordinator", None),  # the national ICU coordinator (transfers)
}


# Every test runs with the clock stopped at one instant: SUPPLYAPP_TEST_NOW, a time in the app's
# zone (Swedish time) such as 2026-11-30T23:59:59 (or with an offset), else an ordinary
# weekday morning. `make test-sqlite` runs at 23:59:59 and `make test-postgres` at 00:00:01.
DEFAULT_TEST_NOW = "2026-11-25T10:00:00"


def frozen_instant() -> datetime:
    """The instant the tests run at, in UTC."""
    text = os.environ.get("SUPPLYAPP_TEST_NOW") or DEFAULT_TEST_NOW
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise pytest.UsageError(
            f"SUPPLYAPP_TEST_NOW must be a time such as {DEFAULT_TEST_NOW}, not {text!r}"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.zone())
    return moment.astimezone(UTC)


def frozen_at(moment: datetime):
    """The clock stopped at this instant. Given in UTC, time-machine also sets the process's
    zone to UTC, as on a server: a date taken from the system clock instead of the app's
    would be UTC's day, and show before 01:00 (02:00 in summer) Swedish time."""
    return time_machine.travel(moment.astimezone(UTC), tick=False)


@pytest.fixture(autouse=True)
def frozen_clock():
    """Stopped, not ticking: two reads in a test give the same time. time-machine leaves
    time.monotonic and time.perf_counter alone, so timeouts and waits (werkzeug's live server,
    Playwright, the gunicorn test) still run."""
    with frozen_at(frozen_instant()) as traveller:
        yield traveller


def as_user(name: str):
    """Act as this user inside the block, as the web request, the API token or the CLI command
    would say: services read who acts from the audit context, never from a parameter."""
    return audit.acting_as(name)


@pytest.fixture(autouse=True)
def nobody_acting():
    """Each test starts as "system": an actor left by an earlier test's request or command (the
    request hook and the CLI set it for the rest of the thread) does not carry over."""
    with audit.acting_as(audit.SYSTEM.name):
        yield


def need_tool(path: str, what: str) -> None:
    """Skip when a tool is missing on a developer's machine; fail in CI."""
    if shutil.which(path) is None and not os.path.exists(path):
        message = f"{what} is missing ({path})"
        if IN_CI:
            pytest.fail(message + ": CI must have it", pytrace=False)
        pytest.skip(message)


def database_url_for_tests(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


class FastHashConfig(TestConfig):
    # Cheap hashing keeps hundreds of sign-ins fast; production uses argon2's defaults.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1
    # Test-client tests post without tokens; test_csrf.py and the browser tests turn it on.
    WTF_CSRF_ENABLED = False


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app(
        FastHashConfig,
        SQLALCHEMY_DATABASE_URI=database_url_for_tests(tmp_path_factory),
        INSTANCE_PATH=str(tmp_path_factory.mktemp("instance")),
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def clean_database(request):
    """Each test starts from empty tables."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        # The stored stock balances must equal the ledger after every test's data (issue 3).
        from supplyapp.services.stock import check_ledger
        from supplyapp.services.stock_units import check_units

        differences = [*check_ledger(), *check_units()]
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(delete(table))
    if differences:
        pytest.fail(
            "stock balances differ from the ledger: " + "; ".join(map(str, differences)),
            pytrace=False,
        )


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield


@pytest.fixture
def places(app_context):
    """The real places, the catalogue, the demo's warehouses, suppliers and providers."""
    reference_data.load_places()
    reference_data.load_items()
    reference_data.load_demo_places()
    reference_data.load_icu_units()


@pytest.fixture
def users(places):
    """username -> role, one user per entry of USERS."""
    from supplyapp.services import accounts

    for username, (role, org) in USERS.items():
        accounts.create_user(username, username.title(), role, PASSWORD, org)
    return {name: role for name, (role, _) in USERS.items()}


@pytest.fixture
def client(app):
    return app.test_client()


def login(client, username: str, password: str = PASSWORD):
    return client.post(
        "/login", data={"username": username, "password": password}, follow_redirects=False
    )


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False

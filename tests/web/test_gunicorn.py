"""The production setup end to end: gunicorn with two workers on a database made by the
migrations (not create_all), a real sign-in over HTTP with CSRF, and the session cookie's flags.
PostgreSQL only: it runs on the PostgreSQL pass of `make test` (DATABASE_URL from
scripts/with-postgres.sh) and is skipped on SQLite."""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy.engine import make_url

from tests.conftest import need_tool

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
GUNICORN = BIN / "gunicorn"
FLASK = BIN / "flask"
START_TIMEOUT = 45  # seconds for gunicorn to answer /health
HTTP_TIMEOUT = 10
FULL_NAME = "Gunnar Gunicornsson"


def _database_url() -> str:
    return os.environ.get("DATABASE_URL", "")


def _production_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "SUPPLYAPP_CONFIG", "SESSION_COOKIE_SECURE", "DATABASE_URL"}
    }
    env.update(SUPPLYAPP_CONFIG="production", FLASK_APP="wsgi.py", PYTHONUNBUFFERED="1", **extra)
    return env


def _run(args: list[str], env: dict[str, str], timeout: int = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _admin_connection(url):
    import psycopg

    return psycopg.connect(
        host=url.host,
        port=url.port,
        user=url.username,
        password=url.password,
        dbname=url.database,
        autocommit=True,
        connect_timeout=10,
    )


@pytest.fixture
def fresh_database():
    """A new, empty PostgreSQL database on the test server; dropped afterwards."""
    url = _database_url()
    if not url.startswith("postgresql"):
        pytest.skip("gunicorn end to end needs PostgreSQL: DATABASE_URL is not postgresql://…")
    server = make_url(url)
    name = f"gunicorn_test_{secrets.token_hex(6)}"
    with _admin_connection(server) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with _admin_connection(server) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _set_cookies(response: requests.Response) -> list[str]:
    return response.raw.headers.getlist("Set-Cookie")


def _session_cookie(response: requests.Response) -> str:
    """The raw Set-Cookie line for the session cookie."""
    lines = [line for line in _set_cookies(response) if line.startswith("session=")]
    assert lines, f"no session cookie in {_set_cookies(response)}"
    return lines[-1]


def _cookie_value(set_cookie: str) -> str:
    return set_cookie.split(";", 1)[0]  # "session=…"


def _cookie_flags(set_cookie: str) -> dict[str, str | bool]:
    flags: dict[str, str | bool] = {}
    for part in set_cookie.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        flags[key.lower()] = value or True
    return flags


def _csrf_token(html: str) -> str:
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html)
    assert tag, "the sign-in page has no csrf_token field"
    value = re.search(r'value="([^"]+)"', tag.group(0))
    assert value, tag.group(0)
    return value.group(1)


def _wait_for_health(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            response = requests.get(f"{base}/health", timeout=5)
        except requests.RequestException:  # not listening yet, or a worker still booting
            time.sleep(0.2)
            continue
        if response.status_code == 200:
            assert response.json() == {"status": "ok"}
            return
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer /health within {START_TIMEOUT} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def test_gunicorn_serves_a_signed_in_session_with_safe_cookies(fresh_database, tmp_path):
    need_tool(str(GUNICORN), "gunicorn")
    env = _production_env(SECRET_KEY=secrets.token_hex(32), DATABASE_URL=fresh_database)

    upgrade = _run([FLASK, "db", "upgrade"], env)
    assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "gunicorn.log"
    password = secrets.token_urlsafe(16)
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [
                str(GUNICORN),
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{port}",
                "--graceful-timeout",
                "5",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        # The user is made while the workers boot (each process spends seconds on imports).
        create = _run(
            [
                FLASK,
                "users",
                "create",
                "gunnar",
                "--name",
                FULL_NAME,
                "--role",
                "officer",
                "--password",
                password,
            ],
            env,
        )
        assert create.returncode == 0, create.stdout + create.stderr
        _wait_for_health(base, process, log)

        # Not signed in: the start page sends to the sign-in page.
        home = requests.get(f"{base}/", allow_redirects=False, timeout=HTTP_TIMEOUT)
        assert home.status_code == 302 and "/login" in home.headers["Location"]

        page = requests.get(f"{base}/login", timeout=HTTP_TIMEOUT)
        assert page.status_code == 200
        token = _csrf_token(page.text)
        # requests keeps Secure cookies to itself over http: send the cookie by hand.
        before = _cookie_value(_session_cookie(page))

        refused = requests.post(
            f"{base}/login",
            allow_redirects=False,
            timeout=HTTP_TIMEOUT,
            headers={"Cookie": before},
            data={"username": "gunnar", "password": password, "next": ""},
        )
        assert refused.status_code != 302, "a sign-in without its CSRF token was accepted"

        signed_in = requests.post(
            f"{base}/login",
            allow_redirects=False,
            timeout=HTTP_TIMEOUT,
            headers={"Cookie": before},
            data={"csrf_token": token, "username": "gunnar", "password": password, "next": ""},
        )
        assert signed_in.status_code == 302, signed_in.text[:2000]
        assert signed_in.headers["Location"].endswith("/")
        cookie = _session_cookie(signed_in)
        flags = _cookie_flags(cookie)
        assert flags.get("secure") is True, cookie
        assert flags.get("httponly") is True, cookie
        assert str(flags.get("samesite", "")).lower() == "lax", cookie
        assert _cookie_value(cookie) != before  # a fresh session at sign-in

        # Either worker serves the signed-in session: they share the secret and the database.
        for _ in range(4):
            start = requests.get(
                f"{base}/",
                allow_redirects=False,
                timeout=HTTP_TIMEOUT,
                headers={"Cookie": _cookie_value(cookie)},
            )
            assert start.status_code == 200, start.text[:2000]
            assert FULL_NAME in start.text
            assert 'data-testid="user-badge"' in start.text
    finally:
        _stop(process)
    assert process.returncode is not None


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    # Runs on either database: the app stops before it touches one.
    extra = {"DATABASE_URL": _database_url() or f"sqlite:///{tmp_path / 'unused.sqlite'}"}
    result = _run([sys.executable, "-c", "import wsgi"], _production_env(**extra))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "ConfigError" in result.stderr

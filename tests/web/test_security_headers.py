"""Headers (issue 18, point 10): a Content-Security-Policy without inline script (and no inline
script or handler left in any template), no-store on what a signed-in user or a token sees and
on every download, HSTS in production, a Permissions-Policy."""

import re
from pathlib import Path

from supplyapp.config import Config, ProductionConfig
from tests.conftest import login
from tests.web.test_demand_api import auth

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_every_page_has_a_policy_that_allows_no_inline_script(client):
    headers = client.get("/login").headers
    policy = dict(
        part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'" and policy["default-src"] == "'self'"
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'"
    assert "camera=()" in headers["Permissions-Policy"]


def test_no_template_holds_an_inline_script_or_handler():
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        found += [
            f"{path.name}: <script> without src"
            for _ in re.findall(r"<script(?![^>]*\bsrc=)", text)
        ]
        found += [f"{path.name}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text)]
        found += [f"{path.name}: javascript: URL" for _ in re.findall(r"javascript:", text)]
    assert not found, found


def test_signed_in_pages_and_downloads_are_not_stored_public_pages_may_be(client, users):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    login(client, "officer")
    assert client.get("/").headers["Cache-Control"] == "no-store"
    export = client.get("/demand/requests/export.csv")
    assert export.status_code == 200 and export.headers["Cache-Control"] == "no-store"


def test_api_answers_to_a_token_are_not_stored(client, users):
    answer = client.get("/api/v1/requests", headers=auth("0380"))
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"


def test_hsts_is_sent_in_production_only(app, client):
    assert Config.HSTS_SECONDS == 0 and ProductionConfig.HSTS_SECONDS >= 365 * 24 * 3600
    assert "Strict-Transport-Security" not in client.get("/login").headers
    app.config["HSTS_SECONDS"] = ProductionConfig.HSTS_SECONDS
    try:
        sent = client.get("/login").headers["Strict-Transport-Security"]
    finally:
        app.config["HSTS_SECONDS"] = 0
    assert sent == f"max-age={ProductionConfig.HSTS_SECONDS}"

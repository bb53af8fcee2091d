"""The API's promises (issue 18, point 12): every instant it answers carries its UTC offset on
SQLite too, and its OpenAPI document states the domain's limits (ranges, lengths), so a client
learns the rules from it and a body the document refuses the API refuses too."""

import re
from datetime import datetime, timedelta

from supplyapp import clock
from supplyapp.services import tokens
from supplyapp.validation import MAX_QUANTITY
from tests.conftest import as_user
from tests.services.test_demand_requests import filed, reported
from tests.supply_factories import approved_lot
from tests.web.test_demand_api import auth, post_request

INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


def test_every_instant_in_the_api_carries_its_offset(client, users):
    reported("0380")
    filed("0380")
    approved_lot(100)
    with as_user("t"):
        officer = {"Authorization": "Bearer " + tokens.issue_user_token("officer", "t")[1]}
    seen = []
    for path in ("/requests", "/stock", "/stock/lots", "/pipeline", "/shipments", "/me"):
        answer = client.get("/api/v1" + path, headers=officer)
        assert answer.status_code == 200, (path, answer.text)
        seen += [(path, s) for s in _strings(answer.get_json()) if INSTANT.match(s)]
    answer = client.get("/api/v1/requests", headers=auth("0380"))
    seen += [("/requests", s) for s in _strings(answer.get_json()) if INSTANT.match(s)]
    assert seen, "no instant was answered: the test proves nothing"
    for path, text in seen:
        assert datetime.fromisoformat(text).utcoffset() is not None, (path, text)


def _schema(client, name):
    return client.get("/api/v1/openapi.json").get_json()["components"]["schemas"][name]


def test_the_document_states_the_domains_limits(client):
    request_in = _schema(client, "RequestIn")["properties"]
    assert request_in["quantity"]["minimum"] == 1
    assert request_in["quantity"]["maximum"] == MAX_QUANTITY
    assert request_in["justification"]["maxLength"] == 2000
    assert request_in["priority"]["enum"] == ["critical", "high", "normal"]
    report_line = _schema(client, "ReportLine")["properties"]
    assert report_line["stock_on_hand"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": MAX_QUANTITY,
    }
    assert _schema(client, "ReportIn")["properties"]["note"]["maxLength"] == 2000


def test_what_the_document_refuses_the_api_refuses(client, users):
    reported("0380")
    headers = auth("0380")
    for changes in (
        {"quantity": MAX_QUANTITY + 1},
        {"quantity": 0},
        {"justification": "x" * 2001},
        {"needed_by": (clock.today() - timedelta(days=1)).isoformat()},
    ):
        assert post_request(client, headers, **changes).status_code == 422, changes

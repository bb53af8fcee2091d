"""The organisations' API: reports and requests posted with an organisation's token, its own
requests read back, the national picture; nothing of another organisation's reached."""

from datetime import timedelta

import flask_babel
from sqlalchemy import func, select

from supplyapp import clock
from supplyapp.extensions import db
from supplyapp.models.demand import ReportLine, ReportSource, SituationReport
from supplyapp.services import tokens
from tests.conftest import as_user


def auth(code: str) -> dict:
    with as_user("t"):
        return {"Authorization": f"Bearer {tokens.issue_organisation_token(code, 't')[1]}"}


def post_report(client, headers, **changes):
    body = {
        "as_of": clock.today().isoformat(),
        "lines": [{"item": "ffp2", "stock_on_hand": 400, "daily_use": 40}],
        **changes,
    }
    return client.post("/api/v1/reports", json=body, headers=headers)


def post_request(client, headers, **changes):
    body = {
        "item": "ffp2",
        "quantity": 800,
        "needed_by": (clock.today() + timedelta(days=4)).isoformat(),
        "priority": "critical",
        "justification": "Empty in 10 days",
        **changes,
    }
    return client.post("/api/v1/requests", json=body, headers=headers)


def test_an_organisation_posts_a_report_through_the_api(client, users):
    response = post_report(client, auth("0380"))
    assert response.status_code == 201
    assert response.get_json()["organisation"] == "0380"
    assert db.session.scalar(select(SituationReport.source)) == ReportSource.API


def test_a_malformed_report_is_refused_as_json_naming_the_field(client, users):
    headers = auth("0380")
    cases = [
        ({"lines": [{"item": "ffp2", "stock_on_hand": -1, "daily_use": 1}]}, "ffp2__stock_on_hand"),
        ({"lines": [{"item": "nope", "stock_on_hand": 1, "daily_use": 1}]}, "line_1"),
        (
            {"lines": [{"item": "ffp2", "stock_on_hand": "ten", "daily_use": 1}]},
            "ffp2__stock_on_hand",
        ),
        ({"as_of": (clock.today() + timedelta(days=1)).isoformat()}, "as_of"),
        ({"as_of": "yesterday"}, "as_of"),
        ({"lines": "ffp2"}, "lines"),
    ]
    for changes, field in cases:
        response = post_report(client, headers, **changes)
        assert response.status_code == 422, changes
        assert field in response.get_json()["fields"], changes
    assert db.session.scalar(select(func.count()).select_from(ReportLine)) == 0
    assert client.post("/api/v1/reports", data="x", headers=headers).status_code == 415


def test_an_organisation_reads_only_its_own_requests(client, users):
    uppsala, stockholm = auth("0380"), auth("01")
    post_report(client, uppsala)
    created = post_request(client, uppsala).get_json()
    assert created["status"] == "submitted" and created["stock_at_request"] == 400
    post_report(client, stockholm)
    post_request(client, stockholm)
    mine = client.get("/api/v1/requests", headers=uppsala).get_json()["requests"]
    assert [r["organisation"] for r in mine] == ["0380"]
    assert client.get(f"/api/v1/requests/{created['id']}", headers=stockholm).status_code == 403
    assert (
        client.post(f"/api/v1/requests/{created['id']}/withdraw", headers=stockholm).status_code
        == 403
    )
    withdrawn = client.post(f"/api/v1/requests/{created['id']}/withdraw", headers=uppsala)
    assert withdrawn.get_json()["status"] == "withdrawn"
    again = client.post(f"/api/v1/requests/{created['id']}/withdraw", headers=uppsala)
    assert again.status_code == 409


def test_a_county_board_token_reads_its_countys_requests_but_cannot_report(client, users):
    uppsala = auth("0380")
    post_report(client, uppsala)
    post_request(client, uppsala)
    board = auth("LST-03")
    assert len(client.get("/api/v1/requests", headers=board).get_json()["requests"]) == 1
    assert len(client.get("/api/v1/requests", headers=auth("LST-01")).get_json()["requests"]) == 0
    assert post_report(client, board).status_code == 403


def test_the_national_picture_gives_totals_per_item(client, users):
    headers = auth("0380")
    post_report(client, headers)
    post_request(client, headers)
    picture = client.get("/api/v1/situation", headers=headers).get_json()
    ffp2 = {i["item"]: i for i in picture["items"]}["ffp2"]
    assert ffp2["held"]["municipality"] == 400
    assert ffp2["days_of_supply"] == 10.0
    assert ffp2["open_requests"] == 800
    assert ffp2["below_14_days"] == 1


def test_a_revoked_token_is_refused(client, users):
    with as_user("t"):
        record, token = tokens.issue_organisation_token("0380", "old")
    tokens.revoke(record.id)
    response = client.get("/api/v1/requests", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_an_organisation_reads_back_the_figures_that_count_for_it(client, users):
    headers = auth("0380")
    post_report(client, headers, as_of=(clock.today() - timedelta(days=2)).isoformat())
    body = client.get("/api/v1/reports/latest", headers=headers).get_json()
    assert body["organisation"] == "0380"
    ffp2 = next(line for line in body["lines"] if line["item"] == "ffp2")
    # 400 reported two days ago at 40 a day: 320 left today, 8 days.
    assert (ffp2["stock_on_hand"], ffp2["stock_today"], ffp2["days_left"]) == (400, 320, 8.0)
    assert ffp2["source"] == "api" and ffp2["stale"] is False
    assert any(not line["reported"] for line in body["lines"])
    other = client.get("/api/v1/reports/latest?organisation=0180", headers=headers)
    assert other.status_code == 403
    county = client.get("/api/v1/reports/latest", headers=auth("LST-03"))
    assert county.status_code == 422  # a county board names which of its organisations


def test_a_token_naming_another_organisation_is_refused_and_nothing_stored(client, users):
    response = post_report(client, auth("0380"), organisation="0180")
    assert response.status_code == 422
    body = response.get_json()
    assert "organisation" in body["fields"] and "0180" in body["fields"]["organisation"]
    assert body["codes"] == {"organisation": "not_own_organisation"}
    assert db.session.scalar(select(func.count()).select_from(SituationReport)) == 0
    # Naming its own organisation is fine.
    assert post_report(client, auth("0380"), organisation="0380").status_code == 201


def test_a_request_naming_another_organisation_is_refused_too(client, users):
    response = post_request(client, auth("0380"), organisation="0180")
    assert response.status_code == 422
    assert response.get_json()["codes"]["organisation"] == "not_own_organisation"


def test_api_errors_come_in_the_one_language_asked_for_with_stable_codes(client, users):
    headers = auth("0380")
    real = client.post

    def post(*args, **kwargs):
        # The test's app context outlives each request and flask-babel keeps the locale it
        # chose on it: forget it, as a new request in the server would.
        flask_babel.refresh()
        return real(*args, **kwargs)

    client.post = post
    bad_stock = {"lines": [{"item": "ffp2", "stock_on_hand": -1, "daily_use": 1}]}
    english = post_report(client, {**headers, "Accept-Language": "en"}, **bad_stock)
    swedish = post_report(client, {**headers, "Accept-Language": "sv-SE,sv;q=0.9"}, **bad_stock)
    assert english.headers["Content-Language"] == "en"
    assert swedish.headers["Content-Language"] == "sv"
    en, sv = english.get_json(), swedish.get_json()
    assert en["error"] == sv["error"] == "invalid_input"
    assert en["codes"] == sv["codes"] and set(en["codes"]) == {"ffp2__stock_on_hand"}
    assert en["fields"]["ffp2__stock_on_hand"] != sv["fields"]["ffp2__stock_on_hand"]
    assert "ä" not in en["message"] and "å" not in en["message"]
    # A refusal worded by the API layer itself follows the same language.
    sv_date = post_report(client, {**headers, "Accept-Language": "sv"}, as_of="yesterday")
    en_date = post_report(client, {**headers, "Accept-Language": "en"}, as_of="yesterday")
    assert sv_date.get_json()["codes"] == en_date.get_json()["codes"] == {"as_of": "date"}
    assert en_date.get_json()["fields"]["as_of"] == "Give a date as YYYY-MM-DD."
    assert sv_date.get_json()["fields"]["as_of"] != "Give a date as YYYY-MM-DD."
    # No Accept-Language (or none we speak): Swedish, the default, for every part.
    plain = post_report(client, {**headers, "Accept-Language": "de"}, as_of="yesterday")
    assert plain.headers["Content-Language"] == "sv"
    assert plain.get_json()["fields"]["as_of"] == sv_date.get_json()["fields"]["as_of"]
    unauthorised = client.get("/api/v1/requests", headers={"Accept-Language": "sv"})
    assert unauthorised.status_code == 401 and unauthorised.get_json()["error"] == "unauthorized"

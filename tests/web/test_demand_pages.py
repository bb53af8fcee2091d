"""Demand pages through the test client: reports by form and file, requests, decisions, the
county board's coordination, and the organisation's API tokens."""

from datetime import timedelta
from io import BytesIO

from sqlalchemy import func, select

from supplyapp import clock
from supplyapp.extensions import db
from supplyapp.models import ApiToken
from supplyapp.models.demand import ReportLine, RequestStatus, ShortageRequest, SituationReport
from supplyapp.services import demand_requests
from tests.conftest import as_user, login
from tests.downloads import csv_rows, workbook_rows


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def report_form(**values) -> dict:
    return {"as_of": clock.today().isoformat(), "submit": "1", **values}


def test_the_requester_reports_all_items_on_one_page(client, users):
    login(client, "requester")
    page = client.get("/demand/organisations/0380/report")
    assert page.status_code == 200
    assert b"ffp2__stock_on_hand" in page.data and b"hand_rub__daily_use" in page.data
    response = client.post(
        "/demand/organisations/0380/report",
        data=report_form(
            ffp2__stock_on_hand="1200",
            ffp2__daily_use="100",
            visor__stock_on_hand="40",
            visor__daily_use="0",
        ),
    )
    assert response.status_code == 302
    assert count(ReportLine) == 2
    page = client.get("/demand/organisations/0380/")
    assert "1\xa0200".encode() in page.data


def test_text_in_a_number_field_is_shown_beside_the_field_and_nothing_is_stored(client, users):
    login(client, "requester")
    response = client.post(
        "/demand/organisations/0380/report",
        data=report_form(ffp2__stock_on_hand="many", ffp2__daily_use="3"),
    )
    assert response.status_code == 200
    assert b'data-field-error="ffp2__stock_on_hand"' in response.data
    assert count(SituationReport) == 0


def test_negative_stock_and_a_half_filled_row_are_refused(client, users):
    login(client, "requester")
    response = client.post(
        "/demand/organisations/0380/report",
        data=report_form(ffp2__stock_on_hand="-4", ffp2__daily_use="3", visor__stock_on_hand="5"),
    )
    assert b'data-field-error="ffp2__stock_on_hand"' in response.data
    assert b'data-field-error="visor__daily_use"' in response.data
    assert count(SituationReport) == 0


def test_a_report_dated_in_the_future_is_refused_beside_the_date(client, users):
    login(client, "requester")
    response = client.post(
        "/demand/organisations/0380/report",
        data=report_form(
            as_of=(clock.today() + timedelta(days=1)).isoformat(),
            ffp2__stock_on_hand="4",
            ffp2__daily_use="3",
        ),
    )
    assert b'data-field-error="as_of"' in response.data
    assert count(SituationReport) == 0


def _upload(client, content: bytes, name="lager.csv"):
    return client.post(
        "/demand/organisations/0380/upload",
        data={
            "upload_as_of": clock.today().isoformat(),
            "upload": "1",
            "file": (BytesIO(content), name),
        },
        content_type="multipart/form-data",
    )


def test_an_uploaded_file_becomes_a_report(client, users):
    login(client, "requester")
    response = _upload(client, b"item;stock_on_hand;daily_use\nffp2;300;10\n")
    assert response.status_code == 302
    assert count(ReportLine) == 1


def test_a_bad_file_lists_every_problem_and_stores_nothing(client, users):
    login(client, "requester")
    response = _upload(client, b"item,stock_on_hand,daily_use\nffp2,-3,1\nxyz,4,1\n")
    assert response.status_code == 422
    assert b"rad 2" in response.data and b"rad 3" in response.data  # in Swedish
    assert count(SituationReport) == 0


def test_a_huge_file_is_refused_with_a_message(client, users):
    login(client, "requester")
    response = _upload(client, b"item,stock_on_hand,daily_use\n" + b"ffp2,1,1\n" * 150_000)
    assert response.status_code == 422
    assert "större än".encode() in response.data  # "filen är större än 1024 kB"
    assert count(SituationReport) == 0


def file_request(client, **values):
    data = {
        "item": "ffp2",
        "quantity": "500",
        "needed_by": (clock.today() + timedelta(days=3)).isoformat(),
        "priority": "critical",
        "justification": "Runs out Friday",
        "stock_on_hand": "20",
        "daily_use": "10",
        "submit": "1",
        **values,
    }
    return client.post("/demand/organisations/0380/requests/new", data=data)


def test_the_requester_files_a_request_and_sees_it_with_its_status(client, users):
    login(client, "requester")
    response = file_request(client)
    assert response.status_code == 302
    request = db.session.scalar(select(ShortageRequest))
    page = client.get(f"/demand/requests/{request.id}")
    assert b"Runs out Friday" in page.data
    assert b"status-submitted" in page.data
    listing = client.get("/demand/requests/")
    assert f'data-request="{request.id}"'.encode() in listing.data


def test_a_request_with_no_quantity_is_refused_beside_the_field(client, users):
    login(client, "requester")
    response = file_request(client, quantity="")
    assert b'data-field-error="quantity"' in response.data
    assert count(ShortageRequest) == 0


def test_an_officer_filters_the_requests_and_declines_one_with_a_reason(client, users):
    login(client, "requester")
    file_request(client)
    file_request(client, item="visor", priority="normal")
    client.post("/logout")
    login(client, "officer")
    critical = client.get("/demand/requests/?priority=critical&status=open")
    assert critical.data.count(b"data-request=") == 1
    request = db.session.scalar(select(ShortageRequest).where(ShortageRequest.priority == "normal"))
    refused = client.post(
        f"/demand/requests/{request.id}/decision",
        data={"status": "declined", "reason": "", "submit": "1"},
    )
    assert refused.status_code == 422
    assert b'data-field-error="reason"' in refused.data
    client.post(
        f"/demand/requests/{request.id}/decision",
        data={"status": "declined", "reason": "Share in region", "submit": "1"},
    )
    db.session.expire_all()
    assert db.session.get(ShortageRequest, request.id).status == RequestStatus.DECLINED
    export = client.get("/demand/requests/export.xlsx?status=")
    assert export.status_code == 200
    assert export.mimetype.endswith("spreadsheetml.sheet")


def test_the_request_list_exports_organisation_and_county_codes_as_text(client, users):
    for code, priority in (("0380", "critical"), ("01", "high")):
        with as_user("tester"):
            demand_requests.file_request(
                code,
                "ffp2",
                100,
                clock.today() + timedelta(days=3),
                priority,
                "Export",
                stock_on_hand=10,
                daily_use=5,
            )
    login(client, "officer")
    excel = client.get("/demand/requests/export.xlsx")
    assert excel.status_code == 200 and excel.mimetype.endswith("spreadsheetml.sheet")
    # Uppsala kommun 0380 in Uppsala län 03 (critical, so first), Region Stockholm 01 in 01.
    expected = [("0380", "03", "ffp2"), ("01", "01", "ffp2")]
    rows = workbook_rows(excel.data)
    assert [(r["organisation"], r["county"], r["item"]) for r in rows] == expected
    download = client.get("/demand/requests/export.csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    rows = csv_rows(download.data)
    assert [(r["organisation"], r["county"], r["item"]) for r in rows] == expected


def test_another_organisation_cannot_see_or_withdraw_the_request(client, users):
    login(client, "requester")
    file_request(client)
    client.post("/logout")
    request = db.session.scalar(select(ShortageRequest))
    login(client, "region")
    assert client.get(f"/demand/requests/{request.id}").status_code == 403
    assert client.post(f"/demand/requests/{request.id}/withdraw").status_code == 403
    assert b"data-request=" not in client.get("/demand/requests/").data


def test_the_county_board_shares_and_forwards_within_its_county(client, users):
    login(client, "requester")
    client.post(
        "/demand/organisations/0380/report",
        data=report_form(ffp2__stock_on_hand="1000", ffp2__daily_use="10"),
    )
    file_request(client)
    client.post("/logout")
    login(client, "county")
    page = client.get("/demand/counties/03/?item=ffp2")
    assert b"/demand/organisations/0380/" in page.data
    shared = client.post(
        "/demand/counties/03/sharings",
        data={
            "from_organisation": "0380",
            "to_organisation": "0381",
            "item": "ffp2",
            "quantity": "100",
            "shared_on": clock.today().isoformat(),
            "share": "1",
        },
    )
    assert shared.status_code == 302
    request = db.session.scalar(select(ShortageRequest))
    forwarded = client.post(
        "/demand/counties/03/forward", data={"request_ids": [str(request.id)], "forward": "1"}
    )
    assert forwarded.status_code == 302
    db.session.expire_all()
    assert db.session.get(ShortageRequest, request.id).forwarded_in_id is not None
    assert client.get("/demand/counties/01/").status_code == 403


def test_a_sharing_of_more_than_reported_is_refused_beside_the_field(client, users):
    login(client, "county")
    response = client.post(
        "/demand/counties/03/sharings",
        data={
            "from_organisation": "0380",
            "to_organisation": "0381",
            "item": "ffp2",
            "quantity": "100",
            "shared_on": clock.today().isoformat(),
            "share": "1",
        },
    )
    assert response.status_code == 422
    assert b'data-field-error="quantity"' in response.data


def test_an_organisation_issues_lists_and_revokes_its_api_tokens(client, users):
    login(client, "requester")
    issued = client.post(
        "/demand/organisations/0380/tokens", data={"name": "Lagersystem", "submit": "1"}
    )
    assert issued.status_code == 200
    assert b'data-testid="new-token"' in issued.data and b"sat_" in issued.data
    token = db.session.scalar(select(ApiToken))
    assert token.organisation.code == "0380"
    client.post(f"/demand/organisations/0380/tokens/{token.id}/revoke")
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is not None
    empty = client.post("/demand/organisations/0380/tokens", data={"name": "", "submit": "1"})
    assert b'data-field-error="name"' in empty.data
    assert client.get("/demand/organisations/01/tokens").status_code == 403

"""Shipment pages through the test client: logistics picks and dispatches, the donor sends, the
recipient confirms receipt, bound users see only their own, and each role's notifications."""

from sqlalchemy import select

from supplyapp.extensions import db
from supplyapp.models import Item, Organisation
from supplyapp.models.demand import RequestStatus, ShortageRequest
from supplyapp.models.planning import LineKind, Shipment, ShipmentStatus
from supplyapp.models.stock import MovementKind, StockBalance, StockMovement
from supplyapp.services import accounts, plan_review, shipments
from supplyapp.services.demand import latest_line
from tests.conftest import PASSWORD, as_user
from tests.conftest import login as sign_in
from tests.downloads import csv_rows, workbook_rows
from tests.planning_factories import run, shortage_scenario


def approved_plan(redistribute=False) -> int:
    plan_id = run(redistribute=redistribute)
    with as_user("officer"):
        plan_review.submit(plan_id)
    with as_user("officer2"):
        plan_review.approve(plan_id)
    return plan_id


def national_round() -> int:
    """600 FFP2 to Uppsala (0380) and 1000 to Stockholm (0180), from NL-ARN: both requests
    met. Returns the national lot's id."""
    lot_id = shortage_scenario(national=1600)
    approved_plan()
    return lot_id


def shipment_to(code: str, kind=LineKind.DISTRIBUTION) -> Shipment:
    db.session.expire_all()
    return db.session.scalars(
        select(Shipment)
        .join(Organisation, Organisation.id == Shipment.recipient_id)
        .where(Organisation.code == code, Shipment.kind == kind)
    ).one()


def reported_stock(code: str) -> int:
    db.session.expire_all()
    organisation = db.session.scalar(select(Organisation).where(Organisation.code == code))
    item = db.session.scalar(select(Item).where(Item.code == "ffp2"))
    return latest_line(organisation.id, item.id).stock_on_hand


def in_transit(code="0380") -> Shipment:
    shipment = shipment_to(code)
    with as_user("logistics"):
        shipments.pick(shipment.id)
        return shipments.dispatch(shipment.id)


def login(client, username: str):
    """Sign out whoever is signed in, then sign in as this user."""
    client.post("/logout")
    return sign_in(client, username)


def text(response) -> str:
    return response.get_data(as_text=True)


# ---------------------------------------------------------------------------------------------
# Logistics


def test_logistics_starts_on_what_to_pick_grouped_by_warehouse_and_destination(client, users):
    national_round()
    login(client, "logistics")
    page = text(client.get("/shipments/"))
    assert (
        'data-testid="todo-pick"' in page and 'aria-current="page" data-testid="view-todo"' in page
    )
    assert shipment_to("0180").code in page and shipment_to("0380").code in page
    assert "Omlastningspunkt Uppsala" in page and "Omlastningspunkt Stockholm" in page
    assert "Nothing to dispatch." in page


def test_logistics_picks_and_dispatches_and_the_ledger_shows_it(client, users):
    lot_id = national_round()
    shipment = shipment_to("0380")
    login(client, "logistics")
    detail = text(client.get(f"/shipments/{shipment.id}"))
    assert 'data-testid="pick"' in detail and "LOT-1" in detail
    assert f'href="/allocation/plans/{shipment.plan_id}"' in detail
    response = client.post(f"/shipments/{shipment.id}/pick")
    assert response.status_code == 302
    assert shipment_to("0380").status == ShipmentStatus.PICKED
    detail = text(client.get(f"/shipments/{shipment.id}"))
    assert 'data-testid="dispatch"' in detail and 'data-testid="pick"' not in detail
    response = client.post(f"/shipments/{shipment.id}/dispatch", data={"back": "list"})
    assert response.status_code == 302 and response.location.endswith("/shipments/")
    assert shipment_to("0380").status == ShipmentStatus.IN_TRANSIT
    db.session.expire_all()
    assert db.session.get(StockBalance, lot_id).reserved == 1000
    ledger = text(client.get("/stock/movements"))
    assert shipment.code in ledger and "dispatched" in ledger.lower()


def test_a_double_dispatch_books_once_and_says_it_was_done_already(client, users):
    lot_id = national_round()
    shipment = shipment_to("0380")
    login(client, "logistics")
    client.post(f"/shipments/{shipment.id}/pick")
    client.post(f"/shipments/{shipment.id}/dispatch")
    page = text(client.post(f"/shipments/{shipment.id}/dispatch", follow_redirects=True))
    assert "flash-info" in page and "nothing was booked again" in page
    movements = db.session.scalars(
        select(StockMovement).where(
            StockMovement.kind == MovementKind.DISPATCHED, StockMovement.reference == shipment.code
        )
    ).all()
    assert [m.quantity for m in movements] == [600]
    db.session.expire_all()
    assert db.session.get(StockBalance, lot_id).reserved == 1000


def test_only_warehouse_staff_may_pick(client, users):
    national_round()
    shipment = shipment_to("0380")
    for username in ("officer", "viewer", "requester"):
        login(client, username)
        assert client.post(f"/shipments/{shipment.id}/pick").status_code == 403
        assert 'data-testid="pick"' not in text(client.get(f"/shipments/{shipment.id}"))
    assert shipment_to("0380").status == ShipmentStatus.PLANNED


def test_the_list_filters_and_downloads(client, users):
    national_round()
    in_transit("0380")
    login(client, "viewer")
    page = text(client.get("/shipments/?status=in_transit"))
    assert shipment_to("0380").code in page and shipment_to("0180").code not in page
    download = client.get("/shipments/?status=in_transit&format=csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.data.decode("utf-8-sig").startswith("shipment;plan;kind;item;")
    rows = csv_rows(download.data)
    assert [(r["shipment"], r["to"], r["status"]) for r in rows] == [
        (shipment_to("0380").code, "Uppsala (0380)", "in_transit")
    ]
    excel = client.get("/shipments/?format=xlsx")
    assert excel.status_code == 200
    assert sorted((r["to"], r["status"]) for r in workbook_rows(excel.data)) == [
        ("Stockholm (0180)", "planned"),
        ("Uppsala (0380)", "in_transit"),
    ]


# ---------------------------------------------------------------------------------------------
# The recipient and the donor


def test_the_requester_confirms_receipt_with_a_shortfall_and_a_note(client, users):
    national_round()
    shipment = in_transit("0380")
    before = reported_stock("0380")
    login(client, "requester")
    detail = text(client.get(f"/shipments/{shipment.id}"))
    assert 'data-testid="receive-form"' in detail and 'value="600"' in detail
    response = client.post(
        f"/shipments/{shipment.id}/receive",
        data={"received_quantity": "560", "damaged_quantity": "15", "note": ""},
    )
    assert response.status_code == 422
    assert 'data-field-error="note"' in text(response)
    assert shipment_to("0380").status == ShipmentStatus.IN_TRANSIT
    response = client.post(
        f"/shipments/{shipment.id}/receive",
        data={
            "received_quantity": "560",
            "damaged_quantity": "15",
            "note": "15 crushed, 25 missing.",
        },
    )
    assert response.status_code == 302
    received = shipment_to("0380")
    assert received.status == ShipmentStatus.RECEIVED and received.shortfall == 40
    assert reported_stock("0380") == before + 560
    request = db.session.scalars(
        select(ShortageRequest)
        .join(ShortageRequest.organisation)
        .where(Organisation.code == "0380")
    ).one()
    assert (request.status, request.met_quantity) == (RequestStatus.PARTLY_MET, 560)
    detail = text(client.get(f"/shipments/{shipment.id}"))
    assert "15 crushed, 25 missing." in detail and 'data-testid="receive-form"' not in detail


def test_a_requester_of_another_organisation_gets_403(client, users):
    national_round()
    shipment = in_transit("0380")
    login(client, "region")  # Region Stockholm
    assert client.get(f"/shipments/{shipment.id}").status_code == 403
    response = client.post(
        f"/shipments/{shipment.id}/receive",
        data={"received_quantity": "600", "damaged_quantity": "0"},
    )
    assert response.status_code == 403
    assert shipment_to("0380").code not in text(client.get("/shipments/"))
    assert shipment_to("0380").status == ShipmentStatus.IN_TRANSIT


def test_the_county_board_sees_its_countys_shipments_but_does_not_receive_for_them(client, users):
    national_round()
    shipment = in_transit("0380")
    login(client, "county")  # Uppsala county board
    page = text(client.get("/shipments/"))
    # 0180 lies in Stockholm county
    assert shipment_to("0380").code in page and shipment_to("0180").code not in page
    detail = client.get(f"/shipments/{shipment.id}")
    assert detail.status_code == 200 and 'data-testid="receive-form"' not in text(detail)
    assert client.post(f"/shipments/{shipment.id}/receive").status_code == 403


def test_the_donor_confirms_sent_on_a_redistribution_shipment(client, users):
    shortage_scenario(national=200)
    approved_plan(redistribute=True)
    accounts.create_user("donor", "Donor", "requester", PASSWORD, "0114")
    shipment = shipment_to("0380", LineKind.REDISTRIBUTION)
    before = reported_stock("0114")
    login(client, "requester")  # the recipient may not confirm the sending
    assert (
        client.post(f"/shipments/{shipment.id}/sent", data={"sent_quantity": "1"}).status_code
        == 403
    )
    login(client, "donor")
    detail = text(client.get(f"/shipments/{shipment.id}"))
    assert 'data-testid="sent-form"' in detail
    response = client.post(
        f"/shipments/{shipment.id}/sent",
        data={"sent_quantity": str(shipment.quantity - 20), "note": ""},
    )
    assert response.status_code == 422 and 'data-field-error="note"' in text(response)
    response = client.post(
        f"/shipments/{shipment.id}/sent",
        data={
            "sent_quantity": str(shipment.quantity - 20),
            "note": "20 went to our own home care.",
        },
    )
    assert response.status_code == 302
    sent = shipment_to("0380", LineKind.REDISTRIBUTION)
    assert sent.status == ShipmentStatus.IN_TRANSIT
    assert sent.sent_quantity == shipment.quantity - 20
    assert reported_stock("0114") == before - (shipment.quantity - 20)
    page = text(
        client.post(
            f"/shipments/{shipment.id}/sent", data={"sent_quantity": "1"}, follow_redirects=True
        )
    )
    assert "nothing was booked again" in page
    assert reported_stock("0114") == before - (shipment.quantity - 20)


# ---------------------------------------------------------------------------------------------
# Notifications


def badge(page: str) -> str | None:
    marker = 'data-testid="notification-count">'
    if marker not in page:
        return None
    return page.split(marker, 1)[1].split("<", 1)[0]


def test_the_requester_is_told_what_it_will_receive_and_when(client, users):
    national_round()
    shipment = shipment_to("0380")
    login(client, "requester")
    home = text(client.get("/"))
    assert 'data-testid="notifications"' in home
    assert "600 FFP2" in home and shipment.expected_on.isoformat() in home
    assert f'href="/shipments/{shipment.id}"' in home
    assert badge(home) == "1"


def test_the_county_board_sees_its_countys_incoming_shipments(client, users):
    national_round()
    login(client, "county")
    home = text(client.get("/"))
    assert (
        "Coming to Uppsala" in home
        and "Stockholm" not in home.split("tiles")[0].split('data-testid="notifications"')[1]
    )
    assert badge(home) == "1"


def test_logistics_is_told_what_to_pick_and_dispatch(client, users):
    national_round()
    in_transit("0180")
    with as_user("logistics"):
        shipments.pick(shipment_to("0380").id)
    login(client, "logistics")
    home = text(client.get("/"))
    assert "1 shipment to dispatch (600 units)." in home
    assert "to pick" not in home
    assert badge(home) == "1"
    with as_user("logistics"):
        shipments.dispatch(shipment_to("0380").id)
    home = text(client.get("/"))
    assert badge(home) is None, home.split('data-testid="notifications"')[1][:600]


def test_officers_see_plans_waiting_for_them_but_not_their_own(client, users):
    shortage_scenario(national=1600)
    plan_id = run(redistribute=False)
    with as_user("officer"):
        plan_review.submit(plan_id)
    login(client, "officer2")
    home = text(client.get("/"))
    assert f"PLAN-{plan_id:05d} waits for your decision" in home
    assert f'href="/allocation/plans/{plan_id}"' in home
    assert badge(home) == "1"
    login(client, "admin")
    assert badge(text(client.get("/"))) == "1"
    login(client, "officer")
    home = text(client.get("/"))
    assert "waits for your decision" not in home and badge(home) is None
    with as_user("officer2"):
        plan_review.send_back(plan_id, "Check Stockholm's figures.")
    home = text(client.get("/"))
    assert "was sent back to you by officer2: Check Stockholm&#39;s figures." in home
    assert badge(home) == "1"


def test_the_viewer_has_no_notifications_and_signed_out_pages_have_no_badge(client, users):
    national_round()
    login(client, "viewer")
    home = text(client.get("/"))
    assert "Nothing waits for you right now." in home and badge(home) is None
    client.post("/logout")
    assert 'data-testid="notification-badge"' not in text(client.get("/login"))


# ---------------------------------------------------------------------------------------------
# The API: an organisation's own system reads what comes


def test_an_organisations_token_reads_what_it_will_receive_and_nothing_else(client, users):
    from supplyapp.services import tokens

    national_round()
    shipment = in_transit("0380")
    with as_user("test"):
        token = tokens.issue_organisation_token("0380", "matrix")[1]
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/shipments", headers=headers).get_json()["shipments"]
    assert [(s["code"], s["to"], s["quantity"], s["status"]) for s in listed] == [
        (shipment.code, "0380", 600, "in_transit")
    ]
    assert listed[0]["expected_on"] == shipment.expected_on.isoformat()
    assert client.get("/api/v1/shipments?status=received", headers=headers).get_json() == {
        "shipments": []
    }
    other = shipment_to("0180")
    assert client.get(f"/api/v1/shipments/{other.id}", headers=headers).status_code == 403
    assert client.get("/api/v1/shipments?status=lost", headers=headers).status_code == 422


def test_an_id_beyond_any_record_is_not_found_rather_than_a_database_error(client, users):
    login(client, "admin")
    assert client.get("/shipments/449014963355").status_code == 404
    assert client.get("/allocation/plans/449014963355").status_code == 404
    assert client.post("/shipments/449014963355/pick").status_code == 404
    from supplyapp.services import tokens

    with as_user("t"):
        token = tokens.issue_user_token("admin", "t")[1]
    response = client.get(
        "/api/v1/shipments/449014963355", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 404


def test_any_page_with_an_impossible_id_is_not_found(client, users):
    login(client, "admin")
    for url in (
        "/demand/requests/449014963355",
        "/stock/lots/449014963355",
        "/stock/quality/449014963355",
    ):
        assert client.get(url).status_code == 404, url


def test_an_officer_who_changed_a_line_is_not_asked_to_decide_the_plan(client, users):
    from supplyapp.models import User
    from supplyapp.models.planning import PlanLine
    from supplyapp.queries.notifications import notification_count

    def get_user(name):
        return db.session.scalar(select(User).where(User.username == name))

    shortage_scenario(national=1600)
    plan_id = run(redistribute=False)
    line = db.session.scalar(select(PlanLine).where(PlanLine.plan_id == plan_id))
    with as_user("officer2"):
        plan_review.change_line(plan_id, line.id, line.quantity - 20, "Hold back")
    with as_user("officer"):
        plan_review.submit(plan_id)
    assert notification_count(get_user("officer2")) == 0
    assert notification_count(get_user("admin")) == 1

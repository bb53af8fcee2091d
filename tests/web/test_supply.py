"""Supply and stock pages through the test client: forms, double submits, imports, exports,
the API and `flask stock check`."""

import io
from datetime import timedelta

from sqlalchemy import func, select, update

from supplyapp import clock
from supplyapp.extensions import db
from supplyapp.models.procurement import OrderLine, PurchaseOrder
from supplyapp.models.stock import Delivery, StockBalance
from supplyapp.services import tokens
from tests.conftest import as_user, login
from tests.downloads import csv_rows, workbook_rows
from tests.supply_factories import approved_lot, placed_order


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _receive_form(line_id, **changes):
    data = {
        "idempotency_key": "one-time-key-1",
        "source": f"order_line:{line_id}",
        "warehouse": "NL-ARN",
        "quantity": "40",
        "lot_number": "L-1",
        "expiry_date": (clock.today() + timedelta(days=600)).isoformat(),
        "received_on": clock.today().isoformat(),
    }
    data.update(changes)
    return data


def test_a_delivery_form_submitted_twice_books_once(client, users):
    line_id = placed_order().lines[0].id
    login(client, "logistics")
    first = client.post("/stock/receive", data=_receive_form(line_id))
    assert first.status_code == 302 and "/stock/quality/" in first.headers["Location"]
    again = client.post("/stock/receive", data=_receive_form(line_id), follow_redirects=True)
    assert "booked already" in again.get_data(as_text=True) or "redan" in again.get_data(
        as_text=True
    )
    assert _count(Delivery) == 1
    assert db.session.get(OrderLine, line_id).delivered_quantity == 40


def test_bad_delivery_input_is_shown_beside_the_field_and_writes_nothing(client, users):
    line_id = placed_order().lines[0].id
    login(client, "logistics")
    for changes, field in (
        ({"quantity": "-3"}, "quantity"),
        ({"quantity": "abc"}, "quantity"),
        ({"lot_number": ""}, "lot_number"),
        ({"lot_number": "x" * 61}, "lot_number"),
        ({"warehouse": "NOPE"}, "warehouse"),
        ({"source": "order_line:999999"}, "source"),
        ({"quantity": "500"}, "over_delivery_reason"),
    ):
        response = client.post("/stock/receive", data=_receive_form(line_id, **changes))
        assert response.status_code == 200, changes
        assert f'data-field-error="{field}"' in response.get_data(as_text=True), changes
    assert _count(Delivery) == 0


def test_the_delivery_import_page_lists_every_bad_row(client, users):
    login(client, "logistics")
    data = b"warehouse;source;item;quantity;lot_number;received_on\nNL-ARN;X;ffp2;-1;A;2020-01-01\n"
    response = client.post(
        "/stock/import",
        data={"file": (io.BytesIO(data), "d.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-testid="import-errors"' in page
    assert (
        "måste vara större än noll" in page
    )  # the row's reason in Swedish and _count(Delivery) == 0


def test_the_order_import_page_creates_orders(client, users):
    login(client, "officer")
    data = b"order;supplier;item;quantity;unit_price\nWEB-1;LEV-001;ffp2;100;4.5\n"
    response = client.post(
        "/supply/orders/import",
        data={"file": (io.BytesIO(data), "o.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert db.session.scalar(select(PurchaseOrder.code)) == "WEB-1"


def test_every_list_downloads_as_csv_and_excel(client, users):
    approved_lot(100)
    login(client, "viewer")
    for url in (
        "/stock/",
        "/stock/lots",
        "/stock/expiring",
        "/stock/pipeline",
        "/stock/movements",
        "/stock/deliveries",
        "/supply/orders/",
        "/supply/eu/",
        "/supply/domestic/",
        "/supply/offers/",
        "/supply/suppliers/",
    ):
        csv = client.get(url + "?format=csv")
        assert csv.status_code == 200 and csv.mimetype == "text/csv", url
        excel = client.get(url + "?format=xlsx")
        assert excel.status_code == 200, url
        # The same table in both: the same rows under the same columns.
        csv_table, excel_table = csv_rows(csv.data), workbook_rows(excel.data)
        assert [list(r) for r in csv_table] == [list(r) for r in excel_table], url
    # Text comes back as text in both; a quantity is a number in Excel.
    columns = ("warehouse", "item", "lot_number", "available")
    csv_lots = csv_rows(client.get("/stock/lots?format=csv").data)
    excel_lots = workbook_rows(client.get("/stock/lots?format=xlsx").data)
    assert [tuple(r[c] for c in columns) for r in csv_lots] == [("NL-ARN", "ffp2", "LOT-1", "100")]
    assert [tuple(r[c] for c in columns) for r in excel_lots] == [("NL-ARN", "ffp2", "LOT-1", 100)]
    national = [r for r in csv_rows(client.get("/stock/?format=csv").data) if r["item"] == "ffp2"]
    assert [r["available"] for r in national] == ["100"]


def test_an_officer_cannot_vet_an_offer_they_logged(client, users):
    login(client, "officer")
    client.post(
        "/supply/offers/new",
        data={
            "company": "Acme",
            "kind": "sale",
            "item": "visor",
            "quantity": "10",
            "unit_price": "2",
            "currency": "SEK",
        },
    )
    from supplyapp.models.procurement import Offer, OfferStatus

    code = db.session.scalar(select(Offer.code))
    response = client.post(f"/supply/offers/{code}", data={"action": "approve"})
    assert response.status_code == 200
    assert db.session.scalar(select(Offer.status)) == OfferStatus.NEW
    client.post("/logout")
    login(client, "officer2")
    assert client.post(f"/supply/offers/{code}", data={"action": "approve"}).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Offer.status)) == OfferStatus.APPROVED


def test_the_api_gives_stock_lots_and_pipeline(client, app, users):
    approved_lot(100, lot="API-1")
    placed_order(lines=(("visor", 30, "1"),))
    with app.app_context(), as_user("test"):
        token = tokens.issue_user_token("viewer", "test")[1]
    headers = {"Authorization": f"Bearer {token}"}
    stock = {row["item"]: row for row in client.get("/api/v1/stock", headers=headers).json}
    assert stock["ffp2"]["available"] == 100 and stock["visor"]["incoming"] == 30
    lots = client.get("/api/v1/stock/lots?item=ffp2", headers=headers).json
    assert lots[0]["lot_number"] == "API-1" and lots[0]["available"] == 100
    available = client.get("/api/v1/stock/available/ffp2", headers=headers).json
    assert available[0]["available"] == 100
    assert client.get("/api/v1/stock/available/nope", headers=headers).status_code == 404
    pipeline = client.get("/api/v1/pipeline?item=visor", headers=headers).json
    assert pipeline[0]["ordered"] == 30
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"/stock", "/stock/lots", "/stock/available/{item}", "/pipeline"} <= set(paths)


def test_flask_stock_check_exits_1_with_the_differences(app, places):
    lot_id = approved_lot(10)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["stock", "check"]).exit_code == 0
    db.session.execute(
        update(StockBalance).where(StockBalance.lot_id == lot_id).values(available=7)
    )
    db.session.commit()
    result = runner.invoke(args=["stock", "check"])
    assert result.exit_code == 1
    assert f"lot {lot_id}" in result.output and "(0, 7, 0)" in result.output
    db.session.execute(
        update(StockBalance).where(StockBalance.lot_id == lot_id).values(available=10)
    )
    db.session.commit()

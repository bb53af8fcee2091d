"""Bulk import of deliveries and order lines: all rows or none, every bad row named."""

import io
from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import func, select

from supplyapp.extensions import db
from supplyapp.imports import ImportRejected
from supplyapp.models import AuditEvent
from supplyapp.models.procurement import OrderLine, OrderStatus, PurchaseOrder
from supplyapp.models.stock import Delivery, StockMovement
from supplyapp.services import stock
from supplyapp.services.stock_import import import_deliveries, import_order_lines
from tests.supply_factories import TODAY, placed_order

EXPIRY = (TODAY + timedelta(days=800)).isoformat()
RECEIVED = TODAY.isoformat()


def _csv(rows, header="warehouse;source;item;quantity;lot_number;expiry_date;received_on"):
    return (header + "\n" + "\n".join(";".join(map(str, row)) for row in rows) + "\n").encode()


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_good_delivery_file_books_every_row_in_quarantine(places):
    order = placed_order(lines=(("ffp2", 1000, "1"), ("visor", 50, "2")))
    data = _csv([("NL-ARN", order.code, "ffp2", "600", "A1", EXPIRY, RECEIVED),
                 ("NL-GBG", order.code, "ffp2", "400", "A2", EXPIRY, RECEIVED),
                 ("NL-GBG", order.code, "visor", "20", "V1", "", RECEIVED)])
    result = import_deliveries(data, "deliveries.csv")
    assert result.rows == 3
    db.session.expire_all()
    assert [line.delivered_quantity for line in order.lines] == [1000, 20]
    assert order.status == OrderStatus.PARTLY_DELIVERED
    assert _count(StockMovement) == 3
    assert stock.check_ledger() == []
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "deliveries",
                                                         AuditEvent.action == "import")).all()
    assert len(events) == 1 and events[0].after["rows"] == 3


def test_the_same_file_imported_twice_books_once(places):
    order = placed_order()
    data = _csv([("NL-ARN", order.code, "ffp2", "10", "A1", EXPIRY, RECEIVED)])
    import_deliveries(data, "d.csv")
    with pytest.raises(ImportRejected) as rejected:
        import_deliveries(data, "d.csv")
    assert "imported already" in str(rejected.value)
    assert _count(Delivery) == 1


def test_an_excel_file_of_deliveries_is_read_like_a_csv(places):
    order = placed_order()
    buffer = io.BytesIO()
    pd.DataFrame({"warehouse": ["NL-LLA"], "source": [order.code], "item": ["ffp2"],
                  "quantity": [25], "lot_number": ["X"], "expiry_date": [EXPIRY],
                  "received_on": [RECEIVED]}).to_excel(buffer, index=False)
    assert import_deliveries(buffer.getvalue(), "d.xlsx").rows == 1


def test_a_file_full_of_bad_rows_names_each_one_and_writes_nothing(places):
    order = placed_order()
    data = _csv([
        ("NL-ARN", order.code, "ffp2", "ten", "A1", EXPIRY, RECEIVED),       # 2 wrong type
        ("NL-ARN", order.code, "unicorn", "5", "A1", EXPIRY, RECEIVED),      # 3 unknown item
        ("NL-ARN", order.code, "ffp2", "-5", "A1", EXPIRY, RECEIVED),        # 4 negative
        ("NOWHERE", order.code, "ffp2", "5", "A1", EXPIRY, RECEIVED),        # 5 warehouse
        ("NL-ARN", "PO-1999-0001", "ffp2", "5", "A1", EXPIRY, RECEIVED),     # 6 source
        ("NL-ARN", order.code, "ffp2", "5", "", "31/12/2030", RECEIVED),     # 7 lot, date
        ("NL-ARN", order.code, "ffp2", "5", "A1", EXPIRY, "2999-01-01"),     # 8 future
        ("NL-ARN", order.code, "ffp2", "2.5", "A1", EXPIRY, RECEIVED),       # 9 not whole
        ("NL-ARN", order.code, "ffp2", "5", "A1", EXPIRY, RECEIVED),         # 10 good
    ])
    with pytest.raises(ImportRejected) as rejected:
        import_deliveries(data, "bad.csv")
    found = {(e.row, e.column) for e in rejected.value.errors}
    assert found == {(2, "quantity"), (3, "item"), (4, "quantity"), (5, "warehouse"),
                     (6, "source"), (7, "lot_number"), (7, "expiry_date"), (8, "received_on"),
                     (8, "expiry_date"),
                     (9, "quantity"), (3, "source")}
    assert "'ten' is not a whole number" in str(rejected.value)
    assert _count(Delivery) == 0 and _count(StockMovement) == 0


def test_rows_beyond_what_is_outstanding_need_a_reason(places):
    order = placed_order(lines=(("ffp2", 100, "1"),))
    rows = [("NL-ARN", order.code, "ffp2", "80", "A1", EXPIRY, RECEIVED, ""),
            ("NL-ARN", order.code, "ffp2", "30", "A2", EXPIRY, RECEIVED, "")]
    header = "warehouse;source;item;quantity;lot_number;expiry_date;received_on;" \
             "over_delivery_reason"
    with pytest.raises(ImportRejected) as rejected:
        import_deliveries(_csv(rows, header), "over.csv")
    assert [(e.row, e.column) for e in rejected.value.errors] == [(3, "over_delivery_reason")]
    assert _count(Delivery) == 0
    rows[1] = rows[1][:-1] + ("Extra pallet accepted",)
    import_deliveries(_csv(rows, header), "over.csv")
    assert db.session.get(OrderLine, order.lines[0].id).delivered_quantity == 110


@pytest.mark.parametrize("data,name,reason", [
    (b"", "d.csv", "empty"),
    (b"warehouse;source;item;quantity;lot_number;expiry_date;received_on\n", "d.csv",
     "no data rows"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "d.csv", "not a text"),
    (b"PK\x03\x04 not really a workbook", "d.xlsx", "cannot be read"),
    (b"a;b\n1;2\n", "d.pdf", "unknown file type"),
])
def test_files_that_are_not_delivery_tables_are_refused(places, data, name, reason):
    with pytest.raises(ImportRejected) as rejected:
        import_deliveries(data, name)
    assert reason in str(rejected.value)
    assert _count(Delivery) == 0


def test_missing_columns_are_named(places):
    with pytest.raises(ImportRejected) as rejected:
        import_deliveries(b"warehouse;item\nNL-ARN;ffp2\n", "d.csv")
    assert {e.column for e in rejected.value.errors} == {
        "source", "quantity", "lot_number", "received_on"}


ORDER_HEADER = "order;supplier;item;quantity;unit_price;currency;promised_date"


def test_a_file_of_order_lines_creates_placed_orders(places):
    data = _csv([("IMP-1", "LEV-001", "ffp2", "1 000", "4,50", "SEK", "2026-12-01"),
                 ("IMP-1", "LEV-001", "gown", "200", "30", "SEK", ""),
                 ("IMP-2", "LEV-003", "exam_gloves", "50000", "0.2", "eur", "")], ORDER_HEADER)
    result = import_order_lines(data, "orders.csv")
    assert result.rows == 3 and result.by_kind == {"orders": 2}
    orders = db.session.scalars(select(PurchaseOrder).order_by(PurchaseOrder.code)).all()
    assert [(o.code, o.status, o.currency, len(o.lines)) for o in orders] == [
        ("IMP-1", OrderStatus.PLACED, "SEK", 2), ("IMP-2", OrderStatus.PLACED, "EUR", 1)]
    assert orders[0].lines[0].quantity == 1000


def test_bad_order_lines_are_named_and_nothing_is_written(places):
    data = _csv([("IMP-1", "LEV-001", "ffp2", "-1", "4.50", "SEK", ""),
                 ("IMP-1", "LEV-002", "nope", "10", "x", "SEK", ""),
                 ("IMP-3", "EU-JPA", "ffp2", "10", "1", "kr", "")], ORDER_HEADER)
    with pytest.raises(ImportRejected) as rejected:
        import_order_lines(data, "orders.csv")
    found = {(e.row, e.column) for e in rejected.value.errors}
    assert found == {(2, "quantity"), (3, "item"), (3, "unit_price"), (2, "order"),
                     (3, "order"), (4, "supplier"), (4, "currency")}
    assert _count(PurchaseOrder) == 0 and _count(OrderLine) == 0

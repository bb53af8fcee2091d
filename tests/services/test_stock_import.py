"""Bulk import of deliveries and order lines: all rows or none, every bad row named."""

import io
from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import func, select

from supplyapp import audit, clock
from supplyapp.extensions import db
from supplyapp.imports import ImportRejected
from supplyapp.models import AuditEvent
from supplyapp.models.procurement import OrderLine, OrderStatus, PurchaseOrder
from supplyapp.models.stock import Delivery, Lot, StockBalance, StockMovement
from supplyapp.services import procurement, stock
from supplyapp.services.stock_import import import_deliveries, import_order_lines
from tests.supply_factories import placed_order


def expiry() -> str:
    return (clock.today() + timedelta(days=800)).isoformat()


def received() -> str:
    return clock.today().isoformat()


def _csv(rows, header="warehouse;source;item;quantity;lot_number;expiry_date;received_on"):
    return (header + "\n" + "\n".join(";".join(map(str, row)) for row in rows) + "\n").encode()


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_good_delivery_file_books_every_row_in_quarantine(places):
    order = placed_order(lines=(("ffp2", 1000, "1"), ("visor", 50, "2")))
    data = _csv(
        [
            ("NL-ARN", order.code, "ffp2", "600", "A1", expiry(), received()),
            ("NL-GBG", order.code, "ffp2", "400", "A2", expiry(), received()),
            ("NL-GBG", order.code, "visor", "20", "V1", "", received()),
        ]
    )
    result = import_deliveries(data, "deliveries.csv")
    assert result.rows == 3
    db.session.expire_all()
    assert [line.delivered_quantity for line in order.lines] == [1000, 20]
    assert order.status == OrderStatus.PARTLY_DELIVERED
    assert _count(StockMovement) == 3
    assert stock.check_ledger() == []
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "deliveries", AuditEvent.action == "import")
    ).all()
    assert len(events) == 1 and events[0].after["rows"] == 3


def test_the_same_file_imported_twice_books_once(places):
    order = placed_order()
    data = _csv([("NL-ARN", order.code, "ffp2", "10", "A1", expiry(), received())])
    import_deliveries(data, "d.csv")
    with pytest.raises(ImportRejected) as rejected:
        import_deliveries(data, "d.csv")
    assert "imported already" in str(rejected.value)
    assert _count(Delivery) == 1


def test_an_excel_file_of_deliveries_is_read_like_a_csv(places):
    order = placed_order()
    buffer = io.BytesIO()
    pd.DataFrame(
        {
            "warehouse": ["NL-LLA"],
            "source": [order.code],
            "item": ["ffp2"],
            "quantity": [25],
            "lot_number": ["X"],
            "expiry_date": [expiry()],
            "received_on": [received()],
        }
    ).to_excel(buffer, index=False)
    assert import_deliveries(buffer.getvalue(), "d.xlsx").rows == 1


def test_a_file_full_of_bad_rows_names_each_one_and_writes_nothing(places):
    order = placed_order()
    data = _csv(
        [
            ("NL-ARN", order.code, "ffp2", "ten", "A1", expiry(), received()),  # 2 wrong type
            ("NL-ARN", order.code, "unicorn", "5", "A1", expiry(), received()),  # 3 unknown item
            ("NL-ARN", order.code, "ffp2", "-5", "A1", expiry(), received()),  # 4 negative
            ("NOWHERE", order.code, "ffp2", "5", "A1", expiry(), received()),  # 5 warehouse
            ("NL-ARN", "PO-1999-0001", "ffp2", "5", "A1", expiry(), received()),  # 6 source
            ("NL-ARN", order.code, "ffp2", "5", "", "31/12/2030", received()),  # 7 lot, date
            ("NL-ARN", order.code, "ffp2", "5", "A1", expiry(), "2999-01-01"),  # 8 future
            ("NL-ARN", order.code, "ffp2", "2.5", "A1", expiry(), received()),  # 9 not whole
            ("NL-ARN", order.code, "ffp2", "5", "A1", expiry(), received()),  # 10 good
        ]
    )
    with pytest.raises(ImportRejected) as rejected:
        import_deliveries(data, "bad.csv")
    found = {(e.row, e.column) for e in rejected.value.errors}
    assert found == {
        (2, "quantity"),
        (3, "item"),
        (4, "quantity"),
        (5, "warehouse"),
        (6, "source"),
        (7, "lot_number"),
        (7, "expiry_date"),
        (8, "received_on"),
        (8, "expiry_date"),
        (9, "quantity"),
        (3, "source"),
    }
    assert "'ten' is not a whole number" in str(rejected.value)
    assert _count(Delivery) == 0 and _count(StockMovement) == 0


def test_rows_beyond_what_is_outstanding_need_a_reason(places):
    order = placed_order(lines=(("ffp2", 100, "1"),))
    rows = [
        ("NL-ARN", order.code, "ffp2", "80", "A1", expiry(), received(), ""),
        ("NL-ARN", order.code, "ffp2", "30", "A2", expiry(), received(), ""),
    ]
    header = (
        "warehouse;source;item;quantity;lot_number;expiry_date;received_on;over_delivery_reason"
    )
    with pytest.raises(ImportRejected) as rejected:
        import_deliveries(_csv(rows, header), "over.csv")
    assert [(e.row, e.column) for e in rejected.value.errors] == [(3, "over_delivery_reason")]
    assert _count(Delivery) == 0
    rows[1] = rows[1][:-1] + ("Extra pallet accepted",)
    import_deliveries(_csv(rows, header), "over.csv")
    assert db.session.get(OrderLine, order.lines[0].id).delivered_quantity == 110


def test_texts_with_tabs_backslashes_and_line_breaks_are_stored_as_written(places):
    # COPY's text format gives these characters a meaning: they must arrive unchanged.
    order = placed_order(lines=(("ffp2", 10, "1"),))
    header = (
        "warehouse;source;item;quantity;lot_number;expiry_date;received_on;"
        "over_delivery_reason;note"
    )
    data = (
        header + "\n"
        f'NL-ARN;{order.code};ffp2;8;"L\\1\tb";{expiry()};{received()};;"a\\N\tb"\n'
        f'NL-GBG;{order.code};ffp2;5;L%s2;;{received()};"extra\r\npallet";100%\n'
    ).encode()
    with audit.acting_as("clerk\\one"):
        result = import_deliveries(data, "texts.csv")
    deliveries = db.session.scalars(select(Delivery).order_by(Delivery.id)).all()
    assert [
        (d.note, d.over_delivery, d.over_delivery_reason, d.received_by) for d in deliveries
    ] == [("a\\N\tb", 0, None, "clerk\\one"), ("100%", 3, "extra\r\npallet", "clerk\\one")]
    lots = db.session.scalars(select(Lot).order_by(Lot.id)).all()
    assert [(lot.lot_number, lot.expiry_date, lot.delivery_id) for lot in lots] == [
        ("L\\1\tb", clock.today() + timedelta(days=800), deliveries[0].id),
        ("L%s2", None, deliveries[1].id),
    ]
    moves = db.session.scalars(select(StockMovement).order_by(StockMovement.id)).all()
    assert [
        (m.lot_id, m.quantity, m.d_quarantined, m.reason, m.reference, m.actor) for m in moves
    ] == [
        (
            lots[0].id,
            8,
            8,
            None,
            f"delivery {deliveries[0].id} (import {result.key})",
            "clerk\\one",
        ),
        (
            lots[1].id,
            5,
            5,
            "extra\r\npallet",
            f"delivery {deliveries[1].id} (import {result.key})",
            "clerk\\one",
        ),
    ]
    assert [
        (b.lot_id, b.quarantined, b.available, b.reserved)
        for b in db.session.scalars(select(StockBalance).order_by(StockBalance.lot_id))
    ] == [(lots[0].id, 8, 0, 0), (lots[1].id, 5, 0, 0)]
    assert stock.check_ledger() == []


def test_one_file_can_deliver_against_every_kind_of_source(places):
    order = placed_order(lines=(("ffp2", 100, "1"),))
    contract = procurement.create_framework_contract(
        "EU-IMP",
        "Import",
        clock.today(),
        clock.today() + timedelta(days=100),
        [{"item": "gown", "quantity": 500}],
    )
    call_off = procurement.call_off(contract.shares[0].id, 300)
    donation = procurement.create_donation("EU-RESCEU", "mask_iir", 50)
    domestic = procurement.create_domestic_contract(
        "PRD-001", "ffp2", 100, clock.today(), clock.today() + timedelta(days=30)
    )
    data = _csv(
        [
            ("NL-ARN", order.code, "ffp2", "40", "A1", expiry(), received()),
            ("NL-ARN", call_off.code, "gown", "300", "C1", expiry(), received()),
            ("NL-JKP", donation.code, "mask_iir", "20", "D1", "", received()),
            ("NL-SDL", domestic.code, "ffp2", "5", "P1", expiry(), received()),
        ]
    )
    result = import_deliveries(data, "kinds.csv")
    assert result.by_kind == {"order_line": 1, "call_off": 1, "donation": 1, "domestic": 1}
    assert {"validate", "write_deliveries", "write_ledger", "commit"} <= set(result.stages)
    assert [
        (
            d.source_kind,
            d.order_line_id,
            d.call_off_id,
            d.donation_id,
            d.domestic_contract_id,
            d.quantity,
        )
        for d in db.session.scalars(select(Delivery).order_by(Delivery.id))
    ] == [
        ("order_line", order.lines[0].id, None, None, None, 40),
        ("call_off", None, call_off.id, None, None, 300),
        ("donation", None, None, donation.id, None, 20),
        ("domestic", None, None, None, domestic.id, 5),
    ]
    db.session.expire_all()
    assert (
        call_off.delivered_quantity,
        donation.delivered_quantity,
        domestic.delivered_quantity,
    ) == (300, 20, 5)
    assert call_off.status.value == "delivered" and donation.status.value == "partly_delivered"
    assert stock.check_ledger() == []


@pytest.mark.parametrize(
    "data,name,reason",
    [
        (b"", "d.csv", "empty"),
        (
            b"warehouse;source;item;quantity;lot_number;expiry_date;received_on\n",
            "d.csv",
            "no data rows",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "d.csv", "not a text"),
        (b"PK\x03\x04 not really a workbook", "d.xlsx", "cannot be read"),
        (b"a;b\n1;2\n", "d.pdf", "unknown file type"),
    ],
)
def test_files_that_are_not_delivery_tables_are_refused(places, data, name, reason):
    with pytest.raises(ImportRejected) as rejected:
        import_deliveries(data, name)
    assert reason in str(rejected.value)
    assert _count(Delivery) == 0


def test_missing_columns_are_named(places):
    with pytest.raises(ImportRejected) as rejected:
        import_deliveries(b"warehouse;item\nNL-ARN;ffp2\n", "d.csv")
    assert {e.column for e in rejected.value.errors} == {
        "source",
        "quantity",
        "lot_number",
        "received_on",
    }


ORDER_HEADER = "order;supplier;item;quantity;unit_price;currency;promised_date"


def test_a_file_of_order_lines_creates_placed_orders(places):
    data = _csv(
        [
            ("IMP-1", "LEV-001", "ffp2", "1 000", "4,50", "SEK", "2026-12-01"),
            ("IMP-1", "LEV-001", "gown", "200", "30", "SEK", ""),
            ("IMP-2", "LEV-003", "exam_gloves", "50000", "0.2", "eur", ""),
        ],
        ORDER_HEADER,
    )
    result = import_order_lines(data, "orders.csv")
    assert result.rows == 3 and result.by_kind == {"orders": 2}
    orders = db.session.scalars(select(PurchaseOrder).order_by(PurchaseOrder.code)).all()
    assert [(o.code, o.status, o.currency, len(o.lines)) for o in orders] == [
        ("IMP-1", OrderStatus.PLACED, "SEK", 2),
        ("IMP-2", OrderStatus.PLACED, "EUR", 1),
    ]
    assert orders[0].lines[0].quantity == 1000


def test_bad_order_lines_are_named_and_nothing_is_written(places):
    data = _csv(
        [
            ("IMP-1", "LEV-001", "ffp2", "-1", "4.50", "SEK", ""),
            ("IMP-1", "LEV-002", "nope", "10", "x", "SEK", ""),
            ("IMP-3", "EU-JPA", "ffp2", "10", "1", "kr", ""),
        ],
        ORDER_HEADER,
    )
    with pytest.raises(ImportRejected) as rejected:
        import_order_lines(data, "orders.csv")
    found = {(e.row, e.column) for e in rejected.value.errors}
    assert found == {
        (2, "quantity"),
        (3, "item"),
        (3, "unit_price"),
        (2, "order"),
        (3, "order"),
        (4, "supplier"),
        (4, "currency"),
    }
    assert _count(PurchaseOrder) == 0 and _count(OrderLine) == 0

"""Building blocks for the supply and stock tests: orders, receipts, approved lots."""

import uuid
from datetime import timedelta

from supplyapp import clock
from supplyapp.services import procurement, stock


def placed_order(lines=(("ffp2", 100, "4.50"),), supplier="LEV-001", promised=None):
    """A placed order with the given (item, quantity, price) lines."""
    promised = promised or clock.today() + timedelta(days=7)
    order = procurement.create_order(
        supplier,
        "SEK",
        documents="Avtal 2026-17",
        lines=[
            {"item": item, "quantity": quantity, "unit_price": price, "promised_date": promised}
            for item, quantity, price in lines
        ],
    )
    procurement.set_order_status(order.code, "placed")
    return order


def receipt(
    line_id,
    quantity,
    *,
    kind="order_line",
    warehouse="NL-ARN",
    lot="LOT-1",
    expiry=None,
    key=None,
    reason=None,
    received_on=None,
):
    return stock.Receipt(
        source_kind=kind,
        source_id=line_id,
        warehouse=warehouse,
        quantity=quantity,
        lot_number=lot,
        expiry_date=expiry if expiry is not None else clock.today() + timedelta(days=700),
        received_on=received_on or clock.today(),
        idempotency_key=key or uuid.uuid4().hex,
        over_delivery_reason=reason,
    )


def approved_lot(
    quantity=100, item="ffp2", warehouse="NL-ARN", expiry=None, lot="LOT-1", received_on=None
):
    """A lot of approved, available stock; returns its id."""
    order = placed_order(lines=((item, quantity, "1.00"),))
    delivery = stock.receive(
        receipt(
            order.lines[0].id,
            quantity,
            warehouse=warehouse,
            expiry=expiry,
            lot=lot,
            received_on=received_on,
        )
    )
    lot_id = delivery.lot.id
    stock.inspect_lot(lot_id, quantity, 0, "ce_marking", "CE 2797")
    return lot_id


def supply_route_records() -> dict:
    """One record of each kind the supply and stock URLs of the access table point at."""
    lot_id = approved_lot(50)
    order = placed_order()
    today = clock.today()
    contract = procurement.create_framework_contract(
        "EU-ACCESS",
        "Access matrix",
        today,
        today + timedelta(days=100),
        [{"item": "gown", "quantity": 1000}],
    )
    domestic = procurement.create_domestic_contract(
        "PRD-001", "ffp2", 100, today, today + timedelta(days=30)
    )
    offer = procurement.log_offer("Matrix AB", "sale", "visor", 10, "1.00")
    return {
        "lot": lot_id,
        "order": order.code,
        "share": contract.shares[0].id,
        "domestic": domestic.code,
        "offer": offer.code,
    }

"""The stock ledger: receiving, quality control, reservations, counts, and the balance check."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from supplyapp import clock
from supplyapp.extensions import db
from supplyapp.models.procurement import OrderLine, OrderStatus
from supplyapp.models.stock import (
    LedgerIsAppendOnly,
    MovementKind,
    StockBalance,
    StockMovement,
)
from supplyapp.queries.stock import available_lots, national_stock_by_item
from supplyapp.services import stock
from supplyapp.services.errors import InvalidInput
from tests.supply_factories import approved_lot, placed_order, receipt


def _balance(lot_id):
    db.session.expire_all()
    b = db.session.get(StockBalance, lot_id)
    return b.quarantined, b.available, b.reserved


def test_a_partial_delivery_is_quarantined_and_the_rest_stays_outstanding(places):
    order = placed_order()
    delivery = stock.receive(receipt(order.lines[0].id, 40))
    assert _balance(delivery.lot.id) == (40, 0, 0)
    line = db.session.get(OrderLine, order.lines[0].id)
    assert line.outstanding == 60
    assert line.order.status == OrderStatus.PARTLY_DELIVERED


def test_the_last_delivery_completes_the_order(places):
    order = placed_order()
    stock.receive(receipt(order.lines[0].id, 40))
    stock.receive(receipt(order.lines[0].id, 60, lot="LOT-2"))
    db.session.expire_all()
    assert order.status == OrderStatus.DELIVERED
    assert national_stock_by_item()["ffp2"] == {
        "available": 0,
        "quarantined": 100,
        "reserved": 0,
        "incoming": 0,
    }


def test_an_over_delivery_needs_a_reason_and_then_is_booked(places):
    order = placed_order()
    with pytest.raises(InvalidInput) as refused:
        stock.receive(receipt(order.lines[0].id, 120))
    assert "over_delivery_reason" in refused.value.errors
    assert db.session.scalar(select(StockMovement.id)) is None
    delivery = stock.receive(receipt(order.lines[0].id, 120, reason="Supplier sent a full pallet"))
    assert delivery.over_delivery == 20
    assert db.session.get(OrderLine, order.lines[0].id).outstanding == 0


def test_the_same_form_submitted_twice_books_once(places):
    order = placed_order()
    stock.receive(receipt(order.lines[0].id, 30, key="form-token-1"))
    with pytest.raises(stock.AlreadyBooked):
        stock.receive(receipt(order.lines[0].id, 30, key="form-token-1"))
    assert db.session.get(OrderLine, order.lines[0].id).delivered_quantity == 30
    assert len(db.session.scalars(select(StockMovement)).all()) == 1


def test_a_draft_order_cannot_be_received_against(places):
    from supplyapp.services import procurement

    order = procurement.create_order(
        "LEV-001", lines=[{"item": "ffp2", "quantity": 10, "unit_price": "1"}]
    )
    with pytest.raises(InvalidInput) as refused:
        stock.receive(receipt(order.lines[0].id, 10))
    assert "source" in refused.value.errors


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -5}, "quantity"),
        ({"warehouse": "NOPE"}, "warehouse"),
        ({"lot_number": ""}, "lot_number"),
        ({"received_on": timedelta(days=3)}, "received_on"),  # from today
        ({"expiry_date": timedelta(days=-1)}, "expiry_date"),
        ({"source_kind": "gift"}, "source"),
    ],
)
def test_bad_receipts_are_refused_and_write_nothing(places, changes, field):
    order = placed_order()
    bad = receipt(order.lines[0].id, 10)
    for key, value in changes.items():
        setattr(bad, key, clock.today() + value if isinstance(value, timedelta) else value)
    with pytest.raises(InvalidInput) as refused:
        stock.receive(bad)
    assert field in refused.value.errors
    assert db.session.scalar(select(StockMovement.id)) is None


def test_quality_control_approves_part_and_rejects_part(places):
    order = placed_order()
    lot_id = stock.receive(receipt(order.lines[0].id, 100)).lot.id
    stock.inspect_lot(
        lot_id, 70, 30, "temp_approval", "AV 2020/12345", rejection_reason="Straps tear"
    )
    assert _balance(lot_id) == (0, 70, 0)
    kinds = [m.kind for m in db.session.scalars(select(StockMovement).order_by(StockMovement.id))]
    assert kinds == [MovementKind.RECEIVED, MovementKind.APPROVED, MovementKind.REJECTED]
    rejected = db.session.scalar(
        select(StockMovement).where(StockMovement.kind == MovementKind.REJECTED)
    )
    assert rejected.reason == "Straps tear"


@pytest.mark.parametrize(
    "args,field",
    [
        ((10, 0, "none", None, None), "conformity"),
        ((10, 0, "temp_approval", "", None), "evidence_reference"),
        ((0, 10, "ce_marking", "CE", ""), "rejection_reason"),
        ((0, 0, "ce_marking", "CE", None), "approved"),
        ((101, 0, "ce_marking", "CE", None), "approved"),
    ],
)
def test_quality_control_refuses_what_it_cannot_prove(places, args, field):
    order = placed_order()
    lot_id = stock.receive(receipt(order.lines[0].id, 100)).lot.id
    approved, rejected, conformity, evidence, reason = args
    with pytest.raises(InvalidInput) as refused:
        stock.inspect_lot(lot_id, approved, rejected, conformity, evidence, rejection_reason=reason)
    assert field in refused.value.errors
    assert _balance(lot_id) == (100, 0, 0)


def test_rejected_goods_never_become_available(places):
    order = placed_order()
    lot_id = stock.receive(receipt(order.lines[0].id, 100)).lot.id
    stock.inspect_lot(lot_id, 0, 100, "none", rejection_reason="Fake certificates")
    assert _balance(lot_id) == (0, 0, 0)
    with pytest.raises(InvalidInput):
        stock.inspect_lot(lot_id, 1, 0, "ce_marking", "CE")
    assert available_lots("ffp2") == []


def test_reserve_release_and_dispatch_move_stock_between_parts(places):
    lot_id = approved_lot(100)
    stock.reserve(lot_id, 60, "Allocation 1", "plan-1")
    assert _balance(lot_id) == (0, 40, 60)
    stock.release(lot_id, 10, "Plan changed", "plan-1")
    assert _balance(lot_id) == (0, 50, 50)
    stock.dispatch(lot_id, 50, "Shipment", "ship-1")
    assert _balance(lot_id) == (0, 50, 0)
    assert stock.check_ledger() == []


@pytest.mark.parametrize(
    "action,quantity",
    [
        ("reserve", 101),
        ("release", 1),
        ("dispatch", 1),
        ("write_off", 101),
    ],
)
def test_no_balance_ever_goes_negative(places, action, quantity):
    lot_id = approved_lot(100)
    with pytest.raises(stock.InsufficientStock):
        if action == "write_off":
            stock.write_off(lot_id, quantity, "Broken")
        else:
            getattr(stock, action)(lot_id, quantity, "try", "test")
    assert _balance(lot_id) == (0, 100, 0)


def test_the_database_refuses_a_negative_balance_even_past_the_service(places):
    from sqlalchemy.exc import IntegrityError

    lot_id = approved_lot(10)
    with pytest.raises(IntegrityError):
        db.session.execute(
            update(StockBalance).where(StockBalance.lot_id == lot_id).values(available=-1)
        )
        db.session.commit()
    db.session.rollback()
    assert _balance(lot_id) == (0, 10, 0)


@pytest.mark.parametrize("quantity", [0, -3, 2.5, True])
def test_a_reservation_must_be_a_whole_positive_number(places, quantity):
    lot_id = approved_lot(10)
    with pytest.raises(InvalidInput):
        stock.reserve(lot_id, quantity, "x", "y")
    assert _balance(lot_id) == (0, 10, 0)


def test_a_count_adjusts_available_stock_with_its_reason(places):
    lot_id = approved_lot(100)
    movement = stock.count(lot_id, 97, "Annual count: 3 damaged in the rack")
    assert movement.kind == MovementKind.ADJUSTED and movement.d_available == -3
    assert _balance(lot_id) == (0, 97, 0)
    assert stock.count(lot_id, 97, "Same again") is None
    stock.count(lot_id, 99, "Found a box")
    assert _balance(lot_id) == (0, 99, 0)
    with pytest.raises(InvalidInput):
        stock.count(lot_id, 50, "")


def test_expired_lots_leave_the_stock(places):
    lot_id = approved_lot(10, expiry=clock.today() + timedelta(days=5))
    assert stock.expire_lots(clock.today() + timedelta(days=6)) == 1
    assert _balance(lot_id) == (0, 0, 0)
    assert stock.check_ledger() == []


def test_available_lots_come_first_expiry_first_and_skip_expired_and_reserved(places):
    late = approved_lot(10, expiry=clock.today() + timedelta(days=400), lot="LATE")
    early = approved_lot(
        20, expiry=clock.today() + timedelta(days=40), lot="EARLY", warehouse="NL-GBG"
    )
    full = approved_lot(5, expiry=clock.today() + timedelta(days=10), lot="RESERVED")
    stock.reserve(full, 5, "all of it", "x")
    lots = available_lots("ffp2")
    assert [(lot.lot_id, lot.available, lot.warehouse_code) for lot in lots] == [
        (early, 20, "NL-GBG"),
        (late, 10, "NL-ARN"),
    ]
    assert available_lots("ffp2", today=clock.today() + timedelta(days=41))[0].lot_id == late


def test_the_national_stock_counts_incoming_supply(places):
    order = placed_order(lines=(("ffp2", 100, "1"), ("visor", 30, "2")))
    lot_id = stock.receive(receipt(order.lines[0].id, 40)).lot.id
    stock.inspect_lot(lot_id, 35, 5, "ce_marking", "CE 0123", rejection_reason="Wet boxes")
    national = national_stock_by_item()
    assert national["ffp2"] == {"available": 35, "quarantined": 0, "reserved": 0, "incoming": 60}
    assert national["visor"]["incoming"] == 30
    assert national["hand_rub"] == {"available": 0, "quarantined": 0, "reserved": 0, "incoming": 0}


def test_the_check_finds_a_balance_that_differs_from_the_ledger(places):
    lot_id = approved_lot(10)
    assert stock.check_ledger() == []
    db.session.execute(
        update(StockBalance).where(StockBalance.lot_id == lot_id).values(available=12)
    )
    db.session.commit()
    differences = stock.check_ledger()
    assert [(d.lot_id, d.stored, d.ledger) for d in differences] == [
        (lot_id, (0, 12, 0), (0, 10, 0))
    ]
    # put it right, so the suite's own check after the test passes
    db.session.execute(
        update(StockBalance).where(StockBalance.lot_id == lot_id).values(available=10)
    )
    db.session.commit()


def test_the_ledger_is_append_only(places):
    approved_lot(10)
    movement = db.session.scalar(select(StockMovement))
    movement.quantity = 11
    with pytest.raises(LedgerIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(LedgerIsAppendOnly):
        db.session.delete(db.session.scalar(select(StockMovement)))
        db.session.flush()
    db.session.rollback()

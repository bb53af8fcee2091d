"""Supply channels: orders, EU framework contracts and call-offs, domestic production, offers."""

from datetime import timedelta

import pytest

from supplyapp import clock
from supplyapp.extensions import db
from supplyapp.models.procurement import (
    CallOffStatus,
    DonationStatus,
    OfferStatus,
    OrderStatus,
)
from supplyapp.queries.stock import (
    contract_schedule,
    national_stock_by_item,
    pipeline_by_week,
    supplier_performance,
    week_start,
)
from supplyapp.services import procurement, stock
from supplyapp.services.errors import InvalidInput
from tests.conftest import as_user
from tests.supply_factories import placed_order, receipt


def test_an_order_goes_from_draft_to_placed_to_confirmed(places):
    order = procurement.create_order(
        "LEV-002",
        "usd",
        lines=[
            {
                "item": "ffp3",
                "quantity": 5000,
                "unit_price": "1.20",
                "promised_date": clock.today() + timedelta(days=14),
            }
        ],
    )
    assert order.code.startswith(f"PO-{clock.today().year}-") and order.currency == "USD"
    assert order.status == OrderStatus.DRAFT
    procurement.set_order_status(order.code, "placed")
    procurement.set_order_status(order.code, "confirmed")
    assert order.status == OrderStatus.CONFIRMED and order.placed_on == clock.today()


@pytest.mark.parametrize(
    "values,field",
    [
        ({"supplier_code": "NOPE"}, "supplier"),
        ({"supplier_code": "EU-JPA"}, "supplier"),
        ({"currency": "kronor"}, "currency"),
        ({"lines": [{"item": "nope", "quantity": 1, "unit_price": "1"}]}, "item"),
        ({"lines": [{"item": "ffp2", "quantity": -1, "unit_price": "1"}]}, "quantity"),
        ({"lines": [{"item": "ffp2", "quantity": 1, "unit_price": "abc"}]}, "unit_price"),
        ({"lines": [{"item": "ffp2", "quantity": 1, "unit_price": "-2"}]}, "unit_price"),
        ({"documents": "x" * 2001}, "documents"),
    ],
)
def test_bad_orders_are_refused_and_write_nothing(places, values, field):
    from supplyapp.models.procurement import PurchaseOrder

    arguments = {"supplier_code": "LEV-001", "currency": "SEK", **values}
    with pytest.raises(InvalidInput) as refused:
        procurement.create_order(**arguments)
    db.session.rollback()
    assert field in refused.value.errors
    assert db.session.query(PurchaseOrder).count() == 0


def test_an_order_without_lines_cannot_be_placed_and_a_cancel_needs_a_reason(places):
    order = procurement.create_order("LEV-001")
    with pytest.raises(InvalidInput):
        procurement.set_order_status(order.code, "placed")
    with pytest.raises(InvalidInput) as refused:
        procurement.set_order_status(order.code, "cancelled")
    assert "reason" in refused.value.errors
    procurement.set_order_status(order.code, "cancelled", "Supplier cannot deliver")
    with pytest.raises(InvalidInput):
        procurement.set_order_status(order.code, "placed")


def test_cancelling_a_partly_delivered_order_ends_what_is_still_to_come(places):
    order = placed_order()
    stock.receive(receipt(order.lines[0].id, 30))
    procurement.set_order_status(order.code, "cancelled", "Rest never shipped")
    assert order.lines[0].outstanding == 0
    assert national_stock_by_item()["ffp2"]["incoming"] == 0


def _framework():
    return procurement.create_framework_contract(
        "EU-PPE-2020-01",
        "Joint procurement of PPE",
        clock.today() - timedelta(days=30),
        clock.today() + timedelta(days=300),
        [
            {"item": "ffp2", "quantity": 1_000_000, "unit_price": "0.9"},
            {"item": "gown", "quantity": 200_000},
        ],
    )


def test_call_offs_never_exceed_swedens_share(places):
    contract = _framework()
    share = contract.shares[0]
    first = procurement.call_off(share.id, 600_000, clock.today() + timedelta(days=10))
    with pytest.raises(InvalidInput) as refused:
        procurement.call_off(share.id, 400_001)
    assert "400" in refused.value.errors["quantity"]
    procurement.call_off(share.id, 400_000)
    assert share.called_off_quantity == 1_000_000
    stock.receive(receipt(first.id, 100_000, kind="call_off"))
    db.session.expire_all()
    assert first.status == CallOffStatus.PARTLY_DELIVERED
    assert national_stock_by_item()["ffp2"]["incoming"] == 900_000


def test_a_resceu_donation_is_received_like_any_delivery(places):
    donation = procurement.create_donation(
        "EU-RESCEU", "mask_iir", 50_000, clock.today() + timedelta(days=3)
    )
    stock.receive(receipt(donation.id, 50_000, kind="donation"))
    db.session.expire_all()
    assert donation.status == DonationStatus.DELIVERED


def test_a_domestic_contract_shows_delivered_against_committed_week_by_week(places):
    start = week_start(clock.today()) - timedelta(weeks=3)
    contract = procurement.create_domestic_contract(
        "PRD-001", "ffp2", 10_000, start, start + timedelta(weeks=7, days=4)
    )
    # week 1 in full, week 2 short, week 3 nothing
    stock.receive(receipt(contract.id, 10_000, kind="domestic", received_on=start))
    stock.receive(
        receipt(contract.id, 6_000, kind="domestic", received_on=start + timedelta(weeks=1, days=2))
    )
    weeks = contract_schedule(contract, today=clock.today())
    assert len(weeks) == 8
    assert [(w["committed"], w["delivered"], w["shortfall"]) for w in weeks[:3]] == [
        (10_000, 10_000, 0),
        (10_000, 6_000, 4_000),
        (10_000, 0, 10_000),
    ]
    assert [w["flagged"] for w in weeks[:4]] == [False, True, True, False]
    incoming = national_stock_by_item()["ffp2"]["incoming"]
    assert incoming == 80_000 - 16_000


def test_the_pipeline_shows_each_channel_by_week(places):
    due = clock.today() + timedelta(days=14)
    placed_order(lines=(("visor", 500, "3"),), promised=due)
    contract = _framework()
    procurement.call_off(contract.shares[1].id, 2_000, due)
    table = pipeline_by_week("visor")
    assert table.to_dict("records") == [
        {
            "item": "visor",
            "week": week_start(due).isoformat(),
            "ordered": 500,
            "called_off": 0,
            "donated": 0,
            "contracted": 0,
            "total": 500,
        }
    ]
    gowns = pipeline_by_week("gown")
    assert gowns["called_off"].sum() == 2_000


def test_an_offer_is_vetted_by_someone_other_than_who_logged_it(places):
    with as_user("officer"):
        offer = procurement.log_offer(
            "Skyddsfabriken AB", "sale", "visor", 20_000, "12.50", "SEK", supplier_code="LEV-001"
        )
        with pytest.raises(InvalidInput):
            procurement.approve_offer(offer.code)
    with as_user("officer2"):
        procurement.approve_offer(offer.code, "Certificates checked with the notified body")
        with pytest.raises(InvalidInput):
            procurement.decline_offer(offer.code, "Too late")
        converted = procurement.convert_offer(offer.code)
    assert converted.status == OfferStatus.CONVERTED
    assert converted.order.status == OrderStatus.DRAFT
    assert converted.order.lines[0].quantity == 20_000


def test_a_declined_offer_keeps_its_reason_and_cannot_be_converted(places):
    with as_user("officer"):
        offer = procurement.log_offer("Gåvogivaren AB", "donation", "hand_rub", 3_000)
    with as_user("admin"):
        with pytest.raises(InvalidInput) as refused:
            procurement.decline_offer(offer.code, "  ")
        assert "reason" in refused.value.errors
        procurement.decline_offer(offer.code, "No CE marking and no temporary approval")
        with pytest.raises(InvalidInput):
            procurement.convert_offer(offer.code, "GAVA-001")
    assert offer.decline_reason.startswith("No CE")


def test_an_approved_donation_offer_becomes_an_expected_donation(places):
    with as_user("officer"):
        offer = procurement.log_offer("Gåvogivaren AB", "donation", "hand_rub", 3_000)
    with as_user("officer2"):
        procurement.approve_offer(offer.code)
        with pytest.raises(InvalidInput) as refused:
            procurement.convert_offer(offer.code)
        assert "supplier" in refused.value.errors
        procurement.convert_offer(offer.code, "GAVA-001", clock.today() + timedelta(days=2))
    assert offer.donation.quantity == 3_000
    assert national_stock_by_item()["hand_rub"]["incoming"] == 3_000


def test_supplier_records_show_on_time_late_and_rejected_shares(places):
    order = placed_order(lines=(("ffp2", 300, "1"),), promised=clock.today() - timedelta(days=2))
    stock.receive(receipt(order.lines[0].id, 100, received_on=clock.today() - timedelta(days=3)))
    late = stock.receive(receipt(order.lines[0].id, 100, lot="L2"))
    stock.inspect_lot(late.lot.id, 75, 25, "ce_marking", "CE", rejection_reason="Torn")
    row = supplier_performance().set_index("supplier").loc["LEV-001"]
    assert (row.deliveries, row.on_time, row.late, row.received, row.rejected) == (2, 1, 1, 200, 25)
    assert row.on_time_share == 0.5 and row.rejected_share == 0.125

"""Shipments of an approved plan: pick, dispatch, the donor's sending, the recipient's receipt.

Each step books once; a step out of order is refused; confirmed figures move the national
stock ledger or the organisations' reported stock.
"""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from supplyapp import clock
from supplyapp.extensions import db
from supplyapp.models import Item, Organisation
from supplyapp.models.demand import RequestStatus, ShortageRequest
from supplyapp.models.planning import LineKind, Shipment, ShipmentStatus
from supplyapp.models.stock import MovementKind, StockBalance, StockMovement
from supplyapp.services import plan_review, shipments
from supplyapp.services.demand import latest_line
from supplyapp.services.errors import InvalidInput
from supplyapp.services.shipments import AlreadyDone, WrongStep
from tests.conftest import as_user
from tests.planning_factories import run, shortage_scenario


def approved(redistribute=False) -> None:
    plan_id = run(redistribute=redistribute)
    with as_user("officer"):
        plan_review.submit(plan_id)
    with as_user("officer2"):
        plan_review.approve(plan_id)


def shipment_to(code: str, kind=LineKind.DISTRIBUTION) -> Shipment:
    db.session.expire_all()
    return db.session.scalars(
        select(Shipment)
        .join(Organisation, Organisation.id == Shipment.recipient_id)
        .where(Organisation.code == code, Shipment.kind == kind)
    ).one()


@pytest.fixture
def national(places):
    """Enough national stock to meet both requests: 600 to Uppsala, 1000 to Stockholm."""
    lot_id = shortage_scenario(national=1600)
    approved()
    return lot_id


@pytest.fixture
def redistribution(places):
    """Little national stock: Upplands Väsby (0114) is asked to give to Uppsala (0380)."""
    shortage_scenario(national=200)
    approved(redistribute=True)
    return shipment_to("0380", LineKind.REDISTRIBUTION)


def dispatched(code="0380") -> Shipment:
    shipment = shipment_to(code)
    with as_user("logistics"):
        shipments.pick(shipment.id)
        return shipments.dispatch(shipment.id)


def stock_of(code: str) -> int:
    db.session.expire_all()
    organisation = db.session.scalar(select(Organisation).where(Organisation.code == code))
    item = db.session.scalar(select(Item).where(Item.code == "ffp2"))
    line = latest_line(organisation.id, item.id)
    return line.stock_on_hand if line else 0


def dispatch_movements(reference: str) -> list[StockMovement]:
    return db.session.scalars(
        select(StockMovement).where(
            StockMovement.kind == MovementKind.DISPATCHED, StockMovement.reference == reference
        )
    ).all()


# ---------------------------------------------------------------------------------------------
# Pick and dispatch


def test_picking_records_who_and_moves_the_shipment_to_picked(national):
    with as_user("logistics"):
        shipment = shipments.pick(shipment_to("0380").id)
    assert shipment.status == ShipmentStatus.PICKED
    assert shipment.picked_by == "logistics" and shipment.picked_at is not None


def test_a_pick_submitted_twice_is_already_done(national):
    shipment_id = shipment_to("0380").id
    with as_user("logistics"):
        shipments.pick(shipment_id)
    with pytest.raises(AlreadyDone), as_user("someone-else"):
        shipments.pick(shipment_id)
    assert shipment_to("0380").picked_by == "logistics"


def test_a_shipment_cannot_be_dispatched_before_it_is_picked(national):
    shipment_id = shipment_to("0380").id
    with pytest.raises(WrongStep), as_user("logistics"):
        shipments.dispatch(shipment_id)
    assert shipment_to("0380").status == ShipmentStatus.PLANNED
    assert dispatch_movements(shipment_to("0380").code) == []


def test_dispatch_takes_the_reserved_lots_out_of_the_national_stock(national):
    before = db.session.get(StockBalance, national).reserved
    shipment = dispatched()
    assert shipment.status == ShipmentStatus.IN_TRANSIT
    assert shipment.sent_quantity == shipment.quantity == 600
    assert shipment.sent_by == "logistics"
    assert shipment.expected_on == clock.today() + timedelta(days=1)  # 26 km: a day on the road
    balance = db.session.get(StockBalance, national)
    assert balance.reserved == before - 600 and balance.available == 0
    assert sum(m.quantity for m in dispatch_movements(shipment.code)) == 600


def test_a_dispatch_submitted_twice_books_once(national):
    shipment = dispatched()
    with pytest.raises(AlreadyDone), as_user("logistics"):
        shipments.dispatch(shipment.id)
    assert len(dispatch_movements(shipment.code)) == 1
    assert db.session.get(StockBalance, national).reserved == 1000


def test_picking_a_redistribution_is_the_wrong_step(redistribution):
    with pytest.raises(WrongStep), as_user("logistics"):
        shipments.pick(redistribution.id)
    with pytest.raises(WrongStep), as_user("logistics"):
        shipments.dispatch(redistribution.id)


# ---------------------------------------------------------------------------------------------
# The donor sends


def test_the_donor_confirms_what_it_sent_and_its_reported_stock_goes_down(redistribution):
    before = stock_of("0114")
    with as_user("donor"):
        shipment = shipments.confirm_sent(redistribution.id, redistribution.quantity)
    assert shipment.status == ShipmentStatus.IN_TRANSIT
    assert shipment.sent_quantity == redistribution.quantity and shipment.sent_by == "donor"
    assert stock_of("0114") == before - redistribution.quantity


def test_sending_less_than_planned_needs_a_note(redistribution):
    with pytest.raises(InvalidInput) as error, as_user("donor"):
        shipments.confirm_sent(redistribution.id, 100)
    assert "note" in error.value.errors
    with as_user("donor"):
        shipment = shipments.confirm_sent(redistribution.id, 100, note="Only 100 left.")
    assert shipment.sent_quantity == 100 and shipment.discrepancy_note == "Only 100 left."


@pytest.mark.parametrize("quantity", [-1, "100", 1.5, True, None, 10**7])
def test_the_quantity_sent_must_be_a_whole_number_up_to_the_plan(redistribution, quantity):
    with pytest.raises(InvalidInput) as error, as_user("donor"):
        shipments.confirm_sent(redistribution.id, quantity, note="n")
    assert "sent_quantity" in error.value.errors
    assert shipment_to("0380", LineKind.REDISTRIBUTION).status == ShipmentStatus.PLANNED


@pytest.mark.parametrize("note", [None, "We have none."])
def test_nothing_sent_is_refused_and_sent_back_to_the_officer(redistribution, note):
    with pytest.raises(InvalidInput) as error, as_user("donor"):
        shipments.confirm_sent(redistribution.id, 0, note=note)
    assert list(error.value.errors) == ["sent_quantity"]


def test_sending_twice_is_already_done_and_the_stock_moves_once(redistribution):
    with as_user("donor"):
        shipments.confirm_sent(redistribution.id, redistribution.quantity)
    after = stock_of("0114")
    with pytest.raises(AlreadyDone), as_user("donor"):
        shipments.confirm_sent(redistribution.id, redistribution.quantity)
    assert stock_of("0114") == after


def test_confirming_sent_on_a_national_shipment_is_the_wrong_step(national):
    with pytest.raises(WrongStep), as_user("requester"):
        shipments.confirm_sent(shipment_to("0380").id, 600)


# ---------------------------------------------------------------------------------------------
# The recipient receives


def test_receipt_before_sending_is_the_wrong_step(national):
    with pytest.raises(WrongStep), as_user("requester"):
        shipments.confirm_receipt(shipment_to("0380").id, 600, 0)


def test_a_full_receipt_raises_the_recipients_stock_and_keeps_the_request_met(national):
    shipment = dispatched()
    before = stock_of("0380")
    with as_user("requester"):
        received = shipments.confirm_receipt(shipment.id, 600, 0)
    assert received.status == ShipmentStatus.RECEIVED and received.shortfall == 0
    assert stock_of("0380") == before + 600
    request = db.session.scalars(
        select(ShortageRequest)
        .join(ShortageRequest.organisation)
        .where(Organisation.code == "0380")
    ).one()
    assert request.status == RequestStatus.MET


def test_a_shortfall_needs_a_note_and_reopens_the_request(national):
    shipment = dispatched()
    before = stock_of("0380")
    with pytest.raises(InvalidInput) as error, as_user("requester"):
        shipments.confirm_receipt(shipment.id, 550, 20)
    assert "note" in error.value.errors
    with as_user("requester"):
        received = shipments.confirm_receipt(
            shipment.id, 550, 20, note="20 boxes crushed, 30 missing."
        )
    assert (received.received_quantity, received.damaged_quantity) == (550, 20)
    assert received.shortfall == 50
    assert received.discrepancy_note == "20 boxes crushed, 30 missing."
    assert stock_of("0380") == before + 550
    request = db.session.scalars(
        select(ShortageRequest)
        .join(ShortageRequest.organisation)
        .where(Organisation.code == "0380")
    ).one()
    assert (request.status, request.met_quantity) == (RequestStatus.PARTLY_MET, 550)


@pytest.mark.parametrize(
    "received, damaged, field",
    [
        (601, 0, "received_quantity"),
        (-1, 0, "received_quantity"),
        ("600", 0, "received_quantity"),
        (590, 11, "damaged_quantity"),
        (600, -1, "damaged_quantity"),
    ],
)
def test_received_and_damaged_must_add_up_to_at_most_what_was_sent(
    national, received, damaged, field
):
    shipment = dispatched()
    with pytest.raises(InvalidInput) as error, as_user("requester"):
        shipments.confirm_receipt(shipment.id, received, damaged, note="n")
    assert field in error.value.errors
    assert shipment_to("0380").status == ShipmentStatus.IN_TRANSIT


def test_a_note_longer_than_the_limit_is_refused(national):
    shipment = dispatched()
    with pytest.raises(InvalidInput) as error, as_user("requester"):
        shipments.confirm_receipt(shipment.id, 500, 0, note="x" * 2001)
    assert "note" in error.value.errors


def test_a_receipt_submitted_twice_books_once(national):
    shipment = dispatched()
    with as_user("requester"):
        shipments.confirm_receipt(shipment.id, 600, 0)
    after = stock_of("0380")
    with pytest.raises(AlreadyDone), as_user("requester"):
        shipments.confirm_receipt(shipment.id, 600, 0)
    assert stock_of("0380") == after


def test_what_the_donor_did_not_send_is_open_again_after_receipt(redistribution):
    with as_user("donor"):
        shipments.confirm_sent(
            redistribution.id, redistribution.quantity - 100, note="100 were used meanwhile."
        )
    request = db.session.scalars(
        select(ShortageRequest)
        .join(ShortageRequest.organisation)
        .where(Organisation.code == "0380")
    ).one()
    met_before = request.met_quantity
    with as_user("requester"):
        received = shipments.confirm_receipt(redistribution.id, redistribution.quantity - 100, 0)
    assert received.shortfall == 0
    assert "100 were used meanwhile." in received.discrepancy_note
    db.session.expire_all()
    assert db.session.get(ShortageRequest, request.id).met_quantity == met_before - 100


def test_the_ledger_holds_one_dispatch_row_per_lot_of_the_shipment(national):
    shipment = dispatched("0180")
    count = db.session.scalar(
        select(func.count())
        .select_from(StockMovement)
        .where(
            StockMovement.kind == MovementKind.DISPATCHED, StockMovement.reference == shipment.code
        )
    )
    assert count == len(shipment.lots) == 1

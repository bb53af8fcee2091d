"""Demo allocation rounds: one approved with shipments on their way (one received short), and
one waiting for a second officer's approval, so every role's pages have something to show."""

from sqlalchemy import func, select

from supplyapp import audit
from supplyapp.extensions import db
from supplyapp.models.planning import AllocationPlan, LineKind, Shipment
from supplyapp.services import plan_review, planning, shipments
from supplyapp.services.demand_requests import open_requests_query


def _requested_items() -> list[str]:
    return sorted({r.item.code for r in db.session.scalars(open_requests_query())})


def load_demo_planning() -> int:
    """Two rounds by officer.anna, the first approved by officer.bengt; returns plans made."""
    if db.session.scalar(select(func.count()).select_from(AllocationPlan)):
        return 0
    items = _requested_items()
    if len(items) < 2:
        return 0
    half = len(items) // 2
    with audit.acting_as("officer.anna"):
        first = planning.run_round(planning.RoundSettings(item_codes=items[:half]))
        plan_review.submit(first.id)
    with audit.acting_as("officer.bengt"):
        plan_review.approve(first.id, "Enligt modellens förslag.")
    _move_some_shipments(first.id)
    with audit.acting_as("officer.anna"):
        second = planning.run_round(planning.RoundSettings(item_codes=items[half:]))
        plan_review.submit(second.id, "Underlag för beslut i dag.")
    return 2


def _move_some_shipments(plan_id: int) -> None:
    """Logistics dispatches the first national shipments; the first one arrives 10 % short."""
    national = db.session.scalars(
        select(Shipment)
        .where(Shipment.plan_id == plan_id, Shipment.kind == LineKind.DISTRIBUTION)
        .order_by(Shipment.id)
        .limit(3)
    ).all()
    with audit.acting_as("logistik.lisa"):
        for shipment in national:
            shipments.pick(shipment.id)
            shipments.dispatch(shipment.id)
    if national:
        first = national[0]
        received = first.quantity - first.quantity // 10
        with audit.acting_as("system:demo"):
            shipments.confirm_receipt(first.id, received, 0, "Ett kolli saknades vid leveransen.")

"""A second, independent check of the national stock: every unit that came in went out or is
still here, and what shipments hold matches what the ledger reserved and dispatched for them.

`check_ledger` proves the stored balances equal the ledger; this one adds up other tables
(deliveries, inspections, shipments) against the ledger, so a unit booked twice or lost by a
service would show here even if the ledger and the balances agreed.
"""

from sqlalchemy import case, func, select

from supplyapp.extensions import db
from supplyapp.models.planning import Shipment, ShipmentLot, ShipmentStatus
from supplyapp.models.stock import Delivery, Inspection, MovementKind, StockBalance, StockMovement

K = MovementKind
SHIPMENT_REFERENCE = "SHP-%"


def _sum(query) -> int:
    return int(db.session.scalar(query) or 0)


def _moved(*kinds: MovementKind, shipments_only: bool = False) -> int:
    query = select(func.sum(StockMovement.quantity)).where(StockMovement.kind.in_(kinds))
    if shipments_only:
        query = query.where(StockMovement.reference.like(SHIPMENT_REFERENCE))
    return _sum(query)


def _in_shipments(*statuses: ShipmentStatus) -> int:
    return _sum(
        select(func.sum(ShipmentLot.quantity))
        .join(Shipment, Shipment.id == ShipmentLot.shipment_id)
        .where(Shipment.status.in_(statuses))
    )


def check_units() -> list[str]:
    """Every way the books disagree, in words; empty when units in = units out + on hand."""
    adjusted_up = _sum(
        select(
            func.sum(case((StockMovement.d_available > 0, StockMovement.d_available), else_=0))
        ).where(StockMovement.kind == K.ADJUSTED)
    )
    adjusted_down = _sum(
        select(
            func.sum(case((StockMovement.d_available < 0, -StockMovement.d_available), else_=0))
        ).where(StockMovement.kind == K.ADJUSTED)
    )
    units_in = _sum(select(func.sum(Delivery.quantity))) + adjusted_up
    units_out = (
        _sum(select(func.sum(Inspection.rejected_quantity)))
        + _moved(K.DISPATCHED, K.WRITTEN_OFF, K.EXPIRED)
        + adjusted_down
    )
    on_hand = _sum(
        select(func.sum(StockBalance.quarantined + StockBalance.available + StockBalance.reserved))
    )
    problems = []
    if units_in != units_out + on_hand:
        problems.append(f"units in {units_in} != units out {units_out} + on hand {on_hand}")
    S = ShipmentStatus
    dispatched = _in_shipments(S.IN_TRANSIT, S.RECEIVED)
    if dispatched != _moved(K.DISPATCHED, shipments_only=True):
        problems.append(
            f"shipments hold {dispatched} dispatched units, the ledger "
            f"{_moved(K.DISPATCHED, shipments_only=True)}"
        )
    reserved = _in_shipments(S.PLANNED, S.PICKED)
    ledger_reserved = _moved(K.RESERVED, shipments_only=True) - _moved(
        K.UNRESERVED, K.DISPATCHED, shipments_only=True
    )
    if reserved != ledger_reserved:
        problems.append(
            f"shipments waiting hold {reserved} reserved units, the ledger {ledger_reserved}"
        )
    return problems

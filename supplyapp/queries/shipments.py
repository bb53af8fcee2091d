"""Read-only queries for the shipment pages: who may see which shipments, the list, the export."""

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from supplyapp.extensions import db
from supplyapp.models import Item, Organisation, Warehouse
from supplyapp.models.planning import LineKind, Shipment, ShipmentStatus
from supplyapp.permissions import NATIONAL_ROLES, visible_organisations_filter

PAGE_LIMIT = 500  # rows on the page; the downloads hold them all
TO_PICK = (LineKind.DISTRIBUTION, ShipmentStatus.PLANNED)
TO_DISPATCH = (LineKind.DISTRIBUTION, ShipmentStatus.PICKED)


def visible_shipments_filter(user):
    """A SQL condition: national roles see every shipment, bound users those to or from the
    organisations they may see."""
    if user.role in NATIONAL_ROLES:
        return True
    visible = select(Organisation.id).where(visible_organisations_filter(user))
    return or_(Shipment.recipient_id.in_(visible), Shipment.donor_id.in_(visible))


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    kind: str | None = None
    item: str | None = None
    warehouse: str | None = None

    @classmethod
    def from_args(cls, args) -> "Filters":
        def choice(name, allowed):
            value = args.get(name) or None
            return value if value in allowed else None

        return cls(
            status=choice("status", {s.value for s in ShipmentStatus}),
            kind=choice("kind", {k.value for k in LineKind}),
            item=args.get("item") or None,
            warehouse=args.get("warehouse") or None,
        )


def shipments(user, filters: Filters = Filters(), limit: int | None = None) -> list[Shipment]:
    """The shipments this user may see, filtered; soonest expected first."""
    query = (
        select(Shipment)
        .where(visible_shipments_filter(user))
        .options(
            joinedload(Shipment.item),
            joinedload(Shipment.warehouse),
            joinedload(Shipment.donor),
            joinedload(Shipment.recipient),
            joinedload(Shipment.plan),
        )
        .order_by(Shipment.expected_on, Shipment.id)
    )
    if filters.status:
        query = query.where(Shipment.status == filters.status)
    if filters.kind:
        query = query.where(Shipment.kind == filters.kind)
    if filters.item:
        query = query.where(Shipment.item_id.in_(select(Item.id).where(Item.code == filters.item)))
    if filters.warehouse:
        query = query.where(
            Shipment.warehouse_id.in_(
                select(Warehouse.id).where(Warehouse.code == filters.warehouse)
            )
        )
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query).unique())


def to_do(user) -> dict[str, list[tuple[tuple[str, str], list[Shipment]]]]:
    """Logistics' day: national shipments to pick and to dispatch, by warehouse and destination."""
    out = {}
    for step, (kind, status) in (("pick", TO_PICK), ("dispatch", TO_DISPATCH)):
        rows = shipments(user, Filters(status=status.value, kind=kind.value))
        groups: dict[tuple[str, str], list[Shipment]] = {}
        for shipment in sorted(rows, key=lambda s: (s.origin, s.destination, s.expected_on, s.id)):
            groups.setdefault((shipment.origin, shipment.destination), []).append(shipment)
        out[step] = list(groups.items())
    return out


def shipments_frame(rows: list[Shipment], locale: str) -> pd.DataFrame:
    """The list as a table for CSV and Excel."""
    return pd.DataFrame(
        [
            {
                "shipment": s.code,
                "plan": s.plan.code,
                "kind": s.kind.value,
                "item": s.item.code,
                "item_name": s.item.name(locale),
                "quantity": s.quantity,
                "from": s.origin,
                "to": str(s.recipient),
                "destination": s.destination,
                "status": s.status.value,
                "expected_on": s.expected_on,
                "sent": s.sent_quantity,
                "received": s.received_quantity,
                "damaged": s.damaged_quantity,
                "shortfall": s.shortfall,
            }
            for s in rows
        ],
        columns=[
            "shipment",
            "plan",
            "kind",
            "item",
            "item_name",
            "quantity",
            "from",
            "to",
            "destination",
            "status",
            "expected_on",
            "sent",
            "received",
            "damaged",
            "shortfall",
        ],
    )


def items_in_shipments() -> list[Item]:
    return list(
        db.session.scalars(
            select(Item).where(Item.id.in_(select(Shipment.item_id))).order_by(Item.code)
        )
    )


def warehouses() -> list[Warehouse]:
    return list(db.session.scalars(select(Warehouse).order_by(Warehouse.code)))

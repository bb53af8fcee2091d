"""Read-only queries for the supply channels: orders, EU joint procurement, domestic
production and offers."""

import pandas as pd
from sqlalchemy import select

from supplyapp.extensions import db
from supplyapp.models import Item, Supplier
from supplyapp.models.procurement import (
    CallOff,
    DomesticContract,
    Donation,
    FrameworkContract,
    FrameworkShare,
    Offer,
    PurchaseOrder,
)
from supplyapp.models.stock import Delivery
from supplyapp.queries.stock import contract_schedule


def active_items() -> list[Item]:
    return list(db.session.scalars(select(Item).where(Item.active.is_(True)).order_by(Item.code)))


def active_suppliers(kinds=()) -> list[Supplier]:
    query = select(Supplier).where(Supplier.active.is_(True)).order_by(Supplier.code)
    if kinds:
        query = query.where(Supplier.kind.in_(kinds))
    return list(db.session.scalars(query))


def orders_frame() -> pd.DataFrame:
    rows = []
    for order in db.session.scalars(select(PurchaseOrder).order_by(PurchaseOrder.id.desc())):
        for line in order.lines or (None,):
            rows.append(
                {
                    "order": order.code,
                    "supplier": order.supplier.name,
                    "status": order.status,
                    "currency": order.currency,
                    "item": line.item.code if line else None,
                    "quantity": line.quantity if line else 0,
                    "unit_price": float(line.unit_price) if line else None,
                    "promised_date": line.promised_date if line else None,
                    "delivered": line.delivered_quantity if line else 0,
                    "outstanding": line.outstanding if line else 0,
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "order",
            "supplier",
            "status",
            "currency",
            "item",
            "quantity",
            "unit_price",
            "promised_date",
            "delivered",
            "outstanding",
        ],
    )


def order_deliveries(order: PurchaseOrder) -> list[Delivery]:
    return list(
        db.session.scalars(
            select(Delivery)
            .where(Delivery.order_line_id.in_([line.id for line in order.lines]))
            .order_by(Delivery.id)
        )
    )


def framework_contracts() -> list[FrameworkContract]:
    return list(db.session.scalars(select(FrameworkContract).order_by(FrameworkContract.code)))


def eu_shares_frame(contracts: list[FrameworkContract]) -> pd.DataFrame:
    """Each EU framework share: its size, what is called off and what is left."""
    return pd.DataFrame(
        [
            {
                "contract": s.contract.code,
                "item": s.item.code,
                "share": s.quantity,
                "called_off": s.called_off_quantity,
                "left": s.quantity - s.called_off_quantity,
            }
            for c in contracts
            for s in c.shares
        ],
        columns=["contract", "item", "share", "called_off", "left"],
    )


def share_exists(share_id: int) -> bool:
    return db.session.get(FrameworkShare, share_id) is not None


def donations() -> list[Donation]:
    return list(db.session.scalars(select(Donation).order_by(Donation.id.desc())))


def call_offs() -> list[CallOff]:
    return list(db.session.scalars(select(CallOff).order_by(CallOff.id.desc())))


def domestic_contracts_frame() -> pd.DataFrame:
    """Each domestic production contract with what is committed, delivered and flagged."""
    contracts = db.session.scalars(select(DomesticContract).order_by(DomesticContract.code))
    return pd.DataFrame(
        [
            {
                "contract": c.code,
                "producer": c.supplier.name,
                "item": c.item.code,
                "weekly": c.weekly_quantity,
                "start": c.start_date,
                "end": c.end_date,
                "committed": c.committed_quantity,
                "delivered": c.delivered_quantity,
                "outstanding": c.outstanding,
                "flagged_weeks": sum(w["flagged"] for w in contract_schedule(c)),
            }
            for c in contracts
        ],
        columns=[
            "contract",
            "producer",
            "item",
            "weekly",
            "start",
            "end",
            "committed",
            "delivered",
            "outstanding",
            "flagged_weeks",
        ],
    )


def domestic_contract(code: str) -> DomesticContract | None:
    return db.session.scalar(select(DomesticContract).where(DomesticContract.code == code))


def offers_frame() -> pd.DataFrame:
    """Offers from companies, newest first; status as its code (the page words it)."""
    offers = db.session.scalars(select(Offer).order_by(Offer.id.desc()))
    return pd.DataFrame(
        [
            {
                "offer": o.code,
                "company": o.company,
                "kind": o.kind.value,
                "item": o.item.code,
                "quantity": o.quantity,
                "unit_price": float(o.unit_price) if o.unit_price is not None else None,
                "currency": o.currency,
                "status": o.status,
                "logged_by": o.logged_by,
                "vetted_by": o.vetted_by,
            }
            for o in offers
        ],
        columns=[
            "offer",
            "company",
            "kind",
            "item",
            "quantity",
            "unit_price",
            "currency",
            "status",
            "logged_by",
            "vetted_by",
        ],
    )

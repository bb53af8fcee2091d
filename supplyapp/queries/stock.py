"""Read-only queries on the national stock and the supply pipeline, for pages, the API, the
situation picture and allocation.

Quantities are whole units of each item. `incoming` is what is ordered, called off, donated or
contracted and not yet delivered.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import case, func, select

from supplyapp import clock
from supplyapp.extensions import db
from supplyapp.models import Item, Supplier, Warehouse
from supplyapp.models.procurement import (
    CallOff,
    CallOffStatus,
    DomesticContract,
    Donation,
    DonationStatus,
    FrameworkShare,
    OrderLine,
    OrderStatus,
    PurchaseOrder,
)
from supplyapp.models.stock import Delivery, Inspection, Lot, StockBalance, StockMovement

OPEN_ORDER = (OrderStatus.PLACED, OrderStatus.CONFIRMED, OrderStatus.PARTLY_DELIVERED)
OPEN_CALL_OFF = (CallOffStatus.CALLED_OFF, CallOffStatus.PARTLY_DELIVERED)
OPEN_DONATION = (DonationStatus.EXPECTED, DonationStatus.PARTLY_DELIVERED)
CHANNELS = ("ordered", "called_off", "donated", "contracted")


def week_start(day: date) -> date:
    """The Monday of the day's week (ISO weeks)."""
    return day - timedelta(days=day.weekday())


# ---------------------------------------------------------------------------------------------
# Interfaces other areas rely on


def national_stock_by_item() -> dict[str, dict[str, int]]:
    """item code -> {available, quarantined, reserved, incoming} over all national warehouses."""
    result = {
        code: {"available": 0, "quarantined": 0, "reserved": 0, "incoming": 0}
        for code in db.session.scalars(select(Item.code).order_by(Item.code))
    }
    rows = db.session.execute(
        select(
            Item.code,
            func.sum(StockBalance.available),
            func.sum(StockBalance.quarantined),
            func.sum(StockBalance.reserved),
        )
        .join(StockBalance, StockBalance.item_id == Item.id)
        .group_by(Item.code)
    )
    for code, available, quarantined, reserved in rows:
        result[code].update(
            available=int(available or 0),
            quarantined=int(quarantined or 0),
            reserved=int(reserved or 0),
        )
    for code, quantity in incoming_by_item().items():
        result.setdefault(code, {"available": 0, "quarantined": 0, "reserved": 0, "incoming": 0})[
            "incoming"
        ] = quantity
    return result


@dataclass(frozen=True)
class AvailableLot:
    lot_id: int
    item_code: str
    warehouse_code: str
    warehouse_name: str
    lot_number: str
    expiry_date: date | None
    available: int


def available_lots(item_code: str, today: date | None = None) -> list[AvailableLot]:
    """Approved, unexpired, unreserved stock of one item by lot: first expiry first."""
    today = today or clock.today()
    query = (
        select(
            Lot.id,
            Item.code,
            Warehouse.code,
            Warehouse.name,
            Lot.lot_number,
            Lot.expiry_date,
            StockBalance.available,
        )
        .join(StockBalance, StockBalance.lot_id == Lot.id)
        .join(Item, Item.id == Lot.item_id)
        .join(Warehouse, Warehouse.id == Lot.warehouse_id)
        .where(
            Item.code == item_code,
            StockBalance.available > 0,
            (Lot.expiry_date.is_(None)) | (Lot.expiry_date > today),
        )
        .order_by(case((Lot.expiry_date.is_(None), 1), else_=0), Lot.expiry_date, Lot.id)
    )
    return [AvailableLot(*row) for row in db.session.execute(query)]


# ---------------------------------------------------------------------------------------------
# The pipeline


def pipeline_entries(today: date | None = None) -> list[dict]:
    """Every quantity still to come: item, week (Monday; None when undated), channel, source."""
    today = today or clock.today()
    entries = []
    orders = db.session.execute(
        select(
            Item.code,
            OrderLine.quantity - OrderLine.delivered_quantity,
            OrderLine.promised_date,
            PurchaseOrder.code,
        )
        .join(PurchaseOrder, PurchaseOrder.id == OrderLine.order_id)
        .join(Item, Item.id == OrderLine.item_id)
        .where(
            PurchaseOrder.status.in_(OPEN_ORDER), OrderLine.quantity > OrderLine.delivered_quantity
        )
    )
    for code, quantity, due, source in orders:
        entries.append(_entry(code, due, "ordered", quantity, source, today))
    call_offs = db.session.execute(
        select(
            Item.code,
            CallOff.quantity - CallOff.delivered_quantity,
            CallOff.expected_date,
            CallOff.code,
        )
        .join(FrameworkShare, FrameworkShare.id == CallOff.share_id)
        .join(Item, Item.id == FrameworkShare.item_id)
        .where(CallOff.status.in_(OPEN_CALL_OFF), CallOff.quantity > CallOff.delivered_quantity)
    )
    for code, quantity, due, source in call_offs:
        entries.append(_entry(code, due, "called_off", quantity, source, today))
    donations = db.session.execute(
        select(
            Item.code,
            Donation.quantity - Donation.delivered_quantity,
            Donation.expected_date,
            Donation.code,
        )
        .join(Item, Item.id == Donation.item_id)
        .where(Donation.status.in_(OPEN_DONATION), Donation.quantity > Donation.delivered_quantity)
    )
    for code, quantity, due, source in donations:
        entries.append(_entry(code, due, "donated", quantity, source, today))
    for contract in db.session.scalars(
        select(DomesticContract).where(DomesticContract.active.is_(True))
    ):
        entries.extend(_contract_entries(contract, today))
    return entries


def _entry(code, due, channel, quantity, source, today) -> dict:
    # Overdue quantities are still expected: show them in the current week.
    week = None if due is None else week_start(max(due, today))
    return {
        "item": code,
        "week": week,
        "channel": channel,
        "quantity": int(quantity),
        "source": source,
    }


def _contract_entries(contract: DomesticContract, today: date) -> list[dict]:
    """Future weeks at the committed quantity; what is behind goes into the current week."""
    outstanding = contract.outstanding
    this_week = week_start(today)
    entries = []
    week = max(week_start(contract.start_date), this_week)
    future = []
    while week <= contract.end_date and outstanding > 0:
        future.append(week)
        week += timedelta(days=7)
    planned = min(outstanding, len(future) * contract.weekly_quantity)
    behind = outstanding - planned
    for index, week in enumerate(future):
        quantity = min(contract.weekly_quantity, planned - index * contract.weekly_quantity)
        if week == this_week:
            quantity += behind
            behind = 0
        if quantity > 0:
            entries.append(
                {
                    "item": contract.item.code,
                    "week": week,
                    "channel": "contracted",
                    "quantity": quantity,
                    "source": contract.code,
                }
            )
    if behind > 0:
        entries.append(
            {
                "item": contract.item.code,
                "week": this_week,
                "channel": "contracted",
                "quantity": behind,
                "source": contract.code,
            }
        )
    return entries


def incoming_by_item() -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for entry in pipeline_entries():
        totals[entry["item"]] += entry["quantity"]
    return dict(totals)


def pipeline_by_week(item_code: str | None = None) -> pd.DataFrame:
    """Item, week and one column per channel (ordered, called off, donated, contracted)."""
    frame = pd.DataFrame(
        pipeline_entries(), columns=["item", "week", "channel", "quantity", "source"]
    )
    if item_code:
        frame = frame[frame["item"] == item_code]
    if frame.empty:
        return pd.DataFrame(columns=["item", "week", *CHANNELS, "total"])
    frame["week"] = frame["week"].map(lambda d: d.isoformat() if d else "")
    table = frame.pivot_table(
        index=["item", "week"], columns="channel", values="quantity", aggfunc="sum", fill_value=0
    ).reset_index()
    for channel in CHANNELS:
        if channel not in table.columns:
            table[channel] = 0
    table = table[["item", "week", *CHANNELS]]
    table["total"] = table[list(CHANNELS)].sum(axis=1)
    table.columns.name = None
    return table.sort_values(["item", "week"]).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Stock pages


def national_stock_frame() -> pd.DataFrame:
    names = dict(db.session.execute(select(Item.code, Item.name_sv)).tuples().all())
    units = dict(db.session.execute(select(Item.code, Item.unit)).tuples().all())
    rows = [
        {"item": code, "name": names.get(code, code), "unit": units.get(code, ""), **values}
        for code, values in national_stock_by_item().items()
    ]
    return pd.DataFrame(
        rows, columns=["item", "name", "unit", "available", "quarantined", "reserved", "incoming"]
    )


def lots_frame(
    item_code: str | None = None,
    warehouse_code: str | None = None,
    expiring_within: int | None = None,
    today: date | None = None,
    include_empty: bool = False,
) -> pd.DataFrame:
    """One row per lot with stock: warehouse, item, lot number, expiry, the three balances."""
    today = today or clock.today()
    query = (
        select(
            Lot.id.label("lot_id"),
            Warehouse.code.label("warehouse"),
            Item.code.label("item"),
            Item.name_sv.label("name"),
            Lot.lot_number.label("lot_number"),
            Lot.expiry_date.label("expiry_date"),
            StockBalance.quarantined,
            StockBalance.available,
            StockBalance.reserved,
        )
        .join(StockBalance, StockBalance.lot_id == Lot.id)
        .join(Item, Item.id == Lot.item_id)
        .join(Warehouse, Warehouse.id == Lot.warehouse_id)
        .order_by(Warehouse.code, Item.code, Lot.expiry_date, Lot.id)
    )
    if not include_empty:
        query = query.where(
            StockBalance.quarantined + StockBalance.available + StockBalance.reserved > 0
        )
    if item_code:
        query = query.where(Item.code == item_code)
    if warehouse_code:
        query = query.where(Warehouse.code == warehouse_code)
    if expiring_within is not None:
        query = query.where(
            Lot.expiry_date.is_not(None), Lot.expiry_date <= today + timedelta(days=expiring_within)
        )
    frame = pd.DataFrame(
        db.session.execute(query).mappings().all(),
        columns=[
            "lot_id",
            "warehouse",
            "item",
            "name",
            "lot_number",
            "expiry_date",
            "quarantined",
            "available",
            "reserved",
        ],
    )
    return frame


def warehouse_totals() -> pd.DataFrame:
    """Per warehouse and item: the three balances summed over lots."""
    query = (
        select(
            Warehouse.code.label("warehouse"),
            Item.code.label("item"),
            func.sum(StockBalance.quarantined).label("quarantined"),
            func.sum(StockBalance.available).label("available"),
            func.sum(StockBalance.reserved).label("reserved"),
        )
        .join(Warehouse, Warehouse.id == StockBalance.warehouse_id)
        .join(Item, Item.id == StockBalance.item_id)
        .group_by(Warehouse.code, Item.code)
        .order_by(Warehouse.code, Item.code)
    )
    return pd.DataFrame(
        db.session.execute(query).mappings().all(),
        columns=["warehouse", "item", "quarantined", "available", "reserved"],
    )


def movements_frame(lot_id: int | None = None, limit: int = 500) -> pd.DataFrame:
    query = (
        select(
            StockMovement.id,
            StockMovement.at,
            StockMovement.kind,
            Warehouse.code.label("warehouse"),
            Item.code.label("item"),
            StockMovement.lot_id,
            StockMovement.quantity,
            StockMovement.d_quarantined,
            StockMovement.d_available,
            StockMovement.d_reserved,
            StockMovement.reason,
            StockMovement.reference,
            StockMovement.actor,
        )
        .join(Item, Item.id == StockMovement.item_id)
        .join(Warehouse, Warehouse.id == StockMovement.warehouse_id)
        .order_by(StockMovement.id.desc())
        .limit(limit)
    )
    if lot_id is not None:
        query = query.where(StockMovement.lot_id == lot_id)
    rows = db.session.execute(query).mappings().all()
    frame = pd.DataFrame(
        rows,
        columns=[
            "id",
            "at",
            "kind",
            "warehouse",
            "item",
            "lot_id",
            "quantity",
            "d_quarantined",
            "d_available",
            "d_reserved",
            "reason",
            "reference",
            "actor",
        ],
    )
    frame["kind"] = frame["kind"].map(lambda k: getattr(k, "value", k))
    frame["at"] = pd.to_datetime(frame["at"], utc=True)  # pages and downloads show local time
    return frame


def quarantined_lots() -> Sequence[Lot]:
    """Lots waiting for quality control, oldest first."""
    return db.session.scalars(
        select(Lot)
        .join(StockBalance, StockBalance.lot_id == Lot.id)
        .where(StockBalance.quarantined > 0)
        .order_by(Lot.id)
    ).all()


def deliveries_frame(limit: int = 1000) -> pd.DataFrame:
    query = (
        select(
            Delivery.id,
            Delivery.received_on,
            Delivery.source_kind,
            Supplier.code.label("supplier"),
            Item.code.label("item"),
            Warehouse.code.label("warehouse"),
            Lot.lot_number,
            Lot.expiry_date,
            Delivery.quantity,
            Delivery.due_date,
            Delivery.over_delivery,
            Delivery.received_by,
        )
        .join(Supplier, Supplier.id == Delivery.supplier_id)
        .join(Item, Item.id == Delivery.item_id)
        .join(Warehouse, Warehouse.id == Delivery.warehouse_id)
        .join(Lot, Lot.delivery_id == Delivery.id)
        .order_by(Delivery.id.desc())
        .limit(limit)
    )
    frame = pd.DataFrame(
        db.session.execute(query).mappings().all(),
        columns=[
            "id",
            "received_on",
            "source_kind",
            "supplier",
            "item",
            "warehouse",
            "lot_number",
            "expiry_date",
            "quantity",
            "due_date",
            "over_delivery",
            "received_by",
        ],
    )
    frame["source_kind"] = frame["source_kind"].map(lambda k: getattr(k, "value", k))
    return frame


def supplier_performance(supplier_id: int | None = None) -> pd.DataFrame:
    """Per supplier: deliveries, on time, late, received, rejected and the shares."""
    rejected = (
        select(Lot.delivery_id, func.sum(Inspection.rejected_quantity).label("rej"))
        .join(Inspection, Inspection.lot_id == Lot.id)
        .group_by(Lot.delivery_id)
        .subquery()
    )
    query = (
        select(
            Supplier.code.label("supplier"),
            Supplier.name.label("name"),
            func.count(Delivery.id).label("deliveries"),
            func.sum(
                case(
                    (
                        Delivery.due_date.is_not(None)
                        & (Delivery.received_on <= Delivery.due_date),
                        1,
                    ),
                    else_=0,
                )
            ).label("on_time"),
            func.sum(case((Delivery.received_on > Delivery.due_date, 1), else_=0)).label("late"),
            func.sum(Delivery.quantity).label("received"),
            func.sum(func.coalesce(rejected.c.rej, 0)).label("rejected"),
        )
        .join(Delivery, Delivery.supplier_id == Supplier.id)
        .outerjoin(rejected, rejected.c.delivery_id == Delivery.id)
        .group_by(Supplier.code, Supplier.name)
        .order_by(Supplier.code)
    )
    if supplier_id is not None:
        query = query.where(Supplier.id == supplier_id)
    frame = pd.DataFrame(
        db.session.execute(query).mappings().all(),
        columns=["supplier", "name", "deliveries", "on_time", "late", "received", "rejected"],
    )
    for column in ("deliveries", "on_time", "late", "received", "rejected"):
        frame[column] = frame[column].fillna(0).astype(int)
    dated = (frame["on_time"] + frame["late"]).where(lambda s: s > 0)
    frame["on_time_share"] = (frame["on_time"] / dated).round(3)
    frame["late_share"] = (frame["late"] / dated).round(3)
    frame["rejected_share"] = (frame["rejected"] / frame["received"].where(lambda s: s > 0)).round(
        3
    )
    return frame


def contract_schedule(contract: DomesticContract, today: date | None = None) -> list[dict]:
    """Week by week: committed, delivered, shortfall; a past week short of its commitment is
    flagged."""
    today = today or clock.today()
    delivered: dict[date, int] = defaultdict(int)
    for received_on, quantity in db.session.execute(
        select(Delivery.received_on, Delivery.quantity).where(
            Delivery.domestic_contract_id == contract.id
        )
    ):
        delivered[week_start(received_on)] += quantity
    weeks = []
    week = week_start(contract.start_date)
    while week <= contract.end_date:
        got = delivered.get(week, 0)
        shortfall = max(contract.weekly_quantity - got, 0)
        past = week + timedelta(days=7) <= week_start(today)
        weeks.append(
            {
                "week": week,
                "iso_week": week.isocalendar().week,
                "committed": contract.weekly_quantity,
                "delivered": got,
                "shortfall": shortfall,
                "flagged": past and shortfall > 0,
                "past": past,
            }
        )
        week += timedelta(days=7)
    return weeks


def open_sources() -> list[dict]:
    """What deliveries can be received against now: kind, id and a label with what is left."""
    sources = []
    for line in db.session.scalars(
        select(OrderLine)
        .join(PurchaseOrder, PurchaseOrder.id == OrderLine.order_id)
        .where(PurchaseOrder.status.in_(OPEN_ORDER))
        .order_by(OrderLine.id)
    ):
        sources.append(
            {
                "kind": "order_line",
                "id": line.id,
                "label": (
                    f"{line.order.code} · {line.order.supplier.name} · {line.item.code} · "
                    f"{line.outstanding} / {line.quantity}"
                ),
            }
        )
    for call_off in db.session.scalars(
        select(CallOff).where(CallOff.status.in_(OPEN_CALL_OFF)).order_by(CallOff.id)
    ):
        sources.append(
            {
                "kind": "call_off",
                "id": call_off.id,
                "label": (
                    f"{call_off.code} · EU · {call_off.item.code} · "
                    f"{call_off.outstanding} / {call_off.quantity}"
                ),
            }
        )
    for donation in db.session.scalars(
        select(Donation).where(Donation.status.in_(OPEN_DONATION)).order_by(Donation.id)
    ):
        sources.append(
            {
                "kind": "donation",
                "id": donation.id,
                "label": (
                    f"{donation.code} · {donation.supplier.name} · {donation.item.code} · "
                    f"{donation.outstanding} / {donation.quantity}"
                ),
            }
        )
    for contract in db.session.scalars(
        select(DomesticContract)
        .where(DomesticContract.active.is_(True))
        .order_by(DomesticContract.id)
    ):
        sources.append(
            {
                "kind": "domestic",
                "id": contract.id,
                "label": (
                    f"{contract.code} · {contract.supplier.name} · {contract.item.code} · "
                    f"{contract.weekly_quantity}/v"
                ),
            }
        )
    return sources

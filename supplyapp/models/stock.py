"""The national stock: deliveries received, lots, quality inspections, the append-only ledger of
stock movements, and the balance per lot kept in step with the ledger.

A lot lies in one warehouse and holds one item, so the balance per item, warehouse and lot is one
row per lot. The ledger is the truth; `stock_balances` is a cache for speed, written in the same
transaction as the movements, and `flask stock check` proves the two agree.
"""

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    String,
    Text,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplyapp.clock import utcnow
from supplyapp.extensions import Model
from supplyapp.models.base import created_at_column
from supplyapp.models.catalog import Item, Supplier
from supplyapp.models.places import Warehouse


def _enum(cls) -> Enum:
    return Enum(cls, native_enum=False, length=20, validate_strings=True)


class SourceKind(enum.StrEnum):
    ORDER_LINE = "order_line"
    CALL_OFF = "call_off"
    DOMESTIC = "domestic"
    DONATION = "donation"


class Delivery(Model):
    """Goods received at a national warehouse against one supply line, as one lot."""

    __tablename__ = "deliveries"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    # The one-time token of the form (or import row): a second submit finds it taken.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    source_kind: Mapped[SourceKind] = mapped_column(_enum(SourceKind))
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_lines.id"), index=True)
    call_off_id: Mapped[int | None] = mapped_column(ForeignKey("call_offs.id"))
    domestic_contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("domestic_contracts.id"), index=True
    )
    donation_id: Mapped[int | None] = mapped_column(ForeignKey("donations.id"))
    # The source's supplier and item, copied for the supplier record and the stock pages (the
    # source rows hold the foreign keys: each one here would be a check per imported row).
    supplier_id: Mapped[int] = mapped_column(index=True)
    item_id: Mapped[int]
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    quantity: Mapped[int]
    received_on: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)  # promised/expected, for on-time share
    over_delivery: Mapped[int] = mapped_column(default=0)
    over_delivery_reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    received_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = created_at_column()

    supplier: Mapped[Supplier] = relationship(
        primaryjoin="foreign(Delivery.supplier_id) == Supplier.id", viewonly=True
    )
    item: Mapped[Item] = relationship(
        primaryjoin="foreign(Delivery.item_id) == Item.id", viewonly=True
    )
    warehouse: Mapped[Warehouse] = relationship()
    lot: Mapped["Lot"] = relationship(back_populates="delivery", uselist=False)

    @property
    def on_time(self) -> bool | None:
        return None if self.due_date is None else self.received_on <= self.due_date


class Lot(Model):
    """A batch of one item in one warehouse, with the maker's lot number and expiry date."""

    __tablename__ = "lots"
    # Few indexes: a bulk import writes 100,000 lots at once; stock_balances carries the
    # item/warehouse index for the stock pages.
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"), unique=True)
    lot_number: Mapped[str] = mapped_column(String(60))
    expiry_date: Mapped[date | None] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = created_at_column()

    item: Mapped[Item] = relationship()
    warehouse: Mapped[Warehouse] = relationship()
    delivery: Mapped[Delivery | None] = relationship(back_populates="lot")
    balance: Mapped["StockBalance"] = relationship(uselist=False, back_populates="lot")


class StockBalance(Model):
    """The stored balance of one lot; always equal to the sum of its ledger rows."""

    __tablename__ = "stock_balances"
    __table_args__ = (
        CheckConstraint("quarantined >= 0", name="quarantined_not_negative"),
        CheckConstraint("available >= 0", name="available_not_negative"),
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        Index("ix_stock_balances_item_warehouse", "item_id", "warehouse_id"),
    )
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), primary_key=True)
    # Copies of the lot's, for grouping without a join; no foreign keys of their own, since
    # the lot's already hold (each foreign key is a check per row of a bulk import).
    item_id: Mapped[int]
    warehouse_id: Mapped[int]
    quarantined: Mapped[int] = mapped_column(default=0)
    available: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)

    lot: Mapped[Lot] = relationship(back_populates="balance")


class Conformity(enum.StrEnum):
    CE_MARKING = "ce_marking"
    # Arbetsmiljöverket's temporary approval of PPE without CE marking (2020 practice).
    TEMPORARY_APPROVAL = "temp_approval"
    NONE = "none"


class Inspection(Model):
    """Quality control of a quarantined lot: how much is approved, how much rejected, and why."""

    __tablename__ = "inspections"
    __table_args__ = (
        CheckConstraint("approved_quantity >= 0", name="approved_not_negative"),
        CheckConstraint("rejected_quantity >= 0", name="rejected_not_negative"),
        CheckConstraint("approved_quantity + rejected_quantity > 0", name="something_decided"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    approved_quantity: Mapped[int] = mapped_column(default=0)
    rejected_quantity: Mapped[int] = mapped_column(default=0)
    conformity: Mapped[Conformity] = mapped_column(_enum(Conformity))
    evidence_reference: Mapped[str | None] = mapped_column(String(120))
    notes: Mapped[str | None] = mapped_column(Text)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    inspected_by: Mapped[str] = mapped_column(String(60))
    inspected_at: Mapped[datetime] = created_at_column()

    lot: Mapped[Lot] = relationship()


class MovementKind(enum.StrEnum):
    RECEIVED = "received"  # + quarantined
    APPROVED = "approved"  # quarantined -> available
    REJECTED = "rejected"  # - quarantined: failed QC, written off with the reason
    RESERVED = "reserved"  # available -> reserved
    UNRESERVED = "unreserved"  # reserved -> available
    DISPATCHED = "dispatched"  # - reserved
    ADJUSTED = "adjusted"  # +/- available after a count
    EXPIRED = "expired"  # - available (or quarantined) past its expiry date
    WRITTEN_OFF = "written_off"  # - available: damaged, lost


class StockMovement(Model):
    """One row of the stock ledger. Written once, never changed or deleted."""

    __tablename__ = "stock_movements"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[MovementKind] = mapped_column(_enum(MovementKind))
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    item_id: Mapped[int]  # the lot's, copied (see StockBalance)
    warehouse_id: Mapped[int]
    quantity: Mapped[int]  # the size of the movement, always positive
    # The signed change of each part of the lot's balance.
    d_quarantined: Mapped[int] = mapped_column(default=0)
    d_available: Mapped[int] = mapped_column(default=0)
    d_reserved: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str | None] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(String(120))  # delivery, shipment, count...
    actor: Mapped[str] = mapped_column(String(80))

    lot: Mapped[Lot] = relationship()


class LedgerIsAppendOnly(RuntimeError):
    pass


@event.listens_for(StockMovement, "before_update")
@event.listens_for(StockMovement, "before_delete")
def _refuse_change(mapper, connection, target):
    raise LedgerIsAppendOnly("stock movements are never edited or deleted")

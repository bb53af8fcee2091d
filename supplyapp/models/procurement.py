"""Supply channels: purchase orders, EU framework contracts and call-offs, rescEU and other
donations, domestic production contracts, and offers from companies.

Every line that material is expected against (an order line, a call-off, a donation, a domestic
contract) keeps `delivered_quantity`, raised by receiving in the same transaction as the receipt,
so what is still to come is one subtraction and the row is what concurrent receivers lock.
"""

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplyapp.extensions import Model
from supplyapp.models.base import created_at_column
from supplyapp.models.catalog import Item, Supplier


def _enum(cls) -> Enum:
    return Enum(cls, native_enum=False, length=20, validate_strings=True)


class OrderStatus(enum.StrEnum):
    DRAFT = "draft"
    PLACED = "placed"
    CONFIRMED = "confirmed"
    PARTLY_DELIVERED = "partly_delivered"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class PurchaseOrder(Model):
    """An order on the open market with one or more lines."""

    __tablename__ = "purchase_orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    status: Mapped[OrderStatus] = mapped_column(
        _enum(OrderStatus), default=OrderStatus.DRAFT, index=True
    )
    currency: Mapped[str] = mapped_column(String(3), default="SEK")
    documents: Mapped[str | None] = mapped_column(Text)  # contract / invoice references
    notes: Mapped[str | None] = mapped_column(Text)
    placed_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = created_at_column()

    supplier: Mapped[Supplier] = relationship()
    lines: Mapped[list["OrderLine"]] = relationship(back_populates="order", order_by="OrderLine.id")

    def __str__(self) -> str:
        return self.code


class OrderLine(Model):
    __tablename__ = "order_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("delivered_quantity >= 0", name="delivered_not_negative"),
        CheckConstraint("unit_price >= 0", name="price_not_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    quantity: Mapped[int]
    unit_price: Mapped[float] = mapped_column(Numeric(12, 2), default=0)
    promised_date: Mapped[date | None] = mapped_column(Date)
    delivered_quantity: Mapped[int] = mapped_column(default=0)

    order: Mapped[PurchaseOrder] = relationship(back_populates="lines")
    item: Mapped[Item] = relationship()

    @property
    def outstanding(self) -> int:
        if self.order.status == OrderStatus.CANCELLED:
            return 0
        return max(self.quantity - self.delivered_quantity, 0)


class FrameworkContract(Model):
    """An EU commission joint-procurement framework contract."""

    __tablename__ = "framework_contracts"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = created_at_column()

    supplier: Mapped[Supplier] = relationship()
    shares: Mapped[list["FrameworkShare"]] = relationship(
        back_populates="contract", order_by="FrameworkShare.id"
    )

    def __str__(self) -> str:
        return self.code


class FrameworkShare(Model):
    """Sweden's share of one item under a framework contract: the most it may call off."""

    __tablename__ = "framework_shares"
    __table_args__ = (
        UniqueConstraint("contract_id", "item_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("called_off_quantity >= 0", name="called_off_not_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("framework_contracts.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    quantity: Mapped[int]
    unit_price: Mapped[float | None] = mapped_column(Numeric(12, 2))
    called_off_quantity: Mapped[int] = mapped_column(default=0)

    contract: Mapped[FrameworkContract] = relationship(back_populates="shares")
    item: Mapped[Item] = relationship()


class CallOffStatus(enum.StrEnum):
    CALLED_OFF = "called_off"
    PARTLY_DELIVERED = "partly_delivered"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class CallOff(Model):
    """Sweden calls off part of its share; deliveries are received against it."""

    __tablename__ = "call_offs"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("delivered_quantity >= 0", name="delivered_not_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    share_id: Mapped[int] = mapped_column(ForeignKey("framework_shares.id"), index=True)
    quantity: Mapped[int]
    expected_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[CallOffStatus] = mapped_column(
        _enum(CallOffStatus), default=CallOffStatus.CALLED_OFF
    )
    delivered_quantity: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = created_at_column()

    share: Mapped[FrameworkShare] = relationship()

    @property
    def item(self) -> Item:
        return self.share.item

    @property
    def outstanding(self) -> int:
        if self.status == CallOffStatus.CANCELLED:
            return 0
        return max(self.quantity - self.delivered_quantity, 0)


class DonationSource(enum.StrEnum):
    RESCEU = "rescue"  # the EU's rescEU stockpile
    OFFER = "offer"  # a company's offer, approved as a gift
    OTHER = "other"


class DonationStatus(enum.StrEnum):
    EXPECTED = "expected"
    PARTLY_DELIVERED = "partly_delivered"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class Donation(Model):
    """Material given free: from rescEU or from a company's approved offer."""

    __tablename__ = "donations"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("delivered_quantity >= 0", name="delivered_not_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    source: Mapped[DonationSource] = mapped_column(_enum(DonationSource))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    quantity: Mapped[int]
    expected_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[DonationStatus] = mapped_column(
        _enum(DonationStatus), default=DonationStatus.EXPECTED
    )
    delivered_quantity: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = created_at_column()

    supplier: Mapped[Supplier] = relationship()
    item: Mapped[Item] = relationship()

    @property
    def outstanding(self) -> int:
        if self.status == DonationStatus.CANCELLED:
            return 0
        return max(self.quantity - self.delivered_quantity, 0)


class DomesticContract(Model):
    """A domestic producer commits to a weekly quantity of one item over a period."""

    __tablename__ = "domestic_contracts"
    __table_args__ = (
        CheckConstraint("weekly_quantity > 0", name="weekly_positive"),
        CheckConstraint("delivered_quantity >= 0", name="delivered_not_negative"),
        CheckConstraint("end_date >= start_date", name="period_ordered"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    weekly_quantity: Mapped[int]
    start_date: Mapped[date] = mapped_column(Date)  # a Monday
    end_date: Mapped[date] = mapped_column(Date)
    unit_price: Mapped[float | None] = mapped_column(Numeric(12, 2))
    active: Mapped[bool] = mapped_column(default=True)
    delivered_quantity: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = created_at_column()

    supplier: Mapped[Supplier] = relationship()
    item: Mapped[Item] = relationship()

    @property
    def weeks(self) -> int:
        return (self.end_date - self.start_date).days // 7 + 1

    @property
    def committed_quantity(self) -> int:
        return self.weeks * self.weekly_quantity

    @property
    def outstanding(self) -> int:
        if not self.active:
            return 0
        return max(self.committed_quantity - self.delivered_quantity, 0)


class OfferKind(enum.StrEnum):
    SALE = "sale"
    DONATION = "donation"


class OfferStatus(enum.StrEnum):
    NEW = "new"
    APPROVED = "approved"
    DECLINED = "declined"
    CONVERTED = "converted"  # became an order or a donation


class Offer(Model):
    """A company's offer to sell or give material; vetted before anything is bought."""

    __tablename__ = "offers"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price IS NULL OR unit_price >= 0", name="price_not_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    company: Mapped[str] = mapped_column(String(120))
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"))
    contact: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[OfferKind] = mapped_column(_enum(OfferKind))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    quantity: Mapped[int]
    unit_price: Mapped[float | None] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3), default="SEK")
    available_from: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[OfferStatus] = mapped_column(
        _enum(OfferStatus), default=OfferStatus.NEW, index=True
    )
    vetting_notes: Mapped[str | None] = mapped_column(Text)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    vetted_by: Mapped[str | None] = mapped_column(String(60))
    vetted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_orders.id"))
    donation_id: Mapped[int | None] = mapped_column(ForeignKey("donations.id"))
    logged_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = created_at_column()

    item: Mapped[Item] = relationship()
    supplier: Mapped[Supplier | None] = relationship()
    order: Mapped[PurchaseOrder | None] = relationship()
    donation: Mapped[Donation | None] = relationship()

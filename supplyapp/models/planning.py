"""Allocation rounds: the plan the model proposed, the officer's changes, the second officer's
decision, and the shipments that carry the material out.

A plan keeps the exact problem it was solved from and the model's own answer, so every decision
can be reproduced later with `python -m allocation solve`.
"""

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplyapp.extensions import Model
from supplyapp.models.base import created_at_column
from supplyapp.models.catalog import Item
from supplyapp.models.places import Organisation, Warehouse
from supplyapp.models.stock import Lot


def _enum(cls) -> Enum:
    return Enum(cls, native_enum=False, length=20, validate_strings=True)


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"  # proposed by the model; the officer reviews and edits
    SUBMITTED = "submitted"  # waiting for a second officer
    RETURNED = "returned"  # sent back with a comment; editable again
    APPROVED = "approved"  # stock reserved, shipments created
    DISCARDED = "discarded"


EDITABLE = (PlanStatus.DRAFT, PlanStatus.RETURNED)


class LineKind(enum.StrEnum):
    DISTRIBUTION = "distribution"  # national stock to an organisation
    REDISTRIBUTION = "redistribution"  # one organisation's surplus to another (SFS 2020:126 § 4)


class AllocationPlan(Model):
    """One allocation round: its settings, inputs, the model's proposal and the decision."""

    __tablename__ = "allocation_plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[PlanStatus] = mapped_column(
        _enum(PlanStatus), default=PlanStatus.DRAFT, index=True
    )
    policy_name: Mapped[str] = mapped_column(String(20))
    settings: Mapped[dict] = mapped_column(JSON)  # floor, redistribution, packs, items chosen
    # The exact inputs and the model's answer, as the allocation package's JSON.
    problem_json: Mapped[str] = mapped_column(Text)
    model_plan_json: Mapped[str] = mapped_column(Text)
    comparison_json: Mapped[str] = mapped_column(Text)  # needs against the population key
    # Per organisation and item: its requests, the report's date and age (for the review).
    context: Mapped[dict] = mapped_column(JSON)
    warnings: Mapped[list] = mapped_column(JSON)
    solver: Mapped[str] = mapped_column(String(40))
    solver_version: Mapped[str] = mapped_column(String(40))
    solve_seconds: Mapped[float]
    proposed_by: Mapped[str] = mapped_column(String(80))
    proposed_at: Mapped[datetime] = created_at_column()
    submitted_by: Mapped[str | None] = mapped_column(String(80))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_comment: Mapped[str | None] = mapped_column(Text)

    lines: Mapped[list["PlanLine"]] = relationship(back_populates="plan", order_by="PlanLine.id")
    shipments: Mapped[list["Shipment"]] = relationship(
        back_populates="plan", order_by="Shipment.id"
    )

    @property
    def code(self) -> str:
        return f"PLAN-{self.id:05d}"

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE


def _origin_code(row: "PlanLine | Shipment") -> str:
    """The code of the warehouse or the donor (organisation) the material comes from."""
    if row.warehouse:
        return row.warehouse.code
    if row.donor is None:  # a plan line has one or the other (one_origin); a shipment copies it
        raise ValueError(f"{type(row).__name__} {row.id} has neither a warehouse nor a donor.")
    return row.donor.code


class PlanLine(Model):
    """One movement in a plan: from a warehouse or a donor to a recipient, of one item.

    `proposed_quantity` is the model's; `quantity` is what the officer left it at.
    """

    __tablename__ = "allocation_plan_lines"
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="plan_quantity_not_negative"),
        CheckConstraint("proposed_quantity >= 0", name="plan_proposed_not_negative"),
        CheckConstraint("(warehouse_id IS NULL) <> (donor_id IS NULL)", name="one_origin"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("allocation_plans.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    kind: Mapped[LineKind] = mapped_column(_enum(LineKind))
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    donor_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    km: Mapped[float]
    proposed_quantity: Mapped[int]
    quantity: Mapped[int]
    change_reason: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[str | None] = mapped_column(String(80))
    changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    plan: Mapped[AllocationPlan] = relationship(back_populates="lines")
    item: Mapped[Item] = relationship()
    warehouse: Mapped[Warehouse | None] = relationship()
    donor: Mapped[Organisation | None] = relationship(foreign_keys=[donor_id])
    recipient: Mapped[Organisation] = relationship(foreign_keys=[recipient_id])

    @property
    def code(self) -> str:
        return f"plan-{self.plan_id}-line-{self.id}"

    @property
    def origin_code(self) -> str:
        return _origin_code(self)

    @property
    def origin_id(self) -> int:
        """The warehouse's id on a distribution line, the donor's on a redistribution line."""
        origin_id = self.warehouse_id if self.warehouse_id is not None else self.donor_id
        if origin_id is None:  # the one_origin constraint forbids it
            raise ValueError(f"Plan line {self.id} has neither a warehouse nor a donor.")
        return origin_id

    @property
    def changed(self) -> bool:
        return self.quantity != self.proposed_quantity


class ShipmentStatus(enum.StrEnum):
    PLANNED = "planned"  # stock reserved (or, for a redistribution, the donor asked to send)
    PICKED = "picked"  # logistics has picked the lots
    IN_TRANSIT = "in_transit"  # left the warehouse (or the donor confirmed it sent)
    RECEIVED = "received"  # the recipient confirmed receipt


class Shipment(Model):
    """Material on its way from a warehouse or a donor to one recipient, from one plan line."""

    __tablename__ = "shipments"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="shipment_quantity_positive"),
        CheckConstraint("sent_quantity IS NULL OR sent_quantity >= 0", name="sent_not_negative"),
        CheckConstraint(
            "received_quantity IS NULL OR received_quantity >= 0", name="received_not_negative"
        ),
        CheckConstraint("damaged_quantity >= 0", name="damaged_not_negative"),
        Index("ix_shipments_status_kind", "status", "kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("allocation_plans.id"), index=True)
    plan_line_id: Mapped[int] = mapped_column(ForeignKey("allocation_plan_lines.id"), unique=True)
    kind: Mapped[LineKind] = mapped_column(_enum(LineKind))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    donor_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    quantity: Mapped[int]  # as approved
    # Where the goods are handed over: the county's reloading point, or the recipient itself.
    via_reloading_point: Mapped[bool] = mapped_column(default=False)
    destination: Mapped[str] = mapped_column(String(200))
    status: Mapped[ShipmentStatus] = mapped_column(
        _enum(ShipmentStatus), default=ShipmentStatus.PLANNED
    )
    expected_on: Mapped[date] = mapped_column(Date)
    picked_by: Mapped[str | None] = mapped_column(String(80))
    picked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_quantity: Mapped[int | None]
    sent_by: Mapped[str | None] = mapped_column(String(80))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    received_quantity: Mapped[int | None]  # good units received
    damaged_quantity: Mapped[int] = mapped_column(default=0)
    discrepancy_note: Mapped[str | None] = mapped_column(Text)
    received_by: Mapped[str | None] = mapped_column(String(80))
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at_column()

    plan: Mapped[AllocationPlan] = relationship(back_populates="shipments")
    plan_line: Mapped[PlanLine] = relationship()
    item: Mapped[Item] = relationship()
    warehouse: Mapped[Warehouse | None] = relationship()
    donor: Mapped[Organisation | None] = relationship(foreign_keys=[donor_id])
    recipient: Mapped[Organisation] = relationship(foreign_keys=[recipient_id])
    lots: Mapped[list["ShipmentLot"]] = relationship(
        back_populates="shipment", order_by="ShipmentLot.id"
    )

    @property
    def code(self) -> str:
        return f"SHP-{self.id:06d}"

    @property
    def origin(self) -> str:
        return str(self.warehouse) if self.warehouse else str(self.donor)

    @property
    def origin_code(self) -> str:
        return _origin_code(self)

    @property
    def shortfall(self) -> int | None:
        """Units sent that did not arrive in good order."""
        if self.received_quantity is None:
            return None
        sent = self.sent_quantity if self.sent_quantity is not None else self.quantity
        return sent - self.received_quantity


class ShipmentLot(Model):
    """Which lot, and how much of it, a national shipment takes (first expiry first)."""

    __tablename__ = "shipment_lots"
    __table_args__ = (CheckConstraint("quantity > 0", name="shipment_lot_quantity_positive"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    quantity: Mapped[int]

    shipment: Mapped[Shipment] = relationship(back_populates="lots")
    lot: Mapped[Lot] = relationship()

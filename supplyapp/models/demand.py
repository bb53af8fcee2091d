"""Demand: situation reports (stock on hand and daily use per item), shortage requests with their
lifecycle, sharings within a county (§ 3 a), and combined county requests.

Every report is kept (`report_lines` is the history); `latest_report_lines` holds the newest line
per organisation and item and is written in the same transaction as each report, so the situation
picture reads a few thousand rows instead of millions.
"""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplyapp.extensions import Model
from supplyapp.models.base import created_at_column
from supplyapp.models.catalog import Item
from supplyapp.models.places import Organisation


def _enum(cls) -> Enum:
    return Enum(cls, native_enum=False, length=20, validate_strings=True)


class ReportSource(enum.StrEnum):
    FORM = "form"
    UPLOAD = "upload"
    API = "api"
    SHARING = "sharing"  # a county sharing adjusted the reported stock
    SHIPMENT = "shipment"  # an allocation's shipment was sent or received


class SituationReport(Model):
    """One organisation's report of its stock and use of some items, as of a date."""

    __tablename__ = "situation_reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    as_of: Mapped[date] = mapped_column(Date)
    source: Mapped[ReportSource] = mapped_column(_enum(ReportSource))
    reported_by: Mapped[str] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()

    organisation: Mapped[Organisation] = relationship()
    lines: Mapped[list["ReportLine"]] = relationship(
        back_populates="report", order_by="ReportLine.item_id"
    )

    @property
    def code(self) -> str:  # the audit log's key
        return f"report-{self.id}"


class ReportLine(Model):
    """Stock on hand and average daily use of one item in one report."""

    __tablename__ = "report_lines"
    __table_args__ = (
        CheckConstraint("stock_on_hand >= 0", name="stock_not_negative"),
        CheckConstraint("daily_use >= 0", name="use_not_negative"),
        Index("ix_report_lines_org_item_as_of", "organisation_id", "item_id", "as_of"),
        Index("ix_report_lines_item_as_of", "item_id", "as_of"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("situation_reports.id"), index=True)
    # Copied from the report so history and trends need no join.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    as_of: Mapped[date] = mapped_column(Date)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    stock_on_hand: Mapped[int]
    daily_use: Mapped[int]

    report: Mapped[SituationReport] = relationship(back_populates="lines")
    item: Mapped[Item] = relationship()


class LatestReportLine(Model):
    """The line that counts: the newest report of one item by one organisation."""

    __tablename__ = "latest_report_lines"
    __table_args__ = (
        CheckConstraint("stock_on_hand >= 0", name="latest_stock_not_negative"),
        CheckConstraint("daily_use >= 0", name="latest_use_not_negative"),
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True, index=True)
    report_line_id: Mapped[int] = mapped_column(ForeignKey("report_lines.id"))
    as_of: Mapped[date] = mapped_column(Date)
    stock_on_hand: Mapped[int]
    daily_use: Mapped[int]
    source: Mapped[ReportSource] = mapped_column(_enum(ReportSource))
    reported_by: Mapped[str] = mapped_column(String(80))

    @property
    def code(self) -> str:
        return f"{self.organisation_id}/{self.item_id}"


class Priority(enum.StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    NORMAL = "normal"


PRIORITY_RANK = {Priority.CRITICAL: 0, Priority.HIGH: 1, Priority.NORMAL: 2}


class RequestStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    IN_PLAN = "in_plan"  # included in an allocation plan
    PARTLY_MET = "partly_met"
    MET = "met"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


OPEN_STATUSES = (
    RequestStatus.SUBMITTED,
    RequestStatus.UNDER_REVIEW,
    RequestStatus.IN_PLAN,
    RequestStatus.PARTLY_MET,
)


class CountyRequest(Model):
    """A county board's combined request: the needs it could not meet within 48 hours."""

    __tablename__ = "county_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    county_board_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = created_at_column()

    county_board: Mapped[Organisation] = relationship()
    lines: Mapped[list["ShortageRequest"]] = relationship(
        back_populates="county_request", order_by="ShortageRequest.id"
    )

    @property
    def code(self) -> str:
        return f"county-request-{self.id}"


class ShortageRequest(Model):
    """A request for national support (behovsanmälan): how much of an item, by when, and why.

    A county board's combined request has one such line per item, and each source request
    points at the line it was forwarded in.
    """

    __tablename__ = "shortage_requests"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="request_quantity_positive"),
        CheckConstraint("met_quantity >= 0", name="met_quantity_not_negative"),
        CheckConstraint("stock_at_request >= 0", name="request_stock_not_negative"),
        CheckConstraint("daily_use_at_request >= 0", name="request_use_not_negative"),
        Index("ix_shortage_requests_status_item", "status", "item_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    quantity: Mapped[int]
    needed_by: Mapped[date] = mapped_column(Date)
    priority: Mapped[Priority] = mapped_column(_enum(Priority))
    justification: Mapped[str] = mapped_column(Text)
    stock_at_request: Mapped[int]
    daily_use_at_request: Mapped[int]
    status: Mapped[RequestStatus] = mapped_column(
        _enum(RequestStatus), default=RequestStatus.SUBMITTED
    )
    met_quantity: Mapped[int] = mapped_column(default=0)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    source: Mapped[ReportSource] = mapped_column(_enum(ReportSource), default=ReportSource.FORM)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = created_at_column()
    # Set on a county board's combined line.
    county_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("county_requests.id"), index=True
    )
    # Set on a request the county board forwarded: the combined line that carries it.
    forwarded_in_id: Mapped[int | None] = mapped_column(
        ForeignKey("shortage_requests.id"), index=True
    )

    organisation: Mapped[Organisation] = relationship()
    item: Mapped[Item] = relationship()
    county_request: Mapped[CountyRequest | None] = relationship(back_populates="lines")
    forwarded_in: Mapped["ShortageRequest | None"] = relationship(
        remote_side=[id], back_populates="sources"
    )
    sources: Mapped[list["ShortageRequest"]] = relationship(
        back_populates="forwarded_in", order_by="ShortageRequest.id"
    )
    history: Mapped[list["RequestStatusChange"]] = relationship(
        back_populates="request", order_by="RequestStatusChange.id"
    )

    @property
    def code(self) -> str:
        return f"request-{self.id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class RequestStatusChange(Model):
    """One step of a request's lifecycle: who moved it, when, and why."""

    __tablename__ = "request_status_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("shortage_requests.id"), index=True)
    from_status: Mapped[RequestStatus | None] = mapped_column(_enum(RequestStatus))
    to_status: Mapped[RequestStatus] = mapped_column(_enum(RequestStatus))
    reason: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(String(80))
    changed_at: Mapped[datetime] = created_at_column()

    request: Mapped[ShortageRequest] = relationship(back_populates="history")


class CountySharing(Model):
    """Material handed from one organisation to another within a county (§ 3 a)."""

    __tablename__ = "county_sharings"
    __table_args__ = (CheckConstraint("quantity > 0", name="sharing_quantity_positive"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    county_board_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    from_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    to_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    quantity: Mapped[int]
    shared_on: Mapped[date] = mapped_column(Date)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("shortage_requests.id"))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = created_at_column()

    from_organisation: Mapped[Organisation] = relationship(foreign_keys=[from_organisation_id])
    to_organisation: Mapped[Organisation] = relationship(foreign_keys=[to_organisation_id])
    item: Mapped[Item] = relationship()

    @property
    def code(self) -> str:
        return f"sharing-{self.id}"

"""Patient transfers between regions: requests and their patients, the model's proposal runs,
placements sent to receiving units, transport resources and bookings, and Nordic requests.

A patient moves through the statuses of `PatientStatus`; a placement is one proposed move of a
patient to a receiving unit (a declined one stays as history and the patient is open again).
No personal data: a patient is a case reference, never a personal identity number.
"""

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplyapp.extensions import Model
from supplyapp.models.base import created_at_column
from supplyapp.models.intensive_care import IcuUnit
from supplyapp.models.places import Organisation


def _enum(kind: type[enum.Enum], length: int = 20):
    return Enum(kind, native_enum=False, length=length, validate_strings=True)


class CareLevel(enum.StrEnum):
    INVASIVE = "invasive"  # intensive care with invasive ventilation
    ECMO = "ecmo"
    NIV = "niv"  # non-invasive ventilation


class AgeGroup(enum.StrEnum):
    ADULT = "adult"
    CHILD = "child"


class Urgency(enum.StrEnum):
    IMMEDIATE = "immediate"
    TODAY = "today"
    PLANNED = "planned"


class PatientStatus(enum.StrEnum):
    REQUESTED = "requested"  # open: waits for a placement (again, after a decline)
    PROPOSED = "proposed"  # a placement sent to the receiving unit, not yet answered
    ACCEPTED = "accepted"
    TRANSPORT_ARRANGED = "transport_arranged"
    IN_TRANSIT = "in_transit"
    ARRIVED = "arrived"
    ABROAD = "abroad"  # sent to a Nordic country
    CANCELLED = "cancelled"  # the request withdrawn
    NOT_MOVED = "not_moved"  # no longer to be moved


OPEN_STATUSES = (PatientStatus.REQUESTED,)
ACTIVE_STATUSES = (
    PatientStatus.REQUESTED,
    PatientStatus.PROPOSED,
    PatientStatus.ACCEPTED,
    PatientStatus.TRANSPORT_ARRANGED,
    PatientStatus.IN_TRANSIT,
)


class PlacementStatus(enum.StrEnum):
    DRAFT = "draft"  # in the coordinator's proposal, not sent
    SENT = "sent"  # sent to the receiving unit
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # the coordinator took it back, or a newer run replaced the draft


class TransportKind(enum.StrEnum):
    AIRCRAFT = "aircraft"  # ambulance aircraft
    HELICOPTER = "helicopter"
    ROAD = "road"  # intensive-care ambulance


class BookingStatus(enum.StrEnum):
    ARRANGED = "arranged"
    IN_TRANSIT = "in_transit"
    ARRIVED = "arrived"
    CANCELLED = "cancelled"


class NordicCountry(enum.StrEnum):
    DENMARK = "DK"
    FINLAND = "FI"
    ICELAND = "IS"
    NORWAY = "NO"


class TransferRequest(Model):
    """A region (or a unit) asks for help moving patients out of one of its units."""

    __tablename__ = "transfer_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("icu_units.id"), index=True)
    requested_by: Mapped[str] = mapped_column(String(80))
    requested_at: Mapped[datetime] = created_at_column()
    channel: Mapped[str] = mapped_column(String(10), default="form")  # form or api
    note: Mapped[str | None] = mapped_column(String(1000))

    region: Mapped[Organisation] = relationship()
    unit: Mapped[IcuUnit] = relationship()
    patients: Mapped[list["TransferPatient"]] = relationship(
        back_populates="request", order_by="TransferPatient.id"
    )

    @property
    def is_open(self) -> bool:
        return any(p.status in ACTIVE_STATUSES for p in self.patients)


class TransferPatient(Model):
    """One patient of a request: a case reference and what the move needs."""

    __tablename__ = "transfer_patients"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("transfer_requests.id"), index=True)
    case_ref: Mapped[str] = mapped_column(String(40), unique=True)
    level: Mapped[CareLevel] = mapped_column(_enum(CareLevel))
    age_group: Mapped[AgeGroup] = mapped_column(_enum(AgeGroup))
    covid: Mapped[bool] = mapped_column(default=False)
    transport_stable: Mapped[bool] = mapped_column(default=True)
    urgency: Mapped[Urgency] = mapped_column(_enum(Urgency))
    status: Mapped[PatientStatus] = mapped_column(_enum(PatientStatus), index=True)
    status_at: Mapped[datetime] = created_at_column()
    status_note: Mapped[str | None] = mapped_column(String(1000))

    request: Mapped[TransferRequest] = relationship(back_populates="patients")
    placements: Mapped[list["TransferPlacement"]] = relationship(
        back_populates="patient", order_by="TransferPlacement.id"
    )

    @property
    def current_placement(self) -> "TransferPlacement | None":
        """The placement that holds now (sent, accepted), or the draft of the latest run."""
        live = [p for p in self.placements if p.status != PlacementStatus.WITHDRAWN]
        live = [p for p in live if p.status != PlacementStatus.DECLINED]
        return live[-1] if live else None


class ProposalRun(Model):
    """One run of the transfer model: its inputs and its output, kept as they were."""

    __tablename__ = "transfer_proposal_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_at: Mapped[datetime] = created_at_column()
    run_by: Mapped[str] = mapped_column(String(80))
    solver: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(30))
    seconds: Mapped[float]
    problem_json: Mapped[dict] = mapped_column(JSON)
    proposal_json: Mapped[dict] = mapped_column(JSON)


class TransferPlacement(Model):
    """A proposed move of a patient to a receiving unit, and the receiving unit's answer."""

    __tablename__ = "transfer_placements"
    __table_args__ = (
        CheckConstraint("km >= 0", name="km_not_negative"),
        CheckConstraint("hours >= 0", name="hours_not_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("transfer_patients.id"), index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("transfer_proposal_runs.id"), index=True)
    to_unit_id: Mapped[int] = mapped_column(ForeignKey("icu_units.id"), index=True)
    mode: Mapped[TransportKind] = mapped_column(_enum(TransportKind))
    km: Mapped[float]
    hours: Mapped[float]
    reason: Mapped[str] = mapped_column(String(500))
    reason_code: Mapped[str | None] = mapped_column(String(40))
    reason_args: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[PlacementStatus] = mapped_column(_enum(PlacementStatus), index=True)
    change_reason: Mapped[str | None] = mapped_column(String(500))  # the coordinator's edit
    created_at: Mapped[datetime] = created_at_column()
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decline_reason: Mapped[str | None] = mapped_column(String(1000))

    patient: Mapped[TransferPatient] = relationship(back_populates="placements")
    run: Mapped[ProposalRun] = relationship()
    to_unit: Mapped[IcuUnit] = relationship()
    bookings: Mapped[list["TransportBooking"]] = relationship(
        back_populates="placement", order_by="TransportBooking.id"
    )

    @property
    def active_booking(self) -> "TransportBooking | None":
        live = [b for b in self.bookings if b.status != BookingStatus.CANCELLED]
        return live[-1] if live else None


class TransportResource(Model):
    """An ambulance aircraft, a helicopter or an intensive-care ambulance, and its state today."""

    __tablename__ = "transport_resources"
    __table_args__ = (
        CheckConstraint("patients_per_trip >= 1", name="patients_per_trip_positive"),
        CheckConstraint("speed_kmh > 0", name="speed_positive"),
        CheckConstraint("range_km > 0", name="range_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[TransportKind] = mapped_column(_enum(TransportKind))
    operator: Mapped[str | None] = mapped_column(String(120))
    base: Mapped[str] = mapped_column(String(80))
    lat: Mapped[float]
    lon: Mapped[float]
    patients_per_trip: Mapped[int]
    speed_kmh: Mapped[float]
    range_km: Mapped[float]
    available_today: Mapped[bool] = mapped_column(default=True)
    grounded: Mapped[bool] = mapped_column(default=False)  # by weather

    @property
    def usable(self) -> bool:
        return self.available_today and not self.grounded


class TransportBooking(Model):
    """A transport resource booked for a placement, and the journey's statuses."""

    __tablename__ = "transport_bookings"
    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("transfer_placements.id"), index=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("transport_resources.id"), index=True)
    status: Mapped[BookingStatus] = mapped_column(_enum(BookingStatus), index=True)
    booked_at: Mapped[datetime] = created_at_column()
    booked_by: Mapped[str] = mapped_column(String(80))
    departed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    arrived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_reason: Mapped[str | None] = mapped_column(String(1000))

    placement: Mapped[TransferPlacement] = relationship(back_populates="bookings")
    resource: Mapped[TransportResource] = relationship()


class NordicRequest(Model):
    """A request to the Nordic countries: numbers per care level and age group, no identities."""

    __tablename__ = "nordic_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = created_at_column()
    created_by: Mapped[str] = mapped_column(String(80))
    needs: Mapped[dict] = mapped_column(JSON)  # {"invasive-adult": 3, ...}
    national_free_share: Mapped[float | None]
    note: Mapped[str | None] = mapped_column(String(1000))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    offers: Mapped[list["NordicOffer"]] = relationship(
        back_populates="nordic_request", order_by="NordicOffer.id"
    )
    sent: Mapped[list["NordicTransfer"]] = relationship(
        back_populates="nordic_request", order_by="NordicTransfer.id"
    )


class NordicOffer(Model):
    """What one country offers in answer to a Nordic request."""

    __tablename__ = "nordic_offers"
    id: Mapped[int] = mapped_column(primary_key=True)
    nordic_request_id: Mapped[int] = mapped_column(ForeignKey("nordic_requests.id"), index=True)
    country: Mapped[NordicCountry] = mapped_column(_enum(NordicCountry, 10))
    places: Mapped[dict] = mapped_column(JSON)  # {"invasive": 2, "ecmo": 0, "niv": 1}
    note: Mapped[str | None] = mapped_column(String(1000))
    recorded_at: Mapped[datetime] = created_at_column()
    recorded_by: Mapped[str] = mapped_column(String(80))

    nordic_request: Mapped[NordicRequest] = relationship(back_populates="offers")


class NordicTransfer(Model):
    """A patient sent to a Nordic country under a request."""

    __tablename__ = "nordic_transfers"
    id: Mapped[int] = mapped_column(primary_key=True)
    nordic_request_id: Mapped[int] = mapped_column(ForeignKey("nordic_requests.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("transfer_patients.id"), unique=True)
    country: Mapped[NordicCountry] = mapped_column(_enum(NordicCountry, 10))
    receiving_hospital: Mapped[str | None] = mapped_column(String(160))
    sent_at: Mapped[datetime] = created_at_column()
    sent_by: Mapped[str] = mapped_column(String(80))

    nordic_request: Mapped[NordicRequest] = relationship(back_populates="sent")
    patient: Mapped[TransferPatient] = relationship()

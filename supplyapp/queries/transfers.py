"""Reads for patient transfers: requests and patients, proposal runs and their placements, the
units' latest figures for the model, transport, Nordic requests, the picture's in-transit
figures and the measures. Data out: no words, no URLs."""

from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import Select, false, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from supplyapp import clock
from supplyapp.extensions import db
from supplyapp.models import Organisation, Role
from supplyapp.models.icu_picture import CARRY_DAYS
from supplyapp.models.intensive_care import IcuReport, IcuUnit
from supplyapp.models.transfers import (
    ACTIVE_STATUSES,
    BookingStatus,
    NordicRequest,
    PatientStatus,
    PlacementStatus,
    ProposalRun,
    TransferPatient,
    TransferPlacement,
    TransferRequest,
    TransportBooking,
    TransportResource,
)
from supplyapp.permissions import NATIONAL_ROLES

# The national ICU coordinator coordinates transfers; allocation officers may stand in.
COORDINATING_ROLES = (Role.ICU_COORDINATOR, Role.OFFICER)
SEEING_ALL = (*NATIONAL_ROLES, Role.ICU_COORDINATOR)


def _request_options():
    return (
        joinedload(TransferRequest.unit).joinedload(IcuUnit.region),
        joinedload(TransferRequest.region),
        selectinload(TransferRequest.patients)
        .selectinload(TransferPatient.placements)
        .options(
            joinedload(TransferPlacement.to_unit).joinedload(IcuUnit.region),
            selectinload(TransferPlacement.bookings).joinedload(TransportBooking.resource),
        ),
    )


def _visible(query: Select, user) -> Select:
    """Requests the user may see: all for national roles and coordinators; a region's users
    their region's; a unit's reporter those from its unit or with a placement to it."""
    if user.role in SEEING_ALL:
        return query
    if user.role == Role.REQUESTER and user.organisation_id is not None:
        return query.where(TransferRequest.region_id == user.organisation_id)
    if user.role == Role.ICU_REPORTER and user.icu_unit_id is not None:
        to_unit = (
            select(TransferPatient.request_id)
            .join(TransferPlacement)
            .where(TransferPlacement.to_unit_id == user.icu_unit_id)
        )
        return query.where(
            or_(TransferRequest.unit_id == user.icu_unit_id, TransferRequest.id.in_(to_unit))
        )
    return query.where(false())


def requests(user, open_only: bool = False, limit: int = 200) -> list[TransferRequest]:
    """The requests the user may see, newest first."""
    query = _visible(select(TransferRequest), user).options(*_request_options())
    if open_only:
        active = select(TransferPatient.request_id).where(
            TransferPatient.status.in_(ACTIVE_STATUSES)
        )
        query = query.where(TransferRequest.id.in_(active))
    query = query.order_by(TransferRequest.requested_at.desc(), TransferRequest.id.desc())
    return list(db.session.scalars(query.limit(limit)).unique())


def request_by_id(request_id: int) -> TransferRequest | None:
    query = select(TransferRequest).where(TransferRequest.id == request_id)
    return db.session.scalar(query.options(*_request_options()))


def patient_by_id(patient_id: int) -> TransferPatient | None:
    return db.session.get(TransferPatient, patient_id)


def patient_by_case(case_ref: str) -> TransferPatient | None:
    return db.session.scalar(select(TransferPatient).where(TransferPatient.case_ref == case_ref))


def placement_by_id(placement_id: int) -> TransferPlacement | None:
    return db.session.get(TransferPlacement, placement_id)


def booking_by_id(booking_id: int) -> TransportBooking | None:
    return db.session.get(TransportBooking, booking_id)


def open_patients() -> list[TransferPatient]:
    """Patients waiting for a placement (new, or open again after a decline), oldest first."""
    query = (
        select(TransferPatient)
        .where(TransferPatient.status == PatientStatus.REQUESTED)
        .options(joinedload(TransferPatient.request).joinedload(TransferRequest.unit))
        .order_by(TransferPatient.id)
    )
    return list(db.session.scalars(query))


def latest_run() -> ProposalRun | None:
    query = select(ProposalRun).order_by(ProposalRun.id.desc()).limit(1)
    return db.session.scalar(query)


def run_by_id(run_id: int) -> ProposalRun | None:
    return db.session.get(ProposalRun, run_id)


def placements_of_run(run_id: int, statuses=None) -> list[TransferPlacement]:
    query = (
        select(TransferPlacement)
        .where(TransferPlacement.run_id == run_id)
        .options(
            joinedload(TransferPlacement.to_unit).joinedload(IcuUnit.region),
            joinedload(TransferPlacement.patient)
            .joinedload(TransferPatient.request)
            .joinedload(TransferRequest.unit),
        )
        .order_by(TransferPlacement.id)
    )
    if statuses is not None:
        query = query.where(TransferPlacement.status.in_(statuses))
    return list(db.session.scalars(query))


def live_placements(statuses) -> list[TransferPlacement]:
    """Placements in these statuses, across runs (the coordinator's follow-up list)."""
    query = (
        select(TransferPlacement)
        .where(TransferPlacement.status.in_(statuses))
        .options(
            joinedload(TransferPlacement.to_unit).joinedload(IcuUnit.region),
            joinedload(TransferPlacement.patient)
            .joinedload(TransferPatient.request)
            .joinedload(TransferRequest.unit),
            selectinload(TransferPlacement.bookings).joinedload(TransportBooking.resource),
        )
        .order_by(TransferPlacement.id)
    )
    return [
        p
        for p in db.session.scalars(query).unique()
        if p.patient.status in ACTIVE_STATUSES or p.patient.status == PatientStatus.ARRIVED
    ]


def incoming_placements(unit_id: int) -> list[TransferPlacement]:
    """Placements sent to a unit: those waiting for its answer first, then the others."""
    query = (
        select(TransferPlacement)
        .where(
            TransferPlacement.to_unit_id == unit_id,
            TransferPlacement.status.in_(
                (PlacementStatus.SENT, PlacementStatus.ACCEPTED, PlacementStatus.DECLINED)
            ),
        )
        .options(
            joinedload(TransferPlacement.patient)
            .joinedload(TransferPatient.request)
            .joinedload(TransferRequest.unit),
            selectinload(TransferPlacement.bookings).joinedload(TransportBooking.resource),
        )
        .order_by(TransferPlacement.id.desc())
    )
    return list(db.session.scalars(query).unique())


def waiting_answer_counts(unit_ids: list[int]) -> dict[int, int]:
    """Per unit: placements sent to it and not yet answered (units without any left out)."""
    if not unit_ids:
        return {}
    query = (
        select(TransferPlacement.to_unit_id, func.count())
        .where(
            TransferPlacement.to_unit_id.in_(unit_ids),
            TransferPlacement.status == PlacementStatus.SENT,
        )
        .group_by(TransferPlacement.to_unit_id)
    )
    return {unit_id: n for unit_id, n in db.session.execute(query)}


def open_patient_count() -> int:
    query = select(func.count()).where(TransferPatient.status == PatientStatus.REQUESTED)
    return db.session.scalar(query) or 0


def accepted_without_transport_count() -> int:
    query = select(func.count()).where(TransferPatient.status == PatientStatus.ACCEPTED)
    return db.session.scalar(query) or 0


def declined_since_count(since: datetime) -> int:
    query = select(func.count()).where(
        TransferPlacement.status == PlacementStatus.DECLINED, TransferPlacement.decided_at >= since
    )
    return db.session.scalar(query) or 0


# ---------------------------------------------------------------------------------------------
# The model's inputs


def latest_reports(today: date | None = None) -> dict[int, IcuReport]:
    """Each active unit's latest current report that still counts (of today or the
    CARRY_DAYS days before), by unit id."""
    today = today or clock.today()
    query = (
        select(IcuReport)
        .join(IcuUnit, IcuUnit.id == IcuReport.unit_id)
        .where(
            IcuUnit.active.is_(True),
            IcuReport.is_current.is_(True),
            IcuReport.report_date >= today - timedelta(days=CARRY_DAYS),
        )
        .order_by(IcuReport.report_date, IcuReport.version)
    )
    return {report.unit_id: report for report in db.session.scalars(query)}


def units_with_place() -> list[IcuUnit]:
    """Active units with a known place, with their regions."""
    query = (
        select(IcuUnit)
        .where(IcuUnit.active.is_(True), IcuUnit.lat.is_not(None), IcuUnit.lon.is_not(None))
        .options(joinedload(IcuUnit.region))
        .order_by(IcuUnit.code)
    )
    return list(db.session.scalars(query))


def incoming_per_unit_level() -> dict[tuple[int, str], int]:
    """Patients on their way to a unit and not yet arrived (sent, accepted, transport booked,
    in transit): places the unit's last figures do not show as taken."""
    query = (
        select(TransferPlacement.to_unit_id, TransferPatient.level, func.count())
        .join(TransferPatient, TransferPatient.id == TransferPlacement.patient_id)
        .where(
            TransferPlacement.status.in_((PlacementStatus.SENT, PlacementStatus.ACCEPTED)),
            TransferPatient.status != PatientStatus.ARRIVED,
        )
        .group_by(TransferPlacement.to_unit_id, TransferPatient.level)
    )
    return {(unit_id, level.value): n for unit_id, level, n in db.session.execute(query)}


def resources() -> list[TransportResource]:
    query = select(TransportResource).order_by(TransportResource.kind, TransportResource.name)
    return list(db.session.scalars(query))


def resource_by_code(code: str) -> TransportResource | None:
    return db.session.scalar(select(TransportResource).where(TransportResource.code == code))


def active_bookings_of(resource_id: int) -> int:
    query = select(func.count()).where(
        TransportBooking.resource_id == resource_id,
        TransportBooking.status.in_((BookingStatus.ARRANGED, BookingStatus.IN_TRANSIT)),
    )
    return db.session.scalar(query) or 0


# ---------------------------------------------------------------------------------------------
# The picture: patients in transit and arrivals


def in_transit_by_region() -> dict[int, dict[str, int]]:
    """Per region: patients in transit out of it and into it."""
    query = (
        select(TransferRequest.region_id, IcuUnit.region_id, func.count())
        .select_from(TransferPlacement)
        .join(TransferPatient, TransferPatient.id == TransferPlacement.patient_id)
        .join(TransferRequest, TransferRequest.id == TransferPatient.request_id)
        .join(IcuUnit, IcuUnit.id == TransferPlacement.to_unit_id)
        .where(
            TransferPatient.status == PatientStatus.IN_TRANSIT,
            TransferPlacement.status == PlacementStatus.ACCEPTED,
        )
        .group_by(TransferRequest.region_id, IcuUnit.region_id)
    )
    result: dict[int, dict[str, int]] = {}
    for sender, receiver, n in db.session.execute(query):
        result.setdefault(sender, {"out": 0, "in": 0})["out"] += n
        result.setdefault(receiver, {"out": 0, "in": 0})["in"] += n
    return result


def start_of_today() -> datetime:
    """Midnight of today in the app's zone, as an aware time."""
    return datetime.combine(clock.today(), datetime.min.time(), tzinfo=clock.zone())


def arrivals_since(since: datetime | None = None) -> list[TransportBooking]:
    """Bookings arrived since a time (today's midnight), newest first, with their units."""
    since = since or start_of_today()
    query = (
        select(TransportBooking)
        .where(
            TransportBooking.status == BookingStatus.ARRIVED, TransportBooking.arrived_at >= since
        )
        .options(
            joinedload(TransportBooking.placement)
            .joinedload(TransferPlacement.to_unit)
            .joinedload(IcuUnit.region),
            joinedload(TransportBooking.placement)
            .joinedload(TransferPlacement.patient)
            .joinedload(TransferPatient.request)
            .joinedload(TransferRequest.unit),
            joinedload(TransportBooking.resource),
        )
        .order_by(TransportBooking.arrived_at.desc())
    )
    return list(db.session.scalars(query))


# ---------------------------------------------------------------------------------------------
# Nordic requests


def nordic_requests() -> list[NordicRequest]:
    query = (
        select(NordicRequest)
        .options(selectinload(NordicRequest.offers), selectinload(NordicRequest.sent))
        .order_by(NordicRequest.id.desc())
    )
    return list(db.session.scalars(query))


def nordic_request_by_id(nordic_id: int) -> NordicRequest | None:
    return db.session.get(NordicRequest, nordic_id)


# ---------------------------------------------------------------------------------------------
# Measures


def measures_frame() -> pd.DataFrame:
    """One row per patient: sending region, ISO week of the request, whether placed, declines,
    hours from request to the first placement sent and to arrival."""
    query = (
        select(TransferPatient)
        .options(
            joinedload(TransferPatient.request).joinedload(TransferRequest.region),
            selectinload(TransferPatient.placements).selectinload(TransferPlacement.bookings),
        )
        .order_by(TransferPatient.id)
    )
    rows = []
    for patient in db.session.scalars(query).unique():
        asked = clock.utc(patient.request.requested_at)
        sent = [clock.utc(p.sent_at) for p in patient.placements if p.sent_at]
        arrived = [
            clock.utc(b.arrived_at)
            for p in patient.placements
            for b in p.bookings
            if b.arrived_at is not None
        ]
        year, week, _ = clock.local_day(asked).isocalendar()
        rows.append(
            {
                "region": patient.request.region.name,
                "week": f"{year}-W{week:02d}",
                "placed": bool(sent),
                "declines": sum(p.status == PlacementStatus.DECLINED for p in patient.placements),
                "hours_to_placement": (min(sent) - asked).total_seconds() / 3600 if sent else None,
                "hours_to_arrival": (min(arrived) - asked).total_seconds() / 3600
                if arrived
                else None,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "region",
            "week",
            "placed",
            "declines",
            "hours_to_placement",
            "hours_to_arrival",
        ],
    )


def measures(frame: pd.DataFrame) -> list[dict]:
    """Per region and week: requests (patients asked for), placements, declines, median hours
    from request to placement and to arrival."""
    if frame.empty:
        return []
    grouped = frame.groupby(["region", "week"], sort=True)
    table = grouped.agg(
        patients=("placed", "size"),
        placed=("placed", "sum"),
        declines=("declines", "sum"),
        to_placement=("hours_to_placement", "median"),
        to_arrival=("hours_to_arrival", "median"),
    ).reset_index()
    table = table.sort_values(["week", "region"], ascending=[False, True])
    return [
        {
            key: (None if isinstance(value, float) and pd.isna(value) else value)
            for key, value in row.items()
        }
        for row in table.to_dict("records")
    ]


def region_names() -> dict[int, Organisation]:
    return {o.id: o for o in db.session.scalars(select(Organisation))}

"""Patient transfers: a region's or unit's request, the receiving unit's answer, and a patient
no longer to be moved. Who may act for which unit is the permissions' business; here are the
rules. The proposal is in transfers_proposal.py, transport in transfers_transport.py, the Nordic
request in transfers_nordic.py."""

import re
from dataclasses import dataclass

from allocation.transfers import looks_like_personal_number
from supplyapp import audit, clock
from supplyapp.extensions import db
from supplyapp.i18n import _
from supplyapp.models.transfers import (
    AgeGroup,
    BookingStatus,
    CareLevel,
    PatientStatus,
    PlacementStatus,
    TransferPatient,
    TransferPlacement,
    TransferRequest,
    Urgency,
)
from supplyapp.queries import transfers as queries
from supplyapp.services.errors import DomainError, InvalidInput, NotFound
from supplyapp.services.intensive_care import get_unit
from supplyapp.services.stock import begin_write, locked_existing
from supplyapp.services.transaction import use_case

MAX_PATIENTS = 50  # in one request
CASE_PATTERN = re.compile(r"^[^\W_][\w ./-]{0,39}$")  # letters (å, ä, ö too), digits
REASON_LENGTH = 1000


class WrongStatus(DomainError):
    """The record is not in a status that allows this (someone else acted first)."""


@dataclass(frozen=True)
class PatientInput:
    """One patient of a request as the form or the API gives it (texts as typed)."""

    case_ref: str
    level: str
    age_group: str
    covid: bool
    transport_stable: bool
    urgency: str


def _choice(kind, value: str, field: str, message: str, errors: dict):
    try:
        return kind(value)
    except ValueError:
        errors[field] = message
        return None


def check_case_ref(text: str | None, field: str, errors: dict) -> str:
    """A case reference, never a personal identity number; the error names the field."""
    case_ref = (text or "").strip()
    if not case_ref:
        errors[field] = _("Give the case reference.")
    elif looks_like_personal_number(case_ref):
        errors[field] = _(
            "This looks like a personal identity number. Give the unit's case reference "
            "instead: no personal data may be stored."
        )
    elif not CASE_PATTERN.match(case_ref):
        errors[field] = _(
            "At most 40 letters, digits, spaces and . _ / -, starting with a letter or digit."
        )
    return case_ref


def _patient(given: PatientInput, index: int, errors: dict) -> TransferPatient:
    field = f"patients[{index}]"
    case_ref = check_case_ref(given.case_ref, f"{field}.case_ref", errors)
    level = _choice(
        CareLevel, given.level, f"{field}.level", _("Invasive, ECMO or non-invasive."), errors
    )
    age = _choice(AgeGroup, given.age_group, f"{field}.age_group", _("Adult or child."), errors)
    urgency = _choice(
        Urgency, given.urgency, f"{field}.urgency", _("Immediate, today or planned."), errors
    )
    if case_ref and f"{field}.case_ref" not in errors and queries.patient_by_case(case_ref):
        errors[f"{field}.case_ref"] = _(
            "The case %(case)s has been asked for already.", case=case_ref
        )
    return TransferPatient(
        case_ref=case_ref,
        level=level,
        age_group=age,
        covid=bool(given.covid),
        transport_stable=bool(given.transport_stable),
        urgency=urgency,
        status=PatientStatus.REQUESTED,
    )


@use_case
def file_request(
    unit_code: str, patients: list[PatientInput], note: str | None = None, channel: str = "form"
) -> TransferRequest:
    """A request to move patients out of a unit; every bad field named
    (`patients[2].case_ref`), nothing stored unless all are right."""
    try:
        unit = get_unit(unit_code)
    except NotFound as error:
        raise InvalidInput({"unit": str(error)}) from None
    errors: dict[str, str] = {}
    if not unit.active:
        errors["unit"] = _("The unit %(unit)s is closed.", unit=unit.name)
    if not patients:
        errors["patients"] = _("Give at least one patient.")
    elif len(patients) > MAX_PATIENTS:
        errors["patients"] = _("At most %(n)s patients in one request.", n=MAX_PATIENTS)
    note = (note or "").strip() or None
    if note and len(note) > REASON_LENGTH:
        errors["note"] = _("At most %(n)s characters.", n=REASON_LENGTH)
    rows = [_patient(given, i, errors) for i, given in enumerate(patients[:MAX_PATIENTS])]
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        if row.case_ref in seen and f"patients[{i}].case_ref" not in errors:
            errors[f"patients[{i}].case_ref"] = _(
                "The same case reference as patient %(n)s.", n=seen[row.case_ref] + 1
            )
        seen.setdefault(row.case_ref, i)
    if errors:
        raise InvalidInput(errors)
    request = TransferRequest(
        region_id=unit.region_id,
        unit_id=unit.id,
        requested_by=audit.current_actor_name(),
        channel=channel,
        note=note,
        patients=rows,
    )
    db.session.add(request)
    return request


def get_request(request_id: int) -> TransferRequest:
    request = queries.request_by_id(request_id)
    if request is None:
        raise NotFound(_("No transfer request %(id)s.", id=request_id))
    return request


def get_placement(placement_id: int) -> TransferPlacement:
    placement = queries.placement_by_id(placement_id)
    if placement is None:
        raise NotFound(_("No placement %(id)s.", id=placement_id))
    return placement


def get_patient(patient_id: int) -> TransferPatient:
    patient = queries.patient_by_id(patient_id)
    if patient is None:
        raise NotFound(_("No patient %(id)s.", id=patient_id))
    return patient


def set_patient_status(patient: TransferPatient, status: PatientStatus, note=None) -> None:
    """Every status change goes through here, so its time is kept with it."""
    patient.status = status
    patient.status_at = clock.utcnow()
    patient.status_note = note


def _reason(text: str | None, field: str = "reason") -> str:
    reason = (text or "").strip()
    if not reason:
        raise InvalidInput({field: _("Give the reason.")})
    if len(reason) > REASON_LENGTH:
        raise InvalidInput({field: _("At most %(n)s characters.", n=REASON_LENGTH)})
    return reason


@use_case
def answer_placement(placement_id: int, accept: bool, reason: str | None = None):
    """The receiving unit accepts the patient, or declines with a reason: a decline opens the
    patient again for the next proposal."""
    begin_write()
    placement = locked_existing(TransferPlacement, get_placement(placement_id).id)
    if placement.status != PlacementStatus.SENT:
        raise WrongStatus(_("This placement has been answered already."))
    patient = placement.patient
    if accept:
        note = (reason or "").strip() or None
        audit.give_reason(note)
        placement.status = PlacementStatus.ACCEPTED
        set_patient_status(patient, PatientStatus.ACCEPTED)
    else:
        why = _reason(reason)
        audit.give_reason(why)
        placement.status = PlacementStatus.DECLINED
        placement.decline_reason = why
        set_patient_status(patient, PatientStatus.REQUESTED, why)
    placement.decided_at = clock.utcnow()
    placement.decided_by = audit.current_actor_name()
    return placement


STOPPABLE = (
    PatientStatus.REQUESTED,
    PatientStatus.PROPOSED,
    PatientStatus.ACCEPTED,
    PatientStatus.TRANSPORT_ARRANGED,
)


@use_case
def stop_patient(patient_id: int, status: str, reason: str | None) -> TransferPatient:
    """The sending side withdraws a patient (cancelled) or the patient is no longer to be
    moved; placements not yet used are withdrawn and bookings cancelled."""
    begin_write()
    patient = locked_existing(TransferPatient, get_patient(patient_id).id)
    chosen = {"cancelled": PatientStatus.CANCELLED, "not_moved": PatientStatus.NOT_MOVED}.get(
        status
    )
    if chosen is None:
        raise InvalidInput({"status": _("Cancelled or no longer to be moved.")})
    why = _reason(reason)
    if patient.status not in STOPPABLE:
        raise WrongStatus(_("A patient in transit or moved can no longer be stopped."))
    audit.give_reason(why)
    for placement in patient.placements:
        if placement.status in (PlacementStatus.DRAFT, PlacementStatus.SENT):
            placement.status = PlacementStatus.WITHDRAWN
        for booking in placement.bookings:
            if booking.status == BookingStatus.ARRANGED:
                booking.status = BookingStatus.CANCELLED
                booking.cancelled_reason = why
    set_patient_status(patient, chosen, why)
    return patient

"""Transport for accepted placements: the register of resources (ambulance aircraft,
helicopters, intensive-care ambulances), a booking per placement, and the journey's statuses
arranged -> in transit -> arrived (or cancelled)."""

from supplyapp import audit, clock
from supplyapp.extensions import db
from supplyapp.i18n import _
from supplyapp.i18n import lazy as _l
from supplyapp.models.transfers import (
    BookingStatus,
    PatientStatus,
    PlacementStatus,
    TransferPlacement,
    TransportBooking,
    TransportKind,
    TransportResource,
)
from supplyapp.queries import transfers as queries
from supplyapp.services.errors import InvalidInput, NotFound
from supplyapp.services.reference_fields import CAPITALS, LAT, LON, Field, clean_value
from supplyapp.services.stock import begin_write, locked, locked_existing
from supplyapp.services.transaction import use_case
from supplyapp.services.transfers import WrongStatus, _reason, set_patient_status

RESOURCE_FIELDS = (
    Field(
        "code",
        _l("Code"),
        required=True,
        max_length=40,
        pattern=r"^[A-Z0-9-]+$",
        hint=CAPITALS,
        upper=True,
    ),
    Field("name", _l("Name"), required=True, max_length=120),
    Field(
        "kind",
        _l("Kind"),
        "choice",
        required=True,
        choices=tuple((kind.value, kind.value) for kind in TransportKind),
    ),
    Field("operator", _l("Operator"), max_length=120),
    Field("base", _l("Base"), required=True, max_length=80),
    LAT,
    LON,
    Field(
        "patients_per_trip", _l("Patients per trip"), "int", required=True, minimum=1, maximum=20
    ),
    Field("speed_kmh", _l("Speed (km/h)"), "int", required=True, minimum=1, maximum=1000),
    Field("range_km", _l("Range (km)"), "int", required=True, minimum=1, maximum=10000),
)


def get_resource(code: str) -> TransportResource:
    resource = queries.resource_by_code(code)
    if resource is None:
        raise NotFound(_("No transport resource %(code)s.", code=code))
    return resource


@use_case
def save_resource(values: dict, code: str | None = None) -> TransportResource:
    """A new resource, or changes to one; every bad field named."""
    resource = get_resource(code) if code is not None else None
    cleaned: dict = {}
    errors: dict[str, str] = {}
    for spec in RESOURCE_FIELDS:
        if spec.name == "code" and resource is not None:
            continue
        cleaned[spec.name], error = clean_value(spec, values.get(spec.name))
        if error:
            errors[spec.name] = error
    for name in ("lat", "lon"):
        if name not in errors and cleaned.get(name) is None:
            errors[name] = _("Give the base's place.")
    if resource is None and "code" not in errors and queries.resource_by_code(cleaned["code"]):
        errors["code"] = _("A resource with this code exists.")
    if errors:
        raise InvalidInput(errors)
    if resource is None:
        resource = TransportResource(code=cleaned.pop("code"))
        db.session.add(resource)
    cleaned.pop("code", None)
    cleaned["kind"] = TransportKind(cleaned["kind"])
    for name, value in cleaned.items():
        setattr(resource, name, value)
    return resource


@use_case
def set_resource_state(code: str, available_today: bool, grounded: bool) -> TransportResource:
    """Whether the resource can fly or drive today (grounded: by weather)."""
    resource = get_resource(code)
    resource.available_today = available_today
    resource.grounded = grounded
    return resource


def get_booking(booking_id: int) -> TransportBooking:
    booking = queries.booking_by_id(booking_id)
    if booking is None:
        raise NotFound(_("No booking %(id)s.", id=booking_id))
    return booking


@use_case
def book_transport(placement_id: int, resource_code: str) -> TransportBooking:
    """Book a resource for an accepted placement. The same booking sent twice books once;
    another resource while one is booked is refused."""
    begin_write()
    placement = locked(TransferPlacement, placement_id)
    if placement is None:
        raise NotFound(_("No placement %(id)s.", id=placement_id))
    try:
        resource = get_resource(resource_code)
    except NotFound as error:
        raise InvalidInput({"resource": str(error)}) from None
    current = placement.active_booking
    if current is not None:
        if current.resource_id == resource.id:
            return current  # a double submit
        raise WrongStatus(_("A transport is booked already: %(name)s.", name=current.resource.name))
    if placement.status != PlacementStatus.ACCEPTED or (
        placement.patient.status != PatientStatus.ACCEPTED
    ):
        raise WrongStatus(_("Transport is booked for an accepted placement only."))
    errors = {}
    if not resource.usable:
        errors["resource"] = _("%(name)s is not available today.", name=resource.name)
    elif resource.range_km < placement.km:
        errors["resource"] = _(
            "%(name)s reaches %(range)s km; the move is %(km)s km.",
            name=resource.name,
            range=int(resource.range_km),
            km=round(placement.km),
        )
    elif queries.active_bookings_of(resource.id) >= resource.patients_per_trip:
        errors["resource"] = _(
            "%(name)s carries %(n)s patients at a time and is fully booked.",
            name=resource.name,
            n=resource.patients_per_trip,
        )
    if errors:
        raise InvalidInput(errors)
    booking = TransportBooking(
        placement_id=placement.id,
        resource_id=resource.id,
        status=BookingStatus.ARRANGED,
        booked_by=audit.current_actor_name(),
    )
    db.session.add(booking)
    if resource.kind != placement.mode:
        placement.mode = resource.kind
        placement.hours = round(placement.km / resource.speed_kmh, 2)
    set_patient_status(placement.patient, PatientStatus.TRANSPORT_ARRANGED)
    return booking


NEXT = {
    "depart": (BookingStatus.ARRANGED, BookingStatus.IN_TRANSIT, PatientStatus.IN_TRANSIT),
    "arrive": (BookingStatus.IN_TRANSIT, BookingStatus.ARRIVED, PatientStatus.ARRIVED),
}


@use_case
def advance_booking(booking_id: int, step: str) -> TransportBooking:
    """The patient has left (depart) or arrived (arrive); each step once."""
    if step not in NEXT:
        raise InvalidInput({"step": _("Departed or arrived.")})
    begin_write()
    booking = locked_existing(TransportBooking, get_booking(booking_id).id)
    before, after, patient_status = NEXT[step]
    if booking.status != before:
        raise WrongStatus(_("The transport is not in the step before this one."))
    booking.status = after
    now = clock.utcnow()
    if step == "depart":
        booking.departed_at = now
    else:
        booking.arrived_at = now
    set_patient_status(booking.placement.patient, patient_status)
    return booking


@use_case
def cancel_booking(booking_id: int, reason: str | None) -> TransportBooking:
    """Cancel a transport not yet under way, with a reason: the placement waits for another."""
    begin_write()
    booking = locked_existing(TransportBooking, get_booking(booking_id).id)
    why = _reason(reason)
    if booking.status != BookingStatus.ARRANGED:
        raise WrongStatus(_("Only a transport not yet under way can be cancelled."))
    audit.give_reason(why)
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_reason = why
    set_patient_status(booking.placement.patient, PatientStatus.ACCEPTED, why)
    return booking

"""Beyond the border: when patients stay unplaced while the national free share is under 20 %,
the coordinator prepares a request to the Nordic countries (care levels and numbers, no
identities), records each country's offer and tracks every patient sent."""

from supplyapp import audit, clock
from supplyapp.extensions import db
from supplyapp.i18n import _
from supplyapp.models.transfers import (
    CareLevel,
    NordicCountry,
    NordicOffer,
    NordicRequest,
    NordicTransfer,
    PatientStatus,
    PlacementStatus,
    TransferPatient,
)
from supplyapp.queries import transfers as queries
from supplyapp.services.errors import DomainError, InvalidInput, NotFound
from supplyapp.services.stock import begin_write, locked_existing
from supplyapp.services.transaction import use_case
from supplyapp.services.transfers import REASON_LENGTH, WrongStatus, set_patient_status

NORDIC_SIGNAL = 0.20  # the national free share under which the Nordic step opens


class NoNordicCase(DomainError):
    """The Nordic step is not open: no candidate, or the national free share is 20 % or more."""


def candidates() -> tuple[list[dict], float | None]:
    """The latest proposal's Nordic candidates that are still open, and the national free
    share the proposal saw."""
    run = queries.latest_run()
    if run is None:
        return [], None
    open_cases = {p.case_ref for p in queries.open_patients()}
    share = run.proposal_json.get("national_free_share_before")
    listed = [
        u
        for u in run.proposal_json.get("unplaced", [])
        if u.get("nordic_candidate") and u["case"] in open_cases
    ]
    return listed, share


def _note(text: str | None) -> str | None:
    note = (text or "").strip() or None
    if note and len(note) > REASON_LENGTH:
        raise InvalidInput({"note": _("At most %(n)s characters.", n=REASON_LENGTH)})
    return note


@use_case
def prepare_request(note: str | None = None) -> NordicRequest:
    """A Nordic request for the latest proposal's open candidates: numbers per care level and
    age group only."""
    listed, share = candidates()
    if not listed or share is None or share >= NORDIC_SIGNAL:
        raise NoNordicCase(
            _(
                "A Nordic request is prepared when patients stay unplaced while the national "
                "free share is under 20 %."
            )
        )
    needs: dict[str, int] = {}
    for candidate in listed:
        key = f"{candidate['level']}-{candidate['age_group']}"
        needs[key] = needs.get(key, 0) + 1
    request = NordicRequest(
        created_by=audit.current_actor_name(),
        needs=dict(sorted(needs.items())),
        national_free_share=share,
        note=_note(note),
    )
    db.session.add(request)
    return request


def get_request(nordic_id: int) -> NordicRequest:
    request = queries.nordic_request_by_id(nordic_id)
    if request is None:
        raise NotFound(_("No Nordic request %(id)s.", id=nordic_id))
    return request


def _country(code: str | None) -> NordicCountry:
    try:
        return NordicCountry(code or "")
    except ValueError:
        raise InvalidInput({"country": _("Denmark, Finland, Iceland or Norway.")}) from None


@use_case
def record_offer(nordic_id: int, country: str, places: dict, note: str | None = None):
    """What a country offers, places per care level (whole numbers 0-100)."""
    request = get_request(nordic_id)
    chosen = _country(country)
    cleaned, errors = {}, {}
    for level in CareLevel:
        value = places.get(level.value)
        if value is None or value == "":
            cleaned[level.value] = 0
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            errors[f"places.{level.value}"] = _("A whole number from 0 to 100.")
        else:
            cleaned[level.value] = value
    if errors:
        raise InvalidInput(errors)
    offer = NordicOffer(
        nordic_request_id=request.id,
        country=chosen,
        places=cleaned,
        note=_note(note),
        recorded_by=audit.current_actor_name(),
    )
    db.session.add(offer)
    return offer


@use_case
def send_patient(nordic_id: int, case_ref: str, country: str, hospital: str | None = None):
    """A patient sent abroad under the request: tracked, and no longer open here."""
    begin_write()
    request = get_request(nordic_id)
    chosen = _country(country)
    found = queries.patient_by_case((case_ref or "").strip())
    if found is None:
        raise InvalidInput({"case": _("No patient with this case reference is open.")})
    patient = locked_existing(TransferPatient, found.id)
    if patient.status != PatientStatus.REQUESTED:
        raise WrongStatus(_("The patient %(case)s is no longer open.", case=patient.case_ref))
    hospital = (hospital or "").strip() or None
    if hospital and len(hospital) > 160:
        raise InvalidInput({"hospital": _("At most %(n)s characters.", n=160)})
    for placement in patient.placements:
        if placement.status == PlacementStatus.DRAFT:
            placement.status = PlacementStatus.WITHDRAWN
    sent = NordicTransfer(
        nordic_request_id=request.id,
        patient_id=patient.id,
        country=chosen,
        receiving_hospital=hospital,
        sent_by=audit.current_actor_name(),
        sent_at=clock.utcnow(),
    )
    db.session.add(sent)
    set_patient_status(patient, PatientStatus.ABROAD)
    return sent

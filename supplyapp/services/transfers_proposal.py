"""The coordinator's proposal: the model run on the units' latest reports, its review (every
change with a reason, re-checked against rules 1 and 3) and the placements sent to the
receiving units."""

import math

from allocation.transfers import (
    Move,
    ProblemError,
    SolveError,
    TransferProblem,
    check_plan,
    propose,
    read_problem,
)
from supplyapp import audit, clock
from supplyapp.extensions import db
from supplyapp.i18n import _
from supplyapp.models.intensive_care import IcuReport, IcuUnit, UnitKind
from supplyapp.models.transfers import (
    PatientStatus,
    PlacementStatus,
    ProposalRun,
    TransferPatient,
    TransferPlacement,
    TransportKind,
)
from supplyapp.queries import transfers as queries
from supplyapp.services.errors import DomainError, InvalidInput, NotFound
from supplyapp.services.intensive_care import get_unit
from supplyapp.services.stock import begin_write, locked_existing
from supplyapp.services.transaction import use_case
from supplyapp.services.transfers import WrongStatus, _reason, set_patient_status

ROAD = {"mode": "road", "speed_kmh": 70.0, "range_km": 300.0}  # when no ambulance is listed
POLICY = {"cushion": 0.10, "max_km_road": 300, "allow_cross_border": False}


class NothingToPropose(DomainError):
    """No patient waits for a placement."""


class ChangeRefused(DomainError):
    """A coordinator's change breaks rule 1 or 3: `violations` say which rule and how (the
    model's words; rule 0 for a check of the app's own)."""

    def __init__(self, placement_id: int | None, case: str, violations: list[tuple[int, str]]):
        self.placement_id = placement_id
        self.case = case
        self.violations = violations
        super().__init__("; ".join(message for _rule, message in violations))


# ---------------------------------------------------------------------------------------------
# The problem, from the latest reports


def _n(value: int | None) -> int:
    return value or 0


def _unit_json(unit: IcuUnit, report: IcuReport, incoming: dict) -> dict:
    """A unit's free places per care level from its report, less the patients on their way."""
    staffed = _n(report.adult_staffed) + _n(report.child_staffed)
    occupied = _n(report.adult_occupied) + _n(report.child_occupied)
    coming = sum(n for (unit_id, _level), n in incoming.items() if unit_id == unit.id)
    free = max(staffed - occupied - coming, 0)
    ventilator_free = (
        _n(report.adult_staffed_ventilator)
        + _n(report.child_staffed_ventilator)
        - _n(report.adult_invasive)
        - _n(report.child_invasive)
        - incoming.get((unit.id, "invasive"), 0)
        - incoming.get((unit.id, "ecmo"), 0)
    )
    ecmo_free = 0
    if unit.has_ecmo:
        ecmo_free = _n(report.ecmo_places) - _n(report.ecmo_occupied)
        ecmo_free -= incoming.get((unit.id, "ecmo"), 0)
    takes = []
    if _n(report.adult_staffed) > 0 and unit.kind != UnitKind.PAEDIATRIC:
        takes.append("adult")
    if _n(report.child_staffed) > 0 or unit.kind == UnitKind.PAEDIATRIC:
        takes.append("child")
    return {
        "code": unit.code,
        "name": unit.name,
        "region": unit.region.code,
        "lat": unit.lat,
        "lon": unit.lon,
        "staffed": staffed,
        "occupied": min(occupied + coming, max(staffed, occupied + coming)),
        "takes": takes or ["adult"],
        "free": {
            "invasive": max(min(ventilator_free, free), 0),
            "ecmo": max(min(ecmo_free, free), 0),
            "niv": free,
        },
    }


def _modes() -> list[dict]:
    """Transport modes from the register's resources available today and not grounded."""
    usable = [r for r in queries.resources() if r.usable]
    modes = []
    road = [r for r in usable if r.kind == TransportKind.ROAD]
    if road:
        modes.append(
            {
                "mode": "road",
                "speed_kmh": min(r.speed_kmh for r in road),
                "range_km": max(r.range_km for r in road),
            }
        )
    else:
        modes.append(dict(ROAD))
    for kind in (TransportKind.HELICOPTER, TransportKind.AIRCRAFT):
        air = [r for r in usable if r.kind == kind]
        if air:
            modes.append(
                {
                    "mode": kind.value,
                    "speed_kmh": min(r.speed_kmh for r in air),
                    "range_km": min(r.range_km for r in air),
                    "patients_per_trip": min(r.patients_per_trip for r in air),
                    "trips": len(air),
                }
            )
    return modes


def _patient_json(patient: TransferPatient) -> dict:
    return {
        "case": patient.case_ref,
        "unit": patient.request.unit.code,
        "level": patient.level.value,
        "age_group": patient.age_group.value,
        "transport_stable": patient.transport_stable,
        "urgency": patient.urgency.value,
    }


def build_problem(patients: list[TransferPatient] | None = None) -> dict:
    """The model's problem from the latest reports, the open patients and today's transport.
    Units without a counted report are left out (their room is not known); a sending unit
    without one is given with no free places."""
    patients = queries.open_patients() if patients is None else patients
    reports = queries.latest_reports()
    incoming = queries.incoming_per_unit_level()
    units = []
    for unit in queries.units_with_place():
        report = reports.get(unit.id)
        if report is not None:
            units.append(_unit_json(unit, report, incoming))
    known = {u["code"] for u in units}
    for patient in patients:
        sender = patient.request.unit
        if sender.code not in known and sender.lat is not None and sender.lon is not None:
            known.add(sender.code)
            units.append(
                {
                    "code": sender.code,
                    "name": sender.name,
                    "region": sender.region.code,
                    "lat": sender.lat,
                    "lon": sender.lon,
                    "staffed": 0,
                    "occupied": 0,
                    "takes": ["adult"],
                    "free": {"invasive": 0, "ecmo": 0, "niv": 0},
                }
            )
    return {
        "units": units,
        "patients": [_patient_json(p) for p in patients if p.request.unit.code in known],
        "modes": _modes(),
        "policy": dict(POLICY),
    }


# ---------------------------------------------------------------------------------------------
# Running the model


@use_case
def run_proposal() -> ProposalRun:
    """Run the model on the open patients and the latest reports; its moves become draft
    placements (an earlier run's drafts are withdrawn)."""
    begin_write()
    patients = queries.open_patients()
    if not patients:
        raise NothingToPropose(_("No patient waits for a placement."))
    data = build_problem(patients)
    try:
        problem = read_problem(data)
        proposal = propose(problem)
    except ProblemError as error:
        raise InvalidInput({error.field: error.message}) from None
    except SolveError as error:
        raise DomainError(_("The solver failed: %(why)s", why=str(error))) from None
    run = ProposalRun(
        run_by=audit.current_actor_name(),
        solver=proposal.solver,
        status=proposal.status,
        seconds=proposal.seconds,
        problem_json=data,
        proposal_json=proposal.to_json(),
    )
    db.session.add(run)
    db.session.flush()
    _withdraw_drafts(except_run=run.id)
    by_case = {p.case_ref: p for p in patients}
    units = {u.code: u for u in queries.units_with_place()}
    for move in proposal.moves:
        db.session.add(
            TransferPlacement(
                patient_id=by_case[move.case].id,
                run_id=run.id,
                to_unit_id=units[move.to_unit].id,
                mode=TransportKind(move.mode),
                km=move.km,
                hours=move.hours,
                reason=move.reason[:500],
                reason_code=move.reason_code or None,
                reason_args=move.reason_args,
                status=PlacementStatus.DRAFT,
            )
        )
    return run


def _withdraw_drafts(except_run: int | None = None) -> None:
    for placement in queries.live_placements((PlacementStatus.DRAFT,)):
        if placement.run_id != except_run:
            placement.status = PlacementStatus.WITHDRAWN


def get_run(run_id: int) -> ProposalRun:
    run = queries.run_by_id(run_id)
    if run is None:
        raise NotFound(_("No proposal %(id)s.", id=run_id))
    return run


# ---------------------------------------------------------------------------------------------
# The coordinator's review


def distance_km(a: IcuUnit, b: IcuUnit) -> float:
    """The straight line between two units (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat or 0, a.lon or 0, b.lat or 0, b.lon or 0))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _move(placement: TransferPlacement) -> Move:
    return Move(
        case=placement.patient.case_ref,
        from_unit=placement.patient.request.unit.code,
        to_unit=placement.to_unit.code,
        mode=placement.mode.value,
        km=placement.km,
        hours=placement.hours,
    )


def _problem_of(run: ProposalRun) -> TransferProblem:
    return read_problem(run.problem_json)


@use_case
def change_placement(
    run_id: int, patient_id: int, to_unit_code: str, mode: str, reason: str | None
) -> TransferPlacement:
    """Place a patient of the run (anew, or elsewhere than the model did) with a reason; the
    run's drafts with the change must keep rules 1 and 3, or it is refused with the why."""
    begin_write()
    run = get_run(run_id)
    why = _reason(reason)
    patient = locked_existing(TransferPatient, patient_id)
    if patient.status != PatientStatus.REQUESTED:
        raise WrongStatus(_("The patient %(case)s is no longer open.", case=patient.case_ref))
    try:
        to_unit = get_unit(to_unit_code)
    except NotFound as error:
        raise InvalidInput({"to_unit": str(error)}) from None
    try:
        kind = TransportKind(mode)
    except ValueError:
        raise InvalidInput({"mode": _("Road, helicopter or aircraft.")}) from None
    problem = _problem_of(run)
    drafts = [
        p
        for p in queries.placements_of_run(run.id, (PlacementStatus.DRAFT,))
        if p.patient_id != patient.id
    ]
    km = distance_km(patient.request.unit, to_unit)
    speed = next((m.speed_kmh for m in problem.modes if m.mode == kind.value), None)
    if speed is None:
        raise ChangeRefused(
            None,
            patient.case_ref,
            [(0, _("No %(mode)s transport is available today.", mode=mode))],
        )
    new = Move(
        case=patient.case_ref,
        from_unit=patient.request.unit.code,
        to_unit=to_unit.code,
        mode=kind.value,
        km=km,
        hours=km / speed,
    )
    violations = check_plan(problem, [*map(_move, drafts), new])
    if violations:
        current = next((p for p in patient.placements if p.run_id == run.id), None)
        raise ChangeRefused(
            current.id if current else None,
            patient.case_ref,
            [(v.rule, v.message) for v in violations],
        )
    audit.give_reason(why)
    for old in patient.placements:
        if old.status == PlacementStatus.DRAFT:
            old.status = PlacementStatus.WITHDRAWN
    placement = TransferPlacement(
        patient_id=patient.id,
        run_id=run.id,
        to_unit_id=to_unit.id,
        mode=kind,
        km=round(new.km, 1),
        hours=round(new.hours, 2),
        reason=why[:500],
        reason_code="given",
        reason_args={},
        change_reason=why[:500],
        status=PlacementStatus.DRAFT,
    )
    db.session.add(placement)
    return placement


@use_case
def remove_placement(placement_id: int, reason: str | None) -> TransferPlacement:
    """Take a draft out of the proposal, with a reason: the patient stays open."""
    begin_write()
    placement = locked_existing(TransferPlacement, placement_id)
    if placement.status != PlacementStatus.DRAFT:
        raise WrongStatus(_("Only a placement not yet sent can be taken out."))
    why = _reason(reason)
    audit.give_reason(why)
    placement.status = PlacementStatus.WITHDRAWN
    placement.change_reason = why[:500]
    return placement


@use_case
def send_placements(run_id: int) -> list[TransferPlacement]:
    """Send each draft of the run to its receiving unit (which is notified). A second send
    finds nothing left to send."""
    begin_write()
    run = get_run(run_id)
    drafts = queries.placements_of_run(run.id, (PlacementStatus.DRAFT,))
    now = clock.utcnow()
    sent = []
    for draft in drafts:
        placement = locked_existing(TransferPlacement, draft.id)
        if placement.status != PlacementStatus.DRAFT:
            continue
        if placement.patient.status != PatientStatus.REQUESTED:
            placement.status = PlacementStatus.WITHDRAWN
            continue
        placement.status = PlacementStatus.SENT
        placement.sent_at = now
        placement.sent_by = audit.current_actor_name()
        set_patient_status(placement.patient, PatientStatus.PROPOSED)
        sent.append(placement)
    return sent


def unplaced_of(run: ProposalRun) -> list[dict]:
    """The run's unplaced patients that are still open, as the model gave them."""
    open_cases = {p.case_ref for p in queries.open_patients()}
    placed = {
        p.patient.case_ref
        for p in queries.placements_of_run(run.id, (PlacementStatus.DRAFT, PlacementStatus.SENT))
    }
    return [
        u
        for u in run.proposal_json.get("unplaced", [])
        if u["case"] in open_cases and u["case"] not in placed
    ]

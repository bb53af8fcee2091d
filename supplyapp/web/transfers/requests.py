"""The regions' and units' side of transfers: asking for help, following a request, the
receiving unit's answer, stopping a patient's move, and the measures.

A region's users ask for their region's units, a unit's reporter for its own unit; the
receiving unit's reporters (and the receiving region's users) answer a placement."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from supplyapp.i18n import _
from supplyapp.models import Role
from supplyapp.models.intensive_care import IcuUnit
from supplyapp.models.transfers import PlacementStatus, TransferRequest
from supplyapp.permissions import NATIONAL_ROLES, can_report_for_unit, roles_required
from supplyapp.queries import intensive_care as icu_queries
from supplyapp.queries import transfers as queries
from supplyapp.services import transfers
from supplyapp.services.errors import DomainError, InvalidInput, NotFound
from supplyapp.services.intensive_care import get_unit
from supplyapp.web.transfers import forms, labels
from supplyapp.web.transfers.blueprint import bp
from supplyapp.web.transfers.common import COORDINATORS, error_text

UNIT_USERS = (Role.ADMIN, Role.REQUESTER, Role.ICU_REPORTER)
READERS = (Role.ADMIN, Role.OFFICER, Role.VIEWER, Role.ICU_COORDINATOR, *UNIT_USERS[1:])
MEASURE_READERS = (Role.ADMIN, Role.OFFICER, Role.VIEWER, Role.ICU_COORDINATOR)


def can_see_request(user, request: TransferRequest) -> bool:
    """National roles and coordinators all; a region's users their region's; a unit's reporter
    those from its unit and those with a placement to it."""
    if user.role in (*NATIONAL_ROLES, Role.ICU_COORDINATOR):
        return True
    if can_report_for_unit(user, request.unit):
        return True
    return any(
        can_report_for_unit(user, placement.to_unit)
        for patient in request.patients
        for placement in patient.placements
        if placement.status != PlacementStatus.DRAFT
    )


def _unit(code: str) -> IcuUnit:
    try:
        unit = get_unit(code)
    except NotFound:
        abort(404)
    if not can_report_for_unit(current_user, unit):
        abort(403)
    return unit


@bp.get("/")
@roles_required(*READERS)
def index():
    """Requests the user may see; a unit's users find their units' pages here."""
    units = [u for u in icu_queries.units() if can_report_for_unit(current_user, u)]
    if current_user.role == Role.ADMIN:
        units = []
    return render_template(
        "transfers/index.html",
        requests=queries.requests(current_user),
        units=units,
        may_coordinate=current_user.role in COORDINATORS,
        labels=labels,
    )


@bp.route("/units/<code>/new", methods=["GET", "POST"])
@roles_required(*UNIT_USERS)
def request_new(code):
    unit = _unit(code)
    form = forms.RequestForm()
    if form.validate_on_submit():
        rows = [
            (i, row)
            for i, row in enumerate(form.patients.entries)
            if (row.form.case_ref.data or "").strip()
        ]
        given = [
            transfers.PatientInput(
                case_ref=row.form.case_ref.data,
                level=row.form.level.data,
                age_group=row.form.age_group.data,
                covid=row.form.covid.data == "yes",
                transport_stable=row.form.transport_stable.data == "yes",
                urgency=row.form.urgency.data,
            )
            for _i, row in rows
        ]
        try:
            request = transfers.file_request(unit.code, given, form.note.data)
        except InvalidInput as error:
            _row_errors(form, rows, error)
        else:
            flash(
                _(
                    "%(n)s patients asked for: the national coordination is told.",
                    n=len(request.patients),
                ),
                "success",
            )
            return redirect(url_for("transfers.request_detail", request_id=request.id))
    return render_template("transfers/request_form.html", form=form, unit=unit)


def _row_errors(form, rows, error: InvalidInput) -> None:
    """The service names patients by their place among the filled rows: put each error beside
    its row's field."""
    for name, message in error.errors.items():
        if name.startswith("patients[") and "]." in name:
            position, field = name[len("patients[") :].split("].", 1)
            row = rows[int(position)][1].form if int(position) < len(rows) else None
            if row is not None and field in row._fields:
                row._fields[field].errors = [*row._fields[field].errors, message]
                continue
        if name in form._fields:
            form._fields[name].errors = [*form._fields[name].errors, message]
        else:
            flash(message, "error")


@bp.get("/requests/<int:request_id>")
@roles_required(*READERS)
def request_detail(request_id):
    try:
        request = transfers.get_request(request_id)
    except NotFound:
        abort(404)
    if not can_see_request(current_user, request):
        abort(403)
    return render_template(
        "transfers/request_detail.html",
        request=request,
        may_stop=can_report_for_unit(current_user, request.unit),
        stop_form=forms.StopForm(),
        labels=labels,
    )


@bp.post("/patients/<int:patient_id>/stop")
@roles_required(*UNIT_USERS)
def patient_stop(patient_id):
    try:
        patient = transfers.get_patient(patient_id)
    except NotFound:
        abort(404)
    if not can_report_for_unit(current_user, patient.request.unit):
        abort(403)
    form = forms.StopForm()
    try:
        transfers.stop_patient(patient.id, form.status.data, form.reason.data)
    except DomainError as error:
        flash(error_text(error), "error")
    else:
        flash(_("The transfer of %(case)s is stopped.", case=patient.case_ref), "success")
    return redirect(url_for("transfers.request_detail", request_id=patient.request_id))


@bp.get("/units/<code>/incoming")
@roles_required(*UNIT_USERS)
def incoming(code):
    """Patients proposed to the unit: accept or decline (with a reason)."""
    unit = _unit(code)
    return render_template(
        "transfers/incoming.html",
        unit=unit,
        placements=queries.incoming_placements(unit.id),
        form=forms.AnswerForm(),
        labels=labels,
    )


@bp.post("/placements/<int:placement_id>/answer")
@roles_required(*UNIT_USERS)
def placement_answer(placement_id):
    try:
        placement = transfers.get_placement(placement_id)
    except NotFound:
        abort(404)
    if not can_report_for_unit(current_user, placement.to_unit):
        abort(403)
    form = forms.AnswerForm()
    accept = form.answer.data == "accept"
    if form.answer.data not in ("accept", "decline"):
        flash(_("Accept or decline."), "error")
    else:
        try:
            transfers.answer_placement(placement.id, accept, form.reason.data)
        except DomainError as error:
            flash(error_text(error), "error")
        else:
            case = placement.patient.case_ref
            flash(
                _("%(case)s accepted.", case=case)
                if accept
                else _("%(case)s declined: the coordinator will find another place.", case=case),
                "success",
            )
    return redirect(url_for("transfers.incoming", code=placement.to_unit.code))


@bp.get("/measures")
@roles_required(*MEASURE_READERS)
def measures():
    return render_template(
        "transfers/measures.html", rows=queries.measures(queries.measures_frame())
    )

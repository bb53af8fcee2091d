"""The national coordinator's pages: open requests beside the intensive-care picture, the
model's proposal (review, change with a reason, send), transport, and the Nordic request.

The national ICU coordinator does this work; allocation officers may stand in for them."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from supplyapp.i18n import _
from supplyapp.models.transfers import PatientStatus, PlacementStatus
from supplyapp.permissions import roles_required
from supplyapp.queries import intensive_care as icu_queries
from supplyapp.queries import transfers as queries
from supplyapp.services import transfers_nordic as nordic
from supplyapp.services import transfers_proposal as proposal
from supplyapp.services import transfers_transport as transport
from supplyapp.services.errors import DomainError, InvalidInput, NotFound
from supplyapp.web.forms import form_values
from supplyapp.web.transfers import forms, labels
from supplyapp.web.transfers.blueprint import bp
from supplyapp.web.transfers.common import COORDINATORS, error_text
from supplyapp.web.views import show_errors

FOLLOWED = (PlacementStatus.SENT, PlacementStatus.ACCEPTED)


@bp.get("/coordination")
@roles_required(*COORDINATORS)
def coordination():
    """Open requests beside the picture; run the model; follow what was sent."""
    picture = icu_queries.picture()
    return render_template(
        "transfers/coordination.html",
        picture=picture,
        in_transit=queries.in_transit_by_region(),
        requests=queries.requests(current_user, open_only=True),
        waiting=queries.open_patients(),
        run=queries.latest_run(),
        followed=queries.live_placements(FOLLOWED),
        labels=labels,
    )


@bp.post("/proposals")
@roles_required(*COORDINATORS)
def proposal_run():
    try:
        run = proposal.run_proposal()
    except DomainError as error:
        flash(error_text(error), "error")
        return redirect(url_for("transfers.coordination"))
    return redirect(url_for("transfers.proposal_detail", run_id=run.id))


def _run(run_id: int):
    try:
        return proposal.get_run(run_id)
    except NotFound:
        abort(404)


def _review(run, refusals=None, status=200):
    drafts = queries.placements_of_run(run.id, (PlacementStatus.DRAFT,))
    sent = queries.placements_of_run(
        run.id, (PlacementStatus.SENT, PlacementStatus.ACCEPTED, PlacementStatus.DECLINED)
    )
    units = [u for u in queries.units_with_place()]
    choices = [SelectChoice(u.code, f"{u.name} ({u.region.name})") for u in units]
    place_forms = {}
    for line in drafts:
        form = forms.PlaceForm(prefix=f"line-{line.id}")
        form.to_unit.choices = choices
        form.to_unit.data = form.to_unit.data or line.to_unit.code
        form.mode.data = form.mode.data or line.mode.value
        place_forms[line.patient_id] = form
    unplaced = proposal.unplaced_of(run)
    open_by_case = {p.case_ref: p for p in queries.open_patients()}
    for item in unplaced:
        patient = open_by_case[item["case"]]
        form = forms.PlaceForm(prefix=f"patient-{patient.id}")
        form.to_unit.choices = choices
        place_forms[patient.id] = form
        item["patient"] = patient
    return (
        render_template(
            "transfers/proposal.html",
            run=run,
            drafts=drafts,
            sent=sent,
            unplaced=unplaced,
            place_forms=place_forms,
            remove_form=forms.ReasonForm(),
            refusals=refusals or {},
            region_names={r.code: r.name for r in icu_queries.regions()},
            labels=labels,
            nordic_open=bool(nordic.candidates()[0])
            and (run.proposal_json.get("national_free_share_before") or 1) < nordic.NORDIC_SIGNAL,
        ),
        status,
    )


@bp.get("/proposals/<int:run_id>")
@roles_required(*COORDINATORS)
def proposal_detail(run_id):
    return _review(_run(run_id))


@bp.post("/proposals/<int:run_id>/patients/<int:patient_id>")
@roles_required(*COORDINATORS)
def proposal_change(run_id, patient_id):
    """Place a patient elsewhere (or at all), with a reason; a refused change is shown beside
    its line."""
    run = _run(run_id)
    patient = queries.patient_by_id(patient_id)
    if patient is None:
        abort(404)
    current = next(
        (p for p in patient.placements if p.run_id == run.id and p.status == PlacementStatus.DRAFT),
        None,
    )
    prefix = f"line-{current.id}" if current else f"patient-{patient.id}"
    form = forms.PlaceForm(prefix=prefix)
    form.to_unit.choices = [SelectChoice(u.code, u.name) for u in queries.units_with_place()]
    try:
        proposal.change_placement(
            run.id, patient.id, form.to_unit.data or "", form.mode.data or "", form.reason.data
        )
    except proposal.ChangeRefused as error:
        return _review(run, {patient.id: [labels.violation(*v) for v in error.violations]}, 422)
    except DomainError as error:
        return _review(run, {patient.id: [error_text(error)]}, 422)
    flash(_("The placement of %(case)s is changed.", case=patient.case_ref), "success")
    return redirect(url_for("transfers.proposal_detail", run_id=run.id))


@bp.post("/placements/<int:placement_id>/remove")
@roles_required(*COORDINATORS)
def placement_remove(placement_id):
    placement = queries.placement_by_id(placement_id)
    if placement is None:
        abort(404)
    form = forms.ReasonForm()
    try:
        proposal.remove_placement(placement.id, form.reason.data)
    except DomainError as error:
        return _review(placement.run, {placement.patient_id: [error_text(error)]}, 422)
    return redirect(url_for("transfers.proposal_detail", run_id=placement.run_id))


@bp.post("/proposals/<int:run_id>/send")
@roles_required(*COORDINATORS)
def proposal_send(run_id):
    run = _run(run_id)
    sent = proposal.send_placements(run.id)
    if sent:
        flash(
            _("%(n)s placements sent to the receiving units.", n=len(sent)),
            "success",
        )
    else:
        flash(_("Nothing left to send: every placement was sent already."), "success")
    return redirect(url_for("transfers.proposal_detail", run_id=run.id))


# ---------------------------------------------------------------------------------------------
# Transport


@bp.get("/transport")
@roles_required(*COORDINATORS)
def transport_list():
    resources = queries.resources()
    followed = queries.live_placements((PlacementStatus.ACCEPTED,))
    book_form = forms.BookForm()
    book_form.resource.choices = [
        SelectChoice(r.code, f"{r.name} ({labels.kind(r.kind)}, {r.base})")
        for r in resources
        if r.usable
    ]
    return render_template(
        "transfers/transport.html",
        resources=resources,
        needing=[p for p in followed if p.patient.status == PatientStatus.ACCEPTED],
        under_way=[p for p in followed if p.active_booking is not None],
        book_form=book_form,
        state_form=forms.ResourceStateForm(),
        reason_form=forms.ReasonForm(),
        labels=labels,
    )


@bp.post("/placements/<int:placement_id>/book")
@roles_required(*COORDINATORS)
def placement_book(placement_id):
    form = forms.BookForm()
    try:
        booking = transport.book_transport(placement_id, form.resource.data or "")
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(error_text(error), "error")
    else:
        flash(
            _(
                "%(resource)s booked for %(case)s.",
                resource=booking.resource.name,
                case=booking.placement.patient.case_ref,
            ),
            "success",
        )
    return redirect(url_for("transfers.transport_list"))


@bp.post("/bookings/<int:booking_id>/<any(depart, arrive):step>")
@roles_required(*COORDINATORS)
def booking_step(booking_id, step):
    try:
        booking = transport.advance_booking(booking_id, step)
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(error_text(error), "error")
    else:
        flash(
            _(
                "%(case)s: %(status)s.",
                case=booking.placement.patient.case_ref,
                status=labels.booking(booking.status),
            ),
            "success",
        )
    return redirect(url_for("transfers.transport_list"))


@bp.post("/bookings/<int:booking_id>/cancel")
@roles_required(*COORDINATORS)
def booking_cancel(booking_id):
    form = forms.ReasonForm()
    try:
        transport.cancel_booking(booking_id, form.reason.data)
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(error_text(error), "error")
    return redirect(url_for("transfers.transport_list"))


@bp.post("/transport/<code>/state")
@roles_required(*COORDINATORS)
def resource_state(code):
    form = forms.ResourceStateForm()
    try:
        transport.set_resource_state(code, form.available_today.data, form.grounded.data)
    except NotFound:
        abort(404)
    return redirect(url_for("transfers.transport_list"))


@bp.route("/transport/new", methods=["GET", "POST"])
@roles_required(*COORDINATORS)
def resource_new():
    form = forms.ResourceForm()
    if form.validate_on_submit():
        try:
            resource = transport.save_resource(form_values(form))
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("%(name)s added.", name=resource.name), "success")
            return redirect(url_for("transfers.transport_list"))
    return render_template("transfers/resource_form.html", form=form)


# ---------------------------------------------------------------------------------------------
# Beyond the border


@bp.get("/nordic")
@roles_required(*COORDINATORS)
def nordic_list():
    listed, share = nordic.candidates()
    send_form = forms.SendAbroadForm()
    send_form.case.choices = [SelectChoice(p.case_ref, p.case_ref) for p in queries.open_patients()]
    return render_template(
        "transfers/nordic.html",
        candidates=listed,
        share=share,
        signal=nordic.NORDIC_SIGNAL,
        requests=queries.nordic_requests(),
        form=forms.NordicForm(),
        offer_form=forms.OfferForm(),
        send_form=send_form,
        labels=labels,
    )


@bp.post("/nordic")
@roles_required(*COORDINATORS)
def nordic_prepare():
    form = forms.NordicForm()
    try:
        nordic.prepare_request(form.note.data)
    except DomainError as error:
        flash(error_text(error), "error")
    else:
        flash(_("The Nordic request is prepared."), "success")
    return redirect(url_for("transfers.nordic_list"))


@bp.post("/nordic/<int:nordic_id>/offers")
@roles_required(*COORDINATORS)
def nordic_offer(nordic_id):
    form = forms.OfferForm()
    places = {name: form[name].data for name in ("invasive", "ecmo", "niv")}
    try:
        nordic.record_offer(nordic_id, form.country.data or "", places, form.note.data)
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(error_text(error), "error")
    else:
        flash(_("The offer is recorded."), "success")
    return redirect(url_for("transfers.nordic_list"))


@bp.post("/nordic/<int:nordic_id>/sent")
@roles_required(*COORDINATORS)
def nordic_sent(nordic_id):
    form = forms.SendAbroadForm()
    try:
        nordic.send_patient(
            nordic_id, form.case.data or "", form.country.data or "", form.hospital.data
        )
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(error_text(error), "error")
    else:
        flash(_("The patient sent abroad is recorded."), "success")
    return redirect(url_for("transfers.nordic_list"))

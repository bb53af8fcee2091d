"""Shipments of approved plans: pick, dispatch, send, confirm receipt."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from supplyapp import clock, exports
from supplyapp.formatting import number
from supplyapp.i18n import _
from supplyapp.models import OrganisationKind, Role
from supplyapp.models.planning import LineKind, Shipment, ShipmentStatus
from supplyapp.permissions import ALL_ROLES, can_see_organisation, roles_required
from supplyapp.queries import shipments as shipments_queries
from supplyapp.services import shipments as service
from supplyapp.services.errors import InvalidInput, NotFound
from supplyapp.web.notifications import plan_url
from supplyapp.web.shipments import labels
from supplyapp.web.shipments.forms import ReceiveForm, SentForm, StepForm
from supplyapp.web.views import show_errors

bp = Blueprint("shipments", __name__, url_prefix="/shipments")

WAREHOUSE_STAFF = (Role.ADMIN, Role.LOGISTICS)
SENDERS = (Role.ADMIN, Role.REQUESTER)
RECEIVERS = (Role.ADMIN, Role.REQUESTER, Role.COUNTY)


@bp.context_processor
def shipment_helpers():
    return {
        "plan_url": plan_url,
        "status_label": labels.status_label,
        "shipment_kind_label": labels.kind_label,
    }


# ---------------------------------------------------------------------------------------------
# Who may take which step (whether the step fits the shipment's kind and status is the
# service's rule: a wrong step is an error message, not a 403)


def may_pick(user) -> bool:
    return user.role in WAREHOUSE_STAFF


def may_send(user, shipment: Shipment) -> bool:
    return user.role == Role.ADMIN or (
        user.role == Role.REQUESTER
        and shipment.donor_id is not None
        and user.organisation_id == shipment.donor_id
    )


def may_receive(user, shipment: Shipment) -> bool:
    recipient = shipment.recipient
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.REQUESTER:
        return user.organisation_id == recipient.id
    if user.role == Role.COUNTY and user.organisation is not None:
        return (
            recipient.kind == OrganisationKind.COUNTY_BOARD
            and recipient.county_code == user.organisation.county_code
        )
    return False


def _visible(shipment_id: int) -> Shipment:
    try:
        shipment = service.get_shipment(shipment_id)
    except NotFound:
        abort(404)
    parties = [o for o in (shipment.recipient, shipment.donor) if o is not None]
    if not any(can_see_organisation(current_user, o) for o in parties):
        abort(403)
    return shipment


# ---------------------------------------------------------------------------------------------
# Pages


@bp.get("/")
@roles_required(*ALL_ROLES)
def shipment_list():
    view = request.args.get("view")
    if view not in ("todo", "all"):
        view = "todo" if current_user.role == Role.LOGISTICS and not request.args else "all"
    if view == "todo" and current_user.role not in WAREHOUSE_STAFF:
        view = "all"
    filters = shipments_queries.Filters.from_args(request.args)
    fmt = request.args.get("format")
    if fmt:
        rows = shipments_queries.shipments(current_user, filters)
        return exports.download(
            shipments_queries.shipments_frame(rows, str(get_locale())), "shipments", fmt
        )
    context = {
        "view": view,
        "filters": filters,
        "limit": shipments_queries.PAGE_LIMIT,
        "statuses": list(ShipmentStatus),
        "kinds": list(LineKind),
        "items": shipments_queries.items_in_shipments(),
        "warehouses": shipments_queries.warehouses(),
        "may_pick": may_pick(current_user),
        "step_form": StepForm(),
    }
    if view == "todo":
        context["to_do"] = shipments_queries.to_do(current_user)
    else:
        context["rows"] = shipments_queries.shipments(
            current_user, filters, limit=shipments_queries.PAGE_LIMIT
        )
    return render_template("shipments/shipment_list.html", **context)


def _detail(shipment: Shipment, sent_form=None, receive_form=None, status=200):
    user = current_user
    if sent_form is None:
        sent_form = SentForm(formdata=None, data={"sent_quantity": shipment.quantity})
    if receive_form is None:
        receive_form = ReceiveForm(
            formdata=None, data={"received_quantity": shipment.sent_quantity, "damaged_quantity": 0}
        )
    lots = sorted(
        shipment.lots,
        key=lambda part: (part.lot.expiry_date is None, part.lot.expiry_date, part.lot_id),
    )
    S, national = ShipmentStatus, shipment.kind == LineKind.DISTRIBUTION
    # A picked lot that has expired since must be picked again (replaced) before dispatch.
    expired = service.expired_parts(shipment, clock.today())
    picking = shipment.status == S.PLANNED or (shipment.status == S.PICKED and bool(expired))
    return render_template(
        "shipments/shipment_detail.html",
        shipment=shipment,
        lots=lots,
        history=_history(shipment),
        step_form=StepForm(),
        sent_form=sent_form,
        receive_form=receive_form,
        show_pick=national and may_pick(user) and picking,
        expired=expired,
        show_dispatch=national and may_pick(user) and shipment.status == S.PICKED and not expired,
        show_sent=not national and may_send(user, shipment) and shipment.status == S.PLANNED,
        show_receive=may_receive(user, shipment) and shipment.status == S.IN_TRANSIT,
    ), status


def _history(shipment: Shipment) -> list[tuple]:
    """(when, what, by, detail) for each step taken, oldest first."""
    plan = shipment.plan
    steps = [(plan.decided_at, _("Approved in %(plan)s", plan=plan.code), plan.decided_by, "")]
    if shipment.picked_at:
        steps.append((shipment.picked_at, _("Picked"), shipment.picked_by, ""))
    if shipment.sent_at:
        what = _("Dispatched") if shipment.kind == LineKind.DISTRIBUTION else _("Sent")
        steps.append(
            (
                shipment.sent_at,
                what,
                shipment.sent_by,
                _("%(n)s sent", n=number(shipment.sent_quantity)),
            )
        )
    if shipment.received_at:
        steps.append(
            (
                shipment.received_at,
                _("Received"),
                shipment.received_by,
                _(
                    "%(good)s in good order, %(damaged)s damaged",
                    good=number(shipment.received_quantity),
                    damaged=number(shipment.damaged_quantity),
                ),
            )
        )
    return steps


@bp.get("/<int:shipment_id>")
@roles_required(*ALL_ROLES)
def shipment_detail(shipment_id):
    return _detail(_visible(shipment_id))


# ---------------------------------------------------------------------------------------------
# Steps: each books once; a second submit is told it is done already


def _step(shipment: Shipment, book, done_message: str, back: str | None = None):
    try:
        book()
    except service.AlreadyDone:
        flash(
            _(
                "Shipment %(code)s is %(status)s already: nothing was booked again.",
                code=shipment.code,
                status=labels.status_label(shipment.status).lower(),
            ),
            "info",
        )
    except service.WrongStep as error:
        flash(str(error), "error")
    else:
        flash(done_message, "success")
    if back == "list":
        return redirect(url_for(".shipment_list"))
    return redirect(url_for(".shipment_detail", shipment_id=shipment.id))


def _simple_step(shipment_id: int, book, done_message: str):
    shipment = _visible(shipment_id)  # the route's role guard already admits only the warehouse
    form = StepForm()
    if not form.validate_on_submit():
        flash(_("The form has expired: submit it again."), "error")
        return redirect(url_for(".shipment_detail", shipment_id=shipment_id))
    return _step(shipment, lambda: book(shipment_id), done_message, form.back.data)


@bp.post("/<int:shipment_id>/pick")
@roles_required(*WAREHOUSE_STAFF)
def shipment_pick(shipment_id):
    return _simple_step(shipment_id, service.pick, _("Shipment picked."))


@bp.post("/<int:shipment_id>/dispatch")
@roles_required(*WAREHOUSE_STAFF)
def shipment_dispatch(shipment_id):
    return _simple_step(
        shipment_id,
        service.dispatch,
        _("Shipment dispatched: its lots are out of the national stock."),
    )


@bp.post("/<int:shipment_id>/sent")
@roles_required(*SENDERS)
def shipment_sent(shipment_id):
    shipment = _visible(shipment_id)
    if not may_send(current_user, shipment):
        abort(403)
    form = SentForm()
    if form.validate_on_submit():
        try:
            return _step(
                shipment,
                lambda: service.confirm_sent(shipment_id, form.sent_quantity.data, form.note.data),
                _("Sending confirmed: your reported stock went down by what you sent."),
            )
        except InvalidInput as error:
            show_errors(form, error)
    return _detail(shipment, sent_form=form, status=422)


@bp.post("/<int:shipment_id>/receive")
@roles_required(*RECEIVERS)
def shipment_receive(shipment_id):
    shipment = _visible(shipment_id)
    if not may_receive(current_user, shipment):
        abort(403)
    form = ReceiveForm()
    if form.validate_on_submit():
        try:
            return _step(
                shipment,
                lambda: service.confirm_receipt(
                    shipment_id,
                    form.received_quantity.data,
                    form.damaged_quantity.data,
                    form.note.data,
                ),
                _("Receipt confirmed. Thank you."),
            )
        except InvalidInput as error:
            show_errors(form, error)
    return _detail(shipment, receive_form=form, status=422)

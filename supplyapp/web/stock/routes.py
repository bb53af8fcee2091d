"""The national stock: pages to read it, and the warehouse's forms that change it."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from supplyapp import clock, exports
from supplyapp.i18n import _
from supplyapp.imports import ImportRejected
from supplyapp.models import Role
from supplyapp.models.stock import Lot
from supplyapp.permissions import roles_required
from supplyapp.queries import reference as reference_queries
from supplyapp.queries import stock as stock_queries
from supplyapp.services import stock, stock_import
from supplyapp.services.errors import InvalidInput, NotFound
from supplyapp.web.forms import UploadForm
from supplyapp.web.stock.forms import CountForm, InspectionForm, ReceiveForm, WriteOffForm
from supplyapp.web.views import show_errors

bp = Blueprint("stock", __name__, url_prefix="/stock")

READERS = (Role.ADMIN, Role.OFFICER, Role.LOGISTICS, Role.VIEWER)
WAREHOUSE_STAFF = (Role.ADMIN, Role.LOGISTICS)


def _page(frame, basename, template, **context):
    """The page, or the same list as a CSV/Excel download (?format=csv|xlsx)."""
    fmt = request.args.get("format")
    if fmt:
        return exports.download(frame, basename, fmt)
    return render_template(template, frame=frame, **context)


def _warehouses():
    return reference_queries.active_warehouses()


@bp.get("/")
@roles_required(*READERS)
def national():
    return _page(stock_queries.national_stock_frame(), "national-stock", "stock/national.html")


@bp.get("/lots")
@roles_required(*READERS)
def lots():
    item, warehouse = request.args.get("item") or None, request.args.get("warehouse") or None
    frame = stock_queries.lots_frame(item, warehouse)
    return _page(
        frame,
        "stock-by-lot",
        "stock/lots.html",
        item=item,
        warehouse=warehouse,
        warehouses=_warehouses(),
        totals=stock_queries.warehouse_totals(),
    )


@bp.get("/expiring")
@roles_required(*READERS)
def expiring():
    days = request.args.get("days", 30, type=int)
    days = days if days in (30, 90) else 30
    return _page(
        stock_queries.lots_frame(expiring_within=days),
        f"expiring-{days}",
        "stock/expiring.html",
        days=days,
    )


@bp.get("/pipeline")
@roles_required(*READERS)
def pipeline():
    return _page(
        stock_queries.pipeline_by_week(request.args.get("item") or None),
        "incoming-by-week",
        "stock/pipeline.html",
    )


@bp.get("/movements")
@roles_required(*READERS)
def movements():
    lot_id = request.args.get("lot", type=int)
    return _page(
        stock_queries.movements_frame(lot_id), "stock-ledger", "stock/movements.html", lot_id=lot_id
    )


@bp.get("/deliveries")
@roles_required(*READERS)
def deliveries():
    return _page(stock_queries.deliveries_frame(), "deliveries", "stock/deliveries.html")


def _source_choices():
    return [(f"{e['kind']}:{e['id']}", e["label"]) for e in stock_queries.open_sources()]


@bp.route("/receive", methods=["GET", "POST"])
@roles_required(*WAREHOUSE_STAFF)
def receive():
    form = ReceiveForm()
    form.source.choices = [("", _("Choose..."))] + _source_choices()
    form.warehouse.choices = [(w.code, str(w)) for w in _warehouses()]
    if request.method == "GET":
        form.source.data = request.args.get("source", "")
        form.received_on.data = clock.today()
    if form.validate_on_submit():
        kind, _sep, source_id = form.source.data.partition(":")
        receipt = stock.Receipt(
            source_kind=kind,
            source_id=int(source_id),
            warehouse=form.warehouse.data,
            quantity=form.quantity.data,
            lot_number=form.lot_number.data,
            expiry_date=form.expiry_date.data,
            received_on=form.received_on.data,
            idempotency_key=form.idempotency_key.data,
            over_delivery_reason=form.over_delivery_reason.data,
            note=form.note.data,
        )
        try:
            delivery = stock.receive(receipt)
        except stock.AlreadyBooked as booked:
            flash(
                _(
                    "This delivery was booked already (delivery %(id)s); it was not booked again.",
                    id=booked.delivery.id,
                ),
                "warning",
            )
            return redirect(url_for(".quality"))
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(
                _(
                    "Delivery %(id)s booked: lot %(lot)s is in quarantine until quality control.",
                    id=delivery.id,
                    lot=delivery.lot.lot_number,
                ),
                "success",
            )
            return redirect(url_for(".inspect", lot_id=delivery.lot.id))
    return render_template("stock/receive.html", form=form)


@bp.get("/quality")
@roles_required(*READERS)
def quality():
    return render_template("stock/quality.html", lots=stock_queries.quarantined_lots())


def _lot(lot_id: int) -> Lot:
    return reference_queries.lot(lot_id) or abort(404)


@bp.route("/quality/<int:lot_id>", methods=["GET", "POST"])
@roles_required(*WAREHOUSE_STAFF)
def inspect(lot_id):
    lot = _lot(lot_id)
    form = InspectionForm()
    if form.validate_on_submit():
        try:
            stock.inspect_lot(
                lot_id,
                form.approved.data,
                form.rejected.data,
                form.conformity.data,
                form.evidence_reference.data,
                form.notes.data,
                form.rejection_reason.data,
            )
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("Inspection of lot %(lot)s recorded.", lot=lot.lot_number), "success")
            return redirect(url_for(".quality"))
    return render_template("stock/inspect.html", form=form, lot=lot)


@bp.get("/count")
@roles_required(*WAREHOUSE_STAFF)
def count():
    warehouse = request.args.get("warehouse") or None
    frame = stock_queries.lots_frame(warehouse_code=warehouse) if warehouse else None
    return render_template(
        "stock/count.html",
        warehouse=warehouse,
        warehouses=_warehouses(),
        frame=frame,
        form=CountForm(),
    )


@bp.route("/lots/<int:lot_id>", methods=["GET", "POST"])
@roles_required(*READERS)
def lot_detail(lot_id):
    lot = _lot(lot_id)
    count_form, write_off_form = CountForm(prefix="count"), WriteOffForm(prefix="off")
    if request.method == "POST":
        if _not_staff():
            abort(403)
        if request.form.get("action") not in ("count", "write_off"):
            abort(400)
        try:
            if request.form["action"] == "count" and count_form.validate_on_submit():
                stock.count(lot_id, count_form.counted.data, count_form.reason.data)
                flash(_("Count recorded."), "success")
                return redirect(url_for(".lot_detail", lot_id=lot_id))
            if request.form["action"] == "write_off" and write_off_form.validate_on_submit():
                stock.write_off(lot_id, write_off_form.quantity.data, write_off_form.reason.data)
                flash(_("Written off."), "success")
                return redirect(url_for(".lot_detail", lot_id=lot_id))
        except stock.InsufficientStock as error:
            flash(str(error), "error")
        except InvalidInput as error:
            show_errors(count_form if request.form["action"] == "count" else write_off_form, error)
    return render_template(
        "stock/lot_detail.html",
        lot=lot,
        count_form=count_form,
        write_off_form=write_off_form,
        movements=stock_queries.movements_frame(lot_id),
    )


def _not_staff() -> bool:
    from flask_login import current_user

    return current_user.role not in WAREHOUSE_STAFF


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*WAREHOUSE_STAFF)
def import_deliveries():
    form, errors = UploadForm(), None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = stock_import.import_deliveries(upload.read(), upload.filename)
        except ImportRejected as rejected:
            errors = rejected.errors
        except NotFound as error:
            flash(str(error), "error")
        else:
            flash(_("%(rows)s deliveries booked in quarantine.", rows=result.rows), "success")
            return redirect(url_for(".deliveries"))
    return render_template("stock/import_deliveries.html", form=form, errors=errors)

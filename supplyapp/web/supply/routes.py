"""Supply channels: orders, EU joint procurement, domestic production, offers, suppliers."""

import pandas as pd
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from supplyapp import exports
from supplyapp.i18n import _
from supplyapp.imports import ImportRejected
from supplyapp.models import Role
from supplyapp.models.catalog import SupplierKind
from supplyapp.permissions import roles_required
from supplyapp.queries import stock as stock_queries
from supplyapp.queries import supply as supply_queries
from supplyapp.services import procurement, stock_import
from supplyapp.services.errors import InvalidInput, NotFound
from supplyapp.web.labels import supply_status
from supplyapp.web.supply import forms
from supplyapp.web.views import show_errors

bp = Blueprint("supply", __name__, url_prefix="/supply")

READERS = (Role.ADMIN, Role.OFFICER, Role.LOGISTICS, Role.VIEWER)
MANAGERS = (Role.ADMIN, Role.OFFICER)


def _items():
    return [(i.code, str(i)) for i in supply_queries.active_items()]


def _suppliers(*kinds, optional=False):
    choices = [(s.code, str(s)) for s in supply_queries.active_suppliers(kinds)]
    return [("", "–")] + choices if optional else choices


def _download_or(frame, basename, template, **context):
    fmt = request.args.get("format")
    if fmt:
        return exports.download(frame, basename, fmt)
    return render_template(template, frame=frame, **context)


# ---------------------------------------------------------------------------------------------
# Orders


@bp.get("/orders/")
@roles_required(*READERS)
def order_list():
    frame = supply_queries.orders_frame()
    frame["status"] = frame["status"].map(supply_status)
    return _download_or(frame, "purchase-orders", "supply/order_list.html")


@bp.route("/orders/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def order_new():
    form = forms.OrderForm()
    form.supplier.choices = _suppliers(SupplierKind.MARKET, SupplierKind.DOMESTIC_PRODUCER)
    if form.validate_on_submit():
        try:
            order = procurement.create_order(
                form.supplier.data, form.currency.data, form.documents.data, form.notes.data
            )
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(
                _("Order %(code)s created as a draft: add its lines.", code=order.code), "success"
            )
            return redirect(url_for(".order_detail", code=order.code))
    return render_template("supply/order_new.html", form=form)


def _order(code):
    try:
        return procurement.get_order(code)
    except NotFound:
        abort(404)


@bp.get("/orders/<code>")
@roles_required(*READERS)
def order_detail(code):
    order = _order(code)
    line_form, status_form = forms.OrderLineForm(), forms.OrderStatusForm()
    line_form.item.choices = _items()
    return _order_page(order, line_form, status_form)


def _order_page(order, line_form, status_form):
    deliveries = supply_queries.order_deliveries(order)
    return render_template(
        "supply/order_detail.html",
        order=order,
        line_form=line_form,
        status_form=status_form,
        deliveries=deliveries,
    )


@bp.post("/orders/<code>/lines")
@roles_required(*MANAGERS)
def order_add_line(code):
    order = _order(code)
    line_form = forms.OrderLineForm()
    line_form.item.choices = _items()
    if line_form.validate_on_submit():
        try:
            procurement.add_order_line(
                code,
                line_form.item.data,
                line_form.quantity.data,
                line_form.unit_price.data,
                line_form.promised_date.data,
            )
        except InvalidInput as error:
            show_errors(line_form, error)
        else:
            flash(_("Line added."), "success")
            return redirect(url_for(".order_detail", code=code))
    return _order_page(order, line_form, forms.OrderStatusForm()), 400


@bp.post("/orders/<code>/status")
@roles_required(*MANAGERS)
def order_status(code):
    order = _order(code)
    status_form = forms.OrderStatusForm()
    if status_form.validate_on_submit():
        try:
            procurement.set_order_status(code, status_form.status.data, status_form.reason.data)
        except InvalidInput as error:
            show_errors(status_form, error)
        else:
            flash(
                _(
                    "Order %(code)s is now %(status)s.",
                    code=code,
                    status=supply_status(status_form.status.data).lower(),
                ),
                "success",
            )
            return redirect(url_for(".order_detail", code=code))
    line_form = forms.OrderLineForm()
    line_form.item.choices = _items()
    return _order_page(order, line_form, status_form), 400


@bp.route("/orders/import", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def order_import():
    form, errors = forms.UploadForm(), None
    if form.validate_on_submit():
        try:
            result = stock_import.import_order_lines(form.file.data.read(), form.file.data.filename)
        except ImportRejected as rejected:
            errors = rejected.errors
        else:
            flash(
                _(
                    "%(orders)s orders with %(rows)s lines imported.",
                    orders=result.by_kind["orders"],
                    rows=result.rows,
                ),
                "success",
            )
            return redirect(url_for(".order_list"))
    return render_template("supply/order_import.html", form=form, errors=errors)


# ---------------------------------------------------------------------------------------------
# EU joint procurement and donations


@bp.get("/eu/")
@roles_required(*READERS)
def eu():
    contracts = supply_queries.framework_contracts()
    if request.args.get("format"):
        frame = supply_queries.eu_shares_frame(contracts)
        return exports.download(frame, "eu-shares", request.args["format"])
    call_off_form = forms.CallOffForm()
    donations, call_offs = supply_queries.donations(), supply_queries.call_offs()
    return render_template(
        "supply/eu.html",
        contracts=contracts,
        donations=donations,
        call_offs=call_offs,
        call_off_form=call_off_form,
    )


@bp.route("/eu/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def framework_new():
    form = forms.FrameworkForm()
    form.item.choices = _items()
    if form.validate_on_submit():
        try:
            contract = procurement.create_framework_contract(
                form.code.data,
                form.name.data,
                form.valid_from.data,
                form.valid_to.data,
                [
                    {
                        "item": form.item.data,
                        "quantity": form.quantity.data,
                        "unit_price": form.unit_price.data,
                    }
                ],
            )
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("Framework contract %(code)s saved.", code=contract.code), "success")
            return redirect(url_for(".eu"))
    return render_template("supply/form_page.html", form=form, title=_("New EU framework contract"))


@bp.post("/eu/shares/<int:share_id>/call-off")
@roles_required(*MANAGERS)
def call_off(share_id):
    if not supply_queries.share_exists(share_id):
        abort(404)
    form = forms.CallOffForm()
    if form.validate_on_submit():
        try:
            record = procurement.call_off(share_id, form.quantity.data, form.expected_date.data)
        except InvalidInput as error:
            flash("; ".join(error.errors.values()), "error")
        else:
            flash(_("Call-off %(code)s made.", code=record.code), "success")
    else:
        flash("; ".join(" ".join(map(str, e)) for e in form.errors.values()), "error")
    return redirect(url_for(".eu"))


@bp.route("/donations/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def donation_new():
    form = forms.DonationForm()
    form.supplier.choices = _suppliers(SupplierKind.EU, SupplierKind.DONOR)
    form.item.choices = _items()
    if form.validate_on_submit():
        try:
            donation = procurement.create_donation(
                form.supplier.data, form.item.data, form.quantity.data, form.expected_date.data
            )
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("Donation %(code)s expected.", code=donation.code), "success")
            return redirect(url_for(".eu"))
    return render_template(
        "supply/form_page.html", form=form, title=_("New donation (rescEU or other)")
    )


# ---------------------------------------------------------------------------------------------
# Domestic production


@bp.get("/domestic/")
@roles_required(*READERS)
def domestic_list():
    frame = supply_queries.domestic_contracts_frame()
    return _download_or(frame, "domestic-contracts", "supply/domestic_list.html")


@bp.route("/domestic/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def domestic_new():
    form = forms.DomesticForm()
    form.supplier.choices = _suppliers(SupplierKind.DOMESTIC_PRODUCER)
    form.item.choices = _items()
    if form.validate_on_submit():
        try:
            contract = procurement.create_domestic_contract(
                form.supplier.data,
                form.item.data,
                form.weekly_quantity.data,
                form.start_date.data,
                form.end_date.data,
                form.unit_price.data,
            )
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("Contract %(code)s saved.", code=contract.code), "success")
            return redirect(url_for(".domestic_detail", code=contract.code))
    return render_template(
        "supply/form_page.html", form=form, title=_("New domestic production contract")
    )


@bp.get("/domestic/<code>")
@roles_required(*READERS)
def domestic_detail(code):
    contract = supply_queries.domestic_contract(code)
    if contract is None:
        abort(404)
    weeks = stock_queries.contract_schedule(contract)
    return _download_or(
        pd.DataFrame(weeks),
        f"schedule-{code}",
        "supply/domestic_detail.html",
        contract=contract,
        weeks=weeks,
    )


# ---------------------------------------------------------------------------------------------
# Offers


@bp.get("/offers/")
@roles_required(*READERS)
def offer_list():
    frame = supply_queries.offers_frame()
    frame["status"] = frame["status"].map(supply_status)
    return _download_or(frame, "offers", "supply/offer_list.html")


@bp.route("/offers/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def offer_new():
    form = forms.OfferForm()
    form.item.choices = _items()
    form.supplier.choices = _suppliers(optional=True)
    if form.validate_on_submit():
        try:
            offer = procurement.log_offer(
                form.company.data,
                form.kind.data,
                form.item.data,
                form.quantity.data,
                form.unit_price.data,
                form.currency.data,
                form.supplier.data or None,
                form.contact.data,
                form.available_from.data,
                form.description.data,
            )
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("Offer %(code)s logged: another officer vets it.", code=offer.code), "success")
            return redirect(url_for(".offer_detail", code=offer.code))
    return render_template("supply/form_page.html", form=form, title=_("Log an offer"))


def _offer_forms():
    convert = forms.ConvertForm(prefix="convert")
    convert.supplier.choices = _suppliers(optional=True)
    return forms.ApproveForm(prefix="approve"), forms.DeclineForm(prefix="decline"), convert


@bp.route("/offers/<code>", methods=["GET", "POST"])
@roles_required(*READERS)
def offer_detail(code):
    try:
        offer = procurement.get_offer(code)
    except NotFound:
        abort(404)
    approve, decline, convert = _offer_forms()
    if request.method == "POST":
        from flask_login import current_user

        if current_user.role not in MANAGERS:
            abort(403)
        done = _vet(code, request.form.get("action"), approve, decline, convert)
        if done:
            return redirect(url_for(".offer_detail", code=code))
    return render_template(
        "supply/offer_detail.html", offer=offer, approve=approve, decline=decline, convert=convert
    )


def _vet(code, action, approve, decline, convert) -> bool:
    steps = {
        "approve": (approve, lambda: procurement.approve_offer(code, approve.notes.data)),
        "decline": (decline, lambda: procurement.decline_offer(code, decline.reason.data)),
        "convert": (
            convert,
            lambda: procurement.convert_offer(
                code, convert.supplier.data or None, convert.promised_date.data
            ),
        ),
    }
    if action not in steps:
        flash(_("Choose what to do with the offer."), "error")
        return False
    form, run = steps[action]
    if not form.validate_on_submit():
        return False
    try:
        run()
    except InvalidInput as error:
        show_errors(form, error)
        return False
    flash(_("Offer %(code)s saved.", code=code), "success")
    return True


# ---------------------------------------------------------------------------------------------
# Suppliers' records


@bp.get("/suppliers/")
@roles_required(*READERS)
def supplier_list():
    return _download_or(
        stock_queries.supplier_performance(), "supplier-records", "supply/supplier_list.html"
    )

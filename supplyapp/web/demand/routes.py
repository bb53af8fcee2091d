"""Demand: an organisation's reports and requests; the request list and decisions."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from supplyapp import exports
from supplyapp.i18n import _
from supplyapp.imports import ImportRejected
from supplyapp.models import Organisation, OrganisationKind, Role
from supplyapp.models.demand import Priority, ReportSource, RequestStatus
from supplyapp.permissions import (
    ALL_ROLES,
    NATIONAL_ROLES,
    require_organisation_access,
    roles_required,
    visible_organisations_filter,
)
from supplyapp.queries import demand as demand_queries
from supplyapp.queries import reference as reference_queries
from supplyapp.services import demand, demand_requests
from supplyapp.services.errors import DomainError, InvalidInput, NotFound
from supplyapp.web.demand import forms
from supplyapp.web.demand.blueprint import bp
from supplyapp.web.views import show_errors

REPORTERS = (Role.REQUESTER, Role.ADMIN)
DECIDERS = (Role.OFFICER, Role.ADMIN)


def reporting_organisation(code: str) -> Organisation:
    """The region, municipality or provider in the URL, if the user may see it."""
    try:
        organisation = demand.requesting_organisation(code)
    except NotFound:
        abort(404)
    require_organisation_access(organisation)
    return organisation


@bp.get("/")
@roles_required(*ALL_ROLES)
def index():
    organisation = current_user.organisation
    if current_user.role == Role.REQUESTER and organisation is not None:
        return redirect(url_for(".organisation_situation", code=organisation.code))
    if current_user.role == Role.COUNTY and organisation is not None:
        return redirect(url_for(".county_overview", code=organisation.county_code))
    return redirect(url_for(".request_list"))


@bp.get("/organisations/<code>/")
@roles_required(*ALL_ROLES)
def organisation_situation(code):
    organisation = reporting_organisation(code)
    rows = demand_queries.organisation_latest(organisation)
    requests = demand_queries.request_list(Organisation.id == organisation.id, limit=50)
    return render_template(
        "demand/organisation_situation.html",
        organisation=organisation,
        rows=rows,
        requests=requests,
        stale_days=demand_queries.stale_days(),
    )


@bp.get("/organisations/<code>/history")
@roles_required(*ALL_ROLES)
def report_history(code):
    organisation = reporting_organisation(code)
    item = request.args.get("item") or None
    lines = demand_queries.history_lines(organisation.id, item)
    return render_template(
        "demand/report_history.html",
        organisation=organisation,
        lines=lines,
        items=demand_queries.items(),
        item=item,
    )


def _report_lines(form, items) -> list[demand.LineInput] | None:
    """The filled rows of the report form; a half-filled row marks the missing field."""
    lines, complete = [], True
    for item in items:
        stock = form[forms.stock_field(item.code)]
        use = form[forms.use_field(item.code)]
        if stock.data is None and use.data is None:
            continue
        for field in (stock, use):
            if field.data is None and not field.errors:
                field.errors = [*field.errors, _("Give both stock and daily use, or neither.")]
                complete = False
        lines.append(demand.LineInput(item.code, stock.data, use.data))
    return lines if complete else None


@bp.route("/organisations/<code>/report", methods=["GET", "POST"])
@roles_required(*REPORTERS)
def report_form(code):
    organisation = reporting_organisation(code)
    items = demand_queries.items()
    form = forms.report_form_class(items)()
    if request.method == "GET":
        _prefill_report(form, organisation)
    if request.method == "POST":
        valid = form.validate_on_submit()
        lines = _report_lines(form, items)  # marks half-filled rows even when others are bad
        if valid and lines is not None:
            try:
                demand.submit_report(
                    code,
                    form.as_of.data,
                    lines,
                    ReportSource.FORM,
                    form.note.data,
                )
            except InvalidInput as error:
                show_errors(form, error)
            else:
                flash(_("Report saved: %(n)s items.", n=len(lines)), "success")
                return redirect(url_for(".organisation_situation", code=code))
    return render_template(
        "demand/report_form.html",
        organisation=organisation,
        form=form,
        items=items,
        upload_form=forms.UploadForm(),
        stock_field=forms.stock_field,
        use_field=forms.use_field,
    )


def _prefill_report(form, organisation) -> None:
    for row in demand_queries.organisation_latest(organisation):
        if row["line"] is not None:
            form[forms.use_field(row["item"].code)].data = row["line"]["daily_use"]


@bp.post("/organisations/<code>/upload")
@roles_required(*REPORTERS)
def report_upload(code):
    organisation = reporting_organisation(code)
    upload_form = forms.UploadForm()
    problems = []
    if upload_form.validate_on_submit():
        data = upload_form.file.data.read()
        try:
            report = demand.import_report(
                code,
                upload_form.upload_as_of.data,
                data,
                upload_form.file.data.filename,
            )
        except ImportRejected as error:
            problems = [str(e) for e in error.errors[:50]]
        except InvalidInput as error:
            problems = [f"{field}: {message}" for field, message in error.errors.items()]
        else:
            flash(_("Report saved from the file: %(n)s items.", n=len(report.lines)), "success")
            return redirect(url_for(".organisation_situation", code=code))
    items = demand_queries.items()
    return render_template(
        "demand/report_form.html",
        organisation=organisation,
        form=forms.report_form_class(items)(formdata=None),
        items=items,
        upload_form=upload_form,
        problems=problems,
        stock_field=forms.stock_field,
        use_field=forms.use_field,
    ), 422


@bp.route("/organisations/<code>/requests/new", methods=["GET", "POST"])
@roles_required(*REPORTERS)
def request_new(code):
    organisation = reporting_organisation(code)
    form = forms.RequestForm()
    form.item.choices = [SelectChoice(i.code, i.name(_locale())) for i in demand_queries.items()]
    if form.validate_on_submit():
        try:
            created = demand_requests.file_request(
                code,
                form.item.data,
                form.quantity.data,
                form.needed_by.data,
                form.priority.data,
                form.justification.data,
                stock_on_hand=form.stock_on_hand.data,
                daily_use=form.daily_use.data,
            )
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("Request %(id)s filed.", id=created.id), "success")
            return redirect(url_for(".request_detail", request_id=created.id))
    latest = {
        row["item"].code: row["line"] for row in demand_queries.organisation_latest(organisation)
    }
    return render_template(
        "demand/request_form.html", organisation=organisation, form=form, latest=latest
    )


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale())


# The values each filter of the request list may take; another is refused (400), not ignored.
FILTER_VALUES = {
    "status": {"open", *(s.value for s in RequestStatus)},
    "priority": {p.value for p in Priority},
    "kind": {k.value for k in OrganisationKind},
}


def _filters() -> dict:
    args = request.args
    filters = {
        key: args.get(key) or None for key in ("status", "priority", "item", "county", "kind")
    } | {"sort": args.get("sort") or "priority"}
    for name, allowed in FILTER_VALUES.items():
        value = filters[name]
        if value is not None and value not in allowed:
            abort(400, _("Unknown value %(value)s for %(name)s.", value=value[:40], name=name))
    return filters


def _visible_requests(filters: dict):
    return demand_queries.request_list(
        visible_organisations_filter(current_user),
        status=filters["status"],
        priority=filters["priority"],
        item_code=filters["item"],
        county_code=filters["county"],
        kind=filters["kind"],
        sort=filters["sort"],
    )


@bp.get("/requests/")
@roles_required(*ALL_ROLES)
def request_list():
    filters = _filters()
    if "status" not in request.args:
        filters["status"] = "open"
    return render_template(
        "demand/request_list.html",
        requests=_visible_requests(filters),
        filters=filters,
        items=demand_queries.items(),
        statuses=list(RequestStatus),
        counties=reference_queries.counties(),
    )


@bp.get("/requests/export.<fmt>")
@roles_required(*ALL_ROLES)
def request_export(fmt):
    frame = demand_queries.requests_frame(_visible_requests(_filters()))
    return exports.download(frame, "behovsanmalningar", fmt)


def _visible_request(request_id: int):
    try:
        shortage = demand_requests.get_request(request_id)
    except NotFound:
        abort(404)
    if current_user.role not in NATIONAL_ROLES:
        require_organisation_access(shortage.organisation)
    return shortage


@bp.get("/requests/<int:request_id>")
@roles_required(*ALL_ROLES)
def request_detail(request_id):
    shortage = _visible_request(request_id)
    return render_template(
        "demand/request_detail.html",
        shortage=shortage,
        shipments=demand_queries.shipments_for_request(shortage),
        decision_form=forms.DecisionForm(),
        withdraw_form=forms.WithdrawForm(),
        may_decide=current_user.role in DECIDERS,
        may_withdraw=current_user.role in REPORTERS,
    )


@bp.post("/requests/<int:request_id>/decision")
@roles_required(*DECIDERS)
def request_decision(request_id):
    shortage = _visible_request(request_id)
    form = forms.DecisionForm()
    if form.validate_on_submit():
        try:
            demand_requests.change_status(
                request_id,
                form.status.data,
                form.reason.data,
                form.met_quantity.data,
            )
        except InvalidInput as error:
            show_errors(form, error)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("Decision recorded."), "success")
            return redirect(url_for(".request_detail", request_id=request_id))
    return render_template(
        "demand/request_detail.html",
        shortage=shortage,
        decision_form=form,
        shipments=demand_queries.shipments_for_request(shortage),
        withdraw_form=forms.WithdrawForm(),
        may_decide=True,
        may_withdraw=False,
    ), 422


@bp.post("/requests/<int:request_id>/withdraw")
@roles_required(*REPORTERS)
def request_withdraw(request_id):
    shortage = _visible_request(request_id)
    form = forms.WithdrawForm()
    if form.validate_on_submit():
        try:
            demand_requests.withdraw(shortage.id, form.withdraw_reason.data)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("Request withdrawn."), "success")
    return redirect(url_for(".request_detail", request_id=request_id))

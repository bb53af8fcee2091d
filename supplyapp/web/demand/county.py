"""County coordination (§ 3 a): the county board's view, sharings and combined requests."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from supplyapp import clock
from supplyapp.i18n import _
from supplyapp.models import County, Organisation, Role
from supplyapp.permissions import NATIONAL_ROLES, can_see_county, roles_required
from supplyapp.queries import county as county_queries
from supplyapp.queries import demand as demand_queries
from supplyapp.services import demand_county
from supplyapp.services.errors import DomainError, InvalidInput
from supplyapp.web.demand import forms
from supplyapp.web.demand.blueprint import bp
from supplyapp.web.views import show_errors

COUNTY_VIEWERS = (*NATIONAL_ROLES, Role.COUNTY)
COORDINATORS = (Role.COUNTY, Role.ADMIN)


def _county(code: str) -> tuple[County, Organisation]:
    found = county_queries.county_and_board(code)
    if found is None:
        abort(404)
    if not can_see_county(current_user, code):
        abort(403)
    return found


def _sharing_form(code: str, formdata=None) -> forms.SharingForm:
    form = forms.SharingForm() if formdata is None else forms.SharingForm(formdata=formdata)
    choices = [SelectChoice(o.code, f"{o.name} ({o.code})") for o in county_queries.members(code)]
    form.from_organisation.choices = choices
    form.to_organisation.choices = choices
    form.item.choices = [SelectChoice(i.code, i.code) for i in demand_queries.items()]
    return form


def _render(county, board, sharing_form=None, forward_form=None, status=200):
    item = request.args.get("item") or "ffp2"
    latest = demand_queries.of_item(demand_queries.latest_rows(county_code=county.code), item)
    requests = demand_queries.request_list(
        Organisation.county_code == county.code, status="open", limit=500
    )
    return render_template(
        "demand/county_overview.html",
        county=county,
        board=board,
        item=item,
        items=demand_queries.items(),
        organisations=demand_queries.by_days(latest),
        unreported=[
            o
            for o in county_queries.members(county.code)
            if o.code not in {row["org_code"] for row in latest}
        ],
        county_days=demand_queries.group_days(latest),
        requests=requests,
        overdue=demand_county.overdue_request_ids(requests, clock.utcnow()),
        sharings=county_queries.sharings(board.id),
        county_requests=county_queries.combined_requests(board.id),
        sharing_form=sharing_form or _sharing_form(county.code),
        forward_form=forward_form or forms.ForwardForm(),
        may_coordinate=current_user.role in COORDINATORS,
    ), status


@bp.get("/counties/<code>/")
@roles_required(*COUNTY_VIEWERS)
def county_overview(code):
    county, board = _county(code)
    return _render(county, board)


@bp.post("/counties/<code>/sharings")
@roles_required(*COORDINATORS)
def sharing_new(code):
    county, board = _county(code)
    form = _sharing_form(code, request.form)
    if form.validate_on_submit():
        try:
            demand_county.record_sharing(
                board.code,
                form.from_organisation.data,
                form.to_organisation.data,
                form.item.data,
                form.quantity.data,
                form.shared_on.data,
                request_id=form.request_id.data,
                note=form.note.data,
            )
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("Sharing recorded; both organisations' stock is adjusted."), "success")
            return redirect(url_for(".county_overview", code=code))
    return _render(county, board, sharing_form=form, status=422)


@bp.post("/counties/<code>/forward")
@roles_required(*COORDINATORS)
def county_forward(code):
    county, board = _county(code)
    form = forms.ForwardForm()
    ids = [int(v) for v in request.form.getlist("request_ids") if v.isdigit()]
    if form.validate_on_submit():
        try:
            combined = demand_county.forward_requests(board.code, ids, form.forward_note.data)
        except InvalidInput as error:
            flash("; ".join(error.errors.values()), "error")
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(
                _(
                    "Combined request %(id)s sent with %(n)s lines.",
                    id=combined.id,
                    n=len(combined.lines),
                ),
                "success",
            )
            return redirect(url_for(".county_overview", code=code))
    return _render(county, board, forward_form=form, status=422)

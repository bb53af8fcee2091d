"""County coordination (§ 3 a): the county board's view, sharings and combined requests."""

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from supplyapp import clock, queries_demand
from supplyapp.extensions import db
from supplyapp.i18n import _
from supplyapp.models import County, Organisation, OrganisationKind, Role
from supplyapp.models.demand import CountyRequest, CountySharing
from supplyapp.permissions import NATIONAL_ROLES, REQUESTING_KINDS, roles_required
from supplyapp.services import demand_county
from supplyapp.services.errors import DomainError, InvalidInput
from supplyapp.web.demand import forms
from supplyapp.web.demand.routes import bp
from supplyapp.web.views import show_errors

COUNTY_VIEWERS = (*NATIONAL_ROLES, Role.COUNTY)
COORDINATORS = (Role.COUNTY, Role.ADMIN)


def _county(code: str) -> tuple[County, Organisation]:
    county = db.session.get(County, code)
    if county is None:
        abort(404)
    if current_user.role == Role.COUNTY and (
        current_user.organisation is None or current_user.organisation.county_code != code
    ):
        abort(403)
    board = db.session.scalar(
        select(Organisation).where(
            Organisation.county_code == code, Organisation.kind == OrganisationKind.COUNTY_BOARD
        )
    )
    if board is None:
        abort(404)
    return county, board


def _members(code: str) -> list[Organisation]:
    return db.session.scalars(
        select(Organisation)
        .where(
            Organisation.county_code == code,
            Organisation.kind.in_(REQUESTING_KINDS),
            Organisation.active.is_(True),
        )
        .order_by(Organisation.name)
    ).all()


def _sharing_form(code: str, formdata=None) -> forms.SharingForm:
    form = forms.SharingForm() if formdata is None else forms.SharingForm(formdata=formdata)
    choices = [SelectChoice(o.code, f"{o.name} ({o.code})") for o in _members(code)]
    form.from_organisation.choices = choices
    form.to_organisation.choices = choices
    form.item.choices = [SelectChoice(i.code, i.code) for i in queries_demand.items()]
    return form


def _render(county, board, sharing_form=None, forward_form=None, status=200):
    item = request.args.get("item") or "ffp2"
    latest = queries_demand.of_item(queries_demand.latest_rows(county_code=county.code), item)
    requests = queries_demand.request_list(
        Organisation.county_code == county.code, status="open", limit=500
    )
    now = clock.utcnow()
    overdue = {
        r.id
        for r in requests
        if r.created_at
        and (now - clock.utc(r.created_at) > timedelta(hours=demand_county.ESCALATE_AFTER_HOURS))
    }
    return render_template(
        "demand/county_overview.html",
        county=county,
        board=board,
        item=item,
        items=queries_demand.items(),
        organisations=queries_demand.by_days(latest),
        unreported=[
            o for o in _members(county.code) if o.code not in {row["org_code"] for row in latest}
        ],
        county_days=queries_demand.group_days(latest),
        requests=requests,
        overdue=overdue,
        sharings=db.session.scalars(
            select(CountySharing)
            .where(CountySharing.county_board_id == board.id)
            .order_by(CountySharing.id.desc())
            .limit(50)
        ).all(),
        county_requests=db.session.scalars(
            select(CountyRequest)
            .where(CountyRequest.county_board_id == board.id)
            .order_by(CountyRequest.id.desc())
            .limit(20)
        ).all(),
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
                current_user.username,
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
            combined = demand_county.forward_requests(
                board.code, ids, current_user.username, form.forward_note.data
            )
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

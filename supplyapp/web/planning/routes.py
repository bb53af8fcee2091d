"""Allocation rounds: run the model, review and edit the plan, decide it (four eyes)."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user

from supplyapp.i18n import _
from supplyapp.models import Role
from supplyapp.models.planning import PlanStatus
from supplyapp.permissions import roles_required
from supplyapp.queries import planning as planning_queries
from supplyapp.services import plan_review, planning
from supplyapp.services.demand import active_items
from supplyapp.services.errors import InvalidInput, NotFound
from supplyapp.services.plan_review import (
    AlreadyDecided,
    FourEyes,
    PlanNotEditable,
    PlanRuleBroken,
    StockMoved,
)
from supplyapp.web import charts
from supplyapp.web.planning import decision, wording
from supplyapp.web.planning.forms import (
    CommentForm,
    DiscardForm,
    LineAddForm,
    LineChangeForm,
    ReturnForm,
    RoundForm,
)
from supplyapp.web.views import show_errors

bp = Blueprint("planning", __name__, url_prefix="/allocation")

READERS = (Role.ADMIN, Role.OFFICER, Role.LOGISTICS, Role.VIEWER)
OFFICERS = (Role.ADMIN, Role.OFFICER)


@bp.app_context_processor
def planning_words():
    return {"plan_words": wording}


def _is_officer() -> bool:
    return current_user.role in OFFICERS


def _plan(plan_id: int):
    try:
        return plan_review.get_plan(plan_id)
    except NotFound:
        abort(404)


def _back(plan_id: int):
    return redirect(url_for(".plan_detail", plan_id=plan_id, item=request.args.get("item")))


# ---------------------------------------------------------------------------------------------
# The list and a new round


@bp.get("/")
@roles_required(*READERS)
def plan_list():
    status = request.args.get("status") or None
    rows = planning_queries.plans(status)
    waiting = [row for row in rows if row["plan"].status == PlanStatus.SUBMITTED]
    for row in waiting:
        row["excluded"] = not plan_review.may_decide(row["plan"])
    return render_template(
        "planning/plan_list.html",
        rows=rows,
        status=status,
        statuses=list(PlanStatus),
        is_officer=_is_officer(),
        waiting=[r for r in waiting if not r["excluded"]],
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def round_new():
    form = RoundForm()
    locale = str(get_locale())
    form.items.choices = [
        (code, f"{code}: {item.name(locale)}") for code, item in active_items().items()
    ]
    if form.validate_on_submit():
        settings = planning.RoundSettings(
            item_codes=list(form.items.data or []),
            policy=form.policy.data,
            donor_floor_days=float(form.donor_floor_days.data),
            redistribute=form.redistribute.data,
            whole_packs=form.whole_packs.data,
            keep_reserve=form.keep_reserve.data,
        )
        try:
            plan = planning.run_round(settings)
        except planning.NothingToAllocate as error:
            flash(str(error), "error")
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(
                _(
                    "Plan %(code)s proposed by the model: review it before you submit it.",
                    code=plan.code,
                ),
                "success",
            )
            return redirect(url_for(".plan_detail", plan_id=plan.id))
    return render_template("planning/round_new.html", form=form)


# ---------------------------------------------------------------------------------------------
# The plan page


def _county_map(view, item: str) -> dict:
    totals = view.county_totals(item)
    top = max([t["units"] for t in totals.values()] + [1])
    shades = ["#deebf7", "#9ecae1", "#4292c6", "#08519c"]
    for entry in totals.values():
        share = entry["units"] / top
        entry["fill"] = shades[min(3, int(share * 4))] if entry["units"] else charts.NO_DATA[1]
    shapes, width, height = charts.county_shapes()
    return {"totals": totals, "shapes": shapes, "width": width, "height": height, "top": top}


def _detail(
    plan,
    *,
    findings=None,
    line_errors=None,
    line_values=None,
    add_form=None,
    return_form=None,
    discard_form=None,
):
    view = planning_queries.PlanView(plan)
    item = view.chosen_item(request.args.get("item"))
    officer = _is_officer()
    excluded = not plan_review.may_decide(plan)
    add_form = add_form or LineAddForm(formdata=None, item=item)
    add_form.item.choices = [(code, code) for code in view.item_codes]
    return render_template(
        "planning/plan_detail.html",
        plan=plan,
        view=view,
        item=item,
        summaries=view.item_summaries(),
        rows=view.approver_rows(item) if item else [],
        county_map=_county_map(view, item) if item else None,
        warnings=view.warnings(),
        comparison=view.comparison,
        is_officer=officer,
        may_edit=officer and plan.editable,
        may_decide=officer and plan.status == PlanStatus.SUBMITTED and not excluded,
        excluded=excluded,
        findings=findings or [],
        line_errors=line_errors or {},
        line_values=line_values or {},
        add_form=add_form,
        return_form=return_form or ReturnForm(formdata=None),
        discard_form=discard_form or DiscardForm(formdata=None),
        comment_form=CommentForm(formdata=None),
    )


@bp.get("/plans/<int:plan_id>")
@roles_required(*READERS)
def plan_detail(plan_id):
    return _detail(_plan(plan_id))


def _refused(plan, error: PlanRuleBroken, line_id: int | None = None, **context):
    messages = [wording.finding_message(f) for f in error.findings]
    flash(_("The change was refused: it breaks the model's rules. Nothing was changed."), "error")
    if line_id is not None:  # shown beside the line that was to change, too
        context["line_errors"] = {line_id: messages}
    return _detail(plan, findings=messages, **context)


@bp.post("/plans/<int:plan_id>/lines/<int:line_id>")
@roles_required(*OFFICERS)
def line_change(plan_id, line_id):
    plan = _plan(plan_id)
    form = LineChangeForm()
    values = {
        line_id: {
            "quantity": request.form.get("quantity", ""),
            "reason": request.form.get("reason", ""),
        }
    }
    if not form.validate_on_submit():
        errors = [e for field in form.errors.values() for e in field]
        return _detail(plan, line_errors={line_id: errors}, line_values=values)
    try:
        line = plan_review.change_line(plan_id, line_id, form.quantity.data, form.reason.data)
    except PlanRuleBroken as error:
        return _refused(_plan(plan_id), error, line_id, line_values=values)
    except InvalidInput as error:
        return _detail(
            _plan(plan_id), line_errors={line_id: list(error.errors.values())}, line_values=values
        )
    except PlanNotEditable as error:
        flash(str(error), "error")
    except NotFound:
        abort(404)
    else:
        flash(
            _(
                "Line to %(recipient)s changed to %(quantity)s.",
                recipient=line.recipient.name,
                quantity=line.quantity,
            ),
            "success",
        )
    return _back(plan_id)


@bp.post("/plans/<int:plan_id>/lines")
@roles_required(*OFFICERS)
def line_add(plan_id):
    plan = _plan(plan_id)
    form = LineAddForm()
    form.item.choices = [(code, code) for code in planning_queries.PlanView(plan).item_codes]
    if form.validate_on_submit():
        try:
            line = plan_review.add_line(
                plan_id,
                form.item.data,
                form.origin.data,
                form.recipient.data,
                form.quantity.data,
                form.reason.data,
            )
        except PlanRuleBroken as error:
            return _refused(_plan(plan_id), error, add_form=form)
        except InvalidInput as error:
            show_errors(form, error)
        except PlanNotEditable as error:
            flash(str(error), "error")
            return _back(plan_id)
        else:
            flash(
                _(
                    "Line added: %(quantity)s %(item)s to %(recipient)s.",
                    quantity=line.quantity,
                    item=line.item.code,
                    recipient=line.recipient.name,
                ),
                "success",
            )
            return redirect(url_for(".plan_detail", plan_id=plan_id, item=line.item.code))
    return _detail(_plan(plan_id), add_form=form)


# ---------------------------------------------------------------------------------------------
# Submission and decision


def _decided(plan_id: int, work, success: str):
    try:
        plan = work()
    except PlanRuleBroken as error:
        return _refused(_plan(plan_id), error)
    except StockMoved as error:
        flash(
            _(
                "The plan cannot be approved as it stands: stock or requests changed since "
                "the round. Nothing was reserved."
            ),
            "error",
        )
        for problem in error.problems:
            flash(problem, "error")
    except (FourEyes, AlreadyDecided, PlanNotEditable) as error:
        flash(str(error), "error")
    else:
        flash(success % {"code": plan.code}, "success")
    return _back(plan_id)


@bp.post("/plans/<int:plan_id>/submit")
@roles_required(*OFFICERS)
def plan_submit(plan_id):
    _plan(plan_id)
    comment = request.form.get("comment")
    return _decided(
        plan_id,
        lambda: plan_review.submit(plan_id, comment),
        _("Plan %(code)s submitted: another officer must approve it."),
    )


@bp.post("/plans/<int:plan_id>/return")
@roles_required(*OFFICERS)
def plan_return(plan_id):
    plan = _plan(plan_id)
    form = ReturnForm()
    if not form.validate_on_submit():
        return _detail(plan, return_form=form)
    return _decided(
        plan_id,
        lambda: plan_review.send_back(plan_id, form.comment.data),
        _("Plan %(code)s sent back with your comment."),
    )


@bp.post("/plans/<int:plan_id>/approve")
@roles_required(*OFFICERS)
def plan_approve(plan_id):
    _plan(plan_id)
    comment = request.form.get("comment")
    return _decided(
        plan_id,
        lambda: plan_review.approve(plan_id, comment),
        _("Plan %(code)s approved: stock is reserved and the shipments are created."),
    )


@bp.post("/plans/<int:plan_id>/discard")
@roles_required(*OFFICERS)
def plan_discard(plan_id):
    plan = _plan(plan_id)
    form = DiscardForm()
    if not form.validate_on_submit():
        return _detail(plan, discard_form=form)
    return _decided(
        plan_id,
        lambda: plan_review.discard(plan_id, form.reason.data),
        _("Plan %(code)s discarded."),
    )


# ---------------------------------------------------------------------------------------------
# The decision and its inputs


def _approved(plan_id: int):
    plan = _plan(plan_id)
    if plan.status != PlanStatus.APPROVED:
        abort(404)
    return plan


@bp.get("/plans/<int:plan_id>/decision")
@roles_required(*READERS)
def plan_decision(plan_id):
    plan = _approved(plan_id)
    view = planning_queries.PlanView(plan)
    return render_template(
        "planning/plan_decision.html",
        plan=plan,
        view=view,
        lines=view.decision_lines(),
        facts=decision.facts(plan),
        inputs=decision.inputs(plan),
        legal_basis=decision.LEGAL_BASIS,
        sha256=planning_queries.problem_sha256(plan),
        person=planning_queries.person,
    )


@bp.get("/plans/<int:plan_id>/mine")
@roles_required(Role.REQUESTER, Role.COUNTY)
def my_decision(plan_id):
    """The approved decision as it concerns the user's own organisation: its lines, and
    whether each of its requests is met, partly met or declined."""
    plan = _approved(plan_id)
    view = planning_queries.PlanView(plan)
    organisation = current_user.organisation
    if organisation is None or not view.concerns(organisation.code):
        abort(404)
    return render_template(
        "planning/plan_mine.html",
        plan=plan,
        view=view,
        organisation=organisation,
        outcomes=view.organisation_outcomes(organisation.code),
        lines=view.organisation_rows(organisation.code),
    )


@bp.get("/plans/<int:plan_id>/decision.xlsx")
@roles_required(*READERS)
def plan_decision_xlsx(plan_id):
    plan = _approved(plan_id)
    body = decision.workbook(plan, planning_queries.PlanView(plan))
    return _attachment(body, decision.XLSX, f"{plan.code}-beslut.xlsx")


def _attachment(body, mimetype: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/plans/<int:plan_id>/problem.json")
@roles_required(*READERS)
def plan_problem(plan_id):
    plan = _plan(plan_id)
    return _attachment(
        plan.problem_json.encode("utf-8"), "application/json", f"{plan.code}-problem.json"
    )


@bp.get("/plans/<int:plan_id>/plan.json")
@roles_required(*READERS)
def plan_model(plan_id):
    plan = _plan(plan_id)
    return _attachment(
        plan.model_plan_json.encode("utf-8"), "application/json", f"{plan.code}-plan.json"
    )

"""Shortage requests and their lifecycle: submitted, under review, included in a plan, partly met,
met, declined (with a reason) or withdrawn. Every step is kept in the request's history.
"""

from datetime import date, timedelta

from sqlalchemy import select

from supplyapp import audit, clock
from supplyapp.extensions import db
from supplyapp.i18n import _
from supplyapp.models.demand import (
    OPEN_STATUSES,
    Priority,
    ReportSource,
    RequestStatus,
    RequestStatusChange,
    ShortageRequest,
)
from supplyapp.services.demand import (
    active_items,
    check_quantity,
    latest_line,
    requesting_organisation,
)
from supplyapp.services.errors import DomainError, InvalidInput, NotFound
from supplyapp.services.transaction import use_case

S = RequestStatus
# from -> the statuses a request may move to
TRANSITIONS = {
    S.SUBMITTED: {S.UNDER_REVIEW, S.IN_PLAN, S.PARTLY_MET, S.MET, S.DECLINED, S.WITHDRAWN},
    S.UNDER_REVIEW: {S.IN_PLAN, S.PARTLY_MET, S.MET, S.DECLINED, S.WITHDRAWN},
    S.IN_PLAN: {S.UNDER_REVIEW, S.PARTLY_MET, S.MET, S.DECLINED},
    S.PARTLY_MET: {S.IN_PLAN, S.MET, S.DECLINED},
    S.MET: set(),
    S.DECLINED: set(),
    S.WITHDRAWN: set(),
}
WITHDRAWABLE = (S.SUBMITTED, S.UNDER_REVIEW)
MAX_TEXT = 2000
LATEST_NEEDED_BY_DAYS = 366


class TransitionRefused(DomainError):
    """The request cannot move to that status from where it is."""


def _check_text(value, field: str, errors: dict, required: bool = True) -> str | None:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        errors[field] = _("This field is required.")
    elif len(text) > MAX_TEXT:
        errors[field] = _("At most %(n)s characters.", n=MAX_TEXT)
    return text or None


def _check_needed_by(value, today: date, errors: dict) -> date | None:
    if not isinstance(value, date):
        errors["needed_by"] = _("Give a date (YYYY-MM-DD).")
    elif value < today:
        errors["needed_by"] = _("The date cannot be in the past.")
    elif value > today + timedelta(days=LATEST_NEEDED_BY_DAYS):
        errors["needed_by"] = _("The date is more than a year ahead.")
    else:
        return value
    return None


def _own_figures(organisation_id: int, item_id: int | None, stock, use, errors: dict):
    """The organisation's stock and use now: as given, else from its latest report."""
    latest = latest_line(organisation_id, item_id) if item_id else None
    if stock is None and latest is not None:
        stock = latest.stock_on_hand
    if use is None and latest is not None:
        use = latest.daily_use
    if stock is None:
        errors["stock_on_hand"] = _("Give your stock on hand, or report it first.")
    else:
        stock = check_quantity(stock, "stock_on_hand", errors)
    if use is None:
        errors["daily_use"] = _("Give your average daily use, or report it first.")
    else:
        use = check_quantity(use, "daily_use", errors)
    return stock, use


@use_case
def file_request(
    organisation_code: str,
    item_code,
    quantity,
    needed_by,
    priority,
    justification,
    *,
    stock_on_hand=None,
    daily_use=None,
    source: ReportSource = ReportSource.FORM,
    today: date | None = None,
) -> ShortageRequest:
    """File a shortage request for an organisation; its own stock and use are kept with it."""
    organisation = requesting_organisation(organisation_code)
    errors: dict[str, str] = {}
    item = active_items().get(item_code) if isinstance(item_code, str) else None
    if item is None:
        errors["item"] = _("Unknown item code %(code)s.", code=str(item_code))
    quantity = check_quantity(quantity, "quantity", errors, positive=True)
    needed_by = _check_needed_by(needed_by, today or clock.today(), errors)
    if not isinstance(priority, str) or priority not in {p.value for p in Priority}:
        errors["priority"] = _("Choose critical, high or normal.")
    justification = _check_text(justification, "justification", errors)
    stock, use = _own_figures(
        organisation.id, item.id if item else None, stock_on_hand, daily_use, errors
    )
    if errors:
        raise InvalidInput(errors)
    request = ShortageRequest(
        organisation=organisation,
        item=item,
        quantity=quantity,
        needed_by=needed_by,
        priority=Priority(priority),
        justification=justification,
        stock_at_request=stock,
        daily_use_at_request=use,
        status=S.SUBMITTED,
        source=source,
        created_by=audit.current_actor_name(),
    )
    db.session.add(request)
    request.history.append(
        RequestStatusChange(to_status=S.SUBMITTED, changed_by=request.created_by)
    )
    return request


def get_request(request_id: int) -> ShortageRequest:
    request = db.session.get(ShortageRequest, request_id)
    if request is None:
        raise NotFound(_("No request %(id)s.", id=request_id))
    return request


def _locked_request(request_id: int) -> ShortageRequest:
    from supplyapp.services.stock import begin_write, locked

    begin_write()
    request = locked(ShortageRequest, request_id)
    if request is None:
        raise NotFound(_("No request %(id)s.", id=request_id))
    return request


def move_status(
    request: ShortageRequest,
    to: RequestStatus,
    reason: str | None,
    met_quantity: int | None,
) -> None:
    """Move the request to `to`, with a history entry naming whoever acts."""
    if to not in TRANSITIONS[request.status]:
        raise TransitionRefused(
            _(
                "A request that is %(status)s cannot become %(to)s.",
                status=request.status.value,
                to=to.value,
            )
        )
    if to == S.MET:
        request.met_quantity = request.quantity
    elif to == S.PARTLY_MET:
        if met_quantity is None:
            raise ValueError("A partly met request needs the quantity met.")
        request.met_quantity = met_quantity
    if to == S.DECLINED:
        request.decline_reason = reason
    _record_change(request, to, reason)
    request.status = to


def _check_decision(request: ShortageRequest, to, reason, met_quantity) -> tuple:
    errors: dict[str, str] = {}
    if to not in {s.value for s in RequestStatus}:
        errors["status"] = _("Unknown status.")
        raise InvalidInput(errors)
    to = RequestStatus(to)
    reason = _check_text(reason, "reason", errors, required=(to == S.DECLINED))
    if to == S.PARTLY_MET:
        met_quantity = check_quantity(met_quantity, "met_quantity", errors, positive=True)
        if met_quantity is not None and met_quantity >= request.quantity:
            errors["met_quantity"] = _(
                "Partly met is less than the %(n)s requested.", n=request.quantity
            )
    if errors:
        raise InvalidInput(errors)
    return to, reason, met_quantity


@use_case
def change_status(
    request_id: int, to, reason: str | None = None, met_quantity: int | None = None
) -> ShortageRequest:
    """An officer's decision on a request; a combined county line carries its sources along."""
    request = _locked_request(request_id)
    to, reason, met_quantity = _check_decision(request, to, reason, met_quantity)
    if to == S.WITHDRAWN:
        raise TransitionRefused(_("Only the organisation itself withdraws its request."))
    move_status(request, to, reason, met_quantity)
    _carry_to_sources(request)
    return request


def _carry_to_sources(line: ShortageRequest) -> None:
    """Decisions on a county's combined line apply to the requests it came from."""
    remaining = line.met_quantity
    why = _("Decided on county request line %(id)s.", id=line.id)
    for source in line.sources:
        if line.status not in TRANSITIONS[source.status]:
            continue
        met = None
        if line.status == S.PARTLY_MET:
            met = min(remaining, source.quantity - 1)
            remaining -= met
            if met <= 0:
                continue
        reason = line.decline_reason if line.status == S.DECLINED else why
        move_status(source, line.status, reason, met)


@use_case
def withdraw(request_id: int, reason: str | None = None) -> ShortageRequest:
    """The organisation takes back a request that no one has planned for yet."""
    request = _locked_request(request_id)
    if request.status not in WITHDRAWABLE:
        raise TransitionRefused(
            _(
                "A request that is %(status)s can no longer be withdrawn.",
                status=request.status.value,
            )
        )
    if request.forwarded_in_id is not None:
        raise TransitionRefused(_("The county board has forwarded this request; ask it."))
    errors: dict[str, str] = {}
    reason = _check_text(reason, "reason", errors, required=False)
    if errors:
        raise InvalidInput(errors)
    move_status(request, S.WITHDRAWN, reason, None)
    return request


@use_case
def mark_in_plan(request_ids: list[int], plan_reference: str) -> int:
    """For allocation: these requests are included in a plan; returns how many moved."""
    moved = 0
    for request_id in request_ids:
        request = db.session.get(ShortageRequest, request_id)
        if request is not None and S.IN_PLAN in TRANSITIONS[request.status]:
            move_status(request, S.IN_PLAN, plan_reference, None)
            _carry_to_sources(request)
            moved += 1
    return moved


def open_requests_query():
    """Open requests that count at the national level (forwarded ones count in their line)."""
    return (
        select(ShortageRequest)
        .where(ShortageRequest.status.in_(OPEN_STATUSES))
        .where(ShortageRequest.forwarded_in_id.is_(None))
    )


def record_allocated(request: ShortageRequest, quantity: int, reason: str) -> None:
    """An approved plan gives this request `quantity` more: it is met, or partly met.

    The caller holds the request locked and commits. A combined county line carries the
    decision on to the requests it came from.
    """
    met = min(request.quantity, request.met_quantity + quantity)
    target = S.MET if met >= request.quantity else S.PARTLY_MET
    _set_met(request, target, met, reason)
    _carry_to_sources(request)


def record_shortfall(request: ShortageRequest, quantity: int, reason: str) -> None:
    """Units allocated to this request did not arrive: they are open again."""
    met = max(0, request.met_quantity - quantity)
    _set_met(request, S.PARTLY_MET if met else S.UNDER_REVIEW, met, reason)


def _set_met(request: ShortageRequest, to: RequestStatus, met: int, reason: str) -> None:
    """Set what is met and the status that follows, with a history entry; allocation and
    receipt may move a request between met and partly met, which officers' decisions may not."""
    _record_change(request, to, reason)
    request.status, request.met_quantity = to, met


def _record_change(request: ShortageRequest, to: RequestStatus, reason: str | None) -> None:
    """The request's history entry for a move to `to`, by whoever acts."""
    request.history.append(
        RequestStatusChange(
            from_status=request.status,
            to_status=to,
            reason=reason,
            changed_by=audit.current_actor_name(),
        )
    )

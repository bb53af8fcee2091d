"""Reviewing a plan: the officer's changes (re-checked against rules 1 and 4), submission, and
the second officer's decision (four eyes): send back with a comment, or approve.

Approval is one transaction: it locks the plan and the lots, checks that the stock and the
requests are still there, reserves the stock (first expiry first), creates the shipments and
records what each request will receive. If anything moved since the round, it refuses with a
clear message and nothing changes.
"""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select

import allocation
from allocation.check import Finding, check_shipments, shipment_km
from supplyapp import audit, clock, validation
from supplyapp.clock import utcnow
from supplyapp.config import setting
from supplyapp.extensions import db
from supplyapp.formatting import number
from supplyapp.i18n import _
from supplyapp.models import Item, Organisation, OrganisationKind, Warehouse
from supplyapp.models.demand import PRIORITY_RANK, ShortageRequest
from supplyapp.models.planning import (
    AllocationPlan,
    LineKind,
    PlanLine,
    PlanStatus,
    Shipment,
    ShipmentLot,
)
from supplyapp.models.stock import Lot, StockBalance
from supplyapp.services import stock
from supplyapp.services.demand import latest_line
from supplyapp.services.demand_requests import record_allocated
from supplyapp.services.errors import DomainError, InvalidInput, NotFound, known_id
from supplyapp.services.planning import stored_problem
from supplyapp.services.stock import begin_write, locked, locked_rows
from supplyapp.services.transaction import run_use_case

MAX_REASON = 2000


class PlanNotEditable(DomainError):
    """The plan is submitted, decided or discarded: its lines no longer change."""


class PlanRuleBroken(DomainError):
    """A change would break rule 1 or 4 of the model; nothing was changed."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("; ".join(f.message for f in findings))


class FourEyes(DomainError):
    """The officer who proposed or changed the plan cannot also decide it."""


class AlreadyDecided(DomainError):
    """The plan was decided already (a second submit of the same decision)."""


class StockMoved(DomainError):
    """Stock or requests changed since the round: approving now would not hold."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            _(
                "The plan cannot be approved as it stands: %(problems)s",
                problems="; ".join(problems),
            )
        )


def get_plan(plan_id: int) -> AllocationPlan:
    plan = db.session.get(AllocationPlan, plan_id) if known_id(plan_id) else None
    if plan is None:
        raise NotFound(_("No plan %(id)s.", id=plan_id))
    return plan


def _locked_plan(plan_id: int) -> AllocationPlan:
    begin_write()
    plan = locked(AllocationPlan, plan_id) if known_id(plan_id) else None
    if plan is None:
        raise NotFound(_("No plan %(id)s.", id=plan_id))
    return plan


def _required_text(value, field: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise InvalidInput({field: _("Say why.")})
    if len(text) > MAX_REASON:
        raise InvalidInput({field: _("At most %(n)s characters.", n=MAX_REASON)})
    return text


def _as_shipments(plan: AllocationPlan) -> list[allocation.Shipment]:
    return [
        allocation.Shipment(
            source=line.origin_code,
            organisation=line.recipient.code,
            item=line.item.code,
            quantity=line.quantity,
            km=line.km,
            kind=line.kind.value,
        )
        for line in plan.lines
        if line.quantity > 0
    ]


def _recheck(plan: AllocationPlan) -> None:
    """Rules 1 and 4 over every line of the plan as it now stands."""
    findings = check_shipments(stored_problem(plan), _as_shipments(plan))
    if findings:
        raise PlanRuleBroken(findings)


def change_line(plan_id: int, line_id: int, quantity, reason) -> PlanLine:
    """Set one line's quantity; the whole plan is re-checked against rules 1 and 4."""
    reason = _required_text(reason, "reason")
    validation.whole_number(quantity, "quantity")

    def work():
        plan = _editable(plan_id)
        line = next((ln for ln in plan.lines if ln.id == line_id), None)
        if line is None:
            raise NotFound(_("No line %(id)s in this plan.", id=line_id))
        line.quantity, line.change_reason = quantity, reason
        line.changed_by, line.changed_at = audit.current_actor_name(), utcnow()
        _recheck(plan)
        return line

    return run_use_case(work, reason)


def _editable(plan_id: int) -> AllocationPlan:
    plan = _locked_plan(plan_id)
    if not plan.editable:
        raise PlanNotEditable(
            _(
                "Plan %(code)s has been submitted or decided: its lines can no longer change.",
                code=plan.code,
            )
        )
    return plan


def add_line(
    plan_id: int, item_code: str, origin_code: str, recipient_code: str, quantity, reason
) -> PlanLine:
    """A line the model did not propose: national stock (or a donor's) to a recipient."""
    reason = _required_text(reason, "reason")
    validation.whole_number(quantity, "quantity", positive=True)

    def work():
        plan = _editable(plan_id)
        problem = stored_problem(plan)
        item = db.session.scalar(select(Item).where(Item.code == item_code))
        recipient = db.session.scalar(
            select(Organisation).where(Organisation.code == recipient_code)
        )
        warehouse = db.session.scalar(select(Warehouse).where(Warehouse.code == origin_code))
        donor = (
            None
            if warehouse
            else db.session.scalar(select(Organisation).where(Organisation.code == origin_code))
        )
        known_orgs = {o.code for o in problem.organisations}
        if item is None or item_code not in {i.code for i in problem.items}:
            raise InvalidInput({"item": _("The item is not part of this round.")})
        if recipient is None or recipient_code not in known_orgs:
            raise InvalidInput({"recipient": _("The recipient is not part of this round.")})
        if warehouse is None and (donor is None or origin_code not in known_orgs):
            raise InvalidInput({"origin": _("Choose a warehouse or a donor of this round.")})
        line = PlanLine(
            plan=plan,
            item_id=item.id,
            kind=LineKind.DISTRIBUTION if warehouse else LineKind.REDISTRIBUTION,
            warehouse_id=warehouse.id if warehouse else None,
            donor_id=donor.id if donor else None,
            recipient_id=recipient.id,
            km=round(shipment_km(problem, origin_code, recipient_code), 1),
            proposed_quantity=0,
            quantity=quantity,
            change_reason=reason,
            changed_by=audit.current_actor_name(),
            changed_at=utcnow(),
        )
        db.session.add(line)
        db.session.flush()
        db.session.refresh(plan, ["lines"])
        _recheck(plan)
        return line

    return run_use_case(work, reason)


def submit(plan_id: int, comment: str | None = None) -> AllocationPlan:
    """The officer hands the plan over for a second officer's decision."""

    def work():
        plan = _editable(plan_id)
        _recheck(plan)
        plan.status, plan.submitted_at = PlanStatus.SUBMITTED, utcnow()
        plan.submitted_by = audit.current_actor_name()
        return plan

    return run_use_case(work, (comment or "").strip() or _("Submitted for approval"))


def who_may_not_decide(plan: AllocationPlan) -> set[str]:
    """Whoever proposed, submitted or changed the plan: four eyes means someone else."""
    people = {plan.proposed_by, plan.submitted_by}
    people |= {line.changed_by for line in plan.lines if line.changed_by}
    return {p for p in people if p}


def may_decide(plan: AllocationPlan) -> bool:
    """Four eyes: whoever acts now is not among those who may not decide the plan."""
    return audit.current_actor_name() not in who_may_not_decide(plan)


def _already_decided(plan: AllocationPlan) -> str:
    if plan.status == PlanStatus.APPROVED:
        return _(
            "Plan %(code)s has been approved already: nothing was booked again.", code=plan.code
        )
    return _("Plan %(code)s has been discarded already.", code=plan.code)


def _decidable(plan_id: int) -> AllocationPlan:
    plan = _locked_plan(plan_id)
    if plan.status in (PlanStatus.APPROVED, PlanStatus.DISCARDED):
        raise AlreadyDecided(_already_decided(plan))
    if plan.status != PlanStatus.SUBMITTED:
        raise PlanNotEditable(
            _("Plan %(code)s has not been submitted for approval.", code=plan.code)
        )
    if not may_decide(plan):
        raise FourEyes(_("You proposed or changed this plan: another officer must decide it."))
    return plan


def send_back(plan_id: int, comment) -> AllocationPlan:
    """The second officer returns the plan with a comment; it becomes editable again."""
    comment = _required_text(comment, "comment")

    def work():
        plan = _decidable(plan_id)
        plan.status, plan.decision_comment = PlanStatus.RETURNED, comment
        plan.decided_by, plan.decided_at = audit.current_actor_name(), utcnow()
        return plan

    return run_use_case(work, comment)


def discard(plan_id: int, reason) -> AllocationPlan:
    """A plan not yet approved is dropped (superseded by a new round, say)."""
    reason = _required_text(reason, "reason")

    def work():
        plan = _locked_plan(plan_id)
        if plan.status in (PlanStatus.APPROVED, PlanStatus.DISCARDED):
            raise AlreadyDecided(_already_decided(plan))
        plan.status, plan.decision_comment = PlanStatus.DISCARDED, reason
        plan.decided_by, plan.decided_at = audit.current_actor_name(), utcnow()
        return plan

    return run_use_case(work, reason)


# ---------------------------------------------------------------------------------------------
# Approval


def approve(plan_id: int, comment: str | None = None, today: date | None = None) -> AllocationPlan:
    """Reserve the stock, create the shipments and update the requests, all or nothing."""
    today = today or clock.today()

    def work():
        # Hundreds of lines: flush when ids are needed, not before every lazy load.
        with db.session.no_autoflush:
            return _approve(plan_id, comment, today)

    return run_use_case(work, (comment or "").strip() or _("Approved"))


def _approve(plan_id: int, comment: str | None, today: date) -> AllocationPlan:
    plan = _decidable(plan_id)
    _recheck(plan)
    lines = [line for line in plan.lines if line.quantity > 0]
    problems: list[str] = []
    picks = _pick_lots(lines, today, problems)
    _check_donors(plan, lines, problems)
    requests = _check_requests(plan, lines, problems)
    if problems:
        raise StockMoved(problems)
    try:
        _create_shipments(plan, lines, picks, today)
    except stock.InsufficientStock as error:  # the ledger's own last word
        raise StockMoved([str(error)]) from error
    _record_requests(plan, lines, requests)
    plan.status, plan.decided_at = PlanStatus.APPROVED, utcnow()
    plan.decided_by = audit.current_actor_name()
    plan.decision_comment = (comment or "").strip() or None
    return plan


def allocatable_balances(item_id: int, warehouse_id: int, today: date) -> list[StockBalance]:
    """The approved, unexpired lots of an item in a warehouse, locked, first expiry first.

    Locks are taken in lot order, the same in every transaction, so two approvals wait for
    each other instead of deadlocking.
    """
    query = (
        select(StockBalance)
        .join(Lot, Lot.id == StockBalance.lot_id)
        .where(
            StockBalance.item_id == item_id,
            StockBalance.warehouse_id == warehouse_id,
            StockBalance.available > 0,
            (Lot.expiry_date.is_(None)) | (Lot.expiry_date > today),
        )
        .order_by(StockBalance.lot_id)
        .execution_options(populate_existing=True)
    )
    if db.engine.dialect.name != "sqlite":
        query = query.with_for_update(of=StockBalance)
    balances = db.session.scalars(query).all()
    expiry = {
        lot.id: lot.expiry_date
        for lot in db.session.scalars(select(Lot).where(Lot.id.in_([b.lot_id for b in balances])))
    }
    return sorted(
        balances, key=lambda b: (expiry[b.lot_id] is None, expiry[b.lot_id] or today, b.lot_id)
    )


def _pick_lots(lines: list[PlanLine], today: date, problems: list[str]) -> dict:
    """line id -> [(locked balance, quantity)], first expiry first; a shortfall goes into
    problems."""
    needed: dict[tuple[int, int], list[PlanLine]] = defaultdict(list)
    for line in lines:
        if line.kind == LineKind.DISTRIBUTION:
            needed[line.item_id, line.origin_id].append(line)
    picks: dict[int, list[tuple[StockBalance, int]]] = {}
    for (item_id, warehouse_id), group in sorted(needed.items()):
        balances = allocatable_balances(item_id, warehouse_id, today)
        left = {b: b.available for b in balances}
        total = sum(line.quantity for line in group)
        if sum(left.values()) < total:
            line = group[0]
            problems.append(
                _(
                    "%(warehouse)s now holds %(available)s %(item)s that can be allocated, the "
                    "plan needs %(needed)s",
                    warehouse=line.origin_code,
                    available=number(sum(left.values())),
                    item=line.item.code,
                    needed=number(total),
                )
            )
            continue
        for line in group:
            picks[line.id] = _take(left, line.quantity)
    return picks


def _take(left: dict[StockBalance, int], quantity: int) -> list[tuple[StockBalance, int]]:
    taken = []
    for balance in left:  # in first-expiry order
        if quantity == 0:
            break
        part = min(left[balance], quantity)
        if part:
            taken.append((balance, part))
            left[balance] -= part
            quantity -= part
    return taken


def _check_donors(plan: AllocationPlan, lines: list[PlanLine], problems: list[str]) -> None:
    """A donor must still hold, by its latest report, what it is asked to give."""
    given: dict[tuple[int, int], int] = defaultdict(int)
    for line in lines:
        if line.kind == LineKind.REDISTRIBUTION:
            given[line.origin_id, line.item_id] += line.quantity
    for (donor_id, item_id), quantity in given.items():
        latest = latest_line(donor_id, item_id)
        held = latest.stock_on_hand if latest else 0
        if held < quantity:
            donor = db.session.get_one(Organisation, donor_id)
            problems.append(
                _(
                    "%(donor)s now reports %(held)s, less than the %(quantity)s it "
                    "is asked to give",
                    donor=donor.name,
                    held=number(held),
                    quantity=number(quantity),
                )
            )


def _check_requests(plan: AllocationPlan, lines: list[PlanLine], problems: list[str]) -> dict:
    """(recipient id, item id) -> its open requests, locked; a shrunken request is a problem."""
    allocated: dict[tuple[int, int], int] = defaultdict(int)
    first: dict[tuple[int, int], PlanLine] = {}
    for line in lines:
        allocated[line.recipient_id, line.item_id] += line.quantity
        first.setdefault((line.recipient_id, line.item_id), line)
    ids = {
        pair: plan.context.get(f"{line.recipient.code}|{line.item.code}", {}).get("requests", [])
        for pair, line in first.items()
    }
    found = {r.id: r for r in locked_rows(ShortageRequest, [i for v in ids.values() for i in v])}
    result = {}
    for pair, quantity in sorted(allocated.items()):
        requests = [found[i] for i in ids[pair] if i in found and found[i].is_open]
        still_open = sum(r.quantity - r.met_quantity for r in requests)
        line = first[pair]
        if _requested_in_packs(plan, still_open, line.item.pack_size) < quantity:
            problems.append(
                _(
                    "%(organisation)s now has %(open)s %(item)s open in its "
                    "requests, the plan gives %(quantity)s",
                    organisation=line.recipient.name,
                    open=number(still_open),
                    item=line.item.code,
                    quantity=number(quantity),
                )
            )
        result[pair] = requests
    return result


def _requested_in_packs(plan: AllocationPlan, still_open: int, pack_size: int) -> int:
    """What the open requests count as: with whole packs, rounded up to whole packs (the
    allocation model's rule 1), so a plan the model made is not refused for its rounding."""
    if not plan.settings.get("whole_packs") or pack_size <= 1:
        return still_open
    return -(-still_open // pack_size) * pack_size


def _destination(line: PlanLine) -> tuple[bool, str]:
    recipient = line.recipient
    county = recipient.county
    if line.kind == LineKind.REDISTRIBUTION:
        return False, recipient.name
    if recipient.kind == OrganisationKind.COUNTY_BOARD or county.deliver_via_reloading_point:
        # Proper names only: pages add "reloading point" in the reader's language.
        point = county.reloading_point or county.capital
        return True, f"{point} ({county.name})"
    return False, recipient.name


def _create_shipments(
    plan: AllocationPlan, lines: list[PlanLine], picks: dict, today: date
) -> None:
    """A shipment per line, and the picked lots reserved on the balances locked already."""
    lead = int(setting("SHIPMENT_LEAD_DAYS"))
    shipments = []
    for line in lines:
        via, destination = _destination(line)
        shipments.append(
            Shipment(
                plan=plan,
                plan_line_id=line.id,
                kind=line.kind,
                item_id=line.item_id,
                warehouse_id=line.warehouse_id,
                donor_id=line.donor_id,
                recipient_id=line.recipient_id,
                quantity=line.quantity,
                via_reloading_point=via,
                destination=destination,
                expected_on=today + timedelta(days=lead),
                lots=[
                    ShipmentLot(lot_id=balance.lot_id, quantity=quantity)
                    for balance, quantity in picks.get(line.id, [])
                ],
            )
        )
    db.session.add_all(shipments)
    db.session.flush()  # the shipments' codes name the ledger rows
    reason = _("Allocation plan %(code)s", code=plan.code)
    for line, shipment in zip(lines, shipments, strict=True):
        for balance, quantity in picks.get(line.id, []):
            stock.reserve_locked(balance, quantity, reason=reason, reference=shipment.code)


def _record_requests(plan: AllocationPlan, lines: list[PlanLine], requests: dict) -> None:
    allocated: dict[tuple[int, int], int] = defaultdict(int)
    for line in lines:
        allocated[line.recipient_id, line.item_id] += line.quantity
    for key, quantity in allocated.items():
        ordered = sorted(
            requests[key], key=lambda r: (PRIORITY_RANK[r.priority], r.created_at, r.id)
        )
        for request in ordered:
            part = min(quantity, request.quantity - request.met_quantity)
            if part <= 0:
                continue
            record_allocated(request, part, _("Allocated in plan %(code)s", code=plan.code))
            quantity -= part

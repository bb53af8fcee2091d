"""What needs the signed-in user's attention: a short list for the start page, and one count for
the badge in the header.

Each entry is (message, url, count): count is how many things it stands for, so the entries'
counts add up to `notification_count(user)`.
"""

from typing import NamedTuple

from flask import url_for
from flask_babel import get_locale, ngettext
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from supplyapp.extensions import db
from supplyapp.formatting import number, short_date
from supplyapp.i18n import _
from supplyapp.models import Organisation, Role
from supplyapp.models.planning import (
    AllocationPlan,
    LineKind,
    PlanLine,
    PlanStatus,
    Shipment,
    ShipmentStatus,
)
from supplyapp.permissions import visible_organisations_filter

MAX_LISTED = 5  # per kind of entry; the rest are summed up in one line


class Notification(NamedTuple):
    message: str
    url: str
    count: int


def notifications_for(user) -> list[Notification]:
    """The entries for this user's role; empty for roles with nothing to act on."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.role in (Role.REQUESTER, Role.COUNTY):
        return _shipment_entries(user)
    if user.role in (Role.OFFICER, Role.ADMIN):
        return _plan_entries(user)
    if user.role == Role.LOGISTICS:
        return _warehouse_entries()
    return []


def notification_count(user) -> int:
    """The badge's figure, in one query."""
    if not getattr(user, "is_authenticated", False):
        return 0
    if user.role in (Role.REQUESTER, Role.COUNTY):
        incoming, to_send = _shipment_conditions(user)
        query = select(func.sum(case((incoming, 1), else_=0) + case((to_send, 1), else_=0))).where(
            or_(incoming, to_send)
        )
    elif user.role in (Role.OFFICER, Role.ADMIN):
        to_decide, returned = _plan_conditions(user.username)
        query = select(func.count(AllocationPlan.id)).where(or_(to_decide, returned))
    elif user.role == Role.LOGISTICS:
        query = select(func.count(Shipment.id)).where(*_warehouse_condition())
    else:
        return 0
    return int(db.session.scalar(query) or 0)


# ---------------------------------------------------------------------------------------------
# Requesters and county boards: what they will receive, and what they must send


def _shipment_conditions(user):
    visible = select(Organisation.id).where(visible_organisations_filter(user))
    incoming = and_(Shipment.recipient_id.in_(visible), Shipment.status != ShipmentStatus.RECEIVED)
    to_send = and_(
        Shipment.donor_id.in_(visible),
        Shipment.kind == LineKind.REDISTRIBUTION,
        Shipment.status == ShipmentStatus.PLANNED,
    )
    return incoming, to_send


def _shipments(condition) -> list[Shipment]:
    return list(
        db.session.scalars(
            select(Shipment)
            .where(condition)
            .options(
                joinedload(Shipment.item),
                joinedload(Shipment.recipient),
                joinedload(Shipment.donor),
                joinedload(Shipment.warehouse),
            )
            .order_by(Shipment.expected_on, Shipment.id)
        ).unique()
    )


def _shipment_entries(user) -> list[Notification]:
    incoming, to_send = _shipment_conditions(user)
    entries = []
    sending = _shipments(to_send)
    for s in sending[:MAX_LISTED]:
        entries.append(
            Notification(
                _(
                    "Send %(quantity)s %(item)s to %(to)s (%(code)s): confirm when it has left.",
                    quantity=number(s.quantity),
                    item=_item(s),
                    to=s.recipient.name,
                    code=s.code,
                ),
                _shipment_url(s),
                1,
            )
        )
    receiving = _shipments(incoming)
    for s in receiving[:MAX_LISTED]:
        entries.append(Notification(_incoming_message(s), _shipment_url(s), 1))
    rest = max(0, len(sending) - MAX_LISTED) + max(0, len(receiving) - MAX_LISTED)
    if rest:
        entries.append(
            Notification(
                ngettext(
                    "%(num)d more shipment to send or receive.",
                    "%(num)d more shipments to send or receive.",
                    rest,
                ),
                url_for("shipments.shipment_list"),
                rest,
            )
        )
    return entries


def _incoming_message(s: Shipment) -> str:
    values = {
        "quantity": number(s.sent_quantity if s.sent_quantity is not None else s.quantity),
        "item": _item(s),
        "to": s.recipient.name,
        "origin": s.origin,
        "date": short_date(s.expected_on),
        "code": s.code,
    }
    if s.status == ShipmentStatus.IN_TRANSIT:
        return _(
            "On its way to %(to)s: %(quantity)s %(item)s from %(origin)s, expected "
            "%(date)s (%(code)s). Confirm receipt when it arrives.",
            **values,
        )
    return _(
        "Coming to %(to)s: %(quantity)s %(item)s from %(origin)s, expected %(date)s (%(code)s).",
        **values,
    )


def _item(s: Shipment) -> str:
    return s.item.name(str(get_locale()))


def _shipment_url(s: Shipment) -> str:
    return url_for("shipments.shipment_detail", shipment_id=s.id)


# ---------------------------------------------------------------------------------------------
# Officers: plans waiting for a second officer, and plans sent back


def _plan_conditions(username: str):
    # Four eyes (plan_review.who_may_not_decide): a plan the user proposed, submitted or
    # changed a line of is for someone else to decide.
    changed_by_user = (
        select(PlanLine.id)
        .where(PlanLine.plan_id == AllocationPlan.id, PlanLine.changed_by == username)
        .exists()
    )
    to_decide = and_(
        AllocationPlan.status == PlanStatus.SUBMITTED,
        AllocationPlan.proposed_by != username,
        func.coalesce(AllocationPlan.submitted_by, "") != username,
        ~changed_by_user,
    )
    returned = and_(
        AllocationPlan.status == PlanStatus.RETURNED,
        or_(AllocationPlan.proposed_by == username, AllocationPlan.submitted_by == username),
    )
    return to_decide, returned


def _plans(condition) -> list[AllocationPlan]:
    return list(
        db.session.scalars(select(AllocationPlan).where(condition).order_by(AllocationPlan.id))
    )


def _plan_entries(user) -> list[Notification]:
    to_decide, returned = _plan_conditions(user.username)
    entries = []
    waiting = _plans(to_decide)
    for plan in waiting[:MAX_LISTED]:
        entries.append(
            Notification(
                _(
                    "%(plan)s waits for your decision: proposed by %(by)s, submitted %(date)s.",
                    plan=plan.code,
                    by=plan.proposed_by,
                    date=short_date(plan.submitted_at),
                ),
                plan_url(plan.id),
                1,
            )
        )
    sent_back = _plans(returned)
    for plan in sent_back[:MAX_LISTED]:
        entries.append(
            Notification(
                _(
                    "%(plan)s was sent back to you by %(by)s: %(comment)s",
                    plan=plan.code,
                    by=plan.decided_by,
                    comment=plan.decision_comment or "",
                ),
                plan_url(plan.id),
                1,
            )
        )
    rest = max(0, len(waiting) - MAX_LISTED) + max(0, len(sent_back) - MAX_LISTED)
    if rest:
        entries.append(
            Notification(
                ngettext("%(num)d more plan needs you.", "%(num)d more plans need you.", rest),
                url_for("planning.plan_list"),
                rest,
            )
        )
    return entries


def plan_url(plan_id: int) -> str:
    """The plan's page, where the officer reviews and decides it."""
    return url_for("planning.plan_detail", plan_id=plan_id)


# ---------------------------------------------------------------------------------------------
# Logistics: what to pick and dispatch today


def _warehouse_condition():
    return (
        Shipment.kind == LineKind.DISTRIBUTION,
        Shipment.status.in_((ShipmentStatus.PLANNED, ShipmentStatus.PICKED)),
    )


def _warehouse_entries() -> list[Notification]:
    rows = db.session.execute(
        select(Shipment.status, func.count(Shipment.id), func.sum(Shipment.quantity))
        .where(*_warehouse_condition())
        .group_by(Shipment.status)
    ).all()
    by_status = {status: (n, units) for status, n, units in rows}
    url = url_for("shipments.shipment_list", view="todo")
    entries = []
    n, units = by_status.get(ShipmentStatus.PLANNED, (0, 0))
    if n:
        entries.append(
            Notification(
                ngettext(
                    "%(num)d shipment to pick (%(units)s units).",
                    "%(num)d shipments to pick (%(units)s units).",
                    n,
                    units=number(int(units)),
                ),
                url,
                n,
            )
        )
    n, units = by_status.get(ShipmentStatus.PICKED, (0, 0))
    if n:
        entries.append(
            Notification(
                ngettext(
                    "%(num)d shipment to dispatch (%(units)s units).",
                    "%(num)d shipments to dispatch (%(units)s units).",
                    n,
                    units=number(int(units)),
                ),
                url,
                n,
            )
        )
    return entries

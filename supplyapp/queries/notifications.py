"""What needs the signed-in user's attention: a short list for the start page, and one count for
the badge in the header.

Each entry is data (what kind of thing, how many, the record); the web layer words it and links
it. The entries' counts add up to `notification_count(user)`.
"""

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from supplyapp.extensions import db
from supplyapp.models import Organisation, OrganisationKind, Role
from supplyapp.models.intensive_care import IcuUnit
from supplyapp.models.planning import (
    AllocationPlan,
    LineKind,
    PlanLine,
    PlanStatus,
    Shipment,
    ShipmentStatus,
)
from supplyapp.permissions import (
    NATIONAL_ROLES,
    can_report_for_unit,
    reported_units_filter,
    visible_organisations_filter,
)
from supplyapp.queries import intensive_care as icu_queries
from supplyapp.queries import transfers as transfer_queries

MAX_LISTED = 5  # per kind of entry; the rest are summed up in one entry


class Attention(NamedTuple):
    """One thing to act on. kind: send, incoming, more_shipments, decide_plan, plan_returned,
    more_plans, pick, dispatch; intensive care: icu_nation_low, icu_region_low, icu_overdue,
    icu_more_overdue; transfers: transfer_answer (a unit's placements to answer),
    transfer_open (patients waiting for a placement), transfer_transport (accepted, no
    transport booked)."""

    kind: str
    how_many: int  # not `count`, which would hide tuple.count
    shipment: Shipment | None = None
    plan: AllocationPlan | None = None
    units: int = 0
    region: Organisation | None = None
    unit: IcuUnit | None = None
    share: float | None = None  # a free share
    last_report: datetime | None = None


def notifications_for(user) -> list[Attention]:
    """The entries for this user's role; empty for roles with nothing to act on."""
    if not getattr(user, "is_authenticated", False):
        return []
    return _icu_entries(user) + _transfer_entries(user) + _role_entries(user)


def _role_entries(user) -> list[Attention]:
    if user.role in (Role.REQUESTER, Role.COUNTY):
        return _shipment_entries(user)
    if user.role in (Role.OFFICER, Role.ADMIN):
        return _plan_entries(user)
    if user.role == Role.LOGISTICS:
        return _warehouse_entries()
    return []


def notification_count(user) -> int:
    """The badge's figure: one query for the role's entries, and the intensive-care ones."""
    if not getattr(user, "is_authenticated", False):
        return 0
    icu = _icu_entries(user) + _transfer_entries(user)
    return sum(entry.how_many for entry in icu) + _role_count(user)


def _role_count(user) -> int:
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


def _shipment_entries(user) -> list[Attention]:
    incoming, to_send = _shipment_conditions(user)
    sending, receiving = _shipments(to_send), _shipments(incoming)
    entries = [Attention("send", 1, shipment=s) for s in sending[:MAX_LISTED]]
    entries += [Attention("incoming", 1, shipment=s) for s in receiving[:MAX_LISTED]]
    rest = max(0, len(sending) - MAX_LISTED) + max(0, len(receiving) - MAX_LISTED)
    if rest:
        entries.append(Attention("more_shipments", rest))
    return entries


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


def _plan_entries(user) -> list[Attention]:
    to_decide, returned = _plan_conditions(user.username)
    waiting, sent_back = _plans(to_decide), _plans(returned)
    entries = [Attention("decide_plan", 1, plan=plan) for plan in waiting[:MAX_LISTED]]
    entries += [Attention("plan_returned", 1, plan=plan) for plan in sent_back[:MAX_LISTED]]
    rest = max(0, len(waiting) - MAX_LISTED) + max(0, len(sent_back) - MAX_LISTED)
    if rest:
        entries.append(Attention("more_plans", rest))
    return entries


# ---------------------------------------------------------------------------------------------
# Logistics: what to pick and dispatch today


def _warehouse_condition():
    return (
        Shipment.kind == LineKind.DISTRIBUTION,
        Shipment.status.in_((ShipmentStatus.PLANNED, ShipmentStatus.PICKED)),
    )


def _warehouse_entries() -> list[Attention]:
    rows = db.session.execute(
        select(Shipment.status, func.count(Shipment.id), func.sum(Shipment.quantity))
        .where(*_warehouse_condition())
        .group_by(Shipment.status)
    ).all()
    by_status = {status: (n, int(units or 0)) for status, n, units in rows}
    entries = []
    for kind, status in (("pick", ShipmentStatus.PLANNED), ("dispatch", ShipmentStatus.PICKED)):
        n, units = by_status.get(status, (0, 0))
        if n:
            entries.append(Attention(kind, n, units=units))
    return entries


# ---------------------------------------------------------------------------------------------
# Intensive care: a region under 10 % free (national roles and the region's users), the nation
# under 20 % (national roles), units' overdue reports (their reporters and region's users)


def _home_region_id(user) -> int | None:
    """The region whose users this user is: a region's own user, or an ICU reporter of one of
    its units."""
    if user.role == Role.ICU_REPORTER and user.icu_unit is not None:
        return user.icu_unit.region_id
    organisation = user.organisation
    if (
        user.role == Role.REQUESTER
        and organisation
        and organisation.kind == OrganisationKind.REGION
    ):
        return organisation.id
    return None


def _icu_entries(user) -> list[Attention]:
    national = user.role in NATIONAL_ROLES
    home = _home_region_id(user)
    entries = []
    if national or home is not None:
        by_region = icu_queries.today_by_region()
        share = icu_queries.nation_of(by_region)["free_share"] if national else None
        if share is not None and share < icu_queries.NATIONAL_SIGNAL_BELOW:
            entries.append(Attention("icu_nation_low", 1, share=share))
        low = [
            region_id
            for region_id, figures in by_region.items()
            if figures["band"] == "red" and (national or region_id == home)
        ]
        regions = {r.id: r for r in icu_queries.regions() if r.id in low}
        entries += [
            Attention("icu_region_low", 1, region=regions[i], share=by_region[i]["free_share"])
            for i in sorted(low, key=lambda i: regions[i].code)
        ]
    if user.role in (Role.ICU_REPORTER, Role.REQUESTER):
        overdue = icu_queries.overdue_units(limit=MAX_LISTED + 1, among=reported_units_filter(user))
        entries += [
            Attention(
                "icu_overdue", 1, unit=o["unit"], last_report=o["report"] and o["report"].as_of
            )
            for o in overdue[:MAX_LISTED]
        ]
        if len(overdue) > MAX_LISTED:
            rest = icu_queries.overdue_count(among=reported_units_filter(user)) - MAX_LISTED
            entries.append(Attention("icu_more_overdue", rest))
    return entries


# ---------------------------------------------------------------------------------------------
# Transfers: placements to answer (the receiving unit's reporters and region's users), patients
# to place and accepted patients without transport (the coordinators)


def _transfer_entries(user) -> list[Attention]:
    entries = []
    if user.role in (Role.ICU_REPORTER, Role.REQUESTER):
        units = [u for u in icu_queries.units() if can_report_for_unit(user, u)]
        waiting = transfer_queries.waiting_answer_counts([u.id for u in units])
        entries += [
            Attention("transfer_answer", waiting[u.id], unit=u) for u in units if u.id in waiting
        ]
    if user.role in transfer_queries.COORDINATING_ROLES:
        open_patients = transfer_queries.open_patient_count()
        if open_patients:
            entries.append(Attention("transfer_open", open_patients))
        no_transport = transfer_queries.accepted_without_transport_count()
        if no_transport:
            entries.append(Attention("transfer_transport", no_transport))
    return entries

"""Notifications in words: the start page's list and the header's badge.

The query (supplyapp/queries/notifications.py) says what needs attention; this module says it in
the reader's language and links each entry to the page where it is done.
"""

from typing import NamedTuple

from flask import Flask, request, url_for
from flask_babel import get_locale, ngettext
from flask_login import current_user

from supplyapp.formatting import date_time, number, short_date
from supplyapp.i18n import _
from supplyapp.models import Role
from supplyapp.models.planning import Shipment, ShipmentStatus
from supplyapp.queries.notifications import Attention, notification_count, notifications_for


class Notification(NamedTuple):
    message: str
    url: str
    how_many: int  # not `count`, which would hide tuple.count


def notifications(user) -> list[Notification]:
    """The start page's entries for this user, worded and linked."""
    return [
        Notification(_message(entry), _url(entry), entry.how_many)
        for entry in notifications_for(user)
    ]


def plan_url(plan_id: int) -> str:
    """The plan's page, where the officer reviews and decides it; for a user of one
    organisation, the decision as it concerns that organisation."""
    if current_user.is_authenticated and current_user.role in (Role.REQUESTER, Role.COUNTY):
        return url_for("planning.my_decision", plan_id=plan_id)
    return url_for("planning.plan_detail", plan_id=plan_id)


def _url(entry: Attention) -> str:
    if entry.kind.startswith("transfer_"):
        return _transfer_url(entry)
    if entry.kind.startswith("icu_"):
        return _icu_url(entry)
    if entry.shipment is not None:
        return url_for("shipments.shipment_detail", shipment_id=entry.shipment.id)
    if entry.plan is not None:
        return plan_url(entry.plan.id)
    if entry.kind == "more_plans":
        return url_for("planning.plan_list")
    if entry.kind == "more_shipments":
        return url_for("shipments.shipment_list")
    return url_for("shipments.shipment_list", view="todo")


def _message(entry: Attention) -> str:
    if entry.kind.startswith("transfer_"):
        return _transfer_message(entry)
    if entry.kind.startswith("icu_"):
        return _icu_message(entry)
    s, plan = entry.shipment, entry.plan
    if entry.kind == "send" and s is not None:
        return _(
            "Send %(quantity)s %(item)s to %(to)s (%(code)s): confirm when it has left.",
            quantity=number(s.quantity),
            item=_item(s),
            to=s.recipient.name,
            code=s.code,
        )
    if entry.kind == "incoming" and s is not None:
        return _incoming_message(s)
    if entry.kind == "decide_plan" and plan is not None:
        return _(
            "%(plan)s waits for your decision: proposed by %(by)s, submitted %(date)s.",
            plan=plan.code,
            by=plan.proposed_by,
            date=short_date(plan.submitted_at),
        )
    if entry.kind == "plan_returned" and plan is not None:
        return _(
            "%(plan)s was sent back to you by %(by)s: %(comment)s",
            plan=plan.code,
            by=plan.decided_by,
            comment=plan.decision_comment or "",
        )
    return _count_message(entry)


def _count_message(entry: Attention) -> str:
    n, units = entry.how_many, number(entry.units)
    if entry.kind == "more_shipments":
        return ngettext(
            "%(num)d more shipment to send or receive.",
            "%(num)d more shipments to send or receive.",
            n,
        )
    if entry.kind == "more_plans":
        return ngettext("%(num)d more plan needs you.", "%(num)d more plans need you.", n)
    if entry.kind == "pick":
        return ngettext(
            "%(num)d shipment to pick (%(units)s units).",
            "%(num)d shipments to pick (%(units)s units).",
            n,
            units=units,
        )
    return ngettext(
        "%(num)d shipment to dispatch (%(units)s units).",
        "%(num)d shipments to dispatch (%(units)s units).",
        n,
        units=units,
    )


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


def _icu_url(entry: Attention) -> str:
    if entry.unit is not None:
        return url_for("intensive_care.picture_unit", code=entry.unit.code)
    if entry.region is not None:
        return url_for("intensive_care.picture_region", code=entry.region.code)
    if entry.kind == "icu_more_overdue":
        return url_for("intensive_care.picture") + "#overdue"
    return url_for("intensive_care.picture")


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{number(share * 100, 1)} %"


def _icu_message(entry: Attention) -> str:
    if entry.kind == "icu_nation_low":
        return _(
            "Intensive care: %(share)s of Sweden's staffed places are free, under 20 %%: the "
            "national signal.",
            share=_percent(entry.share),
        )
    if entry.kind == "icu_region_low" and entry.region is not None:
        return _(
            "Intensive care: %(region)s has %(share)s of its staffed places free, under 10 %%.",
            region=entry.region.name,
            share=_percent(entry.share),
        )
    if entry.kind == "icu_overdue" and entry.unit is not None:
        if entry.last_report is None:
            return _("%(unit)s has not reported: today's report is overdue.", unit=entry.unit.name)
        return _(
            "%(unit)s's report is overdue: the last came %(time)s.",
            unit=entry.unit.name,
            time=date_time(entry.last_report),
        )
    return ngettext(
        "%(num)d more unit's report is overdue.",
        "%(num)d more units' reports are overdue.",
        entry.how_many,
    )


def _item(s: Shipment) -> str:
    return s.item.name(str(get_locale()))


def _count() -> int:
    # Asked by the template, once per request, so pages without the header cost nothing.
    # Cached on the request, not on g: an app context may outlive one request (tests, CLI).
    if not hasattr(request, "_notification_count"):
        request._notification_count = notification_count(current_user)  # type: ignore[attr-defined]
    return request._notification_count  # type: ignore[attr-defined]


def register(app: Flask) -> None:
    @app.context_processor
    def inject_notification_count():
        if current_user.is_authenticated:
            return {"notification_count": _count}
        return {"notification_count": None}


def _transfer_url(entry: Attention) -> str:
    if entry.kind == "transfer_answer" and entry.unit is not None:
        return url_for("transfers.incoming", code=entry.unit.code)
    if entry.kind == "transfer_transport":
        return url_for("transfers.transport_list")
    return url_for("transfers.coordination")


def _transfer_message(entry: Attention) -> str:
    n = entry.how_many
    if entry.kind == "transfer_answer" and entry.unit is not None:
        return ngettext(
            "%(num)d patient proposed to %(unit)s waits for your answer.",
            "%(num)d patients proposed to %(unit)s wait for your answer.",
            n,
            unit=entry.unit.name,
        )
    if entry.kind == "transfer_transport":
        return ngettext(
            "%(num)d accepted patient waits for transport.",
            "%(num)d accepted patients wait for transport.",
            n,
        )
    return ngettext(
        "%(num)d patient waits for a placement: run the proposal.",
        "%(num)d patients wait for a placement: run the proposal.",
        n,
    )

"""Shipments of an approved plan: logistics picks and dispatches national material, a donor
confirms it sent its surplus, and the recipient confirms what arrived.

Each step checks the shipment's status under a row lock, so a step submitted twice books once
(the second is told it is done already). Dispatch takes the reserved lots out of the national
stock; sending and receiving adjust the organisations' reported stock by the confirmed figures.
"""

from datetime import date, timedelta

from supplyapp import audit, clock, validation
from supplyapp.clock import utcnow
from supplyapp.extensions import db
from supplyapp.i18n import _
from supplyapp.models import OrganisationKind
from supplyapp.models.demand import ReportSource, ShortageRequest
from supplyapp.models.planning import LineKind, Shipment, ShipmentLot, ShipmentStatus
from supplyapp.services import stock
from supplyapp.services.demand import latest_line, store_report
from supplyapp.services.demand_requests import record_shortfall
from supplyapp.services.errors import DomainError, InvalidInput, NotFound, known_id
from supplyapp.services.stock import begin_write, locked
from supplyapp.services.transaction import run_use_case

MAX_NOTE = 2000
KM_PER_TRANSIT_DAY = 600  # a lorry's day on Swedish roads, for the expected arrival


class AlreadyDone(DomainError):
    """This step was taken already (a double submit): nothing was booked again."""


class WrongStep(DomainError):
    """The shipment is not at the step this action belongs to."""


def get_shipment(shipment_id: int) -> Shipment:
    shipment = db.session.get(Shipment, shipment_id) if known_id(shipment_id) else None
    if shipment is None:
        raise NotFound(_("No shipment %(id)s.", id=shipment_id))
    return shipment


def _locked(
    shipment_id: int, kind: LineKind, step_from: ShipmentStatus, done: tuple[ShipmentStatus, ...]
) -> Shipment:
    begin_write()
    shipment = locked(Shipment, shipment_id) if known_id(shipment_id) else None
    if shipment is None:
        raise NotFound(_("No shipment %(id)s.", id=shipment_id))
    if shipment.kind != kind:
        raise WrongStep(_("Shipment %(code)s is not of this kind.", code=shipment.code))
    if shipment.status in done:
        raise AlreadyDone(
            _(
                "This step of shipment %(code)s is done already: nothing was booked again.",
                code=shipment.code,
            )
        )
    if shipment.status != step_from:
        raise WrongStep(_("Shipment %(code)s is not at this step.", code=shipment.code))
    return shipment


def pick(shipment_id: int, today: date | None = None) -> Shipment:
    """Logistics has picked the reserved lots (first expiry first) for this shipment.

    Lots that have expired since the approval are put back and replaced by unexpired ones of
    the same item in the same warehouse, first expiry first; a picked shipment holding an
    expired lot may be picked again for that.
    """
    S = ShipmentStatus
    today = today or clock.today()

    def work():
        begin_write()
        shipment = locked(Shipment, shipment_id) if known_id(shipment_id) else None
        repick = (
            shipment is not None and shipment.status == S.PICKED and expired_parts(shipment, today)
        )
        if not repick:
            shipment = _locked(
                shipment_id, LineKind.DISTRIBUTION, S.PLANNED, (S.PICKED, S.IN_TRANSIT, S.RECEIVED)
            )
        _replace_expired(shipment, today)
        shipment.status, shipment.picked_at = S.PICKED, utcnow()
        shipment.picked_by = audit.current_actor_name()
        return shipment

    return run_use_case(work, _("Picked"))


def expired_parts(shipment: Shipment, today: date) -> list[ShipmentLot]:
    """The shipment's lots that have reached their expiry date: they must not leave."""
    return [
        part
        for part in shipment.lots
        if part.lot.expiry_date is not None and part.lot.expiry_date <= today
    ]


def _replace_expired(shipment: Shipment, today: date) -> None:
    """Quality gate: a lot past its expiry date never leaves; take fresh stock instead."""
    from supplyapp.services.plan_review import allocatable_balances

    expired = expired_parts(shipment, today)
    if not expired:
        return
    reason = _("Expired before dispatch: replaced in shipment %(code)s", code=shipment.code)
    missing = 0
    for stale in expired:
        stock.release(stale.lot_id, stale.quantity, reason=reason, reference=shipment.code)
        missing += stale.quantity
        db.session.delete(stale)
    shipment.lots = [p for p in shipment.lots if p not in expired]
    if shipment.warehouse is None:  # only a shipment from a warehouse carries lots
        raise ValueError(f"Shipment {shipment.code} carries lots but comes from no warehouse.")
    fresh = allocatable_balances(shipment.item_id, shipment.warehouse.id, today)
    if sum(b.available for b in fresh) < missing:
        raise WrongStep(
            _(
                "A lot of shipment %(code)s has expired and %(warehouse)s holds too "
                "little unexpired stock to replace it: ask an officer.",
                code=shipment.code,
                warehouse=shipment.warehouse.code,
            )
        )
    for balance in fresh:
        part = min(balance.available, missing)
        if part:
            stock.reserve(balance.lot_id, part, reason=reason, reference=shipment.code)
            same = next((p for p in shipment.lots if p.lot_id == balance.lot_id), None)
            if same is not None:
                same.quantity += part
            else:
                shipment.lots.append(ShipmentLot(lot_id=balance.lot_id, quantity=part))
            missing -= part
        if missing == 0:
            break


def dispatch(shipment_id: int, today: date | None = None) -> Shipment:
    """The shipment leaves the warehouse: its reserved lots go out of the national stock."""
    S = ShipmentStatus
    today = today or clock.today()

    def work():
        shipment = _locked(shipment_id, LineKind.DISTRIBUTION, S.PICKED, (S.IN_TRANSIT, S.RECEIVED))
        expired = expired_parts(shipment, today)
        if expired:
            raise WrongStep(
                _(
                    "Lot %(lot)s has passed its expiry date: record the pick again to replace it.",
                    lot=expired[0].lot.lot_number,
                )
            )
        for part in shipment.lots:
            stock.dispatch(
                part.lot_id,
                part.quantity,
                reason=_(
                    "Shipment %(code)s to %(to)s", code=shipment.code, to=shipment.destination
                ),
                reference=shipment.code,
            )
        shipment.status, shipment.sent_quantity = S.IN_TRANSIT, shipment.quantity
        shipment.sent_by, shipment.sent_at = audit.current_actor_name(), utcnow()
        shipment.expected_on = today + timedelta(days=_transit_days(shipment))
        return shipment

    return run_use_case(work, _("Dispatched"))


def _transit_days(shipment: Shipment) -> int:
    return 1 + int(shipment.plan_line.km // KM_PER_TRANSIT_DAY)


def _quantity(value, field: str, most: int) -> int:
    validation.whole_number(value, field)
    if value > most:
        raise InvalidInput({field: _("At most %(n)s.", n=most)})
    return value


def _note(note, required: bool) -> str | None:
    text = note.strip() if isinstance(note, str) else ""
    if required and not text:
        raise InvalidInput({"note": _("Say what was wrong: short, damaged, or other.")})
    if len(text) > MAX_NOTE:
        raise InvalidInput({"note": _("At most %(n)s characters.", n=MAX_NOTE)})
    return text or None


def confirm_sent(
    shipment_id: int, sent_quantity, note: str | None = None, today: date | None = None
) -> Shipment:
    """The donor confirms it sent its surplus; its reported stock goes down by that much."""
    S = ShipmentStatus
    today = today or clock.today()

    def work():
        shipment = _locked(
            shipment_id, LineKind.REDISTRIBUTION, S.PLANNED, (S.IN_TRANSIT, S.RECEIVED)
        )
        sent = _quantity(sent_quantity, "sent_quantity", shipment.quantity)
        if sent == 0:
            raise InvalidInput(
                {"sent_quantity": _("Nothing sent: ask the officer to change the plan instead.")}
            )
        text = _note(note, required=sent < shipment.quantity)
        shipment.status, shipment.sent_quantity = S.IN_TRANSIT, sent
        shipment.sent_by, shipment.sent_at = audit.current_actor_name(), utcnow()
        shipment.discrepancy_note = text
        shipment.expected_on = today + timedelta(days=_transit_days(shipment))
        _adjust_reported(shipment.donor, shipment.item_id, -sent, today, shipment.code)
        return shipment

    return run_use_case(work, note or _("Sent"))


def confirm_receipt(
    shipment_id: int,
    received_quantity,
    damaged_quantity,
    note: str | None = None,
    today: date | None = None,
) -> Shipment:
    """The recipient confirms what arrived in good order, and what arrived damaged.

    A shortfall (sent less received) needs a note; the units that did not arrive are open
    again in the recipient's requests. The recipient's reported stock goes up by what arrived.
    """
    S = ShipmentStatus
    today = today or clock.today()

    def work():
        begin_write()
        shipment = locked(Shipment, shipment_id) if known_id(shipment_id) else None
        if shipment is None:
            raise NotFound(_("No shipment %(id)s.", id=shipment_id))
        if shipment.status == S.RECEIVED:
            raise AlreadyDone(_("Shipment %(code)s is received already.", code=shipment.code))
        if shipment.status != S.IN_TRANSIT:
            raise WrongStep(_("Shipment %(code)s has not been sent yet.", code=shipment.code))
        sent = shipment.sent_quantity
        received = _quantity(received_quantity, "received_quantity", sent)
        damaged = _quantity(damaged_quantity, "damaged_quantity", sent - received)
        text = _note(note, required=received < sent)
        shipment.status, shipment.received_quantity = S.RECEIVED, received
        shipment.damaged_quantity = damaged
        shipment.received_by, shipment.received_at = audit.current_actor_name(), utcnow()
        if text:
            shipment.discrepancy_note = "\n".join(t for t in (shipment.discrepancy_note, text) if t)
        if shipment.recipient.kind != OrganisationKind.COUNTY_BOARD:
            _adjust_reported(shipment.recipient, shipment.item_id, received, today, shipment.code)
        _reopen_requests(shipment, shipment.quantity - received)
        return shipment

    return run_use_case(work, note or _("Received"))


def _adjust_reported(organisation, item_id: int, delta: int, today: date, reference: str) -> None:
    """A new report line: the latest stock moved by delta, the reported use unchanged."""
    if delta == 0:
        return
    current = latest_line(organisation.id, item_id)
    stock_on_hand = max(0, (current.stock_on_hand if current else 0) + delta)
    use = current.daily_use if current else 0
    # The count behind the figure keeps its date, so the figure never looks fresher than it is.
    as_of = current.as_of if current else today
    store_report(
        organisation,
        as_of,
        [{"item_id": item_id, "stock_on_hand": stock_on_hand, "daily_use": use}],
        ReportSource.SHIPMENT,
        note=_("Shipment %(code)s", code=reference),
    )


def _reopen_requests(shipment: Shipment, missing: int) -> None:
    """Units that did not arrive go back to the recipient's requests, newest first."""
    if missing <= 0:
        return
    ids = shipment.plan.context.get(f"{shipment.recipient.code}|{shipment.item.code}", {}).get(
        "requests", []
    )
    requests = [locked(ShortageRequest, request_id) for request_id in sorted(ids, reverse=True)]
    reason = _("Shipment %(code)s arrived %(missing)s short", code=shipment.code, missing=missing)
    for request in requests:
        if request is None or missing <= 0 or request.met_quantity == 0:
            continue
        part = min(missing, request.met_quantity)
        record_shortfall(request, part, reason)
        missing -= part

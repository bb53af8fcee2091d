"""County coordination under § 3 a of SFS 2020:126: sharing material within a county, and the
county board's combined request for the needs it cannot meet within 48 hours.

Both write under a lock taken before anything is read (as `services/stock.py` does): on SQLite
the write lock (`BEGIN IMMEDIATE`), on PostgreSQL `SELECT ... FOR UPDATE` of the source requests
(forwarding) or of the giver's and receiver's organisation rows (sharing). So three identical
posts at once make one combined line, and three sharings at once all lower the giver's figure.
"""

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import select

from supplyapp import audit, clock
from supplyapp.extensions import db
from supplyapp.i18n import _
from supplyapp.models import Organisation, OrganisationKind
from supplyapp.models.demand import (
    PRIORITY_RANK,
    CountyRequest,
    CountySharing,
    LatestReportLine,
    ReportSource,
    RequestStatus,
    RequestStatusChange,
    ShortageRequest,
)
from supplyapp.services.demand import (
    active_items,
    check_as_of,
    check_quantity,
    requesting_organisation,
    store_report,
)
from supplyapp.services.demand_requests import TRANSITIONS, move_status
from supplyapp.services.errors import DomainError, InvalidInput, NotFound
from supplyapp.services.stock import begin_write, locked_rows
from supplyapp.services.transaction import use_case

FORWARDABLE = (RequestStatus.SUBMITTED, RequestStatus.UNDER_REVIEW)
ESCALATE_AFTER_HOURS = 48


def overdue_request_ids(requests: list[ShortageRequest], now: datetime) -> set[int]:
    """Requests open for more than ESCALATE_AFTER_HOURS: the county board should escalate them."""
    limit = now - timedelta(hours=ESCALATE_AFTER_HOURS)
    return {r.id for r in requests if r.created_at and clock.utc(r.created_at) < limit}


def county_board(code: str) -> Organisation:
    board = db.session.scalar(select(Organisation).where(Organisation.code == code))
    if board is None or board.kind != OrganisationKind.COUNTY_BOARD:
        raise NotFound(_("No county administrative board %(code)s.", code=code))
    return board


def _member(board: Organisation, code, field: str, errors: dict) -> Organisation | None:
    try:
        organisation = requesting_organisation(code) if isinstance(code, str) else None
    except NotFound:
        organisation = None
    if organisation is None or organisation.county_code != board.county_code:
        errors[field] = _("Choose an organisation in %(county)s.", county=board.county.name)
        return None
    return organisation


def _sharing_request(request_id, to_org, item, errors) -> ShortageRequest | None:
    if request_id is None:
        return None
    request = db.session.get(ShortageRequest, request_id)
    if (
        request is None
        or to_org is None
        or request.organisation_id != to_org.id
        or item is None
        or request.item_id != item.id
        or not request.is_open
    ):
        errors["request_id"] = _("Choose an open request of the receiver for this item.")
        return None
    return request


@use_case
def record_sharing(
    board_code: str,
    from_code,
    to_code,
    item_code,
    quantity,
    shared_on,
    *,
    request_id: int | None = None,
    note: str | None = None,
    today: date | None = None,
) -> CountySharing:
    """Record material handed over within the county; both reported stocks change with it."""
    begin_write()
    board = county_board(board_code)
    errors: dict[str, str] = {}
    giver = _member(board, from_code, "from_organisation", errors)
    receiver = _member(board, to_code, "to_organisation", errors)
    # Both figures are read and written under the lock of both organisations (in id order).
    locked_rows(Organisation, [o.id for o in (giver, receiver) if o is not None])
    if giver is not None and giver is receiver:
        errors["to_organisation"] = _("The receiver must differ from the giver.")
    item = active_items().get(item_code) if isinstance(item_code, str) else None
    if item is None:
        errors["item"] = _("Unknown item code %(code)s.", code=str(item_code))
    quantity = check_quantity(quantity, "quantity", errors, positive=True)
    shared_on = check_as_of(shared_on, today or clock.today(), errors, "shared_on")
    request = _sharing_request(request_id, receiver, item, errors)
    given = _fresh_latest(giver.id, item.id) if giver and item else None
    if giver and item and quantity and (given is None or given.stock_on_hand < quantity):
        errors["quantity"] = _(
            "%(org)s has reported only %(n)s of this item.",
            org=giver.name,
            n=given.stock_on_hand if given else 0,
        )
    if errors or giver is None or receiver is None or item is None:  # each None added an error
        raise InvalidInput(errors)
    sharing = CountySharing(
        county_board_id=board.id,
        from_organisation_id=giver.id,
        to_organisation_id=receiver.id,
        item_id=item.id,
        quantity=quantity,
        shared_on=shared_on,
        request_id=request_id,
        note=note,
        recorded_by=audit.current_actor_name(),
    )
    db.session.add(sharing)
    _adjust(giver, item.id, -quantity, shared_on)
    _adjust(receiver, item.id, quantity, shared_on)
    if request is not None:
        _meet_from_sharing(request, quantity)
    return sharing


def _adjust(organisation: Organisation, item_id: int, delta: int, on: date) -> None:
    """A new report line: the latest stock moved by delta, the reported use unchanged."""
    current = _fresh_latest(organisation.id, item_id)
    stock = (current.stock_on_hand if current else 0) + delta
    use = current.daily_use if current else 0
    # The count behind the figure keeps its date unless the sharing is newer.
    as_of = max(current.as_of, on) if current else on
    store_report(
        organisation,
        as_of,
        [{"item_id": item_id, "stock_on_hand": stock, "daily_use": use}],
        ReportSource.SHARING,
        note=_("County sharing"),
    )


def _fresh_latest(organisation_id: int, item_id: int) -> LatestReportLine | None:
    """The latest line as committed now (read under the lock), not as this session last saw it."""
    return db.session.scalar(
        select(LatestReportLine)
        .where(
            LatestReportLine.organisation_id == organisation_id,
            LatestReportLine.item_id == item_id,
        )
        .execution_options(populate_existing=True)
    )


def _meet_from_sharing(request: ShortageRequest, quantity: int) -> None:
    met = request.met_quantity + quantity
    target = RequestStatus.MET if met >= request.quantity else RequestStatus.PARTLY_MET
    if target in TRANSITIONS[request.status]:
        move_status(
            request, target, _("Met by sharing within the county."), min(met, request.quantity)
        )


@use_case
def forward_requests(
    board_code: str, request_ids: list[int], note: str | None = None
) -> CountyRequest:
    """One combined county request, a line per item, each line naming its source requests."""
    begin_write()
    board = county_board(board_code)
    sources = _forwardable(board, request_ids)
    created_by = audit.current_actor_name()
    county_request = CountyRequest(county_board=board, note=note, created_by=created_by)
    db.session.add(county_request)
    by_item: dict[int, list[ShortageRequest]] = {}
    for request in sources:
        by_item.setdefault(request.item_id, []).append(request)
    for group in by_item.values():
        line = _combined_line(board, group)
        county_request.lines.append(line)
        db.session.flush()
        for request in group:
            request.forwarded_in = line
            request.history.append(
                RequestStatusChange(
                    from_status=request.status,
                    to_status=request.status,
                    changed_by=created_by,
                    reason=_(
                        "Forwarded to the national level in county request line %(id)s.", id=line.id
                    ),
                )
            )
    return county_request


def _forwardable(board: Organisation, request_ids: list[int]) -> Sequence[ShortageRequest]:
    if not request_ids:
        raise InvalidInput({"requests": _("Choose at least one request.")})
    # Locked and read fresh: a second forwarding of the same requests waits, then sees them taken.
    requests = locked_rows(ShortageRequest, request_ids)
    if len(requests) != len(set(request_ids)):
        raise NotFound(_("A chosen request does not exist."))
    for request in requests:
        if (
            request.organisation.county_code != board.county_code
            or request.organisation.kind == OrganisationKind.COUNTY_BOARD
        ):
            raise DomainError(
                _("Request %(id)s is not from %(county)s.", id=request.id, county=board.county.name)
            )
        if request.status not in FORWARDABLE or request.forwarded_in_id is not None:
            raise DomainError(_("Request %(id)s is no longer open for forwarding.", id=request.id))
    return requests


def _combined_line(board: Organisation, group: list[ShortageRequest]) -> ShortageRequest:
    actor = audit.current_actor_name()
    names = ", ".join(f"{r.organisation.name} ({r.quantity})" for r in group)
    line = ShortageRequest(
        organisation=board,
        item_id=group[0].item_id,
        quantity=sum(r.quantity - r.met_quantity for r in group),
        needed_by=min(r.needed_by for r in group),
        priority=min((r.priority for r in group), key=PRIORITY_RANK.__getitem__),
        justification=_("Needs the county could not meet within 48 hours: %(names)s.", names=names)[
            :2000
        ],
        stock_at_request=sum(r.stock_at_request for r in group),
        daily_use_at_request=sum(r.daily_use_at_request for r in group),
        status=RequestStatus.SUBMITTED,
        source=ReportSource.FORM,
        created_by=actor,
    )
    line.history.append(RequestStatusChange(to_status=RequestStatus.SUBMITTED, changed_by=actor))
    return line

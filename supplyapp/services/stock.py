"""The one place stock changes: receiving, quality control, reservations, dispatch, counts,
write-offs and expiry.

Every change appends rows to the ledger (`stock_movements`) and updates the stored balance of the
lot in the same transaction. Writers are serialised per row: `SELECT ... FOR UPDATE` on
PostgreSQL, and on SQLite (one writer at a time anyway) the transaction is begun with
`BEGIN IMMEDIATE`, so the write lock is taken before anything is read and two clerks cannot both
read the same outstanding quantity. CHECK constraints stop a negative balance even if a check here
were wrong.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from supplyapp import audit, clock, validation
from supplyapp.database import is_sqlite
from supplyapp.extensions import Base, db
from supplyapp.i18n import _
from supplyapp.models import Item, Warehouse
from supplyapp.models.procurement import (
    CallOff,
    CallOffStatus,
    DomesticContract,
    Donation,
    DonationStatus,
    OrderLine,
    OrderStatus,
    PurchaseOrder,
)
from supplyapp.models.stock import (
    Conformity,
    Delivery,
    Inspection,
    Lot,
    MovementKind,
    SourceKind,
    StockBalance,
    StockMovement,
)
from supplyapp.services.errors import Conflict, DomainError, InvalidInput, NotFound
from supplyapp.services.transaction import use_case


class InsufficientStock(DomainError):
    """The lot does not hold that much in the part of its balance the change draws from."""


class AlreadyBooked(DomainError):
    """The one-time key of this form was used: the delivery is booked already."""

    def __init__(self, delivery: Delivery):
        self.delivery = delivery
        super().__init__(_("This delivery is already booked."))


# ---------------------------------------------------------------------------------------------
# Locking


def begin_write() -> None:
    """Take the write lock now on SQLite, so reads that follow see the latest committed rows.

    pysqlite only begins a transaction at the first write; `BEGIN IMMEDIATE` issued while no
    transaction is open makes this whole use case one serialised transaction. On PostgreSQL rows
    are locked one by one with FOR UPDATE instead.
    """
    if not is_sqlite():
        return
    connection = db.session.connection()
    driver_connection = connection.connection.driver_connection
    if driver_connection is None:
        raise RuntimeError("The database connection has been invalidated.")
    if not driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def locked[M: Base](model: type[M], key) -> M | None:
    """The row with this primary key, freshly read and locked for the rest of the transaction."""
    column = model.__mapper__.primary_key[0]
    query = select(model).where(column == key).execution_options(populate_existing=True)
    if not is_sqlite():
        query = query.with_for_update()
    return db.session.scalar(query)


def locked_existing[M: Base](model: type[M], key) -> M:
    """`locked`, for a row known to exist (just read, or named by a foreign key)."""
    row = locked(model, key)
    if row is None:
        raise LookupError(f"{model.__name__} {key} does not exist, though it was just referred to.")
    return row


def locked_rows(model, keys) -> list:
    """The rows with these primary keys, freshly read and locked, in key order (so two
    transactions locking overlapping rows wait for each other rather than deadlock)."""
    keys = sorted(set(keys))
    if not keys:
        return []
    column = model.__mapper__.primary_key[0]
    query = (
        select(model)
        .where(column.in_(keys))
        .order_by(column)
        .execution_options(populate_existing=True)
    )
    if not is_sqlite():
        query = query.with_for_update()
    return list(db.session.scalars(query))


# ---------------------------------------------------------------------------------------------
# The ledger


DELTAS = {  # kind -> which parts of the balance move, per unit
    MovementKind.RECEIVED: (1, 0, 0),
    MovementKind.APPROVED: (-1, 1, 0),
    MovementKind.REJECTED: (-1, 0, 0),
    MovementKind.RESERVED: (0, -1, 1),
    MovementKind.UNRESERVED: (0, 1, -1),
    MovementKind.DISPATCHED: (0, 0, -1),
    MovementKind.WRITTEN_OFF: (0, -1, 0),
}


def _move(
    balance: StockBalance,
    kind: MovementKind,
    quantity: int,
    *,
    reason: str | None,
    reference: str | None,
    deltas: tuple[int, int, int] | None = None,
) -> StockMovement:
    """Append one ledger row and apply it to the (locked) balance; never below zero."""
    validation.whole_number(quantity, "quantity", positive=True)
    dq, da, dr = deltas if deltas is not None else (d * quantity for d in DELTAS[kind])
    after = (balance.quarantined + dq, balance.available + da, balance.reserved + dr)
    if min(after) < 0:
        raise InsufficientStock(
            _(
                "Lot %(lot)s holds %(available)s available, %(quarantined)s in quarantine and "
                "%(reserved)s reserved: too little for this.",
                lot=balance.lot_id,
                available=balance.available,
                quarantined=balance.quarantined,
                reserved=balance.reserved,
            )
        )
    balance.quarantined, balance.available, balance.reserved = after
    movement = StockMovement(
        kind=kind,
        lot_id=balance.lot_id,
        item_id=balance.item_id,
        warehouse_id=balance.warehouse_id,
        quantity=quantity,
        d_quarantined=dq,
        d_available=da,
        d_reserved=dr,
        reason=reason,
        reference=reference,
        actor=audit.current_actor_name(),
    )
    db.session.add(movement)
    return movement


def _locked_balance(lot_id: int) -> StockBalance:
    balance = locked(StockBalance, lot_id)
    if balance is None:
        raise NotFound(_("No lot %(lot)s.", lot=lot_id))
    return balance


@use_case
def _change(
    lot_id: int, kind: MovementKind, quantity: int, reason: str | None, reference: str | None
) -> StockMovement:
    begin_write()
    return _move(_locked_balance(lot_id), kind, quantity, reason=reason, reference=reference)


def reserve(
    lot_id: int, quantity: int, reason: str | None = None, reference: str | None = None
) -> StockMovement:
    """Move available stock of a lot to reserved (an approved allocation).

    Called inside another use case (an approval, a picking) it joins that transaction.
    """
    return _change(lot_id, MovementKind.RESERVED, quantity, reason, reference)


def reserve_locked(
    balance: StockBalance, quantity: int, reason: str | None = None, reference: str | None = None
) -> StockMovement:
    """Reserve on a balance the caller has locked already, inside the caller's transaction
    (an approval reserves hundreds of lots: no second read, no flush per lot)."""
    return _move(balance, MovementKind.RESERVED, quantity, reason=reason, reference=reference)


def release(
    lot_id: int, quantity: int, reason: str | None = None, reference: str | None = None
) -> StockMovement:
    """Give reserved stock back to available (an allocation withdrawn)."""
    return _change(lot_id, MovementKind.UNRESERVED, quantity, reason, reference)


def dispatch(
    lot_id: int, quantity: int, reason: str | None = None, reference: str | None = None
) -> StockMovement:
    """Reserved stock leaves the warehouse."""
    return _change(lot_id, MovementKind.DISPATCHED, quantity, reason, reference)


def _required_reason(reason: str | None, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({field: _("Give a reason.")})
    if len(reason) > 1000:
        raise InvalidInput({field: _("At most 1000 characters.")})
    return reason


def write_off(lot_id: int, quantity: int, reason: str) -> StockMovement:
    """Available stock is destroyed, lost or damaged: out of the stock, with the reason."""
    reason = _required_reason(reason)
    return _change(lot_id, MovementKind.WRITTEN_OFF, quantity, reason, None)


@use_case
def count(
    lot_id: int, counted: int, reason: str, reference: str | None = None
) -> StockMovement | None:
    """Set a lot's available quantity to what was counted; the difference is a ledger row."""
    reason = _required_reason(reason)
    validation.whole_number(counted, "counted")
    begin_write()
    balance = _locked_balance(lot_id)
    difference = counted - balance.available
    if difference == 0:
        return None
    return _move(
        balance,
        MovementKind.ADJUSTED,
        abs(difference),
        reason=reason,
        reference=reference or "count",
        deltas=(0, difference, 0),
    )


@use_case
def expire_lots(today: date | None = None) -> int:
    """Take every expired lot's available and quarantined stock out; returns how many lots."""
    today = today or clock.today()
    begin_write()
    lot_ids = db.session.scalars(
        select(Lot.id)
        .join(StockBalance, StockBalance.lot_id == Lot.id)
        .where(
            Lot.expiry_date < today, (StockBalance.available > 0) | (StockBalance.quarantined > 0)
        )
    ).all()
    for lot_id in lot_ids:
        balance = _locked_balance(lot_id)
        quantity = balance.available + balance.quarantined
        _move(
            balance,
            MovementKind.EXPIRED,
            quantity,
            reason=_("Past its expiry date"),
            reference=None,
            deltas=(-balance.quarantined, -balance.available, 0),
        )
    return len(lot_ids)


# ---------------------------------------------------------------------------------------------
# Receiving


@dataclass
class Source:
    """What a delivery is received against, resolved and locked."""

    kind: SourceKind
    row: OrderLine | CallOff | Donation | DomesticContract
    item_id: int
    supplier_id: int
    outstanding: int
    due_date: date | None
    label: str


def _lock_source(kind: SourceKind, source_id: int) -> Source:
    """Lock the line the delivery is booked against and work out what is still to come."""
    if kind == SourceKind.ORDER_LINE:
        line = locked(OrderLine, source_id)
        if line is None:
            raise InvalidInput({"source": _("No such order line.")})
        order = locked_existing(PurchaseOrder, line.order_id)
        if order.status in (OrderStatus.DRAFT, OrderStatus.CANCELLED):
            raise InvalidInput(
                {
                    "source": _(
                        "Order %(code)s is %(status)s: nothing can be received against it.",
                        code=order.code,
                        status=order.status.value,
                    )
                }
            )
        return Source(
            kind,
            line,
            line.item_id,
            order.supplier_id,
            line.outstanding,
            line.promised_date,
            f"{order.code}/{line.id}",
        )
    if kind == SourceKind.CALL_OFF:
        call_off = locked(CallOff, source_id)
        if call_off is None:
            raise InvalidInput({"source": _("No such call-off.")})
        if call_off.status == CallOffStatus.CANCELLED:
            raise InvalidInput({"source": _("The call-off is cancelled.")})
        share = call_off.share
        return Source(
            kind,
            call_off,
            share.item_id,
            share.contract.supplier_id,
            call_off.outstanding,
            call_off.expected_date,
            call_off.code,
        )
    if kind == SourceKind.DONATION:
        donation = locked(Donation, source_id)
        if donation is None:
            raise InvalidInput({"source": _("No such donation.")})
        if donation.status == DonationStatus.CANCELLED:
            raise InvalidInput({"source": _("The donation is cancelled.")})
        return Source(
            kind,
            donation,
            donation.item_id,
            donation.supplier_id,
            donation.outstanding,
            donation.expected_date,
            donation.code,
        )
    if kind == SourceKind.DOMESTIC:
        contract = locked(DomesticContract, source_id)
        if contract is None:
            raise InvalidInput({"source": _("No such production contract.")})
        if not contract.active:
            raise InvalidInput({"source": _("The production contract has ended.")})
        return Source(
            kind,
            contract,
            contract.item_id,
            contract.supplier_id,
            contract.outstanding,
            None,
            contract.code,
        )
    raise InvalidInput({"source": _("Unknown kind of source.")})


def _mark_delivered(source: Source, quantity: int) -> None:
    source.row.delivered_quantity += quantity
    settle_status(source.kind, source.row)


def settle_status(kind: SourceKind | str, row) -> None:
    """After a receipt: the order, call-off or donation is partly or wholly delivered."""
    kind = SourceKind(kind)
    if kind == SourceKind.ORDER_LINE:
        order = row.order
        lines = db.session.scalars(
            select(OrderLine)
            .where(OrderLine.order_id == order.id)
            .execution_options(populate_existing=True)
        ).all()
        done = all(line.delivered_quantity >= line.quantity for line in lines)
        order.status = OrderStatus.DELIVERED if done else OrderStatus.PARTLY_DELIVERED
    elif kind in (SourceKind.CALL_OFF, SourceKind.DONATION):
        states = CallOffStatus if kind == SourceKind.CALL_OFF else DonationStatus
        row.status = (
            states.DELIVERED if row.delivered_quantity >= row.quantity else states.PARTLY_DELIVERED
        )


@dataclass
class Receipt:
    source_kind: str
    source_id: int
    warehouse: str  # warehouse code
    quantity: int
    lot_number: str
    expiry_date: date | None
    received_on: date
    idempotency_key: str
    over_delivery_reason: str | None = None
    note: str | None = None


def _check_receipt(receipt: Receipt) -> tuple[SourceKind, Warehouse]:
    errors = {}
    try:
        kind = SourceKind(receipt.source_kind)
    except ValueError:
        kind = None
        errors["source"] = _("Unknown kind of source.")
    warehouse = db.session.scalar(
        select(Warehouse).where(Warehouse.code == receipt.warehouse, Warehouse.active.is_(True))
    )
    if warehouse is None:
        errors["warehouse"] = _("Unknown warehouse %(code)s.", code=receipt.warehouse)
    validation.check_quantity(receipt.quantity, "quantity", errors, positive=True)
    if not (receipt.lot_number or "").strip() or len(receipt.lot_number) > 60:
        errors["lot_number"] = _("Give the lot number (at most 60 characters).")
    if receipt.received_on is None or receipt.received_on > clock.today():
        errors["received_on"] = _("Give the day it arrived; not a day in the future.")
    if (
        receipt.expiry_date is not None
        and receipt.received_on
        and receipt.expiry_date <= receipt.received_on
    ):
        errors["expiry_date"] = _("The goods have expired already.")
    if not receipt.idempotency_key or len(receipt.idempotency_key) > 64:
        errors["idempotency_key"] = _("The form has expired: open it again.")
    if errors or kind is None or warehouse is None:  # each None has added an error
        raise InvalidInput(errors)
    return kind, warehouse


def _already_booked(key: str) -> Delivery | None:
    return db.session.scalar(select(Delivery).where(Delivery.idempotency_key == key))


def receive(receipt: Receipt) -> Delivery:
    """Book goods received against a supply line as a new lot in quarantine.

    Partial deliveries are normal; more than is still outstanding needs an over-delivery reason.
    The same one-time key booked twice raises AlreadyBooked with the first delivery.
    """
    kind, warehouse = _check_receipt(receipt)
    try:
        return _receive_once(receipt, kind, warehouse)
    except Conflict as conflict:
        existing = _already_booked(receipt.idempotency_key)
        if existing is not None:  # the other submit won the race on the unique key
            raise AlreadyBooked(existing) from conflict
        raise


@use_case
def _receive_once(receipt: Receipt, kind: SourceKind, warehouse: Warehouse) -> Delivery:
    existing = _already_booked(receipt.idempotency_key)
    if existing is None:
        begin_write()
        existing = _already_booked(receipt.idempotency_key)  # again, now under the lock
    if existing is not None:
        raise AlreadyBooked(existing)
    return _book(receipt, kind, warehouse)


def _book(receipt: Receipt, kind: SourceKind, warehouse: Warehouse) -> Delivery:
    source = _lock_source(kind, receipt.source_id)
    over = max(receipt.quantity - source.outstanding, 0)
    reason = (receipt.over_delivery_reason or "").strip() or None
    if over and not reason:
        raise InvalidInput(
            {
                "over_delivery_reason": _(
                    "Only %(outstanding)s are still to come on %(source)s: give a reason to receive "
                    "%(over)s more.",
                    outstanding=source.outstanding,
                    source=source.label,
                    over=over,
                )
            }
        )
    _mark_delivered(source, receipt.quantity)
    delivery = Delivery(
        idempotency_key=receipt.idempotency_key,
        source_kind=kind,
        supplier_id=source.supplier_id,
        item_id=source.item_id,
        warehouse_id=warehouse.id,
        quantity=receipt.quantity,
        received_on=receipt.received_on,
        due_date=source.due_date,
        over_delivery=over,
        over_delivery_reason=reason if over else None,
        note=(receipt.note or "").strip() or None,
        received_by=audit.current_actor_name(),
        **{_SOURCE_COLUMNS[kind]: receipt.source_id},
    )
    lot = Lot(
        item_id=source.item_id,
        warehouse_id=warehouse.id,
        delivery=delivery,
        lot_number=receipt.lot_number.strip(),
        expiry_date=receipt.expiry_date,
    )
    db.session.add_all([delivery, lot])
    db.session.flush()
    balance = StockBalance(
        lot_id=lot.id,
        item_id=lot.item_id,
        warehouse_id=lot.warehouse_id,
        quarantined=0,
        available=0,
        reserved=0,
    )
    db.session.add(balance)
    _move(
        balance,
        MovementKind.RECEIVED,
        receipt.quantity,
        reason=reason,
        reference=f"delivery {delivery.id} ({source.label})",
    )
    db.session.flush()
    return delivery


_SOURCE_COLUMNS = {
    SourceKind.ORDER_LINE: "order_line_id",
    SourceKind.CALL_OFF: "call_off_id",
    SourceKind.DOMESTIC: "domestic_contract_id",
    SourceKind.DONATION: "donation_id",
}


# ---------------------------------------------------------------------------------------------
# Quality control


@use_case
def inspect_lot(
    lot_id: int,
    approved: int,
    rejected: int,
    conformity: str,
    evidence_reference: str | None = None,
    notes: str | None = None,
    rejection_reason: str | None = None,
) -> Inspection:
    """Decide on quarantined goods: approved become available, rejected are written off."""
    errors: dict[str, str] = {}
    for field, value in (("approved", approved), ("rejected", rejected)):
        validation.check_quantity(value, field, errors)
    if not errors and approved + rejected == 0:
        errors["approved"] = _("Approve or reject at least one unit.")
    try:
        conformity = Conformity(conformity)
    except ValueError:
        errors["conformity"] = _("Choose the conformity evidence.")
    evidence_reference = (evidence_reference or "").strip() or None
    if approved and conformity == Conformity.NONE:
        errors["conformity"] = _(
            "Goods without CE marking or a temporary approval cannot be approved."
        )
    if approved and conformity == Conformity.TEMPORARY_APPROVAL and not evidence_reference:
        errors["evidence_reference"] = _("Give the reference of the temporary approval.")
    if evidence_reference and len(evidence_reference) > 120:
        errors["evidence_reference"] = _("At most 120 characters.")
    rejection_reason = (rejection_reason or "").strip() or None
    if rejected and not rejection_reason:
        errors["rejection_reason"] = _("Say why the goods are rejected.")
    if errors:
        raise InvalidInput(errors)
    begin_write()
    balance = _locked_balance(lot_id)
    if approved + rejected > balance.quarantined:
        raise InvalidInput(
            {
                "approved": _(
                    "Only %(quarantined)s are in quarantine in this lot.",
                    quarantined=balance.quarantined,
                )
            }
        )
    inspection = Inspection(
        lot_id=lot_id,
        approved_quantity=approved,
        rejected_quantity=rejected,
        conformity=conformity,
        evidence_reference=evidence_reference,
        notes=(notes or "").strip() or None,
        rejection_reason=rejection_reason,
        inspected_by=audit.current_actor_name(),
    )
    db.session.add(inspection)
    db.session.flush()
    reference = f"inspection {inspection.id}"
    if approved:
        _move(balance, MovementKind.APPROVED, approved, reason=notes, reference=reference)
    if rejected:
        _move(
            balance,
            MovementKind.REJECTED,
            rejected,
            reason=rejection_reason,
            reference=reference,
        )
    return inspection


# ---------------------------------------------------------------------------------------------
# The check: stored balances against the ledger


@dataclass(frozen=True)
class Difference:
    lot_id: int
    stored: tuple[int, int, int]  # quarantined, available, reserved
    ledger: tuple[int, int, int]

    def __str__(self) -> str:
        return (
            f"lot {self.lot_id}: stored quarantined/available/reserved {self.stored}, "
            f"ledger says {self.ledger}"
        )


def check_ledger() -> list[Difference]:
    """Every lot whose stored balance differs from the sum of its ledger rows."""
    sums = {
        row.lot_id: (int(row.q), int(row.a), int(row.r))
        for row in db.session.execute(
            select(
                StockMovement.lot_id,
                func.sum(StockMovement.d_quarantined).label("q"),
                func.sum(StockMovement.d_available).label("a"),
                func.sum(StockMovement.d_reserved).label("r"),
            ).group_by(StockMovement.lot_id)
        )
    }
    stored = {
        row.lot_id: (row.quarantined, row.available, row.reserved)
        for row in db.session.execute(
            select(
                StockBalance.lot_id,
                StockBalance.quarantined,
                StockBalance.available,
                StockBalance.reserved,
            )
        )
    }
    differences = []
    for lot_id in sorted(set(sums) | set(stored)):
        ledger = sums.get(lot_id, (0, 0, 0))
        balance = stored.get(lot_id, (0, 0, 0))
        if ledger != balance:
            differences.append(Difference(lot_id, balance, ledger))
    return differences


def item_by_code(code: str) -> Item:
    item = db.session.scalar(select(Item).where(Item.code == code))
    if item is None:
        raise NotFound(_("No item %(code)s.", code=code))
    return item

"""Bulk import of deliveries and of order lines from CSV or Excel.

The whole file is validated first (with pandas, column by column rather than row by row); every
bad row is reported with its row number, column and reason; nothing is written unless every row is
good. Rows are written below the ORM (COPY or executemany, column by column, and INSERT ... SELECT),
so the automatic ORM audit does not see them: each import is recorded as one audit event with its
counts. On PostgreSQL most of the time left is the server's foreign key checks (one per key per
row, about 3 s of 5 s for 100,000 deliveries).
"""

import hashlib
import time
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
import pandas as pd
from sqlalchemy import String, bindparam, cast, func, insert, literal, select, text, update
from sqlalchemy.orm import selectinload

from supplyapp import audit, clock
from supplyapp.clock import utcnow
from supplyapp.database import is_sqlite
from supplyapp.extensions import db
from supplyapp.i18n import _
from supplyapp.imports import (
    Checker,
    ImportRejected,
    RowError,
    per_value,
    read_table,
    require_columns,
)
from supplyapp.models import Item, Supplier, Warehouse
from supplyapp.models.catalog import SupplierKind
from supplyapp.models.procurement import (
    CallOff,
    CallOffStatus,
    DomesticContract,
    Donation,
    DonationStatus,
    FrameworkContract,
    FrameworkShare,
    OrderLine,
    OrderStatus,
    PurchaseOrder,
)
from supplyapp.models.stock import (
    Delivery,
    Lot,
    MovementKind,
    SourceKind,
    StockBalance,
    StockMovement,
)
from supplyapp.services.stock import begin_write, settle_status
from supplyapp.services.transaction import one_transaction

DELIVERY_COLUMNS = [
    "warehouse",
    "source",
    "item",
    "quantity",
    "lot_number",
    "expiry_date",
    "received_on",
    "over_delivery_reason",
    "note",
]
DELIVERY_REQUIRED = ["warehouse", "source", "item", "quantity", "lot_number", "received_on"]
ORDER_COLUMNS = [
    "order",
    "supplier",
    "item",
    "quantity",
    "unit_price",
    "currency",
    "promised_date",
    "documents",
]
ORDER_REQUIRED = ["order", "supplier", "item", "quantity", "unit_price"]
OPEN_ORDER = (OrderStatus.PLACED, OrderStatus.CONFIRMED, OrderStatus.PARTLY_DELIVERED)


@dataclass
class ImportResult:
    rows: int
    by_kind: dict[str, int]
    key: str
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage


def _unknown_warehouse(value) -> str:
    return _("unknown warehouse %(value)s", value=repr(value))


def _unknown_item(value) -> str:
    return _("unknown item %(value)s", value=repr(value))


def _unknown_supplier(value) -> str:
    return _("unknown supplier %(value)s", value=repr(value))


def _key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:24]


# ---------------------------------------------------------------------------------------------
# Deliveries


def _source_table() -> pd.DataFrame:
    """Every open supply line: its code, item, kind, id, supplier and due date."""
    rows = []
    for order_code, item_code, line_id, supplier_id, due in db.session.execute(
        select(
            PurchaseOrder.code,
            Item.code,
            OrderLine.id,
            PurchaseOrder.supplier_id,
            OrderLine.promised_date,
        )
        .join(OrderLine, OrderLine.order_id == PurchaseOrder.id)
        .join(Item, Item.id == OrderLine.item_id)
        .where(PurchaseOrder.status.in_(OPEN_ORDER))
        .order_by(OrderLine.id)
    ):
        rows.append((order_code, item_code, SourceKind.ORDER_LINE.value, line_id, supplier_id, due))
    for code, item_code, call_id, supplier_id, due in db.session.execute(
        select(
            CallOff.code,
            Item.code,
            CallOff.id,
            FrameworkContract.supplier_id,
            CallOff.expected_date,
        )
        .join(FrameworkShare, FrameworkShare.id == CallOff.share_id)
        .join(FrameworkContract, FrameworkContract.id == FrameworkShare.contract_id)
        .join(Item, Item.id == FrameworkShare.item_id)
        .where(CallOff.status != CallOffStatus.CANCELLED)
    ):
        rows.append((code, item_code, SourceKind.CALL_OFF.value, call_id, supplier_id, due))
    for code, item_code, donation_id, supplier_id, due in db.session.execute(
        select(Donation.code, Item.code, Donation.id, Donation.supplier_id, Donation.expected_date)
        .join(Item, Item.id == Donation.item_id)
        .where(Donation.status != DonationStatus.CANCELLED)
    ):
        rows.append((code, item_code, SourceKind.DONATION.value, donation_id, supplier_id, due))
    for code, item_code, contract_id, supplier_id in db.session.execute(
        select(DomesticContract.code, Item.code, DomesticContract.id, DomesticContract.supplier_id)
        .join(Item, Item.id == DomesticContract.item_id)
        .where(DomesticContract.active.is_(True))
    ):
        rows.append((code, item_code, SourceKind.DOMESTIC.value, contract_id, supplier_id, None))
    frame = pd.DataFrame(
        rows, columns=["source", "item", "kind", "source_id", "supplier_id", "due_date"]
    )
    # An order with two lines of one item: deliveries go to its first line.
    return frame.drop_duplicates(["source", "item"], keep="first")


def _validate_deliveries(frame: pd.DataFrame) -> pd.DataFrame:
    require_columns(frame, DELIVERY_REQUIRED)
    check = Checker(frame)
    warehouses = dict(
        db.session.execute(select(Warehouse.code, Warehouse.id).where(Warehouse.active.is_(True)))
        .tuples()
        .all()
    )
    items = dict(db.session.execute(select(Item.code, Item.id)).tuples().all())
    good = pd.DataFrame(index=frame.index)
    good["warehouse_id"] = check.code("warehouse", warehouses, _unknown_warehouse)
    good["item_id"] = check.code("item", items, _unknown_item)
    good["item"] = check.text("item", True, 30)
    good["source"] = check.text("source", True, 30)
    good["quantity"] = check.whole("quantity")
    good["lot_number"] = check.text("lot_number", True, 60)
    good["expiry_date"] = check.day("expiry_date", False)
    good["received_on"] = check.day("received_on", True)
    good["reason"] = check.text("over_delivery_reason", False, 1000)
    good["note"] = check.text("note", False, 1000)
    received = per_value(good["received_on"], lambda v: pd.to_datetime(v, errors="coerce"))
    check.fail(received > pd.Timestamp(clock.today()), "received_on", _("a day in the future"))
    expiry = per_value(good["expiry_date"], lambda v: pd.to_datetime(v, errors="coerce"))
    check.fail(
        expiry.notna() & (expiry <= received), "expiry_date", _("the goods have expired already")
    )
    sources = _source_table()
    merged = (
        good[["source", "item"]]
        .reset_index()
        .merge(sources, on=["source", "item"], how="left")
        .set_index("index")
    )
    unknown = (good["source"] != "") & merged["source_id"].isna()
    check.fail(
        unknown,
        "source",
        lambda v: _(
            "no open order, call-off, contract or donation %(value)s for this item", value=repr(v)
        ),
    )
    check.raise_if_any()
    for column in ("kind", "source_id", "supplier_id", "due_date"):
        good[column] = merged[column]
    good["source_id"] = good["source_id"].astype("int64")
    good["supplier_id"] = good["supplier_id"].astype("int64")
    return good


_KIND_NAMES = {kind.value: kind.name for kind in SourceKind}
MODELS: dict[str, type[OrderLine | CallOff | Donation | DomesticContract]] = {
    SourceKind.ORDER_LINE.value: OrderLine,
    SourceKind.CALL_OFF.value: CallOff,
    SourceKind.DONATION.value: Donation,
    SourceKind.DOMESTIC.value: DomesticContract,
}


def _lock_outstanding(good: pd.DataFrame) -> list[tuple]:
    """Lock the file's supply lines; (kind, id, outstanding) of each, read under the lock."""
    outstanding = []
    for kind, ids in good.groupby("kind")["source_id"]:
        for row in _locked_rows(str(kind), sorted({int(i) for i in ids})):
            outstanding.append((kind, row.id, row.outstanding))
    return outstanding


def _refuse_if_imported(key: str) -> None:
    if db.session.scalar(select(Delivery.id).where(Delivery.idempotency_key == f"imp:{key}:2")):
        raise ImportRejected([RowError(None, None, _("this file has been imported already"))])


def _check_outstanding(good: pd.DataFrame, outstanding: list[tuple]) -> None:
    """Under the lock: more than is outstanding on a line needs a reason, row by row in order."""
    left = good[["kind", "source_id"]].merge(
        pd.DataFrame(outstanding, columns=["kind", "source_id", "left"]), how="left"
    )["left"]
    so_far = good.groupby(["kind", "source_id"])["quantity"].cumsum()
    good["over"] = (
        (so_far - left.fillna(0).to_numpy())
        .clip(lower=0)
        .clip(upper=good["quantity"])
        .astype("int64")
    )
    check = Checker(good.assign(over_delivery_reason=good["reason"]))
    check.fail(
        (good["over"] > 0) & (good["reason"] == ""),
        "over_delivery_reason",
        _("more than is still to come on this line: give a reason"),
    )
    check.raise_if_any()


def _locked_rows(kind: str, ids: list[int]) -> list:
    """The supply lines with these ids, freshly read and locked (see stock.locked), by id."""
    model = MODELS[kind]
    rows: list = []
    for start in range(0, len(ids), 1000):
        query = (
            select(model)
            .where(model.id.in_(ids[start : start + 1000]))
            .order_by(model.id)
            .execution_options(populate_existing=True)
        )
        if model is OrderLine:  # its outstanding quantity looks at the order's status
            query = query.options(selectinload(OrderLine.order))
        if not is_sqlite():
            query = query.with_for_update(of=model)
        rows.extend(db.session.scalars(query))
    return rows


def import_deliveries(data: bytes, filename: str) -> ImportResult:
    """Book every row of a delivery file as a lot in quarantine, or none of them."""
    clock = _Stages()
    frame = read_table(data, filename)
    key = _key(data)
    _refuse_if_imported(key)
    clock.lap("read")
    good = _validate_deliveries(frame)
    clock.lap("validate")
    with one_transaction():
        begin_write()
        outstanding = _lock_outstanding(good)
        # Asked again under the lock: the same file uploaded twice at once is booked once, and
        # the second upload, which waited for the lock, is told so (issue 18).
        _refuse_if_imported(key)
        _check_outstanding(good, outstanding)
        clock.lap("lock_outstanding")
        result = _write_deliveries(good, key, filename, clock)
    clock.lap("commit")
    result.stages = clock.stages
    return result


class _Stages:
    """Seconds spent per stage of an import, for the benchmark."""

    def __init__(self) -> None:
        self.stages: dict[str, float] = {}
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.stages[name] = self.stages.get(name, 0.0) + now - self.last
        self.last = now


def _write_deliveries(good: pd.DataFrame, key: str, filename: str, clock: _Stages) -> ImportResult:
    """Deliveries and lots from the file's columns; balances and ledger rows from the lots.

    Rows are handed to the database column by column (COPY on PostgreSQL, executemany on
    SQLite), never as a dict per row. The balance and the ledger row of each lot are copies of
    its delivery's numbers, so the database derives them with INSERT ... SELECT.
    """
    actor = audit.current_actor_name()
    now = utcnow()
    count = len(good)
    kinds = good["kind"].to_numpy()
    source_ids = good["source_id"].to_numpy()
    reasons = good["reason"].where(good["over"] > 0, None).replace("", None)
    deliveries = {
        "id": _new_ids(Delivery.__table__, count),
        "idempotency_key": [f"imp:{key}:{row}" for row in (good.index + 2).tolist()],
        # Enum columns hold the member's name, as the ORM writes and reads them.
        "source_kind": [_KIND_NAMES[kind] for kind in kinds.tolist()],
        **{
            column: _where(kinds == kind.value, source_ids)
            for kind, column in (
                (SourceKind.ORDER_LINE, "order_line_id"),
                (SourceKind.CALL_OFF, "call_off_id"),
                (SourceKind.DOMESTIC, "domestic_contract_id"),
                (SourceKind.DONATION, "donation_id"),
            )
        },
        "supplier_id": good["supplier_id"].tolist(),
        "item_id": good["item_id"].astype("int64").tolist(),
        "warehouse_id": good["warehouse_id"].astype("int64").tolist(),
        "quantity": good["quantity"].tolist(),
        "received_on": good["received_on"].tolist(),
        "due_date": _none(good["due_date"]),
        "over_delivery": good["over"].tolist(),
        "over_delivery_reason": _none(reasons),
        "note": _none(good["note"].replace("", None)),
        "received_by": _Same(actor),
        "created_at": _Same(now),
    }
    clock.lap("build_deliveries")
    _bulk_insert(Delivery.__table__, deliveries, count)
    clock.lap("write_deliveries")
    lot_ids = _new_ids(Lot.__table__, count)
    lots = {
        "id": lot_ids,
        "item_id": deliveries["item_id"],
        "warehouse_id": deliveries["warehouse_id"],
        "delivery_id": deliveries["id"],
        "lot_number": good["lot_number"].tolist(),
        "expiry_date": _none(good["expiry_date"]),
        "created_at": _Same(now),
    }
    _bulk_insert(Lot.__table__, lots, count)
    clock.lap("write_lots")
    _derive_balances_and_ledger(lot_ids, key, actor, now, clock)
    _raise_delivered(good)
    by_kind = typing.cast(dict[str, int], good["kind"].value_counts().to_dict())
    audit.record(
        db.session,
        "import",
        "deliveries",
        f"import:{key}",
        after={
            "file": filename,
            "rows": len(good),
            "by_kind": by_kind,
            "quantity": int(good["quantity"].sum()),
            "over_delivered": int(good["over"].sum()),
        },
    )
    clock.lap("sources_and_audit")
    return ImportResult(len(good), by_kind, key)


def _derive_balances_and_ledger(lot_ids: range, key: str, actor: str, now, clock) -> None:
    """A balance (all in quarantine) and a RECEIVED ledger row for each new lot."""
    connection = db.session.connection()
    lots, deliveries = Lot.__table__, Delivery.__table__
    new_lots = (
        select()
        .select_from(lots.join(deliveries, deliveries.c.id == lots.c.delivery_id))
        .where(lots.c.id.between(lot_ids[0], lot_ids[-1]))
    )
    balances = StockBalance.__table__
    connection.execute(
        insert(balances).from_select(
            ["lot_id", "item_id", "warehouse_id", "quarantined", "available", "reserved"],
            new_lots.add_columns(
                lots.c.id,
                lots.c.item_id,
                lots.c.warehouse_id,
                deliveries.c.quantity,
                literal(0),
                literal(0),
            ),
        )
    )
    clock.lap("write_balances")
    movements = StockMovement.__table__
    offset = _new_ids(movements, len(lot_ids))[0] - lot_ids[0]
    connection.execute(
        insert(movements).from_select(
            [
                "id",
                "at",
                "kind",
                "lot_id",
                "item_id",
                "warehouse_id",
                "quantity",
                "d_quarantined",
                "d_available",
                "d_reserved",
                "reason",
                "reference",
                "actor",
            ],
            new_lots.add_columns(
                lots.c.id + offset,
                literal(now, movements.c.at.type),
                literal(MovementKind.RECEIVED.name, String),
                lots.c.id,
                lots.c.item_id,
                lots.c.warehouse_id,
                deliveries.c.quantity,
                deliveries.c.quantity,
                literal(0),
                literal(0),
                deliveries.c.over_delivery_reason,
                literal("delivery ", String)
                + cast(deliveries.c.id, String)
                + literal(f" (import {key})", String),
                literal(actor, String),
            ),
        )
    )
    clock.lap("write_ledger")


class _Same:
    """One value for every row of a column."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def _where(mask: np.ndarray, values: np.ndarray) -> list | _Same:
    """The values where mask holds, else None."""
    if not mask.any():
        return _Same(None)
    column = values.astype(object)
    column[~mask] = None
    return column.tolist()


def _bulk_insert(table, columns: dict[str, list | range | _Same], count: int) -> None:
    """Insert `count` rows given column by column (texts as str, dates as date, or None).

    On SQLite the compiled Core statement goes straight to the driver's executemany with values
    already in SQLAlchemy's storage format: its per-value type processing cost more than the
    inserts themselves. On PostgreSQL, COPY of one text buffer: batched INSERTs took 50 s for
    100,000 deliveries; COPY with a write_row per row spent 1.3 s in Python, a row template
    with the constant columns written in once 0.1 s.
    """
    connection = db.session.connection()
    if is_sqlite():
        compiled = insert(table).compile(dialect=connection.dialect, column_keys=list(columns))
        if compiled.positiontup is None:  # SQLite's parameters are positional
            raise RuntimeError("A compiled SQLite statement has no positional parameters.")
        stored = [
            _sqlite_column(
                columns[key], _SQLITE_STORAGE.get(type(table.c[key].type).__name__), count
            )
            for key in compiled.positiontup
        ]
        connection.exec_driver_sql(compiled.string, list(zip(*stored, strict=True)))
        return
    keys = list(columns)
    template, variable = [], []
    for key in keys:
        values, is_text = columns[key], _is_text(table.c[key].type)
        if isinstance(values, _Same):
            value = _COPY_NULL if values.value is None else str(values.value)
            template.append((_escape(value) if is_text else value).replace("%", "%%"))
        else:
            template.append("%s")
            variable.append(_escaped(values) if is_text else _nulls(values))
    row = "\t".join(template) + "\n"
    buffer = "".join([row % values for values in zip(*variable, strict=True)])
    # COPY through the session's own connection: inside the same transaction.
    driver_connection = connection.connection.driver_connection
    if driver_connection is None:
        raise RuntimeError("The database connection has been invalidated.")
    cursor = driver_connection.cursor()
    with cursor, cursor.copy(f"COPY {table.name} ({', '.join(keys)}) FROM STDIN") as copy:
        copy.write(buffer)


def _sqlite_column(values, convert, count: int):
    """One column's values in SQLite's storage format; an iterable."""
    if isinstance(values, _Same):
        value = values.value
        return repeat(value if value is None or convert is None else convert(value), count)
    if convert is None:
        return values
    # Few distinct dates per file: convert each once.
    memo = {value: None if value is None else convert(value) for value in set(values)}
    return [memo[value] for value in values]


# COPY's text format: \N is NULL; numbers and dates as str() writes them (ISO 8601).
_COPY_NULL = r"\N"
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _is_text(sql_type) -> bool:
    return type(sql_type).__name__ in ("String", "Text", "Enum")


def _escape(value: str) -> str:
    return value.translate(_COPY_ESCAPES)


def _nulls(values):
    return (
        [_COPY_NULL if value is None else value for value in values]
        if not isinstance(values, range) and None in values
        else values
    )


def _escaped(values: Sequence) -> list:
    """Texts for COPY: backslash, tab and line breaks escaped (rare: looked for first)."""
    joined = "".join(filter(None, values))
    if any(mark in joined for mark in "\\\t\n\r"):
        return [_COPY_NULL if value is None else _escape(value) for value in values]
    return _nulls(values)


# How SQLAlchemy's SQLite dialect stores these types (see its DATE and DATETIME types).
_SQLITE_STORAGE = {
    "Date": lambda value: value.isoformat(),
    "DateTime": lambda value: value.strftime("%Y-%m-%d %H:%M:%S.%f"),
    "Enum": lambda value: getattr(value, "name", value),
    "Boolean": int,
}


def _new_ids(table, count: int) -> range:
    """Primary keys for rows about to be inserted in bulk, so no RETURNING is needed.

    PostgreSQL hands out one block of the table's sequence; on SQLite the import holds the
    write lock (BEGIN IMMEDIATE), so the ids after the current maximum are free.
    """
    connection = db.session.connection()
    if is_sqlite():
        start = connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
        return range(start + 1, start + 1 + count)
    # Nobody else may insert into the table until this import commits (an ORM insert waits
    # for the lock before it draws its id), so one block of the sequence can be taken at once.
    connection.exec_driver_sql(f"LOCK TABLE {table.name} IN EXCLUSIVE MODE")
    last = connection.execute(
        text(
            "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
            "nextval(pg_get_serial_sequence(:table, 'id')) + :count - 1)"
        ),
        {"table": table.name, "count": count},
    ).scalar_one()
    return range(last - count + 1, last + 1)


def _none(series: pd.Series) -> list:
    return [
        None
        if value is None or value is pd.NaT or (isinstance(value, float) and value != value)
        else value
        for value in series.tolist()
    ]


def _raise_delivered(good: pd.DataFrame) -> None:
    """Add the delivered quantities to each supply line and move statuses on."""
    totals = good.groupby(["kind", "source_id"])["quantity"].sum()
    for kind, model in MODELS.items():
        if kind not in totals.index.get_level_values(0):
            continue
        part = totals.loc[kind]
        table = model.__table__
        db.session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(delivered_quantity=table.c.delivered_quantity + bindparam("b_q")),
            [{"b_id": int(i), "b_q": int(q)} for i, q in part.items()],
        )
        _update_statuses(kind, [int(i) for i in part.index])


def _update_statuses(kind: str, ids: list[int]) -> None:
    model = MODELS[kind]
    rows: Sequence[typing.Any] = db.session.scalars(
        select(model).where(model.id.in_(ids)).execution_options(populate_existing=True)
    ).all()
    if kind == SourceKind.ORDER_LINE.value:
        rows = list({line.order_id: line for line in rows}.values())  # one line per order
    for row in rows:
        settle_status(kind, row)


# ---------------------------------------------------------------------------------------------
# Order lines


def import_order_lines(data: bytes, filename: str, status: str = "placed") -> ImportResult:
    """New orders from a file of lines: one order per value of the `order` column."""
    frame = read_table(data, filename)
    require_columns(frame, ORDER_REQUIRED)
    check = Checker(frame)
    suppliers = dict(
        db.session.execute(
            select(Supplier.code, Supplier.id).where(
                Supplier.active.is_(True),
                Supplier.kind.in_((SupplierKind.MARKET, SupplierKind.DOMESTIC_PRODUCER)),
            )
        )
        .tuples()
        .all()
    )
    items = dict(
        db.session.execute(select(Item.code, Item.id).where(Item.active.is_(True))).tuples().all()
    )
    good = pd.DataFrame(index=frame.index)
    good["order"] = check.text("order", True, 30)
    good["supplier_id"] = check.code("supplier", suppliers, _unknown_supplier)
    good["item_id"] = check.code("item", items, _unknown_item)
    good["quantity"] = check.whole("quantity")
    good["unit_price"] = check.price("unit_price")
    currency = check.text("currency", False, 3).str.upper().replace("", "SEK")
    check.fail(
        ~currency.str.fullmatch(r"[A-Z]{3}"),
        "currency",
        lambda v: _("%(value)s is not a three-letter currency code", value=repr(v)),
    )
    good["currency"] = currency
    good["promised_date"] = check.day("promised_date", False)
    good["documents"] = check.text("documents", False, 2000)
    existing = set(
        db.session.scalars(
            select(PurchaseOrder.code).where(
                PurchaseOrder.code.in_(good["order"].unique().tolist())
            )
        )
    )
    check.fail(
        good["order"].isin(existing),
        "order",
        lambda v: _("order %(value)s exists already", value=repr(v)),
    )
    mixed = good.groupby("order")[["supplier_id", "currency"]].transform("nunique")
    check.fail(
        (mixed["supplier_id"] > 1) | (mixed["currency"] > 1),
        "order",
        _("one order, one supplier and one currency"),
    )
    check.raise_if_any()
    with one_transaction():
        return _write_orders(good, filename, _key(data), OrderStatus(status))


def _write_orders(good: pd.DataFrame, filename: str, key: str, status: OrderStatus) -> ImportResult:
    connection = db.session.connection()
    now, actor = utcnow(), audit.current_actor_name()
    heads = good.drop_duplicates("order")
    order_ids = (
        connection.execute(
            insert(PurchaseOrder.__table__).returning(
                PurchaseOrder.__table__.c.id, sort_by_parameter_order=True
            ),
            [
                {
                    "code": code,
                    "supplier_id": int(supplier),
                    "status": status.value,
                    "currency": currency,
                    "documents": documents or None,
                    "notes": None,
                    "placed_on": clock.today() if status != OrderStatus.DRAFT else None,
                    "created_by": actor,
                    "created_at": now,
                }
                for code, supplier, currency, documents in zip(
                    heads["order"],
                    heads["supplier_id"],
                    heads["currency"],
                    heads["documents"],
                    strict=True,
                )
            ],
        )
        .scalars()
        .all()
    )
    ids = dict(zip(heads["order"], order_ids, strict=True))
    connection.execute(
        insert(OrderLine.__table__),
        [
            {
                "order_id": ids[code],
                "item_id": int(item_id),
                "quantity": int(quantity),
                "unit_price": float(price),
                "promised_date": promised,
                "delivered_quantity": 0,
            }
            for code, item_id, quantity, price, promised in zip(
                good["order"],
                good["item_id"],
                good["quantity"],
                good["unit_price"],
                _none(good["promised_date"]),
                strict=True,
            )
        ],
    )
    audit.record(
        db.session,
        "import",
        "order_lines",
        f"import:{key}",
        after={"file": filename, "orders": len(ids), "lines": len(good)},
    )
    return ImportResult(len(good), {"orders": len(ids)}, key)

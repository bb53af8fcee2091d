"""Clerks racing each other: threads with their own sessions against the same rows.

Runs on whichever database the suite runs on (SQLite file, then PostgreSQL).
"""

import threading
import uuid

from supplyapp.extensions import db
from supplyapp.imports import ImportRejected
from supplyapp.models.procurement import OrderLine
from supplyapp.models.stock import Delivery, StockBalance
from supplyapp.services import stock
from supplyapp.services.errors import DomainError
from tests.conftest import as_user
from tests.supply_factories import approved_lot, placed_order, receipt

CLERKS = 8


def _race(app, work, count=CLERKS, actors=None):
    """Run work(i) in `count` threads released at once, thread i acting as actors[i] (clerk<i>
    by default); returns (successes, failures)."""
    actors = actors or [f"clerk{index}" for index in range(count)]
    count = len(actors)
    barrier = threading.Barrier(count)
    results = []

    def run(index):
        with app.app_context(), as_user(actors[index]):
            barrier.wait()
            try:
                work(index)
                results.append("ok")
            except (DomainError, ImportRejected) as error:
                results.append(type(error).__name__)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_clerks_receiving_against_one_line_never_exceed_or_lose_quantity(app, places):
    order = placed_order(lines=(("ffp2", 100, "1"),))
    line_id = order.lines[0].id
    db.session.remove()
    # Eight clerks each receive 30 against 100 outstanding: three fit, the rest are refused.
    results = _race(app, lambda i: stock.receive(receipt(line_id, 30, lot=f"L{i}")))
    assert results.count("ok") == 3, results
    assert set(results) == {"ok", "InvalidInput"}
    db.session.expire_all()
    line = db.session.get(OrderLine, line_id)
    booked = sum(d.quantity for d in db.session.query(Delivery).all())
    assert line.delivered_quantity == booked == 90
    assert sum(b.quarantined for b in db.session.query(StockBalance).all()) == 90
    assert stock.check_ledger() == []


def test_a_double_submit_racing_itself_books_once(app, places):
    order = placed_order()
    line_id = order.lines[0].id
    db.session.remove()
    key = uuid.uuid4().hex
    results = _race(app, lambda i: stock.receive(receipt(line_id, 10, key=key)), count=4)
    assert results.count("ok") == 1, results
    assert set(results) == {"ok", "AlreadyBooked"}
    db.session.expire_all()
    assert db.session.get(OrderLine, line_id).delivered_quantity == 10


def test_racing_reservations_never_take_more_than_the_lot_holds(app, places):
    lot_id = approved_lot(100)
    db.session.remove()
    results = _race(app, lambda i: stock.reserve(lot_id, 15, "race", f"plan-{i}"))
    assert results.count("ok") == 6, results
    assert set(results) == {"ok", "InsufficientStock"}
    db.session.expire_all()
    balance = db.session.get(StockBalance, lot_id)
    assert (balance.available, balance.reserved) == (10, 90)
    assert stock.check_ledger() == []


def test_one_delivery_file_uploaded_twice_at_once_is_booked_once_the_other_told_why(app, places):
    from supplyapp.services.stock_import import import_deliveries
    from tests.services.test_stock_import import _csv, expiry, received

    order = placed_order()
    line_id = order.lines[0].id
    data = _csv([("NL-ARN", order.code, "ffp2", "10", "A1", expiry(), received())])
    db.session.remove()
    messages: list[str] = []

    def upload(index):
        try:
            import_deliveries(data, "d.csv")
        except ImportRejected as rejected:
            messages.append(str(rejected))
            raise

    results = _race(app, upload, count=3)
    assert results.count("ok") == 1, results
    assert set(results) == {"ok", "ImportRejected"}, results
    assert all("imported already" in message for message in messages), messages
    db.session.expire_all()
    assert db.session.get(OrderLine, line_id).delivered_quantity == 10

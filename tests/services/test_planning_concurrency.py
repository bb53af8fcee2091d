"""Officers racing each other: two approvals for the same stock, one approval submitted twice,
a dispatch submitted twice. Threads with their own sessions, on SQLite and on PostgreSQL."""

from sqlalchemy import func, select

from supplyapp.extensions import db
from supplyapp.models.planning import AllocationPlan, PlanStatus, Shipment
from supplyapp.models.stock import StockBalance
from supplyapp.services import plan_review, shipments, stock
from supplyapp.services.stock_units import check_units
from tests.conftest import as_user
from tests.planning_factories import run, shortage_scenario
from tests.services.test_stock_concurrency import _race


def submitted_plan() -> int:
    plan_id = run(redistribute=False)
    with as_user("officer"):
        plan_review.submit(plan_id)
    return plan_id


def test_two_approvals_racing_for_the_same_stock_one_wins_the_other_is_refused(app, places):
    lot_id = shortage_scenario(national=1000)
    plans = [submitted_plan(), submitted_plan()]  # each would give out all 1,000
    db.session.remove()
    results = _race(app, lambda i: plan_review.approve(plans[i]), actors=["officer2", "admin"])
    assert sorted(results) == ["StockMoved", "ok"], results
    db.session.expire_all()
    statuses = sorted(db.session.get(AllocationPlan, p).status for p in plans)
    assert statuses == sorted([PlanStatus.APPROVED, PlanStatus.SUBMITTED])
    balance = db.session.get(StockBalance, lot_id)
    assert (balance.available, balance.reserved) == (0, 1000)
    assert db.session.scalar(select(func.sum(Shipment.quantity))) == 1000
    assert stock.check_ledger() == [] and check_units() == []


def test_one_approval_submitted_twice_at_once_books_once(app, places):
    lot_id = shortage_scenario(national=1000)
    plan_id = submitted_plan()
    db.session.remove()
    results = _race(app, lambda i: plan_review.approve(plan_id), actors=["officer2"] * 4)
    assert results.count("ok") == 1 and set(results) == {"ok", "AlreadyDecided"}, results
    db.session.expire_all()
    assert db.session.get(StockBalance, lot_id).reserved == 1000
    assert db.session.scalar(select(func.sum(Shipment.quantity))) == 1000


def test_a_dispatch_submitted_twice_at_once_books_once(app, places):
    lot_id = shortage_scenario(national=1000)
    plan_id = submitted_plan()
    with as_user("officer2"):
        plan_review.approve(plan_id)
    shipment_id = db.session.scalar(select(Shipment.id).order_by(Shipment.id))
    quantity = db.session.get(Shipment, shipment_id).quantity
    with as_user("logistics"):
        shipments.pick(shipment_id)
    db.session.remove()
    results = _race(app, lambda i: shipments.dispatch(shipment_id), actors=["logistics"] * 4)
    assert results.count("ok") == 1 and set(results) == {"ok", "AlreadyDone"}, results
    db.session.expire_all()
    assert db.session.get(StockBalance, lot_id).reserved == 1000 - quantity
    assert check_units() == []

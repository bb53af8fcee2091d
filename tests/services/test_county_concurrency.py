"""County boards racing themselves (issue 18, points 1 and 2): the same combined request posted
three times at once, and three sharings from one giver at once. Threads with their own sessions,
on SQLite and on PostgreSQL."""

from sqlalchemy import func, select

from supplyapp import clock
from supplyapp.extensions import db
from supplyapp.models.demand import CountySharing, ShortageRequest
from supplyapp.services import demand, demand_county
from tests.services.test_demand_requests import filed, reported
from tests.services.test_stock_concurrency import _race


def _latest(code: str) -> int:
    organisation = demand.requesting_organisation(code)
    item = demand.active_items()["ffp2"]
    line = demand.latest_line(organisation.id, item.id)
    assert line is not None
    return line.stock_on_hand


def test_three_simultaneous_forwardings_make_exactly_one_combined_line(app, places):
    reported("0380")
    reported("0381")
    ids = [filed("0380", quantity=100).id, filed("0381", quantity=50).id]
    db.session.remove()
    results = _race(
        app, lambda i: demand_county.forward_requests("LST-03", ids), actors=["county"] * 3
    )
    assert results.count("ok") == 1, results
    assert set(results) == {"ok", "DomainError"}, results
    db.session.expire_all()
    lines = db.session.scalars(
        select(ShortageRequest).where(ShortageRequest.forwarded_in_id.is_(None))
    ).all()
    combined = [line for line in lines if line.organisation.code == "LST-03"]
    assert len(combined) == 1
    assert combined[0].quantity == 150
    assert {source.id for source in combined[0].sources} == set(ids)


def test_three_simultaneous_sharings_from_one_giver_all_count(app, places):
    reported("0380", stock=1000, use=10)
    reported("0381", stock=0, use=10)
    db.session.remove()
    results = _race(
        app,
        lambda i: demand_county.record_sharing(
            "LST-03", "0380", "0381", "ffp2", 100, clock.today()
        ),
        actors=["county"] * 3,
    )
    assert results == ["ok"] * 3, results
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(CountySharing)) == 3
    assert _latest("0380") == 700
    assert _latest("0381") == 300


def test_sharings_racing_for_the_last_units_never_give_more_than_reported(app, places):
    reported("0380", stock=250, use=10)
    db.session.remove()
    results = _race(
        app,
        lambda i: demand_county.record_sharing(
            "LST-03", "0380", ("0381", "0382", "0305", "0330")[i], "ffp2", 100, clock.today()
        ),
        actors=["county"] * 4,
    )
    assert sorted(results) == ["InvalidInput", "InvalidInput", "ok", "ok"], results
    db.session.expire_all()
    assert _latest("0380") == 50

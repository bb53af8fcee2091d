"""Building blocks for the allocation round tests: stock, reports, requests, a run plan.

Reports and requests are made as "tester"; rounds are proposed as "officer" unless a test names
another proposer (four eyes: the proposer may not decide the plan)."""

from datetime import timedelta

from supplyapp import clock
from supplyapp.models.demand import ReportSource
from supplyapp.services import demand, demand_requests, planning
from tests.conftest import as_user
from tests.supply_factories import approved_lot


def reported(code, item="ffp2", stock=100, use=20, as_of=None):
    with as_user("tester"):
        demand.submit_report(
            code, as_of or clock.today(), [demand.LineInput(item, stock, use)], ReportSource.FORM
        )


def filed(code, item="ffp2", quantity=400, priority="critical", **extra):
    with as_user("tester"):
        return demand_requests.file_request(
            code,
            item,
            quantity,
            clock.today() + timedelta(days=3),
            priority,
            "Our stock runs out on Friday.",
            **extra,
        )


def shortage_scenario(national=1000, item="ffp2"):
    """Uppsala and Stockholm ask for more than the national stock; Upplands Väsby has plenty.

    Returns the lot id of the national stock (at NL-ARN).
    """
    lot_id = approved_lot(national, item=item)
    reported("0380", item, stock=100, use=20)
    filed("0380", item, 600, "critical")
    reported("0180", item, stock=200, use=50)
    filed("0180", item, 1000, "critical")
    reported("0114", item, stock=10000, use=10)
    return lot_id


def run(proposer="officer", **settings) -> int:
    settings.setdefault("item_codes", ["ffp2"])
    with as_user(proposer):
        return planning.run_round(planning.RoundSettings(**settings)).id


def planning_route_records() -> dict:
    """Records the allocation and shipment URLs of the access table point at.

    A draft plan with a line; an approved plan with a national shipment to Uppsala kommun
    (0380), one to Stockholm (0180), and a redistribution from Upplands Väsby (0114) to 0380.
    """
    from sqlalchemy import select

    from supplyapp.extensions import db
    from supplyapp.models.planning import LineKind, Shipment
    from supplyapp.services import plan_review

    shortage_scenario(national=200)
    approved = run(proposer="matrix")
    draft = run(proposer="matrix", redistribute=False)  # before the approval takes the stock
    with as_user("matrix"):
        plan_review.submit(approved)
    with as_user("matrix2"):
        plan_review.approve(approved)
    shipments = db.session.scalars(select(Shipment).where(Shipment.plan_id == approved)).all()

    def shipment(kind, recipient):
        return next(s.id for s in shipments if s.kind == kind and s.recipient.code == recipient)

    from supplyapp.models.planning import AllocationPlan

    return {
        "plan": draft,
        "line": db.session.get(AllocationPlan, draft).lines[0].id,
        "approved_plan": approved,
        "shipment": shipment(LineKind.DISTRIBUTION, "0380"),
        "shipment_0180": shipment(LineKind.DISTRIBUTION, "0180"),
        "redistribution": shipment(LineKind.REDISTRIBUTION, "0380"),
    }

"""Building blocks for the allocation round tests: stock, reports, requests, a run plan."""

from datetime import date, timedelta

from supplyapp.models.demand import ReportSource
from supplyapp.services import demand, demand_requests, planning
from tests.supply_factories import approved_lot

TODAY = date.today()


def reported(code, item="ffp2", stock=100, use=20, as_of=None):
    demand.submit_report(code, as_of or TODAY, [demand.LineInput(item, stock, use)],
                         ReportSource.FORM, "tester")


def filed(code, item="ffp2", quantity=400, priority="critical"):
    return demand_requests.file_request(code, item, quantity, TODAY + timedelta(days=3),
                                        priority, "Our stock runs out on Friday.", "tester")


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


def run(by="officer", **settings) -> int:
    settings.setdefault("item_codes", ["ffp2"])
    return planning.run_round(planning.RoundSettings(**settings), by).id

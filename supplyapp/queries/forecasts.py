"""Reads for forecasts and scenarios: the inputs the forecasting package is given, gathered
from the database as plain JSON-able values (so a run keeps exactly what it was given), and the
kept scenarios and runs.

- intensive care: per region and day the staffed places, occupied and covid patients of the
  picture's day totals (models/icu_picture.py);
- national stock per item and warehouse (approved, unreserved units);
- the pipeline, each entry with its channel, supplier and week (queries/stock.py's entries,
  with the supplier added so a scenario can fail one);
- each channel's record: per delivery what was promised when, what came when, what quality
  control rejected;
- organisations' reported stock today and daily use, summed per region (county) and item.
"""

from collections import defaultdict
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import func, select

from supplyapp import clock
from supplyapp.extensions import db
from supplyapp.models import Item, Organisation, OrganisationKind, Supplier, Warehouse
from supplyapp.models.forecasts import ForecastRun, Scenario
from supplyapp.models.icu_picture import IcuRegionDay
from supplyapp.models.procurement import (
    CallOff,
    CallOffStatus,
    DomesticContract,
    Donation,
    FrameworkContract,
    FrameworkShare,
    OrderLine,
    OrderStatus,
    PurchaseOrder,
)
from supplyapp.models.stock import Delivery, Inspection, Lot, SourceKind, StockBalance
from supplyapp.queries import demand as demand_queries
from supplyapp.queries import stock as stock_queries

HISTORY_DAYS = 56  # intensive-care days read back: eight weeks, as the picture's trend
# The pipeline's channels by the delivery's source kind.
CHANNEL_OF_SOURCE = {
    SourceKind.ORDER_LINE.value: "ordered",
    SourceKind.CALL_OFF.value: "called_off",
    SourceKind.DONATION.value: "donated",
    SourceKind.DOMESTIC.value: "contracted",
}


# ---------------------------------------------------------------------------------------------
# The inputs


def items() -> list[dict]:
    """Active items: code, names, unit and units per intensive-care patient-day."""
    rows = db.session.execute(
        select(Item.code, Item.name_sv, Item.name_en, Item.unit, Item.per_icu_patient_day)
        .where(Item.active.is_(True))
        .order_by(Item.code)
    )
    return [
        {"code": c, "name_sv": sv, "name_en": en, "unit": u, "per_icu_patient_day": float(p)}
        for c, sv, en, u, p in rows
    ]


def regions() -> list[dict]:
    """The 21 regions: code, name and county code."""
    rows = db.session.execute(
        select(Organisation.code, Organisation.name, Organisation.county_code)
        .where(Organisation.kind == OrganisationKind.REGION)
        .order_by(Organisation.code)
    )
    return [{"code": c, "name": n, "county_code": k} for c, n, k in rows]


def icu_days(today: date | None = None, days: int = HISTORY_DAYS) -> dict[str, list[dict]]:
    """region code -> [{day, staffed, occupied, covid}] oldest first, over the last `days` days
    up to today (days with no row are left out; an empty figure stays None)."""
    today = today or clock.today()
    rows = db.session.execute(
        select(
            Organisation.code,
            IcuRegionDay.day,
            IcuRegionDay.staffed,
            IcuRegionDay.occupied,
            IcuRegionDay.covid,
        )
        .join(Organisation, Organisation.id == IcuRegionDay.region_id)
        .where(IcuRegionDay.day > today - timedelta(days=days), IcuRegionDay.day <= today)
        .order_by(Organisation.code, IcuRegionDay.day)
    )
    result: dict[str, list[dict]] = defaultdict(list)
    for code, day, staffed, occupied, covid in rows:
        result[code].append(
            {"day": day.isoformat(), "staffed": staffed, "occupied": occupied, "covid": covid}
        )
    return dict(result)


def stock_by_warehouse() -> list[dict]:
    """Approved, unreserved national stock per item and warehouse (units > 0)."""
    rows = db.session.execute(
        select(Item.code, Warehouse.code, func.sum(StockBalance.available))
        .join(Item, Item.id == StockBalance.item_id)
        .join(Warehouse, Warehouse.id == StockBalance.warehouse_id)
        .group_by(Item.code, Warehouse.code)
        .order_by(Item.code, Warehouse.code)
    )
    return [
        {"item": item, "warehouse": warehouse, "quantity": int(quantity)}
        for item, warehouse, quantity in rows
        if quantity
    ]


def _suppliers_of_sources() -> dict[str, str]:
    """pipeline source code (order, call-off, donation, contract) -> supplier code."""
    queries = [
        select(PurchaseOrder.code, Supplier.code).join(
            Supplier, Supplier.id == PurchaseOrder.supplier_id
        ),
        select(CallOff.code, Supplier.code)
        .join(FrameworkShare, FrameworkShare.id == CallOff.share_id)
        .join(FrameworkContract, FrameworkContract.id == FrameworkShare.contract_id)
        .join(Supplier, Supplier.id == FrameworkContract.supplier_id),
        select(Donation.code, Supplier.code).join(Supplier, Supplier.id == Donation.supplier_id),
        select(DomesticContract.code, Supplier.code).join(
            Supplier, Supplier.id == DomesticContract.supplier_id
        ),
    ]
    return {source: supplier for query in queries for source, supplier in db.session.execute(query)}


def pipeline(today: date | None = None) -> list[dict]:
    """Every quantity still to come: item, week (Monday, ISO; None when undated), channel,
    source and supplier."""
    suppliers = _suppliers_of_sources()
    return [
        {
            "item": entry["item"],
            "week": entry["week"].isoformat() if entry["week"] else None,
            "channel": entry["channel"],
            "quantity": entry["quantity"],
            "source": entry["source"],
            "supplier": suppliers.get(entry["source"]),
        }
        for entry in stock_queries.pipeline_entries(today)
    ]


def channel_history() -> list[dict]:
    """Every delivery received: channel, supplier, item, quantity, due and received days, and
    the units quality control rejected."""
    rejected = (
        select(Lot.delivery_id, func.sum(Inspection.rejected_quantity).label("rejected"))
        .join(Inspection, Inspection.lot_id == Lot.id)
        .group_by(Lot.delivery_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Delivery.source_kind,
            Supplier.code,
            Item.code,
            Delivery.quantity,
            Delivery.due_date,
            Delivery.received_on,
            func.coalesce(rejected.c.rejected, 0),
        )
        .join(Supplier, Supplier.id == Delivery.supplier_id)
        .join(Item, Item.id == Delivery.item_id)
        .outerjoin(rejected, rejected.c.delivery_id == Delivery.id)
        .order_by(Delivery.id)
    )
    return [
        {
            "channel": CHANNEL_OF_SOURCE[getattr(kind, "value", kind)],
            "supplier": supplier,
            "item": item,
            "quantity": int(quantity),
            "due": due.isoformat() if due else None,
            "received": received.isoformat(),
            "rejected": int(rejected_units),
        }
        for kind, supplier, item, quantity, due, received, rejected_units in rows
    ]


def ordered_history() -> list[dict]:
    """What was promised and is past due: per order line, call-off and donation due before
    today, the promised quantity and what has come (so a short or missing delivery counts)."""
    today = clock.today()
    rows = []
    for kind, query in (
        (
            "ordered",
            select(
                Item.code,
                Supplier.code,
                OrderLine.quantity,
                OrderLine.delivered_quantity,
                OrderLine.promised_date,
            )
            .join(PurchaseOrder, PurchaseOrder.id == OrderLine.order_id)
            .join(Supplier, Supplier.id == PurchaseOrder.supplier_id)
            .join(Item, Item.id == OrderLine.item_id)
            .where(OrderLine.promised_date < today, PurchaseOrder.status != OrderStatus.CANCELLED),
        ),
        (
            "called_off",
            select(
                Item.code,
                Supplier.code,
                CallOff.quantity,
                CallOff.delivered_quantity,
                CallOff.expected_date,
            )
            .join(FrameworkShare, FrameworkShare.id == CallOff.share_id)
            .join(FrameworkContract, FrameworkContract.id == FrameworkShare.contract_id)
            .join(Supplier, Supplier.id == FrameworkContract.supplier_id)
            .join(Item, Item.id == FrameworkShare.item_id)
            .where(CallOff.expected_date < today, CallOff.status != CallOffStatus.CANCELLED),
        ),
    ):
        for item, supplier, promised, delivered, due in db.session.execute(query):
            rows.append(
                {
                    "channel": kind,
                    "supplier": supplier,
                    "item": item,
                    "promised": int(promised),
                    "delivered": int(delivered),
                    "due": due.isoformat(),
                }
            )
    return rows


def reported_use(today: date | None = None) -> list[dict]:
    """Organisations' latest reports summed per county and item: stock left today and daily
    use (regions, municipalities and care providers alike)."""
    totals: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0.0, 0])
    for row in demand_queries.latest_rows(today):
        total = totals[(row["county_code"], row["item_code"])]
        total[0] += row["stock_today"]
        total[1] += row["daily_use"]
        total[2] += 1
    return [
        {"county": county, "item": item, "stock": int(v[0]), "daily_use": v[1], "reports": v[2]}
        for (county, item), v in sorted(totals.items())
    ]


def warehouses() -> list[dict]:
    rows = db.session.execute(
        select(Warehouse.code, Warehouse.name)
        .where(Warehouse.active.is_(True))
        .order_by(Warehouse.code)
    )
    return [{"code": c, "name": n} for c, n in rows]


def suppliers() -> list[dict]:
    rows = db.session.execute(
        select(Supplier.code, Supplier.name, Supplier.kind)
        .where(Supplier.active.is_(True))
        .order_by(Supplier.name)
    )
    return [{"code": c, "name": n, "kind": getattr(k, "value", k)} for c, n, k in rows]


def gather_inputs(today: date | None = None) -> dict:
    """Everything a forecast run is given, as of today: JSON-able."""
    today = today or clock.today()
    return {
        "as_of": today.isoformat(),
        "items": items(),
        "regions": regions(),
        "icu": icu_days(today),
        "stock": stock_by_warehouse(),
        "pipeline": pipeline(today),
        "deliveries": channel_history(),
        "promised": ordered_history(),
        "reported": reported_use(today),
    }


# ---------------------------------------------------------------------------------------------
# Scenarios and runs


def scenarios() -> list[Scenario]:
    """The base scenario first, then the others by name."""
    return list(
        db.session.scalars(select(Scenario).order_by(Scenario.is_base.desc(), Scenario.name))
    )


def scenario(scenario_id: int) -> Scenario | None:
    return db.session.get(Scenario, scenario_id)


def base_scenario() -> Scenario | None:
    return db.session.scalars(select(Scenario).where(Scenario.is_base.is_(True))).first()


def scenario_named(name: str) -> Scenario | None:
    return db.session.scalars(select(Scenario).where(Scenario.name == name)).first()


def latest_run(scenario_id: int) -> ForecastRun | None:
    return db.session.scalars(
        select(ForecastRun)
        .where(ForecastRun.scenario_id == scenario_id)
        .order_by(ForecastRun.id.desc())
        .limit(1)
    ).first()


def latest_base_run() -> ForecastRun | None:
    base = base_scenario()
    return latest_run(base.id) if base else None


def runs(scenario_id: int, limit: int = 50) -> list[ForecastRun]:
    return list(
        db.session.scalars(
            select(ForecastRun)
            .where(ForecastRun.scenario_id == scenario_id)
            .order_by(ForecastRun.id.desc())
            .limit(limit)
        )
    )


def run(run_id: int) -> ForecastRun | None:
    return db.session.get(ForecastRun, run_id)


def actual_icu(since: date, until: date | None = None) -> dict[str, dict[str, dict]]:
    """What happened: region code -> day (ISO) -> {staffed, occupied, covid} from the picture's
    day totals, since a run's day."""
    until = until or clock.today()
    rows = db.session.execute(
        select(
            Organisation.code,
            IcuRegionDay.day,
            IcuRegionDay.staffed,
            IcuRegionDay.occupied,
            IcuRegionDay.covid,
        )
        .join(Organisation, Organisation.id == IcuRegionDay.region_id)
        .where(IcuRegionDay.day > since, IcuRegionDay.day <= until)
    )
    result: dict[str, dict[str, dict]] = defaultdict(dict)
    for code, day, staffed, occupied, covid in rows:
        result[code][day.isoformat()] = {"staffed": staffed, "occupied": occupied, "covid": covid}
    return dict(result)


# ---------------------------------------------------------------------------------------------
# A kept run's figures, for pages, the API and exports (dates as dates)

RUN_OUT_SOON_WEEKS = 4  # the start page: items that run out within this many weeks
OVER_CAPACITY_SOON_DAYS = 14  # ... and regions over 100 % within this many days


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def run_items(run: ForecastRun) -> list[dict]:
    """Per item: national stock at the start, the week it runs out (0: this week; None: not in
    the 26 weeks) and that week's Monday, and the stock at the end of each week."""
    outputs = run.outputs_json
    return [
        {
            **item,
            "run_out_date": _day(item["run_out_date"]),
            "end_stock": item["stock"][-1] if item["stock"] else None,
        }
        for item in outputs["items"]
    ]


def run_regions(run: ForecastRun) -> list[dict]:
    """Per region: staffed places, covid and other patients today, the peak demand and the day
    demand passes 80, 90 and 100 % of staffed places (None: not within the forecast)."""
    start = date.fromisoformat(run.outputs_json["start"])
    rows = []
    for region in run.outputs_json["icu"]["regions"]:
        demand = region["demand"]
        peak = max(demand) if demand else 0
        rows.append(
            {
                **region,
                "start": start,
                "peak": peak,
                "peak_day": start + timedelta(days=demand.index(peak)) if demand else None,
                "passes": {int(p): _day(d) for p, d in region["thresholds"].items()},
            }
        )
    return rows


def run_weeks(run: ForecastRun) -> list[date]:
    return [date.fromisoformat(w) for w in run.outputs_json["weeks"]]


def items_frame(run: ForecastRun) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "item": i["code"],
                "name": i["name_sv"],
                "unit": i["unit"],
                "start_stock": i["start_stock"],
                "run_out_week": i["run_out_week"],
                "run_out_date": i["run_out_date"],
                "stock_after_26_weeks": i["end_stock"],
            }
            for i in run_items(run)
        ],
        columns=[
            "item",
            "name",
            "unit",
            "start_stock",
            "run_out_week",
            "run_out_date",
            "stock_after_26_weeks",
        ],
    )


def weekly_frame(run: ForecastRun) -> pd.DataFrame:
    weeks = run_weeks(run)
    return pd.DataFrame(
        [
            {
                "item": i["code"],
                "week": week,
                "inflow": i["inflow"][w],
                "need": i["need"][w],
                "stock_end_of_week": i["stock"][w],
            }
            for i in run.outputs_json["items"]
            for w, week in enumerate(weeks)
        ],
        columns=["item", "week", "inflow", "need", "stock_end_of_week"],
    )


def regions_frame(run: ForecastRun) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "region": r["code"],
                "name": r["name"],
                "staffed": r["staffed"],
                "covid_today": r["covid_today"],
                "other_patients": r["other_patients"],
                "peak_demand": r["peak"],
                "peak_day": r["peak_day"],
                "day_80": r["passes"].get(80),
                "day_90": r["passes"].get(90),
                "day_100": r["passes"].get(100),
            }
            for r in run_regions(run)
        ],
        columns=[
            "region",
            "name",
            "staffed",
            "covid_today",
            "other_patients",
            "peak_demand",
            "peak_day",
            "day_80",
            "day_90",
            "day_100",
        ],
    )


def start_page_alerts(run: ForecastRun | None) -> dict:
    """From a base run: the items that run out within RUN_OUT_SOON_WEEKS weeks, and the regions
    whose demand passes 100 % of staffed places within OVER_CAPACITY_SOON_DAYS days."""
    if run is None:
        return {"run": None, "items": [], "regions": []}
    start = date.fromisoformat(run.outputs_json["start"])
    items = [
        i
        for i in run_items(run)
        if i["run_out_week"] is not None and i["run_out_week"] < RUN_OUT_SOON_WEEKS
    ]
    regions = [
        r
        for r in run_regions(run)
        if r["passes"].get(100) is not None
        and r["passes"][100] < start + timedelta(days=OVER_CAPACITY_SOON_DAYS)
    ]
    return {
        "run": run,
        "items": sorted(items, key=lambda i: i["run_out_week"]),
        "regions": sorted(regions, key=lambda r: r["passes"][100]),
    }


def comparison(runs: list[ForecastRun]) -> dict:
    """Side by side: per item the run-out week of each run, per region the days each run's
    demand passes 80, 90 and 100 %, and the nation's demand per day against staffed places."""
    items: dict[str, dict] = {}
    regions: dict[str, dict] = {}
    for index, run in enumerate(runs):
        for item in run_items(run):
            row = items.setdefault(
                item["code"],
                {k: item[k] for k in ("code", "name_sv", "name_en", "unit")}
                | {"weeks": [None] * len(runs), "dates": [None] * len(runs)},
            )
            row["weeks"][index] = item["run_out_week"]
            row["dates"][index] = item["run_out_date"]
        for region in run_regions(run):
            row = regions.setdefault(
                region["code"],
                {"code": region["code"], "name": region["name"], "staffed": region["staffed"]}
                | {"passes": [{} for _ in runs]},
            )
            row["passes"][index] = region["passes"]
    nation = [
        [
            round(sum(day), 1)
            for day in zip(*(r["demand"] for r in run.outputs_json["icu"]["regions"]), strict=True)
        ]
        for run in runs
    ]
    staffed = [sum(r["staffed"] for r in run.outputs_json["icu"]["regions"]) for run in runs]
    return {
        "items": list(items.values()),
        "regions": list(regions.values()),
        "nation": nation,
        "staffed": staffed,
    }


def comparison_frame(runs: list[ForecastRun], names: list[str]) -> pd.DataFrame:
    data = comparison(runs)
    rows = []
    for item in data["items"]:
        row = {"kind": "run_out_week", "code": item["code"], "name": item["name_sv"]}
        row.update({name: item["weeks"][i] for i, name in enumerate(names)})
        rows.append(row)
    for region in data["regions"]:
        for percent in (80, 90, 100):
            row = {"kind": f"day_{percent}", "code": region["code"], "name": region["name"]}
            row.update({name: region["passes"][i].get(percent) for i, name in enumerate(names)})
            rows.append(row)
    return pd.DataFrame(rows, columns=["kind", "code", "name", *names])


def forecast_against_actual(run: ForecastRun, today: date | None = None) -> dict:
    """The run's demand per region and day against the occupied places reported since (its
    error: mean absolute error and bias, per region and overall, over the days both have)."""
    from forecasting import forecast_error

    start = date.fromisoformat(run.outputs_json["start"])
    actual_rows = actual_icu(start - timedelta(days=1), today)
    forecast: dict[str, dict[date, float]] = {}
    actual: dict[str, dict[date, float]] = {}
    for region in run.outputs_json["icu"]["regions"]:
        forecast[region["code"]] = {
            start + timedelta(days=t): v for t, v in enumerate(region["demand"])
        }
        actual[region["code"]] = {
            date.fromisoformat(day): figures["occupied"]
            for day, figures in actual_rows.get(region["code"], {}).items()
            if figures["occupied"] is not None
        }
    error = forecast_error(forecast, actual)
    names = {r["code"]: r["name"] for r in run.outputs_json["icu"]["regions"]}
    rows = [
        {
            "code": code,
            "name": names.get(code, code),
            "days": figures.days,
            "mean_absolute_error": figures.mean_absolute_error,
            "mean_error": figures.mean_error,
            "pairs": sorted(
                (day, forecast[code][day], actual[code][day])
                for day in set(forecast[code]) & set(actual[code])
            ),
        }
        for code, figures in error.per_region.items()
    ]
    return {"overall": error.overall, "regions": rows}


def error_frame(run: ForecastRun) -> pd.DataFrame:
    found = forecast_against_actual(run)
    return pd.DataFrame(
        [
            {
                "region": r["code"],
                "name": r["name"],
                "day": day,
                "forecast": forecast,
                "actual": actual,
                "error": round(forecast - actual, 2),
            }
            for r in found["regions"]
            for day, forecast, actual in r["pairs"]
        ],
        columns=["region", "name", "day", "forecast", "actual", "error"],
    )

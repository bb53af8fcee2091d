"""Running a scenario: the inputs gathered from the database (queries/forecasts.py), handed to
the forecasting package, and the run kept with its inputs and outputs (one transaction).

How the app's figures become the package's:
- intensive care: day 0 is today; a region's census is its covid patients of the latest day
  with a figure, its places the staffed places of that day. Other patients are held at today's
  number, so a region's demand = other patients + the covid census forecast, and the days it
  passes 80, 90 and 100 % of staffed places are read from that demand. A doubling time left
  empty is fitted to the nation's covid patients over the last FIT_DAYS days.
- supply: national stock per warehouse; the pipeline, one channel per kind and supplier,
  weighted by its record (on time x passed quality control) measured from its deliveries and
  from what it promised and has not brought; organisations' reported stock and use summed per
  county, their county's region drawing the intensive-care patient-days.
"""

import math
from datetime import date, timedelta
from typing import TYPE_CHECKING

import allocation
from supplyapp import audit
from supplyapp.extensions import db
from supplyapp.i18n import _
from supplyapp.models.forecasts import ForecastRun
from supplyapp.queries import forecasts as forecast_queries
from supplyapp.services import planning
from supplyapp.services.errors import InvalidInput, NotFound
from supplyapp.services.forecasts_scenarios import ensure_base, settings_of
from supplyapp.services.transaction import use_case

if TYPE_CHECKING:
    from forecasting.supply import ChannelKind

WEEKS = 26
ICU_DAYS = WEEKS * 7
FIT_DAYS = 14
# A delivery up to a week after its promised day counts as on time (the projection is weekly),
# and a promise is counted as not kept only when that week has passed.
GRACE_DAYS = 7
FLAT_DOUBLING_DAYS = 3650.0  # not growing: held (nearly) flat
THRESHOLDS = (80, 90, 100)
# The app's channel names -> the package's channel kinds.
KIND_OF_CHANNEL: dict[str, "ChannelKind"] = {
    "ordered": "order",
    "called_off": "eu_calloff",
    "contracted": "domestic_contract",
    "donated": "donation",
}


@use_case
def run_scenario(scenario_id: int) -> ForecastRun:
    """Run the scenario on today's figures and keep the run."""
    scenario = forecast_queries.scenario(scenario_id)
    if scenario is None:
        raise NotFound(_("No such scenario."))
    inputs = forecast_queries.gather_inputs()
    outputs = compute(inputs, settings_of(scenario), scenario.admissions_json)
    run = ForecastRun(
        scenario=scenario,
        as_of=date.fromisoformat(inputs["as_of"]),
        inputs_json={"settings": settings_of(scenario), "data": inputs},
        outputs_json=outputs,
        run_by=audit.current_actor_name(),
    )
    db.session.add(run)
    audit.give_reason(_("Forecast run of the scenario %(name)s", name=scenario.name))
    return run


@use_case
def refresh_base() -> ForecastRun:
    """Run the base scenario (made when missing): the start pages read its latest run."""
    return run_scenario(ensure_base().id)


def compute(inputs: dict, settings: dict, table_rows: list | None = None) -> dict:
    """The outputs of one run (JSON-able) from the gathered inputs and the settings: pure."""
    from forecasting import forecast_regions, project_supply, threshold_days

    start = date.fromisoformat(inputs["as_of"])
    icu_inputs, today = _icu_inputs(inputs, start)
    icu_scenario, fitted = _icu_scenario(inputs, settings, table_rows, start)
    forecasts = forecast_regions(icu_inputs, icu_scenario)
    regions = []
    names = {r["code"]: r["name"] for r in inputs["regions"]}
    for code, forecast in forecasts.items():
        other = today[code]["other"]
        demand = [round(other + c, 2) for c in forecast.census]
        passes = threshold_days(demand, forecast.staffed_places, start, THRESHOLDS)
        regions.append(
            {
                "code": code,
                "name": names.get(code, code),
                "staffed": forecast.staffed_places,
                "covid_today": today[code]["covid"],
                "other_patients": other,
                "demand": demand,
                "thresholds": {str(p): d.isoformat() if d else None for p, d in passes.items()},
            }
        )
    supply_inputs, scenario = _supply(inputs, settings, icu_inputs, icu_scenario, start)
    projections = project_supply(supply_inputs, scenario, WEEKS, icu=forecasts)
    items = []
    for item in inputs["items"]:
        projection = projections[item["code"]]
        items.append(
            {
                "code": item["code"],
                "name_sv": item["name_sv"],
                "name_en": item["name_en"],
                "unit": item["unit"],
                "start_stock": round(projection.start_stock),
                "inflow": [round(v) for v in projection.inflow],
                "need": [round(v) for v in projection.need],
                "stock": [round(v) for v in projection.stock],
                "run_out_week": projection.run_out_week,
                "run_out_date": (
                    projection.run_out_date.isoformat() if projection.run_out_date else None
                ),
            }
        )
    return {
        "start": start.isoformat(),
        "weeks": [(start + timedelta(weeks=w)).isoformat() for w in range(WEEKS)],
        "icu": {
            "days": ICU_DAYS,
            "method": icu_scenario.method,
            "length_of_stay": icu_scenario.length_of_stay,
            "doubling_days": round(icu_scenario.doubling_days, 1),
            "doubling_fitted": fitted,
            "regions": regions,
        },
        "items": items,
        "records": _records_out(supply_inputs.records),
    }


# ---------------------------------------------------------------------------------------------
# Intensive care


def _icu_inputs(inputs: dict, start: date):
    """The package's IcuInputs, and per region today's covid and other patients."""
    from forecasting import IcuInputs, RegionIcu

    regions, today = {}, {}
    for region in inputs["regions"]:
        days = inputs["icu"].get(region["code"], [])
        staffed = _latest(days, "staffed") or 0
        covid = _latest(days, "covid") or 0
        occupied = _latest(days, "occupied")
        other = max((occupied or 0) - covid, 0)
        regions[region["code"]] = RegionIcu(staffed_places=staffed, census_today=covid)
        today[region["code"]] = {"covid": covid, "other": other}
    return IcuInputs(start=start, regions=regions, days=ICU_DAYS), today


def _latest(days: list[dict], key: str):
    return next((d[key] for d in reversed(days) if d[key] is not None), None)


def fitted_doubling_days(inputs: dict, days: int = FIT_DAYS) -> float:
    """The nation's covid patients' doubling time over the last `days` days: days x ln 2 /
    ln(now / then); FLAT_DOUBLING_DAYS when they do not grow."""
    totals: dict[str, int] = {}
    for series in inputs["icu"].values():
        for day in series:
            if day["covid"] is not None:
                totals[day["day"]] = totals.get(day["day"], 0) + day["covid"]
    if len(totals) < 2:
        return FLAT_DOUBLING_DAYS
    last = max(totals)
    first = min(
        d for d in totals if d >= (date.fromisoformat(last) - timedelta(days=days)).isoformat()
    )
    span = (date.fromisoformat(last) - date.fromisoformat(first)).days
    now, then = totals[last], totals[first]
    if span < 1 or then <= 0 or now <= then:
        return FLAT_DOUBLING_DAYS
    return min(span * math.log(2) / math.log(now / then), FLAT_DOUBLING_DAYS)


def _icu_scenario(inputs: dict, settings: dict, table_rows: list | None, start: date):
    """The package's IcuScenario from the settings (and the scenario's table)."""
    from forecasting import AdmissionsTable, IcuScenario

    method = settings["icu_method"]
    doubling = settings["doubling_days"]
    fitted = doubling is None
    if fitted:
        doubling = fitted_doubling_days(inputs)
    table = None
    if method in ("table", "cases") and table_rows:
        by_region: dict[str, dict[date, float]] = {}
        for row in table_rows:
            by_region.setdefault(row["region"], {})[date.fromisoformat(row["day"])] = float(
                row["admissions"]
            )
        table = AdmissionsTable(by_region)
    if method == "cases":
        # The cases table's figures are cases: they reach the regions' inputs, not the table.
        return (
            IcuScenario(
                method="table",
                length_of_stay=settings["length_of_stay"],
                table=_admissions_from_cases(table, settings, start),
                doubling_days=doubling,
            ),
            fitted,
        )
    return (
        IcuScenario(
            method=method,
            length_of_stay=settings["length_of_stay"],
            doubling_days=doubling,
            table=table,
        ),
        fitted,
    )


def _admissions_from_cases(table, settings: dict, start: date):
    """Cases per region and day -> admissions (probability x cases `delay` days earlier)."""
    from forecasting import AdmissionsTable, admissions_from_cases

    delay = settings["admission_delay_days"]
    first = start - timedelta(days=delay)
    admissions = {}
    for region in table.regions if table else ():
        cases = table.series(region, first, ICU_DAYS + delay)
        values = admissions_from_cases(cases, settings["icu_probability"], delay)[delay:]
        admissions[region] = {start + timedelta(days=t): v for t, v in enumerate(values)}
    return AdmissionsTable(admissions)


# ---------------------------------------------------------------------------------------------
# Supply


def _channel(kind: str, supplier: str | None):
    from forecasting import Channel

    return Channel(
        kind=KIND_OF_CHANNEL[kind], name=f"{kind}:{supplier or '-'}", supplier=supplier or ""
    )


def _records(inputs: dict) -> dict:
    """Each channel's record from its deliveries (the part quality control rejected as failed)
    and its promises past due and not kept."""
    from forecasting import PastDelivery, channel_record

    history: dict = {}
    for d in inputs["deliveries"]:
        channel = _channel(d["channel"], d["supplier"])
        received = date.fromisoformat(d["received"])
        promised = date.fromisoformat(d["due"]) if d["due"] else received
        passed = d["quantity"] - d["rejected"]
        parts = history.setdefault(channel, [])
        if passed > 0:
            parts.append(PastDelivery(promised, passed, received, passed, True))
        if d["rejected"] > 0:
            parts.append(PastDelivery(promised, d["rejected"], received, d["rejected"], False))
    for p in inputs["promised"]:
        missing = p["promised"] - p["delivered"]
        due = date.fromisoformat(p["due"])
        if missing > 0 and due < date.fromisoformat(inputs["as_of"]) - timedelta(days=GRACE_DAYS):
            channel = _channel(p["channel"], p["supplier"])
            history.setdefault(channel, []).append(PastDelivery(due, missing))
    return {channel: channel_record(parts, GRACE_DAYS) for channel, parts in history.items()}


def _records_out(records: dict) -> list[dict]:
    return sorted(
        (
            {
                "channel": channel.name.split(":", 1)[0],
                "supplier": channel.supplier or None,
                "on_time_share": round(record.on_time_share, 3),
                "passed_qc_share": round(record.passed_qc_share, 3),
                "weight": round(record.weight, 3),
                "deliveries": record.deliveries,
            }
            for channel, record in records.items()
        ),
        key=lambda r: (r["channel"], r["supplier"] or ""),
    )


def _supply(inputs: dict, settings: dict, icu_inputs, icu_scenario, start: date):
    from forecasting import OrganisationUse, PipelineDelivery, SupplyInputs, SupplyScenario

    stock: dict[str, dict[str, float]] = {}
    for row in inputs["stock"]:
        stock.setdefault(row["warehouse"], {})[row["item"]] = row["quantity"]
    pipeline = [
        PipelineDelivery(
            item=e["item"],
            due=date.fromisoformat(e["week"]) if e["week"] else start,
            quantity=e["quantity"],
            channel=_channel(e["channel"], e["supplier"]),
        )
        for e in inputs["pipeline"]
    ]
    region_of_county = {r["county_code"]: r["code"] for r in inputs["regions"]}
    organisations = [
        OrganisationUse(
            organisation=row["county"],
            item=row["item"],
            daily_use=row["daily_use"],
            stock=row["stock"],
            icu_region=region_of_county.get(row["county"]),
        )
        for row in inputs["reported"]
    ]
    channels = {d.channel for d in pipeline}
    supply_inputs = SupplyInputs(
        start=start,
        items=[i["code"] for i in inputs["items"]],
        national_stock=stock,
        pipeline=pipeline,
        records=_records(inputs),
        organisations=organisations,
        items_per_patient_day={i["code"]: i["per_icu_patient_day"] for i in inputs["items"]},
        icu_inputs=icu_inputs,
    )
    failed = {KIND_OF_CHANNEL[c] for c in settings["failed_channels"]}
    delayed: dict[str, int] = {
        KIND_OF_CHANNEL[c]: settings["delay_weeks"] for c in settings["delayed_channels"]
    }
    for channel in channels:
        if channel.supplier in settings["delayed_suppliers"]:
            delayed[channel.name] = settings["delay_weeks"]
    try:
        scenario = SupplyScenario(
            use_factor=settings["use_factor"],
            failed_channels=frozenset(failed),
            delayed_channels=delayed,
            failed_suppliers=frozenset(settings["failed_suppliers"]),
            lost_warehouses=frozenset(settings["lost_warehouses"]),
            conservation=settings["conservation"],
            icu_scenario=icu_scenario,
        )
    except ValueError as error:
        raise InvalidInput({getattr(error, "field", "settings"): str(error)}) from None
    return supply_inputs, scenario


# ---------------------------------------------------------------------------------------------
# An allocation round tried on a scenario


def try_allocation(scenario_id: int) -> dict:
    """An allocation round over today's open requests solved twice, as things are and under the
    scenario (use x its factor, its lost warehouses gone): the figures of both plans side by
    side. Nothing is proposed or stored."""
    scenario = forecast_queries.scenario(scenario_id)
    if scenario is None:
        raise NotFound(_("No such scenario."))
    settings = settings_of(scenario)
    built = planning.build_problem(planning.RoundSettings())
    problem = built.problem
    gone = sorted(set(settings["lost_warehouses"]) & {s.code for s in problem.sources})
    now = allocation.solve(problem)
    supposed = allocation.what_if(problem, use_scale=settings["use_factor"], remove_sources=gone)
    measures = allocation.compare_plans(problem, {"now": now, "scenario": supposed})
    return {
        "items": [i.code for i in problem.items],
        "use_factor": settings["use_factor"],
        "lost": gone,
        "now": measures["now"].to_dict(),
        "scenario": measures["scenario"].to_dict(),
    }

"""Read-only queries for reports, requests and the national situation picture.

Days of supply are counted from today: the reported stock less what the reported daily use has
consumed since the report's date, divided by that use. A report older than REPORT_STALE_DAYS is
stale. Every figure keeps its date and source so pages can show its age.
"""

from collections.abc import Sequence
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Date, String, case, func, literal, select, true, type_coerce, union_all
from sqlalchemy.orm import contains_eager
from sqlalchemy.sql.expression import UnaryExpression

from supplyapp import clock, measures
from supplyapp.config import setting
from supplyapp.extensions import db
from supplyapp.models import County, Item, Organisation
from supplyapp.models.demand import (
    OPEN_STATUSES,
    PRIORITY_RANK,
    LatestReportLine,
    ReportLine,
    ReportSource,
    RequestStatus,
    ShortageRequest,
    SituationReport,
)
from supplyapp.permissions import REQUESTING_KINDS

HOLDER_KINDS = tuple(k.value for k in REQUESTING_KINDS)
# The source is read as the stored text (the enum's name) to skip per-row enum conversion.
SOURCES = {source.name: source.value for source in ReportSource}
LATEST_COLUMNS = [
    "organisation_id",
    "org_code",
    "org_name",
    "kind",
    "county_code",
    "population",
    "item_code",
    "stock_on_hand",
    "daily_use",
    "as_of",
    "source",
]


def stale_days() -> int:
    return int(setting("REPORT_STALE_DAYS"))


def supply(row: dict, today: date, stale_after: int | None = None) -> dict:
    """Add age, stale flag, stock left today, days of supply left and the run-out date."""
    age = (today - row["as_of"]).days
    use, stock = row["daily_use"], row["stock_on_hand"]
    row["age_days"] = age
    row["stale"] = age > (stale_days() if stale_after is None else stale_after)
    row["stock_today"] = left = measures.stock_today(stock, use, row["as_of"], today)
    row["days_left"] = measures.days_of_supply(left, use)
    row["run_out"] = measures.run_out_date(stock, use, row["as_of"])
    return row


def _rows(query):
    """Plain tuples through Core: thousands of rows without the ORM's per-row bookkeeping."""
    return db.session.connection().execute(query)


def _organisations() -> dict[int, tuple]:
    query = select(
        Organisation.id,
        Organisation.code,
        Organisation.name,
        Organisation.kind,
        Organisation.county_code,
        Organisation.population,
    )
    return {
        values[0]: (values[1], values[2], getattr(values[3], "value", values[3]), *values[4:])
        for values in _rows(query)
    }


def latest_rows(
    today: date | None = None,
    *,
    item_code: str | None = None,
    county_code: str | None = None,
    organisation_id: int | None = None,
) -> list[dict]:
    """The latest line per organisation and item, with days of supply; one dict per pair.

    Plain rows, not a DataFrame: a few thousand of them are summed faster in Python than
    pandas sets up its operations. Organisations and items are looked up in small dicts
    rather than joined, which keeps the one big read lean.
    """
    item_codes = {item.id: item.code for item in items()}
    query = select(
        LatestReportLine.organisation_id,
        LatestReportLine.item_id,
        LatestReportLine.stock_on_hand,
        LatestReportLine.daily_use,
        LatestReportLine.as_of,
        type_coerce(LatestReportLine.source, String),
    )
    if item_code:
        query = query.where(
            LatestReportLine.item_id.in_([i for i, code in item_codes.items() if code == item_code])
        )
    if organisation_id:
        query = query.where(LatestReportLine.organisation_id == organisation_id)
    if county_code:
        query = query.where(
            LatestReportLine.organisation_id.in_(
                select(Organisation.id).where(Organisation.county_code == county_code)
            )
        )
    organisations = _organisations()
    today, stale_after = today or clock.today(), stale_days()
    rows = []
    for org_id, item_id, stock, use, as_of, source in _rows(query):
        code = item_codes.get(item_id)
        if code is None:  # an item no longer active
            continue
        values = (org_id, *organisations[org_id], code, stock, use, as_of, SOURCES[source])
        rows.append(supply(dict(zip(LATEST_COLUMNS, values, strict=True)), today, stale_after))
    return rows


def group_days(rows: list[dict]) -> float | None:
    """Days of supply of a group: stock left today over the group's daily use."""
    use = sum(row["daily_use"] for row in rows)
    return measures.days_of_supply(sum(row["stock_today"] for row in rows), use)


def of_item(rows: list[dict], item_code: str) -> list[dict]:
    return [row for row in rows if row["item_code"] == item_code]


def items() -> Sequence[Item]:
    return db.session.scalars(select(Item).where(Item.active.is_(True)).order_by(Item.code)).all()


def open_requests_by(column) -> dict:
    """Open quantity still wanted, grouped by a column (forwarded requests count in their line)."""
    query = (
        select(
            column, func.sum(ShortageRequest.quantity - ShortageRequest.met_quantity), func.count()
        )
        .join(Item, Item.id == ShortageRequest.item_id)
        .join(Organisation, Organisation.id == ShortageRequest.organisation_id)
        .where(ShortageRequest.status.in_(OPEN_STATUSES))
        .where(ShortageRequest.forwarded_in_id.is_(None))
        .group_by(column)
    )
    return {
        key: (int(quantity or 0), int(count)) for key, quantity, count in db.session.execute(query)
    }


def national_stock() -> dict | None:
    """item code -> national stock figures; None when the stock area cannot tell."""
    try:
        from supplyapp.queries.stock import national_stock_by_item
    except ImportError:
        return None
    return national_stock_by_item()


def _counts(rows: list[dict]) -> dict:
    """Stock left, use, days of supply, who is low and how many are stale, for a group."""
    days = [row["days_left"] for row in rows if row["days_left"] is not None]
    return {
        "held": sum(row["stock_today"] for row in rows),
        "daily_use": sum(row["daily_use"] for row in rows),
        "days": group_days(rows),
        "below_7": sum(1 for d in days if d < 7),
        "below_14": sum(1 for d in days if d < 14),
        "stale": sum(1 for row in rows if row["stale"]),
        "reporters": len(rows),
    }


def _grouped(rows: list[dict], key) -> dict:
    groups: dict = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return groups


def item_summary(latest: list[dict], stock: dict | None) -> list[dict]:
    """The national picture per item: stock held and needed, days of supply, who is low."""
    requests = open_requests_by(Item.code)
    by_item = _grouped(latest, lambda row: row["item_code"])
    result = []
    for item in items():
        lines = by_item.get(item.code, [])
        by_kind = _grouped(lines, lambda row: row["kind"])
        national = stock.get(item.code) if stock is not None else None
        totals = _counts(lines)
        kinds = {kind: _counts(by_kind.get(kind, [])) for kind in HOLDER_KINDS}
        result.append(
            {
                "item": item,
                **totals,
                "held_total": totals["held"],
                "days_total": totals["days"],
                "national_available": national["available"] if national else None,
                "national_incoming": national["incoming"] if national else None,
                "held": {kind: counts["held"] for kind, counts in kinds.items()},
                "days": {kind: counts["days"] for kind, counts in kinds.items()},
                "reported": {kind: counts["reporters"] for kind, counts in kinds.items()},
                "requested": requests.get(item.code, (0, 0))[0],
                "request_count": requests.get(item.code, (0, 0))[1],
            }
        )
    return result


def county_summary(latest: list[dict], item_code: str) -> dict[str, dict]:
    """county code -> the item's stock, use, days of supply, who is low, for the map."""
    by_county = _grouped(of_item(latest, item_code), lambda row: row["county_code"])
    requests = open_requests_by_county(item_code)
    return {
        county.code: {
            "county": county,
            **_counts(by_county.get(county.code, [])),
            "requested": requests.get(county.code, 0),
        }
        for county in db.session.scalars(select(County).order_by(County.code))
    }


def open_requests_by_county(item_code: str) -> dict[str, int]:
    query = (
        select(
            Organisation.county_code,
            func.sum(ShortageRequest.quantity - ShortageRequest.met_quantity),
        )
        .join(Organisation, Organisation.id == ShortageRequest.organisation_id)
        .join(Item, Item.id == ShortageRequest.item_id)
        .where(
            Item.code == item_code,
            ShortageRequest.status.in_(OPEN_STATUSES),
            ShortageRequest.forwarded_in_id.is_(None),
        )
        .group_by(Organisation.county_code)
    )
    return {code: int(quantity or 0) for code, quantity in db.session.execute(query)}


def by_days(rows: list[dict]) -> list[dict]:
    """Fewest days left first; those with no use last."""
    return sorted(rows, key=lambda r: (r["days_left"] is None, r["days_left"] or 0, r["org_name"]))


def low_organisations(latest: list[dict], item_code: str, below: float = 14) -> list[dict]:
    """Organisations with fewer than `below` days of the item left, fewest first."""
    return by_days(
        [
            row
            for row in of_item(latest, item_code)
            if row["days_left"] is not None and row["days_left"] < below
        ]
    )


def trend(item_code: str, today: date | None = None, weeks: int = 8) -> list[dict]:
    """Per week (ending today, a week ago, ...): each organisation's last report in that week,
    its stock left at the week's end and its daily use.

    One index seek per organisation and week picks that report, so a year of daily reports
    costs no more than a month of them.
    """
    today = today or clock.today()
    item_id = db.session.scalar(select(Item.id).where(Item.code == item_code))
    ends = [today - timedelta(days=7 * back) for back in range(weeks)]
    week_table = union_all(
        *[
            select(
                literal(back).label("week"),
                literal(end, Date).label("week_end"),
                literal(end - timedelta(days=7), Date).label("week_start"),
            )
            for back, end in enumerate(ends)
        ]
    ).subquery("weeks")
    last_in_week = (
        select(ReportLine.id)
        .where(
            ReportLine.organisation_id == Organisation.id,
            ReportLine.item_id == item_id,
            ReportLine.as_of <= week_table.c.week_end,
            ReportLine.as_of > week_table.c.week_start,
        )
        .order_by(ReportLine.as_of.desc(), ReportLine.id.desc())
        .limit(1)
        .correlate(Organisation, week_table)
        .scalar_subquery()
    )
    # The pick is a column of its own, so the database runs it once per organisation and week
    # (an index seek each) rather than once per report line.
    picked = (
        select(week_table.c.week, last_in_week.label("line_id"))
        .select_from(Organisation)
        .join(week_table, true())
        .subquery("picked")
    )
    query = select(
        picked.c.week, ReportLine.as_of, ReportLine.stock_on_hand, ReportLine.daily_use
    ).join(ReportLine, ReportLine.id == picked.c.line_id)
    totals = {back: [0, 0, 0] for back in range(weeks)}
    for back, as_of, stock, use in _rows(query):
        total = totals[back]
        total[0] += max(0, stock - use * (ends[back] - as_of).days)
        total[1] += use
        total[2] += 1
    return [
        {
            "week_end": ends[back],
            "held": totals[back][0],
            "daily_use": totals[back][1],
            "days": totals[back][0] / totals[back][1] if totals[back][1] else None,
            "reporters": totals[back][2],
        }
        for back in range(weeks - 1, -1, -1)
    ]


def organisation_latest(organisation: Organisation, today: date | None = None) -> list[dict]:
    """Every active item with the organisation's latest figures (None where never reported)."""
    by_code = {row["item_code"]: row for row in latest_rows(today, organisation_id=organisation.id)}
    return [{"item": item, "line": by_code.get(item.code)} for item in items()]


def report_history(organisation_id: int, limit: int = 100) -> Sequence[SituationReport]:
    query = (
        select(SituationReport)
        .where(SituationReport.organisation_id == organisation_id)
        .order_by(SituationReport.as_of.desc(), SituationReport.id.desc())
        .limit(limit)
    )
    return db.session.scalars(query).all()


def history_lines(organisation_id: int, item_code: str | None, limit: int = 500) -> Sequence:
    query = (
        select(ReportLine, SituationReport)
        .join(SituationReport, SituationReport.id == ReportLine.report_id)
        .join(Item, Item.id == ReportLine.item_id)
        .where(ReportLine.organisation_id == organisation_id)
        .order_by(ReportLine.as_of.desc(), ReportLine.id.desc())
        .limit(limit)
    )
    if item_code:
        query = query.where(Item.code == item_code)
    return db.session.execute(query).all()


REQUEST_SORTS: dict[str, UnaryExpression] = {
    "created": ShortageRequest.created_at.desc(),
    "needed_by": ShortageRequest.needed_by.asc(),
    "quantity": ShortageRequest.quantity.desc(),
    "status": ShortageRequest.status.asc(),
}


def request_list(
    organisation_filter,
    *,
    status: str | None = None,
    priority: str | None = None,
    item_code: str | None = None,
    county_code: str | None = None,
    kind: str | None = None,
    sort: str = "priority",
    limit: int = 1000,
) -> Sequence[ShortageRequest]:
    """Requests the caller may see, filtered and sorted (default: most urgent first)."""
    query = (
        select(ShortageRequest)
        .join(Organisation, Organisation.id == ShortageRequest.organisation_id)
        .join(Item, Item.id == ShortageRequest.item_id)
        .where(organisation_filter)
        .limit(limit)
        .options(contains_eager(ShortageRequest.organisation), contains_eager(ShortageRequest.item))
    )
    if status == "open":
        query = query.where(ShortageRequest.status.in_(OPEN_STATUSES))
    elif status in {s.value for s in RequestStatus}:
        query = query.where(ShortageRequest.status == status)
    if priority in {p.value for p in PRIORITY_RANK}:
        query = query.where(ShortageRequest.priority == priority)
    if item_code:
        query = query.where(Item.code == item_code)
    if county_code:
        query = query.where(Organisation.county_code == county_code)
    if kind:
        query = query.where(Organisation.kind == kind)
    if sort == "priority":
        rank = _priority_rank()
        query = query.order_by(rank, ShortageRequest.needed_by, ShortageRequest.id)
    else:
        query = query.order_by(
            REQUEST_SORTS.get(sort, REQUEST_SORTS["created"]), ShortageRequest.id.desc()
        )
    return db.session.scalars(query).all()


def _priority_rank():
    # Compared as the column's own type: enums are stored by name, not by value.
    return case(*[(ShortageRequest.priority == p, rank) for p, rank in PRIORITY_RANK.items()])


def requests_frame(requests: list[ShortageRequest]) -> pd.DataFrame:
    """The request list as a table for export."""
    return pd.DataFrame(
        [
            {
                "id": r.id,
                "organisation": r.organisation.code,
                "name": r.organisation.name,
                "county": r.organisation.county_code,
                "item": r.item.code,
                "quantity": r.quantity,
                "met_quantity": r.met_quantity,
                "needed_by": r.needed_by,
                "priority": r.priority.value,
                "status": r.status.value,
                "stock_at_request": r.stock_at_request,
                "daily_use_at_request": r.daily_use_at_request,
                "justification": r.justification,
                "decline_reason": r.decline_reason,
                "forwarded_in": r.forwarded_in_id,
                "created_at": r.created_at,
                "created_by": r.created_by,
            }
            for r in requests
        ]
    )


def situation_export_frame(latest: list[dict]) -> pd.DataFrame:
    """One row per organisation and item, with age and days of supply, for Excel."""
    columns = [
        "county_code",
        "org_code",
        "org_name",
        "kind",
        "item_code",
        "stock_on_hand",
        "daily_use",
        "as_of",
        "age_days",
        "stale",
        "stock_today",
        "days_left",
        "run_out",
        "source",
    ]
    frame = pd.DataFrame(latest, columns=columns)
    frame = frame.sort_values(["county_code", "kind", "org_code", "item_code"])
    return frame.assign(days_left=frame["days_left"].astype("float64").round(1))


def shipments_for_request(request: ShortageRequest) -> list:
    """The shipments of approved plans that serve this request: what comes, and when.

    A request the county board forwarded is served through the county's combined line.
    """
    from supplyapp.models.planning import Shipment

    line = request.forwarded_in or request
    key = f"{line.organisation.code}|{line.item.code}"
    candidates = db.session.scalars(
        select(Shipment)
        .where(Shipment.recipient_id == line.organisation_id, Shipment.item_id == line.item_id)
        .order_by(Shipment.id)
    ).all()
    return [s for s in candidates if line.id in s.plan.context.get(key, {}).get("requests", [])]

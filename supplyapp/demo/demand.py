"""A believable demand picture for the demo: eight weeks of weekly situation reports from every
region, municipality and care provider, some stale, some running low, and a few shortage
requests at different steps. Seeded random numbers, so every demo looks the same."""

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, select

from supplyapp import audit, clock
from supplyapp.extensions import db
from supplyapp.models import Item, Organisation
from supplyapp.models.demand import (
    LatestReportLine,
    Priority,
    ReportLine,
    ReportSource,
    RequestStatus,
    RequestStatusChange,
    ShortageRequest,
    SituationReport,
)
from supplyapp.permissions import REQUESTING_KINDS
from supplyapp.services.transaction import use_case

WEEKS = 8
# Daily use per 1,000 inhabitants: hospitals (regions) and elderly care (municipalities).
USE_PER_1000 = {
    "region": {
        "ffp2": 3.0,
        "ffp3": 1.2,
        "mask_iir": 10,
        "visor": 2.0,
        "goggles": 0.3,
        "gown": 4.0,
        "surgical_gown": 0.8,
        "apron": 6.0,
        "exam_gloves": 40,
        "micro_gloves": 5.0,
        "hand_rub": 0.3,
    },
    "municipality": {
        "ffp2": 0.6,
        "ffp3": 0.1,
        "mask_iir": 8.0,
        "visor": 2.0,
        "goggles": 0.1,
        "gown": 1.0,
        "surgical_gown": 0.0,
        "apron": 8.0,
        "exam_gloves": 30,
        "micro_gloves": 1.0,
        "hand_rub": 0.2,
    },
}
PROVIDER_POPULATION = 60_000  # a care provider uses about what a region of this size would
DEMO_USERS = {"0380": "kommun.uppsala", "01": "region.stockholm", "VG-0180-SG": "vg.capio"}


def _use(kind: str, population: int, item_code: str, rng: random.Random) -> int:
    table = USE_PER_1000["region" if kind == "care_provider" else kind]
    per_1000 = table.get(item_code, 1.0)
    return max(0, round(per_1000 * population / 1000 * rng.uniform(0.7, 1.3)))


def _cover_days(rng: random.Random) -> float:
    """Days of supply at the start: most comfortable, some tight, a few near empty."""
    roll = rng.random()
    if roll < 0.07:
        return rng.uniform(1, 7)
    if roll < 0.20:
        return rng.uniform(7, 14)
    return rng.uniform(14, 70)


def _organisation_plan(org, items, rng, today):
    """The report dates and the item figures of one organisation over the weeks."""
    population = org.population or PROVIDER_POPULATION
    stale = rng.random() < 0.12  # stopped reporting a while ago
    last = today - timedelta(days=rng.randint(9, 20) if stale else rng.randint(0, 5))
    dates = [last - timedelta(days=7 * back) for back in range(WEEKS - 1, -1, -1)]
    figures = {}
    for item in items:
        use = _use(org.kind.value, population, item.code, rng)
        cover = _cover_days(rng)
        trend = rng.uniform(-0.04, 0.03)  # stock drifts down a little in most places
        figures[item.id] = [
            (
                max(
                    0,
                    round(use * cover * (1 + trend) ** (WEEKS - 1 - week) * rng.uniform(0.9, 1.1)),
                ),
                max(0, round(use * rng.uniform(0.9, 1.1))),
            )
            for week in range(WEEKS)
        ]
    return dates, figures


@use_case
def load_demo_demand(today: date | None = None, seed: int = 2020) -> int:
    """Reports for every reporting organisation and a few requests; idempotent."""
    if db.session.scalar(select(func.count()).select_from(SituationReport)):
        return 0
    today = today or clock.today()
    rng = random.Random(seed)
    items = db.session.scalars(select(Item).where(Item.active.is_(True)).order_by(Item.code)).all()
    organisations = db.session.scalars(
        select(Organisation)
        .where(Organisation.kind.in_(REQUESTING_KINDS))
        .order_by(Organisation.code)
    ).all()
    latest: dict[tuple[int, int], dict] = {}
    lines = _insert_reports(organisations, items, rng, today, latest)
    db.session.execute(insert(LatestReportLine), list(latest.values()))
    requests = _insert_requests(organisations, items, latest, rng, today)
    audit.record(
        db.session,
        "import",
        "situation_reports",
        "demo",
        after={"report_lines": lines, "requests": requests},
        reason="Demo demand picture (seeded random)",
    )
    return lines


def _insert_reports(organisations, items, rng, today, latest) -> int:
    headers, plans = [], []
    for org in organisations:
        dates, figures = _organisation_plan(org, items, rng, today)
        by = DEMO_USERS.get(org.code, f"system:{org.code}")
        for week, day in enumerate(dates):
            headers.append(
                {
                    "organisation_id": org.id,
                    "as_of": day,
                    "source": ReportSource.API if week % 3 else ReportSource.FORM,
                    "reported_by": by,
                    "note": None,
                    "created_at": datetime.combine(day, datetime.min.time(), UTC)
                    + timedelta(hours=9),
                }
            )
            plans.append((org, day, by, {i: f[week] for i, f in figures.items()}))
    ids = db.session.scalars(
        insert(SituationReport).returning(SituationReport.id, sort_by_parameter_order=True), headers
    ).all()
    rows = [
        {
            "report_id": report_id,
            "organisation_id": org.id,
            "as_of": day,
            "item_id": item_id,
            "stock_on_hand": stock,
            "daily_use": use,
        }
        for report_id, (org, day, _by, figures) in zip(ids, plans, strict=True)
        for item_id, (stock, use) in figures.items()
    ]
    line_ids = db.session.scalars(
        insert(ReportLine).returning(ReportLine.id, sort_by_parameter_order=True), rows
    ).all()
    sources = {report_id: header for report_id, header in zip(ids, headers, strict=True)}
    for line_id, row in zip(line_ids, rows, strict=True):
        header = sources[row["report_id"]]
        latest[(row["organisation_id"], row["item_id"])] = {
            "organisation_id": row["organisation_id"],
            "item_id": row["item_id"],
            "report_line_id": line_id,
            "as_of": row["as_of"],
            "stock_on_hand": row["stock_on_hand"],
            "daily_use": row["daily_use"],
            "source": header["source"],
            "reported_by": header["reported_by"],
        }
    return len(rows)


REASONS = [
    "Ökad smittspridning på särskilda boenden; leveranser från grossist uteblivna.",
    "Covid-avdelning utökad med två vårdplatser; ordinarie leverantör levererar om tre veckor.",
    "Förbrukningen har fördubblats sedan vecka 12.",
    "Restorder hos avtalsleverantör, ingen omfördelning möjlig inom regionen.",
]


def _insert_requests(organisations, items, latest, rng, today) -> int:
    """Requests from organisations that run low, at various steps of their lifecycle."""
    by_id = {item.id: item for item in items}
    low = [
        (org, by_id[item_id], line)
        for org in organisations
        for (org_id, item_id), line in latest.items()
        if org_id == org.id
        and line["daily_use"] > 0
        and line["stock_on_hand"] / line["daily_use"] < 8
    ]
    rng.shuffle(low)
    statuses = (
        [RequestStatus.SUBMITTED] * 6
        + [RequestStatus.UNDER_REVIEW] * 3
        + [
            RequestStatus.IN_PLAN,
            RequestStatus.PARTLY_MET,
            RequestStatus.MET,
            RequestStatus.DECLINED,
        ]
    )
    count = 0
    for index, (org, item, line) in enumerate(low[:30]):
        status = statuses[index % len(statuses)]
        quantity = max(1, line["daily_use"] * rng.choice([14, 21, 28]))
        request = ShortageRequest(
            organisation_id=org.id,
            item_id=item.id,
            quantity=quantity,
            needed_by=today + timedelta(days=rng.randint(2, 14)),
            priority=rng.choice([Priority.CRITICAL, Priority.HIGH, Priority.HIGH, Priority.NORMAL]),
            justification=rng.choice(REASONS),
            stock_at_request=line["stock_on_hand"],
            daily_use_at_request=line["daily_use"],
            status=status,
            met_quantity={RequestStatus.MET: quantity, RequestStatus.PARTLY_MET: quantity // 2}.get(
                status, 0
            ),
            decline_reason=(
                "Regionen har lager att omfördela internt."
                if status == RequestStatus.DECLINED
                else None
            ),
            source=ReportSource.FORM,
            created_by=DEMO_USERS.get(org.code, f"system:{org.code}"),
            created_at=clock.utcnow() - timedelta(hours=rng.randint(2, 90)),
        )
        request.history.append(
            RequestStatusChange(to_status=RequestStatus.SUBMITTED, changed_by=request.created_by)
        )
        if status != RequestStatus.SUBMITTED:
            request.history.append(
                RequestStatusChange(
                    from_status=RequestStatus.SUBMITTED,
                    to_status=status,
                    reason=request.decline_reason,
                    changed_by="officer.anna",
                )
            )
        db.session.add(request)
        count += 1
    return count

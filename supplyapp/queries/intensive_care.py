"""Reads for the intensive-care picture: nationally, per region, per unit, over time.

A day's totals count each unit's latest report of that day or, when it has not reported yet,
of the CARRY_DAYS days before (marked as carried); the report service keeps them per region
and day (services/icu_totals.py), so the picture reads 21 rows a day at any number of units. At 09:30 a national ICU
coordinator needs the whole country's places, not the 60 % of units that have reported so far:
counting only today's reports would show the nation losing places every morning. A report older
than that is not counted at all: the unit is "not reported" and its figures stay empty, never
zero. Coverage counts only today's reports.

A unit's figures add its adult and child groups; a group not reported adds nothing, and a unit
with neither is empty. Free places are counted only where a unit gave both staffed and
occupied, and the free share is free / staffed over those same units (unit_figures here, the
same in SQL in services/icu_totals.py; the tests hold the two equal).
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import aliased, contains_eager

from supplyapp import clock
from supplyapp.extensions import db
from supplyapp.models import Organisation, OrganisationKind, User
from supplyapp.models.icu_picture import CARRY_DAYS, COUNTS, SUMS, IcuRegionDay
from supplyapp.models.intensive_care import (
    FIGURES,
    Assessment,
    IcuReport,
    IcuUnit,
    RegionCrisisLevel,
)

DUE_BY = time(10, 0)  # Swedish time: after this, a unit without today's report is overdue
RED_BELOW = 0.10  # free share bands of the Swedish and German government reports
AMBER_BELOW = 0.20
NATIONAL_SIGNAL_BELOW = 0.20  # the national escalation signal of December 2020
TREND_DAYS = 56  # eight weeks
LISTED = 30  # overdue or limited units listed on the national page


def band(share: float | None) -> str | None:
    """The free share's band: red under 10 %, amber under 20 %, green from 20 %; None if unknown."""
    if share is None:
        return None
    if share < RED_BELOW:
        return "red"
    if share < AMBER_BELOW:
        return "amber"
    return "green"


def region_days(days: Sequence[date]) -> dict[tuple[date, int], dict]:
    """(day, region id) -> the sums and counts of the reports that count on that day."""
    rows = db.session.scalars(select(IcuRegionDay).where(IcuRegionDay.day.in_(days)))
    return {
        (row.day, row.region_id): {name: getattr(row, name) for name in (*SUMS, *COUNTS)}
        for row in rows
    }


def _empty() -> dict:
    return {name: None for name in SUMS} | {name: 0 for name in COUNTS}


def combine(parts: Iterable[dict]) -> dict:
    """Several regions' sums as one (a sum stays empty when every part is)."""
    total = _empty()
    for part in parts:
        for name in SUMS:
            if part[name] is not None:
                total[name] = (total[name] or 0) + part[name]
        for name in COUNTS:
            total[name] += part[name]
    return total


def measures(sums: dict, units: int) -> dict:
    """The shares, the band and coverage of a day's sums; `units` active units in all."""
    free, known = sums["free"], sums["staffed_known_free"]
    share = free / known if free is not None and known else None
    covid, occupied = sums["covid"], sums["occupied"]
    return {
        **sums,
        "units": units,
        "free_share": share,
        "band": band(share),
        "covid_share": covid / occupied if covid is not None and occupied else None,
        "coverage": sums["reported"] / units if units else None,
    }


def change(today: dict, yesterday: dict) -> dict:
    """Each figure's change since yesterday; None where either day has none."""
    names = (*SUMS, "free_share", "covid_share", "limited", "full", "reported")
    return {
        name: today[name] - yesterday[name]
        if today[name] is not None and yesterday[name] is not None
        else None
        for name in names
    }


def today_by_region(today: date | None = None) -> dict[int, dict]:
    """Each region's measures today (regions without a counted report left out): the light
    read the notifications need on every page."""
    today = today or clock.today()
    units = active_units_per_region()
    return {
        region_id: measures(sums, units.get(region_id, 0))
        for (_, region_id), sums in region_days([today]).items()
    }


def nation_of(by_region: dict[int, dict]) -> dict:
    """The nation's measures from the regions'."""
    return measures(combine(by_region.values()), sum(active_units_per_region().values()))


# ---------------------------------------------------------------------------------------------
# The picture


def regions() -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrganisationKind.REGION)
            .order_by(Organisation.code)
        )
    )


def active_units_per_region() -> dict[int, int]:
    rows = db.session.execute(
        select(IcuUnit.region_id, func.count())
        .where(IcuUnit.active.is_(True))
        .group_by(IcuUnit.region_id)
    )
    return dict(rows.tuples().all())


def crisis_levels() -> dict[int, RegionCrisisLevel]:
    """Each region's current crisis level in one query (the latest set, as
    current_crisis_level reads it)."""
    ranked = select(
        RegionCrisisLevel.id,
        func.row_number()
        .over(
            partition_by=RegionCrisisLevel.region_id,
            order_by=(RegionCrisisLevel.set_at.desc(), RegionCrisisLevel.id.desc()),
        )
        .label("rank"),
    ).subquery()
    levels = db.session.scalars(
        select(RegionCrisisLevel)
        .join(ranked, ranked.c.id == RegionCrisisLevel.id)
        .where(ranked.c.rank == 1)
    )
    return {level.region_id: level for level in levels}


def is_overdue(reported_today: bool, reported_yesterday: bool, now: datetime | None = None) -> bool:
    """No report today after 10:00 Swedish time, or none yesterday either."""
    if reported_today:
        return False
    local = clock.local(now) if now else clock.now_local()
    return local.time() >= DUE_BY or not reported_yesterday


def _overdue_count(sums: dict, units: int, now: datetime) -> int:
    """Units without today's report, less (before 10:00) those that reported yesterday."""
    missing = units - sums["reported"]
    if clock.local(now).time() >= DUE_BY:
        return missing
    return missing - sums["reported_yesterday"]


def picture(today: date | None = None, now: datetime | None = None) -> dict:
    """The national and regional picture for `today`, with yesterday's change and the trend."""
    now = now or clock.utcnow()
    today = today or clock.local_day(now)
    yesterday = today - timedelta(days=1)
    trend_days = [today - timedelta(days=back) for back in range(TREND_DAYS - 1, -1, -1)]
    by_day = region_days(trend_days)
    units = active_units_per_region()
    levels = crisis_levels()
    rows = []
    for region in regions():
        now_sums = by_day.get((today, region.id), _empty())
        before = by_day.get((yesterday, region.id), _empty())
        count = units.get(region.id, 0)
        figures = measures(now_sums, count)
        rows.append(
            {
                "region": region,
                "code": region.code,
                "crisis_level": levels.get(region.id),
                **figures,
                "overdue": _overdue_count(now_sums, count, now),
                "change": change(figures, measures(before, count)),
            }
        )
    all_units = sum(units.values())
    nation_now = measures(combine(r for (d, _), r in by_day.items() if d == today), all_units)
    nation_before = measures(
        combine(r for (d, _), r in by_day.items() if d == yesterday), all_units
    )
    nation_now["overdue"] = sum(r["overdue"] for r in rows)
    share = nation_now["free_share"]
    return {
        "today": today,
        "now": now,
        "nation": nation_now,
        "change": change(nation_now, nation_before),
        "regions": rows,
        "national_signal": share is not None and share < NATIONAL_SIGNAL_BELOW,
        "trend": [
            {
                "day": day,
                **measures(
                    combine(r for (d, _), r in by_day.items() if d == day),
                    all_units,
                ),
            }
            for day in trend_days
        ],
    }


# ---------------------------------------------------------------------------------------------
# Units: their latest reports, who is overdue, who is limited


def _latest_report_id():
    return (
        select(IcuReport.id)
        .where(IcuReport.unit_id == IcuUnit.id, IcuReport.is_current.is_(True))
        .order_by(IcuReport.report_date.desc(), IcuReport.version.desc())
        .limit(1)
        .correlate(IcuUnit)
        .scalar_subquery()
    )


def _reported_on(day: date):
    reported = select(IcuReport.unit_id).where(
        IcuReport.report_date == day, IcuReport.is_current.is_(True)
    )
    return IcuUnit.id.in_(reported)


def unit_status(unit: IcuUnit, report: IcuReport | None, today: date, now: datetime) -> dict:
    """A unit with its latest report: whether it counts today, is carried, is overdue."""
    day = report.report_date if report else None
    reported_today = day == today
    counted = day is not None and day >= today - timedelta(days=CARRY_DAYS)
    figures = unit_figures(report) if report and counted else unit_figures(None)
    return {
        "unit": unit,
        "report": report,
        "reported_today": reported_today,
        "counted": counted,
        "carried": counted and not reported_today,
        "overdue": unit.active
        and is_overdue(reported_today, day == today - timedelta(days=1), now),
        **figures,
    }


def unit_figures(report: IcuReport | None) -> dict:
    """One report's figures as the totals count them (empty without a report)."""
    if report is None:
        return {name: None for name in SUMS} | {"free_share": None, "band": None}

    def both(name: str) -> int | None:
        adult, child = getattr(report, f"adult_{name}"), getattr(report, f"child_{name}")
        return None if adult is None and child is None else (adult or 0) + (child or 0)

    staffed, occupied = both("staffed"), both("occupied")
    free = staffed - occupied if staffed is not None and occupied is not None else None
    places, in_use = report.ecmo_places, report.ecmo_occupied
    share = free / staffed if free is not None and staffed else None
    return {
        "staffed": staffed,
        "occupied": occupied,
        "covid": both("covid"),
        "free": free,
        "staffed_known_free": staffed if free is not None else None,
        "ecmo_places": places,
        "ecmo_occupied": in_use,
        "ecmo_free": places - in_use if places is not None and in_use is not None else None,
        "surge_24h": report.surge_24h,
        "surge_7d": report.surge_7d,
        "free_share": share,
        "band": band(share),
    }


def region_units(region_id: int, today: date | None = None, now=None) -> list[dict]:
    """Every unit of the region with its latest report and status, by name."""
    now = now or clock.utcnow()
    today = today or clock.local_day(now)
    rows = db.session.execute(
        select(IcuUnit, IcuReport)
        .outerjoin(IcuReport, IcuReport.id == _latest_report_id())
        .where(IcuUnit.region_id == region_id)
        .order_by(IcuUnit.active.desc(), IcuUnit.name)
    ).all()
    return [unit_status(unit, report, today, now) for unit, report in rows]


def region_picture(code: str) -> dict | None:
    """A region's row of the picture and its units (every one: the caller filters by who may
    see them); None for no such region."""
    region = region_by_code(code)
    if region is None:
        return None
    data = picture()
    return {
        "data": data,
        "row": next(r for r in data["regions"] if r["region"].id == region.id),
        "region": region,
        "units": region_units(region.id, data["today"], data["now"]),
    }


def _overdue(today: date, now: datetime, among=None):
    """A SQL condition: the active unit (`among` those given) is overdue now."""
    overdue = and_(IcuUnit.active.is_(True), ~_reported_on(today))
    if clock.local(now).time() < DUE_BY:
        overdue = and_(overdue, ~_reported_on(today - timedelta(days=1)))
    return overdue if among is None else and_(overdue, among)


def overdue_units(
    today: date | None = None, now=None, limit: int = LISTED, among=None
) -> list[dict]:
    """Active units overdue now (`among` those a SQL condition picks), with their latest
    report, by region and name."""
    now = now or clock.utcnow()
    today = today or clock.local_day(now)
    rows = db.session.execute(
        select(IcuUnit, IcuReport)
        .join(Organisation, Organisation.id == IcuUnit.region_id)
        .outerjoin(IcuReport, IcuReport.id == _latest_report_id())
        .where(_overdue(today, now, among))
        .order_by(Organisation.code, IcuUnit.name)
        .limit(limit)
    ).all()
    return [unit_status(unit, report, today, now) for unit, report in rows]


def overdue_count(among=None) -> int:
    now = clock.utcnow()
    query = select(func.count()).select_from(IcuUnit).where(_overdue(clock.today(), now, among))
    return int(db.session.scalar(query) or 0)


def limited_units(today: date | None = None, limit: int = LISTED) -> list[dict]:
    """Units whose counted report says limited or full, with why: full first."""
    today = today or clock.today()
    newer = aliased(IcuReport)
    superseded = exists().where(
        newer.unit_id == IcuReport.unit_id,
        newer.is_current.is_(True),
        newer.report_date > IcuReport.report_date,
        newer.report_date <= today,
    )
    rows = db.session.execute(
        select(IcuUnit, IcuReport)
        .join(IcuReport, IcuReport.unit_id == IcuUnit.id)
        .join(Organisation, Organisation.id == IcuUnit.region_id)
        .where(
            IcuReport.is_current.is_(True),
            IcuReport.report_date >= today - timedelta(days=CARRY_DAYS),
            IcuReport.report_date <= today,
            IcuReport.assessment.in_((Assessment.LIMITED, Assessment.FULL)),
            ~superseded,
        )
        .order_by(
            case((IcuReport.assessment == Assessment.FULL, 0), else_=1),
            Organisation.code,
            IcuUnit.name,
        )
        .limit(limit)
    ).all()
    return [
        {"unit": unit, "report": report, "assessment": report.assessment, "limits": report.limits}
        for unit, report in rows
    ]


def limit_counts(units: list[dict]) -> dict[str, int]:
    """How often each limit is named among these limited or full units."""
    counts: dict[str, int] = {}
    for row in units:
        for limit in row["limits"] or ():
            counts[limit] = counts.get(limit, 0) + 1
    return counts


def unit_by_code(code: str) -> IcuUnit | None:
    return db.session.scalar(select(IcuUnit).where(IcuUnit.code == code))


def region_by_code(code: str) -> Organisation | None:
    return db.session.scalar(
        select(Organisation).where(
            Organisation.code == code, Organisation.kind == OrganisationKind.REGION
        )
    )


def reporter_unit_id(username: str) -> int | None:
    """The unit an ICU reporter is bound to (for a token acting as that user)."""
    return db.session.scalar(select(User.icu_unit_id).where(User.username == username))


def units(include_closed: bool = False, region_id: int | None = None) -> list[IcuUnit]:
    """The units (of one region, if given) by region and name, the closed ones too if asked."""
    query = (
        select(IcuUnit)
        .join(IcuUnit.region)
        .options(contains_eager(IcuUnit.region))
        .order_by(Organisation.code, IcuUnit.name)
    )
    if not include_closed:
        query = query.where(IcuUnit.active.is_(True))
    if region_id is not None:
        query = query.where(IcuUnit.region_id == region_id)
    return list(db.session.scalars(query))


def reports_of_day(day: date | None = None) -> dict[int, IcuReport]:
    """unit id -> its current report of the day (today in Sweden unless given)."""
    query = select(IcuReport).where(
        IcuReport.report_date == (day or clock.today()), IcuReport.is_current.is_(True)
    )
    return {report.unit_id: report for report in db.session.scalars(query)}


def crisis_history(region_id: int, limit: int = 100) -> list[RegionCrisisLevel]:
    """The region's crisis levels, the one in force first."""
    return list(
        db.session.scalars(
            select(RegionCrisisLevel)
            .where(RegionCrisisLevel.region_id == region_id)
            .order_by(RegionCrisisLevel.set_at.desc(), RegionCrisisLevel.id.desc())
            .limit(limit)
        )
    )


def current_crisis_level(region_id: int) -> RegionCrisisLevel | None:
    history = crisis_history(region_id, limit=1)
    return history[0] if history else None


def unit_history(unit_id: int) -> list[IcuReport]:
    """Every report of the unit, every version: the newest day first, corrections above."""
    return list(
        db.session.scalars(
            select(IcuReport)
            .where(IcuReport.unit_id == unit_id)
            .order_by(IcuReport.report_date.desc(), IcuReport.version.desc())
        )
    )


# ---------------------------------------------------------------------------------------------
# Exports: codes as text


def picture_frame(data: dict) -> pd.DataFrame:
    """Per region and for Sweden: the day's figures, change since yesterday, coverage."""
    rows = []
    for row in [*data["regions"], {**data["nation"], "code": "SE", "change": data["change"]}]:
        region, level = row.get("region"), row.get("crisis_level")
        rows.append(
            {
                "day": data["today"].isoformat(),
                "region_code": str(row["code"]),
                "region": region.name if region else "Sverige",
                "crisis_level": level.level.value if level else None,
                "units": row["units"],
                "reported_today": row["reported"],
                "carried": row["carried"],
                "overdue": row["overdue"],
                **{name: row[name] for name in SUMS if name != "staffed_known_free"},
                "free_share": _round(row["free_share"]),
                "band": row["band"],
                "covid_share": _round(row["covid_share"]),
                "limited": row["limited"],
                "full": row["full"],
                **{f"change_{name}": row["change"][name] for name in ("staffed", "occupied")},
                "change_free": row["change"]["free"],
                "change_free_share": _round(row["change"]["free_share"]),
            }
        )
    return pd.DataFrame(rows, dtype=object)


def history_frame(unit: IcuUnit, reports: list[IcuReport]) -> pd.DataFrame:
    """A unit's every report and version."""
    return pd.DataFrame(
        [
            {
                "unit_code": unit.code,
                "region_code": unit.region.code,
                "report_date": report.report_date.isoformat(),
                "version": report.version,
                "is_current": report.is_current,
                "as_of": report.as_of,
                **report.figures(),
                "assessment": report.assessment.value if report.assessment else None,
                "limits": ", ".join(report.limits or ()),
                "channel": report.channel.value,
                "reported_by": report.reported_by,
                "note": report.note,
            }
            for report in reports
        ],
        columns=[
            "unit_code",
            "region_code",
            "report_date",
            "version",
            "is_current",
            "as_of",
            *FIGURES,
            "assessment",
            "limits",
            "channel",
            "reported_by",
            "note",
        ],
    ).astype({"unit_code": object, "region_code": object})


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)

"""Keep the intensive-care picture's day totals per region (models/icu_picture.py).

A report changes its region's totals for its own day and the CARRY_DAYS days after (where it
may be carried): `refresh` recounts those rows from the reports, in the report's transaction,
with the region's row locked so that two units of one region reporting at once wait for each
other. `rebuild` recounts every day, for loaders that bulk-insert reports.

A unit's figures add its adult and child groups; a group not reported adds nothing, and a unit
with neither is empty. Free places count only where a unit gave both staffed and occupied.
"""

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import Date, and_, case, delete, func, insert, literal, select, union_all

from supplyapp import clock
from supplyapp.extensions import db
from supplyapp.models import Organisation
from supplyapp.models.icu_picture import CARRY_DAYS, COUNTS, SUMS, IcuRegionDay
from supplyapp.models.intensive_care import Assessment, IcuReport, IcuUnit
from supplyapp.services.stock import locked
from supplyapp.services.transaction import use_case

REBUILD_BATCH = 14  # days recounted per statement by rebuild


def _both(adult, child):
    """Adult + child; one group missing adds nothing; both missing: empty."""
    return case(
        (and_(adult.is_(None), child.is_(None)), None),
        else_=func.coalesce(adult, 0) + func.coalesce(child, 0),
    )


def _unit_figures(r) -> dict:
    staffed = _both(r.adult_staffed, r.child_staffed)
    free = staffed - _both(r.adult_occupied, r.child_occupied)  # empty when either is
    return {
        "staffed": staffed,
        "occupied": _both(r.adult_occupied, r.child_occupied),
        "covid": _both(r.adult_covid, r.child_covid),
        "free": free,
        "staffed_known_free": case((free.is_not(None), staffed)),
        "ecmo_places": r.ecmo_places,
        "ecmo_occupied": r.ecmo_occupied,
        "ecmo_free": r.ecmo_places - r.ecmo_occupied,
        "surge_24h": r.surge_24h,
        "surge_7d": r.surge_7d,
    }


def _day_query(day: date, region_id: int | None):
    """Per region: the sums and counts of each unit's report that counts on `day`."""
    conditions = [
        IcuReport.is_current.is_(True),
        IcuReport.report_date >= day - timedelta(days=CARRY_DAYS),
        IcuReport.report_date <= day,
    ]
    if region_id is not None:
        units = select(IcuUnit.id).where(IcuUnit.region_id == region_id)
        conditions.append(IcuReport.unit_id.in_(units))
    r = (
        select(
            IcuReport,
            func.row_number()
            .over(partition_by=IcuReport.unit_id, order_by=IcuReport.report_date.desc())
            .label("rank"),
        )
        .where(*conditions)
        .subquery()
    )
    on_day = r.c.report_date == day

    def units_where(condition):
        return func.sum(case((condition, 1), else_=0))

    return (
        select(
            literal(day, Date).label("day"),
            IcuUnit.region_id,
            *[func.sum(expression).label(name) for name, expression in _unit_figures(r.c).items()],
            func.count().label("counted"),
            units_where(on_day).label("reported"),
            units_where(~on_day).label("carried"),
            units_where(r.c.report_date == day - timedelta(days=1)).label("reported_yesterday"),
            units_where(r.c.assessment == Assessment.LIMITED.name).label("limited"),
            units_where(r.c.assessment == Assessment.FULL.name).label("full"),
        )
        .join(IcuUnit, IcuUnit.id == r.c.unit_id)
        .where(r.c.rank == 1)
        .group_by(IcuUnit.region_id)
    )


def _recount(days: Sequence[date], region_id: int | None = None) -> None:
    rows = db.session.execute(union_all(*[_day_query(day, region_id) for day in days])).mappings()
    now = clock.utcnow()
    values = [
        {
            "region_id": row["region_id"],
            "day": date.fromisoformat(row["day"]) if isinstance(row["day"], str) else row["day"],
            **{name: None if row[name] is None else int(row[name]) for name in SUMS},
            **{name: int(row[name] or 0) for name in COUNTS},
            "updated_at": now,
        }
        for row in rows
    ]
    stale = delete(IcuRegionDay).where(IcuRegionDay.day.in_(days))
    if region_id is not None:
        stale = stale.where(IcuRegionDay.region_id == region_id)
    db.session.execute(stale)
    if values:
        db.session.execute(insert(IcuRegionDay), values)


def refresh(region_id: int, day: date) -> None:
    """Recount the region's totals of `day` and the days it may be carried to; called inside
    the use case that stored or corrected a report of that day."""
    locked(Organisation, region_id)
    _recount([day + timedelta(days=k) for k in range(CARRY_DAYS + 1)], region_id)


@use_case
def rebuild() -> int:
    """Recount every day's totals from the reports (after a bulk load); returns the days."""
    first, last = db.session.execute(
        select(func.min(IcuReport.report_date), func.max(IcuReport.report_date))
    ).one()
    if first is None:
        db.session.execute(delete(IcuRegionDay))
        return 0
    days = [first + timedelta(days=n) for n in range((last - first).days + CARRY_DAYS + 1)]
    db.session.execute(delete(IcuRegionDay))
    for start in range(0, len(days), REBUILD_BATCH):
        _recount(days[start : start + REBUILD_BATCH])
    return len(days)

"""Intensive care: a unit's daily report (with corrections for 14 days), and a region's crisis
level. Who may report for which unit is the permissions' business; here are the rules."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from supplyapp import audit, clock
from supplyapp.extensions import db
from supplyapp.i18n import _
from supplyapp.models import Organisation, OrganisationKind
from supplyapp.models.intensive_care import (
    FIGURES,
    Assessment,
    CrisisLevel,
    IcuReport,
    IcuUnit,
    Limit,
    RegionCrisisLevel,
    ReportChannel,
)
from supplyapp.services import icu_rules, icu_totals
from supplyapp.services.errors import DomainError, InvalidInput, NotFound
from supplyapp.services.stock import begin_write, locked
from supplyapp.services.transaction import use_case

CORRECTABLE_DAYS = 14  # a report may be corrected this long; every version is kept
EARLY_MINUTES = 10  # a clock a little ahead is not "the future"


class NeedsConfirmation(DomainError):
    """Figures jump against the previous report: confirm each, then send again."""

    def __init__(self, warnings: dict[str, str]):
        self.warnings = warnings
        super().__init__("; ".join(f"{name}: {text}" for name, text in warnings.items()))


@dataclass
class ReportInput:
    """One unit's report as a form, a file row or the API gives it."""

    unit_code: str
    figures: dict[str, int | None]
    as_of: datetime | None = None  # now, when not given
    assessment: str | None = None
    limits: tuple[str, ...] = ()
    staff_shortage_today: bool | None = None
    staff_shortage_7d: bool | None = None
    note: str | None = None
    confirmed: tuple[str, ...] = field(default_factory=tuple)  # warnings the reporter confirmed


def get_unit(code: str) -> IcuUnit:
    unit = db.session.scalar(select(IcuUnit).where(IcuUnit.code == code))
    if unit is None:
        raise NotFound(_("No intensive care unit %(code)s.", code=code))
    return unit


def previous_report(unit_id: int, before: datetime | None = None) -> IcuReport | None:
    """The unit's latest report that counts (before a time, if given)."""
    query = select(IcuReport).where(IcuReport.unit_id == unit_id, IcuReport.is_current.is_(True))
    if before is not None:
        query = query.where(IcuReport.as_of < before)
    return db.session.scalar(query.order_by(IcuReport.as_of.desc(), IcuReport.id.desc()).limit(1))


@use_case
def submit_report(report: ReportInput, channel: ReportChannel) -> IcuReport:
    """Store the report (a new version if the unit has one for that day), or refuse it naming
    each field; jumps against the previous report must be confirmed."""
    unit = get_unit(report.unit_code)
    if not unit.active:
        raise InvalidInput({"unit": _("The unit %(unit)s is closed.", unit=unit.name)})
    as_of = clock.utc(report.as_of) if report.as_of else clock.utcnow()
    assessment, limits = _assessment(report)
    _check_time(as_of)
    errors = icu_rules.refusals(report.figures, unit.has_ecmo, assessment, limits)
    if report.note and len(report.note) > 1000:
        errors["note"] = _("At most %(n)s characters.", n=1000)
    if errors:
        raise InvalidInput(errors)
    begin_write()
    locked(IcuUnit, unit.id)  # one report of a unit at a time: versions stay in order
    previous = previous_report(unit.id, before=as_of + timedelta(microseconds=1))
    warnings = icu_rules.jumps(report.figures, previous.figures() if previous else {})
    unconfirmed = {k: v for k, v in warnings.items() if k not in report.confirmed}
    if unconfirmed:
        raise NeedsConfirmation(unconfirmed)
    return _store(unit, report, as_of, assessment, limits, sorted(warnings), channel)


def _assessment(report: ReportInput) -> tuple[Assessment | None, tuple[str, ...]]:
    errors = {}
    assessment = None
    if report.assessment:
        try:
            assessment = Assessment(report.assessment)
        except ValueError:
            errors["assessment"] = _("Available, limited or full.")
    known = {limit.value for limit in Limit}
    if any(limit not in known for limit in report.limits):
        errors["limits"] = _("Staff, rooms, ventilators or consumables.")
    if errors:
        raise InvalidInput(errors)
    return assessment, tuple(dict.fromkeys(report.limits))


def _check_time(as_of: datetime) -> None:
    now = clock.utcnow()
    if as_of > now + timedelta(minutes=EARLY_MINUTES):
        raise InvalidInput({"as_of": _("The time cannot be in the future.")})
    if clock.local_day(as_of) < clock.today() - timedelta(days=CORRECTABLE_DAYS):
        raise InvalidInput(
            {"as_of": _("A report can be given or corrected for %(n)s days.", n=CORRECTABLE_DAYS)}
        )


def _store(unit, report, as_of, assessment, limits, warnings, channel) -> IcuReport:
    day = clock.local_day(as_of)
    same_day = db.session.scalars(
        select(IcuReport).where(IcuReport.unit_id == unit.id, IcuReport.report_date == day)
    ).all()
    for earlier in same_day:
        earlier.is_current = False
    stored = IcuReport(
        unit_id=unit.id,
        report_date=day,
        as_of=as_of,
        version=max((r.version for r in same_day), default=0) + 1,
        is_current=True,
        assessment=assessment,
        limits=list(limits),
        staff_shortage_today=report.staff_shortage_today,
        staff_shortage_7d=report.staff_shortage_7d,
        confirmed_warnings=warnings,
        channel=channel,
        reported_by=audit.current_actor_name(),
        note=(report.note or "").strip() or None,
        **{name: report.figures.get(name) for name in FIGURES},
    )
    db.session.add(stored)
    db.session.flush()
    icu_totals.refresh(unit.region_id, day)  # the picture's day totals, in this transaction
    return stored


# ---------------------------------------------------------------------------------------------
# Crisis levels


def get_region(code: str) -> Organisation:
    region = db.session.scalar(
        select(Organisation).where(
            Organisation.code == code, Organisation.kind == OrganisationKind.REGION
        )
    )
    if region is None:
        raise NotFound(_("No region %(code)s.", code=code))
    return region


def current_crisis_level(region_id: int) -> RegionCrisisLevel | None:
    return db.session.scalar(
        select(RegionCrisisLevel)
        .where(RegionCrisisLevel.region_id == region_id)
        .order_by(RegionCrisisLevel.set_at.desc(), RegionCrisisLevel.id.desc())
        .limit(1)
    )


@use_case
def set_crisis_level(region_code: str, level: str, note: str | None = None) -> RegionCrisisLevel:
    """The region's crisis level from now on; the earlier levels stay as its history."""
    region = get_region(region_code)
    try:
        chosen = CrisisLevel(level)
    except ValueError:
        raise InvalidInput({"level": _("Choose a crisis level.")}) from None
    note = (note or "").strip() or None
    if note and len(note) > 1000:
        raise InvalidInput({"note": _("At most %(n)s characters.", n=1000)})
    record = RegionCrisisLevel(
        region_id=region.id, level=chosen, set_by=audit.current_actor_name(), note=note
    )
    db.session.add(record)
    return record

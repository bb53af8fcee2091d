"""Intensive care: a unit's daily report (with corrections for 14 days), and a region's crisis
level. Who may report for which unit is the permissions' business; here are the rules."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from supplyapp import audit, clock
from supplyapp.extensions import db
from supplyapp.i18n import _
from supplyapp.i18n import lazy as _l
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
    UnitKind,
)
from supplyapp.queries import intensive_care as icu_queries
from supplyapp.services import icu_rules, icu_totals
from supplyapp.services.errors import DomainError, InvalidInput, NotFound
from supplyapp.services.reference_fields import CAPITALS, LAT, LON, Field, clean_value
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
    unit = icu_queries.unit_by_code(code)
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
    region = icu_queries.region_by_code(code)
    if region is None:
        raise NotFound(_("No region %(code)s.", code=code))
    return region


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


# ---------------------------------------------------------------------------------------------
# Filing reports: the form, the upload and the API, each report once


@dataclass(frozen=True)
class Filed:
    """A report filed; `stored` is False when the very same report was stored already (a
    double submit, a retried call) and nothing new was written."""

    report: IcuReport
    stored: bool


@use_case
def file_report(report: ReportInput, channel: ReportChannel) -> Filed:
    """`submit_report`, but the same report sent again for the same time stores nothing: the
    unit's current version of that day, if it holds these very figures and answers, is it."""
    unit = get_unit(report.unit_code)
    if not _says_anything(report):
        raise InvalidInput({"report": _("Give at least one figure or your own assessment.")})
    if report.as_of is not None:
        begin_write()
        locked(IcuUnit, unit.id)  # a second submit waits for the first and then finds it
        same = _current_of_day(unit.id, clock.utc(report.as_of))
        if same is not None and _same(same, report):
            return Filed(same, stored=False)
    return Filed(submit_report(report, channel), stored=True)


def _says_anything(report: ReportInput) -> bool:
    return any(report.figures.get(name) is not None for name in FIGURES) or bool(
        report.assessment
        or report.limits
        or report.staff_shortage_today is not None
        or report.staff_shortage_7d is not None
    )


def _current_of_day(unit_id: int, as_of: datetime) -> IcuReport | None:
    return db.session.scalar(
        select(IcuReport).where(
            IcuReport.unit_id == unit_id,
            IcuReport.report_date == clock.local_day(as_of),
            IcuReport.is_current.is_(True),
        )
    )


def _same(stored: IcuReport, report: ReportInput) -> bool:
    given = report.as_of
    return (
        given is not None
        and clock.utc(stored.as_of) == clock.utc(given)
        and stored.figures() == {name: report.figures.get(name) for name in FIGURES}
        and (stored.assessment.value if stored.assessment else None) == (report.assessment or None)
        and sorted(stored.limits) == sorted(set(report.limits))
        and stored.staff_shortage_today == report.staff_shortage_today
        and stored.staff_shortage_7d == report.staff_shortage_7d
        and stored.note == ((report.note or "").strip() or None)
    )


class ReportsRefused(DomainError):
    """Some reports of a batch were refused or have jumps to confirm: none was stored.
    Both map the report's position in the batch to {field: message}."""

    def __init__(self, refusals: dict[int, dict[str, str]], warnings: dict[int, dict[str, str]]):
        self.refusals = refusals
        self.warnings = warnings
        super().__init__(
            _(
                "%(refused)s reports refused, %(warned)s with figures to confirm.",
                refused=len(refusals),
                warned=len(warnings),
            )
        )


@use_case
def submit_reports(reports: list[ReportInput], channel: ReportChannel) -> list[Filed]:
    """Several units' reports (a region's file) in one transaction: all are stored, or none,
    with every report's refusals and warnings collected."""
    filed: list[Filed] = []
    refusals: dict[int, dict[str, str]] = {}
    warnings: dict[int, dict[str, str]] = {}
    for position, report in enumerate(reports):
        try:
            filed.append(file_report(report, channel))
        except NeedsConfirmation as error:
            warnings[position] = error.warnings
        except InvalidInput as error:
            refusals[position] = error.errors
        except NotFound as error:
            refusals[position] = {"unit": str(error)}
    if refusals or warnings:
        raise ReportsRefused(refusals, warnings)
    return filed


# ---------------------------------------------------------------------------------------------
# The units' admin: add, edit, close (a closed unit keeps its history and reports no more)

UNIT_FIELDS = (
    Field(
        "code",
        _l("Code"),
        required=True,
        max_length=40,
        pattern=r"^[A-Z0-9-]+$",
        hint=CAPITALS,
        upper=True,
    ),
    Field("name", _l("Name"), required=True, max_length=120),
    Field("hospital", _l("Hospital"), required=True, max_length=160),
    Field("town", _l("Town"), required=True, max_length=80),
    Field("region", _l("Region"), required=True, max_length=20),
    Field("provider", _l("Care provider (a privately run unit)"), max_length=20),
    Field(
        "kind",
        _l("Kind of unit"),
        "choice",
        required=True,
        choices=tuple((kind.value, kind.value) for kind in UnitKind),
    ),
    Field(
        "category",
        _l("SIR category"),
        "choice",
        choices=(("I", "I"), ("II", "II"), ("III", "III")),
    ),
    Field("has_ecmo", _l("Gives ECMO"), "bool", default=False),
    Field("reference_places", _l("Staffed places (reference)"), "int", minimum=0, maximum=300),
    LAT,
    LON,
)


@use_case
def save_unit(values: dict, code: str | None = None) -> IcuUnit:
    """A new unit (no code given) or changes to one; every bad field named. The code of an
    existing unit stays: reports and users refer to it."""
    unit = get_unit(code) if code is not None else None
    cleaned: dict = {}
    errors: dict[str, str] = {}
    for spec in UNIT_FIELDS:
        if spec.name == "code" and unit is not None:
            continue
        cleaned[spec.name], error = clean_value(spec, values.get(spec.name))
        if error:
            errors[spec.name] = error
    region = _organisation(cleaned, "region", OrganisationKind.REGION, errors)
    provider = _organisation(cleaned, "provider", OrganisationKind.CARE_PROVIDER, errors)
    if unit is None and "code" not in errors and _unit_exists(cleaned["code"]):
        errors["code"] = _("A unit with this code exists.")
    if errors:
        raise InvalidInput(errors)
    if unit is None:
        unit = IcuUnit(code=cleaned["code"])
        db.session.add(unit)
    for name in ("name", "hospital", "town", "category", "reference_places", "lat", "lon"):
        setattr(unit, name, cleaned[name])
    unit.kind = UnitKind(cleaned["kind"])
    unit.has_ecmo = bool(cleaned["has_ecmo"])
    unit.region_id = region.id if region else 0
    unit.provider_id = provider.id if provider else None
    unit.is_private = provider is not None
    return unit


def _organisation(cleaned: dict, name: str, kind: OrganisationKind, errors: dict):
    code = cleaned.get(name)
    if not code or name in errors:
        return None
    found = db.session.scalar(
        select(Organisation).where(Organisation.code == code, Organisation.kind == kind)
    )
    if found is None:
        errors[name] = _("No such organisation: %(code)s.", code=code)
    return found


def _unit_exists(code: str) -> bool:
    return db.session.scalar(select(IcuUnit.id).where(IcuUnit.code == code)) is not None


@use_case
def close_unit(code: str, closed_on: date | None = None) -> IcuUnit:
    """The unit reports no more from this day (today unless given); its reports stay."""
    unit = get_unit(code)
    if not unit.active:
        raise InvalidInput(
            {"closed_on": _("The unit is closed already, since %(day)s.", day=unit.closed_on)}
        )
    day = closed_on or clock.today()
    if day > clock.today():
        raise InvalidInput({"closed_on": _("Close a unit from today or an earlier day.")})
    unit.active = False
    unit.closed_on = day
    return unit

"""A believable intensive-care picture for the demo: eight weeks of daily reports from every
unit along a second wave that ends at December 2020's size (about 673 ventilator places, about
17 % free; Stockholm 160 places and 99 % full) while covid patients rise from about 200 to
about 400, and each region's
crisis level with a short history. Seeded random numbers, so every demo looks the same.

Units without a staffed-place figure from SIR get a demo figure (by kind, category and region
size), marked `reference_places_is_demo`; SIR's figures stay as they are.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, insert, select

from supplyapp import audit, clock
from supplyapp.extensions import db
from supplyapp.models import County, Organisation, OrganisationKind
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
from supplyapp.services import icu_rules, icu_totals
from supplyapp.services.transaction import use_case

WEEKS = 8
DAYS = WEEKS * 7

# Demo reference places (before the scale-up) by kind and SIR category. A unit without SIR's
# category is III at a hospital with several units (a university hospital), II at the county
# seat or in a town of more than 90,000, else I; the big regions' units are larger.
BASE_PLACES = {
    UnitKind.GENERAL: {"I": 3, "II": 7, "III": 12},
    UnitKind.MEDICAL: {"I": 4, "II": 5, "III": 6},
    UnitKind.THORACIC: {"I": 4, "II": 5, "III": 7},
    UnitKind.NEURO: {"I": 3, "II": 4, "III": 6},
    UnitKind.PAEDIATRIC: {"I": 3, "II": 4, "III": 6},
    UnitKind.BURNS: {"I": 2, "II": 2, "III": 3},
    UnitKind.INFECTION: {"I": 3, "II": 4, "III": 5},
    UnitKind.ECMO: {"I": 2, "II": 2, "III": 3},
}
BIG_REGION = 1_000_000  # Stockholm, Västra Götaland, Skåne
BIG_REGION_FACTOR = 1.4
BIG_TOWN = 90_000

# The end of the wave: national staffed places and Stockholm's of December 2020; covid patients
# in intensive care rising from about 200 to about 400 over the eight weeks (the wave,
# the size of the turn of the year 2020/21).
NATIONAL_STAFFED_END = 678  # of which about 673 with a ventilator
STOCKHOLM_STAFFED_END = 160
NATIONAL_COVID_END = 400
COVID_START = 0.5  # covid patients eight weeks earlier, as a share of the end
# Each region's free share on the last day: a few under 10 %, most 10-20 %, a few over 20 %.
FREE_SHARE_END = {
    "01": 0.015,
    "03": 0.24,
    "04": 0.07,
    "05": 0.19,
    "06": 0.06,
    "07": 0.18,
    "08": 0.15,
    "09": 0.25,
    "10": 0.17,
    "12": 0.27,
    "13": 0.14,
    "14": 0.30,
    "17": 0.15,
    "18": 0.17,
    "19": 0.12,
    "20": 0.16,
    "21": 0.09,
    "22": 0.18,
    "23": 0.19,
    "24": 0.27,
    "25": 0.19,
}
# How likely a patient of the unit has covid, against a general unit.
COVID_WEIGHT = {
    UnitKind.GENERAL: 1.0,
    UnitKind.MEDICAL: 1.3,
    UnitKind.INFECTION: 2.0,
    UnitKind.ECMO: 1.5,
    UnitKind.THORACIC: 0.5,
    UnitKind.NEURO: 0.2,
    UnitKind.BURNS: 0.0,
    UnitKind.PAEDIATRIC: 0.0,
}
# Units of university hospitals without a paediatric ICU take a child now and then.
CHILD_PLACE_UNITS = {"LINKOPING-IVA", "OREBRO-IVA", "UMEA-IVA", "SUNDERBY-IVA", "OSTERSUND-IVA"}
# Who reports: a demo user where there is one, else the region's system or a file.
REPORTERS = {"DANDERYD-IVA": "iva.danderyd", "STGORAN-IVA": "iva.stgoran"}
REGION_REPORTERS = {"01": "region.stockholm"}
REGION_CHANNELS = {"12": ReportChannel.API, "14": ReportChannel.API, "03": ReportChannel.UPLOAD}
# Crisis levels: (region, days before today, level, note); every region is normal at the start.
CRISIS_HISTORY = [
    ("12", 45, CrisisLevel.STAFF, "Stabsläge: ökat antal covidpatienter i slutenvården."),
    ("01", 35, CrisisLevel.STAFF, "Stabsläge: stigande belastning på intensivvården."),
    ("12", 25, CrisisLevel.NORMAL, "Åter normalläge."),
    ("06", 18, CrisisLevel.STAFF, "Stabsläge: IVA nära fullt, plan för utökning aktiverad."),
    ("04", 14, CrisisLevel.STAFF, "Stabsläge: personalbrist på IVA."),
    (
        "01",
        12,
        CrisisLevel.REINFORCEMENT,
        "Förstärkningsläge: IVA-platserna utökas, planerad vård skjuts upp.",
    ),
    ("21", 6, CrisisLevel.STAFF, "Stabsläge: IVA-beläggningen över 90 %."),
]
CORRECTION_NOTE = "Rättelse: fel antal inneliggande i första rapporten."
LATE_TODAY = 5  # units that have not reported yet today (one of them for three days)
GAPS = 4  # units with a few days missing in their history
CORRECTIONS = 8  # days with a second version


@dataclass
class _Unit:
    """What the generator knows of one unit."""

    id: int
    code: str
    kind: UnitKind
    has_ecmo: bool
    region: str
    places: int  # reference places (SIR's or the demo's)
    reporter: str
    channel: ReportChannel
    minute: int  # minutes after 08:00 it usually reports
    limits: list[str]
    answers: bool  # gives an assessment and the staff questions
    surge: tuple[float, float] | None  # surge places per reference place (24 h, 7 days)
    missing: set[int] = field(default_factory=set)  # day indexes without a report


@use_case
def load_demo_intensive_care(today: date | None = None, seed: int = 2020) -> int:
    """Demo reference places, eight weeks of unit reports and the crisis levels; idempotent.
    Returns the number of reports written."""
    today = today or clock.today()
    rng = random.Random(seed)
    _demo_reference_places()
    _crisis_levels(today)
    if db.session.scalar(select(func.count()).select_from(IcuReport)):
        return 0
    units = _units(rng)
    rows = _reports(units, today, rng)
    if rows:
        db.session.execute(insert(IcuReport), rows)
        icu_totals.rebuild()  # the picture's day totals, counted from the bulk-loaded reports
    audit.record(
        db.session,
        "import",
        "icu_reports",
        "demo",
        after={"reports": len(rows), "days": DAYS},
        reason="Demo intensive-care picture (seeded random)",
    )
    return len(rows)


def _pairs(query) -> dict:
    """A two-column query as a dict from the first column to the second."""
    return dict(db.session.execute(query).tuples().all())


# ---------------------------------------------------------------------------------------------
# Reference places


def demo_reference_places(
    kind: UnitKind, category: str | None, several_units: bool, town_is_big: bool, big_region: bool
) -> int:
    """A plausible staffed-place figure before the scale-up for a unit SIR gives none for."""
    if category not in ("I", "II", "III"):
        category = "III" if several_units else "II" if town_is_big else "I"
    places = BASE_PLACES[kind][category]
    return round(places * BIG_REGION_FACTOR) if big_region else places


def _demo_reference_places() -> None:
    missing = db.session.scalars(
        select(IcuUnit).where(IcuUnit.reference_places.is_(None)).order_by(IcuUnit.code)
    ).all()
    if not missing:
        return
    per_hospital: dict[str, int] = {}
    for hospital in db.session.scalars(select(IcuUnit.hospital)):
        per_hospital[hospital] = per_hospital.get(hospital, 0) + 1
    towns = _pairs(
        select(Organisation.name, Organisation.population).where(
            Organisation.kind == OrganisationKind.MUNICIPALITY
        )
    )
    capitals = _pairs(select(County.code, County.capital))
    for unit in missing:
        unit.reference_places = demo_reference_places(
            unit.kind,
            unit.category,
            several_units=per_hospital[unit.hospital] > 1,
            town_is_big=(towns.get(unit.town) or 0) > BIG_TOWN
            or capitals.get(unit.region.county_code) == unit.town,
            big_region=(unit.region.population or 0) > BIG_REGION,
        )
        unit.reference_places_is_demo = True


# ---------------------------------------------------------------------------------------------
# Crisis levels


def _crisis_levels(today: date) -> None:
    if db.session.scalar(select(func.count()).select_from(RegionCrisisLevel)):
        return
    regions = _pairs(
        select(Organisation.code, Organisation.id).where(
            Organisation.kind == OrganisationKind.REGION
        )
    )
    start = _at(today - timedelta(days=DAYS), 7 * 60)
    rows = [
        {
            "region_id": region_id,
            "level": CrisisLevel.NORMAL,
            "set_at": start,
            "set_by": REGION_REPORTERS.get(code, f"system:{code}"),
            "note": None,
        }
        for code, region_id in sorted(regions.items())
    ]
    rows += [
        {
            "region_id": regions[code],
            "level": level,
            "set_at": _at(today - timedelta(days=days_back), 10 * 60 + 30),
            "set_by": REGION_REPORTERS.get(code, f"system:{code}"),
            "note": note,
        }
        for code, days_back, level, note in CRISIS_HISTORY
        if code in regions
    ]
    db.session.execute(insert(RegionCrisisLevel), rows)


# ---------------------------------------------------------------------------------------------
# Reports


def _at(day: date, minutes: int) -> datetime:
    """A time of day in Sweden, as the UTC instant that is stored."""
    local = datetime.combine(day, time(0), tzinfo=clock.zone()) + timedelta(minutes=minutes)
    return local.astimezone(UTC)


def _units(rng: random.Random) -> list[_Unit]:
    found = db.session.execute(
        select(IcuUnit, Organisation.code)
        .join(Organisation, IcuUnit.region_id == Organisation.id)
        .where(IcuUnit.active.is_(True))
        .order_by(IcuUnit.code)
    ).all()
    units = []
    for unit, region in found:
        limits = [Limit.STAFF.value] if rng.random() < 0.85 else [Limit.ROOMS.value]
        if rng.random() < 0.3:
            limits.append(rng.choice([Limit.ROOMS, Limit.VENTILATORS, Limit.CONSUMABLES]).value)
        units.append(
            _Unit(
                id=unit.id,
                code=unit.code,
                kind=unit.kind,
                has_ecmo=unit.has_ecmo,
                region=region,
                places=unit.reference_places or 4,
                reporter=REPORTERS.get(unit.code, REGION_REPORTERS.get(region, f"system:{region}")),
                channel=REGION_CHANNELS.get(region, ReportChannel.FORM),
                minute=rng.randint(0, 80),
                limits=list(dict.fromkeys(limits)),
                answers=rng.random() < 0.9,
                surge=(rng.uniform(0.05, 0.25), rng.uniform(0.1, 0.35))
                if rng.random() < 0.8
                else None,
            )
        )
    _leave_gaps(units, rng)
    return units


def _leave_gaps(units: list[_Unit], rng: random.Random) -> None:
    """A handful not yet reported today (one for three days), a few with days missing."""
    chosen = rng.sample(units, LATE_TODAY + GAPS)
    for index, unit in enumerate(chosen[:LATE_TODAY]):
        unit.missing |= {DAYS - 1 - back for back in range(3 if index == 0 else 1)}
    for unit in chosen[LATE_TODAY:]:
        first = rng.randint(5, DAYS - 8)
        unit.missing |= set(range(first, first + rng.randint(1, 3)))


def _wave(day: int, lag: int = 0) -> float:
    """0 eight weeks ago, 1 today: the second wave's logistic rise."""
    x = max(0, day - lag) / (DAYS - 1)

    def logistic(value: float) -> float:
        return 1 / (1 + math.exp(-7 * (value - 0.6)))

    return (logistic(x) - logistic(0)) / (logistic(1) - logistic(0))


@dataclass
class _RegionPath:
    places: int  # reference places
    staffed_end: int
    occupied_end: int
    covid_end: float


def _region_paths(units: list[_Unit], rng: random.Random) -> dict[str, _RegionPath]:
    places: dict[str, int] = {}
    for unit in units:
        places[unit.region] = places.get(unit.region, 0) + unit.places
    others = sum(n for code, n in places.items() if code != "01")
    scale = (NATIONAL_STAFFED_END - STOCKHOLM_STAFFED_END) / others
    paths = {}
    for code, n in places.items():
        staffed = STOCKHOLM_STAFFED_END if code == "01" else round(n * scale)
        occupied = round(staffed * (1 - FREE_SHARE_END.get(code, 0.15)))
        covid_share = 0.52 if code == "01" else rng.uniform(0.38, 0.52)
        paths[code] = _RegionPath(n, staffed, occupied, occupied * covid_share)
    covid = sum(path.covid_end for path in paths.values())
    for path in paths.values():
        path.covid_end *= NATIONAL_COVID_END / covid
    return paths


def apportion(total: int, weights: list[float], caps: list[int] | None = None) -> list[int]:
    """Share a whole number out by weight (largest remainder), never above a unit's cap; what
    no cap leaves room for is not given."""
    caps = caps if caps is not None else [total] * len(weights)
    shares = [0] * len(weights)
    left = min(total, sum(caps))
    while left > 0:
        open_ = [i for i in range(len(weights)) if shares[i] < caps[i]]
        weight = sum(weights[i] for i in open_)
        exact = {i: left * (weights[i] / weight if weight else 1 / len(open_)) for i in open_}
        for i in open_:
            shares[i] += min(math.floor(exact[i]), caps[i] - shares[i])
        left = min(total, sum(caps)) - sum(shares)
        by_remainder = sorted(open_, key=lambda i: exact[i] - math.floor(exact[i]), reverse=True)
        for i in by_remainder:
            if left and shares[i] < caps[i]:
                shares[i] += 1
                left -= 1
    return shares


def _reports(units: list[_Unit], today: date, rng: random.Random) -> list[dict]:
    paths = _region_paths(units, rng)
    by_region: dict[str, list[_Unit]] = {}
    for unit in units:
        by_region.setdefault(unit.region, []).append(unit)
    now = clock.utcnow()
    rows: list[dict] = []
    previous: dict[int, dict[str, int | None]] = {}
    candidates = [(u.code, d) for u in units for d in range(DAYS - 14, DAYS) if u.places >= 6]
    corrections = set(rng.sample(candidates, CORRECTIONS))
    for day_index in range(DAYS):
        day = today - timedelta(days=DAYS - 1 - day_index)
        for code, members in sorted(by_region.items()):
            figures = _region_day(paths[code], members, day_index, rng)
            for unit, unit_figures in zip(members, figures, strict=True):
                if day_index in unit.missing:
                    continue
                late = rng.random() < 0.03
                minute = rng.randint(180, 360) if late else unit.minute + rng.randint(-5, 10)
                as_of = _at(day, 8 * 60 + max(0, min(minute, 360)))
                if as_of > now:
                    continue
                versions: list[tuple[datetime, dict, str | None]] = [(as_of, unit_figures, None)]
                if (unit.code, day_index) in corrections:
                    wrong = _mistyped(unit_figures, unit.has_ecmo)
                    later = as_of + timedelta(minutes=rng.randint(40, 150))
                    versions = [(as_of, wrong, None), (later, unit_figures, CORRECTION_NOTE)]
                versions = [v for v in versions if v[0] <= now]
                for version, (at, values, note) in enumerate(versions, start=1):
                    row = _row(unit, day, at, values, previous.get(unit.id, {}), rng)
                    row.update(version=version, is_current=version == len(versions), note=note)
                    rows.append(row)
                    previous[unit.id] = values
    return rows


def _mistyped(figures: dict[str, int | None], has_ecmo: bool) -> dict[str, int | None]:
    """The first version of a corrected report: two patients too many (still within the rules)."""
    group = "adult" if figures.get("adult_occupied") is not None else "child"
    wrong = dict(figures)
    wrong[f"{group}_occupied"] = (figures[f"{group}_occupied"] or 0) + 2
    return wrong if not icu_rules.refusals(wrong, has_ecmo) else figures


def _region_day(path: _RegionPath, units: list[_Unit], day: int, rng: random.Random) -> list[dict]:
    """The figures of one region's units on one day."""
    wave = _wave(day)
    staffed = round(path.places + (path.staffed_end - path.places) * _wave(day, lag=3))
    covid = round(path.covid_end * (COVID_START + (1 - COVID_START) * wave))
    # Other patients fall a little as planned surgery is put off; the day's noise fades as
    # the units fill up.
    other = (path.occupied_end - path.covid_end) * (1.06 - 0.06 * wave)
    noise = 0.04 * (1 - wave)
    occupied = min(staffed, round(covid + other * rng.uniform(1 - noise, 1 + noise)))
    full = path.occupied_end >= path.staffed_end * 0.97 and day >= DAYS - 14
    unit_staffed = apportion(staffed, [u.places for u in units])
    unit_occupied = apportion(
        occupied,
        [s * rng.uniform(0.85, 1.15) for s in unit_staffed],
        [s + (1 if full else 0) for s in unit_staffed],
    )
    unit_covid = apportion(
        min(covid, occupied),
        [o * COVID_WEIGHT[u.kind] for u, o in zip(units, unit_occupied, strict=True)],
        [o if COVID_WEIGHT[u.kind] else 0 for u, o in zip(units, unit_occupied, strict=True)],
    )
    return [
        _unit_figures(unit, s, o, c, wave, rng)
        for unit, s, o, c in zip(units, unit_staffed, unit_occupied, unit_covid, strict=True)
    ]


def _unit_figures(
    unit: _Unit, staffed: int, occupied: int, covid: int, wave: float, rng: random.Random
) -> dict[str, int | None]:
    figures: dict[str, int | None] = dict.fromkeys(FIGURES)
    group = "child" if unit.kind == UnitKind.PAEDIATRIC else "adult"
    ventilator = staffed - 1 if unit.kind in (UnitKind.MEDICAL, UnitKind.INFECTION) else staffed
    if unit.code in CHILD_PLACE_UNITS and staffed > 2:  # one of the places kept for a child
        child = 1 if occupied > 0 and rng.random() < 0.3 else 0
        figures.update(child_staffed=1, child_staffed_ventilator=1, child_occupied=child)
        figures.update(child_covid=0, child_invasive=child, child_noninvasive=0)
        staffed, ventilator, occupied = staffed - 1, ventilator - 1, occupied - child
        covid = min(covid, occupied)
    invasive = round(covid * 0.7 + (occupied - covid) * 0.45 + rng.uniform(-1, 1))
    invasive = max(0, min(occupied, invasive))
    noninvasive = max(0, min(occupied - invasive, round(occupied * 0.1 + rng.uniform(-1, 1))))
    figures.update(
        {
            f"{group}_staffed": staffed,
            f"{group}_staffed_ventilator": max(0, ventilator),
            f"{group}_occupied": occupied,
            f"{group}_covid": covid,
            f"{group}_invasive": invasive,
            f"{group}_noninvasive": noninvasive,
        }
    )
    if unit.has_ecmo:
        places = staffed if unit.kind == UnitKind.ECMO else 2 + round(2 * wave)
        figures["ecmo_places"] = places
        figures["ecmo_occupied"] = min(places, occupied, round(places * (0.4 + 0.5 * wave)))
    if unit.surge:
        room = 1.2 - wave  # surge places are opened as the wave rises
        surge = max(0, round(unit.places * unit.surge[0] * room))
        figures["surge_24h"] = surge
        figures["surge_7d"] = surge + round(unit.places * unit.surge[1])
    return figures


def _row(
    unit: _Unit,
    day: date,
    as_of: datetime,
    figures: dict[str, int | None],
    previous: dict[str, int | None],
    rng: random.Random,
) -> dict:
    staffed = sum(figures[f"{g}_staffed"] or 0 for g in ("adult", "child"))
    free = staffed - sum(figures[f"{g}_occupied"] or 0 for g in ("adult", "child"))
    assessment = limits = today_short = soon_short = None
    if unit.answers:
        if free <= 0:
            assessment = Assessment.FULL
        elif free / max(staffed, 1) < 0.15:
            assessment = Assessment.LIMITED
        else:
            assessment = Assessment.AVAILABLE
        limits = unit.limits if assessment != Assessment.AVAILABLE else []
        today_short = Limit.STAFF.value in limits
        soon_short = today_short or (free / max(staffed, 1) < 0.25 and rng.random() < 0.5)
    jumps = [
        name
        for name in FIGURES
        if figures[name] is not None
        and previous.get(name) is not None
        and icu_rules.is_jump(previous[name] or 0, figures[name] or 0)
    ]
    return {
        "unit_id": unit.id,
        "report_date": day,
        "as_of": as_of,
        **figures,
        "assessment": assessment,
        "limits": limits or [],
        "staff_shortage_today": today_short,
        "staff_shortage_7d": soon_short,
        "confirmed_warnings": jumps,
        "channel": unit.channel,
        "reported_by": unit.reporter,
        "note": None,
        "created_at": as_of,
    }

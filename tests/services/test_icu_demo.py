"""The demo's intensive-care picture: eight weeks of unit reports ending at December 2020's size,
every report within the rules, and the demo's own reference figures marked."""

from collections import defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from supplyapp import clock
from supplyapp.demo.intensive_care import DAYS, load_demo_intensive_care
from supplyapp.demo.reference_data import load_demo_users
from supplyapp.extensions import db
from supplyapp.models import Organisation, User
from supplyapp.models.intensive_care import (
    AGE_GROUPS,
    Assessment,
    CrisisLevel,
    IcuReport,
    IcuUnit,
    RegionCrisisLevel,
)
from supplyapp.queries.intensive_care import current_crisis_level
from supplyapp.services import icu_rules


@pytest.fixture
def demo(places):
    return load_demo_intensive_care()


def _current() -> list[IcuReport]:
    return list(db.session.scalars(select(IcuReport).where(IcuReport.is_current.is_(True))))


def _latest_per_unit() -> dict[int, IcuReport]:
    """Each unit's latest report that counts: what the picture shows for it."""
    latest: dict[int, IcuReport] = {}
    for report in sorted(_current(), key=lambda r: r.as_of):
        latest[report.unit_id] = report
    return latest


def _total(report: IcuReport, figure: str) -> int:
    return sum(getattr(report, f"{group}_{figure}") or 0 for group in AGE_GROUPS)


def _region_totals() -> dict[str, dict[str, int]]:
    query = select(IcuUnit.id, Organisation.code).join(IcuUnit.region)
    regions = dict(db.session.execute(query).tuples().all())
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for unit_id, report in _latest_per_unit().items():
        for figure in ("staffed", "staffed_ventilator", "occupied", "covid"):
            totals[regions[unit_id]][figure] += _total(report, figure)
    return totals


def _free_share(totals: dict[str, int]) -> float:
    return (totals["staffed"] - totals["occupied"]) / totals["staffed"]


def test_the_last_day_is_of_december_2020s_size(demo):
    regions = _region_totals()
    national = {f: sum(t[f] for t in regions.values()) for f in ("staffed", "occupied", "covid")}
    assert 640 <= national["staffed"] <= 710
    assert 640 <= sum(t["staffed_ventilator"] for t in regions.values()) <= 710
    assert 370 <= national["covid"] <= 430  # the wave ends at about 400 covid patients
    assert 0.12 <= _free_share(national) <= 0.22
    shares = {code: _free_share(totals) for code, totals in regions.items()}
    assert len(shares) == 21
    assert shares["01"] < 0.05 and 150 <= regions["01"]["staffed"] <= 170  # Stockholm
    assert sum(share < 0.10 for share in shares.values()) >= 2
    assert sum(0.10 <= share <= 0.20 for share in shares.values()) >= 9  # most
    assert sum(share > 0.20 for share in shares.values()) >= 2


def test_the_wave_rises_over_eight_weeks(demo):
    first = clock.today() - timedelta(days=DAYS - 1)
    covid_on_first_day = db.session.scalar(
        select(func.sum(IcuReport.adult_covid)).where(
            IcuReport.report_date == first, IcuReport.is_current.is_(True)
        )
    )
    assert 170 <= covid_on_first_day <= 230  # and began at about 200
    assert min(r.report_date for r in _current()) == first


def test_every_report_passes_the_rules(demo):
    units = {unit.id: unit for unit in db.session.scalars(select(IcuUnit))}
    reports = list(db.session.scalars(select(IcuReport)))
    assert len(reports) == demo > 70 * (DAYS - 1)
    for report in reports:
        unit = units[report.unit_id]
        refusals = icu_rules.refusals(
            report.figures(), unit.has_ecmo, report.assessment, tuple(report.limits)
        )
        assert refusals == {}, (unit.code, report.report_date, refusals)
        assert clock.utc(report.as_of) <= clock.utcnow()
        assert clock.local_day(report.as_of) == report.report_date
    assert any(r.assessment == Assessment.FULL and r.limits for r in reports)
    assert any(r.staff_shortage_today for r in reports)
    assert any(r.surge_24h is not None for r in reports)


def test_ecmo_only_on_ecmo_units_and_children_in_paediatric_units(demo):
    units = {unit.id: unit for unit in db.session.scalars(select(IcuUnit))}
    for report in _current():
        unit = units[report.unit_id]
        assert (report.ecmo_places is not None) == unit.has_ecmo, unit.code
        if unit.kind == "paediatric":
            assert report.adult_staffed is None and report.child_staffed is not None
        else:
            assert report.adult_staffed is not None


def test_some_units_are_late_some_have_gaps_and_some_reports_were_corrected(demo):
    units = db.session.scalar(select(func.count()).select_from(IcuUnit))
    today = clock.today()
    reported_today = {r.unit_id for r in _current() if r.report_date == today}
    assert len(reported_today) <= units - 5  # a handful not yet in (none before 08:00)
    days = defaultdict(set)
    for report in _current():
        days[report.unit_id].add(report.report_date)
    before_yesterday = today - timedelta(days=1)
    with_gaps = [d for d in days.values() if len({x for x in d if x < before_yesterday}) < DAYS - 2]
    assert 4 <= len(with_gaps) <= 8
    corrected = list(db.session.scalars(select(IcuReport).where(IcuReport.version == 2)))
    assert corrected and all(r.is_current and r.note for r in corrected)


def test_the_demo_figures_are_marked_and_sirs_are_not(demo):
    units = list(db.session.scalars(select(IcuUnit)))
    marked = [unit for unit in units if unit.reference_places_is_demo]
    assert len(marked) == 51
    assert all(unit.reference_places for unit in units)
    assert (
        db.session.scalar(select(IcuUnit).where(IcuUnit.code == "DANDERYD-IVA")).reference_places
        == 8
    )
    big = {u.code: u.reference_places for u in marked}
    assert big["SOS-IVA"] > big["NORRTALJE-IVA"] and big["SU-CIVA"] > big["LYCKSELE-IVA"]


def test_crisis_levels_with_a_short_history(demo):
    query = select(Organisation.code, Organisation.id).where(Organisation.kind == "region")
    regions = dict(db.session.execute(query).tuples().all())
    levels = {code: current_crisis_level(region_id).level for code, region_id in regions.items()}
    assert levels["01"] == CrisisLevel.REINFORCEMENT
    assert 2 <= sum(level == CrisisLevel.STAFF for level in levels.values()) <= 4
    assert sum(level == CrisisLevel.NORMAL for level in levels.values()) >= 15
    history = db.session.scalar(
        select(func.count())
        .select_from(RegionCrisisLevel)
        .where(RegionCrisisLevel.region_id == regions["01"])
    )
    assert history == 3


def test_a_second_run_adds_nothing(demo):
    counts = [
        db.session.scalar(select(func.count()).select_from(table))
        for table in (IcuReport, RegionCrisisLevel)
    ]
    assert load_demo_intensive_care() == 0
    assert [
        db.session.scalar(select(func.count()).select_from(table))
        for table in (IcuReport, RegionCrisisLevel)
    ] == counts


def test_the_icu_reporters_are_bound_to_their_units(places):
    load_demo_users()
    users = {u.username: u for u in db.session.scalars(select(User))}
    assert users["iva.danderyd"].icu_unit.code == "DANDERYD-IVA"
    assert users["iva.danderyd"].organisation.code == "01"
    assert users["iva.stgoran"].organisation.name == "Capio S:t Görans sjukhus"

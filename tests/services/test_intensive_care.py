"""A unit's daily report: stored in one transaction, refused naming the field, jumps confirmed,
corrections kept as versions for 14 days; a region's crisis level with its history."""

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from supplyapp import audit, clock
from supplyapp.demo.reference_data import load_icu_units
from supplyapp.extensions import db
from supplyapp.models.intensive_care import IcuReport, ReportChannel
from supplyapp.queries import intensive_care as icu_queries
from supplyapp.services import intensive_care as icu
from supplyapp.services.errors import InvalidInput, NotFound

FIGURES = {"adult_staffed": 10, "adult_occupied": 8, "adult_covid": 3, "adult_invasive": 5}


@pytest.fixture
def units(places):
    load_icu_units()


def report(unit="DANDERYD-IVA", confirmed=(), **figures):
    with audit.acting_as("reporter"):
        return icu.submit_report(
            icu.ReportInput(unit, {**FIGURES, **figures}, confirmed=tuple(confirmed)),
            ReportChannel.FORM,
        )


def _reports(unit_code="DANDERYD-IVA") -> list[IcuReport]:
    unit = icu.get_unit(unit_code)
    query = select(IcuReport).where(IcuReport.unit_id == unit.id).order_by(IcuReport.id)
    return list(db.session.scalars(query))


def test_the_units_are_loaded_with_their_region_and_private_provider(units):
    assert icu.get_unit("DANDERYD-IVA").region.code == "01"
    assert icu.get_unit("STGORAN-IVA").provider.name == "Capio S:t Görans sjukhus"
    assert icu.get_unit("K-SOLNA-ECMO").has_ecmo and not icu.get_unit("DANDERYD-IVA").has_ecmo
    with pytest.raises(NotFound):
        icu.get_unit("NOWHERE-IVA")


def test_a_report_is_stored_for_swedens_day_by_whoever_acts(units):
    stored = report()
    assert (stored.report_date, stored.version, stored.is_current) == (clock.today(), 1, True)
    assert (stored.adult_occupied, stored.child_occupied) == (8, None)  # not reported: empty
    assert stored.reported_by == "reporter"


def test_a_refused_report_names_the_field_and_writes_nothing(units):
    with pytest.raises(InvalidInput) as refused:
        report(adult_occupied=16)
    assert "adult_occupied" in refused.value.errors
    assert _reports() == []


JUMPED = {"adult_occupied": 3, "adult_invasive": 2, "adult_staffed": 25}


def test_a_jump_must_be_confirmed_and_the_confirmation_is_kept(units):
    report()
    assert report(adult_occupied=15).version == 2  # 8 -> 15: a change of 7 is no jump
    with pytest.raises(icu.NeedsConfirmation) as asked:
        report(**JUMPED)  # 15 -> 3 a quarter; 10 -> 25 more than doubled
    assert sorted(asked.value.warnings) == ["adult_occupied", "adult_staffed"]
    assert len(_reports()) == 2  # nothing written until confirmed
    with pytest.raises(icu.NeedsConfirmation):
        report(**JUMPED, confirmed=["adult_staffed"])
    stored = report(**JUMPED, confirmed=["adult_occupied", "adult_staffed"])
    assert stored.confirmed_warnings == ["adult_occupied", "adult_staffed"]


def test_a_correction_the_same_day_keeps_every_version(units):
    report()
    report(adult_occupied=9)
    versions = _reports()
    assert [(r.version, r.is_current, r.adult_occupied) for r in versions] == [
        (1, False, 8),
        (2, True, 9),
    ]


def test_a_report_older_than_14_days_or_in_the_future_is_refused(units):
    for as_of in (clock.utcnow() - timedelta(days=15), clock.utcnow() + timedelta(hours=1)):
        with pytest.raises(InvalidInput) as refused, audit.acting_as("reporter"):
            icu.submit_report(icu.ReportInput("DANDERYD-IVA", FIGURES, as_of=as_of), "form")
        assert "as_of" in refused.value.errors


def test_a_report_at_0001_in_stockholm_belongs_to_that_day(units):
    with time_machine.travel("2026-12-01T00:00:01+01:00", tick=False):
        assert report().report_date.isoformat() == "2026-12-01"


def test_the_crisis_level_keeps_its_history(units):
    with audit.acting_as("region.stockholm"):
        icu.set_crisis_level("01", "staff")
        icu.set_crisis_level("01", "reinforcement", "Fler än 150 patienter")
    current = icu_queries.current_crisis_level(icu.get_region("01").id)
    assert (current.level, current.set_by, current.note) == (
        "reinforcement",
        "region.stockholm",
        "Fler än 150 patienter",
    )
    with pytest.raises(InvalidInput), audit.acting_as("region.stockholm"):
        icu.set_crisis_level("01", "panic")

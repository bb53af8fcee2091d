"""Filing reports once (the same report again stores nothing), several units' reports in one
transaction (all or none, every refusal and warning collected per report), the units' admin
(add, edit, close), and a region's crisis-level history."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from supplyapp import audit, clock
from supplyapp.extensions import db
from supplyapp.models.intensive_care import IcuReport, ReportChannel
from supplyapp.queries import intensive_care as icu_queries
from supplyapp.services import intensive_care as icu
from supplyapp.services.errors import InvalidInput

FIGURES = {"adult_staffed": 10, "adult_occupied": 8}


def report(unit="DANDERYD-IVA", as_of=None, confirmed=(), **figures) -> icu.ReportInput:
    return icu.ReportInput(
        unit,
        {**FIGURES, **figures},
        as_of=as_of or clock.now_local().replace(second=0, microsecond=0),
        confirmed=tuple(confirmed),
    )


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(IcuReport))


@pytest.fixture
def acting(places):
    with audit.acting_as("tester"):
        yield


def test_the_same_report_filed_twice_is_stored_once(acting):
    first = icu.file_report(report(), ReportChannel.FORM)
    again = icu.file_report(report(), ReportChannel.FORM)
    assert first.stored and not again.stored
    assert again.report.id == first.report.id and count() == 1
    changed = icu.file_report(report(adult_occupied=9), ReportChannel.FORM)
    assert changed.stored and changed.report.version == 2


def test_a_report_without_any_figure_or_answer_is_refused(acting):
    with pytest.raises(InvalidInput) as refused:
        icu.file_report(icu.ReportInput("DANDERYD-IVA", {}), ReportChannel.API)
    assert list(refused.value.errors) == ["report"]
    assert count() == 0


def test_a_batch_is_stored_whole_or_not_at_all_with_each_problem_collected(acting):
    earlier = clock.now_local() - timedelta(days=1)
    icu.submit_report(
        report("ERSTA-IVA", as_of=earlier, adult_staffed=3, adult_occupied=2), ReportChannel.API
    )
    batch = [
        report("DANDERYD-IVA"),
        report("K-HUDDINGE-IVA", adult_staffed=4, adult_occupied=9),
        report("ERSTA-IVA", adult_staffed=20, adult_occupied=2),  # 3 -> 20: a jump
        report("NOWHERE-IVA"),
    ]
    with pytest.raises(icu.ReportsRefused) as refused:
        icu.submit_reports(batch, ReportChannel.UPLOAD)
    assert {k: list(v) for k, v in refused.value.refusals.items()} == {
        1: ["adult_occupied"],
        3: ["unit"],
    }
    assert list(refused.value.warnings) == [2] and "adult_staffed" in refused.value.warnings[2]
    assert count() == 1  # only the earlier report: nothing of the batch

    batch = [report("DANDERYD-IVA"), report("ERSTA-IVA", adult_staffed=20, adult_occupied=2)]
    with pytest.raises(icu.ReportsRefused):
        icu.submit_reports(batch, ReportChannel.UPLOAD)
    batch[1].confirmed = ("adult_staffed",)
    filed = icu.submit_reports(batch, ReportChannel.UPLOAD)
    assert [f.stored for f in filed] == [True, True] and count() == 3


def test_a_unit_is_added_edited_and_closed_and_keeps_its_history(acting):
    values = {
        "code": "ny-iva",
        "name": "Ny IVA",
        "hospital": "Nya sjukhuset",
        "town": "Mora",
        "region": "20",
        "kind": "general",
        "has_ecmo": False,
    }
    unit = icu.save_unit(values)
    assert (unit.code, unit.region.code, unit.active) == ("NY-IVA", "20", True)
    with pytest.raises(InvalidInput) as refused:
        icu.save_unit({**values, "region": "0380", "kind": "big", "name": ""})
    assert set(refused.value.errors) == {"code", "region", "kind", "name"}
    icu.save_unit({**values, "provider": "VG-0180-SG", "has_ecmo": True}, code="NY-IVA")
    assert icu.get_unit("NY-IVA").has_ecmo
    icu.file_report(report("NY-IVA"), ReportChannel.FORM)

    with pytest.raises(InvalidInput) as refused:
        icu.close_unit("NY-IVA", clock.today() + timedelta(days=1))
    assert list(refused.value.errors) == ["closed_on"]
    closed = icu.close_unit("NY-IVA")
    assert (closed.active, closed.closed_on) == (False, clock.today())
    with pytest.raises(InvalidInput) as refused:
        icu.file_report(report("NY-IVA", adult_occupied=9), ReportChannel.FORM)
    assert list(refused.value.errors) == ["unit"]
    assert count() == 1  # its report stays
    assert "NY-IVA" not in [u.code for u in icu_queries.units()]
    assert "NY-IVA" in [u.code for u in icu_queries.units(include_closed=True)]


def test_the_crisis_levels_are_kept_as_history(acting):
    icu.set_crisis_level("01", "staff")
    icu.set_crisis_level("01", "reinforcement", "Many covid patients")
    region = icu.get_region("01")
    history = icu_queries.crisis_history(region.id)
    assert [(h.level.value, h.set_by) for h in history] == [
        ("reinforcement", "tester"),
        ("staff", "tester"),
    ]
    assert icu_queries.current_crisis_level(region.id).level.value == "reinforcement"

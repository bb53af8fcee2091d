"""The intensive-care picture's figures, computed from reports made here: free places and the
free share, the bands at their edges, the change since yesterday, carried reports, coverage and
overdue units, crisis levels."""

from datetime import UTC, datetime, timedelta

import pytest

from supplyapp import audit, clock
from supplyapp.models.intensive_care import FIGURES, ReportChannel
from supplyapp.queries import intensive_care as icu_queries
from supplyapp.queries import intensive_care as q
from supplyapp.services import icu_totals
from supplyapp.services import intensive_care as icu
from tests.conftest import frozen_at


def report(unit, days_ago=0, staffed=10, occupied=8, covid=None, **more):
    """A unit's report `days_ago` days back, at this moment of that day; jumps confirmed."""
    figures = {"adult_staffed": staffed, "adult_occupied": occupied, "adult_covid": covid, **more}
    with audit.acting_as("reporter"):
        return icu.submit_report(
            icu.ReportInput(
                unit,
                figures,
                as_of=clock.utcnow() - timedelta(days=days_ago),
                confirmed=FIGURES,
            ),
            ReportChannel.FORM,
        )


def region(data, code):
    return next(r for r in data["regions"] if r["code"] == code)


@pytest.fixture
def units(places):
    """The 82 real units; Region Stockholm (01) has 12 of them."""


def test_free_places_are_staffed_less_occupied_and_the_share_is_of_the_staffed(units):
    report("DANDERYD-IVA", staffed=10, occupied=8, covid=3)
    report("ERSTA-IVA", staffed=5, occupied=5, child_staffed=2, child_occupied=1)
    stockholm = region(q.picture(), "01")
    assert (stockholm["staffed"], stockholm["occupied"], stockholm["free"]) == (17, 14, 3)
    assert stockholm["free_share"] == pytest.approx(3 / 17)
    assert stockholm["covid"] == 3 and stockholm["covid_share"] == pytest.approx(3 / 14)
    assert stockholm["band"] == "amber"


def test_an_empty_figure_is_not_reported_never_zero(units):
    report("DANDERYD-IVA", staffed=10, occupied=None)
    stockholm = region(q.picture(), "01")
    assert stockholm["staffed"] == 10
    assert stockholm["occupied"] is None and stockholm["free"] is None
    assert stockholm["free_share"] is None and stockholm["band"] is None
    uppsala = region(q.picture(), "03")  # nobody reported there
    assert (uppsala["staffed"], uppsala["reported"], uppsala["counted"]) == (None, 0, 0)


@pytest.mark.parametrize(
    "occupied,band",
    [(91, "red"), (90, "amber"), (81, "amber"), (80, "green"), (0, "green"), (101, "red")],
)
def test_the_bands_turn_at_10_and_20_percent_free(units, occupied, band):
    report("DANDERYD-IVA", staffed=100, occupied=occupied)
    assert region(q.picture(), "01")["band"] == band


def test_the_change_since_yesterday_compares_the_days_totals(units):
    report("DANDERYD-IVA", days_ago=1, staffed=10, occupied=8)
    report("DANDERYD-IVA", days_ago=0, staffed=12, occupied=7)
    data = q.picture()
    change = region(data, "01")["change"]
    assert (change["staffed"], change["occupied"], change["free"]) == (2, -1, 3)
    assert change["free_share"] == pytest.approx(5 / 12 - 2 / 10)
    assert data["change"]["staffed"] == 2  # the nation's too


def test_a_unit_not_reported_today_is_carried_for_two_days_then_not_counted(units):
    report("DANDERYD-IVA", days_ago=2, staffed=10, occupied=8)
    report("ERSTA-IVA", days_ago=3, staffed=5, occupied=1)
    stockholm = region(q.picture(), "01")
    assert (stockholm["staffed"], stockholm["carried"], stockholm["reported"]) == (10, 1, 0)
    assert stockholm["units"] == 12 and stockholm["coverage"] == 0


def test_a_correction_counts_and_its_earlier_version_does_not(units):
    report("DANDERYD-IVA", staffed=10, occupied=8)
    report("DANDERYD-IVA", staffed=10, occupied=9)
    stockholm = region(q.picture(), "01")
    assert (stockholm["occupied"], stockholm["reported"]) == (9, 1)
    history = q.unit_history(icu.get_unit("DANDERYD-IVA").id)
    assert [(r.version, r.is_current, r.adult_occupied) for r in history] == [
        (2, True, 9),
        (1, False, 8),
    ]


def test_coverage_counts_todays_reports_of_all_active_units(units):
    report("DANDERYD-IVA")
    report("ERSTA-IVA", days_ago=1)
    data = q.picture()
    assert data["nation"]["units"] == 82
    assert data["nation"]["reported"] == 1
    assert data["nation"]["coverage"] == pytest.approx(1 / 82)


def _swedish(hour: int, minute: int = 0) -> datetime:
    local = datetime.combine(clock.today(), datetime.min.time()).replace(
        hour=hour, minute=minute, tzinfo=clock.zone()
    )
    return local.astimezone(UTC)


def test_overdue_is_no_report_today_after_10_or_none_yesterday_either(units):
    with frozen_at(_swedish(7)):
        report("ERSTA-IVA", days_ago=1)  # reported yesterday, not yet today
        report("DANDERYD-IVA")  # reported today
    for moment, expected in ((_swedish(9, 59), 82 - 2), (_swedish(10), 82 - 1)):
        with frozen_at(moment):
            data = q.picture()
            overdue = {u["unit"].code for u in q.overdue_units(limit=100)}
        assert data["nation"]["overdue"] == expected == len(overdue)
        assert "DANDERYD-IVA" not in overdue
        assert ("ERSTA-IVA" in overdue) == (moment.astimezone(clock.zone()).hour >= 10)


def test_an_overdue_unit_shows_when_it_last_reported(units):
    with frozen_at(_swedish(11)):
        stored = report("ERSTA-IVA", days_ago=3)
        listed = {u["unit"].code: u for u in q.region_units(icu.get_unit("ERSTA-IVA").region_id)}
    ersta = listed["ERSTA-IVA"]
    assert ersta["overdue"] and not ersta["counted"] and ersta["report"].id == stored.id
    assert listed["DANDERYD-IVA"]["report"] is None and listed["DANDERYD-IVA"]["overdue"]


def test_the_regions_crisis_levels_are_their_latest(units):
    with audit.acting_as("coordinator"):
        icu.set_crisis_level("01", "staff")
        icu.set_crisis_level("01", "reinforcement")
        icu.set_crisis_level("03", "normal")
    levels = {r["code"]: r["crisis_level"] for r in q.picture()["regions"]}
    assert levels["01"].level.value == "reinforcement"
    assert levels["01"].id == icu_queries.current_crisis_level(levels["01"].region_id).id
    assert levels["03"].level.value == "normal" and levels["04"] is None


def test_the_national_signal_is_a_free_share_under_20_percent(units):
    report("DANDERYD-IVA", staffed=100, occupied=80)  # 20 % free: no signal yet
    assert not q.picture()["national_signal"]
    report("K-HUDDINGE-IVA", staffed=10, occupied=10)
    data = q.picture()
    assert data["nation"]["free_share"] == pytest.approx(20 / 110)
    assert data["national_signal"]


def test_the_trend_has_each_of_eight_weeks_days_by_the_same_rule(units):
    report("DANDERYD-IVA", days_ago=10, staffed=10, occupied=8)
    report("DANDERYD-IVA", days_ago=0, staffed=12, occupied=6)
    trend = q.picture()["trend"]
    assert len(trend) == 56 and trend[-1]["day"] == clock.today()
    by_back = {(clock.today() - p["day"]).days: p for p in trend}
    assert [by_back[back]["staffed"] for back in (11, 10, 9, 8, 7, 0)] == [
        None,
        10,
        10,
        10,
        None,
        12,
    ]
    assert trend[-1]["free_share"] == q.picture()["nation"]["free_share"] == 0.5


def test_limited_and_full_units_are_counted_and_listed_with_why(units):
    with audit.acting_as("reporter"):
        for code, assessment, limits in (
            ("DANDERYD-IVA", "full", ("staff",)),
            ("ERSTA-IVA", "limited", ("staff", "ventilators")),
        ):
            icu.submit_report(
                icu.ReportInput(
                    code,
                    {"adult_staffed": 5, "adult_occupied": 5},
                    assessment=assessment,
                    limits=limits,
                ),
                ReportChannel.FORM,
            )
    data = q.picture()
    assert (data["nation"]["limited"], data["nation"]["full"]) == (1, 1)
    listed = q.limited_units()
    assert [u["unit"].code for u in listed] == ["DANDERYD-IVA", "ERSTA-IVA"]  # full first
    assert q.limit_counts(listed) == {"staff": 2, "ventilators": 1}


def test_the_day_totals_kept_on_each_report_equal_a_rebuild_from_the_reports(units):
    report("DANDERYD-IVA", days_ago=4, staffed=10, occupied=8)
    report("DANDERYD-IVA", days_ago=1, staffed=12, occupied=9)
    report("ERSTA-IVA", days_ago=2, staffed=5, occupied=1, covid=1)
    report("ERSTA-IVA", days_ago=2, staffed=5, occupied=2)  # a correction
    report("UPPSALA-CIVA", days_ago=0, staffed=7, occupied=7)
    days = [clock.today() + timedelta(days=n) for n in range(-6, 3)]
    kept = q.region_days(days)
    assert icu_totals.rebuild() == 4 + 1 + 2
    assert q.region_days(days) == kept
    stockholm = kept[clock.today() - timedelta(days=1), icu.get_unit("ERSTA-IVA").region_id]
    assert (stockholm["staffed"], stockholm["occupied"], stockholm["carried"]) == (17, 11, 1)


def test_a_units_figures_on_its_page_are_what_its_region_totals_count(units):
    report("UPPSALA-TIVA", staffed=9, occupied=7, covid=2, ecmo_places=3, ecmo_occupied=1)
    report("UPPSALA-BIVA", staffed=None, occupied=None, child_staffed=4, child_occupied=3)
    region_id = icu.get_unit("UPPSALA-TIVA").region_id
    uppsala = region(q.picture(), "03")
    listed = q.region_units(region_id)
    for name in ("staffed", "occupied", "covid", "free", "ecmo_free", "surge_24h"):
        values = [u[name] for u in listed if u[name] is not None]
        assert uppsala[name] == (sum(values) if values else None), name

"""Situation reports: stored whole or not at all; the latest per item counts; days of supply."""

from datetime import timedelta
from io import BytesIO

import pandas as pd
import pytest
from sqlalchemy import func, select

from supplyapp import clock
from supplyapp.extensions import db
from supplyapp.imports import ImportRejected
from supplyapp.models.demand import LatestReportLine, ReportLine, ReportSource, SituationReport
from supplyapp.queries import demand as demand_queries
from supplyapp.services import demand
from supplyapp.services.errors import InvalidInput, NotFound
from tests.conftest import as_user

L = demand.LineInput


def report(code="0380", as_of=None, lines=None, source=ReportSource.FORM):
    as_of = as_of or clock.today()
    lines = lines if lines is not None else [L("ffp2", 1000, 100), L("mask_iir", 500, 50)]
    with as_user("tester"):
        return demand.submit_report(code, as_of, lines, source)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def latest(code="0380", item="ffp2") -> dict:
    return {
        r["item_code"]: r
        for r in demand_queries.latest_rows(item_code=item)
        if r["org_code"] == code
    }[item]


def test_a_report_stores_its_lines_and_makes_them_the_latest(places):
    stored = report()
    assert [(line.item.code, line.stock_on_hand, line.daily_use) for line in stored.lines] == [
        ("ffp2", 1000, 100),
        ("mask_iir", 500, 50),
    ]
    assert count(LatestReportLine) == 2
    assert latest()["stock_on_hand"] == 1000


def test_a_newer_report_replaces_the_latest_and_the_history_keeps_both(places):
    report(as_of=clock.today() - timedelta(days=3))
    report(lines=[L("ffp2", 700, 90)])
    assert count(ReportLine) == 3
    assert latest()["stock_on_hand"] == 700
    assert latest()["daily_use"] == 90


def test_a_backdated_report_is_kept_but_does_not_replace_a_newer_one(places):
    report(lines=[L("ffp2", 700, 90)])
    report(as_of=clock.today() - timedelta(days=5), lines=[L("ffp2", 2000, 10)])
    assert count(ReportLine) == 2
    assert latest()["stock_on_hand"] == 700


def test_days_of_supply_count_from_today_and_give_the_run_out_date(places):
    report(as_of=clock.today() - timedelta(days=2), lines=[L("ffp2", 1000, 100)])
    row = latest()
    assert row["stock_today"] == 800
    assert row["days_left"] == pytest.approx(8.0)
    assert row["run_out"] == clock.today() - timedelta(days=2) + timedelta(days=10)
    assert row["stale"] is False


def test_an_item_with_no_use_has_no_days_of_supply(places):
    report(lines=[L("ffp2", 1000, 0)])
    assert latest()["days_left"] is None
    assert latest()["run_out"] is None


def test_a_report_older_than_the_set_days_is_stale(places, app):
    report(as_of=clock.today() - timedelta(days=app.config["REPORT_STALE_DAYS"] + 1))
    assert latest()["stale"] is True


@pytest.mark.parametrize(
    "lines,as_of,field",  # as_of: days from today, or a value as given
    [
        ([L("ffp2", -1, 10)], timedelta(0), "ffp2__stock_on_hand"),
        ([L("ffp2", 10, -1)], timedelta(0), "ffp2__daily_use"),
        ([L("nonsense", 10, 1)], timedelta(0), "line_2"),
        ([L("ffp2", "ten", 1)], timedelta(0), "ffp2__stock_on_hand"),
        ([L("ffp2", 1.5, 1)], timedelta(0), "ffp2__stock_on_hand"),
        ([L("ffp2", True, 1)], timedelta(0), "ffp2__stock_on_hand"),
        ([L("ffp2", 10**12, 1)], timedelta(0), "ffp2__stock_on_hand"),
        ([L("ffp2", 1, 1), L("ffp2", 2, 2)], timedelta(0), "line_3"),
        ([L("ffp2", 1, 1)], timedelta(days=1), "as_of"),
        ([L("ffp2", 1, 1)], timedelta(days=-400), "as_of"),
        ([L("ffp2", 1, 1)], "2026-01-01", "as_of"),
        (None, timedelta(0), "lines"),
    ],
)
def test_a_malformed_report_is_refused_with_a_message_and_nothing_is_stored(
    places, lines, as_of, field
):
    # A good line first: one bad line refuses the whole report.
    given = [] if lines is None else [L("mask_iir", 5, 1), *lines]
    if isinstance(as_of, timedelta):
        as_of = clock.today() + as_of
    with pytest.raises(InvalidInput) as refused, as_user("tester"):
        demand.submit_report("0380", as_of, given, ReportSource.API)
    assert field in refused.value.errors
    assert count(SituationReport) == count(ReportLine) == count(LatestReportLine) == 0


def test_a_county_board_cannot_report_stock_of_its_own(places):
    with pytest.raises(NotFound):
        report(code="LST-03")


def _csv(text: str) -> bytes:
    return text.encode()


def test_a_csv_upload_with_semicolons_is_a_report(places):
    with as_user("tester"):
        stored = demand.import_report(
            "0380",
            clock.today(),
            _csv("item;stock_on_hand;daily_use\nffp2;1 200;30\nhand_rub;40;2\n"),
            "lager.csv",
        )
    assert stored.source == ReportSource.UPLOAD
    assert {line.item.code: line.stock_on_hand for line in stored.lines} == {
        "ffp2": 1200,
        "hand_rub": 40,
    }


def test_an_excel_upload_is_a_report(places):
    buffer = BytesIO()
    pd.DataFrame({"item": ["visor"], "stock_on_hand": [30], "daily_use": [3]}).to_excel(
        buffer, index=False
    )
    with as_user("tester"):
        stored = demand.import_report("0380", clock.today(), buffer.getvalue(), "lager.xlsx")
    assert stored.lines[0].stock_on_hand == 30


@pytest.mark.parametrize(
    "content,reason",
    [
        ("item,stock_on_hand,daily_use\nffp2,-5,1\n", "-5 must be zero or more"),
        ("item,stock_on_hand,daily_use\nfoo,5,1\n", "unknown item code"),
        ("item,stock_on_hand,daily_use\nffp2,many,1\n", "not a whole number"),
        ("item,stock\nffp2,5\n", "missing"),
        ("", "empty"),
    ],
)
def test_a_bad_file_is_refused_row_by_row_and_nothing_is_stored(places, content, reason):
    with pytest.raises(ImportRejected) as refused, as_user("tester"):
        demand.import_report("0380", clock.today(), _csv(content), "lager.csv")
    assert reason in str(refused.value)
    assert count(SituationReport) == 0


def test_a_huge_file_is_refused_before_it_is_read(places, app):
    huge = b"item,stock_on_hand,daily_use\n" + b"ffp2,1,1\n" * 200_000
    assert len(huge) > app.config["REPORT_UPLOAD_MAX_BYTES"]
    with pytest.raises(ImportRejected, match="larger than"), as_user("tester"):
        demand.import_report("0380", clock.today(), huge, "lager.csv")
    assert count(SituationReport) == 0


def test_a_file_dated_in_the_future_is_refused(places):
    with pytest.raises(InvalidInput) as refused, as_user("t"):
        demand.import_report(
            "0380",
            clock.today() + timedelta(days=2),
            _csv("item,stock_on_hand,daily_use\nffp2,5,1\n"),
            "a.csv",
        )
    assert "as_of" in refused.value.errors
    assert count(SituationReport) == 0


def test_the_national_summary_adds_up_regions_and_municipalities(places):
    report(code="0380", lines=[L("ffp2", 100, 20)])  # 5 days: below 7
    report(code="01", lines=[L("ffp2", 1000, 100)])  # 10 days: below 14
    summary = {
        r["item"].code: r
        for r in demand_queries.item_summary(
            demand_queries.latest_rows(),
            {"ffp2": {"available": 5, "quarantined": 0, "reserved": 0, "incoming": 7}},
        )
    }
    ffp2 = summary["ffp2"]
    assert ffp2["held"] == {"region": 1000, "municipality": 100, "care_provider": 0}
    assert ffp2["days_total"] == pytest.approx(1100 / 120)
    assert (ffp2["below_7"], ffp2["below_14"]) == (1, 2)
    assert (ffp2["national_available"], ffp2["national_incoming"]) == (5, 7)
    counties = demand_queries.county_summary(demand_queries.latest_rows(), "ffp2")
    assert counties["03"]["days"] == pytest.approx(5.0)
    assert counties["25"]["days"] is None


def test_the_trend_carries_a_weekly_report_forward_until_it_is_stale(places):
    report(as_of=clock.today() - timedelta(days=10), lines=[L("ffp2", 1000, 10)])
    points = demand_queries.trend("ffp2", weeks=3)
    assert [p["reporters"] for p in points] == [0, 1, 0]
    assert points[1]["held"] == 1000 - 10 * 3


def test_the_latest_line_tells_its_source(places):
    report(source=ReportSource.UPLOAD)
    assert latest()["source"] == "upload"

"""The app's one clock: Sweden's day, UTC instants, and times shown in Swedish time."""

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from flask import has_app_context

from supplyapp import clock, create_app
from supplyapp.config import Config, ConfigError
from supplyapp.exports import local_times
from supplyapp.formatting import audit_value, date_time, short_date
from tests.conftest import FastHashConfig, frozen_at

STOCKHOLM = ZoneInfo("Europe/Stockholm")
WINTER_NIGHT = datetime(2026, 12, 1, 0, 30, tzinfo=STOCKHOLM)  # 23:30 UTC on 30 November
SUMMER_NIGHT = datetime(2026, 7, 1, 1, 30, tzinfo=STOCKHOLM)  # 23:30 UTC on 30 June


@pytest.mark.parametrize("moment", [WINTER_NIGHT, SUMMER_NIGHT], ids=["CET", "CEST"])
def test_after_midnight_in_stockholm_today_is_swedens_day_not_utcs(app_context, moment):
    with frozen_at(moment):
        assert clock.today() == moment.date()
        assert clock.utcnow().date() == moment.date() - timedelta(days=1)
        assert date.today() == moment.date() - timedelta(days=1)  # the server's own, in UTC
        assert clock.utcnow().tzinfo is UTC
        assert clock.now_local() == moment and clock.now_local().tzinfo.key == "Europe/Stockholm"


def test_one_second_before_midnight_both_agree_on_the_day(app_context):
    with frozen_at(datetime(2026, 11, 30, 23, 59, 59, tzinfo=STOCKHOLM)):
        assert clock.today() == clock.utcnow().date() == date(2026, 11, 30)


def test_stored_times_are_read_as_utc_and_shown_in_swedish_time(app_context):
    stored = datetime(2026, 11, 30, 23, 30)  # SQLite gives back a naive UTC time
    assert clock.utc(stored) == datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    assert clock.local(stored) == WINTER_NIGHT
    plus_one = timezone(timedelta(hours=1))  # PostgreSQL gives the session's zone
    assert clock.local(datetime(2026, 12, 1, 0, 30, tzinfo=plus_one)) == WINTER_NIGHT
    assert clock.local_day(stored) == date(2026, 12, 1)


def test_the_zone_is_configured_and_an_unknown_one_stops_the_app(tmp_path):
    utc_app = create_app(FastHashConfig, TIMEZONE="UTC", INSTANCE_PATH=str(tmp_path))
    assert utc_app.config["BABEL_DEFAULT_TIMEZONE"] == "UTC"
    with utc_app.app_context(), frozen_at(WINTER_NIGHT):
        assert clock.today() == date(2026, 11, 30)
    with pytest.raises(ConfigError, match="TIMEZONE"):
        create_app(FastHashConfig, TIMEZONE="Europe/Stokholm", INSTANCE_PATH=str(tmp_path))


def test_outside_an_app_the_clock_uses_the_zone_the_environment_names():
    assert not has_app_context()
    assert clock.zone().key == Config.TIMEZONE  # TIMEZONE, else Europe/Stockholm


def test_pages_show_times_in_swedish_time(app):
    stored = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    with app.test_request_context():
        assert date_time(stored) == "2026-12-01 00:30"
        assert date_time(stored.replace(tzinfo=None)) == "2026-12-01 00:30"
        assert short_date(stored) == "2026-12-01"
        assert date_time(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "2026-07-01 01:30"


def test_the_audit_log_shows_seconds_and_whether_it_is_summer_time(app):
    with app.test_request_context():
        assert date_time(datetime(2026, 11, 30, 23, 0, 1), seconds=True) == (
            "2026-12-01 00:00:01 CET"
        )
        assert audit_value("2026-06-30T22:00:01.250000+00:00") == "2026-07-01 00:00:01 CEST"
        assert audit_value("2026-06-30") == "2026-06-30"  # a day stays a day
        assert audit_value("LOT-2026-06-30T1") == "LOT-2026-06-30T1"
        assert audit_value(42) == 42


def test_downloads_give_swedish_time_without_a_zone(app_context):
    frame = pd.DataFrame(
        {
            "aware": pd.to_datetime([datetime(2026, 11, 30, 23, 30, tzinfo=UTC), None], utc=True),
            "naive": [datetime(2026, 6, 30, 23, 30), None],
            "mixed_offsets": [
                datetime(2026, 12, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))),
                datetime(2026, 7, 1, 1, 30, tzinfo=timezone(timedelta(hours=2))),
            ],
            "day": [date(2026, 12, 1), date(2026, 12, 2)],
            "text": ["a", "b"],
        }
    )
    local = local_times(frame)
    assert local["aware"][0] == pd.Timestamp("2026-12-01 00:30") and pd.isna(local["aware"][1])
    assert local["naive"][0] == pd.Timestamp("2026-07-01 01:30")
    assert list(local["mixed_offsets"]) == [
        pd.Timestamp("2026-12-01 00:30"),
        pd.Timestamp("2026-07-01 01:30"),
    ]
    assert all(local[c].dt.tz is None for c in ("aware", "naive", "mixed_offsets"))
    assert list(local["day"]) == [date(2026, 12, 1), date(2026, 12, 2)]
    assert list(local["text"]) == ["a", "b"]

"""The app's one clock: instants in UTC, days in Sweden.

Times are stored in UTC (`utcnow`). A day (a report's as-of, a delivery, an expiry, a needed-by)
is a day in the configured zone, `TIMEZONE` (Europe/Stockholm by default): at 00:30 in
Stockholm it is already tomorrow, while UTC still says today. Nothing else in the app reads the
system clock, so the tests can freeze this one and run the rules at any hour.
"""

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask, current_app, has_app_context

from supplyapp.config import DEFAULT_TIMEZONE, Config, ConfigError


def init_app(app: Flask) -> None:
    """Check the configured zone (the app refuses an unknown one) and let Babel use it."""
    name = app.config.get("TIMEZONE") or DEFAULT_TIMEZONE
    try:
        _zone(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError(
            f"TIMEZONE must name a time zone such as {DEFAULT_TIMEZONE}, not {name!r}"
        ) from error
    app.config["TIMEZONE"] = name
    app.config["BABEL_DEFAULT_TIMEZONE"] = name


def zone() -> ZoneInfo:
    """The app's zone; outside an app (scripts, benchmarks) the one the environment names."""
    name = current_app.config.get("TIMEZONE") if has_app_context() else Config.TIMEZONE
    return _zone(name or DEFAULT_TIMEZONE)


@lru_cache(maxsize=4)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def utcnow() -> datetime:
    """Now, as an aware UTC datetime: what the database stores."""
    return datetime.now(UTC)


def now_local() -> datetime:
    """Now, as an aware datetime in the app's zone."""
    return utcnow().astimezone(zone())


def today() -> date:
    """Today in the app's zone: the day every date rule counts from."""
    return now_local().date()


def utc(value: datetime) -> datetime:
    """A stored instant as an aware UTC datetime. Naive values are UTC (SQLite keeps no zone)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def local(value: datetime) -> datetime:
    """A stored instant in the app's zone, as people in Sweden read it."""
    return utc(value).astimezone(zone())


def local_day(value: datetime) -> date:
    """The day in the app's zone on which a stored instant fell."""
    return local(value).date()

"""Jinja filters: numbers, dates and times in the user's language (Swedish format by default).

Times are stored in UTC and shown in the app's zone (Swedish time, supplyapp/clock.py).
"""

import re
from datetime import date, datetime
from functools import lru_cache

from babel.numbers import get_group_symbol
from flask_babel import format_date, format_datetime, format_decimal, get_locale

from supplyapp import clock

_STORED_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def number(value, decimals: int = 0) -> str:
    if value is None:
        return "–"
    if decimals == 0 and type(value) is int:
        # Whole numbers are most of what pages show; Babel's general path costs ~0.1 ms each,
        # which adds up on the situation picture. Same output: the locale's group separator.
        return f"{value:,}".replace(",", _group_symbol(str(get_locale())))
    pattern = "#,##0" if decimals == 0 else "#,##0." + "0" * decimals
    return format_decimal(value, format=pattern)


@lru_cache(maxsize=8)
def _group_symbol(locale: str) -> str:
    return get_group_symbol(locale)


def short_date(value: date | datetime | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = clock.local_day(value)
    return format_date(value, format="yyyy-MM-dd")


def date_time(value: datetime | None, seconds: bool = False) -> str:
    """A stored time in Swedish time; with seconds, also the zone (CET or CEST), as the audit
    log shows it: exact, and unambiguous in the hour that repeats when summer time ends."""
    if value is None:
        return "–"
    if seconds:
        return clock.local(value).strftime("%Y-%m-%d %H:%M:%S %Z")
    return format_datetime(clock.local(value), format="yyyy-MM-dd HH:mm", rebase=False)


def audit_value(value):
    """A value of an audit row's before or after: a stored time (ISO text) in Swedish time."""
    if isinstance(value, str) and _STORED_TIME.match(value):
        try:
            return date_time(datetime.fromisoformat(value), seconds=True)
        except ValueError:
            return value
    return value

"""Jinja filters: numbers, dates and times in the user's language (Swedish format by default)."""

from datetime import date, datetime
from functools import lru_cache

from babel.numbers import get_group_symbol
from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, get_locale


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
    return format_date(value, format="yyyy-MM-dd")


def date_time(value: datetime | None) -> str:
    if value is None:
        return "–"
    return format_datetime(value, format="yyyy-MM-dd HH:mm")


def register(app: Flask) -> None:
    from supplyapp.web import labels

    app.jinja_env.add_extension("jinja2.ext.do")
    app.add_template_global(labels.role_label, "role_label")
    app.add_template_global(labels.role_description, "role_description")
    app.add_template_global(labels.kind_label, "kind_label")
    app.add_template_filter(labels.supply_status, "supply_status")
    app.add_template_filter(number, "number")
    app.add_template_filter(short_date, "date")
    app.add_template_filter(date_time, "datetime")

    @app.context_processor
    def inject_locale():
        return {"current_locale": str(get_locale())}

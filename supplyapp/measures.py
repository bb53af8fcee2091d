"""The measures the whole app uses, written once: stock left today and days of supply."""

from datetime import date, timedelta


def stock_today(stock_on_hand: int, daily_use: int, as_of: date, today: date) -> int:
    """What is left today of the stock reported on as_of, at the reported daily use."""
    age = max((today - as_of).days, 0)
    return max(0, stock_on_hand - daily_use * age)


def days_of_supply(stock: int | float, daily_use: int | float) -> float | None:
    """How many days the stock lasts at this use; None when the use is unknown (zero)."""
    return stock / daily_use if daily_use else None


def run_out_date(stock_on_hand: int, daily_use: int, as_of: date) -> date | None:
    """The day the reported stock runs out at the reported use."""
    return as_of + timedelta(days=stock_on_hand // daily_use) if daily_use else None

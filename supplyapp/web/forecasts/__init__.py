"""Forecasts and scenarios: officers define and run scenarios and compare them; national roles
read them."""

from supplyapp.web.forecasts.routes import bp

__all__ = ["bp"]

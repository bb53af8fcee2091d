"""Demand: situation reports, shortage requests, county coordination, API tokens."""

from supplyapp.web.demand import county, routes, tokens  # noqa: F401  (each adds its routes)
from supplyapp.web.demand.blueprint import bp

__all__ = ["bp"]

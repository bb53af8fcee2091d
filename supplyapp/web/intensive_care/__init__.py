"""Intensive care: the national picture of ICU places, units' daily reports, crisis levels."""

from supplyapp.web.intensive_care import picture, reports  # noqa: F401  (each adds its routes)
from supplyapp.web.intensive_care.blueprint import bp

__all__ = ["bp"]

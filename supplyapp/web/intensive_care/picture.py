"""The national intensive-care picture: nationally, per region, per unit, over time."""

from supplyapp.web.intensive_care.blueprint import bp  # noqa: F401

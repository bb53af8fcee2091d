"""Units' daily reports (form, upload), regions' crisis levels, and the units' admin pages."""

from supplyapp.web.intensive_care.blueprint import bp  # noqa: F401

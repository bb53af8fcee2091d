"""What the admin pages show and edit for each kind of reference record."""

from dataclasses import dataclass

from supplyapp.i18n import lazy as _l
from supplyapp.web.admin import forms


@dataclass(frozen=True)
class Entity:
    name: str  # the URL segment and the services' name
    title: object
    form: type
    columns: tuple[tuple[str, object], ...]
    creatable: bool = True


ENTITIES = {
    e.name: e
    for e in (
        Entity(
            "items",
            _l("Item catalogue"),
            forms.record_form("items"),
            (
                ("code", _l("Code")),
                ("name_sv", _l("Name in Swedish")),
                ("name_en", _l("Name in English")),
                ("unit", _l("Unit")),
                ("pack_size", _l("Pack size")),
                ("standard", _l("Standard")),
                ("shelf_life_months", _l("Shelf life (months)")),
                ("national_reserve", _l("National reserve")),
                ("per_icu_patient_day", _l("Per ICU patient-day")),
                ("active", _l("Active")),
            ),
        ),
        Entity(
            "suppliers",
            _l("Suppliers"),
            forms.record_form("suppliers"),
            (
                ("code", _l("Code")),
                ("name", _l("Name")),
                ("kind", _l("Kind")),
                ("country", _l("Country")),
                ("org_number", _l("Organisation number")),
                ("active", _l("Active")),
            ),
        ),
        Entity(
            "warehouses",
            _l("National warehouses"),
            forms.record_form("warehouses"),
            (
                ("code", _l("Code")),
                ("name", _l("Name")),
                ("municipality_code", _l("Municipality code")),
                ("address", _l("Address")),
                ("active", _l("Active")),
            ),
        ),
        Entity(
            "organisations",
            _l("Organisations"),
            forms.record_form("organisations"),
            (
                ("code", _l("Code")),
                ("name", _l("Name")),
                ("kind", _l("Kind")),
                ("county_code", _l("County")),
                ("population", _l("Population")),
                ("is_private", _l("Privately run")),
                ("active", _l("Active")),
            ),
        ),
        Entity(
            "counties",
            _l("Counties"),
            forms.record_form("counties"),
            (
                ("code", _l("Code")),
                ("name", _l("Name")),
                ("capital", _l("Seat")),
                ("reloading_point", _l("Reloading point")),
                ("deliver_via_reloading_point", _l("Via reloading point")),
            ),
            creatable=False,
        ),
    )
}

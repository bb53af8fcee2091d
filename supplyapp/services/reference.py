"""Reference data: items, suppliers, warehouses, organisations, counties. Create and edit."""

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from supplyapp.extensions import db
from supplyapp.i18n import _
from supplyapp.models import County, Item, Organisation, OrganisationKind, Supplier, Warehouse
from supplyapp.services.errors import InvalidInput, NotFound
from supplyapp.services.reference_fields import check_values, defaults
from supplyapp.services.transaction import use_case

MODELS: dict[str, type[Item | Supplier | Warehouse | Organisation | County]] = {
    "items": Item,
    "suppliers": Supplier,
    "warehouses": Warehouse,
    "organisations": Organisation,
    "counties": County,
}
# Counties are fixed by law: their codes and names are not created here, only edited.
CREATABLE = {"items", "suppliers", "warehouses", "organisations"}


def get_record(entity: str, code: str):
    record = db.session.scalar(select(MODELS[entity]).where(MODELS[entity].code == code))
    if record is None:
        raise NotFound(_("No record with code %(code)s.", code=code))
    return record


@use_case
def save_record(entity: str, values: dict, code: str | None = None):
    """Create (code None) or update the record; every value is checked against its field's
    rule (reference_fields.py) and the cross-field and database rules below."""
    model = MODELS[entity]
    creating = code is None
    values = check_values(entity, {**(defaults(entity) if creating else {}), **values}, creating)
    if code is None:
        if entity not in CREATABLE:
            raise InvalidInput({"code": _("New records of this kind cannot be created.")})
        _check_new_code(model, values.get("code", ""))
        record = model()
    else:
        record = get_record(entity, code)
        values.pop("code", None)  # codes are what other systems refer to: never changed
    _CHECKS.get(entity, lambda v, r: None)(values, record)
    for field, value in values.items():
        setattr(record, field, value)
    db.session.add(record)
    return record


def _check_new_code(model, code: str) -> None:
    if db.session.scalar(select(model.code).where(model.code == code)) is not None:
        raise InvalidInput({"code": _("The code %(code)s is already used.", code=code)})


def _check_organisation(values: dict, record: Organisation) -> None:
    county = values.get("county_code", record.county_code)
    if db.session.get(County, county) is None:
        raise InvalidInput({"county_code": _("Unknown county code %(code)s.", code=county)})
    kind = OrganisationKind(values.get("kind", record.kind))
    code = values.get("code", record.code)
    if kind == OrganisationKind.REGION and code != county:
        raise InvalidInput(
            {"code": _("A region's code is its county code (%(code)s).", code=county)}
        )
    if kind == OrganisationKind.MUNICIPALITY and not re.fullmatch(rf"{county}\d\d", code or ""):
        raise InvalidInput(
            {
                "code": _(
                    "A municipality's code is four digits starting with its "
                    "county code (%(code)s).",
                    code=county,
                )
            }
        )


def _check_warehouse(values: dict, record: Warehouse) -> None:
    code = values.get("municipality_code")
    if (
        code
        and db.session.scalar(
            select(Organisation.id).where(
                Organisation.code == code, Organisation.kind == OrganisationKind.MUNICIPALITY
            )
        )
        is None
    ):
        raise InvalidInput(
            {"municipality_code": _("Unknown municipality code %(code)s.", code=code)}
        )


_CHECKS: dict[str, Callable[[dict, Any], None]] = {
    "organisations": _check_organisation,
    "warehouses": _check_warehouse,
}

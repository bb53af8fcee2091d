"""The fields of each kind of reference record and their rules, written once.

The admin pages build their forms from these (labels, choices, which fields are required), the
command line parses `field=value` text by them, and `reference.save_record` checks every value
against them, so a page and `flask ref add` refuse the same input with the same message.
"""

import re
from dataclasses import dataclass

from supplyapp.i18n import _
from supplyapp.i18n import lazy as _l
from supplyapp.models import OrganisationKind
from supplyapp.models.catalog import SupplierKind
from supplyapp.services.errors import InvalidInput
from supplyapp.validation import MAX_QUANTITY


@dataclass(frozen=True)
class Field:
    name: str
    label: object
    kind: str = "text"  # text, int, float, bool, choice, email
    required: bool = False
    min_length: int = 0
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    hint: object = None  # what the pattern asks for, in words
    choices: tuple[tuple[str, object], ...] = ()
    default: object = None
    upper: bool = False


def _code(hint, pattern: str = r"^[A-Z0-9-]+$", max_length: int = 20) -> Field:
    return Field(
        "code", _l("Code"), required=True, max_length=max_length, pattern=pattern, hint=hint
    )


CAPITALS = _l("Capital letters, digits and - only.")
TWO_DIGITS = _l("Two digits, e.g. 01.")
LAT = Field("lat", _l("Latitude"), "float", minimum=54.0, maximum=70.0)  # Sweden, with a margin
LON = Field("lon", _l("Longitude"), "float", minimum=10.0, maximum=25.0)
ACTIVE = Field("active", _l("Active"), "bool", default=True)

FIELDS: dict[str, tuple[Field, ...]] = {
    "items": (
        _code(_l("Lower-case letters, digits and _ only."), r"^[a-z0-9_]+$", 30),
        Field("name_sv", _l("Name in Swedish"), required=True, max_length=120),
        Field("name_en", _l("Name in English"), required=True, max_length=120),
        Field(
            "unit",
            _l("Unit"),
            "choice",
            required=True,
            choices=(
                ("st", _l("piece (st)")),
                ("par", _l("pair (par)")),
                ("l", _l("litre (l)")),
                ("förp", _l("pack (förp)")),
            ),
        ),
        Field("pack_size", _l("Pack size"), "int", required=True, minimum=1, maximum=100_000),
        Field("standard", _l("Standard"), max_length=120),
        Field("shelf_life_months", _l("Shelf life (months)"), "int", minimum=1, maximum=600),
        Field(
            "national_reserve",
            _l("National reserve (units no allocation may touch)"),
            "int",
            required=True,
            minimum=0,
            maximum=MAX_QUANTITY,
            default=0,
        ),
        Field(
            "per_icu_patient_day",
            _l("Units per intensive-care patient-day"),
            "float",
            required=True,
            minimum=0,
            maximum=1000,
            default=0,
        ),
        ACTIVE,
    ),
    "suppliers": (
        _code(CAPITALS),
        Field("name", _l("Name"), required=True, max_length=120),
        Field(
            "kind",
            _l("Kind"),
            "choice",
            required=True,
            choices=(
                (SupplierKind.MARKET.value, _l("Open-market seller")),
                (SupplierKind.DOMESTIC_PRODUCER.value, _l("Domestic producer")),
                (SupplierKind.EU.value, _l("EU joint procurement / rescEU")),
                (SupplierKind.DONOR.value, _l("Donor")),
            ),
        ),
        Field("org_number", _l("Organisation number"), max_length=20),
        Field(
            "country",
            _l("Country (ISO code)"),
            required=True,
            min_length=2,
            max_length=2,
            default="SE",
            upper=True,
        ),
        Field("contact_email", _l("Contact e-mail"), "email", max_length=120),
        ACTIVE,
    ),
    "warehouses": (
        _code(CAPITALS),
        Field("name", _l("Name"), required=True, max_length=120),
        Field("municipality_code", _l("Municipality code"), max_length=4),
        Field("address", _l("Address"), max_length=200),
        Field(**{**LAT.__dict__, "required": True}),
        Field(**{**LON.__dict__, "required": True}),
        ACTIVE,
    ),
    "organisations": (
        _code(_l("Digits, capital letters and - only (municipalities: 4 digits).")),
        Field(
            "kind",
            _l("Kind"),
            "choice",
            required=True,
            choices=(
                (OrganisationKind.REGION.value, _l("Region")),
                (OrganisationKind.MUNICIPALITY.value, _l("Municipality")),
                (OrganisationKind.CARE_PROVIDER.value, _l("Care provider")),
                (OrganisationKind.COUNTY_BOARD.value, _l("County administrative board")),
            ),
        ),
        Field("name", _l("Name"), required=True, max_length=120),
        Field(
            "county_code",
            _l("County code"),
            required=True,
            max_length=2,
            pattern=r"^\d\d$",
            hint=TWO_DIGITS,
        ),
        Field("population", _l("Population"), "int", minimum=0, maximum=20_000_000),
        LAT,
        LON,
        Field("is_private", _l("Privately run"), "bool", default=False),
        ACTIVE,
    ),
    "counties": (
        _code(TWO_DIGITS, r"^\d\d$", 2),
        Field("name", _l("Name"), required=True, max_length=80),
        Field("name_short", _l("Short name"), required=True, max_length=40),
        Field("capital", _l("Seat of the county board"), required=True, max_length=40),
        Field(**{**LAT.__dict__, "required": True}),
        Field(**{**LON.__dict__, "required": True}),
        Field("reloading_point", _l("Reloading point"), max_length=120),
        Field(
            "deliver_via_reloading_point",
            _l("National shipments go to the reloading point (else straight to each organisation)"),
            "bool",
            default=True,
        ),
    ),
}

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TRUE_WORDS = {"1", "true", "yes", "ja", "j", "y", "x", "on"}
FALSE_WORDS = {"0", "false", "no", "nej", "n", "off", ""}


def fields_of(entity: str) -> dict[str, Field]:
    return {field.name: field for field in FIELDS[entity]}


def check_values(entity: str, values: dict, creating: bool) -> dict:
    """The values cleaned (stripped, blank as None, upper-cased where asked), or InvalidInput
    naming every field that breaks its rule. Creating, a required field must be there."""
    fields = fields_of(entity)
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise InvalidInput({name: _("There is no such field.") for name in unknown})
    cleaned, errors = {}, {}
    for field in fields.values():
        if field.name not in values:
            if creating and field.required and field.default is None:
                errors[field.name] = _("A value is required.")
            continue
        value, error = clean_value(field, values[field.name])
        if error:
            errors[field.name] = error
        cleaned[field.name] = value
    if errors:
        raise InvalidInput(errors)
    return cleaned


def defaults(entity: str) -> dict:
    return {f.name: f.default for f in FIELDS[entity] if f.default is not None}


def clean_value(field: Field, value) -> tuple[object, str | None]:
    """The value cleaned by its field's rule, and what is wrong with it (None if nothing)."""
    if isinstance(value, str):
        value = value.strip().upper() if field.upper else value.strip()
    if value is None or value == "":
        return None, (_("A value is required.") if field.required else None)
    if field.kind in ("int", "float"):
        return value, _number_error(field, value)
    if field.kind == "bool":
        return value, None if isinstance(value, bool) else _("Yes or no.")
    if field.kind == "choice" and value not in {code for code, _label in field.choices}:
        return value, _("Choose one of: %(codes)s.", codes=", ".join(c for c, _l in field.choices))
    return value, _text_error(field, str(value))


def _number_error(field: Field, value) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _("Give a number.")
    if field.kind == "int" and not isinstance(value, int):
        return _("Give a whole number.")
    low = field.minimum if field.minimum is not None else float("-inf")
    high = field.maximum if field.maximum is not None else float("inf")
    if not low <= value <= high:
        low_text, high_text = format(low, "g"), format(high, "g")
        return _("From %(low)s to %(high)s.", low=low_text, high=high_text)
    return None


def _text_error(field: Field, text: str) -> str | None:
    if field.max_length is not None and len(text) > field.max_length:
        return _("At most %(n)s characters.", n=field.max_length)
    if len(text) < field.min_length:
        return _("At least %(n)s characters.", n=field.min_length)
    if field.pattern and not re.match(field.pattern, text):
        return str(field.hint)
    if field.kind == "email" and not EMAIL.match(text):
        return _("Give an e-mail address, such as name@example.se.")
    return None


def parse_text(entity: str, values: dict[str, str]) -> dict:
    """Values given as text (the command line) turned into their kinds; InvalidInput if not."""
    fields, parsed, errors = fields_of(entity), {}, {}
    for name, text in values.items():
        field = fields.get(name)
        if field is None:
            errors[name] = _("There is no such field.")
            continue
        try:
            parsed[name] = _parse(field, text.strip())
        except ValueError:
            errors[name] = _("Give a number.") if field.kind != "bool" else _("Yes or no.")
    if errors:
        raise InvalidInput(errors)
    return parsed


def _parse(field: Field, text: str):
    if text == "" and field.kind != "bool":
        return None
    if field.kind == "int":
        return int(text)
    if field.kind == "float":
        return float(text.replace(",", "."))
    if field.kind == "bool":
        if text.lower() in TRUE_WORDS:
            return True
        if text.lower() in FALSE_WORDS:
            return False
        raise ValueError(text)
    return text

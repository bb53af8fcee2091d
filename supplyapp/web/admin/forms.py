"""Admin forms: reference data and users. Types and lengths here; database checks in services."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FloatField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from supplyapp.i18n import lazy as _l
from supplyapp.models import OrganisationKind, Role
from supplyapp.models.catalog import SupplierKind
from supplyapp.web.forms import Range, code_field, optional_text, quantity_range

# Sweden lies within these, with a margin.
LAT_RANGE = Range(min=54.0, max=70.0, message=_l("Latitude in Sweden: 54 to 70."))
LON_RANGE = Range(min=10.0, max=25.0, message=_l("Longitude in Sweden: 10 to 25."))

UNITS = [
    SelectChoice("st", _l("piece (st)")),
    SelectChoice("par", _l("pair (par)")),
    SelectChoice("l", _l("litre (l)")),
    SelectChoice("förp", _l("pack (förp)")),
]


def required_text(label, max_length: int) -> StringField:
    return StringField(
        label,
        validators=[DataRequired(), Length(max=max_length)],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )


class ItemForm(FlaskForm):
    code = code_field(
        _l("Code"), r"^[a-z0-9_]+$", _l("Lower-case letters, digits and _ only."), max_length=30
    )
    name_sv = required_text(_l("Name in Swedish"), 120)
    name_en = required_text(_l("Name in English"), 120)
    unit = SelectField(_l("Unit"), choices=UNITS, validators=[DataRequired()])
    pack_size = IntegerField(
        _l("Pack size"), validators=[InputRequired(), Range(min=1, max=100000)]
    )
    standard = optional_text(_l("Standard"), 120)
    shelf_life_months = IntegerField(
        _l("Shelf life (months)"), validators=[Optional(), Range(min=1, max=600)]
    )
    national_reserve = IntegerField(
        _l("National reserve (units no allocation may touch)"),
        default=0,
        validators=[InputRequired(), quantity_range()],
    )
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class SupplierForm(FlaskForm):
    code = code_field(_l("Code"), r"^[A-Z0-9-]+$", _l("Capital letters, digits and - only."))
    name = required_text(_l("Name"), 120)
    kind = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice(SupplierKind.MARKET.value, _l("Open-market seller")),
            SelectChoice(SupplierKind.DOMESTIC_PRODUCER.value, _l("Domestic producer")),
            SelectChoice(SupplierKind.EU.value, _l("EU joint procurement / rescEU")),
            SelectChoice(SupplierKind.DONOR.value, _l("Donor")),
        ],
    )
    org_number = optional_text(_l("Organisation number"), 20)
    country = StringField(
        _l("Country (ISO code)"),
        default="SE",
        validators=[DataRequired(), Length(min=2, max=2)],
        filters=[lambda v: v.strip().upper() if v else v],
    )
    contact_email = EmailField(
        _l("Contact e-mail"), validators=[Optional(), Email(), Length(max=120)]
    )
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class WarehouseForm(FlaskForm):
    code = code_field(_l("Code"), r"^[A-Z0-9-]+$", _l("Capital letters, digits and - only."))
    name = required_text(_l("Name"), 120)
    municipality_code = optional_text(_l("Municipality code"), 4)
    address = optional_text(_l("Address"), 200)
    lat = FloatField(_l("Latitude"), validators=[InputRequired(), LAT_RANGE])
    lon = FloatField(_l("Longitude"), validators=[InputRequired(), LON_RANGE])
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class OrganisationForm(FlaskForm):
    code = code_field(
        _l("Code"),
        r"^[A-Z0-9-]+$",
        _l("Digits, capital letters and - only (municipalities: 4 digits)."),
    )
    kind = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice(OrganisationKind.REGION.value, _l("Region")),
            SelectChoice(OrganisationKind.MUNICIPALITY.value, _l("Municipality")),
            SelectChoice(OrganisationKind.CARE_PROVIDER.value, _l("Care provider")),
            SelectChoice(OrganisationKind.COUNTY_BOARD.value, _l("County administrative board")),
        ],
    )
    name = required_text(_l("Name"), 120)
    county_code = code_field(_l("County code"), r"^\d\d$", _l("Two digits, e.g. 01."), 2)
    population = IntegerField(
        _l("Population"), validators=[Optional(), Range(min=0, max=20_000_000)]
    )
    lat = FloatField(_l("Latitude"), validators=[Optional(), LAT_RANGE])
    lon = FloatField(_l("Longitude"), validators=[Optional(), LON_RANGE])
    is_private = BooleanField(_l("Privately run"))
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class CountyForm(FlaskForm):
    code = code_field(_l("Code"), r"^\d\d$", _l("Two digits, e.g. 01."), 2)
    name = required_text(_l("Name"), 80)
    name_short = required_text(_l("Short name"), 40)
    capital = required_text(_l("Seat of the county board"), 40)
    lat = FloatField(_l("Latitude"), validators=[InputRequired(), LAT_RANGE])
    lon = FloatField(_l("Longitude"), validators=[InputRequired(), LON_RANGE])
    reloading_point = optional_text(_l("Reloading point"), 120)
    deliver_via_reloading_point = BooleanField(
        _l("National shipments go to the reloading point (else straight to each organisation)"),
        default=True,
    )
    submit = SubmitField(_l("Save"))


ROLE_CHOICES = [
    SelectChoice(Role.ADMIN.value, _l("Administrator")),
    SelectChoice(Role.LOGISTICS.value, _l("Logistics")),
    SelectChoice(Role.OFFICER.value, _l("Allocation officer")),
    SelectChoice(Role.REQUESTER.value, _l("Requester (region, municipality, care provider)")),
    SelectChoice(Role.COUNTY.value, _l("County administrative board")),
    SelectChoice(Role.VIEWER.value, _l("Viewer (read only)")),
]


class UserForm(FlaskForm):
    username = code_field(
        _l("User name"), r"^[a-z0-9._-]+$", _l("Lower-case letters, digits and . _ - only."), 60
    )
    full_name = required_text(_l("Full name"), 120)
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=120)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    organisation = optional_text(_l("Organisation code (requesters and county boards)"), 20)
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class NewUserForm(UserForm):
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "new-password"},
    )


class ResetPasswordForm(FlaskForm):
    submit = SubmitField(_l("Reset password"))

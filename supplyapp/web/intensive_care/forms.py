"""Forms of the intensive-care reports, uploads, crisis levels and the units' admin. They parse
types only: the service checks every value (ranges, ECMO, jumps) and names the field."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FloatField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional

from supplyapp.i18n import lazy as _l
from supplyapp.models.intensive_care import FIGURES, UnitKind
from supplyapp.web.forms import optional_text, text

MINUTES = "%Y-%m-%dT%H:%M"

GROUP_LABELS = {"adult": _l("Adults"), "child": _l("Children")}
FIGURE_LABELS = {
    "staffed": _l("Staffed places"),
    "staffed_ventilator": _l("of which with a ventilator"),
    "occupied": _l("Occupied (patients now)"),
    "covid": _l("of which with covid-19"),
    "invasive": _l("Invasively ventilated"),
    "noninvasive": _l("Non-invasive ventilation"),
    "ecmo_places": _l("ECMO places"),
    "ecmo_occupied": _l("ECMO occupied"),
    "surge_24h": _l("Surge places within 24 hours"),
    "surge_7d": _l("Surge places within 7 days"),
}
ASSESSMENTS = [
    SelectChoice("available", _l("Available")),
    SelectChoice("limited", _l("Limited")),
    SelectChoice("full", _l("Full")),
]
LIMITS = [
    SelectChoice("staff", _l("Staff")),
    SelectChoice("rooms", _l("Rooms")),
    SelectChoice("ventilators", _l("Ventilators")),
    SelectChoice("consumables", _l("Consumables (protective equipment too)")),
]
YES_NO = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]
CRISIS_LEVELS = [
    SelectChoice("normal", _l("Normal operations")),
    SelectChoice("staff", _l("Staff alert")),
    SelectChoice("reinforcement", _l("Reinforcement")),
    SelectChoice("disaster", _l("Disaster")),
]
UNIT_KINDS = {
    UnitKind.GENERAL: _l("General"),
    UnitKind.THORACIC: _l("Thoracic"),
    UnitKind.NEURO: _l("Neuro"),
    UnitKind.PAEDIATRIC: _l("Paediatric"),
    UnitKind.BURNS: _l("Burns"),
    UnitKind.INFECTION: _l("Infection"),
    UnitKind.MEDICAL: _l("Medical"),
    UnitKind.ECMO: _l("ECMO"),
}


def labels(choices) -> dict:
    """value -> label of a list of choices."""
    return {choice.value: choice.label for choice in choices}


def figure_name(name: str) -> str:
    """A figure's full name, its age group first: "Vuxna: Disponibla platser"."""
    group = name.split("_", 1)[0]
    label = figure_label(name)
    return f"{GROUP_LABELS[group]}: {label}" if group in GROUP_LABELS else str(label)


def figure_label(name: str):
    """A figure's label without its age group (the fieldset's legend gives that)."""
    group, _sep, rest = name.partition("_")
    return FIGURE_LABELS[rest] if group in GROUP_LABELS else FIGURE_LABELS[name]


def confirm_field(name: str) -> str:
    return f"confirm_{name}"


class ReportForm(FlaskForm):
    as_of = DateTimeLocalField(
        _l("As of (date and time)"), format=MINUTES, validators=[InputRequired()]
    )
    assessment = RadioField(
        _l("Your own assessment"), choices=ASSESSMENTS, validate_choice=False, default=None
    )
    limits = SelectMultipleField(_l("What limits the unit"), choices=LIMITS, validate_choice=False)
    staff_shortage_today = RadioField(
        _l("Staff shortage today"), choices=YES_NO, validate_choice=False, default=None
    )
    staff_shortage_7d = RadioField(
        _l("Staff shortage expected within 7 days"),
        choices=YES_NO,
        validate_choice=False,
        default=None,
    )
    note = optional_text(_l("Note"), 1000)
    submit = SubmitField(_l("Send the daily report"))


for _name in FIGURES:
    setattr(
        ReportForm,
        _name,
        IntegerField(
            figure_label(_name), validators=[Optional()], render_kw={"inputmode": "numeric"}
        ),
    )
    setattr(ReportForm, confirm_field(_name), BooleanField(_l("The figure is right")))


class UploadForm(FlaskForm):
    as_of = DateTimeLocalField(
        _l("As of (date and time)"), format=MINUTES, validators=[InputRequired()]
    )
    file = FileField(_l("CSV or Excel file"), validators=[FileRequired()])
    submit = SubmitField(_l("Upload reports"))


class UploadConfirmForm(FlaskForm):
    """The checked file again, carried in the page, with the warnings the reader saw."""

    as_of = HiddenField(validators=[DataRequired()])
    content = HiddenField(validators=[DataRequired()])
    filename = HiddenField(validators=[DataRequired()])
    keys = HiddenField()
    confirm = BooleanField(
        _l("I have checked the figures listed and they are right"), validators=[DataRequired()]
    )
    submit = SubmitField(_l("Store the reports"))


class CrisisLevelForm(FlaskForm):
    level = RadioField(
        _l("Crisis level"), choices=CRISIS_LEVELS, validate_choice=False, default=None
    )
    note = optional_text(_l("Note"), 1000)
    submit = SubmitField(_l("Set crisis level"))


class UnitForm(FlaskForm):
    code = text(_l("Code"), 40)
    name = text(_l("Name"), 120)
    hospital = text(_l("Hospital"), 160)
    town = text(_l("Town"), 80)
    region = SelectField(_l("Region"), validate_choice=False)
    provider = SelectField(_l("Care provider (a privately run unit)"), validate_choice=False)
    kind = SelectField(
        _l("Kind of unit"),
        choices=[SelectChoice(kind.value, label) for kind, label in UNIT_KINDS.items()],
        validate_choice=False,
    )
    category = SelectField(
        _l("SIR category"),
        choices=[SelectChoice(v, v or "–") for v in ("", "I", "II", "III")],
        validate_choice=False,
    )
    has_ecmo = BooleanField(_l("Gives ECMO"))
    reference_places = IntegerField(_l("Staffed places (reference)"), validators=[Optional()])
    lat = FloatField(_l("Latitude"), validators=[Optional()])
    lon = FloatField(_l("Longitude"), validators=[Optional()])
    submit = SubmitField(_l("Save"))


class CloseUnitForm(FlaskForm):
    closed_on = DateField(_l("Closed from"), validators=[InputRequired()])
    close = SubmitField(_l("Close the unit"))

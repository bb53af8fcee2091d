"""Forms of the transfer pages. They parse types only: the services check every value and name
the field."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from supplyapp.i18n import lazy as _l
from supplyapp.web.forms import area, optional_text, text

ROWS = 8  # patient rows on the request form; empty rows are left out


def _choices(*pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


LEVELS = _choices(
    ("invasive", _l("Invasive ventilation")),
    ("ecmo", _l("ECMO")),
    ("niv", _l("Non-invasive ventilation")),
)
AGE_GROUPS = _choices(("adult", _l("Adult")), ("child", _l("Child")))
URGENCIES = _choices(
    ("today", _l("Today")), ("immediate", _l("Immediate")), ("planned", _l("Planned"))
)
MODES = _choices(
    ("road", _l("Road")), ("helicopter", _l("Helicopter")), ("aircraft", _l("Aircraft"))
)
COUNTRIES = _choices(
    ("DK", _l("Denmark")),
    ("FI", _l("Finland")),
    ("IS", _l("Iceland")),
    ("NO", _l("Norway")),
)
YES_NO = _choices(("no", _l("No")), ("yes", _l("Yes")))


class PatientRow(Form):
    case_ref = optional_text(_l("Case reference"), 40)
    level = SelectField(_l("Care level"), choices=LEVELS)
    age_group = SelectField(_l("Adult or child"), choices=AGE_GROUPS)
    covid = SelectField(_l("Covid-19"), choices=YES_NO)
    transport_stable = SelectField(
        _l("Transport-stable"), choices=_choices(("yes", _l("Yes")), ("no", _l("No")))
    )
    urgency = SelectField(_l("Urgency"), choices=URGENCIES)


class RequestForm(FlaskForm):
    patients = FieldList(FormField(PatientRow), min_entries=ROWS, max_entries=ROWS)
    note = area(_l("Note to the coordinator (no personal data)"), 1000)
    submit = SubmitField(_l("Ask for transfers"))


class ReasonForm(FlaskForm):
    reason = area(_l("Reason"), 1000)
    submit = SubmitField(_l("Save"))


class AnswerForm(FlaskForm):
    answer = HiddenField()
    reason = area(_l("Reason (required to decline)"), 1000)


class StopForm(FlaskForm):
    status = SelectField(
        _l("What happens"),
        choices=_choices(
            ("not_moved", _l("No longer to be moved")), ("cancelled", _l("Cancelled"))
        ),
    )
    reason = area(_l("Reason"), 1000)
    submit = SubmitField(_l("Stop the transfer"))


class PlaceForm(FlaskForm):
    patient = HiddenField()
    to_unit = SelectField(_l("Receiving unit"), choices=[])
    mode = SelectField(_l("Transport"), choices=MODES)
    reason = text(_l("Reason for the change"), 500)


class BookForm(FlaskForm):
    resource = SelectField(_l("Transport resource"), choices=[])
    submit = SubmitField(_l("Book"))


class ResourceStateForm(FlaskForm):
    available_today = BooleanField(_l("Available today"))
    grounded = BooleanField(_l("Grounded by weather"))
    submit = SubmitField(_l("Save"))


class ResourceForm(FlaskForm):
    code = text(_l("Code"), 40)
    name = text(_l("Name"), 120)
    kind = SelectField(
        _l("Kind"),
        choices=_choices(
            ("aircraft", _l("Ambulance aircraft")),
            ("helicopter", _l("Ambulance helicopter")),
            ("road", _l("Intensive-care ambulance")),
        ),
    )
    operator = optional_text(_l("Operator"), 120)
    base = text(_l("Base"), 80)
    lat = text(_l("Latitude"), 20)
    lon = text(_l("Longitude"), 20)
    patients_per_trip = text(_l("Patients per trip"), 5)
    speed_kmh = text(_l("Speed (km/h)"), 5)
    range_km = text(_l("Range (km)"), 6)
    submit = SubmitField(_l("Add"))


class NordicForm(FlaskForm):
    note = area(_l("Note"), 1000)
    submit = SubmitField(_l("Prepare a Nordic request"))


class OfferForm(FlaskForm):
    country = SelectField(_l("Country"), choices=COUNTRIES)
    invasive = IntegerField(_l("Invasive ventilation"), validators=[Optional()])
    ecmo = IntegerField(_l("ECMO"), validators=[Optional()])
    niv = IntegerField(_l("Non-invasive ventilation"), validators=[Optional()])
    note = optional_text(_l("Note"), 1000)
    submit = SubmitField(_l("Record the offer"))


class SendAbroadForm(FlaskForm):
    case = SelectField(_l("Patient (case reference)"), choices=[])
    country = SelectField(_l("Country"), choices=COUNTRIES)
    hospital = optional_text(_l("Receiving hospital"), 160)
    submit = SubmitField(_l("Record the patient sent"))

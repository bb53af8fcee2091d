"""The scenario form. It parses types only: the service checks every value and names the
field."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import FloatField, IntegerField, SelectField, SelectMultipleField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from supplyapp.i18n import lazy as _l
from supplyapp.web.forms import text

CHANNELS = [
    SelectChoice("ordered", _l("Purchase orders")),
    SelectChoice("called_off", _l("EU call-offs")),
    SelectChoice("donated", _l("Donations")),
    SelectChoice("contracted", _l("Domestic contracts")),
]
CONSERVATION = [
    SelectChoice("standard", _l("Standard")),
    SelectChoice("contingency", _l("Contingency (extended use)")),
    SelectChoice("crisis", _l("Crisis (reuse)")),
]
ICU_METHODS = [
    SelectChoice("doubling", _l("Today's covid patients growing by a doubling time")),
    SelectChoice("table", _l("An uploaded table of admissions per region and day")),
    SelectChoice("cases", _l("An uploaded table of cases x the probability of intensive care")),
]
LENGTHS_OF_STAY = [
    SelectChoice("10", _l("10 days")),
    SelectChoice("14", _l("14 days")),
    SelectChoice("21", _l("21 days")),
]
PROBABILITIES = [
    SelectChoice("0.01", "1 %"),
    SelectChoice("0.03", "3 %"),
    SelectChoice("0.05", "5 %"),
]


def labels(choices) -> dict:
    return {choice.value: choice.label for choice in choices}


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ScenarioForm(FlaskForm):
    name = text(_l("Name"), 80, required=True)
    use_factor = FloatField(_l("Use x factor"), default=1.0, validators=[InputRequired()])
    conservation = SelectField(_l("Conservation mode"), choices=CONSERVATION, default="standard")
    failed_channels = Checkboxes(_l("Channels whose deliveries fail"), choices=CHANNELS)
    failed_suppliers = Checkboxes(_l("Suppliers whose deliveries fail"), choices=[])
    delayed_channels = Checkboxes(_l("Channels whose deliveries come late"), choices=CHANNELS)
    delayed_suppliers = Checkboxes(_l("Suppliers whose deliveries come late"), choices=[])
    delay_weeks = IntegerField(_l("Weeks late"), default=0, validators=[Optional()])
    lost_warehouses = Checkboxes(_l("Warehouses lost"), choices=[])
    icu_method = SelectField(
        _l("Intensive-care admissions"), choices=ICU_METHODS, default="doubling"
    )
    length_of_stay = SelectField(_l("Length of stay"), choices=LENGTHS_OF_STAY, default="14")
    doubling_days = FloatField(
        _l("Doubling time (days; empty: fitted to the last weeks)"), validators=[Optional()]
    )
    icu_probability = SelectField(
        _l("Probability of intensive care"), choices=PROBABILITIES, default="0.03"
    )
    admissions_file = FileField(_l("Admissions or cases table (CSV or Excel)"))
    submit = SubmitField(_l("Save scenario"))

    def settings(self) -> dict:
        """The form's values as the service's settings."""
        return {
            "use_factor": self.use_factor.data,
            "conservation": self.conservation.data,
            "failed_channels": list(self.failed_channels.data or []),
            "failed_suppliers": list(self.failed_suppliers.data or []),
            "delayed_channels": list(self.delayed_channels.data or []),
            "delayed_suppliers": list(self.delayed_suppliers.data or []),
            "delay_weeks": self.delay_weeks.data or 0,
            "lost_warehouses": list(self.lost_warehouses.data or []),
            "icu_method": self.icu_method.data,
            "length_of_stay": int(self.length_of_stay.data),
            "doubling_days": self.doubling_days.data,
            "icu_probability": float(self.icu_probability.data),
        }

    def fill(self, name: str, settings: dict) -> None:
        self.name.data = name
        for key, value in settings.items():
            field = getattr(self, key, None)
            if field is None:
                continue
            field.data = str(value) if key in ("length_of_stay", "icu_probability") else value


class RunForm(FlaskForm):
    submit = SubmitField(_l("Run"))

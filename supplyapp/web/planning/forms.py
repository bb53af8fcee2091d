"""Forms of the allocation rounds: types and lengths here, the model's rules in the services."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    SubmitField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange

from supplyapp.i18n import lazy as _l
from supplyapp.services.plan_review import MAX_REASON
from supplyapp.web.forms import area, quantity_range, text


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class RoundForm(FlaskForm):
    items = CheckboxesField(_l("Items"), choices=[])
    policy = SelectField(
        _l("Policy"),
        default="needs",
        choices=[
            SelectChoice("needs", _l("Needs: lowest days of supply first")),
            SelectChoice("population", _l("Population key")),
        ],
    )
    donor_floor_days = DecimalField(
        _l("Donor floor (days of supply a donor keeps)"),
        default=28,
        places=None,
        validators=[InputRequired(), NumberRange(min=0, max=365)],
    )
    redistribute = BooleanField(
        _l("Redistribute surplus of regions and municipalities"), default=True
    )
    whole_packs = BooleanField(_l("Whole packs only"), default=True)
    keep_reserve = BooleanField(_l("Keep the national reserve"), default=True)
    submit = SubmitField(_l("Run the allocation round"))


class LineChangeForm(FlaskForm):
    quantity = IntegerField(_l("New quantity"), validators=[InputRequired(), quantity_range()])
    reason = text(_l("Reason for the change"), MAX_REASON, required=True)


class LineAddForm(FlaskForm):
    item = SelectField(_l("Item"), validators=[DataRequired()])
    origin = text(_l("From (warehouse code or donor's organisation code)"), 20, required=True)
    recipient = text(_l("To (recipient's organisation code)"), 20, required=True)
    quantity = IntegerField(
        _l("Quantity"), validators=[InputRequired(), quantity_range(positive=True)]
    )
    reason = text(_l("Reason"), MAX_REASON, required=True)
    submit = SubmitField(_l("Add the line"))


class ReturnForm(FlaskForm):
    comment = area(_l("What must change"), MAX_REASON, required=True)
    submit = SubmitField(_l("Send back"))


class DiscardForm(FlaskForm):
    reason = area(_l("Why the plan is discarded"), MAX_REASON, required=True)
    submit = SubmitField(_l("Discard the plan"))


class CommentForm(FlaskForm):
    comment = area(_l("Comment (optional)"), MAX_REASON)

"""Forms of the shipment steps: a plain step (pick, dispatch), sent, and received."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import InputRequired

from supplyapp.i18n import lazy as _l
from supplyapp.web.forms import area, quantity_range

ZERO_OR_MORE = [InputRequired(), quantity_range()]
NOTE_LENGTH = 2000  # the service's limit


class StepForm(FlaskForm):
    """Pick or dispatch: nothing to fill in, only the CSRF token and where to go back to."""

    back = HiddenField()


class SentForm(FlaskForm):
    sent_quantity = IntegerField(_l("Quantity sent"), validators=ZERO_OR_MORE)
    note = area(_l("Note (required when you send less than planned)"), NOTE_LENGTH)


class ReceiveForm(FlaskForm):
    received_quantity = IntegerField(_l("Received in good order"), validators=ZERO_OR_MORE)
    damaged_quantity = IntegerField(_l("Arrived damaged"), default=0, validators=ZERO_OR_MORE)
    note = area(_l("Note (required when less arrived than was sent)"), NOTE_LENGTH)

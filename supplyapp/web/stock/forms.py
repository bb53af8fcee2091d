"""Forms of the warehouse: receiving, quality control, counts, write-offs."""

import uuid

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional

from supplyapp.i18n import lazy as _l
from supplyapp.web.forms import area, quantity_range, text

QUANTITY = [InputRequired(), quantity_range(positive=True)]
ZERO_OR_MORE = [InputRequired(), quantity_range()]


class ReceiveForm(FlaskForm):
    # A one-time key: the same form submitted twice books one delivery.
    idempotency_key = HiddenField(default=lambda: uuid.uuid4().hex)
    source = SelectField(_l("Received against"), validators=[DataRequired()])
    warehouse = SelectField(_l("Warehouse"), validators=[DataRequired()])
    quantity = IntegerField(_l("Quantity received"), validators=QUANTITY)
    lot_number = text(_l("Lot number"), 60, required=True)
    expiry_date = DateField(_l("Expiry date"), validators=[Optional()])
    received_on = DateField(_l("Received on"), validators=[InputRequired()])
    over_delivery_reason = area(_l("Reason for receiving more than is outstanding"), 1000)
    note = area(_l("Note"), 1000)
    submit = SubmitField(_l("Book the delivery"))


class InspectionForm(FlaskForm):
    approved = IntegerField(_l("Approved quantity"), default=0, validators=ZERO_OR_MORE)
    rejected = IntegerField(_l("Rejected quantity"), default=0, validators=ZERO_OR_MORE)
    conformity = SelectField(
        _l("Conformity evidence"),
        choices=[
            SelectChoice("ce_marking", _l("CE marking")),
            SelectChoice(
                "temp_approval", _l("Temporary approval by the Swedish Work Environment Authority")
            ),
            SelectChoice("none", _l("None")),
        ],
    )
    evidence_reference = text(_l("Reference (certificate or approval number)"), 120)
    notes = area(_l("Inspection notes"), 4000)
    rejection_reason = area(_l("Why goods are rejected (written off)"), 1000)
    submit = SubmitField(_l("Record the inspection"))


class CountForm(FlaskForm):
    counted = IntegerField(_l("Counted available quantity"), validators=ZERO_OR_MORE)
    reason = text(_l("Reason"), 1000, required=True)
    submit = SubmitField(_l("Adjust"))


class WriteOffForm(FlaskForm):
    quantity = IntegerField(_l("Quantity to write off"), validators=QUANTITY)
    reason = text(_l("Reason"), 1000, required=True)
    submit = SubmitField(_l("Write off"))

"""Forms of the supply channels: types and lengths here, the rules in the services."""

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from supplyapp.i18n import lazy as _l
from supplyapp.validation import MAX_PRICE
from supplyapp.web.forms import UploadForm, area, quantity_range, text  # noqa: F401

QUANTITY = [InputRequired(), quantity_range(positive=True)]
PRICE = [InputRequired(), NumberRange(min=0, max=MAX_PRICE)]


class OrderForm(FlaskForm):
    supplier = SelectField(_l("Supplier"), validators=[DataRequired()])
    currency = StringField(
        _l("Currency"),
        default="SEK",
        validators=[DataRequired(), Length(min=3, max=3)],
        filters=[lambda v: v.strip().upper() if v else v],
    )
    documents = area(_l("Documents' references"), 2000)
    notes = area(_l("Notes"), 2000)
    submit = SubmitField(_l("Create the order"))


class OrderLineForm(FlaskForm):
    item = SelectField(_l("Item"), validators=[DataRequired()])
    quantity = IntegerField(_l("Quantity"), validators=QUANTITY)
    unit_price = DecimalField(_l("Unit price"), places=2, validators=PRICE)
    promised_date = DateField(_l("Promised delivery date"), validators=[Optional()])
    submit = SubmitField(_l("Add the line"))


class OrderStatusForm(FlaskForm):
    status = SelectField(
        _l("New status"),
        choices=[
            SelectChoice("placed", _l("Placed")),
            SelectChoice("confirmed", _l("Confirmed")),
            SelectChoice("cancelled", _l("Cancelled")),
        ],
        validators=[DataRequired()],
    )
    reason = text(_l("Reason (needed to cancel)"), 1000)
    submit = SubmitField(_l("Change the status"))


class FrameworkForm(FlaskForm):
    code = text(_l("Contract code"), 30, required=True)
    name = text(_l("Name"), 200, required=True)
    valid_from = DateField(_l("Valid from"), validators=[InputRequired()])
    valid_to = DateField(_l("Valid to"), validators=[InputRequired()])
    item = SelectField(_l("Item"), validators=[DataRequired()])
    quantity = IntegerField(_l("Sweden's share (units)"), validators=QUANTITY)
    unit_price = DecimalField(_l("Unit price (EUR)"), places=2, validators=[Optional()])
    submit = SubmitField(_l("Save the contract"))


class CallOffForm(FlaskForm):
    quantity = IntegerField(_l("Quantity to call off"), validators=QUANTITY)
    expected_date = DateField(_l("Expected delivery date"), validators=[Optional()])
    submit = SubmitField(_l("Call off"))


class DonationForm(FlaskForm):
    supplier = SelectField(_l("From"), validators=[DataRequired()])
    item = SelectField(_l("Item"), validators=[DataRequired()])
    quantity = IntegerField(_l("Quantity"), validators=QUANTITY)
    expected_date = DateField(_l("Expected delivery date"), validators=[Optional()])
    submit = SubmitField(_l("Save the donation"))


class DomesticForm(FlaskForm):
    supplier = SelectField(_l("Producer"), validators=[DataRequired()])
    item = SelectField(_l("Item"), validators=[DataRequired()])
    weekly_quantity = IntegerField(_l("Committed quantity per week"), validators=QUANTITY)
    start_date = DateField(_l("First week (any day of it)"), validators=[InputRequired()])
    end_date = DateField(_l("Last day"), validators=[InputRequired()])
    unit_price = DecimalField(_l("Unit price (SEK)"), places=2, validators=[Optional()])
    submit = SubmitField(_l("Save the contract"))


class OfferForm(FlaskForm):
    company = text(_l("Company"), 120, required=True)
    kind = SelectField(
        _l("Kind of offer"),
        choices=[SelectChoice("sale", _l("Sale")), SelectChoice("donation", _l("Donation"))],
    )
    item = SelectField(_l("Item"), validators=[DataRequired()])
    quantity = IntegerField(_l("Quantity"), validators=QUANTITY)
    unit_price = DecimalField(_l("Unit price (sales only)"), places=2, validators=[Optional()])
    currency = StringField(
        _l("Currency"),
        default="SEK",
        validators=[DataRequired(), Length(min=3, max=3)],
        filters=[lambda v: v.strip().upper() if v else v],
    )
    supplier = SelectField(_l("Known supplier (if any)"), validators=[Optional()])
    contact = text(_l("Contact"), 200)
    available_from = DateField(_l("Available from"), validators=[Optional()])
    description = area(_l("Description, certificates"), 4000)
    submit = SubmitField(_l("Log the offer"))


class ApproveForm(FlaskForm):
    notes = area(_l("Vetting notes"), 4000)
    submit = SubmitField(_l("Approve"))


class DeclineForm(FlaskForm):
    reason = area(_l("Why it is declined"), 4000, required=True)
    submit = SubmitField(_l("Decline"))


class ConvertForm(FlaskForm):
    supplier = SelectField(_l("Supplier"), validators=[Optional()])
    promised_date = DateField(_l("Expected delivery date"), validators=[Optional()])
    submit = SubmitField(_l("Make it an order or a donation"))

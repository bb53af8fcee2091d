"""Forms for reports, requests, decisions, county coordination and API tokens."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from supplyapp import clock
from supplyapp.i18n import lazy as _l
from supplyapp.web.forms import optional_text, quantity_range

QUANTITY = quantity_range()
POSITIVE = quantity_range(positive=True)
PRIORITIES = [
    SelectChoice("critical", _l("Critical")),
    SelectChoice("high", _l("High")),
    SelectChoice("normal", _l("Normal")),
]


def stock_field(item_code: str) -> str:
    return f"{item_code}__stock_on_hand"


def use_field(item_code: str) -> str:
    return f"{item_code}__daily_use"


def report_form_class(items):
    """A report form with a stock and a daily-use field for every item, on one page."""

    class ReportForm(FlaskForm):
        as_of = DateField(_l("As of"), validators=[InputRequired()], default=clock.today)
        note = optional_text(_l("Note"), 2000)
        submit = SubmitField(_l("Send report"))

    for item in items:
        setattr(
            ReportForm,
            stock_field(item.code),
            IntegerField(
                _l("Stock on hand"),
                validators=[Optional(), QUANTITY],
                render_kw={"inputmode": "numeric"},
            ),
        )
        setattr(
            ReportForm,
            use_field(item.code),
            IntegerField(
                _l("Average daily use"),
                validators=[Optional(), QUANTITY],
                render_kw={"inputmode": "numeric"},
            ),
        )
    return ReportForm


class UploadForm(FlaskForm):
    upload_as_of = DateField(_l("As of"), validators=[InputRequired()], default=clock.today)
    file = FileField(_l("CSV or Excel file"), validators=[FileRequired()])
    upload = SubmitField(_l("Upload report"))


class RequestForm(FlaskForm):
    item = SelectField(_l("Item"), validators=[DataRequired()])
    quantity = IntegerField(
        _l("Quantity needed"),
        validators=[InputRequired(), POSITIVE],
        render_kw={"inputmode": "numeric"},
    )
    needed_by = DateField(_l("Needed by"), validators=[InputRequired()])
    priority = SelectField(
        _l("Priority"), choices=PRIORITIES, default="normal", validators=[DataRequired()]
    )
    justification = TextAreaField(
        _l("Justification"), validators=[DataRequired(), Length(max=2000)]
    )
    stock_on_hand = IntegerField(_l("Your stock on hand now"), validators=[Optional(), QUANTITY])
    daily_use = IntegerField(_l("Your average daily use now"), validators=[Optional(), QUANTITY])
    submit = SubmitField(_l("File request"))


DECISIONS = [
    SelectChoice("under_review", _l("Under review")),
    SelectChoice("in_plan", _l("Included in a plan")),
    SelectChoice("partly_met", _l("Partly met")),
    SelectChoice("met", _l("Met")),
    SelectChoice("declined", _l("Declined")),
]


class DecisionForm(FlaskForm):
    status = SelectField(_l("New status"), choices=DECISIONS, validators=[DataRequired()])
    met_quantity = IntegerField(_l("Quantity met (partly met)"), validators=[Optional(), POSITIVE])
    reason = TextAreaField(
        _l("Reason (required when declining)"), validators=[Optional(), Length(max=2000)]
    )
    submit = SubmitField(_l("Record decision"))


class WithdrawForm(FlaskForm):
    withdraw_reason = optional_text(_l("Why (optional)"), 2000)
    withdraw = SubmitField(_l("Withdraw request"))


class SharingForm(FlaskForm):
    from_organisation = SelectField(_l("From"), validators=[DataRequired()])
    to_organisation = SelectField(_l("To"), validators=[DataRequired()])
    item = SelectField(_l("Item"), validators=[DataRequired()])
    quantity = IntegerField(_l("Quantity"), validators=[InputRequired(), POSITIVE])
    shared_on = DateField(_l("Shared on"), validators=[InputRequired()], default=clock.today)
    request_id = IntegerField(
        _l("Meets request number (optional)"), validators=[Optional(), NumberRange(min=1)]
    )
    note = optional_text(_l("Note"), 2000)
    share = SubmitField(_l("Record sharing"))


class ForwardForm(FlaskForm):
    forward_note = optional_text(_l("Note to the national level"), 2000)
    forward = SubmitField(_l("Send combined request"))


class TokenForm(FlaskForm):
    name = StringField(
        _l("What the token is for"),
        validators=[DataRequired(), Length(max=80)],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    submit = SubmitField(_l("Issue token"))

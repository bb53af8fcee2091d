"""Form pieces shared by the blueprints."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from supplyapp import validation
from supplyapp.i18n import lazy as _l


class Range(NumberRange):
    """NumberRange that stays quiet when the value did not even parse: one message, not two."""

    def __call__(self, form, field):
        if field.data is None and field.process_errors:
            return
        super().__call__(form, field)


def quantity_range(positive: bool = False) -> "Range":
    """A quantity's bounds and message, the same as the services' (supplyapp/validation.py)."""
    key = "above_zero" if positive else "zero_or_more"
    return Range(
        min=1 if positive else 0,
        max=validation.MAX_QUANTITY,
        message=validation.MESSAGES[key],
    )


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def text(label, max_length, required=False):
    checks = [DataRequired()] if required else [Optional()]
    return StringField(label, validators=[*checks, Length(max=max_length)], filters=[_strip])


def area(label, max_length, required=False):
    checks = [DataRequired()] if required else [Optional()]
    return TextAreaField(label, validators=[*checks, Length(max=max_length)], filters=[_strip])


class UploadForm(FlaskForm):
    file = FileField(_l("CSV or Excel file"), validators=[FileRequired()])
    submit = SubmitField(_l("Import"))


def code_field(label, pattern: str, hint, max_length: int = 20) -> StringField:
    return StringField(
        label,
        validators=[Length(min=1, max=max_length), Regexp(pattern, message=hint)],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


def optional_text(label, max_length: int) -> StringField:
    return StringField(
        label,
        validators=[Optional(), Length(max=max_length)],
        filters=[lambda v: (v.strip() or None) if isinstance(v, str) else v],
    )


def form_values(form: FlaskForm, exclude: tuple[str, ...] = ("submit", "csrf_token")) -> dict:
    """The form's typed data, less buttons and the CSRF token."""
    return {k: v for k, v in form.data.items() if k not in exclude}


SEARCH_HINT = _l("Filter the table")

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
from supplyapp.models import Role
from supplyapp.services.reference_fields import FIELDS, Field
from supplyapp.web.forms import code_field, optional_text


def required_text(label, max_length: int) -> StringField:
    return StringField(
        label,
        validators=[DataRequired(), Length(max=max_length)],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )


def record_form(entity: str) -> type[FlaskForm]:
    """The admin form of a kind of reference record, built from its fields' rules
    (services/reference_fields.py): the form parses types, the service checks the rules."""
    attrs = {field.name: _form_field(field) for field in FIELDS[entity]}
    attrs["submit"] = SubmitField(_l("Save"))
    return type(f"{entity.title()}Form", (FlaskForm,), attrs)


def _form_field(field: Field):
    presence = [InputRequired()] if field.required else [Optional()]
    render_kw = {"maxlength": field.max_length} if field.max_length else None
    if field.kind == "int":
        return IntegerField(field.label, validators=presence, default=field.default)
    if field.kind == "float":
        return FloatField(field.label, validators=presence, default=field.default)
    if field.kind == "bool":
        return BooleanField(field.label, default=field.default)
    if field.kind == "choice":
        choices = [SelectChoice(code, label) for code, label in field.choices]
        return SelectField(field.label, choices=choices, validators=presence)
    kind = EmailField if field.kind == "email" else StringField
    return kind(
        field.label,
        validators=presence,
        default=field.default,
        filters=[_blank_is_none],
        render_kw=render_kw,
    )


def _blank_is_none(value):
    if isinstance(value, str):
        return value.strip() or None
    return value


ROLE_CHOICES = [
    SelectChoice(Role.ADMIN.value, _l("Administrator")),
    SelectChoice(Role.LOGISTICS.value, _l("Logistics")),
    SelectChoice(Role.OFFICER.value, _l("Allocation officer")),
    SelectChoice(Role.REQUESTER.value, _l("Requester (region, municipality, care provider)")),
    SelectChoice(Role.COUNTY.value, _l("County administrative board")),
    SelectChoice(Role.VIEWER.value, _l("Viewer (read only)")),
    SelectChoice(Role.ICU_REPORTER.value, _l("ICU reporter (one intensive care unit)")),
    SelectChoice(Role.ICU_COORDINATOR.value, _l("National ICU coordinator")),
]


class UserForm(FlaskForm):
    username = code_field(
        _l("User name"), r"^[a-z0-9._-]+$", _l("Lower-case letters, digits and . _ - only."), 60
    )
    full_name = required_text(_l("Full name"), 120)
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=120)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    organisation = optional_text(
        _l("Organisation code (requesters, county boards) or ICU unit code (ICU reporters)"), 40
    )
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

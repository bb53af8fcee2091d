"""Small helpers shared by the views."""

from flask import flash

from supplyapp.services.errors import InvalidInput


def show_errors(form, error: InvalidInput) -> None:
    """Put a service's field errors beside the fields; others at the top of the page."""
    for field, message in error.errors.items():
        if field in form._fields:
            form._fields[field].errors = [*form._fields[field].errors, message]
        else:
            flash(message, "error")

"""What every template may use: the formatting filters and the labels in the reader's language."""

from flask import Flask
from flask_babel import get_locale

from supplyapp.formatting import audit_value, date_time, number, short_date
from supplyapp.web import labels


def register(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.add_template_global(labels.role_label, "role_label")
    app.add_template_global(labels.role_description, "role_description")
    app.add_template_global(labels.kind_label, "kind_label")
    app.add_template_filter(labels.supply_status, "supply_status")
    app.add_template_filter(number, "number")
    app.add_template_filter(short_date, "date")
    app.add_template_filter(date_time, "datetime")
    app.add_template_filter(audit_value, "audit_value")

    @app.context_processor
    def inject_locale():
        return {"current_locale": str(get_locale())}

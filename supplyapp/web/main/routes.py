"""The start page: what each role works with, one click away."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from supplyapp import database
from supplyapp.models import Role
from supplyapp.queries import forecasts as forecast_queries
from supplyapp.web.notifications import notifications

bp = Blueprint("main", __name__)
FORECAST_READERS = (Role.OFFICER, Role.VIEWER)


@bp.get("/")
@login_required
def home():
    # Officers and viewers see the base scenario's warnings (its latest stored run).
    alerts = None
    if current_user.role in FORECAST_READERS:
        alerts = forecast_queries.start_page_alerts(forecast_queries.latest_base_run())
    return render_template(
        "main/home.html",
        user=current_user,
        notifications=notifications(current_user),
        alerts=alerts,
    )


@bp.get("/health")
def health():
    """For load balancers and the gunicorn test: the app answers and reaches its database."""
    database.ping()
    return {"status": "ok"}

"""The start page: what each role works with, one click away."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from supplyapp import database
from supplyapp.web.notifications import notifications

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def home():
    return render_template(
        "main/home.html",
        user=current_user,
        notifications=notifications(current_user),
    )


@bp.get("/health")
def health():
    """For load balancers and the gunicorn test: the app answers and reaches its database."""
    database.ping()
    return {"status": "ok"}

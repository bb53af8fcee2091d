"""The notification badge in the header: one count per request, for signed-in users only."""

from flask import Flask, request
from flask_login import current_user

from supplyapp.queries.notifications import notification_count


def _count() -> int:
    # Asked by the template, once per request, so pages without the header cost nothing.
    # Cached on the request, not on g: an app context may outlive one request (tests, CLI).
    if not hasattr(request, "_notification_count"):
        request._notification_count = notification_count(current_user)
    return request._notification_count


def register(app: Flask) -> None:
    @app.context_processor
    def inject_notification_count():
        if current_user.is_authenticated:
            return {"notification_count": _count}
        return {"notification_count": None}

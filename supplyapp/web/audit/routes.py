"""The audit log, read only, for admins and officers."""

from flask import Blueprint, render_template, request

from supplyapp import queries
from supplyapp.models import Role
from supplyapp.permissions import roles_required

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.get("/")
@roles_required(Role.ADMIN, Role.OFFICER)
def event_list():
    entity = request.args.get("entity") or None
    actor = request.args.get("actor") or None
    key = request.args.get("key") or None
    events = queries.audit_events(entity=entity, actor=actor, key=key)
    return render_template(
        "audit/event_list.html",
        events=events,
        entities=queries.audit_entities(),
        entity=entity,
        actor=actor,
        key=key,
    )

"""The audit log, read only, for admins and officers."""

from flask import Blueprint, render_template, request

from supplyapp.models import Role
from supplyapp.permissions import roles_required
from supplyapp.queries import audit as audit_queries

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.get("/")
@roles_required(Role.ADMIN, Role.OFFICER)
def event_list():
    entity = request.args.get("entity") or None
    actor = request.args.get("actor") or None
    key = request.args.get("key") or None
    events = audit_queries.audit_events(entity=entity, actor=actor, key=key)
    return render_template(
        "audit/event_list.html",
        events=events,
        entities=audit_queries.audit_entities(),
        entity=entity,
        actor=actor,
        key=key,
    )

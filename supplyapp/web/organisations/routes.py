"""Organisations as their users and the national level see them."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from supplyapp.permissions import ALL_ROLES, require_organisation_access, roles_required
from supplyapp.queries import reference as reference_queries

bp = Blueprint("organisations", __name__, url_prefix="/organisations")


@bp.get("/")
@roles_required(*ALL_ROLES)
def organisation_list():
    kind = request.args.get("kind")
    organisations = reference_queries.visible_organisations(current_user, kind=kind)
    return render_template(
        "organisations/organisation_list.html", organisations=organisations, kind=kind
    )


@bp.get("/<code>")
@roles_required(*ALL_ROLES)
def organisation_detail(code):
    organisation = reference_queries.organisation(code)
    if organisation is None:
        abort(404)
    require_organisation_access(organisation)
    users = reference_queries.users(organisation.id)
    return render_template(
        "organisations/organisation_detail.html", organisation=organisation, users=users
    )

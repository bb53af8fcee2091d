"""An organisation's API tokens, for its own systems: issued, listed and revoked by its users
or an administrator. The token is shown once; only its hash is kept."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from supplyapp.i18n import _
from supplyapp.models import Organisation, Role
from supplyapp.permissions import may_keep_tokens_of, roles_required
from supplyapp.queries import reference as reference_queries
from supplyapp.services import tokens
from supplyapp.services.errors import InvalidInput
from supplyapp.web.demand import forms
from supplyapp.web.demand.blueprint import bp
from supplyapp.web.views import show_errors

TOKEN_KEEPERS = (Role.REQUESTER, Role.COUNTY, Role.ADMIN)


def _own_organisation(code: str) -> Organisation:
    """The organisation in the URL: the user's own (an admin's: any)."""
    organisation = reference_queries.organisation(code)
    if organisation is None:
        abort(404)
    if not may_keep_tokens_of(current_user, organisation):
        abort(403)
    return organisation


def _render(organisation, form, new_token=None, status=200):
    issued = reference_queries.api_tokens(organisation.id)
    return render_template(
        "demand/token_list.html",
        organisation=organisation,
        form=form,
        tokens=issued,
        new_token=new_token,
    ), status


@bp.route("/organisations/<code>/tokens", methods=["GET", "POST"])
@roles_required(*TOKEN_KEEPERS)
def token_list(code):
    organisation = _own_organisation(code)
    form = forms.TokenForm()
    if form.validate_on_submit():
        try:
            _record, token = tokens.issue_organisation_token(organisation.code, form.name.data)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("Token issued. Copy it now: it is not shown again."), "success")
            return _render(organisation, forms.TokenForm(formdata=None), new_token=token)
    return _render(organisation, form, status=422 if form.errors else 200)


@bp.post("/organisations/<code>/tokens/<int:token_id>/revoke")
@roles_required(*TOKEN_KEEPERS)
def token_revoke(code, token_id):
    organisation = _own_organisation(code)
    record = reference_queries.api_token(token_id)
    if record is None or record.organisation_id != organisation.id:
        abort(404)
    tokens.revoke(token_id)
    flash(_("Token %(prefix)s revoked.", prefix=record.prefix), "success")
    return redirect(url_for(".token_list", code=code))

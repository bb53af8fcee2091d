"""Admin: reference data and users."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from supplyapp.i18n import _
from supplyapp.models import Role
from supplyapp.permissions import roles_required
from supplyapp.queries import reference as reference_queries
from supplyapp.services import accounts, reference
from supplyapp.services.errors import InvalidInput, NotFound
from supplyapp.web.admin.entities import ENTITIES
from supplyapp.web.admin.forms import NewUserForm, ResetPasswordForm, UserForm
from supplyapp.web.forms import form_values
from supplyapp.web.views import show_errors

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _entity(name: str):
    if name not in ENTITIES:
        abort(404)
    return ENTITIES[name]


@bp.get("/")
@roles_required(Role.ADMIN)
def index():
    return render_template("admin/index.html", entities=ENTITIES.values())


@bp.get("/data/<entity>/")
@roles_required(Role.ADMIN)
def record_list(entity):
    spec = _entity(entity)
    rows = reference_queries.reference_records(entity, kind=request.args.get("kind"))
    return render_template("admin/record_list.html", spec=spec, rows=rows)


@bp.route("/data/<entity>/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def record_new(entity):
    spec = _entity(entity)
    if not spec.creatable:
        abort(404)
    form = spec.form()
    if form.validate_on_submit():
        try:
            record = reference.save_record(entity, form_values(form))
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("Saved %(record)s.", record=record.code), "success")
            return redirect(url_for(".record_list", entity=entity))
    return render_template("admin/record_form.html", spec=spec, form=form, record=None)


@bp.route("/data/<entity>/<code>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def record_edit(entity, code):
    spec = _entity(entity)
    try:
        record = reference.get_record(entity, code)
    except NotFound:
        abort(404)
    form = spec.form(obj=record)
    form.code.render_kw = {**(form.code.render_kw or {}), "readonly": True}
    if request.method == "POST":
        form.code.data = record.code  # the code is fixed once made
    if form.validate_on_submit():
        try:
            reference.save_record(entity, form_values(form), code=code)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("Saved %(record)s.", record=code), "success")
            return redirect(url_for(".record_list", entity=entity))
    return render_template("admin/record_form.html", spec=spec, form=form, record=record)


@bp.get("/users/")
@roles_required(Role.ADMIN)
def user_list():
    users = reference_queries.users()
    return render_template("admin/user_list.html", users=users)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_new():
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                form.username.data,
                form.full_name.data,
                form.role.data,
                form.password.data,
                form.organisation.data,
                form.email.data,
            )
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("Created user %(name)s.", name=user.username), "success")
            return redirect(url_for(".user_list"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<username>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_edit(username):
    user = reference_queries.user(username) or abort(404)
    form = UserForm(obj=user, organisation=user.organisation.code if user.organisation else "")
    form.username.render_kw = {**(form.username.render_kw or {}), "readonly": True}
    if request.method == "POST":
        form.username.data = user.username
    if form.validate_on_submit():
        try:
            accounts.update_user(
                user,
                form.full_name.data,
                form.role.data,
                form.organisation.data,
                form.email.data,
                form.active.data,
            )
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("Saved user %(name)s.", name=user.username), "success")
            return redirect(url_for(".user_list"))
    return render_template(
        "admin/user_form.html", form=form, user=user, reset_form=ResetPasswordForm()
    )


@bp.post("/users/<username>/reset-password")
@roles_required(Role.ADMIN)
def user_reset_password(username):
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        user, password = accounts.reset_password(username)
    except NotFound:
        abort(404)
    flash(
        _(
            "New password for %(name)s: %(password)s — give it to them by a safe channel.",
            name=user.username,
            password=password,
        ),
        "warning",
    )
    return redirect(url_for(".user_edit", username=username))

"""Sign in and out, language, own password."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from supplyapp.i18n import _
from supplyapp.services import accounts
from supplyapp.services.errors import InvalidInput, LoginRefused
from supplyapp.web.auth.forms import ChangePasswordForm, LanguageForm, LoginForm, LogoutForm
from supplyapp.web.views import show_errors

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only local paths: never send a user to another site after sign-in."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(
                form.username.data, form.password.data, request.remote_addr or "unknown"
            )
        except LoginRefused as refused:
            form.password.errors = [str(refused)]
        else:
            lang = session.get("lang")
            session.clear()  # a fresh session at sign-in
            if lang:
                session["lang"] = lang
            login_user(user)
            return redirect(_safe_next(form.next.data))
    status = 200 if not form.errors else 422
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    if LogoutForm().validate_on_submit():
        accounts.record_logout(current_user.username)
        lang = session.get("lang")
        logout_user()
        session.clear()
        if lang:
            session["lang"] = lang
        flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/language")
def language():
    form = LanguageForm()
    if not form.validate_on_submit() or form.lang.data not in ("sv", "en"):
        abort(400)
    session["lang"] = form.lang.data
    if current_user.is_authenticated:
        accounts.set_locale(current_user, form.lang.data)
    return redirect(_safe_next(form.next.data))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_own_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except InvalidInput as error:
            show_errors(form, error)
        else:
            # The change ended every session of the user: this one goes on under the new id.
            login_user(current_user._get_current_object())
            flash(_("Your password is changed."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)

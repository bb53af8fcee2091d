"""Units' daily reports (form, upload), regions' crisis levels, and the units' admin pages.

A double submit stores once: the form carries its time (as of, set when the page was opened),
and `file_report` finds the very same report already stored for that time and stores nothing.
"""

import base64
import binascii
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from supplyapp import clock, exports
from supplyapp.i18n import _
from supplyapp.imports import ImportRejected
from supplyapp.models import Organisation, Role
from supplyapp.models.intensive_care import FIGURES, IcuUnit, ReportChannel
from supplyapp.permissions import (
    NATIONAL_ROLES,
    can_report_for_region,
    can_report_for_unit,
    can_see_organisation,
    can_set_crisis_level,
    roles_required,
)
from supplyapp.queries import intensive_care as icu_queries
from supplyapp.queries import reference as reference_queries
from supplyapp.services import icu_import
from supplyapp.services import intensive_care as icu
from supplyapp.services.errors import DomainError, InvalidInput, NotFound
from supplyapp.web.intensive_care import forms
from supplyapp.web.intensive_care.blueprint import bp
from supplyapp.web.views import show_errors

REPORTERS = (Role.ADMIN, Role.REQUESTER, Role.ICU_REPORTER)
REGION_USERS = (Role.ADMIN, Role.REQUESTER)
CRISIS_READERS = (*NATIONAL_ROLES, Role.REQUESTER, Role.COUNTY)
ANSWERS = {"yes": True, "no": False}


def _found[T](lookup: Callable[[str], T], code: str) -> T:
    try:
        return lookup(code)
    except NotFound:
        abort(404)


def _unit(code: str) -> IcuUnit:
    """The unit in the URL, if the user reports for it."""
    unit = _found(icu.get_unit, code)
    if not can_report_for_unit(current_user, unit):
        abort(403)
    return unit


def _region(code: str, may: Callable[[Any, Organisation], bool]) -> Organisation:
    """The region in the URL, if `may` lets the user in."""
    region = _found(icu.get_region, code)
    if not may(current_user, region):
        abort(403)
    return region


def _local(value: datetime) -> datetime:
    """A time typed in the form: Swedish time."""
    return value.replace(tzinfo=clock.zone())


def _now_field() -> datetime:
    return clock.now_local().replace(second=0, microsecond=0, tzinfo=None)


@bp.get("/units/")
@roles_required(*REPORTERS)
def report_units():
    """The units the user reports for, by region, with today's status: the entry point."""
    today = icu_queries.reports_of_day()
    levels = icu_queries.crisis_levels()
    by_region: dict = defaultdict(list)
    for unit in icu_queries.units():
        if can_report_for_unit(current_user, unit):
            by_region[unit.region].append(unit)
    regions = [
        {
            "region": region,
            "units": units,
            "reported": sum(unit.id in today for unit in units),
            "level": levels.get(region.id),
            "may_upload": can_report_for_region(current_user, region),
        }
        for region, units in by_region.items()
    ]
    return render_template(
        "intensive_care/unit_list.html",
        regions=regions,
        today_reports=today,
        today=clock.today(),
        crisis_labels=forms.labels(forms.CRISIS_LEVELS),
    )


def _report_input(form, unit_code: str) -> icu.ReportInput:
    return icu.ReportInput(
        unit_code=unit_code,
        figures={name: form[name].data for name in FIGURES},
        as_of=_local(form.as_of.data),
        assessment=form.assessment.data or None,
        limits=tuple(form.limits.data or ()),
        staff_shortage_today=ANSWERS.get(form.staff_shortage_today.data or ""),
        staff_shortage_7d=ANSWERS.get(form.staff_shortage_7d.data or ""),
        note=form.note.data,
        confirmed=tuple(name for name in FIGURES if form[forms.confirm_field(name)].data),
    )


def _prefill(form, previous) -> None:
    form.as_of.data = _now_field()
    if previous is None:
        return
    for name in FIGURES:
        form[name].data = getattr(previous, name)
    form.assessment.data = previous.assessment.value if previous.assessment else None
    form.limits.data = list(previous.limits)
    for name in ("staff_shortage_today", "staff_shortage_7d"):
        value = getattr(previous, name)
        form[name].data = None if value is None else ("yes" if value else "no")


@bp.route("/units/<code>/report", methods=["GET", "POST"])
@roles_required(*REPORTERS)
def report_form(code):
    unit = _unit(code)
    previous = icu.previous_report(unit.id)
    form = forms.ReportForm()
    warnings: dict[str, str] = {}
    if request.method == "GET":
        _prefill(form, previous)
    elif form.validate_on_submit():
        try:
            filed = icu.file_report(_report_input(form, unit.code), ReportChannel.FORM)
        except icu.NeedsConfirmation as error:
            warnings = error.warnings
        except InvalidInput as error:
            show_errors(form, error)
        else:
            if filed.stored:
                flash(_("Report saved for %(unit)s.", unit=unit.name), "success")
            else:
                flash(_("This report was saved already; nothing was saved twice."), "success")
            return redirect(url_for(".report_units"))
    return render_template(
        "intensive_care/report_form.html",
        unit=unit,
        form=form,
        previous=previous,
        warnings=warnings,
        groups=forms.GROUP_LABELS,
        group_figures=[f for f in FIGURES if f.startswith(("adult_", "child_"))],
        confirm_field=forms.confirm_field,
    )


# ---------------------------------------------------------------------------------------------
# The region's file


@bp.get("/regions/<code>/template.<fmt>")
@roles_required(*REGION_USERS)
def report_template(code, fmt):
    region = _region(code, can_report_for_region)
    return exports.download(icu_import.template_frame(code), f"iva-rapport-{region.code}", fmt)


@bp.route("/regions/<code>/upload", methods=["GET", "POST"])
@roles_required(*REGION_USERS)
def report_upload(code):
    region = _region(code, can_report_for_region)
    form = forms.UploadForm()
    if request.method == "GET":
        form.as_of.data = _now_field()
    elif form.validate_on_submit():
        upload = form.file.data
        return _import(region, upload.read(), upload.filename, form.as_of.data, frozenset())
    return render_template("intensive_care/upload.html", region=region, form=form)


@bp.post("/regions/<code>/upload/confirm")
@roles_required(*REGION_USERS)
def report_upload_confirm(code):
    region = _region(code, can_report_for_region)
    form = forms.UploadConfirmForm()
    try:
        data = base64.b64decode(form.content.data or "", validate=True)
        as_of = datetime.strptime(form.as_of.data or "", forms.MINUTES)
    except (binascii.Error, ValueError):
        abort(400)
    if not data:
        abort(400)
    confirmed = frozenset((form.keys.data or "").split()) if form.confirm.data else frozenset()
    if not form.validate_on_submit():
        if set(form.errors) - {"confirm"}:
            abort(400)  # the form has expired or was not ours
        # Not ticked: the warnings again, with the error beside the box.
        return _import(region, data, form.filename.data, as_of, frozenset(), form)
    return _import(region, data, form.filename.data, as_of, confirmed)


def _import(region, data: bytes, filename: str, as_of: datetime, confirmed, confirm_form=None):
    """Import the file; the page for what came of it."""
    form = forms.UploadForm(formdata=None, as_of=as_of)
    try:
        filed = icu_import.import_reports(region.code, data, filename, _local(as_of), confirmed)
    except ImportRejected as error:
        problems = [str(e) for e in error.errors[:100]]
        return render_template(
            "intensive_care/upload.html", region=region, form=form, problems=problems
        ), 422
    except icu_import.UploadNeedsConfirmation as error:
        confirm = confirm_form or forms.UploadConfirmForm(formdata=None)
        confirm.as_of.data = as_of.strftime(forms.MINUTES)
        confirm.content.data = base64.b64encode(data).decode("ascii")
        confirm.filename.data = filename
        confirm.keys.data = " ".join(w.key for w in error.warnings)
        return render_template(
            "intensive_care/upload_confirm.html",
            region=region,
            warnings=error.warnings,
            form=confirm,
            unit_names={u.code: u.name for u in icu_queries.units(True, region.id)},
            figure_name=forms.figure_name,
        )
    except DomainError as error:
        flash(str(error), "error")
        return render_template("intensive_care/upload.html", region=region, form=form), 422
    stored = sum(f.stored for f in filed)
    flash(
        _(
            "Reports saved from the file: %(stored)s units (%(same)s already saved as they are).",
            stored=stored,
            same=len(filed) - stored,
        ),
        "success",
    )
    return redirect(url_for(".report_units"))


# ---------------------------------------------------------------------------------------------
# Crisis levels


@bp.route("/regions/<code>/crisis-level", methods=["GET", "POST"])
@roles_required(*CRISIS_READERS)
def crisis_level(code):
    region = _region(code, can_see_organisation)
    may_set = can_set_crisis_level(current_user, region)
    form = forms.CrisisLevelForm()
    if request.method == "POST":
        if not may_set:
            abort(403)
        if form.validate_on_submit():
            try:
                icu.set_crisis_level(region.code, form.level.data or "", form.note.data)
            except InvalidInput as error:
                show_errors(form, error)
            else:
                flash(_("Crisis level set for %(region)s.", region=region.name), "success")
                return redirect(url_for(".crisis_level", code=region.code))
    history = icu_queries.crisis_history(region.id)
    if request.method == "GET" and history:
        form.level.data = history[0].level.value
    return render_template(
        "intensive_care/crisis_level.html",
        region=region,
        form=form,
        history=history,
        may_set=may_set,
        labels=forms.labels(forms.CRISIS_LEVELS),
    )


# ---------------------------------------------------------------------------------------------
# The units' admin


@bp.get("/admin/units/")
@roles_required(Role.ADMIN)
def unit_admin_list():
    return render_template(
        "intensive_care/unit_admin_list.html",
        units=icu_queries.units(include_closed=True),
        kinds=forms.UNIT_KINDS,
    )


UNIT_VALUES = (
    "code",
    "name",
    "hospital",
    "town",
    "region",
    "provider",
    "kind",
    "category",
    "has_ecmo",
    "reference_places",
    "lat",
    "lon",
)


def _unit_form(unit: IcuUnit | None = None) -> forms.UnitForm:
    """The unit's form: what was posted, else the unit's values (an empty post saves them)."""
    data = None
    if unit is not None:
        data = {
            name: getattr(unit, name)
            for name in UNIT_VALUES
            if name not in ("region", "provider", "kind")
        }
        data |= {
            "region": unit.region.code,
            "provider": unit.provider.code if unit.provider else "",
            "kind": unit.kind.value,
            "category": unit.category or "",
        }
    form = forms.UnitForm(data=data)
    regions = reference_queries.reference_records("organisations", "region")
    form.region.choices = [SelectChoice(o.code, f"{o.code} {o.name}") for o in regions]
    form.provider.choices = [SelectChoice("", "–")] + [
        SelectChoice(o.code, o.name)
        for o in reference_queries.reference_records("organisations", "care_provider")
    ]
    return form


def _unit_values(form) -> dict:
    return {name: form[name].data for name in UNIT_VALUES}


@bp.route("/admin/units/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def unit_new():
    form = _unit_form()
    if form.validate_on_submit():
        try:
            unit = icu.save_unit(_unit_values(form))
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("Unit %(code)s added.", code=unit.code), "success")
            return redirect(url_for(".unit_admin_list"))
    return render_template("intensive_care/unit_admin_form.html", form=form, unit=None)


@bp.route("/admin/units/<code>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def unit_edit(code):
    unit = _found(icu.get_unit, code)
    form = _unit_form(unit)
    if form.validate_on_submit():
        try:
            icu.save_unit(_unit_values(form), code=unit.code)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("Unit %(code)s saved.", code=unit.code), "success")
            return redirect(url_for(".unit_admin_list"))
    close_form = forms.CloseUnitForm(formdata=None, closed_on=clock.today())
    return render_template(
        "intensive_care/unit_admin_form.html", form=form, unit=unit, close_form=close_form
    )


@bp.post("/admin/units/<code>/close")
@roles_required(Role.ADMIN)
def unit_close(code):
    unit = _found(icu.get_unit, code)
    close_form = forms.CloseUnitForm()
    if close_form.validate_on_submit():
        try:
            icu.close_unit(unit.code, close_form.closed_on.data)
        except InvalidInput as error:
            show_errors(close_form, error)
        else:
            flash(_("Unit %(code)s closed; its reports are kept.", code=unit.code), "success")
            return redirect(url_for(".unit_admin_list"))
    return render_template(
        "intensive_care/unit_admin_form.html",
        form=_unit_form(unit),
        unit=unit,
        close_form=close_form,
    ), 422

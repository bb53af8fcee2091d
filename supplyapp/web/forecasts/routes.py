"""Forecasts and scenarios (prognoser och omfall).

Officers define, change and run scenarios and try an allocation round on one; the national
roles (admin, officer, logistics, viewer) read every scenario, run and comparison. Organisation-
bound users do not see national forecasts.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale

from supplyapp import exports
from supplyapp.i18n import _
from supplyapp.imports import ImportRejected
from supplyapp.models import Role
from supplyapp.permissions import NATIONAL_ROLES, roles_required
from supplyapp.queries import forecasts as forecast_queries
from supplyapp.services import forecasts as forecast_service
from supplyapp.services import forecasts_scenarios as scenario_service
from supplyapp.services.errors import DomainError, InvalidInput, known_id
from supplyapp.web.forecasts import forms
from supplyapp.web.views import show_errors

bp = Blueprint("forecasts", __name__, url_prefix="/forecasts")
OFFICERS = (Role.OFFICER,)
MAX_COMPARED = 3
WEEKS = forecast_service.WEEKS


def _scenario(scenario_id: int):
    scenario = forecast_queries.scenario(scenario_id) if known_id(scenario_id) else None
    if scenario is None:
        abort(404)
    return scenario


def _run(run_id: int):
    run = forecast_queries.run(run_id) if known_id(run_id) else None
    if run is None:
        abort(404)
    return run


def scenario_name(scenario) -> str:
    return _("Base") if scenario.is_base else scenario.name


@bp.app_template_global("scenario_name")
def _scenario_name(scenario) -> str:
    return scenario_name(scenario)


@bp.app_template_global("item_name")
def _item_name(item: dict) -> str:
    return item["name_en"] if str(get_locale()) == "en" else item["name_sv"]


@bp.get("/")
@roles_required(*NATIONAL_ROLES)
def index():
    scenarios = forecast_queries.scenarios()
    latest = {s.id: forecast_queries.latest_run(s.id) for s in scenarios}
    base = next((s for s in scenarios if s.is_base), None)
    base_run = latest.get(base.id) if base else None
    return render_template(
        "forecasts/index.html",
        scenarios=scenarios,
        latest=latest,
        base_run=base_run,
        alerts=forecast_queries.start_page_alerts(base_run),
        run_form=forms.RunForm(),
    )


@bp.post("/base/run")
@roles_required(*OFFICERS)
def run_base():
    run = forecast_service.refresh_base()
    flash(_("The base scenario was run on today's figures."), "success")
    return redirect(url_for("forecasts.scenario_detail", scenario_id=run.scenario_id))


def _choices(form: forms.ScenarioForm) -> None:
    suppliers = [(s["code"], s["name"]) for s in forecast_queries.suppliers()]
    form.failed_suppliers.choices = suppliers
    form.delayed_suppliers.choices = suppliers
    form.lost_warehouses.choices = [(w["code"], w["name"]) for w in forecast_queries.warehouses()]


def _table(form: forms.ScenarioForm) -> dict | None:
    upload = form.admissions_file.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    return scenario_service.read_admissions_file(upload.read(), upload.filename)


def _save(form: forms.ScenarioForm, scenario=None):
    """Save the form through the service; the page again with what was wrong."""
    template = "forecasts/scenario_form.html"
    try:
        table = _table(form)
        if scenario is None:
            saved = scenario_service.define_scenario(form.name.data, form.settings(), table)
        else:
            saved = scenario_service.change_scenario(
                scenario.id, form.name.data, form.settings(), table
            )
    except ImportRejected as error:
        problems = [str(e) for e in error.errors[:100]]
        return render_template(template, form=form, scenario=scenario, problems=problems), 422
    except InvalidInput as error:
        show_errors(form, error)
        return render_template(template, form=form, scenario=scenario), 422
    flash(
        _("The scenario %(name)s was saved. Run it to see its forecast.", name=saved.name),
        "success",
    )
    return redirect(url_for("forecasts.scenario_detail", scenario_id=saved.id))


@bp.route("/scenarios/new", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def scenario_new():
    form = forms.ScenarioForm()
    _choices(form)
    if form.validate_on_submit():
        return _save(form)
    status = 422 if form.is_submitted() else 200
    return render_template("forecasts/scenario_form.html", form=form, scenario=None), status


@bp.route("/scenarios/<int:scenario_id>/edit", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def scenario_edit(scenario_id):
    scenario = _scenario(scenario_id)
    if scenario.is_base:
        abort(404)
    form = forms.ScenarioForm()
    _choices(form)
    if request.method == "GET":
        form.fill(scenario.name, scenario_service.settings_of(scenario))
    elif form.validate_on_submit():
        return _save(form, scenario)
    status = 422 if form.is_submitted() else 200
    return render_template("forecasts/scenario_form.html", form=form, scenario=scenario), status


@bp.post("/scenarios/<int:scenario_id>/run")
@roles_required(*OFFICERS)
def scenario_run(scenario_id):
    scenario = _scenario(scenario_id)
    if not forms.RunForm().validate_on_submit():
        abort(400)
    try:
        forecast_service.run_scenario(scenario.id)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(_("The scenario was run on today's figures."), "success")
    return redirect(url_for("forecasts.scenario_detail", scenario_id=scenario.id))


BAR_WIDTH = 170  # px for 26 weeks: every item on the same scale of weeks


def _weeks_px(week: int | None) -> float:
    """A run-out week as a bar's length; not within the 26 weeks: the whole bar."""
    return round(BAR_WIDTH * (WEEKS if week is None else week) / WEEKS, 1)


@bp.get("/scenarios/<int:scenario_id>/allocation")
@roles_required(*OFFICERS)
def scenario_allocation(scenario_id):
    """An allocation round tried on the scenario: nothing is proposed or stored."""
    scenario = _scenario(scenario_id)
    try:
        tried = forecast_service.try_allocation(scenario.id)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(url_for("forecasts.scenario_detail", scenario_id=scenario.id))
    return render_template("forecasts/allocation.html", scenario=scenario, tried=tried)


def _line(values: list[float], top: float, width: int = 300, height: int = 80) -> str:
    step = width / max(len(values) - 1, 1)
    return " ".join(
        f"{i * step:.1f},{height - min(v, top) / top * (height - 4):.1f}"
        for i, v in enumerate(values)
    )


def _region_charts(regions: list[dict], days: int = 56) -> dict[str, dict]:
    """Per region: demand over the first `days` days against its staffed places (the dashed
    line), on a scale up to twice the places or the peak, whichever is lower."""
    result = {}
    for region in regions:
        demand = region["demand"][:days]
        top = max(min(max(demand + [1]), 2 * max(region["staffed"], 1)), region["staffed"] * 1.1, 1)
        result[region["code"]] = {
            "points": _line(demand, top),
            "staffed_y": 80 - region["staffed"] / top * 76,
            "width": 300,
            "height": 80,
        }
    return result


@bp.get("/scenarios/<int:scenario_id>")
@roles_required(*NATIONAL_ROLES)
def scenario_detail(scenario_id):
    scenario = _scenario(scenario_id)
    runs = forecast_queries.runs(scenario.id)
    return _run_page(scenario, runs[0] if runs else None, runs)


@bp.get("/runs/<int:run_id>")
@roles_required(*NATIONAL_ROLES)
def run_detail(run_id):
    run = _run(run_id)
    return _run_page(run.scenario, run, forecast_queries.runs(run.scenario_id))


def _run_page(scenario, run, runs):
    regions = forecast_queries.run_regions(run) if run else []
    items = forecast_queries.run_items(run) if run else []
    settings, labels = scenario_service.settings_of(scenario), _labels()

    def named(kind: str, keys: list[str]) -> list:
        return [labels[kind].get(key, key) for key in keys]

    return render_template(
        "forecasts/scenario.html",
        scenario=scenario,
        settings=settings,
        named={
            "failed": named("channels", settings["failed_channels"])
            + named("suppliers", settings["failed_suppliers"]),
            "late": named("channels", settings["delayed_channels"])
            + named("suppliers", settings["delayed_suppliers"]),
            "lost": named("warehouses", settings["lost_warehouses"]),
        },
        run=run,
        runs=runs,
        regions=regions,
        items=[{**i, "weeks_px": _weeks_px(i["run_out_week"])} for i in items],
        region_charts=_region_charts(regions),
        against=forecast_queries.forecast_against_actual(run) if run else None,
        labels=labels,
        run_form=forms.RunForm(),
    )


def _labels() -> dict:
    return {
        "channels": forms.labels(forms.CHANNELS),
        "conservation": forms.labels(forms.CONSERVATION),
        "methods": forms.labels(forms.ICU_METHODS),
        "suppliers": {s["code"]: s["name"] for s in forecast_queries.suppliers()},
        "warehouses": {w["code"]: w["name"] for w in forecast_queries.warehouses()},
    }


def _compared_runs():
    ids = request.args.getlist("s", type=int)[:MAX_COMPARED]
    scenarios = [_scenario(i) for i in dict.fromkeys(ids)]
    pairs = [(s, forecast_queries.latest_run(s.id)) for s in scenarios]
    return [(s, r) for s, r in pairs if r is not None]


@bp.get("/compare")
@roles_required(*NATIONAL_ROLES)
def compare():
    pairs = _compared_runs()
    if not pairs:
        flash(_("Choose two or three scenarios that have been run."), "error")
        return redirect(url_for("forecasts.index"))
    runs = [r for _, r in pairs]
    data = forecast_queries.comparison(runs)
    top = max([max(n[:56] + [1]) for n in data["nation"]] + [max(data["staffed"] + [1]) * 1.1])
    lines = [_line(n[:56], top, 560, 160) for n in data["nation"]]
    bars = [{**row, "px": [_weeks_px(w) for w in row["weeks"]]} for row in data["items"]]
    return render_template(
        "forecasts/compare.html",
        pairs=pairs,
        data=data,
        lines=lines,
        staffed_y=160 - data["staffed"][0] / top * 156 if data["staffed"] else None,
        bars=bars,
        ids=[s.id for s, _ in pairs],
    )


@bp.get("/compare/export.<fmt>")
@roles_required(*NATIONAL_ROLES)
def compare_export(fmt):
    pairs = _compared_runs()
    frame = forecast_queries.comparison_frame(
        [r for _, r in pairs], [scenario_name(s) for s, _ in pairs]
    )
    return exports.download(frame, "prognos-jamforelse", fmt)


EXPORTS = {
    "items": (forecast_queries.items_frame, "prognos-artiklar"),
    "weeks": (forecast_queries.weekly_frame, "prognos-veckor"),
    "regions": (forecast_queries.regions_frame, "prognos-iva"),
    "error": (forecast_queries.error_frame, "prognos-utfall"),
}


@bp.get("/runs/<int:run_id>/<table>.<fmt>")
@roles_required(*NATIONAL_ROLES)
def run_export(run_id, table, fmt):
    run = _run(run_id)
    if table not in EXPORTS:
        abort(404)
    frame_of, basename = EXPORTS[table]
    return exports.download(frame_of(run), basename, fmt)

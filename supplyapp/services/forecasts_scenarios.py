"""Scenarios (omfall): an officer's suppositions, checked and kept; the base scenario supposes
nothing and always exists. Running a scenario is services/forecasts.py's business."""

from datetime import date

import pandas as pd

from supplyapp import audit, clock
from supplyapp.extensions import db
from supplyapp.i18n import _
from supplyapp.imports import ImportRejected, RowError, read_table
from supplyapp.models.forecasts import Scenario
from supplyapp.queries import forecasts as forecast_queries
from supplyapp.services.errors import DomainError, InvalidInput, NotFound
from supplyapp.services.transaction import use_case

CHANNELS = ("ordered", "called_off", "donated", "contracted")
CONSERVATION = ("standard", "contingency", "crisis")
# How admissions to intensive care are worked out: today's covid census growing by a doubling
# time (fitted to the last weeks when not given), an uploaded table of admissions, or an
# uploaded table of cases x a probability of intensive care after a delay.
ICU_METHODS = ("doubling", "table", "cases")
LENGTHS_OF_STAY = (10, 14, 21)
ICU_PROBABILITIES = (0.01, 0.03, 0.05)
BASE_NAME = "Bas"  # the stored name; pages word it in the reader's language
DEFAULTS: dict = {
    "use_factor": 1.0,
    "failed_channels": [],
    "failed_suppliers": [],
    "delayed_channels": [],
    "delayed_suppliers": [],
    "delay_weeks": 0,
    "lost_warehouses": [],
    "conservation": "standard",
    "icu_method": "doubling",
    "doubling_days": None,  # None: fitted to the census
    "length_of_stay": 14,
    "icu_probability": 0.03,
    "admission_delay_days": 10,
}


class ScenarioInUse(DomainError):
    """The base scenario cannot be changed or removed."""


def settings_of(scenario: Scenario) -> dict:
    """The scenario's settings with every key present."""
    return DEFAULTS | (scenario.settings or {})


def clean_settings(raw: dict) -> dict:
    """The settings checked, or InvalidInput naming each bad field."""
    errors: dict[str, str] = {}
    settings = dict(DEFAULTS)
    known_suppliers = {s["code"] for s in forecast_queries.suppliers()}
    known_warehouses = {w["code"] for w in forecast_queries.warehouses()}
    for key, value in raw.items():
        if key not in DEFAULTS:
            errors[key] = _("Unknown setting.")
            continue
        problem = _check(key, value, known_suppliers, known_warehouses)
        if problem:
            errors[key] = problem
        else:
            settings[key] = _normal(key, value)
    if not errors and (settings["delayed_channels"] or settings["delayed_suppliers"]):
        if not settings["delay_weeks"]:
            errors["delay_weeks"] = _("Say how many weeks late the deliveries come.")
    if errors:
        raise InvalidInput(errors)
    return settings


def _number(value, low: float, high: float, whole: bool = False) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _("A number.")
    if whole and not float(value).is_integer():
        return _("A whole number.")
    if not low <= value <= high:
        return _("From %(low)s to %(high)s.", low=low, high=high)
    return None


def _codes(value, known) -> str | None:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        return _("A list of codes.")
    unknown = [v for v in value if v not in known]
    if unknown:
        return _("Unknown: %(codes)s.", codes=", ".join(unknown))
    return None


def _check(key: str, value, suppliers: set, warehouses: set) -> str | None:
    if key == "use_factor":
        return _number(value, 0.1, 10)
    if key in ("failed_channels", "delayed_channels"):
        return _codes(value, CHANNELS)
    if key in ("failed_suppliers", "delayed_suppliers"):
        return _codes(value, suppliers)
    if key == "lost_warehouses":
        return _codes(value, warehouses)
    if key == "delay_weeks":
        return _number(value, 0, 26, whole=True)
    if key == "conservation":
        return None if value in CONSERVATION else _("Standard, contingency or crisis.")
    if key == "icu_method":
        return None if value in ICU_METHODS else _("Doubling time, admissions table or cases.")
    if key == "doubling_days":
        return None if value is None else _number(value, 1, 365)
    if key == "length_of_stay":
        return None if value in LENGTHS_OF_STAY else _("10, 14 or 21 days.")
    if key == "icu_probability":
        return None if value in ICU_PROBABILITIES else _("1, 3 or 5 per cent.")
    if key == "admission_delay_days":
        return _number(value, 0, 30, whole=True)
    return None


def _normal(key: str, value):
    if key in ("delay_weeks", "length_of_stay", "admission_delay_days"):
        return int(value)
    if key in ("use_factor", "icu_probability") or (key == "doubling_days" and value is not None):
        return float(value)
    if isinstance(value, list | tuple):
        return sorted(dict.fromkeys(value))
    return value


def _clean_name(name: str, scenario_id: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput({"name": _("Give the scenario a name.")})
    if len(name) > 80:
        raise InvalidInput({"name": _("At most %(n)s characters.", n=80)})
    other = forecast_queries.scenario_named(name)
    if (other is not None and other.id != scenario_id) or name == BASE_NAME:
        raise InvalidInput({"name": _("A scenario with this name exists already.")})
    return name


@use_case
def ensure_base() -> Scenario:
    """The base scenario, made when missing: today's figures, nothing supposed."""
    base = forecast_queries.base_scenario()
    if base is None:
        base = Scenario(
            name=BASE_NAME,
            is_base=True,
            settings=dict(DEFAULTS),
            created_by=audit.current_actor_name(),
        )
        db.session.add(base)
    return base


@use_case
def define_scenario(name: str, settings: dict, table: dict | None = None) -> Scenario:
    """A new scenario; `table`: a checked admissions table from read_admissions_file."""
    cleaned = clean_settings(settings)
    _needs_table(cleaned, table)
    scenario = Scenario(
        name=_clean_name(name),
        settings=cleaned,
        admissions_json=table["rows"] if table else None,
        admissions_file=table["filename"] if table else None,
        created_by=audit.current_actor_name(),
    )
    db.session.add(scenario)
    return scenario


@use_case
def change_scenario(
    scenario_id: int, name: str, settings: dict, table: dict | None = None
) -> Scenario:
    """Change a scenario's name and suppositions (its kept runs stay as they were run); a new
    table replaces the old one, none keeps it."""
    scenario = _editable(scenario_id)
    cleaned = clean_settings(settings)
    if table is None and scenario.admissions_json:
        table = {"rows": scenario.admissions_json, "filename": scenario.admissions_file}
    _needs_table(cleaned, table)
    scenario.name = _clean_name(name, scenario.id)
    scenario.settings = cleaned
    scenario.admissions_json = table["rows"] if table else None
    scenario.admissions_file = table["filename"] if table else None
    scenario.updated_at = clock.utcnow()
    return scenario


def _needs_table(settings: dict, table: dict | None) -> None:
    if settings["icu_method"] in ("table", "cases") and not table:
        raise InvalidInput({"admissions_file": _("Upload the table this method reads.")})


def _editable(scenario_id: int) -> Scenario:
    scenario = forecast_queries.scenario(scenario_id)
    if scenario is None:
        raise NotFound(_("No such scenario."))
    if scenario.is_base:
        raise ScenarioInUse(_("The base scenario supposes nothing and cannot be changed."))
    return scenario


# ---------------------------------------------------------------------------------------------
# An uploaded admissions (or cases) table

TABLE_REASONS = {
    "missing_column": lambda a: _(
        "no such column (headings accepted: %(accepted)s)", accepted=", ".join(a["accepted"])
    ),
    "ambiguous_column": lambda a: _("more than one column for this field"),
    "missing": lambda a: _("empty"),
    "unknown_region": lambda a: _("unknown region %(value)s", value=repr(a["value"])),
    "bad_date": lambda a: _("%(value)s is not a date (write it as 2020-04-01)", value=a["value"]),
    "before_first_day": lambda a: _(
        "%(value)s is before the first day %(first)s", value=a["value"], first=a["first_day"]
    ),
    "not_a_number": lambda a: _("%(value)s is not a number", value=repr(a["value"])),
    "negative": lambda a: _("a negative number (%(value)s)", value=f"{a['value']:g}"),
    "duplicate": lambda a: _(
        "region %(region)s has %(day)s already on row %(row)s",
        region=a["region"],
        day=a["date"],
        row=a["first_row"],
    ),
    "missing_days": lambda a: _(
        "region %(region)s has no rows from %(start)s to %(end)s",
        region=a["region"],
        start=a["from"],
        end=a["to"],
    ),
}
FIELD_NAMES = {"region": "region", "date": "date", "admissions": "admissions"}


def read_admissions_file(data: bytes, filename: str) -> dict:
    """A CSV or Excel table of region, date and admissions (or cases) per day, checked by the
    forecasting package: {"rows": [...], "filename"}; ImportRejected naming every bad row in
    the reader's language. Nothing is stored here."""
    from forecasting import TableError, read_admissions_table

    frame = read_table(data, filename)
    known = {r["code"]: r["name"] for r in forecast_queries.regions()}
    try:
        table = read_admissions_table(_trimmed(frame), known)
    except TableError as error:
        raise ImportRejected(
            [
                RowError(
                    p.row if p.row > 1 else None, FIELD_NAMES.get(p.field, p.field), _reason(p)
                )
                for p in error.problems
            ]
        ) from None
    rows = [
        {"region": region, "day": day.isoformat(), "admissions": value}
        for region, days in table.admissions.items()
        for day, value in days.items()
    ]
    if not rows:
        raise ImportRejected([RowError(None, None, _("the file has no rows"))])
    return {"rows": rows, "filename": filename[:200]}


def _trimmed(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells as the package reads them: blanks as missing."""
    return frame.replace({"": None})


def _reason(problem) -> str:
    word = TABLE_REASONS.get(problem.code)
    return word(problem.args) if word else problem.message


def table_first_day(rows: list[dict]) -> date | None:
    return min((date.fromisoformat(r["day"]) for r in rows), default=None)

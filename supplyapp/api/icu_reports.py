"""API: units' daily reports from hospital systems.

A user's token of a role that may report (an ICU reporter for its unit, a region's or
provider's user for its units, an admin for any), or an organisation's token of a region or
care provider for its own units. The same rules as the form: refusals name each field (422);
jumps against the previous report come back as 409 with `warnings`, and are confirmed by
sending the report again with those fields in `confirm`. The same report sent again for the
same `as_of` is stored once (200 instead of 201).
"""

from datetime import datetime

from flask import abort, g, jsonify

from supplyapp import clock
from supplyapp.api import INVALID_INPUT, SCHEMAS, endpoint, json_body
from supplyapp.models import Role
from supplyapp.models.intensive_care import FIGURES, Assessment, IcuReport, Limit, ReportChannel
from supplyapp.permissions import can_report_for_unit
from supplyapp.services import accounts
from supplyapp.services import intensive_care as icu
from supplyapp.services.errors import InvalidInput, NotFound

REPORTERS = (Role.ADMIN, Role.REQUESTER, Role.ICU_REPORTER)
TAG = "intensive care"
FIGURE = {"type": "integer", "minimum": 0, "maximum": 300, "nullable": True}
FIGURE_OUT = {"type": "integer", "nullable": True}
YES_NO = {"type": "boolean", "nullable": True}
FIELDS = {
    "unit": {"type": "string", "maxLength": 40},
    "as_of": {
        "type": "string",
        "format": "date-time",
        "description": "When the figures held; now if left out. Without an offset: Swedish time.",
    },
    **{name: FIGURE for name in FIGURES},
    "assessment": {
        "type": "string",
        "enum": [a.value for a in Assessment],
        "nullable": True,
    },
    "limits": {
        "type": "array",
        "maxItems": 4,
        "items": {"type": "string", "enum": [limit.value for limit in Limit]},
    },
    "staff_shortage_today": YES_NO,
    "staff_shortage_7d": YES_NO,
    "note": {"type": "string", "maxLength": 1000, "nullable": True},
    "confirm": {
        "type": "array",
        "maxItems": len(FIGURES),
        "items": {"type": "string", "enum": list(FIGURES)},
        "description": "The fields whose jump warnings you confirm",
    },
}
SCHEMAS["IcuReportIn"] = {
    "type": "object",
    "required": ["unit"],
    "properties": FIELDS,
    "additionalProperties": False,
}
SCHEMAS["IcuReport"] = {
    "type": "object",
    "required": ["id", "unit", "report_date", "as_of", "version", "figures", "confirmed"],
    "properties": {
        "id": {"type": "integer"},
        "unit": {"type": "string"},
        "report_date": {"type": "string", "format": "date"},
        "as_of": {"type": "string", "format": "date-time"},
        "version": {"type": "integer"},
        "figures": {
            "type": "object",
            "properties": {name: FIGURE_OUT for name in FIGURES},
        },
        "assessment": {"type": "string", "nullable": True},
        "limits": {"type": "array", "items": {"type": "string"}},
        "staff_shortage_today": YES_NO,
        "staff_shortage_7d": YES_NO,
        "confirmed": {"type": "array", "items": {"type": "string"}},
        "reported_by": {"type": "string"},
    },
}
SCHEMAS["IcuJumpWarnings"] = {
    "type": "object",
    "required": ["error", "message", "status", "warnings"],
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string"},
        "status": {"type": "integer"},
        "warnings": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


def _json(description: str, name: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
    }


@endpoint(
    "/icu/reports",
    "post",
    roles=REPORTERS,
    tag=TAG,
    body={"$ref": "#/components/schemas/IcuReportIn"},
    summary="A unit's daily report (a new version if the unit reported that day)",
    responses={
        "201": _json("The report, stored", "IcuReport"),
        "200": _json("The same report was stored already: nothing new", "IcuReport"),
        "400": {"description": "The body is not a JSON object", "content": ERROR},
        "409": _json("Figures jump against the previous report: confirm them", "IcuJumpWarnings"),
        "415": {"description": "The body is not sent as JSON", "content": ERROR},
        **INVALID_INPUT,
    },
)
def post_icu_report():
    data = json_body()
    report = _report_input(data)
    try:
        unit = icu.get_unit(report.unit_code)
    except NotFound as error:
        raise InvalidInput({"unit": str(error)}) from None
    if not can_report_for_unit(_reporter(), unit):
        abort(403)
    try:
        filed = icu.file_report(report, ReportChannel.API)
    except icu.NeedsConfirmation as error:
        body = {
            "error": "conflict",
            "message": "Figures jump against the previous report: confirm them in `confirm`.",
            "status": 409,
            "warnings": error.warnings,
        }
        return jsonify(body), 409
    return jsonify(_report_json(filed.report)), 201 if filed.stored else 200


def _reporter():
    """Who reports: an ICU reporter's token carries the user's unit; others their role and
    organisation (an organisation's token acts as its requester)."""
    principal = g.api_principal
    if principal.role == Role.ICU_REPORTER:
        return accounts.find_user(principal.name)
    return principal


def _report_input(data: dict) -> icu.ReportInput:
    """The body's values, each checked for its type; every wrong one named."""
    errors = {name: "There is no such field." for name in data if name not in FIELDS}
    unit = data.get("unit")
    if not isinstance(unit, str) or not unit.strip():
        errors["unit"] = "The unit's code is required."
    figures = {}
    for name in FIGURES:
        value = data.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            errors[name] = "A whole number from 0 to 300, or null if not known."
        else:
            figures[name] = value
    as_of = _as_of(data.get("as_of"), errors)
    words = {}
    for name in ("assessment", "note"):
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            errors[name] = "Text, or null."
        words[name] = value
    lists = {}
    for name in ("limits", "confirm"):
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            errors[name] = "A list of texts."
        lists[name] = tuple(value) if isinstance(value, list) else ()
    answers = {}
    for name in ("staff_shortage_today", "staff_shortage_7d"):
        value = data.get(name)
        if value is not None and not isinstance(value, bool):
            errors[name] = "true, false or null."
        answers[name] = value
    if errors:
        raise InvalidInput(errors)
    return icu.ReportInput(
        unit_code=str(unit).strip(),
        figures=figures,
        as_of=as_of,
        assessment=words["assessment"],
        limits=lists["limits"],
        staff_shortage_today=answers["staff_shortage_today"],
        staff_shortage_7d=answers["staff_shortage_7d"],
        note=words["note"],
        confirmed=lists["confirm"],
    )


def _as_of(value, errors: dict) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        errors["as_of"] = "A time such as 2026-11-25T08:30:00+01:00."
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.zone())


def _report_json(report: IcuReport) -> dict:
    return {
        "id": report.id,
        "unit": report.unit.code,
        "report_date": report.report_date.isoformat(),
        "as_of": clock.utc(report.as_of).isoformat(),
        "version": report.version,
        "figures": report.figures(),
        "assessment": report.assessment.value if report.assessment else None,
        "limits": list(report.limits),
        "staff_shortage_today": report.staff_shortage_today,
        "staff_shortage_7d": report.staff_shortage_7d,
        "confirmed": list(report.confirmed_warnings),
        "reported_by": report.reported_by,
    }

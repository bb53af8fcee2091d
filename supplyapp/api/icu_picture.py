"""API: the intensive-care picture, for systems and read-only viewers.

The same figures as the pages (supplyapp/queries/intensive_care.py): every token sees the
national and regional picture; units' figures follow permissions.can_see_unit, a token acting
as its user (an ICU reporter's token: that unit) or as its organisation's user.
"""

from dataclasses import dataclass

from flask import abort, g, jsonify

from supplyapp import clock
from supplyapp.api import NOT_FOUND, SCHEMAS, endpoint
from supplyapp.models import Organisation, Role
from supplyapp.models.intensive_care import FIGURES
from supplyapp.permissions import can_see_unit
from supplyapp.queries import intensive_care as icu_queries

TAG = "intensive care"
NUMBER = {"type": "number", "nullable": True}
INTEGER = {"type": "integer", "nullable": True}
FIGURE_PROPERTIES = {
    **{name: INTEGER for name in icu_queries.SUMS if name != "staffed_known_free"},
    "free_share": NUMBER,
    "band": {"type": "string", "nullable": True, "enum": ["red", "amber", "green", None]},
}
TOTALS_PROPERTIES = {
    **FIGURE_PROPERTIES,
    "covid_share": NUMBER,
    "units": {"type": "integer"},
    "reported": {"type": "integer", "description": "Units that have reported today"},
    "carried": {
        "type": "integer",
        "description": "Units counted with their report of the last two days",
    },
    "coverage": NUMBER,
    "limited": {"type": "integer"},
    "full": {"type": "integer"},
}
SCHEMAS["IcuTotals"] = {
    "type": "object",
    "properties": {
        **TOTALS_PROPERTIES,
        "overdue": {"type": "integer"},
        "change": {"type": "object", "additionalProperties": NUMBER},
    },
}
SCHEMAS["IcuRegion"] = {
    "allOf": [{"$ref": "#/components/schemas/IcuTotals"}],
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "name": {"type": "string"},
        "crisis_level": {"type": "string", "nullable": True},
        "crisis_level_since": {"type": "string", "nullable": True, "format": "date-time"},
    },
}
SCHEMAS["IcuPicture"] = {
    "type": "object",
    "required": ["day", "nation", "regions", "national_signal", "trend"],
    "properties": {
        "day": {"type": "string", "format": "date"},
        "as_of": {"type": "string", "format": "date-time"},
        "national_signal": {"type": "boolean", "description": "National free share under 20 %"},
        "nation": {"$ref": "#/components/schemas/IcuTotals"},
        "regions": {"type": "array", "items": {"$ref": "#/components/schemas/IcuRegion"}},
        "trend": {
            "type": "array",
            "items": {"type": "object", "properties": {"day": {"type": "string"}}},
        },
    },
}
SCHEMAS["IcuUnitStatus"] = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "name": {"type": "string"},
        "last_report_at": {"type": "string", "nullable": True, "format": "date-time"},
        "report_date": {"type": "string", "nullable": True, "format": "date"},
        "reported_today": {"type": "boolean"},
        "counted": {"type": "boolean"},
        "carried": {"type": "boolean"},
        "overdue": {"type": "boolean"},
        "assessment": {"type": "string", "nullable": True},
        "limits": {"type": "array", "items": {"type": "string"}},
        **FIGURE_PROPERTIES,
    },
}
SCHEMAS["IcuReport"] = {
    "type": "object",
    "properties": {
        "report_date": {"type": "string", "format": "date"},
        "version": {"type": "integer"},
        "is_current": {"type": "boolean"},
        "as_of": {"type": "string", "format": "date-time"},
        "reported_by": {"type": "string"},
        "channel": {"type": "string"},
        **{name: INTEGER for name in FIGURES},
    },
}
CODE = [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}]


def _json(description: str, schema: str) -> dict:
    ref = {"$ref": f"#/components/schemas/{schema}"}
    return {"description": description, "content": {"application/json": {"schema": ref}}}


@dataclass(frozen=True)
class _Caller:
    """The token's user as permissions.can_see_unit reads one."""

    role: Role
    organisation: Organisation | None
    icu_unit_id: int | None

    @property
    def organisation_id(self) -> int | None:
        return self.organisation.id if self.organisation else None


def _caller() -> _Caller:
    principal = g.api_principal
    unit_id = None
    if principal.role == Role.ICU_REPORTER:
        unit_id = icu_queries.reporter_unit_id(principal.name)
    return _Caller(principal.role, principal.organisation, unit_id)


def _figures(row: dict) -> dict:
    return {name: row[name] for name in FIGURE_PROPERTIES}


def _totals(row: dict, change: dict) -> dict:
    return {
        **{name: row[name] for name in TOTALS_PROPERTIES},
        "overdue": row["overdue"],
        "change": change,
    }


@endpoint(
    "/icu/picture",
    "get",
    tag=TAG,
    summary="The national intensive-care picture today: Sweden, each region, the 8-week trend",
    responses={"200": _json("The picture", "IcuPicture")},
)
def get_icu_picture():
    data = icu_queries.picture()
    return jsonify(
        day=data["today"].isoformat(),
        as_of=data["now"].isoformat(),
        national_signal=data["national_signal"],
        nation=_totals(data["nation"], data["change"]),
        regions=[_region(row) for row in data["regions"]],
        trend=[
            {
                "day": p["day"].isoformat(),
                **{k: p[k] for k in ("staffed", "occupied", "covid", "free", "free_share")},
                "reported": p["reported"],
                "units": p["units"],
            }
            for p in data["trend"]
        ],
    )


def _region(row: dict) -> dict:
    level = row["crisis_level"]
    return {
        "code": row["code"],
        "name": row["region"].name,
        "crisis_level": level.level.value if level else None,
        "crisis_level_since": clock.utc(level.set_at).isoformat() if level else None,
        **_totals(row, row["change"]),
    }


@endpoint(
    "/icu/regions/{code}",
    "get",
    tag=TAG,
    parameters=CODE,
    summary="A region's picture, with the units the token may see",
    responses={
        "200": {
            "description": "The region and its units",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        **NOT_FOUND,
    },
)
def get_icu_region(code):
    found = icu_queries.region_picture(code)
    if found is None:
        abort(404, "No such region.")
    caller = _caller()
    return jsonify(
        day=found["data"]["today"].isoformat(),
        region=_region(found["row"]),
        units=[_unit(u) for u in found["units"] if can_see_unit(caller, u["unit"])],
    )


def _unit(status: dict) -> dict:
    report = status["report"]
    return {
        "code": status["unit"].code,
        "name": status["unit"].name,
        "last_report_at": clock.utc(report.as_of).isoformat() if report else None,
        "report_date": report.report_date.isoformat() if report else None,
        **{k: status[k] for k in ("reported_today", "counted", "carried", "overdue")},
        "assessment": report.assessment.value if report and report.assessment else None,
        "limits": list(report.limits or ()) if report else [],
        **_figures(status),
    }


@endpoint(
    "/icu/units/{code}/reports",
    "get",
    tag=TAG,
    parameters=CODE,
    summary="A unit's every report and correction, newest first",
    responses={
        "200": {
            "description": "The reports",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        **NOT_FOUND,
    },
)
def get_icu_unit_reports(code):
    unit = icu_queries.unit_by_code(code)
    if unit is None:
        abort(404, "No such unit.")
    if not can_see_unit(_caller(), unit):
        abort(403)
    return jsonify(
        unit=unit.code,
        region=unit.region.code,
        reports=[
            {
                "report_date": r.report_date.isoformat(),
                "version": r.version,
                "is_current": r.is_current,
                "as_of": clock.utc(r.as_of).isoformat(),
                "reported_by": r.reported_by,
                "channel": r.channel.value,
                **r.figures(),
            }
            for r in icu_queries.unit_history(unit.id)
        ],
    )

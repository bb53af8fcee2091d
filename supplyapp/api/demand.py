"""The organisations' API: post situation reports and shortage requests, read their own requests
and the national situation picture. An organisation's token reaches only its own data."""

from datetime import date

from flask import abort, g, jsonify, request

from supplyapp import clock, validation
from supplyapp.api import INVALID_INPUT, NOT_FOUND, SCHEMAS, endpoint, json_body, path_id
from supplyapp.i18n import _
from supplyapp.models import Role
from supplyapp.models.demand import ReportSource, RequestStatus, ShortageRequest
from supplyapp.permissions import (
    REQUESTING_KINDS,
    can_see_organisation,
    visible_organisations_filter,
)
from supplyapp.queries import demand as demand_queries
from supplyapp.services import demand, demand_requests
from supplyapp.services.errors import InvalidInput

REPORTERS = (Role.REQUESTER, Role.ADMIN)
TAG = "demand"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
# json_body() refuses a body that is not a JSON object (400) or not sent as JSON (415).
BODY_ERRORS = {
    "400": {"description": "The body is not a JSON object", "content": ERROR},
    "415": {"description": "The body is not sent as JSON", "content": ERROR},
}
INTEGER = {"type": "integer", "minimum": 0, "maximum": validation.MAX_QUANTITY}
SCHEMAS["ReportLine"] = {
    "type": "object",
    "required": ["item", "stock_on_hand", "daily_use"],
    "properties": {
        "item": {"type": "string", "maxLength": 30},
        "stock_on_hand": INTEGER,
        "daily_use": INTEGER,
    },
}
SCHEMAS["ReportIn"] = {
    "type": "object",
    "required": ["as_of", "lines"],
    "properties": {
        "as_of": {"type": "string", "format": "date"},
        "organisation": {
            "type": "string",
            "maxLength": 20,
            "description": "Only for an administrator's token",
        },
        "note": {"type": "string", "maxLength": 2000},
        "lines": {"type": "array", "minItems": 1, "maxItems": 200, "items": _ref("ReportLine")},
    },
}
SCHEMAS["Report"] = {
    "type": "object",
    "required": ["id", "organisation", "as_of", "source", "lines"],
    "properties": {
        "id": {"type": "integer"},
        "organisation": {"type": "string"},
        "as_of": {"type": "string", "format": "date"},
        "source": {"type": "string"},
        "lines": {"type": "array", "items": _ref("ReportLine")},
    },
}
SCHEMAS["RequestIn"] = {
    "type": "object",
    "required": ["item", "quantity", "needed_by", "priority", "justification"],
    "properties": {
        "item": {"type": "string", "maxLength": 30},
        "quantity": {"type": "integer", "minimum": 1, "maximum": validation.MAX_QUANTITY},
        "needed_by": {"type": "string", "format": "date"},
        "priority": {"type": "string", "enum": ["critical", "high", "normal"]},
        "justification": {"type": "string", "minLength": 1, "maxLength": 2000},
        "stock_on_hand": INTEGER,
        "daily_use": INTEGER,
        "organisation": {
            "type": "string",
            "maxLength": 20,
            "description": "Only for an administrator's token",
        },
    },
}
SCHEMAS["StatusChange"] = {
    "type": "object",
    "required": ["to_status", "changed_by", "changed_at"],
    "properties": {
        "from_status": {"type": "string", "nullable": True},
        "to_status": {"type": "string"},
        "reason": {"type": "string", "nullable": True},
        "changed_by": {"type": "string"},
        "changed_at": {"type": "string", "format": "date-time"},
    },
}
SCHEMAS["Request"] = {
    "type": "object",
    "required": [
        "id",
        "organisation",
        "item",
        "quantity",
        "met_quantity",
        "needed_by",
        "priority",
        "status",
        "justification",
        "stock_at_request",
        "daily_use_at_request",
        "created_at",
        "history",
    ],
    "properties": {
        "id": {"type": "integer"},
        "organisation": {"type": "string"},
        "item": {"type": "string"},
        "quantity": {"type": "integer"},
        "met_quantity": {"type": "integer"},
        "needed_by": {"type": "string", "format": "date"},
        "priority": {"type": "string", "enum": ["critical", "high", "normal"]},
        "status": {"type": "string", "enum": [s.value for s in RequestStatus]},
        "decline_reason": {"type": "string", "nullable": True},
        "justification": {"type": "string"},
        "stock_at_request": {"type": "integer"},
        "daily_use_at_request": {"type": "integer"},
        "forwarded_in": {"type": "integer", "nullable": True},
        "created_at": {"type": "string", "format": "date-time"},
        "history": {"type": "array", "items": _ref("StatusChange")},
    },
}
SCHEMAS["RequestList"] = {
    "type": "object",
    "required": ["requests"],
    "properties": {"requests": {"type": "array", "items": _ref("Request")}},
}
NUMBER_OR_NULL = {"type": "number", "nullable": True}
INT_OR_NULL = {"type": "integer", "nullable": True}
SCHEMAS["SituationItem"] = {
    "type": "object",
    "required": [
        "item",
        "national_available",
        "national_incoming",
        "held",
        "daily_use",
        "days_of_supply",
        "open_requests",
        "below_7_days",
        "below_14_days",
        "stale",
    ],
    "properties": {
        "item": {"type": "string"},
        "national_available": INT_OR_NULL,
        "national_incoming": INT_OR_NULL,
        "held": {"type": "object", "additionalProperties": {"type": "integer"}},
        "daily_use": {"type": "integer"},
        "days_of_supply": NUMBER_OR_NULL,
        "open_requests": {"type": "integer"},
        "below_7_days": {"type": "integer"},
        "below_14_days": {"type": "integer"},
        "stale": {"type": "integer"},
    },
}
SCHEMAS["Situation"] = {
    "type": "object",
    "required": ["as_of", "stale_after_days", "items"],
    "properties": {
        "as_of": {"type": "string", "format": "date"},
        "stale_after_days": {"type": "integer"},
        "items": {"type": "array", "items": _ref("SituationItem")},
    },
}


def _organisation_code(data: dict) -> str:
    """The organisation the call acts for: the token's own; an admin names one."""
    principal = g.api_principal
    if principal.role == Role.ADMIN:
        code = data.get("organisation")
        if not isinstance(code, str) or not code:
            raise InvalidInput(
                {"organisation": _("An administrator's token names the organisation.")},
                {"organisation": "required"},
            )
        return code
    if principal.organisation is None or principal.organisation.kind not in REQUESTING_KINDS:
        abort(403)
    own = principal.organisation.code
    named = data.get("organisation")
    if named is not None and named != own:
        # Never stored as the token's own: the caller meant another organisation.
        raise InvalidInput(
            {
                "organisation": _(
                    "This token belongs to %(own)s and may report only for it, not for %(named)s.",
                    own=own,
                    named=str(named)[:20],
                )
            },
            {"organisation": "not_own_organisation"},
        )
    return own


def _date(value, field: str) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        raise InvalidInput({field: _("Give a date as YYYY-MM-DD.")}, {field: "date"}) from None


def _lines(data: dict) -> list[demand.LineInput]:
    lines = data.get("lines")
    if not isinstance(lines, list) or not all(isinstance(line, dict) for line in lines):
        raise InvalidInput({"lines": _("Give lines as a list of objects.")}, {"lines": "type"})
    if len(lines) > 200:
        raise InvalidInput({"lines": _("At most 200 lines.")}, {"lines": "too_many"})
    return [
        demand.LineInput(line.get("item"), line.get("stock_on_hand"), line.get("daily_use"))
        for line in lines
    ]


def _optional_text(data: dict, field: str) -> str | None:
    value = data.get(field)
    if value is not None and not isinstance(value, str):
        raise InvalidInput({field: _("Give text.")}, {field: "type"})
    return value


@endpoint(
    "/reports",
    "post",
    roles=REPORTERS,
    tag=TAG,
    summary="Post a situation report: stock on hand and average daily use per item",
    idempotent=True,
    body=_ref("ReportIn"),
    responses={
        "201": _json("The stored report", _ref("Report")),
        **INVALID_INPUT,
        **NOT_FOUND,
        **BODY_ERRORS,
    },
)
def post_report():
    data = json_body()
    code = _organisation_code(data)
    report = demand.submit_report(
        code,
        _date(data.get("as_of"), "as_of"),
        _lines(data),
        ReportSource.API,
        _optional_text(data, "note"),
    )
    return jsonify(_report_json(report)), 201


def _report_json(report) -> dict:
    return {
        "id": report.id,
        "organisation": report.organisation.code,
        "as_of": report.as_of.isoformat(),
        "source": report.source.value,
        "lines": [
            {
                "item": line.item.code,
                "stock_on_hand": line.stock_on_hand,
                "daily_use": line.daily_use,
            }
            for line in report.lines
        ],
    }


SCHEMAS["LatestLine"] = {
    "type": "object",
    "required": ["item", "reported"],
    "properties": {
        "item": {"type": "string"},
        "reported": {"type": "boolean"},
        "stock_on_hand": {**INTEGER, "nullable": True},
        "daily_use": {**INTEGER, "nullable": True},
        "as_of": {"type": "string", "format": "date", "nullable": True},
        "source": {"type": "string", "nullable": True},
        "stale": {"type": "boolean", "nullable": True},
        "stock_today": {
            **INTEGER,
            "nullable": True,
            "description": "Reported stock less the use since the report",
        },
        "days_left": {"type": "number", "nullable": True},
    },
}
ORGANISATION_PARAMETER = {
    "name": "organisation",
    "in": "query",
    "required": False,
    "description": "The organisation's code; an organisation's own token may leave it out",
    "schema": {"type": "string", "maxLength": 20},
}


def _readable_organisation():
    """The organisation named (or the token's own) if the token may see it; 403 otherwise."""
    from supplyapp.services.demand import requesting_organisation

    principal = g.api_principal
    code = request.args.get("organisation")
    if not code:
        if principal.organisation is None or principal.organisation.kind not in REQUESTING_KINDS:
            raise InvalidInput(
                {"organisation": _("Name the organisation.")}, {"organisation": "required"}
            )
        code = principal.organisation.code
    organisation = requesting_organisation(code)
    if not can_see_organisation(principal, organisation):
        abort(403)
    return organisation


def _latest_json(entry: dict) -> dict:
    line = entry["line"]
    if line is None:
        return {"item": entry["item"].code, "reported": False}
    days = line["days_left"]
    return {
        "item": entry["item"].code,
        "reported": True,
        "stock_on_hand": line["stock_on_hand"],
        "daily_use": line["daily_use"],
        "as_of": line["as_of"].isoformat(),
        "source": line["source"],
        "stale": line["stale"],
        "stock_today": line["stock_today"],
        "days_left": None if days is None else round(days, 2),
    }


@endpoint(
    "/reports/latest",
    "get",
    tag=TAG,
    parameters=[ORGANISATION_PARAMETER],
    summary="The figures that count now: an organisation's latest report per item, with "
    "its date, staleness and days of supply left",
    responses={
        "200": _json(
            "Latest figures per item",
            {
                "type": "object",
                "required": ["organisation", "lines"],
                "properties": {
                    "organisation": {"type": "string"},
                    "lines": {"type": "array", "items": _ref("LatestLine")},
                },
            },
        ),
        **INVALID_INPUT,
        **NOT_FOUND,
    },
)
def get_latest_report():
    organisation = _readable_organisation()
    return jsonify(
        organisation=organisation.code,
        lines=[_latest_json(e) for e in demand_queries.organisation_latest(organisation)],
    )


@endpoint(
    "/requests",
    "post",
    roles=REPORTERS,
    tag=TAG,
    summary="File a shortage request",
    idempotent=True,
    body=_ref("RequestIn"),
    responses={
        "201": _json("The filed request", _ref("Request")),
        **INVALID_INPUT,
        **NOT_FOUND,
        **BODY_ERRORS,
    },
)
def post_request():
    data = json_body()
    code = _organisation_code(data)
    created = demand_requests.file_request(
        code,
        data.get("item"),
        data.get("quantity"),
        _date(data.get("needed_by"), "needed_by"),
        data.get("priority"),
        _optional_text(data, "justification"),
        stock_on_hand=data.get("stock_on_hand"),
        daily_use=data.get("daily_use"),
        source=ReportSource.API,
    )
    return jsonify(_request_json(created)), 201


def _request_json(r: ShortageRequest) -> dict:
    return {
        "id": r.id,
        "organisation": r.organisation.code,
        "item": r.item.code,
        "quantity": r.quantity,
        "met_quantity": r.met_quantity,
        "needed_by": r.needed_by.isoformat(),
        "priority": r.priority.value,
        "status": r.status.value,
        "decline_reason": r.decline_reason,
        "justification": r.justification,
        "stock_at_request": r.stock_at_request,
        "daily_use_at_request": r.daily_use_at_request,
        "forwarded_in": r.forwarded_in_id,
        "created_at": clock.utc(r.created_at).isoformat(),
        "history": [
            {
                "from_status": h.from_status.value if h.from_status else None,
                "to_status": h.to_status.value,
                "reason": h.reason,
                "changed_by": h.changed_by,
                "changed_at": clock.utc(h.changed_at).isoformat(),
            }
            for h in r.history
        ],
    }


STATUS_PARAMETER = {
    "name": "status",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": ["open", *[s.value for s in RequestStatus]]},
}


@endpoint(
    "/requests",
    "get",
    tag=TAG,
    parameters=[STATUS_PARAMETER],
    summary="The requests the token may see (an organisation's: its own), newest first",
    responses={"200": _json("Requests", _ref("RequestList")), **INVALID_INPUT},
)
def list_requests():
    status = request.args.get("status")
    if status is not None and status not in STATUS_PARAMETER["schema"]["enum"]:
        raise InvalidInput({"status": _("Unknown status.")}, {"status": "unknown"})
    found = demand_queries.request_list(
        visible_organisations_filter(g.api_principal), status=status, sort="created", limit=500
    )
    return jsonify(requests=[_request_json(r) for r in found])


ID_PARAMETER = {
    "name": "request_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
}


def _own_request(request_id: int) -> ShortageRequest:
    """The request, if the token's organisation may see it (a county board: its county's)."""
    shortage = demand_requests.get_request(request_id)
    if not can_see_organisation(g.api_principal, shortage.organisation):
        abort(403)
    return shortage


@endpoint(
    "/requests/{request_id}",
    "get",
    tag=TAG,
    parameters=[ID_PARAMETER],
    summary="One request with its status history",
    responses={"200": _json("The request", _ref("Request")), **NOT_FOUND},
)
def get_request(request_id):
    return jsonify(_request_json(_own_request(path_id(request_id, _("No such request.")))))


@endpoint(
    "/requests/{request_id}/withdraw",
    "post",
    roles=REPORTERS,
    tag=TAG,
    parameters=[ID_PARAMETER],
    summary="Withdraw one's own request",
    responses={
        "200": _json("The withdrawn request", _ref("Request")),
        **NOT_FOUND,
        "409": {
            "description": "The request can no longer be withdrawn",
            "content": {"application/json": {"schema": _ref("Error")}},
        },
    },
)
def withdraw_request(request_id):
    shortage = _own_request(path_id(request_id, _("No such request.")))
    withdrawn = demand_requests.withdraw(shortage.id)
    return jsonify(_request_json(withdrawn))


@endpoint(
    "/situation",
    "get",
    tag=TAG,
    summary="The national situation picture per item (totals, no organisation's figures)",
    responses={"200": _json("The national picture", _ref("Situation"))},
)
def get_situation():
    latest = demand_queries.latest_rows()
    summary = demand_queries.item_summary(latest, demand_queries.national_stock())
    return jsonify(
        as_of=clock.today().isoformat(),
        stale_after_days=demand_queries.stale_days(),
        items=[
            {
                "item": r["item"].code,
                "national_available": r["national_available"],
                "national_incoming": r["national_incoming"],
                "held": r["held"],
                "daily_use": r["daily_use"],
                "days_of_supply": _round(r["days_total"]),
                "open_requests": r["requested"],
                "below_7_days": r["below_7"],
                "below_14_days": r["below_14"],
                "stale": r["stale"],
            }
            for r in summary
        ],
    )


def _round(value):
    return None if value is None else round(value, 1)

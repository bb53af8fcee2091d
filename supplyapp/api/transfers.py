"""API: transfer requests from regions' systems, and their status.

A region's token (or a region's user's, or a unit's reporter's) asks for its own units; the
same rules as the form: every bad field named (`patients[2].case_ref`), a personal identity
number refused. The status gives each patient's status and, once sent, the receiving unit.
"""

from flask import abort, g, jsonify

from supplyapp import clock
from supplyapp.api import INVALID_INPUT, NOT_FOUND, SCHEMAS, endpoint, json_body, path_id
from supplyapp.models import Role
from supplyapp.models.transfers import PlacementStatus, TransferRequest
from supplyapp.permissions import NATIONAL_ROLES, can_report_for_unit
from supplyapp.services import accounts, transfers
from supplyapp.services.errors import InvalidInput, NotFound

ASKERS = (Role.ADMIN, Role.REQUESTER, Role.ICU_REPORTER)
READERS = (*NATIONAL_ROLES, Role.ICU_COORDINATOR, Role.REQUESTER, Role.ICU_REPORTER)
TAG = "transfers"
PATIENT_FIELDS = {
    "case": {"type": "string", "maxLength": 40, "description": "Never a personal identity number"},
    "level": {"type": "string", "enum": ["invasive", "ecmo", "niv"]},
    "age_group": {"type": "string", "enum": ["adult", "child"]},
    "covid": {"type": "boolean"},
    "transport_stable": {"type": "boolean"},
    "urgency": {"type": "string", "enum": ["immediate", "today", "planned"]},
}
SCHEMAS["TransferRequestIn"] = {
    "type": "object",
    "required": ["unit", "patients"],
    "properties": {
        "unit": {"type": "string", "maxLength": 40},
        "note": {"type": "string", "maxLength": 1000, "nullable": True},
        "patients": {
            "type": "array",
            "minItems": 1,
            "maxItems": transfers.MAX_PATIENTS,
            "items": {
                "type": "object",
                "required": list(PATIENT_FIELDS),
                "properties": PATIENT_FIELDS,
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
}
SCHEMAS["TransferRequest"] = {
    "type": "object",
    "required": ["id", "region", "unit", "requested_at", "patients"],
    "properties": {
        "id": {"type": "integer"},
        "region": {"type": "string"},
        "unit": {"type": "string"},
        "requested_at": {"type": "string", "format": "date-time"},
        "requested_by": {"type": "string"},
        "patients": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    **PATIENT_FIELDS,
                    "status": {"type": "string"},
                    "to_unit": {"type": "string", "nullable": True},
                    "mode": {"type": "string", "nullable": True},
                },
            },
        },
    },
}
ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
SHOWN = (PlacementStatus.SENT, PlacementStatus.ACCEPTED)


def _json(description: str) -> dict:
    return {
        "description": description,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/TransferRequest"}}
        },
    }


def _asker():
    """A unit reporter's token carries the user's unit; others their role and organisation."""
    principal = g.api_principal
    if principal.role == Role.ICU_REPORTER:
        return accounts.find_user(principal.name)
    return principal


@endpoint(
    "/transfer-requests",
    "post",
    roles=ASKERS,
    tag=TAG,
    body={"$ref": "#/components/schemas/TransferRequestIn"},
    summary="Ask for patients to be moved out of one of the region's units",
    responses={
        "201": _json("The request, stored"),
        "400": {"description": "The body is not a JSON object", "content": ERROR},
        "415": {"description": "The body is not sent as JSON", "content": ERROR},
        **INVALID_INPUT,
    },
)
def post_transfer_request():
    data = json_body()
    unit_code, given, note = _request_input(data)
    try:
        unit = transfers.get_unit(unit_code)
    except NotFound as error:
        raise InvalidInput({"unit": str(error)}) from None
    if not can_report_for_unit(_asker(), unit):
        abort(403)
    try:
        request = transfers.file_request(unit.code, given, note, channel="api")
    except InvalidInput as error:  # the API's field is `case`, the form's `case_ref`
        raise InvalidInput(
            {name.replace(".case_ref", ".case"): text for name, text in error.errors.items()}
        ) from None
    return jsonify(_request_json(request)), 201


def _request_input(data: dict):
    """The body's values, each checked for its type; every wrong one named."""
    errors = {
        name: "There is no such field." for name in data if name not in ("unit", "patients", "note")
    }
    unit = data.get("unit")
    if not isinstance(unit, str) or not unit.strip():
        errors["unit"] = "The unit's code is required."
    note = data.get("note")
    if note is not None and not isinstance(note, str):
        errors["note"] = "Text, or null."
    rows = data.get("patients")
    if not isinstance(rows, list) or not rows:
        errors["patients"] = "A list of at least one patient."
        rows = []
    given = []
    for i, row in enumerate(rows[: transfers.MAX_PATIENTS + 1]):
        if not isinstance(row, dict):
            errors[f"patients[{i}]"] = "An object."
            continue
        given.append(_patient(row, i, errors))
    if errors:
        raise InvalidInput(errors)
    return str(unit).strip(), given, note


def _patient(row: dict, i: int, errors: dict) -> transfers.PatientInput:
    for name in row:
        if name not in PATIENT_FIELDS:
            errors[f"patients[{i}].{name}"] = "There is no such field."
    texts = {}
    for name in ("case", "level", "age_group", "urgency"):
        value = row.get(name)
        if not isinstance(value, str):
            errors[f"patients[{i}].{name}"] = "Text is required."
        texts[name] = value if isinstance(value, str) else ""
    answers = {}
    for name in ("covid", "transport_stable"):
        value = row.get(name)
        if not isinstance(value, bool):
            errors[f"patients[{i}].{name}"] = "true or false."
        answers[name] = bool(value)
    return transfers.PatientInput(
        case_ref=texts["case"],
        level=texts["level"],
        age_group=texts["age_group"],
        covid=answers["covid"],
        transport_stable=answers["transport_stable"],
        urgency=texts["urgency"],
    )


@endpoint(
    "/transfer-requests/{request_id}",
    "get",
    roles=READERS,
    tag=TAG,
    summary="A transfer request and each patient's status",
    parameters=[
        {"name": "request_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    ],
    responses={"200": _json("The request"), **NOT_FOUND},
)
def get_transfer_request(request_id):
    found = transfers.get_request(path_id(request_id, "No such transfer request."))
    principal = _asker()
    if principal.role not in (*NATIONAL_ROLES, Role.ICU_COORDINATOR) and not (
        can_report_for_unit(principal, found.unit)
    ):
        abort(403)
    return jsonify(_request_json(found))


def _request_json(request: TransferRequest) -> dict:
    patients = []
    for p in request.patients:
        line = p.current_placement
        shown = line is not None and line.status in SHOWN
        patients.append(
            {
                "case": p.case_ref,
                "level": p.level.value,
                "age_group": p.age_group.value,
                "covid": p.covid,
                "transport_stable": p.transport_stable,
                "urgency": p.urgency.value,
                "status": p.status.value,
                "to_unit": line.to_unit.code if shown and line else None,
                "mode": line.mode.value if shown and line else None,
            }
        )
    return {
        "id": request.id,
        "region": request.region.code,
        "unit": request.unit.code,
        "requested_at": clock.utc(request.requested_at).isoformat(),
        "requested_by": request.requested_by,
        "patients": patients,
    }

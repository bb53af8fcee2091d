"""Shipments for other systems: what an organisation will receive, from whom and when, and what
it must send. An organisation's token sees only shipments to or from itself (a county board's:
its county's); national users see all."""

from flask import abort, g, jsonify, request

from supplyapp import clock
from supplyapp.api import INVALID_INPUT, NOT_FOUND, SCHEMAS, endpoint, path_id
from supplyapp.models.planning import LineKind, Shipment, ShipmentStatus
from supplyapp.permissions import can_see_organisation
from supplyapp.queries import shipments as shipments_queries
from supplyapp.services.errors import InvalidInput
from supplyapp.services.shipments import get_shipment

TAG = "shipments"
_COUNT = {"type": "integer", "minimum": 0}
_DATE_TIME = {"type": "string", "format": "date-time", "nullable": True}

SCHEMAS["Shipment"] = {
    "type": "object",
    "required": [
        "code",
        "plan",
        "kind",
        "item",
        "quantity",
        "from",
        "to",
        "destination",
        "via_reloading_point",
        "status",
        "expected_on",
    ],
    "properties": {
        "code": {"type": "string"},
        "plan": {"type": "string"},
        "kind": {"type": "string", "enum": [k.value for k in LineKind]},
        "item": {"type": "string"},
        "quantity": _COUNT,
        "from": {"type": "string", "description": "Warehouse or donor organisation code"},
        "to": {"type": "string", "description": "Recipient organisation code"},
        "destination": {"type": "string"},
        "via_reloading_point": {"type": "boolean"},
        "status": {"type": "string", "enum": [s.value for s in ShipmentStatus]},
        "expected_on": {"type": "string", "format": "date"},
        "sent_quantity": {**_COUNT, "nullable": True},
        "sent_at": _DATE_TIME,
        "received_quantity": {**_COUNT, "nullable": True},
        "damaged_quantity": _COUNT,
        "received_at": _DATE_TIME,
        "discrepancy_note": {"type": "string", "nullable": True},
    },
}

STATUS_PARAMETER = {
    "name": "status",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": [s.value for s in ShipmentStatus]},
}
ID_PARAMETER = {
    "name": "shipment_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
}


def _when(value) -> str | None:
    return clock.utc(value).isoformat() if value else None


def shipment_json(s: Shipment) -> dict:
    return {
        "code": s.code,
        "plan": s.plan.code,
        "kind": s.kind.value,
        "item": s.item.code,
        "quantity": s.quantity,
        "from": s.origin_code,
        "to": s.recipient.code,
        "destination": s.destination,
        "via_reloading_point": s.via_reloading_point,
        "status": s.status.value,
        "expected_on": s.expected_on.isoformat(),
        "sent_quantity": s.sent_quantity,
        "sent_at": _when(s.sent_at),
        "received_quantity": s.received_quantity,
        "damaged_quantity": s.damaged_quantity,
        "received_at": _when(s.received_at),
        "discrepancy_note": s.discrepancy_note,
    }


@endpoint(
    "/shipments",
    "get",
    tag=TAG,
    parameters=[STATUS_PARAMETER],
    summary="Shipments the token may see (an organisation's: to or from itself), "
    "soonest expected first",
    responses={
        "200": {
            "description": "Shipments",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["shipments"],
                        "properties": {
                            "shipments": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/Shipment"},
                            }
                        },
                    }
                }
            },
        },
        **INVALID_INPUT,
    },
)
def list_shipments():
    status = request.args.get("status")
    if status is not None and status not in STATUS_PARAMETER["schema"]["enum"]:
        raise InvalidInput({"status": "Unknown status."})
    found = shipments_queries.shipments(
        g.api_principal, shipments_queries.Filters(status=status), limit=1000
    )
    return jsonify(shipments=[shipment_json(s) for s in found])


@endpoint(
    "/shipments/{shipment_id}",
    "get",
    tag=TAG,
    parameters=[ID_PARAMETER],
    summary="One shipment",
    responses={
        "200": {
            "description": "The shipment",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Shipment"}}},
        },
        **NOT_FOUND,
    },
)
def get_shipment_json(shipment_id):
    shipment = get_shipment(path_id(shipment_id, "No such shipment."))
    principal = g.api_principal
    if not any(
        can_see_organisation(principal, org)
        for org in (shipment.recipient, shipment.donor)
        if org is not None
    ):
        abort(403)
    return jsonify(shipment_json(shipment))

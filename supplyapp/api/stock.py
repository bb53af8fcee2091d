"""Stock and incoming supply for other systems: national stock, lots, the pipeline."""

from datetime import datetime

from flask import jsonify, request

from supplyapp import clock
from supplyapp.api import NOT_FOUND, SCHEMAS, endpoint
from supplyapp.models import Role
from supplyapp.queries import stock as stock_queries
from supplyapp.services.errors import NotFound
from supplyapp.services.stock import item_by_code

NATIONAL = (Role.ADMIN, Role.OFFICER, Role.LOGISTICS, Role.VIEWER)
_INT = {"type": "integer", "minimum": 0}

SCHEMAS["StockItem"] = {
    "type": "object",
    "required": ["item", "available", "quarantined", "reserved", "incoming"],
    "properties": {
        "item": {"type": "string"},
        "available": _INT,
        "quarantined": _INT,
        "reserved": _INT,
        "incoming": _INT,
    },
}
SCHEMAS["Lot"] = {
    "type": "object",
    "properties": {
        "lot_id": {"type": "integer"},
        "warehouse": {"type": "string"},
        "item": {"type": "string"},
        "lot_number": {"type": "string"},
        "expiry_date": {"type": "string", "format": "date", "nullable": True},
        "quarantined": _INT,
        "available": _INT,
        "reserved": _INT,
    },
}
SCHEMAS["PipelineWeek"] = {
    "type": "object",
    "properties": {
        "item": {"type": "string"},
        "week": {"type": "string", "description": "Monday (YYYY-MM-DD); empty when undated"},
        "ordered": _INT,
        "called_off": _INT,
        "donated": _INT,
        "contracted": _INT,
        "total": _INT,
    },
}


def _list_of(schema: str, description: str) -> dict:
    return {
        "200": {
            "description": description,
            "content": {
                "application/json": {
                    "schema": {"type": "array", "items": {"$ref": f"#/components/schemas/{schema}"}}
                }
            },
        }
    }


def _query(name: str, description: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string"},
    }


def _records(frame) -> list[dict]:
    frame = frame.astype(object).where(frame.notna(), None)
    return [{k: _json_value(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _json_value(value):
    """Dates as YYYY-MM-DD; instants in UTC with their offset (SQLite stores them naive)."""
    if isinstance(value, datetime):
        return clock.utc(value).isoformat()
    return value.isoformat() if hasattr(value, "isoformat") else value


@endpoint(
    "/stock",
    "get",
    roles=NATIONAL,
    tag="stock",
    summary="National stock per item: available, quarantined, reserved and incoming",
    responses=_list_of("StockItem", "One entry per item"),
)
def get_stock():
    return jsonify(
        [
            {"item": code, **values}
            for code, values in stock_queries.national_stock_by_item().items()
        ]
    )


@endpoint(
    "/stock/lots",
    "get",
    roles=NATIONAL,
    tag="stock",
    summary="Stock by warehouse and lot",
    parameters=[_query("item", "Item code"), _query("warehouse", "Warehouse code")],
    responses=_list_of("Lot", "Lots holding stock"),
)
def get_lots():
    frame = stock_queries.lots_frame(
        request.args.get("item") or None, request.args.get("warehouse") or None
    )
    return jsonify(_records(frame.drop(columns=["name"])))


@endpoint(
    "/stock/available/{item}",
    "get",
    roles=NATIONAL,
    tag="stock",
    summary="Approved, unexpired, unreserved lots of an item, first expiry first",
    parameters=[{"name": "item", "in": "path", "required": True, "schema": {"type": "string"}}],
    responses={**_list_of("Lot", "Lots that can be allocated"), **NOT_FOUND},
)
def get_available(item):
    try:
        item_by_code(item)
    except NotFound:
        raise
    return jsonify(
        [
            {
                "lot_id": lot.lot_id,
                "warehouse": lot.warehouse_code,
                "item": item,
                "lot_number": lot.lot_number,
                "expiry_date": lot.expiry_date.isoformat() if lot.expiry_date else None,
                "available": lot.available,
            }
            for lot in stock_queries.available_lots(item)
        ]
    )


@endpoint(
    "/pipeline",
    "get",
    roles=NATIONAL,
    tag="stock",
    summary="Incoming supply per item and week: ordered, called off, donated, contracted",
    parameters=[_query("item", "Item code")],
    responses=_list_of("PipelineWeek", "Not yet delivered, by week"),
)
def get_pipeline():
    return jsonify(_records(stock_queries.pipeline_by_week(request.args.get("item") or None)))

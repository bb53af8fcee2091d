"""The OpenAPI document and who-am-I."""

from flask import g, jsonify

from supplyapp.api import OPERATIONS, SCHEMAS, endpoint


def openapi_document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "National supply and intensive care: API",
            "version": "1.0.0",
            "description": "For regions', municipalities' and other agencies' systems. "
            "Authenticate with `Authorization: Bearer <token>`.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": OPERATIONS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


@endpoint(
    "/openapi.json",
    "get",
    public=True,
    summary="This document",
    responses={
        "200": {
            "description": "The OpenAPI document",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
def openapi_json():
    return jsonify(openapi_document())


SCHEMAS["Me"] = {
    "type": "object",
    "required": ["name", "role"],
    "properties": {
        "name": {"type": "string"},
        "role": {"type": "string"},
        "organisation": {"type": "string", "nullable": True},
    },
}


@endpoint(
    "/me",
    "get",
    summary="Who the token acts as",
    responses={
        "200": {
            "description": "The caller",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Me"}}},
        }
    },
)
def me():
    principal = g.api_principal
    return jsonify(
        name=principal.name,
        role=principal.role.value,
        organisation=principal.organisation.code if principal.organisation else None,
    )

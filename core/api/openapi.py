"""The OpenAPI 3 description of the installed resources, built from their declarations.

Served at ``/api/v1/openapi.json``: it follows what is installed, and its descriptions
are in the caller's language.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify
from sqlalchemy import Boolean, Enum, Integer, Numeric, String, Text
from sqlalchemy.types import TypeDecorator

from core import __version__
from core.api.resources import authenticated, blueprint, resources
from core.db import UTCDateTime
from core.hookspecs import ModelView
from core.i18n import gettext as _


def column_schema(column) -> dict[str, Any]:
    kind = column.type
    if isinstance(kind, UTCDateTime):
        schema: dict[str, Any] = {"type": "string", "format": "date-time"}
    else:
        kind = kind.impl if isinstance(kind, TypeDecorator) else kind
        if isinstance(kind, Boolean):
            schema = {"type": "boolean"}
        elif isinstance(kind, Enum):
            schema = {"type": "string", "enum": list(kind.enums)}
        elif isinstance(kind, Numeric):
            schema = {
                "type": "string",
                "pattern": r"^-?\d+(\.\d+)?$",
                "description": _("An exact decimal, as text."),
            }
        elif isinstance(kind, Integer):
            schema = {"type": "integer"}
        elif isinstance(kind, String) and kind.length and not isinstance(kind, Text):
            schema = {"type": "string", "maxLength": kind.length}
        else:
            schema = {"type": "string"}
    return {**schema, "nullable": True} if column.nullable else schema


def model_schema(view: ModelView) -> dict[str, Any]:
    columns = view.model.__table__.columns
    return {"type": "object", "properties": {c.key: column_schema(c) for c in columns}}


def list_parameters() -> list[dict[str, Any]]:
    def query(name: str, schema: dict[str, Any], description: str = "", **extra: Any):
        return {
            "name": name,
            "in": "query",
            "schema": schema,
            **({"description": description} if description else {}),
            **extra,
        }

    return [
        query(
            "q",
            {"type": "string", "maxLength": 100},
            _("Text searched in the resource's search fields."),
        ),
        query(
            "f",
            {"type": "array", "items": {"type": "string"}},
            _("Named filters, combined with AND."),
            style="form",
            explode=True,
        ),
        query("sort", {"type": "string"}, _("A listed column to sort by.")),
        query("desc", {"type": "string", "enum": ["1"]}, _("Sort in descending order.")),
        query("page", {"type": "integer", "minimum": 1}),
        query("size", {"type": "integer", "minimum": 1, "maximum": 200}),
        query("archived", {"type": "string", "enum": ["1"]}, _("Archived records instead.")),
    ]


def errors() -> dict[str, Any]:
    refused = {"application/json": {"schema": {"$ref": "#/components/schemas/Refused"}}}
    return {
        "401": {"description": _("No valid token.")},
        "403": {"description": _("The token's user lacks the permission.")},
        "404": {"description": _("No such record, or hidden from this user.")},
        "422": {"description": _("Refused input: a message per field."), "content": refused},
    }


def paths_for(view: ModelView, name: str) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{name}"}
    body = {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}
    record = {
        "description": _("The record."),
        "headers": {"ETag": {"schema": {"type": "string"}}},
        "content": {"application/json": {"schema": ref}},
    }
    page = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": ref},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "size": {"type": "integer"},
        },
    }
    tags = [view.addon]
    collection: dict[str, Any] = {
        "get": {
            "summary": _("List %(name)s", name=name),
            "tags": tags,
            "parameters": list_parameters(),
            "responses": {
                "200": {
                    "description": _("One page."),
                    "content": {"application/json": {"schema": page}},
                },
                **errors(),
            },
        }
    }
    single: dict[str, Any] = {
        "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
        ],
        "get": {
            "summary": _("Read one %(name)s", name=name),
            "tags": tags,
            "responses": {"200": record, **errors()},
        },
    }
    if view.create is not None:
        collection["post"] = {
            "summary": _("Create %(name)s", name=name),
            "tags": tags,
            "requestBody": body,
            "responses": {"201": record, **errors()},
        }
    if view.update is not None:
        if_match = {
            "name": "If-Match",
            "in": "header",
            "schema": {"type": "string"},
            "description": _("The ETag read last; a stale one gets 412."),
        }
        single["patch"] = {
            "summary": _("Change %(name)s", name=name),
            "tags": tags,
            "parameters": [if_match],
            "requestBody": body,
            "responses": {
                "200": record,
                "412": {"description": _("Changed by someone else.")},
                **errors(),
            },
        }
    return {f"/api/v1/{view.api}": collection, f"/api/v1/{view.api}/{{id}}": single}


def document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    messages = {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    }
    schemas: dict[str, Any] = {
        "Refused": {
            "type": "object",
            "properties": {"error": {"type": "integer"}, "messages": messages},
        }
    }
    for _path, view in sorted(resources().items()):
        name = view.model.__name__
        schemas[name] = model_schema(view)
        paths.update(paths_for(view, name))
    return {
        "openapi": "3.0.3",
        "info": {
            "title": current_app.config.get("SYSTEM_NAME") or "Tessera",
            "version": __version__,
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }


@blueprint.get("/openapi.json")
@authenticated
def openapi_json():
    return jsonify(document())

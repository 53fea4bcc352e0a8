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
from core.hookspecs import ModelView, ViewAction
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
    return {
        "type": "object",
        "xml": {"name": "record"},
        "properties": {c.key: column_schema(c) for c in columns},
    }


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


def both(schema: dict[str, Any], xml_schema: dict[str, Any] | None = None) -> dict[str, Any]:
    """The same content as JSON and as XML (the XML shape in core.api.formats)."""
    return {
        "application/json": {"schema": schema},
        "application/xml": {"schema": xml_schema or schema},
    }


def refusal(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": both(
            {"$ref": "#/components/schemas/Problem"}, {"$ref": "#/components/schemas/Errors"}
        ),
    }


def errors() -> dict[str, Any]:
    return {
        "401": refusal(_("No valid token.")),
        "403": refusal(_("The token's user lacks the permission.")),
        "404": refusal(_("No such record, or hidden from this user.")),
        "422": {
            "description": _("Refused input: a message per field; nothing was written."),
            "content": both(
                {"$ref": "#/components/schemas/Refused"}, {"$ref": "#/components/schemas/Errors"}
            ),
        },
    }


def header(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "schema": {"type": "string", **schema},
        "description": description,
    }


def if_match() -> dict[str, Any]:
    return header("If-Match", _("The ETag read last; a stale one gets 412."))


def idempotency_key() -> dict[str, Any]:
    return header(
        "Idempotency-Key",
        _(
            "Any text of 1 to 128 visible characters: the same request sent again with it "
            "is answered as the first time, without a second write; another request with "
            "it is refused (422). Kept for a day."
        ),
        maxLength=128,
        pattern=r"^[\x21-\x7e]+$",
    )


def input_schema(view: ModelView) -> dict[str, Any]:
    """The fields a create or change may send (the form's fields that are columns)."""
    columns = view.model.__table__.columns
    fields = [n for n in view.input_fields if n in columns]
    return {
        "type": "object",
        "xml": {"name": "record"},
        "properties": {n: column_schema(columns[n]) for n in fields},
    }


def action_schema(action: ViewAction) -> dict[str, Any]:
    properties = {f.name: {"type": "string", "description": str(f.label)} for f in action.inputs}
    required = [f.name for f in action.inputs if f.required]
    schema: dict[str, Any] = {
        "type": "object",
        "xml": {"name": "record"},
        "properties": properties,
        "additionalProperties": False,
    }
    return {**schema, "required": required} if required else schema


def paths_for(view: ModelView, name: str) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{name}"}
    body = {
        "required": True,
        "content": both({"$ref": f"#/components/schemas/{name}Input"}),
    }
    replayed = {
        "description": _("true when this is the stored answer to an earlier request."),
        "schema": {"type": "string", "enum": ["true"]},
    }
    record = {
        "description": _("The record."),
        "headers": {"ETag": {"schema": {"type": "string"}}},
        "content": both(ref),
    }
    posted = {**record, "headers": {**record["headers"], "Idempotent-Replayed": replayed}}
    page = {
        "type": "object",
        "xml": {"name": "records"},
        "properties": {
            "items": {"type": "array", "items": ref, "xml": {"wrapped": False}},
            "total": {"type": "integer", "xml": {"attribute": True}},
            "page": {"type": "integer", "xml": {"attribute": True}},
            "size": {"type": "integer", "xml": {"attribute": True}},
        },
    }
    stale = {"412": refusal(_("Changed by someone else since it was read (If-Match)."))}
    tags = [view.addon]
    collection: dict[str, Any] = {
        "get": {
            "summary": _("List %(name)s", name=name),
            "tags": tags,
            "parameters": list_parameters(),
            "responses": {
                "200": {"description": _("One page."), "content": both(page)},
                **errors(),
            },
        }
    }
    record_id = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
    single: dict[str, Any] = {
        "parameters": [record_id],
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
            "parameters": [idempotency_key()],
            "requestBody": body,
            "responses": {"201": posted, **errors()},
        }
    if view.update is not None:
        single["patch"] = {
            "summary": _("Change %(name)s", name=name),
            "tags": tags,
            "parameters": [if_match()],
            "requestBody": body,
            "responses": {"200": record, **stale, **errors()},
        }
    if view.delete is not None:
        single["delete"] = {
            "summary": _("Delete %(name)s", name=name),
            "tags": tags,
            "parameters": [if_match()],
            "responses": {"204": {"description": _("Deleted.")}, **stale, **errors()},
        }
    paths = {f"/api/v1/{view.api}": collection, f"/api/v1/{view.api}/{{id}}": single}
    for action in view.actions:
        content = both(action_schema(action))
        paths[f"/api/v1/{view.api}/{{id}}/{action.name}"] = {
            "parameters": [record_id],
            "post": {
                "summary": f"{action.label} ({name})",
                "description": _(
                    "A business action; it needs %(permission)s and the right to change "
                    "the record.",
                    permission=action.permission or f"{view.model.__resource__}.write",
                ),
                "tags": tags,
                "parameters": [if_match(), idempotency_key()],
                "requestBody": {"required": bool(action.inputs), "content": content},
                "responses": {
                    "200": posted,
                    "201": {
                        **posted,
                        "description": _(
                            "The action made a new record (such as a duplicate): that record."
                        ),
                    },
                    "409": refusal(_("The action does not apply to the record as it stands.")),
                    **stale,
                    **errors(),
                },
            },
        }
    return paths


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
        },
        "Problem": {
            "type": "object",
            "properties": {"error": {"type": "integer"}, "message": {"type": "string"}},
        },
        "Errors": {
            "type": "object",
            "description": _(
                'A refusal in XML: <errors code="422"><error field="name">...</error>'
                "</errors>; an error about the input as a whole has no field."
            ),
            "xml": {"name": "errors"},
            "properties": {
                "code": {"type": "integer", "xml": {"attribute": True}},
                "error": {
                    "type": "array",
                    "xml": {"wrapped": False},
                    "items": {"type": "string", "xml": {"name": "error"}},
                },
            },
        },
    }
    for _path, view in sorted(resources().items()):
        name = view.model.__name__
        schemas[name] = model_schema(view)
        schemas[f"{name}Input"] = input_schema(view)
        paths.update(paths_for(view, name))
    return {
        "openapi": "3.0.3",
        "info": {
            "title": current_app.config.get("SYSTEM_NAME") or "Tessera",
            "version": __version__,
            "description": _(
                "JSON by default; send Accept: application/xml for XML, and "
                "Content-Type: application/xml to send XML (no DTD or entities). "
                "Browsable at /api/v1/docs."
            ),
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

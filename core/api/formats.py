"""JSON and XML on the API: what a request body holds, and how an answer is written.

JSON is the default; a client whose ``Accept`` prefers ``application/xml`` gets XML, and a
body sent as ``Content-Type: application/xml`` is read as XML. The XML has one simple shape:

- a record: ``<record><name>Acme</name><credit_limit>10.00</credit_limit></record>``;
  a null is ``<email nil="true"/>``, a list ``<tags><item>1</item></tags>``;
- a page of a list: ``<records total="12" page="1" size="80"><record>...</record></records>``;
- a refusal: ``<errors code="422"><error field="name">This field is required.</error></errors>``.

Input XML is parsed with defusedxml: no DTD, no entity, no external reference, a size limit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from xml.etree.ElementTree import Element, ParseError, SubElement, tostring  # nosec B405 - output only

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from flask import Response, current_app, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from core.i18n import lazy_gettext as _l
from core.schemas import GENERAL, BusinessError

JSON = "application/json"
XML = "application/xml"
XML_TYPES = (XML, "text/xml")
DEFAULT_MAX_BODY = 1024 * 1024
MAX_DEPTH = 8

MSG_NOT_AN_OBJECT = _l("The request body must be a JSON object.")
MSG_BAD_JSON = _l("The request body is not valid JSON.")
MSG_BAD_XML = _l("The request body is not well-formed XML.")
MSG_UNSAFE_XML = _l("XML with a document type, entities or external references is not accepted.")
MSG_NOT_A_RECORD = _l("The XML body must be one <record> element.")
MSG_TOO_DEEP = _l("The XML body is nested too deeply.")
MSG_TOO_LARGE = _l("The request body is larger than %(limit)d bytes.")
MSG_MEDIA_TYPE = _l("Send the body as application/json or application/xml.")

# Characters XML 1.0 cannot carry; stored text may hold them (a pasted control code).
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class ApiError(HTTPException):
    """An API refusal with a status and a translated message (409, 412, 413, 415...)."""

    def __init__(self, code: int, message: Any, headers: Mapping[str, str] | None = None):
        super().__init__(description=str(message))
        self.code = code
        self.message = message
        self.extra_headers = dict(headers or {})


# --------------------------------------------------------------------------- answers


def wants_xml() -> bool:
    """Whether the client's ``Accept`` prefers XML to JSON (JSON when both are equal)."""
    best = request.accept_mimetypes.best_match((JSON, *XML_TYPES), default=JSON)
    return best in XML_TYPES


def record_response(values: Mapping[str, Any], status: int = 200) -> Response:
    if wants_xml():
        return _xml_response(_element("record", values), status)
    return _json_response(values, status)


def page_response(items: list[Mapping[str, Any]], total: int, page: int, size: int) -> Response:
    if wants_xml():
        root = Element("records", total=str(total), page=str(page), size=str(size))
        for item in items:
            root.append(_element("record", item))
        return _xml_response(root, 200)
    return _json_response({"items": items, "total": total, "page": page, "size": size}, 200)


def error_response(
    code: int, message: Any = None, messages: Mapping[str, Any] | None = None
) -> Response:
    """A refusal: ``{"error": code, "message": ...}``, or ``messages`` per field (422)."""
    if wants_xml():
        root = Element("errors", code=str(code))
        if messages is not None:
            for field, text in _flat_messages(messages):
                error = (
                    SubElement(root, "error", field=field) if field else SubElement(root, "error")
                )
                error.text = _xml_text(text)
        elif message is not None:
            SubElement(root, "error").text = _xml_text(str(message))
        return _xml_response(root, code)
    if messages is not None:
        return _json_response({"error": code, "messages": messages}, code)
    return _json_response(
        {"error": code, "message": None if message is None else str(message)}, code
    )


def api_error_response(error: ApiError) -> Response:
    response = error_response(error.code, error.message)
    response.headers.update(error.extra_headers)
    return response


def _json_response(payload: Any, status: int) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return Response(body, status=status, mimetype=JSON)


def _xml_response(root: Element, status: int) -> Response:
    body = tostring(root, encoding="unicode", xml_declaration=False)
    return Response(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + body,
        status=status,
        content_type=f"{XML}; charset=utf-8",
    )


def _element(name: str, value: Any) -> Element:
    element = Element(name)
    _fill(element, value)
    return element


def _fill(element: Element, value: Any) -> None:
    if value is None:
        element.set("nil", "true")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            element.append(_element(str(key), item))
    elif isinstance(value, list | tuple):
        for item in value:
            element.append(_element("item", item))
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = _xml_text(str(value))


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _flat_messages(messages: Any, prefix: str = "") -> list[tuple[str, str]]:
    """``(field, text)`` pairs; nested fields as ``addresses.0.city``, the whole input as ''."""
    if isinstance(messages, Mapping):
        pairs = []
        for key, value in messages.items():
            name = prefix if key == GENERAL else f"{prefix}.{key}" if prefix else str(key)
            pairs += _flat_messages(value, name)
        return pairs
    if isinstance(messages, list | tuple):
        return [pair for value in messages for pair in _flat_messages(value, prefix)]
    return [(prefix, str(messages))]


# --------------------------------------------------------------------------- request bodies


def max_body() -> int:
    return int(current_app.config.get("API_MAX_BODY_BYTES") or DEFAULT_MAX_BODY)


def raw_body() -> bytes:
    """The request body, refused with 413 beyond the API's limit (also without a length)."""
    limit = max_body()
    if (request.content_length or 0) > limit:
        raise ApiError(413, _too_large(limit))
    request.max_content_length = limit
    try:
        return request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise ApiError(413, _too_large(limit)) from None


def _too_large(limit: int) -> str:
    return str(MSG_TOO_LARGE) % {"limit": limit}


def read_body(*, optional: bool = False) -> dict[str, Any]:
    """The body as a dict of fields, from JSON (default) or XML.

    ``optional``: an empty body is an empty dict (business actions without inputs).
    Anything else than one object / one ``<record>`` is refused with 422.
    """
    data = raw_body()
    if optional and not data.strip():
        return {}
    if request.mimetype in XML_TYPES:
        return parse_xml(data)
    if request.mimetype not in (JSON, "") and not request.mimetype.endswith("+json"):
        raise ApiError(415, MSG_MEDIA_TYPE)
    try:
        value = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise BusinessError.on(GENERAL, MSG_BAD_JSON) from None
    if not isinstance(value, dict):
        raise BusinessError.on(GENERAL, MSG_NOT_AN_OBJECT)
    return value


def parse_xml(data: bytes) -> dict[str, Any]:
    """One ``<record>`` as a dict; every value is text (as in a form), ``nil`` is None."""
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise BusinessError.on(GENERAL, MSG_UNSAFE_XML) from None
    except (ParseError, ValueError):
        raise BusinessError.on(GENERAL, MSG_BAD_XML) from None
    if root.tag != "record":
        raise BusinessError.on(GENERAL, MSG_NOT_A_RECORD)
    value = _value(root, 0)
    return value if isinstance(value, dict) else {}


def _value(element: Element, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise BusinessError.on(GENERAL, MSG_TOO_DEEP)
    if element.get("nil") == "true":
        return None
    children = list(element)
    if not children:
        return element.text or ""
    if element.tag != "record" and all(child.tag == "item" for child in children):
        return [_value(child, depth + 1) for child in children]
    return {child.tag: _value(child, depth + 1) for child in children}

"""Marshmallow schemas of products: input checked on load, records represented on dump.

Shape, lengths, ranges and barcodes, with messages in the reader's language; rules that
need the database (unique codes, unit categories, category cycles) are services.py's.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, pre_load

from addons.products import messages
from addons.products.models import (
    BARCODE_LENGTH,
    CATEGORY_NAME_LENGTH,
    CODE_LENGTH,
    DESCRIPTION_LENGTH,
    NAME_LENGTH,
    UOM_NAME_LENGTH,
    ProductType,
    UomKind,
)

MAX_ID = 2**31 - 1
GTIN_LENGTHS = (8, 12, 13)  # EAN-8, UPC-A, EAN-13

# --------------------------------------------------------------------------- validators
# Each raises a ValidationError whose text is translated when the check runs.

Validator = Callable[[Any], None]


def max_length(limit: int) -> Validator:
    def check(value: str) -> None:
        if len(value) > limit:
            raise ValidationError(messages.translate(messages.MSG_TOO_LONG, max=limit))

    return check


def not_blank(value: str) -> None:
    if not value:
        raise ValidationError(messages.translate(messages.MSG_BLANK))


def single_line(value: str) -> None:
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise ValidationError(messages.translate(messages.MSG_CONTROL_CHARACTERS))


def one_of(choices: tuple[str, ...]) -> Validator:
    def check(value: str) -> None:
        if value not in choices:
            raise ValidationError(
                messages.translate(messages.MSG_NOT_A_CHOICE, choices=", ".join(choices))
            )

    return check


def valid_id(value: int) -> None:
    if not 1 <= value <= MAX_ID:
        raise ValidationError(messages.translate(messages.MSG_INVALID))


def places(scale: int) -> Validator:
    """Refuse digits the column would silently round away (a float's 0.30000000000000004)."""

    def check(value: Decimal) -> None:
        if value.is_finite() and -value.normalize().as_tuple().exponent > scale:
            raise ValidationError(messages.translate(messages.MSG_TOO_MANY_PLACES, places=scale))

    return check


def fits(precision: int, scale: int) -> Validator:
    """Refuse what the NUMERIC column (or SQLite's scaled integer) cannot hold."""
    limit = Decimal(10) ** (precision - scale)

    def check(value: Decimal) -> None:
        if abs(value) >= limit:
            raise ValidationError(messages.translate(messages.MSG_TOO_BIG, limit=f"{limit:,}"))

    return check


def non_negative(value: Decimal) -> None:
    if value < 0:
        raise ValidationError(messages.translate(messages.MSG_NEGATIVE))


def positive(value: Decimal) -> None:
    if value <= 0:
        raise ValidationError(messages.translate(messages.MSG_NOT_POSITIVE))


def fraction(value: Decimal) -> None:
    if not 0 <= value <= 1:
        raise ValidationError(messages.translate(messages.MSG_TAX_RATE_RANGE))


def gtin_check_digit(body: str) -> int:
    """The GS1 check digit for the digits before it (weights 3, 1, 3... from the right)."""
    total = sum(int(digit) * (3 if i % 2 == 0 else 1) for i, digit in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def valid_barcode(value: str) -> None:
    """Any printable code; numeric EAN-8, UPC-A and EAN-13 codes must carry a right check digit."""
    if any(char.isspace() or unicodedata.category(char) == "Cc" for char in value):
        raise ValidationError(messages.translate(messages.MSG_BARCODE_SPACES))
    if value.isascii() and value.isdigit() and len(value) in GTIN_LENGTHS:
        expected = gtin_check_digit(value[:-1])
        if int(value[-1]) != expected:
            raise ValidationError(
                messages.translate(
                    messages.MSG_BARCODE_CHECK_DIGIT, barcode=value, expected=expected
                )
            )


# --------------------------------------------------------------------------- fields


def text(limit: int, *, required: bool = False, line: bool = True, **kwargs) -> fields.String:
    checks: list[Validator] = [max_length(limit)]
    if required:
        checks.insert(0, not_blank)
    if line:
        checks.append(single_line)
    return fields.String(required=required, validate=checks, **kwargs)


def record_id(**kwargs) -> fields.Integer:
    return fields.Integer(validate=valid_id, **kwargs)


def number(precision: int, scale: int, *checks: Validator, **kwargs) -> fields.Decimal:
    """A Decimal kept exact: strings or numbers in, strings out (JSON floats lose digits)."""
    return fields.Decimal(
        as_string=True, validate=[places(scale), fits(precision, scale), *checks], **kwargs
    )


def money(**kwargs) -> fields.Decimal:
    return number(18, 2, non_negative, **kwargs)


def quantity(*checks: Validator, **kwargs) -> fields.Decimal:
    return number(18, 4, *checks, **kwargs)


def rate(*checks: Validator, **kwargs) -> fields.Decimal:
    return number(12, 6, *checks, **kwargs)


# marshmallow's own texts, by error key, replaced with the catalogue's.
COMMON_ERRORS = {
    "required": messages.MSG_REQUIRED,
    "null": messages.MSG_NULL,
    "validator_failed": messages.MSG_INVALID,
    "type": messages.MSG_NOT_OBJECT,
}
FIELD_ERRORS: tuple[tuple[type[fields.Field], dict], ...] = (
    (
        fields.Integer,
        {"invalid": messages.MSG_NOT_INTEGER, "too_large": messages.MSG_NUMBER_TOO_LARGE},
    ),
    (
        fields.Decimal,
        {
            "invalid": messages.MSG_NOT_NUMBER,
            "too_large": messages.MSG_NUMBER_TOO_LARGE,
            "special": messages.MSG_NOT_FINITE,
        },
    ),
    (fields.String, {"invalid": messages.MSG_NOT_TEXT, "invalid_utf8": messages.MSG_NOT_TEXT}),
    (fields.Boolean, {"invalid": messages.MSG_NOT_BOOLEAN}),
)


def _translated_errors(field: fields.Field) -> dict[str, str]:
    wanted = dict(COMMON_ERRORS)
    for field_class, texts in FIELD_ERRORS:
        if isinstance(field, field_class):
            wanted.update(texts)
            break
    return {key: str(text) for key, text in wanted.items() if key in field.error_messages}


# --------------------------------------------------------------------------- schemas


class TranslatedSchema(Schema):
    """A schema whose every error text comes from the products catalogue.

    Texts are resolved when the schema is built, so build one per use (in a request,
    job or command), never at import time. Text input is stripped of surrounding spaces.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.error_messages = {
            **self.error_messages,
            "type": messages.translate(messages.MSG_NOT_OBJECT),
            "unknown": messages.translate(messages.MSG_UNKNOWN_FIELD),
        }
        for field in self.fields.values():
            field.error_messages = {**field.error_messages, **_translated_errors(field)}

    @pre_load
    def strip_text(self, data: Any, **kwargs) -> Any:
        if not isinstance(data, Mapping):
            return data
        return {
            key: value.strip() if isinstance(value, str) else value for key, value in data.items()
        }


class ProductSchema(TranslatedSchema):
    id = fields.Integer(dump_only=True)
    code = text(CODE_LENGTH, allow_none=True)
    barcode = fields.String(allow_none=True, validate=[max_length(BARCODE_LENGTH), valid_barcode])
    name = text(NAME_LENGTH, required=True)
    type = fields.String(validate=one_of(tuple(t.value for t in ProductType)))
    category_id = record_id(allow_none=True)
    uom_id = record_id()
    purchase_uom_id = record_id(allow_none=True)
    sale_price = money()
    cost = money()
    tax_rate = rate(fraction)
    weight = quantity(non_negative)
    volume = number(18, 6, non_negative)
    description = text(DESCRIPTION_LENGTH, allow_none=True, line=False)
    active = fields.Boolean(dump_only=True)
    company_id = fields.Integer(dump_only=True)

    @post_load
    def to_values(self, data: dict, **kwargs) -> dict:
        for key in ("code", "barcode", "description"):
            if data.get(key) == "":
                data[key] = None
        if "type" in data:
            data["type"] = ProductType(data["type"])
        return data


class ProductCategorySchema(TranslatedSchema):
    id = fields.Integer(dump_only=True)
    name = text(CATEGORY_NAME_LENGTH, required=True)
    parent_id = record_id(allow_none=True)
    complete_name = fields.String(dump_only=True)


class ReferenceUomSchema(TranslatedSchema):
    name = text(UOM_NAME_LENGTH, required=True)
    rounding = quantity(positive, load_default=Decimal("0.01"))


class UomCategorySchema(TranslatedSchema):
    """A unit category is created together with its reference unit, so it always has one."""

    id = fields.Integer(dump_only=True)
    name = text(UOM_NAME_LENGTH, required=True)
    code = fields.String(dump_only=True)
    label = fields.String(dump_only=True)
    reference_uom = fields.Nested(ReferenceUomSchema, required=True, load_only=True)


class UomSchema(TranslatedSchema):
    id = fields.Integer(dump_only=True)
    category_id = record_id(required=True)
    name = text(UOM_NAME_LENGTH, required=True)
    code = fields.String(dump_only=True)
    label = fields.String(dump_only=True)
    kind = fields.String(required=True, validate=one_of(tuple(k.value for k in UomKind)))
    factor = rate(positive, required=True)
    rounding = quantity(positive)
    active = fields.Boolean(dump_only=True)

    @post_load
    def to_values(self, data: dict, **kwargs) -> dict:
        if "kind" in data:
            data["kind"] = UomKind(data["kind"])
        return data


class UomUpdateSchema(UomSchema):
    """What may change on a unit: its category and kind are fixed once it exists."""

    class Meta:
        exclude = ("category_id", "kind")

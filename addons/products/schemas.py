"""Marshmallow schemas of products: input checked on load, records represented on dump.

Built from core.schemas (translated messages, trimmed text, blank as None, shared fields
and checks); what is products' own is the barcode check digit and the tax-rate range.
Rules that need the database (unique codes, unit categories, category cycles) are
services.py's.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from marshmallow import ValidationError, fields

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
from core.schemas import (
    Choice,
    TranslatedSchema,
    money,
    non_negative,
    number,
    positive,
    quantity,
    rate,
    record_id,
    render,
    text,
)

GTIN_LENGTHS = (8, 12, 13)  # EAN-8, UPC-A, EAN-13

# --------------------------------------------------------------------------- checks


def fraction(value: Decimal) -> Decimal:
    if not 0 <= value <= 1:
        raise ValidationError(render(messages.MSG_TAX_RATE_RANGE))
    return value


def gtin_check_digit(body: str) -> int:
    """The GS1 check digit for the digits before it (weights 3, 1, 3... from the right)."""
    total = sum(int(digit) * (3 if i % 2 == 0 else 1) for i, digit in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def valid_barcode(value: str) -> str:
    """Any printable code; numeric EAN-8, UPC-A and EAN-13 codes must carry a right check digit."""
    if any(char.isspace() or unicodedata.category(char) == "Cc" for char in value):
        raise ValidationError(render(messages.MSG_BARCODE_SPACES))
    if value.isascii() and value.isdigit() and len(value) in GTIN_LENGTHS:
        expected = gtin_check_digit(value[:-1])
        if int(value[-1]) != expected:
            raise ValidationError(
                render(messages.MSG_BARCODE_CHECK_DIGIT, barcode=value, expected=expected)
            )
    return value


# --------------------------------------------------------------------------- schemas
# Build one per use (in a request, job or command), never at import time: messages are
# rendered in the language of the moment the schema is made.


class ProductSchema(TranslatedSchema):
    id = fields.Integer(dump_only=True)
    code = text(CODE_LENGTH)
    # valid_barcode refuses spaces and control characters with its own message
    barcode = text(BARCODE_LENGTH, line=False, validate=[valid_barcode])
    name = text(NAME_LENGTH, required=True)
    type = Choice(ProductType)
    category_id = record_id()
    uom_id = record_id(allow_none=False)
    purchase_uom_id = record_id()
    sale_price = money()
    cost = money()
    tax_rate = rate(fraction)
    weight = quantity(non_negative)
    volume = number(18, 6, non_negative)
    description = text(DESCRIPTION_LENGTH, line=False)
    active = fields.Boolean(dump_only=True)
    company_id = fields.Integer(dump_only=True)


class ProductCategorySchema(TranslatedSchema):
    id = fields.Integer(dump_only=True)
    name = text(CATEGORY_NAME_LENGTH, required=True)
    parent_id = record_id()
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
    category_id = record_id(required=True, allow_none=False)
    name = text(UOM_NAME_LENGTH, required=True)
    code = fields.String(dump_only=True)
    label = fields.String(dump_only=True)
    kind = Choice(UomKind, required=True)
    factor = rate(positive, required=True)
    rounding = quantity(positive)
    active = fields.Boolean(dump_only=True)


class UomUpdateSchema(UomSchema):
    """What may change on a unit: its category and kind are fixed once it exists."""

    class Meta:
        exclude = ("category_id", "kind")

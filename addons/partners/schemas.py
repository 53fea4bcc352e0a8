"""Marshmallow schemas of the partners addon: checking input on load, representation on dump.

They check each field on its own (type, length, format, allowed values); rules that
need the database (unique codes, existing groups, cycles) are in services.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, pre_load, validate

from addons.partners import messages as msg
from addons.partners.models import (
    ACCOUNT_NUMBER_LENGTH,
    CODE_LENGTH,
    EMAIL_LENGTH,
    NAME_LENGTH,
    PHONE_LENGTH,
    PLACE_LENGTH,
    STREET_LENGTH,
    TAG_COLORS,
    TAG_NAME_LENGTH,
    TAX_ID_LENGTH,
    WEBSITE_LENGTH,
    ZIP_LENGTH,
    AddressKind,
    PartnerKind,
)

NOTES_LENGTH = 10_000
MONEY_PLACES = 2
MONEY_QUANTUM = Decimal("0.01")
MONEY_LIMIT = Decimal(10) ** 16  # ExactDecimal(18, 2): 16 digits before the point

COUNTRY_RE = re.compile(r"[A-Za-z]{2}")
ACCOUNT_NUMBER_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]*")


def _error_messages(**extra: Any) -> dict[str, Any]:
    """marshmallow's messages for a field, replaced by translated ones."""
    return {
        "required": msg.REQUIRED,
        "null": msg.REQUIRED,
        "validator_failed": msg.NOT_VALID,
        **extra,
    }


# --------------------------------------------------------------------------- validators


class MaxLength(validate.Validator):
    def __init__(self, limit: int) -> None:
        self.limit = limit

    def __call__(self, value: str) -> str:
        if len(value) > self.limit:
            raise ValidationError(msg.render(msg.TOO_LONG, max=self.limit))
        return value


class Pattern(validate.Validator):
    def __init__(self, pattern: re.Pattern[str], message: Any) -> None:
        self.pattern = pattern
        self.message = message

    def __call__(self, value: str) -> str:
        if not self.pattern.fullmatch(value):
            raise ValidationError(msg.render(self.message))
        return value


class MoneyAmount(validate.Validator):
    """Not negative, at most two decimal places, and fits the Money column."""

    def __call__(self, value: Decimal) -> Decimal:
        if value < 0:
            raise ValidationError(msg.render(msg.NEGATIVE_AMOUNT))
        if value >= MONEY_LIMIT:
            raise ValidationError(msg.render(msg.AMOUNT_TOO_LARGE))
        if value != value.quantize(MONEY_QUANTUM):
            raise ValidationError(msg.render(msg.TOO_MANY_DECIMALS, places=MONEY_PLACES))
        return value


class ColorIndex(validate.Validator):
    def __call__(self, value: int) -> int:
        if not 0 <= value < TAG_COLORS:
            raise ValidationError(msg.render(msg.INVALID_COLOR, max=TAG_COLORS - 1))
        return value


# --------------------------------------------------------------------------- fields


def text(limit: int, *, required: bool = False, **kwargs: Any) -> fields.String:
    """A text field of at most ``limit`` characters; blank counts as not given."""
    return fields.String(
        required=required,
        allow_none=not required,
        validate=[MaxLength(limit), *kwargs.pop("validate", [])],
        error_messages=_error_messages(invalid=msg.NOT_TEXT, invalid_utf8=msg.NOT_TEXT),
        **kwargs,
    )


def email() -> fields.String:
    return text(EMAIL_LENGTH, validate=[validate.Email(error=msg.INVALID_EMAIL)])


def record_id(**kwargs: Any) -> fields.Integer:
    """The id of another record; whether it exists is checked by the service."""
    kwargs.setdefault("allow_none", True)
    return fields.Integer(error_messages=_error_messages(invalid=msg.NOT_WHOLE_NUMBER), **kwargs)


def flag(**kwargs: Any) -> fields.Boolean:
    return fields.Boolean(error_messages=_error_messages(invalid=msg.NOT_YES_NO), **kwargs)


class Choice(fields.Field):
    """One value of a string enum: loaded as the enum member, dumped as its value."""

    def __init__(self, enum_class: type[Enum], **kwargs: Any) -> None:
        super().__init__(error_messages=_error_messages(), **kwargs)
        self.enum_class = enum_class

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else self.enum_class(value).value

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Enum:
        try:
            return self.enum_class(value)
        except (ValueError, TypeError):
            choices = ", ".join(member.value for member in self.enum_class)
            raise ValidationError(msg.render(msg.INVALID_CHOICE, choices=choices)) from None


# --------------------------------------------------------------------------- schemas


class PartnersSchema(Schema):
    """Base of this addon's schemas: translated messages, trimmed text, blank as None."""

    error_messages = {"unknown": msg.UNKNOWN_FIELD, "type": msg.NOT_RECORD}

    @pre_load
    def _clean_text(self, data: Any, **kwargs: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        cleaned = {}
        for key, value in data.items():
            if isinstance(value, str):
                value = value.strip() or None
            cleaned[key] = value
        return cleaned


class AddressSchema(PartnersSchema):
    id = fields.Integer(dump_only=True)
    partner_id = fields.Integer(dump_only=True)
    kind = Choice(AddressKind, load_default=AddressKind.DELIVERY)
    is_default = flag(load_default=False)
    contact_name = text(NAME_LENGTH)
    phone = text(PHONE_LENGTH)
    street = text(STREET_LENGTH, required=True)
    street2 = text(STREET_LENGTH)
    district = text(PLACE_LENGTH)
    city = text(PLACE_LENGTH)
    province = text(PLACE_LENGTH)
    zip = text(ZIP_LENGTH)
    country_code = fields.String(
        load_default="CN",
        validate=[Pattern(COUNTRY_RE, msg.INVALID_COUNTRY)],
        error_messages=_error_messages(invalid=msg.NOT_TEXT, invalid_utf8=msg.NOT_TEXT),
    )

    @post_load
    def _upper_country(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if data.get("country_code"):
            data["country_code"] = data["country_code"].upper()
        return data


class BankAccountSchema(PartnersSchema):
    id = fields.Integer(dump_only=True)
    partner_id = fields.Integer(dump_only=True)
    bank_name = text(NAME_LENGTH, required=True)
    branch = text(NAME_LENGTH)
    account_number = text(
        ACCOUNT_NUMBER_LENGTH,
        required=True,
        validate=[Pattern(ACCOUNT_NUMBER_RE, msg.INVALID_ACCOUNT_NUMBER)],
    )
    holder_name = text(NAME_LENGTH, required=True)


class GroupSchema(PartnersSchema):
    id = fields.Integer(dump_only=True)
    name = text(NAME_LENGTH, required=True)
    parent_id = record_id()
    full_name = fields.String(dump_only=True)


class TagSchema(PartnersSchema):
    id = fields.Integer(dump_only=True)
    name = text(TAG_NAME_LENGTH, required=True)
    color = fields.Integer(
        load_default=0,
        validate=[ColorIndex()],
        error_messages=_error_messages(invalid=msg.NOT_WHOLE_NUMBER),
    )


class PartnerSchema(PartnersSchema):
    """A partner; ``addresses`` may come with a new partner, bank accounts never do."""

    id = fields.Integer(dump_only=True)
    code = text(CODE_LENGTH)
    name = text(NAME_LENGTH, required=True)
    display_name = fields.String(dump_only=True)
    kind = Choice(PartnerKind, load_default=PartnerKind.COMPANY)
    parent_id = record_id()
    is_customer = flag(load_default=False)
    is_supplier = flag(load_default=False)
    is_carrier = flag(load_default=False)
    roles = fields.List(fields.String(), dump_only=True)
    email = email()
    phone = text(PHONE_LENGTH)
    mobile = text(PHONE_LENGTH)
    website = text(WEBSITE_LENGTH)
    tax_id = text(TAX_ID_LENGTH)
    group_id = record_id()
    group_name = fields.Function(
        lambda partner: partner.group.full_name if partner.group else None, dump_only=True
    )
    tag_ids = fields.List(
        record_id(allow_none=False),
        load_only=True,
        error_messages=_error_messages(invalid=msg.NOT_LIST),
    )
    tags = fields.Nested(TagSchema, many=True, dump_only=True)
    salesperson_id = record_id()
    credit_limit = fields.Decimal(
        allow_none=True,
        as_string=True,
        validate=[MoneyAmount()],
        error_messages=_error_messages(
            invalid=msg.NOT_NUMBER, too_large=msg.AMOUNT_TOO_LARGE, special=msg.NOT_NUMBER
        ),
    )
    notes = text(NOTES_LENGTH)
    addresses = fields.Nested(
        AddressSchema, many=True, error_messages=_error_messages(type=msg.NOT_LIST)
    )
    active = fields.Boolean(dump_only=True)
    company_id = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)

    @post_load
    def _money_in_cents(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        # Validators refused more decimals; this only writes 1000 as 1000.00, as stored.
        if data.get("credit_limit") is not None:
            data["credit_limit"] = data["credit_limit"].quantize(MONEY_QUANTUM)
        return data

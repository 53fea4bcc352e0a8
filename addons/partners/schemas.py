"""Marshmallow schemas of the partners addon: checking input on load, representation on dump.

Built from core.schemas (translated messages, trimmed text, blank as None, shared fields
and checks); what is partners' own is the country code, account number and tag colour.
They check each field on its own; rules that need the database (unique codes, existing
groups, cycles) are in services.py.
"""

from __future__ import annotations

import re
from typing import Any

from marshmallow import ValidationError, fields, post_load, validate

from addons.partners import messages as msg
from addons.partners.models import (
    ACCOUNT_NUMBER_LENGTH,
    CODE_LENGTH,
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
from core.schemas import (
    Choice,
    Pattern,
    TranslatedSchema,
    email,
    flag,
    money,
    record_id,
    render,
    text,
)

NOTES_LENGTH = 10_000

COUNTRY_RE = re.compile(r"[A-Za-z]{2}")
ACCOUNT_NUMBER_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]*")


# --------------------------------------------------------------------------- checks, fields


class ColorIndex(validate.Validator):
    def __call__(self, value: int) -> int:
        if not 0 <= value < TAG_COLORS:
            raise ValidationError(render(msg.INVALID_COLOR, max=TAG_COLORS - 1))
        return value


# --------------------------------------------------------------------------- schemas


class PartnersSchema(TranslatedSchema):
    """Base of this addon's schemas (core's translated schema, a name of our own)."""


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
        load_default="CN", validate=[Pattern(COUNTRY_RE, msg.INVALID_COUNTRY)]
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
    color = fields.Integer(load_default=0, validate=[ColorIndex()])


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
    tag_ids = fields.List(record_id(allow_none=False), load_only=True)
    tags = fields.Nested(TagSchema, many=True, dump_only=True)
    salesperson_id = record_id()
    credit_limit = money(allow_none=True)
    notes = text(NOTES_LENGTH, line=False)
    addresses = fields.Nested(AddressSchema, many=True)
    active = fields.Boolean(dump_only=True)
    company_id = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)

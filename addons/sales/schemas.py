"""Marshmallow schemas of the sales addon: each field checked on its own (type, length,
range, decimal places). Rules that need the database (the customer is a customer of this
company, the product is active, an order is still open) are in services.py.
"""

from __future__ import annotations

from decimal import Decimal

from marshmallow import fields

from addons.sales.models import (
    DESCRIPTION_LENGTH,
    NOTE_LENGTH,
    REASON_LENGTH,
    REFERENCE_LENGTH,
    CreditMode,
    PaymentMethod,
)
from core.schemas import (
    Between,
    Choice,
    TranslatedSchema,
    money,
    number,
    positive,
    quantity,
    rate,
    record_id,
    text,
)

NAME_LENGTH = 255
CODE_LENGTH = 64


class SalesSchema(TranslatedSchema):
    """Base of this addon's schemas (core's translated schema)."""


class OrderLineSchema(SalesSchema):
    """A line as a form or the API sends it; blanks take the product's defaults."""

    id = record_id()
    product_id = record_id(required=True, allow_none=False)
    description = text(DESCRIPTION_LENGTH)
    quantity = quantity(positive, required=True)
    uom_id = record_id()
    price_unit = money(allow_none=True)
    discount = number(5, 2, Between(Decimal(0), Decimal(100)), allow_none=True)
    tax_rate = rate(Between(Decimal(0), Decimal(1)), allow_none=True)


class OrderSchema(SalesSchema):
    """An order's own fields; its lines are checked one by one with OrderLineSchema."""

    customer_id = record_id(required=True, allow_none=False)
    order_date = fields.Date(allow_none=True)
    salesperson_id = record_id()
    team_id = record_id()
    channel_id = record_id()
    client_reference = text(REFERENCE_LENGTH)
    note = text(NOTE_LENGTH, line=False)


class ReasonSchema(SalesSchema):
    """The reason of a cancellation, or the note of a credit release."""

    reason = text(REASON_LENGTH, required=True)


class NoteSchema(SalesSchema):
    note = text(REASON_LENGTH, required=True)


class AllocationSchema(SalesSchema):
    id = record_id()
    order_id = record_id(required=True, allow_none=False)
    amount = money(positive, required=True)


class PaymentSchema(SalesSchema):
    """A customer receipt; without allocations it settles the oldest open orders first."""

    customer_id = record_id(required=True, allow_none=False)
    payment_date = fields.Date(allow_none=True)
    method = Choice(PaymentMethod, load_default=PaymentMethod.BANK_TRANSFER)
    reference = text(REFERENCE_LENGTH)
    amount = money(positive, required=True)
    note = text(NOTE_LENGTH, line=False)


class PaymentUpdateSchema(SalesSchema):
    """What may change on a posted payment: how it is described, never what it moves."""

    reference = text(REFERENCE_LENGTH)
    note = text(NOTE_LENGTH, line=False)


class ChannelSchema(SalesSchema):
    code = text(CODE_LENGTH, required=True)
    name = text(NAME_LENGTH, required=True)
    sequence = fields.Integer(load_default=10, validate=[Between(0, 10_000)])


class LevelSchema(SalesSchema):
    code = text(CODE_LENGTH, required=True)
    name = text(NAME_LENGTH, required=True)
    sequence = fields.Integer(load_default=10, validate=[Between(0, 10_000)])


class CustomerSchema(SalesSchema):
    """A customer's classification: the partner and its level."""

    customer_id = record_id(required=True, allow_none=False)
    level_id = record_id(required=True, allow_none=False)


class TeamSchema(SalesSchema):
    name = text(NAME_LENGTH, required=True)
    leader_id = record_id()


class TeamMemberSchema(SalesSchema):
    id = record_id()
    user_id = record_id(required=True, allow_none=False)


class SettingsSchema(SalesSchema):
    credit_mode = Choice(CreditMode, load_default=CreditMode.BLOCK)
    quotation_validity_days = fields.Integer(load_default=30, validate=[Between(0, 3650)])
    quotation_terms = text(NOTE_LENGTH, line=False)

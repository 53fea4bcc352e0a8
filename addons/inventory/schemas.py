"""Marshmallow schemas of the inventory addon: each field checked on its own (type,
length, range, decimal places). Rules that need the database (the location belongs to
the warehouse, the product is stocked, the unit measures it) are in services.py.
"""

from __future__ import annotations

import re
from decimal import Decimal

from marshmallow import fields

from addons.inventory.messages import LOCATION_NAME_SEPARATOR, WAREHOUSE_CODE_FORMAT
from addons.inventory.models import (
    ADDRESS_LENGTH,
    LOCATION_NAME_LENGTH,
    LOCATION_PATH_LENGTH,
    LOT_NAME_LENGTH,
    ORIGIN_NAME_LENGTH,
    REASON_LENGTH,
    ROLE_NAME_LENGTH,
    WAREHOUSE_CODE_LENGTH,
    LocationKind,
    Priority,
    Tracking,
)
from core.schemas import (
    Choice,
    Pattern,
    TranslatedSchema,
    flag,
    non_negative,
    number,
    positive,
    record_id,
    text,
)
from core.schemas import quantity as quantity_field

NAME_LENGTH = 255
NOTE_LENGTH = 10_000
# The lot of a line, or the serial numbers of its units (separated by spaces or commas).
LOT_NAMES_LENGTH = 20_000
SCAN_LENGTH = 300  # a barcode, a code, or "[code] name" as lists show a product
WAREHOUSE_CODE = re.compile(r"[A-Za-z0-9_-]+")
NO_SEPARATOR = re.compile(r"[^/]+")


class InventorySchema(TranslatedSchema):
    """Base of this addon's schemas (core's translated schema)."""


class WarehouseMemberSchema(InventorySchema):
    id = record_id()
    user_id = record_id(required=True, allow_none=False)


class WarehouseSchema(InventorySchema):
    code = text(
        WAREHOUSE_CODE_LENGTH,
        required=True,
        allow_none=False,
        validate=[Pattern(WAREHOUSE_CODE, WAREHOUSE_CODE_FORMAT)],
    )
    name = text(NAME_LENGTH, required=True, allow_none=False)
    allow_negative = flag(load_default=False)
    count_approval_value = number(18, 4, non_negative, allow_none=True)
    address = text(ADDRESS_LENGTH)
    sequence = fields.Integer(strict=False, allow_none=True)
    alert_role = text(ROLE_NAME_LENGTH)


class LocationSchema(InventorySchema):
    name = text(
        LOCATION_NAME_LENGTH,
        required=True,
        allow_none=False,
        validate=[Pattern(NO_SEPARATOR, LOCATION_NAME_SEPARATOR)],
    )
    parent_id = record_id()
    kind = Choice(LocationKind, allow_none=True)


class LotSchema(InventorySchema):
    name = text(LOT_NAME_LENGTH, required=True, allow_none=False)
    product_id = record_id(required=True, allow_none=False)
    expiry_date = fields.Date(allow_none=True)
    note = text(NOTE_LENGTH, line=False)


class MoveLineSchema(InventorySchema):
    """A line of an operation as a form or the API sends it."""

    id = record_id()
    product_id = record_id(required=True, allow_none=False)
    quantity = quantity_field(positive, required=True, allow_none=False)
    uom_id = record_id()
    lot_id = record_id()
    lot_name = text(LOT_NAMES_LENGTH, line=False)
    quantity_done = quantity_field(non_negative, allow_none=True)


class DoneLineSchema(InventorySchema):
    """What may change on a line of a confirmed operation."""

    id = record_id(required=True, allow_none=False)
    quantity_done = quantity_field(non_negative, allow_none=True)
    lot_id = record_id()
    lot_name = text(LOT_NAMES_LENGTH, line=False)


class PickingSchema(InventorySchema):
    """An operation's own fields; its lines are checked one by one with MoveLineSchema."""

    warehouse_id = record_id()
    partner_id = record_id()
    from_location_id = record_id()
    to_location_id = record_id()
    scheduled_date = fields.Date(allow_none=True)
    priority = Choice(Priority, allow_none=True)
    origin_name = text(ORIGIN_NAME_LENGTH)
    note = text(NOTE_LENGTH, line=False)


class TrackingSchema(InventorySchema):
    product_id = record_id(required=True, allow_none=False)
    tracking = Choice(Tracking, required=True, allow_none=False)


class StockRuleSchema(InventorySchema):
    product_id = record_id(required=True, allow_none=False)
    warehouse_id = record_id(required=True, allow_none=False)
    minimum = quantity_field(non_negative, required=True, allow_none=False)
    maximum = quantity_field(non_negative, required=True, allow_none=False)


class CountSchema(InventorySchema):
    """A stocktaking's own fields; its lines are checked one by one with CountLineSchema."""

    warehouse_id = record_id()
    location_id = record_id()
    category_id = record_id()
    reason = text(REASON_LENGTH, required=True, allow_none=False)
    note = text(NOTE_LENGTH, line=False)


class CountLineSchema(InventorySchema):
    id = record_id()
    product_id = record_id(required=True, allow_none=False)
    location_id = record_id(required=True, allow_none=False)
    lot_id = record_id()
    counted = quantity_field(non_negative, allow_none=True)


class ScanSchema(InventorySchema):
    """One scan in a count: a barcode or code, perhaps a lot or serial number, how many
    (one unless typed) and where (default: where the count expects it)."""

    code = text(SCAN_LENGTH, required=True, allow_none=False)
    lot_name = text(LOT_NAME_LENGTH)
    quantity = quantity_field(positive, load_default=Decimal(1), allow_none=False)
    location_id = record_id()


class CountRowSchema(InventorySchema):
    """A row of a file of counted quantities; the location by its full name."""

    code = text(SCAN_LENGTH, required=True, allow_none=False)
    location = text(LOCATION_PATH_LENGTH)
    lot_name = text(LOT_NAME_LENGTH)
    counted = quantity_field(non_negative, required=True, allow_none=False)


class ReasonSchema(InventorySchema):
    reason = text(REASON_LENGTH, required=True, allow_none=False)


class AdjustmentSchema(InventorySchema):
    """A stock correction in one location: the quantity counted replaces what is on hand."""

    product_id = record_id(required=True, allow_none=False)
    location_id = record_id(required=True, allow_none=False)
    lot_id = record_id()
    counted = quantity_field(non_negative, required=True, allow_none=False)
    unit_cost = number(18, 6, non_negative, allow_none=True)

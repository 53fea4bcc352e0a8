"""Every text of the inventory addon that a person reads, in the gettext domain "inventory".

Constants are lazy: they are translated when shown, in the language of that moment
(``core.schemas.render`` fills their ``%(name)s`` placeholders). Generic input refusals
(required, too long, not a number, too many decimals) are core.schemas' messages.
Labels of screens live in views.py, of permissions and roles in security.py.
"""

from __future__ import annotations

from core.i18n import N_, catalogue_domain, core_domain

domain = catalogue_domain(__file__, "inventory")
_ = domain.gettext
_l = domain.lazy_gettext


def template_gettext(message: str, **variables: object) -> str:
    """The addon's gettext for its own pages, passed to templates as ``_``; texts of
    core's layout fall back to core's catalogue."""
    text = domain.get_translations().gettext(message)
    if text == message:
        text = core_domain.get_translations().gettext(message)
    return text % variables if variables else text


def stored_name(name: str) -> str:
    """A stored name in the reader's language when the catalogue knows it (the locations
    Tessera creates, "Stock"); names people typed come back unchanged."""
    return domain.gettext(name) if name else name


# --------------------------------------------------------------------------- stored names
# Names of the records made at install or with a warehouse, stored in English and shown
# translated (stored_name).

LOCATION_RECEIVING = N_("Receiving")
LOCATION_STOCK = N_("Stock")
LOCATION_OUTPUT = N_("Output")
LOCATION_SCRAP = N_("Scrap")
LOCATION_SUPPLIERS = N_("Suppliers")
LOCATION_CUSTOMERS = N_("Customers")
LOCATION_PRODUCTION = N_("Production")
LOCATION_INVENTORY_LOSS = N_("Inventory loss")
DEFAULT_WAREHOUSE = N_("Main warehouse")

# --------------------------------------------------------------------------- choices
# Labels of the enums' values (views.py keeps them in step with the enums: a test).

STATE_LABELS = (
    ("draft", _l("Draft")),
    ("waiting", _l("Waiting")),
    ("ready", _l("Ready")),
    ("done", _l("Done")),
    ("cancelled", _l("Cancelled")),
)
KIND_LABELS = (
    ("view", _l("View")),
    ("internal", _l("Internal")),
    ("supplier", _l("Suppliers")),
    ("customer", _l("Customers")),
    ("production", _l("Production")),
    ("inventory_loss", _l("Inventory loss")),
    ("scrap", _l("Scrap")),
)
PRIORITY_LABELS = (("normal", _l("Normal")), ("urgent", _l("Urgent")))
RULE_STATUS_LABELS = (("alert", _l("Below minimum")), ("ok", _l("OK")))
TRACKING_LABELS = (
    ("none", _l("Not tracked")),
    ("lot", _l("By lot")),
    ("serial", _l("By serial number")),
)
COUNT_STATE_LABELS = (
    ("draft", _l("Draft")),
    ("counting", _l("Counting")),
    ("to_approve", _l("To approve")),
    ("done", _l("Done")),
    ("cancelled", _l("Cancelled")),
)


# --------------------------------------------------------------------------- ledger

DONE_MOVE_FROZEN = _l("The move %(reference)s is done: it can only be reversed, not changed.")
NOT_ENOUGH_STOCK = _l(
    "Not enough %(product)s in %(location)s: %(needed)s needed, %(available)s available."
)
NOT_STOCKED = _l("%(product)s is a service: it has no stock to move.")
SAME_LOCATION = _l("A move needs two different locations.")
VIEW_LOCATION = _l("%(location)s only groups other locations: it cannot hold stock.")
LOCATION_ARCHIVED = _l("The location %(location)s is archived.")
LOCATION_OTHER_COMPANY = _l("The location %(location)s belongs to another company.")
UNKNOWN_LOCATION = _l("There is no location with id %(id)s.")
UNKNOWN_PRODUCT = _l("There is no product with id %(id)s.")
PRODUCT_ARCHIVED = _l("The product %(name)s is archived.")
PRODUCT_OTHER_COMPANY = _l("The product %(name)s belongs to another company.")
UNIT_NOT_CONVERTIBLE = _l("This unit cannot measure %(name)s.")
UNKNOWN_LOT = _l("There is no lot with id %(id)s of this product.")
LOT_NAME_TAKEN = _l("This product already has a lot named %(name)s.")
LOT_PRODUCT_FIXED = _l("The lot has moves: its product cannot change.")
NOT_POSITIVE = _l("The quantity must be greater than zero.")
ALREADY_REVERSED = _l("The move %(reference)s has been reversed already.")
NOT_DONE = _l("Only a done move can be reversed; %(reference)s is %(state)s.")
REVERSAL_OF_REVERSAL = _l("%(reference)s reverses another move: post the move again instead.")
REVERSAL_REFERENCE = _l("Reversal of %(reference)s")
RESERVATION_LOST = _l(
    "The reservation of %(reference)s no longer matches the stock: run `tessera inventory check`."
)
NO_WAREHOUSE = _l("The company has no active warehouse: create one first.")
ADJUSTMENT_REFERENCE = _l("Adjustment %(location)s")
STOCK_PLACE_FIXED = _l("Only the quantity on hand can be corrected here.")

# --------------------------------------------------------------------------- lots, serial numbers

LOT_REQUIRED = _l("%(product)s is tracked by lot: enter the lot of the goods that arrive.")
SERIAL_REQUIRED = _l(
    "%(product)s is tracked by serial number: enter the serial number of each unit that arrives."
)
SERIAL_ONE_UNIT = _l(
    "%(product)s is tracked by serial number: each line moves one unit with its serial number."
)
SERIAL_IN_STOCK = _l("The serial number %(serial)s is already in stock in %(location)s.")
SERIAL_TWICE = _l("The serial number %(serial)s is given twice.")
SERIALS_OVER_QUANTITY = _l(
    "%(count)s serial numbers for %(quantity)s units: give one serial number per unit."
)
SERIAL_WHOLE_UNITS = _l(
    "%(product)s is tracked by serial number: give the quantity in whole %(unit)s."
)
UNKNOWN_LOT_NAME = _l("%(product)s has no lot or serial number %(name)s.")
SERIAL_COUNTED_ONCE = _l("A serial number is counted as 0 or 1.")
UNKNOWN_TRACKING = _l("There is no tracking setting with id %(id)s.")
TRACKING_TAKEN = _l("This product already has a tracking setting.")
TRACKING_PRODUCT = _l("Product %(id)s is not a stocked product of this company.")
TRACKING_FIXED = _l(
    "%(product)s has stock or operations in progress: its tracking can change once they are done."
)

# --------------------------------------------------------------------------- warehouses

UNKNOWN_WAREHOUSE = _l("There is no warehouse with id %(id)s.")
WAREHOUSE_ARCHIVED = _l("The warehouse %(name)s is archived.")
WAREHOUSE_CODE_TAKEN = _l("The code %(code)s is already used by another warehouse.")
WAREHOUSE_CODE_FORMAT = _l("A warehouse code has letters, digits, - and _ only.")
WAREHOUSE_HAS_STOCK = _l("The warehouse %(name)s still holds stock or has open operations.")
UNKNOWN_USER = _l("There is no active user with id %(id)s.")
MEMBER_TWICE = _l("The user %(id)s is listed twice.")

# --------------------------------------------------------------------------- locations

LOCATION_NAME_TAKEN = _l("A location named %(name)s already exists there.")
LOCATION_NAME_SEPARATOR = _l("A location name cannot contain /.")
LOCATION_PARENT_KIND = _l(
    "A location inside a warehouse goes under one of its locations; %(parent)s is a %(kind)s."
)
LOCATION_CYCLE = _l("%(location)s cannot be placed under itself or one of its sub-locations.")
LOCATION_MOVE_WAREHOUSE = _l(
    "A location stays in its warehouse: %(location)s cannot move to another one."
)
LOCATION_KIND_FIXED = _l("The kind of a location with moves cannot change.")
LOCATION_SYSTEM = _l("%(location)s is needed by Tessera: it cannot be archived or moved.")
LOCATION_HAS_STOCK = _l("The location %(location)s still holds stock.")
LOCATION_PATH_TOO_LONG = _l("The full name %(path)s is too long: use a shallower tree.")
LOCATION_KIND_NEEDS_PARENT = _l("An internal location needs a parent in a warehouse.")
LOCATION_VIRTUAL_PARENT = _l("Suppliers, customers and other virtual locations have no parent.")

# --------------------------------------------------------------------------- documents

UNKNOWN_PICKING = _l("There is no operation with id %(id)s.")
NOT_EDITABLE = _l("%(name)s is %(state)s: its lines can no longer change.")
ONLY_DONE_QUANTITIES = _l(
    "%(name)s is confirmed: only the quantities done and lots of its lines may change."
)
NO_LINES = _l("Add at least one line.")
TOO_MANY_LINES = _l("At most %(max)d lines.")
LINES_NOT_A_LIST = _l("The lines must be a list.")
LINE_NOT_A_RECORD = _l("Each line must be a record of fields.")
UNKNOWN_LINE = _l("Line %(id)s is not a line of this operation.")
LINE_TWICE = _l("Line %(id)s is given twice.")
NOT_CONFIRMABLE = _l("%(name)s is %(state)s: only a draft can be confirmed.")
NOT_VALIDATABLE = _l("%(name)s is %(state)s: only a confirmed operation can be validated.")
NOT_CANCELLABLE = _l("%(name)s is %(state)s: it can no longer be cancelled.")
NOT_DELETABLE = _l("%(name)s is %(state)s: only drafts are deleted, cancel it instead.")
NOTHING_DONE = _l("Enter the quantities done, or validate without any to process everything.")
DONE_OVER_DEMAND = _l("At most %(demand)s: the quantity done cannot exceed the demand.")
WRONG_LOCATION_KIND = _l("%(location)s cannot be the %(end)s of a %(type)s.")
LOCATION_OUTSIDE_WAREHOUSE = _l("%(location)s is not a location of the warehouse %(warehouse)s.")
PARTNER_UNKNOWN = _l("There is no partner with id %(id)s.")
PARTNER_OTHER_COMPANY = _l("The partner %(name)s belongs to another company.")
BACKORDER_NOTE = _l("Backorder of %(name)s")
ORDER_CANCELLED = _l("The sales order %(name)s was cancelled.")
RETURN_NOTE = _l("Return of %(name)s")
NOT_RETURNABLE = _l("%(name)s is %(state)s: only a done receipt or delivery can be returned.")
NOTHING_TO_RETURN = _l("Everything %(name)s moved has been returned already.")
RETURN_TOO_MUCH = _l("This returns more %(product)s than %(name)s moved.")
END_SOURCE = _l("source")
END_DESTINATION = _l("destination")
STATE_BY_ACTION = _l("Use the buttons to change an operation's state.")

# --------------------------------------------------------------------------- stock rules

UNKNOWN_RULE = _l("There is no stock rule with id %(id)s.")
RULE_TAKEN = _l("This product already has a stock rule in this warehouse.")
RULE_PRODUCT = _l("Product %(id)s is not a stocked product of this company.")
RULE_MAXIMUM = _l("The maximum cannot be below the minimum.")

NOTIFICATIONS = _l("Stock notifications")
NOTIFICATIONS_UNREAD = _l("Stock notifications (%(count)s)")
ALERT_ROLE = _l(
    "The role %(role)s does not exist, or its holders may not read stock notifications."
)

# --------------------------------------------------------------------------- stocktaking

UNKNOWN_COUNT = _l("There is no stocktaking with id %(id)s.")
COUNT_LOCATION = _l("%(location)s is not a location of the warehouse %(warehouse)s.")
COUNT_CATEGORY = _l("There is no product category with id %(id)s.")
COUNT_NOT_STARTABLE = _l("%(name)s is %(state)s: only a draft count can be started.")
COUNT_NOT_APPLICABLE = _l("%(name)s is %(state)s: only a count in progress can be applied.")
COUNT_NOT_APPROVABLE = _l("%(name)s is %(state)s: only a count waiting for approval is approved.")
COUNT_NOT_CANCELLABLE = _l("%(name)s is %(state)s: it can no longer be cancelled.")
COUNT_NOT_EDITABLE = _l("%(name)s is %(state)s: its lines can no longer change.")
COUNT_NOT_DELETABLE = _l("%(name)s is %(state)s: only drafts are deleted, cancel it instead.")
COUNT_LINES_FROZEN = _l("The lines of %(name)s are frozen: counted quantities may change.")
COUNT_OUTSIDE = _l("%(location)s is outside the places this count covers.")
COUNT_LINE_TWICE = _l("%(product)s in %(location)s is listed twice.")
COUNT_NOTHING = _l("Nothing has been counted yet.")
COUNT_REFERENCE = _l("%(name)s: %(reason)s")
SCAN_UNKNOWN = _l("No product you may see has the barcode or code %(code)s.")
SCAN_WHERE = _l("Choose the location where %(product)s was counted.")
COUNT_NO_LOCATION = _l("%(location)s is not a location this count covers.")
COUNT_ROW_TWICE = _l("The same product, location and lot are on row %(row)s already.")
COUNT_SCANNED = _l("%(product)s in %(location)s: %(counted)s counted.")
COUNT_IMPORTED = _l("%(rows)s counted quantities imported.")
COUNT_FILE_COLUMNS = _l(
    "The file needs a column of products (code or barcode) and one of counted quantities."
)
COUNT_ROW = _l("Row %(row)s: %(problems)s")
COUNT_FILE_MISSING = _l("Choose a CSV or XLSX file.")
COUNT_FILE_TOO_BIG = _l("The file is larger than %(limit)s MB.")
# Headings of a file of counted quantities (also recognised in English).
COLUMN_PRODUCT = _l("Product")
COLUMN_CODE = _l("Code")
COLUMN_BARCODE = _l("Barcode")
COLUMN_LOCATION = _l("Location")
COLUMN_LOT = _l("Lot")
COLUMN_SERIAL = _l("Serial number")
COLUMN_LOT_OR_SERIAL = _l("Lot or serial number")
COLUMN_COUNTED = _l("Counted")
COLUMN_QUANTITY = _l("Quantity")

# --------------------------------------------------------------------------- products

STOCK_BLOCKS_ARCHIVE = _l("%(product)s: %(quantity)s in stock")
OPEN_MOVES_BLOCK_ARCHIVE = _l("%(product)s: %(count)s open stock operations")

# --------------------------------------------------------------------------- check command

CHECK_OK = _l("The stock ledger balances: %(quants)s quants, %(moves)s done moves.")
CHECK_ON_HAND = _l(
    "%(product)s in %(location)s: %(on_hand)s on hand, but the done moves sum to %(ledger)s."
)
CHECK_RESERVED = _l(
    "%(product)s in %(location)s: %(reserved)s reserved, but reservations sum to %(sum)s."
)
CHECK_AVAILABLE = _l(
    "%(product)s in %(location)s: available %(available)s is not on hand minus reserved."
)
CHECK_OVER_RESERVED = _l(
    "%(product)s in %(location)s: %(reserved)s reserved exceeds %(on_hand)s on hand."
)
CHECK_FAILED = _l("%(count)s problems found in the stock ledger.")
NOT_INSTALLED = _l("The inventory addon is not installed in this database.")

"""Every text of the sales addon that a person reads, in the gettext domain "sales".

Constants are lazy: they are translated when shown, in the language of that moment
(``core.schemas.render`` fills their ``%(name)s`` placeholders). Generic input refusals
(required, too long, not a number, too many decimals) are core.schemas' messages.
Labels of screens live in views.py, of permissions and roles in security.py.
"""

from __future__ import annotations

from core.i18n import catalogue_domain

domain = catalogue_domain(__file__, "sales")
_ = domain.gettext
_l = domain.lazy_gettext


def stored_name(name: str) -> str:
    """A stored name in the reader's language when the catalogue knows it (the standard
    channels); names people typed come back unchanged."""
    return domain.gettext(name) if name else name


# --------------------------------------------------------------------------- orders

UNKNOWN_ORDER = _l("There is no sales order with id %(id)s.")
UNKNOWN_CUSTOMER = _l("There is no customer with id %(id)s.")
NOT_A_CUSTOMER = _l("%(name)s is not marked as a customer.")
CUSTOMER_ARCHIVED = _l("The customer %(name)s is archived.")
CUSTOMER_OTHER_COMPANY = _l("The customer %(name)s belongs to another company.")
UNKNOWN_SALESPERSON = _l("There is no active user with id %(id)s in this company.")
UNKNOWN_TEAM = _l("There is no active sales team with id %(id)s in this company.")
UNKNOWN_CHANNEL = _l("There is no active sales channel with id %(id)s.")
UNKNOWN_PRODUCT = _l("There is no product with id %(id)s.")
PRODUCT_ARCHIVED = _l("The product %(name)s is archived.")
PRODUCT_OTHER_COMPANY = _l("The product %(name)s belongs to another company.")
UNIT_NOT_CONVERTIBLE = _l("This unit cannot measure %(name)s.")
PRICE_PLACES = _l("Prices in %(currency)s have at most %(places)d decimal places.")
UNKNOWN_LINE = _l("Line %(id)s is not a line of this order.")
LINE_TWICE = _l("Line %(id)s is given twice.")
TOO_MANY_LINES = _l("An order has at most %(max)d lines.")
LINES_NOT_A_LIST = _l("Send the lines as a list.")
LINE_NOT_A_RECORD = _l("Send each line as a set of fields.")
NO_LINES = _l("Add at least one line before confirming the order.")
NOT_EDITABLE = _l(
    "Order %(name)s is %(state)s: only its note and the customer's reference may change."
)
ONLY_PRICES_AMENDED = _l(
    "Order %(name)s is confirmed: its lines keep their products, quantities, units and tax "
    "rates; only their unit prices and discounts may be amended."
)
AMENDED_BELOW_PAID = _l("The amended total %(total)s would be less than the %(paid)s paid.")
AMENDED_NOTE = _l("Prices amended: total %(before)s → %(after)s.")
AMENDED_OVER_CREDIT = _l(
    "Over the credit limit %(limit)s: %(used)s open and %(amount)s more by this amendment."
)
AMENDED_OVER_CREDIT_REFUSED = _l(
    "%(reason)s Lower the prices, or raise the customer's credit limit first."
)
ONLY_DRAFTS_DELETED = _l("Only quotations that were never sent can be deleted; cancel %(name)s.")
NOT_A_QUOTATION = _l("Order %(name)s is no longer a quotation: it is %(state)s.")
NOT_CONFIRMABLE = _l("Order %(name)s cannot be confirmed: it is %(state)s.")
NOT_ON_HOLD = _l("Order %(name)s is not on credit hold.")
NOT_CANCELLABLE = _l("Order %(name)s is %(state)s and cannot be cancelled.")
CANCEL_DELIVERED = _l("Goods of %(name)s were delivered; return them before cancelling.")
CANCEL_PAID = _l("%(name)s has payments; cancel them before cancelling the order.")
NOT_CANCELLED = _l("Only a cancelled order can become a quotation again.")
REASON_REQUIRED = _l("Say why.")
STATE_BY_ACTION = _l("Use the order's buttons to move it to another stage.")
MANUAL_DELIVERY_OFF = _l("Deliveries of this company are recorded by the inventory.")

# --------------------------------------------------------------------------- deliveries

NOT_DELIVERABLE = _l("Order %(name)s is %(state)s: only confirmed orders are delivered.")
OVER_DELIVERY = _l("At most %(open)s more can be delivered on this line.")
BELOW_ZERO_DELIVERY = _l("At most %(delivered)s can be returned on this line.")

# --------------------------------------------------------------------------- credit

CREDIT_HOLD_NOTE = _l(
    "Credit limit %(limit)s exceeded: %(used)s open and %(amount)s for this order."
)
CREDIT_WARNING_NOTE = _l(
    "Confirmed over the credit limit %(limit)s: %(used)s open and %(amount)s for this order."
)
CREDIT_RELEASED_NOTE = _l("Credit hold released: %(note)s")

# --------------------------------------------------------------------------- payments

UNKNOWN_PAYMENT = _l("There is no payment with id %(id)s.")
NOTHING_OPEN = _l("%(name)s has no confirmed order left to pay.")
MORE_THAN_OPEN = _l("%(amount)s is more than the %(open)s still open.")
ALLOCATIONS_DIFFER = _l("The allocations add up to %(allocated)s, not %(amount)s.")
ORDER_NOT_PAYABLE = _l("Order %(name)s is %(state)s: only confirmed orders are paid.")
ORDER_OTHER_CUSTOMER = _l("Order %(name)s is not an order of %(customer)s.")
ORDER_TWICE = _l("Order %(name)s appears twice; allocate to it once.")
OTHER_CURRENCY = _l("Order %(name)s is in %(currency)s, the payment in %(payment_currency)s.")
PAYMENT_CANCELLED = _l("Payment %(name)s is already cancelled.")
PAYMENT_FIXED = _l(
    "A posted payment keeps its customer, date, method, amount and allocations; "
    "cancel it and register another."
)
PAYMENT_NOTE = _l("Payment %(name)s: %(amount)s")
PAYMENT_CANCEL_NOTE = _l("Payment %(name)s cancelled: %(reason)s")

# --------------------------------------------------------------------------- configuration

CHANNEL_CODE_TAKEN = _l("The code %(code)s is already used by another channel.")
CHANNEL_IN_USE = _l("The channel %(name)s is used by orders; archive it instead.")
TEAM_IN_USE = _l("The team %(name)s is used by orders; archive it instead.")
UNKNOWN_USER = _l("There is no active user with id %(id)s.")
SETTINGS_EXIST = _l("This company has its sales settings already.")
LEVEL_CODE_TAKEN = _l("The code %(code)s is already used by another customer level.")
LEVEL_IN_USE = _l("The level %(name)s is given to customers; archive it instead.")
UNKNOWN_LEVEL = _l("There is no active customer level with id %(id)s.")
UNKNOWN_CLASSIFICATION = _l("There is no customer classification with id %(id)s.")
ALREADY_CLASSIFIED = _l("This customer has a level already: change it there.")
CUSTOMER_FIXED = _l("A classification stays with its customer; delete it to classify another.")
UNKNOWN_SETTINGS = _l("There are no sales settings with id %(id)s.")

# --------------------------------------------------------------------------- plans

UNKNOWN_PLAN = _l("There is no sales plan with id %(id)s.")
PLAN_LOCKED = _l("The plan %(name)s is closed or revised and no longer changes.")
PLAN_NOT_DRAFT = _l("The plan %(name)s is no longer a draft.")
PLAN_NOT_APPROVED = _l("The plan %(name)s is not approved.")
PLAN_WITHOUT_TARGETS = _l("Give the plan at least one target before approving it.")
PLAN_APPROVED_FIXED = _l(
    "The plan %(name)s is approved: only what was spent may change; revise it to change more."
)
PERIOD_START = {
    "year": _l("A yearly plan starts on 1 January."),
    "quarter": _l("A quarterly plan starts on 1 January, 1 April, 1 July or 1 October."),
    "month": _l("A monthly plan starts on the first day of a month."),
}
TARGET_ONE_DIMENSION = _l(
    "A target is for one salesperson, team, customer group, product category or channel."
)
UNKNOWN_REFERENCE = _l("There is no such record with id %(id)s here.")

# --------------------------------------------------------------------------- other addons

OPEN_ORDERS_BLOCK = _l("%(name)s has %(count)d open sales orders.")


# --------------------------------------------------------------------------- labels
# The steps of the three tracks; their values are distinct, so one table labels them all.

STATE_LABELS = (
    ("draft", _l("Quotation")),
    ("sent", _l("Quotation sent")),
    ("hold", _l("Credit hold")),
    ("confirmed", _l("Sales order")),
    ("done", _l("Done")),
    ("cancelled", _l("Cancelled")),
)
DELIVERY_LABELS = (
    ("undelivered", _l("Nothing delivered")),
    ("partly_delivered", _l("Partly delivered")),
    ("delivered", _l("Fully delivered")),
)
PAYMENT_LABELS = (
    ("unpaid", _l("Unpaid")),
    ("partly_paid", _l("Partly paid")),
    ("paid", _l("Fully paid")),
)
PAYMENT_STATE_LABELS = (("posted", _l("Posted")), ("cancelled", _l("Cancelled")))
STEP_LABELS = STATE_LABELS + DELIVERY_LABELS + PAYMENT_LABELS
TRACK_LABELS = (
    ("processing", _l("Processing")),
    ("delivery", _l("Delivery")),
    ("payment", _l("Payment")),
)
PLAN_STATE_LABELS = (
    ("draft", _l("Draft")),
    ("approved", _l("Approved")),
    ("revised", _l("Revised")),
    ("closed", _l("Closed")),
)
PERIOD_LABELS = (("year", _l("Year")), ("quarter", _l("Quarter")), ("month", _l("Month")))
DIMENSION_LABELS = (
    ("company", _l("Whole company")),
    ("salesperson", _l("Salesperson")),
    ("team", _l("Sales team")),
    ("customer_group", _l("Customer group")),
    ("product_category", _l("Product category")),
    ("channel", _l("Channel")),
)
BUDGET_LABELS = (
    ("advertising", _l("Advertising")),
    ("promotion", _l("Promotion")),
    ("exhibitions", _l("Exhibitions")),
    ("travel", _l("Travel")),
    ("commissions", _l("Commissions")),
    ("samples", _l("Samples")),
    ("other", _l("Other")),
)

"""The sales screens, declared for core's generic list, form, kanban, pivot and API.

Orders: list filtered and grouped by each of the three tracks, a form with the lines
grid, workflow buttons and the timeline link. Payments with their allocations grid; the
order timeline and allocations as read-only lists; channels, teams and settings.
"""

from __future__ import annotations

from addons.sales import customers, documents, plans, services
from addons.sales.messages import (
    BUDGET_LABELS,
    DELIVERY_LABELS,
    DIMENSION_LABELS,
    PAYMENT_LABELS,
    PAYMENT_STATE_LABELS,
    PERIOD_LABELS,
    PLAN_STATE_LABELS,
    STATE_LABELS,
    STEP_LABELS,
    TRACK_LABELS,
    _l,
)
from addons.sales.models import (
    QUOTATION_STATES,
    BudgetCategory,
    CreditMode,
    CustomerLevel,
    DeliveryStatus,
    OrderState,
    PaymentState,
    PaymentStatus,
    PlanPeriod,
    PlanState,
    SalesChannel,
    SalesCustomer,
    SalesOrder,
    SalesOrderEvent,
    SalesOrderLine,
    SalesPayment,
    SalesPaymentAllocation,
    SalesPlan,
    SalesSettings,
    SalesTeam,
    TargetDimension,
    Track,
)
from addons.sales.security import APPROVE_CREDIT
from core.hookspecs import LineGrid, ModelView, ViewAction, ViewField, ViewFilter, ViewLink

PAYMENT_METHODS = (
    ("bank_transfer", _l("Bank transfer")),
    ("cash", _l("Cash")),
    ("cheque", _l("Cheque")),
    ("card", _l("Card")),
    ("alipay", _l("Alipay")),
    ("wechat_pay", _l("WeChat Pay")),
    ("other", _l("Other")),
)
CREDIT_MODES = (
    ("block", _l("Hold orders over the credit limit")),
    ("warn", _l("Confirm them with a warning")),
    ("off", _l("Do not check credit limits")),
)


# --------------------------------------------------------------------------- orders


def _manual_delivery(order: SalesOrder) -> bool:
    from sqlalchemy.orm import object_session

    session = object_session(order)
    return (
        order.state is OrderState.CONFIRMED
        and order.delivery_status is not DeliveryStatus.DELIVERED
        and session is not None
        and services.manual_delivery_allowed(session)
    )


REASON = ViewField("reason", _l("Reason"), required=True)
NOTE = ViewField("note", _l("Note"), required=True)

ORDER_ACTIONS = (
    ViewAction(
        "confirm",
        _l("Confirm"),
        services.confirm_order,
        when=lambda order: order.state in QUOTATION_STATES,
        bulk=True,
        primary=True,
    ),
    ViewAction(
        "send",
        _l("Mark as sent"),
        services.mark_sent,
        when=lambda order: order.state is OrderState.DRAFT,
        bulk=True,
    ),
    ViewAction(
        "release",
        _l("Release credit hold"),
        services.release_credit_hold,
        permission=APPROVE_CREDIT,
        when=lambda order: order.state is OrderState.HOLD,
        inputs=(NOTE,),
        primary=True,
    ),
    ViewAction("deliver", _l("Mark delivered"), services.deliver_all, when=_manual_delivery),
    ViewAction(
        "cancel",
        _l("Cancel"),
        services.cancel_order,
        when=lambda order: (
            order.state
            in (OrderState.DRAFT, OrderState.SENT, OrderState.HOLD, OrderState.CONFIRMED)
        ),
        inputs=(REASON,),
        confirm=_l("Cancel this order?"),
    ),
    ViewAction(
        "reset",
        _l("Back to quotation"),
        services.reset_to_quotation,
        when=lambda order: order.state is OrderState.CANCELLED,
    ),
    ViewAction(
        "duplicate",
        _l("Duplicate"),
        services.duplicate_order,
        permission="sales.order.create",
    ),
)

ORDER_LINES = LineGrid(
    "lines",
    _l("Order lines"),
    fields=(
        ViewField("product_id", _l("Product")),
        ViewField("description", _l("Description"), required=False),
        ViewField("quantity", _l("Quantity")),
        ViewField("uom_id", _l("Unit"), required=False),
        ViewField("price_unit", _l("Unit price"), required=False),
        ViewField("discount", _l("Discount %"), required=False),
        ViewField("tax_rate", _l("Tax rate"), required=False),
    ),
    readonly=(
        ViewField("subtotal", _l("Subtotal")),
        ViewField("tax", _l("Tax")),
        ViewField("total", _l("Total")),
        ViewField("qty_delivered", _l("Delivered")),
    ),
    totals=("subtotal", "tax", "total"),
)

ORDERS = ModelView(
    name="sales.order",
    model=SalesOrder,
    label=_l("Sales orders"),
    fields=(
        ViewField("name", _l("Number"), required=False),
        ViewField("customer", _l("Customer")),
        ViewField("customer_id", _l("Customer")),
        ViewField("order_date", _l("Order date"), required=False),
        ViewField("salesperson", _l("Salesperson")),
        ViewField("salesperson_id", _l("Salesperson")),
        ViewField("team", _l("Sales team")),
        ViewField("team_id", _l("Sales team")),
        ViewField("channel", _l("Channel")),
        ViewField("channel_id", _l("Channel")),
        ViewField("customer_level", _l("Customer level")),
        ViewField("customer_level_id", _l("Customer level"), readonly=True),
        ViewField("client_reference", _l("Customer reference")),
        ViewField("currency", _l("Currency"), readonly=True),
        ViewField("state", _l("Status"), choices=STATE_LABELS, readonly=True),
        ViewField("delivery_status", _l("Delivery"), choices=DELIVERY_LABELS, readonly=True),
        ViewField("payment_status", _l("Payment"), choices=PAYMENT_LABELS, readonly=True),
        ViewField("amount_untaxed", _l("Untaxed amount"), readonly=True),
        ViewField("amount_tax", _l("Tax"), readonly=True),
        ViewField("amount_total", _l("Total"), readonly=True),
        ViewField("amount_paid", _l("Paid"), readonly=True),
        ViewField("amount_due", _l("Amount due"), readonly=True),
        ViewField("cancel_reason", _l("Cancellation reason"), readonly=True),
        ViewField("note", _l("Note")),
        ViewField("created_at", _l("Created on")),
    ),
    list_columns=(
        "name",
        "order_date",
        "customer",
        "salesperson",
        "channel",
        "amount_total",
        "amount_paid",
        "state",
        "delivery_status",
        "payment_status",
    ),
    form_fields=(
        "customer_id",
        "order_date",
        "salesperson_id",
        "team_id",
        "channel_id",
        "client_reference",
        "delivery_status",
        "payment_status",
        "amount_untaxed",
        "amount_tax",
        "amount_total",
        "amount_paid",
        "amount_due",
        "currency",
        "cancel_reason",
        "note",
    ),
    search_fields=("name", "client_reference"),
    filters=(
        ViewFilter("quotations", _l("Quotations"), lambda: SalesOrder.state.in_(QUOTATION_STATES)),
        ViewFilter(
            "orders",
            _l("Sales orders"),
            lambda: SalesOrder.state.in_((OrderState.CONFIRMED, OrderState.DONE)),
        ),
        ViewFilter("hold", _l("On credit hold"), lambda: SalesOrder.state == OrderState.HOLD),
        ViewFilter(
            "to_deliver",
            _l("To deliver"),
            lambda: (
                (SalesOrder.state == OrderState.CONFIRMED)
                & (SalesOrder.delivery_status != DeliveryStatus.DELIVERED)
            ),
        ),
        ViewFilter(
            "unpaid",
            _l("Not fully paid"),
            lambda: (
                SalesOrder.state.in_((OrderState.CONFIRMED, OrderState.DONE))
                & (SalesOrder.payment_status != PaymentStatus.PAID)
            ),
        ),
        ViewFilter("cancelled", _l("Cancelled"), lambda: SalesOrder.state == OrderState.CANCELLED),
    ),
    default_order="name",
    create=services.create_order,
    update=services.update_order,
    delete=services.delete_order,
    api="sales/orders",
    actions=ORDER_ACTIONS,
    state_field="state",
    kanban=True,
    move=services.move_order,
    measures=("amount_untaxed", "amount_tax", "amount_total", "amount_paid", "amount_due"),
    group_by=(
        "state",
        "delivery_status",
        "payment_status",
        "customer",
        "customer_level",
        "salesperson",
        "team",
        "channel",
        "order_date",
    ),
    links=(
        ViewLink(_l("Timeline"), "sales.event", "order_id"),
        ViewLink(_l("Payments"), "sales.allocation", "order_id"),
    ),
    import_key=None,
    lines=(ORDER_LINES,),
    print_document=documents.order_document,
)


LINES = ModelView(
    name="sales.line",
    model=SalesOrderLine,
    label=_l("Order lines"),
    fields=(
        ViewField("order", _l("Order")),
        ViewField("order_id", _l("Order")),
        ViewField("product", _l("Product")),
        ViewField("product_id", _l("Product")),
        ViewField("description", _l("Description")),
        ViewField("quantity", _l("Quantity")),
        ViewField("uom", _l("Unit")),
        ViewField("uom_id", _l("Unit")),
        ViewField("price_unit", _l("Unit price")),
        ViewField("discount", _l("Discount %")),
        ViewField("tax_rate", _l("Tax rate")),
        ViewField("subtotal", _l("Subtotal")),
        ViewField("tax", _l("Tax")),
        ViewField("total", _l("Total")),
        ViewField("product_qty", _l("Quantity in the product's unit")),
        ViewField("qty_delivered", _l("Delivered")),
        ViewField("order_date", _l("Order date")),
        ViewField("state", _l("Status"), choices=STATE_LABELS),
    ),
    list_columns=(
        "order",
        "product",
        "description",
        "quantity",
        "uom",
        "price_unit",
        "discount",
        "subtotal",
        "tax",
        "total",
        "qty_delivered",
        "order_date",
        "state",
    ),
    form_fields=(
        "order_id",
        "product_id",
        "description",
        "quantity",
        "uom_id",
        "price_unit",
        "discount",
        "tax_rate",
        "subtotal",
        "tax",
        "total",
        "product_qty",
        "qty_delivered",
        "order_date",
        "state",
    ),
    search_fields=("description",),
    filters=(
        ViewFilter(
            "quotations", _l("Quotations"), lambda: SalesOrderLine.state.in_(QUOTATION_STATES)
        ),
        ViewFilter(
            "orders",
            _l("Sales orders"),
            lambda: SalesOrderLine.state.in_((OrderState.CONFIRMED, OrderState.DONE)),
        ),
    ),
    default_order="id",
    api="sales/order-lines",
    measures=("quantity", "product_qty", "subtotal", "tax", "total"),
    group_by=("product", "order", "state", "order_date"),
    import_key=None,
)


# --------------------------------------------------------------------------- timeline

EVENTS = ModelView(
    name="sales.event",
    model=SalesOrderEvent,
    label=_l("Order timeline"),
    fields=(
        ViewField("created_at", _l("When")),
        ViewField("order", _l("Order")),
        ViewField("order_id", _l("Order")),
        ViewField("track", _l("Track"), choices=TRACK_LABELS),
        ViewField("from_value", _l("From"), choices=STEP_LABELS),
        ViewField("to_value", _l("To"), choices=STEP_LABELS),
        ViewField("user", _l("By")),
        ViewField("note", _l("Note")),
    ),
    list_columns=("created_at", "order", "track", "from_value", "to_value", "user", "note"),
    form_fields=("order_id", "track", "from_value", "to_value", "note"),
    search_fields=("note",),
    filters=(
        ViewFilter(
            "processing", _l("Processing"), lambda: SalesOrderEvent.track == Track.PROCESSING
        ),
        ViewFilter("delivery", _l("Delivery"), lambda: SalesOrderEvent.track == Track.DELIVERY),
        ViewFilter("payment", _l("Payment"), lambda: SalesOrderEvent.track == Track.PAYMENT),
    ),
    default_order="id",
    api="sales/events",
    group_by=("track", "order", "user", "created_at"),
    import_key=None,
)


# --------------------------------------------------------------------------- payments

PAYMENTS = ModelView(
    name="sales.payment",
    model=SalesPayment,
    label=_l("Customer payments"),
    fields=(
        ViewField("name", _l("Number"), required=False),
        ViewField("customer", _l("Customer")),
        ViewField("customer_id", _l("Customer")),
        ViewField("payment_date", _l("Payment date"), required=False),
        ViewField("method", _l("Method"), choices=PAYMENT_METHODS),
        ViewField("reference", _l("Reference")),
        ViewField("amount", _l("Amount")),
        ViewField("currency", _l("Currency"), readonly=True),
        ViewField("state", _l("Status"), choices=PAYMENT_STATE_LABELS, readonly=True),
        ViewField("cancel_reason", _l("Cancellation reason"), readonly=True),
        ViewField("note", _l("Note")),
    ),
    list_columns=("name", "payment_date", "customer", "method", "reference", "amount", "state"),
    form_fields=(
        "customer_id",
        "payment_date",
        "method",
        "reference",
        "amount",
        "currency",
        "cancel_reason",
        "note",
    ),
    search_fields=("name", "reference"),
    filters=(
        ViewFilter("posted", _l("Posted"), lambda: SalesPayment.state == PaymentState.POSTED),
        ViewFilter(
            "cancelled", _l("Cancelled"), lambda: SalesPayment.state == PaymentState.CANCELLED
        ),
    ),
    default_order="name",
    create=services.register_payment,
    update=services.update_payment,
    api="sales/payments",
    actions=(
        ViewAction(
            "cancel",
            _l("Cancel"),
            services.cancel_payment,
            when=lambda payment: payment.state is PaymentState.POSTED,
            inputs=(REASON,),
            confirm=_l("Cancel this payment? The orders it paid will owe the amounts again."),
        ),
    ),
    state_field="state",
    measures=("amount",),
    group_by=("customer", "method", "state", "payment_date"),
    links=(ViewLink(_l("Orders paid"), "sales.allocation", "payment_id"),),
    import_key=None,
    lines=(
        LineGrid(
            "allocations",
            _l("Allocated to orders"),
            fields=(ViewField("order_id", _l("Order")), ViewField("amount", _l("Amount"))),
            totals=("amount",),
        ),
    ),
)

ALLOCATIONS = ModelView(
    name="sales.allocation",
    model=SalesPaymentAllocation,
    label=_l("Payment allocations"),
    fields=(
        ViewField("payment", _l("Payment")),
        ViewField("payment_id", _l("Payment")),
        ViewField("order", _l("Order")),
        ViewField("order_id", _l("Order")),
        ViewField("amount", _l("Amount")),
        ViewField("created_at", _l("Registered on")),
    ),
    list_columns=("payment", "order", "amount", "created_at"),
    form_fields=("payment_id", "order_id", "amount"),
    default_order="id",
    measures=("amount",),
    group_by=("payment", "order", "created_at"),
    import_key=None,
)


# --------------------------------------------------------------------------- configuration

CHANNELS = ModelView(
    name="sales.channel",
    model=SalesChannel,
    label=_l("Sales channels"),
    fields=(
        ViewField("code", _l("Code")),
        ViewField("name", _l("Name")),
        ViewField("sequence", _l("Order in lists")),
    ),
    list_columns=("name", "code", "sequence"),
    form_fields=("name", "code", "sequence"),
    search_fields=("name", "code"),
    default_order="sequence",
    create=services.create_channel,
    update=services.update_channel,
    delete=services.delete_channel,
    api="sales/channels",
    import_key="code",
)

TEAMS = ModelView(
    name="sales.team",
    model=SalesTeam,
    label=_l("Sales teams"),
    fields=(
        ViewField("name", _l("Name")),
        ViewField("leader", _l("Leader")),
        ViewField("leader_id", _l("Leader")),
    ),
    list_columns=("name", "leader"),
    form_fields=("name", "leader_id"),
    search_fields=("name",),
    default_order="name",
    create=services.create_team,
    update=services.update_team,
    delete=services.delete_team,
    api="sales/teams",
    links=(ViewLink(_l("Orders"), "sales.order", "team_id"),),
    import_key=None,
    lines=(LineGrid("members", _l("Salespeople"), fields=(ViewField("user_id", _l("User")),)),),
)


LEVELS = ModelView(
    name="sales.level",
    model=CustomerLevel,
    label=_l("Customer levels"),
    fields=(
        ViewField("code", _l("Code")),
        ViewField("name", _l("Name")),
        ViewField("sequence", _l("Order in lists")),
    ),
    list_columns=("name", "code", "sequence"),
    form_fields=("name", "code", "sequence"),
    search_fields=("name", "code"),
    default_order="sequence",
    create=customers.create_level,
    update=customers.update_level,
    delete=customers.delete_level,
    api="sales/customer-levels",
    import_key="code",
    links=(
        ViewLink(_l("Customers"), "sales.customer", "level_id"),
        ViewLink(_l("Orders"), "sales.order", "customer_level_id"),
    ),
)

CUSTOMERS = ModelView(
    name="sales.customer",
    model=SalesCustomer,
    label=_l("Customer classification"),
    fields=(
        ViewField("customer", _l("Customer")),
        ViewField("customer_id", _l("Customer")),
        ViewField("level", _l("Customer level")),
        ViewField("level_id", _l("Customer level")),
        ViewField("updated_at", _l("Changed on")),
    ),
    list_columns=("customer", "level", "updated_at"),
    form_fields=("customer_id", "level_id"),
    default_order="customer_id",
    create=customers.classify_customer,
    update=customers.update_classification,
    delete=customers.delete_classification,
    api="sales/customers",
    import_key="customer_id",
    group_by=("level",),
)

SETTINGS = ModelView(
    name="sales.settings",
    model=SalesSettings,
    label=_l("Sales settings"),
    fields=(
        ViewField("company", _l("Company")),
        ViewField("credit_mode", _l("Credit control"), choices=CREDIT_MODES),
        ViewField("quotation_validity_days", _l("Quotations valid for (days)")),
        ViewField("quotation_terms", _l("Terms printed on quotations and orders")),
    ),
    list_columns=("company", "credit_mode", "quotation_validity_days"),
    form_fields=("credit_mode", "quotation_validity_days", "quotation_terms"),
    default_order="company_id",
    create=services.create_settings,
    update=services.update_settings,
    api="sales/settings",
    import_key=None,
)

# --------------------------------------------------------------------------- plans

PLANS = ModelView(
    name="sales.plan",
    model=SalesPlan,
    label=_l("Sales plans"),
    fields=(
        ViewField("name", _l("Name")),
        ViewField("period", _l("Period"), choices=PERIOD_LABELS),
        ViewField("date_from", _l("From")),
        ViewField("date_to", _l("To"), readonly=True),
        ViewField("state", _l("Status"), choices=PLAN_STATE_LABELS, readonly=True),
        ViewField("revision", _l("Revision"), readonly=True),
        ViewField("previous", _l("Revises")),
        ViewField("previous_id", _l("Revises"), readonly=True),
        ViewField("amount_target", _l("Target amount"), readonly=True),
        ViewField("budget_total", _l("Budget"), readonly=True),
        ViewField("approved_by", _l("Approved by")),
        ViewField("approved_at", _l("Approved on"), readonly=True),
        ViewField("strategy", _l("Sales strategy")),
    ),
    list_columns=(
        "name",
        "period",
        "date_from",
        "date_to",
        "revision",
        "amount_target",
        "budget_total",
        "state",
    ),
    form_fields=(
        "name",
        "period",
        "date_from",
        "date_to",
        "revision",
        "previous_id",
        "amount_target",
        "budget_total",
        "approved_at",
        "strategy",
    ),
    search_fields=("name", "strategy"),
    filters=(
        ViewFilter("current", _l("In force"), lambda: SalesPlan.state == PlanState.APPROVED),
        ViewFilter("drafts", _l("Drafts"), lambda: SalesPlan.state == PlanState.DRAFT),
        ViewFilter("years", _l("Yearly"), lambda: SalesPlan.period == PlanPeriod.YEAR),
    ),
    default_order="date_from",
    create=plans.create_plan,
    update=plans.update_plan,
    delete=plans.delete_plan,
    api="sales/plans",
    actions=(
        ViewAction(
            "approve",
            _l("Approve"),
            plans.approve_plan,
            permission="sales.plan.approve",
            when=lambda plan: plan.state is PlanState.DRAFT,
            primary=True,
        ),
        ViewAction(
            "revise",
            _l("Revise"),
            plans.revise_plan,
            when=lambda plan: plan.state is PlanState.APPROVED,
            confirm=_l("Keep this plan as it is and start a new revision?"),
        ),
        ViewAction(
            "close",
            _l("Close"),
            plans.close_plan,
            when=lambda plan: plan.state is PlanState.APPROVED,
        ),
    ),
    state_field="state",
    measures=("amount_target", "budget_total"),
    group_by=("period", "state", "date_from"),
    links=(ViewLink(_l("Revisions after this one"), "sales.plan", "previous_id"),),
    import_key=None,
    lines=(
        LineGrid(
            "targets",
            _l("Targets and achievement"),
            fields=(
                ViewField("salesperson_id", _l("Salesperson")),
                ViewField("team_id", _l("Sales team")),
                ViewField("customer_group_id", _l("Customer group")),
                ViewField("product_category_id", _l("Product category")),
                ViewField("channel_id", _l("Channel")),
                ViewField("amount", _l("Target amount")),
                ViewField("quantity", _l("Target quantity")),
            ),
            readonly=(
                ViewField("achieved_amount", _l("Achieved")),
                ViewField("attainment", _l("Attainment %")),
                ViewField("remaining", _l("Remaining")),
                ViewField("projected_amount", _l("Projected at period end")),
                ViewField("achieved_quantity", _l("Quantity achieved")),
            ),
        ),
        LineGrid(
            "budget_lines",
            _l("Budget"),
            fields=(
                ViewField("category", _l("Category")),
                ViewField("description", _l("Description")),
                ViewField("amount", _l("Budget")),
                ViewField("spent", _l("Spent")),
            ),
            readonly=(ViewField("left", _l("Left")),),
            totals=("amount", "spent", "left"),
        ),
    ),
)

VIEWS = (
    ORDERS,
    LINES,
    EVENTS,
    PAYMENTS,
    ALLOCATIONS,
    PLANS,
    CUSTOMERS,
    LEVELS,
    CHANNELS,
    TEAMS,
    SETTINGS,
)

# Keep the enum members and their labels in step (a test compares them).
LABELLED_ENUMS = (
    (OrderState, STATE_LABELS),
    (DeliveryStatus, DELIVERY_LABELS),
    (PaymentStatus, PAYMENT_LABELS),
    (Track, TRACK_LABELS),
    (CreditMode, CREDIT_MODES),
    (PaymentState, PAYMENT_STATE_LABELS),
    (PlanState, PLAN_STATE_LABELS),
    (PlanPeriod, PERIOD_LABELS),
    (TargetDimension, DIMENSION_LABELS),
    (BudgetCategory, BUDGET_LABELS),
)

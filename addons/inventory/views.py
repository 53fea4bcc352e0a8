"""The inventory screens, declared for core's generic list, form, kanban, pivot and API.

Receipts, deliveries and transfers: lists by state, a form with the lines grid (quantities
done entered there for a partial validation) and the workflow buttons. The ledger's moves
as a read-only history with reversal; stock on hand per product, location and lot (its
"new" and edits post adjustments, never write the numbers); stock values; warehouses
with their members, locations, lots.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import object_session

from addons.inventory import counts, notifications, positions, rules, services, tracking
from addons.inventory.messages import (
    COUNT_STATE_LABELS,
    KIND_LABELS,
    PRIORITY_LABELS,
    RULE_STATUS_LABELS,
    STATE_LABELS,
    TRACKING_LABELS,
    _l,
)
from addons.inventory.models import (
    EDITABLE_STATES,
    OPEN_STATES,
    VIRTUAL_KINDS,
    CountState,
    Delivery,
    Location,
    LocationKind,
    Lot,
    Move,
    Picking,
    Priority,
    ProductCost,
    ProductTracking,
    Receipt,
    RuleStatus,
    StockCount,
    StockNotification,
    StockRule,
    StockState,
    Tracking,
    Transfer,
    Warehouse,
)
from addons.inventory.positions import StockPosition
from addons.inventory.security import APPROVE_COUNT, REVERSE, VALIDATE
from core.db import utcnow
from core.hookspecs import LineGrid, ModelView, ViewAction, ViewField, ViewFilter, ViewLink

# --------------------------------------------------------------------------- operations

REASON = ViewField("reason", _l("Reason"), required=True)


def _is_open(picking: Picking) -> bool:
    return picking.state in OPEN_STATES


def _has_reservations(picking: Picking) -> bool:
    return picking.state in OPEN_STATES and any(move.reserved_qty for move in picking.moves)


PICKING_ACTIONS = (
    ViewAction(
        "confirm",
        _l("Confirm"),
        services.confirm_picking,
        when=lambda picking: picking.state is StockState.DRAFT,
        bulk=True,
        primary=True,
    ),
    ViewAction(
        "check_availability",
        _l("Check availability"),
        services.check_availability,
        when=lambda picking: picking.state is StockState.WAITING,
        bulk=True,
    ),
    ViewAction(
        "validate",
        _l("Validate"),
        services.validate_picking,
        permission=VALIDATE,
        when=_is_open,
        primary=True,
        confirm=_l(
            "Post this operation to the stock ledger? Lines with a quantity done are done "
            "for that quantity and the rest goes to a backorder."
        ),
    ),
    ViewAction("unreserve", _l("Unreserve"), services.unreserve_picking, when=_has_reservations),
    ViewAction(
        "cancel",
        _l("Cancel"),
        services.cancel_picking,
        when=lambda picking: picking.state in EDITABLE_STATES,
        inputs=(REASON,),
        confirm=_l("Cancel this operation? Its reserved stock is released."),
    ),
)

MOVE_LINES = LineGrid(
    "moves",
    _l("Lines"),
    fields=(
        ViewField("product_id", _l("Product")),
        ViewField("quantity", _l("Demand")),
        ViewField("uom_id", _l("Unit"), required=False),
        ViewField("lot_name", _l("Lot or serial numbers"), required=False),
        ViewField("quantity_done", _l("Quantity done"), required=False),
    ),
    readonly=(
        ViewField("reserved_qty", _l("Reserved")),
        ViewField("state", _l("Status"), choices=STATE_LABELS),
    ),
    totals=("quantity", "quantity_done"),
)

PICKING_FIELDS = (
    ViewField("name", _l("Reference"), required=False),
    ViewField("partner", _l("Partner")),
    ViewField("partner_id", _l("Partner"), required=False),
    ViewField("warehouse", _l("Warehouse")),
    ViewField("warehouse_id", _l("Warehouse"), required=False),
    ViewField("from_location", _l("Source location")),
    ViewField("from_location_id", _l("Source location"), required=False),
    ViewField("to_location", _l("Destination location")),
    ViewField("to_location_id", _l("Destination location"), required=False),
    ViewField("scheduled_date", _l("Scheduled date"), required=False),
    ViewField("priority", _l("Priority"), choices=PRIORITY_LABELS, required=False),
    ViewField("state", _l("Status"), choices=STATE_LABELS),
    ViewField("origin_name", _l("Source document")),
    ViewField("backorder_of", _l("Backorder of")),
    ViewField("return_of", _l("Return of")),
    ViewField("date_done", _l("Done on")),
    ViewField("note", _l("Note")),
    ViewField("cancel_reason", _l("Cancellation reason")),
    ViewField("created_at", _l("Created on")),
)
PICKING_FORM = (
    "warehouse_id",
    "partner_id",
    "from_location_id",
    "to_location_id",
    "scheduled_date",
    "priority",
    "origin_name",
    "note",
)
PICKING_COLUMNS = (
    "name",
    "partner",
    "from_location",
    "to_location",
    "scheduled_date",
    "origin_name",
    "priority",
    "state",
)


def _picking_filters(model: type[Picking]) -> tuple[ViewFilter, ...]:
    return (
        ViewFilter("ready", _l("Ready"), lambda: model.state == StockState.READY),
        ViewFilter("waiting", _l("Waiting"), lambda: model.state == StockState.WAITING),
        ViewFilter(
            "late",
            _l("Late"),
            lambda: model.state.in_(OPEN_STATES) & (model.scheduled_date < services.today()),
        ),
        ViewFilter("backorders", _l("Backorders"), lambda: model.backorder_of_id.is_not(None)),
        ViewFilter("urgent", _l("Urgent"), lambda: model.priority == Priority.URGENT),
        ViewFilter("done", _l("Done"), lambda: model.state == StockState.DONE),
        ViewFilter("cancelled", _l("Cancelled"), lambda: model.state == StockState.CANCELLED),
    )


RETURN = ViewAction(
    "return",
    _l("Return"),
    services.return_picking,
    permission="inventory.picking.create",
    when=lambda picking: picking.state is StockState.DONE,
    confirm=_l("Prepare a return of what this operation moved? It opens as a draft."),
)


def _picking_view(
    name: str, model: type[Picking], label, create, api: str, returns: str | None = None
) -> ModelView:
    links = [
        ViewLink(_l("Moves"), "inventory.move", "picking_id"),
        ViewLink(_l("Backorders"), name, "backorder_of_id"),
    ]
    if returns is not None:
        links.append(ViewLink(_l("Returns"), returns, "return_of_id"))
    return ModelView(
        name=name,
        model=model,
        label=label,
        fields=PICKING_FIELDS,
        list_columns=PICKING_COLUMNS,
        form_fields=PICKING_FORM,
        search_fields=("name", "origin_name"),
        filters=_picking_filters(model),
        default_order="scheduled_date",
        create=create,
        update=services.update_picking,
        delete=services.delete_picking,
        api=api,
        actions=(*PICKING_ACTIONS, RETURN) if returns else PICKING_ACTIONS,
        state_field="state",
        kanban=True,
        group_by=("state", "warehouse", "partner", "priority", "scheduled_date"),
        links=tuple(links),
        import_key=None,
        lines=(MOVE_LINES,),
    )


RECEIPTS = _picking_view(
    "inventory.receipt",
    Receipt,
    _l("Receipts"),
    services.create_receipt,
    "inventory/receipts",
    returns="inventory.delivery",
)
DELIVERIES = _picking_view(
    "inventory.delivery",
    Delivery,
    _l("Deliveries"),
    services.create_delivery,
    "inventory/deliveries",
    returns="inventory.receipt",
)
TRANSFERS = _picking_view(
    "inventory.transfer",
    Transfer,
    _l("Internal transfers"),
    services.create_transfer,
    "inventory/transfers",
)


# --------------------------------------------------------------------------- the ledger


def _reversible(move: Move) -> bool:
    if move.state is not StockState.DONE or move.reverses_id is not None:
        return False
    session = object_session(move)
    return session is not None and not session.scalar(
        select(exists().where(Move.reverses_id == move.id))
    )


MOVES = ModelView(
    name="inventory.move",
    model=Move,
    label=_l("Stock moves"),
    fields=(
        ViewField("date_done", _l("Done on")),
        ViewField("reference", _l("Reference")),
        ViewField("picking", _l("Operation")),
        ViewField("picking_id", _l("Operation")),
        ViewField("product", _l("Product")),
        ViewField("product_id", _l("Product")),
        ViewField("from_location", _l("From")),
        ViewField("from_location_id", _l("From")),
        ViewField("to_location", _l("To")),
        ViewField("to_location_id", _l("To")),
        ViewField("lot", _l("Lot")),
        ViewField("lot_id", _l("Lot")),
        ViewField("warehouse", _l("Warehouse")),
        ViewField("warehouse_id", _l("Warehouse")),
        ViewField("quantity", _l("Quantity")),
        ViewField("uom", _l("Unit")),
        ViewField("product_qty", _l("Quantity in the product's unit")),
        ViewField("reserved_qty", _l("Reserved")),
        ViewField("state", _l("Status"), choices=STATE_LABELS),
        ViewField("planned_date", _l("Planned date")),
        ViewField("origin_name", _l("Source document")),
        ViewField("price_unit", _l("Unit cost")),
        ViewField("value", _l("Value")),
        ViewField("reverses", _l("Reverses")),
    ),
    list_columns=(
        "date_done",
        "reference",
        "product",
        "from_location",
        "to_location",
        "lot",
        "product_qty",
        "value",
        "state",
    ),
    form_fields=(
        "reference",
        "picking_id",
        "product_id",
        "from_location_id",
        "to_location_id",
        "lot_id",
        "quantity",
        "product_qty",
        "reserved_qty",
        "planned_date",
        "origin_name",
        "price_unit",
        "value",
    ),
    search_fields=("reference", "origin_name"),
    filters=(
        ViewFilter("done", _l("Done"), lambda: Move.state == StockState.DONE),
        ViewFilter("open", _l("To do"), lambda: Move.state.in_(OPEN_STATES)),
        ViewFilter(
            "incoming",
            _l("Incoming"),
            lambda: (
                Move.to_location.has(Location.kind == LocationKind.INTERNAL)
                & Move.from_location.has(Location.kind != LocationKind.INTERNAL)
            ),
        ),
        ViewFilter(
            "outgoing",
            _l("Outgoing"),
            lambda: (
                Move.from_location.has(Location.kind == LocationKind.INTERNAL)
                & Move.to_location.has(Location.kind != LocationKind.INTERNAL)
            ),
        ),
        ViewFilter("reversals", _l("Reversals"), lambda: Move.reverses_id.is_not(None)),
    ),
    default_order="id",
    api="inventory/moves",
    actions=(
        ViewAction(
            "reverse",
            _l("Reverse"),
            services.reverse_move,
            permission=REVERSE,
            when=_reversible,
            confirm=_l("Post a move undoing this one? The original stays in the history."),
        ),
    ),
    measures=("product_qty", "value"),
    group_by=("product", "warehouse", "from_location", "to_location", "state", "date_done"),
    import_key=None,
)


SLOW_MOVING_DAYS = 90


def _slow_moving():
    """Stock held where nothing of the product has gone out for SLOW_MOVING_DAYS."""
    since = utcnow() - timedelta(days=SLOW_MOVING_DAYS)
    recent = exists().where(
        Move.product_id == StockPosition.product_id,
        Move.from_location_id == StockPosition.location_id,
        Move.state == StockState.DONE,
        Move.date_done >= since,
    )
    return (StockPosition.on_hand > 0) & ~recent


def _planned():
    return (StockPosition.incoming != 0) | (StockPosition.outgoing != 0)


STOCK = ModelView(
    name="inventory.stock",
    model=StockPosition,
    label=_l("Stock on hand"),
    fields=(
        ViewField("product", _l("Product")),
        ViewField("product_id", _l("Product")),
        ViewField("location", _l("Location")),
        ViewField("location_id", _l("Location")),
        ViewField("lot", _l("Lot")),
        ViewField("lot_id", _l("Lot"), required=False),
        ViewField("warehouse", _l("Warehouse")),
        ViewField("on_hand", _l("On hand")),
        ViewField("reserved", _l("Reserved")),
        ViewField("available", _l("Available")),
        ViewField("incoming", _l("Expected in")),
        ViewField("outgoing", _l("Expected out")),
        ViewField("forecast", _l("Forecast")),
        ViewField("updated_at", _l("Last change")),
    ),
    list_columns=(
        "product",
        "location",
        "lot",
        "warehouse",
        "on_hand",
        "reserved",
        "available",
        "incoming",
        "outgoing",
        "forecast",
    ),
    form_fields=("product_id", "location_id", "lot_id", "on_hand"),
    filters=(
        ViewFilter("in_stock", _l("In stock"), lambda: StockPosition.on_hand > 0),
        ViewFilter("available", _l("Available"), lambda: StockPosition.available > 0),
        ViewFilter("reserved", _l("Reserved"), lambda: StockPosition.reserved > 0),
        ViewFilter("negative", _l("Negative"), lambda: StockPosition.on_hand < 0),
        ViewFilter("planned", _l("Expected in or out"), lambda: _planned()),
        ViewFilter("short", _l("Forecast below zero"), lambda: StockPosition.forecast < 0),
        ViewFilter("slow", _l("Slow-moving (nothing out for 90 days)"), lambda: _slow_moving()),
    ),
    default_order="product_id",
    create=positions.create_position,
    update=positions.update_position,
    api="inventory/stock",
    measures=("on_hand", "reserved", "available", "incoming", "outgoing", "forecast"),
    group_by=("product", "warehouse", "location", "lot"),
    import_key=None,
)

VALUATION = ModelView(
    name="inventory.valuation",
    model=ProductCost,
    label=_l("Stock valuation"),
    fields=(
        ViewField("product", _l("Product")),
        ViewField("quantity", _l("Quantity held")),
        ViewField("average_cost", _l("Average cost")),
        ViewField("value", _l("Value")),
        ViewField("updated_at", _l("Last change")),
    ),
    list_columns=("product", "quantity", "average_cost", "value", "updated_at"),
    form_fields=("quantity", "average_cost", "value"),
    default_order="product_id",
    api="inventory/valuation",
    measures=("quantity", "value"),
    group_by=("product",),
    import_key=None,
)


STOCK_RULES = ModelView(
    name="inventory.stock_rule",
    model=StockRule,
    label=_l("Stock rules and alerts"),
    fields=(
        ViewField("product", _l("Product")),
        ViewField("product_id", _l("Product")),
        ViewField("warehouse", _l("Warehouse")),
        ViewField("warehouse_id", _l("Warehouse")),
        ViewField("minimum", _l("Minimum")),
        ViewField("maximum", _l("Maximum")),
        ViewField("forecast", _l("Forecast"), readonly=True),
        ViewField("proposed", _l("To replenish"), readonly=True),
        ViewField("status", _l("Status"), choices=RULE_STATUS_LABELS, readonly=True),
        ViewField("checked_at", _l("Checked on"), readonly=True),
    ),
    list_columns=(
        "product",
        "warehouse",
        "minimum",
        "maximum",
        "forecast",
        "proposed",
        "status",
    ),
    form_fields=(
        "product_id",
        "warehouse_id",
        "minimum",
        "maximum",
        "forecast",
        "proposed",
        "status",
        "checked_at",
    ),
    filters=(
        ViewFilter("alerts", _l("Below minimum"), lambda: StockRule.status == RuleStatus.ALERT),
    ),
    default_order="status",
    create=rules.create_rule,
    update=rules.update_rule,
    delete=rules.delete_rule,
    api="inventory/stock-rules",
    measures=("proposed",),
    group_by=("status", "warehouse", "product"),
    import_key=None,
)


COUNTS = ModelView(
    name="inventory.count",
    model=StockCount,
    label=_l("Stocktaking"),
    fields=(
        ViewField("name", _l("Reference"), required=False),
        ViewField("warehouse", _l("Warehouse")),
        ViewField("warehouse_id", _l("Warehouse"), required=False),
        ViewField("location", _l("Location")),
        ViewField("location_id", _l("Location"), required=False),
        ViewField("category", _l("Product category")),
        ViewField("category_id", _l("Product category")),
        ViewField("reason", _l("Reason")),
        ViewField("state", _l("Status"), choices=COUNT_STATE_LABELS),
        ViewField("frozen_at", _l("Expected quantities as of"), readonly=True),
        ViewField("approved_by", _l("Approved by")),
        ViewField("applied_at", _l("Applied on"), readonly=True),
        ViewField("note", _l("Note")),
    ),
    list_columns=("name", "warehouse", "location", "category", "reason", "frozen_at", "state"),
    form_fields=(
        "warehouse_id",
        "location_id",
        "category_id",
        "reason",
        "note",
        "frozen_at",
        "applied_at",
    ),
    search_fields=("name", "reason"),
    filters=(
        ViewFilter("counting", _l("Counting"), lambda: StockCount.state == CountState.COUNTING),
        ViewFilter(
            "to_approve", _l("To approve"), lambda: StockCount.state == CountState.TO_APPROVE
        ),
        ViewFilter("done", _l("Done"), lambda: StockCount.state == CountState.DONE),
    ),
    default_order="name",
    create=counts.create_count,
    update=counts.update_count,
    delete=counts.delete_count,
    api="inventory/counts",
    actions=(
        ViewAction(
            "start",
            _l("Start counting"),
            counts.start_count,
            when=lambda count: count.state is CountState.DRAFT,
            primary=True,
            confirm=_l("Freeze the expected quantities now and start counting?"),
        ),
        ViewAction(
            "apply",
            _l("Apply"),
            counts.apply_count,
            when=lambda count: count.state is CountState.COUNTING,
            primary=True,
            confirm=_l("Post the differences between counted and expected quantities?"),
        ),
        ViewAction(
            "approve",
            _l("Approve"),
            counts.approve_count,
            permission=APPROVE_COUNT,
            when=lambda count: count.state is CountState.TO_APPROVE,
            primary=True,
        ),
        ViewAction(
            "cancel",
            _l("Cancel"),
            counts.cancel_count,
            when=lambda count: count.state in counts.OPEN,
            confirm=_l("Cancel this stocktaking? Nothing is posted."),
        ),
    ),
    state_field="state",
    group_by=("state", "warehouse", "frozen_at"),
    import_key=None,
    lines=(
        LineGrid(
            "lines",
            _l("Counted"),
            fields=(
                ViewField("product_id", _l("Product")),
                ViewField("location_id", _l("Location")),
                ViewField("lot_id", _l("Lot"), required=False),
                ViewField("counted", _l("Counted"), required=False),
            ),
            readonly=(
                ViewField("expected", _l("Expected")),
                ViewField("difference", _l("Difference")),
                ViewField("difference_value", _l("Value of the difference")),
            ),
            totals=("difference_value",),
        ),
    ),
)


# --------------------------------------------------------------------------- configuration

WAREHOUSES = ModelView(
    name="inventory.warehouse",
    model=Warehouse,
    label=_l("Warehouses"),
    fields=(
        ViewField("code", _l("Code")),
        ViewField("name", _l("Name")),
        ViewField("allow_negative", _l("Allow negative stock")),
        ViewField("count_approval_value", _l("Stocktaking differences approved above")),
        ViewField("address", _l("Address")),
        ViewField("sequence", _l("Order in lists"), required=False),
        ViewField(
            "alert_role",
            _l("Notify of stock alerts"),
            choices=notifications.RoleChoices(),  # type: ignore[arg-type]  (read when drawn)
            required=False,
        ),
        ViewField("company", _l("Company")),
    ),
    list_columns=("code", "name", "allow_negative", "address"),
    form_fields=(
        "code",
        "name",
        "allow_negative",
        "count_approval_value",
        "alert_role",
        "address",
        "sequence",
    ),
    search_fields=("code", "name"),
    default_order="sequence",
    create=services.create_warehouse,
    update=services.update_warehouse,
    archive=services.archive_warehouses,
    unarchive=services.unarchive_warehouses,
    api="inventory/warehouses",
    links=(
        ViewLink(_l("Locations"), "inventory.location", "warehouse_id"),
        ViewLink(_l("Stock on hand"), "inventory.stock", "warehouse_id"),
        ViewLink(_l("Receipts"), "inventory.receipt", "warehouse_id"),
        ViewLink(_l("Deliveries"), "inventory.delivery", "warehouse_id"),
        ViewLink(_l("Internal transfers"), "inventory.transfer", "warehouse_id"),
    ),
    import_key="code",
    lines=(LineGrid("members", _l("Members"), fields=(ViewField("user_id", _l("User")),)),),
)

LOCATIONS = ModelView(
    name="inventory.location",
    model=Location,
    label=_l("Locations"),
    fields=(
        ViewField("name", _l("Name")),
        ViewField("complete_name", _l("Full name"), required=False),
        ViewField("parent", _l("Parent location")),
        ViewField("parent_id", _l("Parent location")),
        ViewField("kind", _l("Kind"), choices=KIND_LABELS, required=False),
        ViewField("warehouse", _l("Warehouse")),
    ),
    list_columns=("complete_name", "kind", "warehouse"),
    form_fields=("name", "parent_id", "kind"),
    search_fields=("complete_name",),
    filters=(
        ViewFilter("internal", _l("Internal"), lambda: Location.kind == LocationKind.INTERNAL),
        ViewFilter("virtual", _l("Partners and virtual"), lambda: Location.kind.in_(VIRTUAL_KINDS)),
    ),
    default_order="complete_name",
    create=services.create_location,
    update=services.update_location,
    archive=services.archive_locations,
    unarchive=services.unarchive_locations,
    api="inventory/locations",
    group_by=("kind", "warehouse"),
    links=(ViewLink(_l("Stock on hand"), "inventory.stock", "location_id"),),
    import_key=None,
)

LOTS = ModelView(
    name="inventory.lot",
    model=Lot,
    label=_l("Lots and serial numbers"),
    fields=(
        ViewField("name", _l("Lot or serial number")),
        ViewField("product", _l("Product")),
        ViewField("product_id", _l("Product")),
        ViewField("expiry_date", _l("Expiry date")),
        ViewField("note", _l("Note")),
    ),
    list_columns=("name", "product", "expiry_date"),
    form_fields=("name", "product_id", "expiry_date", "note"),
    search_fields=("name",),
    default_order="name",
    create=services.create_lot,
    update=services.update_lot,
    api="inventory/lots",
    links=(
        ViewLink(_l("Stock on hand"), "inventory.stock", "lot_id"),
        ViewLink(_l("Moves"), "inventory.move", "lot_id"),
    ),
    import_key=None,
)

TRACKING = ModelView(
    name="inventory.tracking",
    model=ProductTracking,
    label=_l("Product tracking"),
    fields=(
        ViewField("product", _l("Product")),
        ViewField("product_id", _l("Product")),
        ViewField("tracking", _l("Tracking"), choices=TRACKING_LABELS),
        ViewField("updated_at", _l("Last change")),
    ),
    list_columns=("product", "tracking", "updated_at"),
    form_fields=("product_id", "tracking"),
    filters=(
        ViewFilter("lot", _l("By lot"), lambda: ProductTracking.tracking == Tracking.LOT),
        ViewFilter(
            "serial", _l("By serial number"), lambda: ProductTracking.tracking == Tracking.SERIAL
        ),
    ),
    default_order="product_id",
    create=tracking.create_tracking,
    update=tracking.update_tracking,
    delete=tracking.delete_tracking,
    api="inventory/tracking",
    group_by=("tracking",),
    import_key=None,
)

NOTIFICATIONS = ModelView(
    name="inventory.notification",
    model=StockNotification,
    label=_l("Stock notifications"),
    fields=(
        ViewField("created_at", _l("Raised on")),
        ViewField("product", _l("Product")),
        ViewField("warehouse", _l("Warehouse")),
        ViewField("forecast", _l("Forecast")),
        ViewField("minimum", _l("Minimum")),
        ViewField("proposed", _l("To replenish")),
        ViewField("rule", _l("Stock rule")),
        ViewField("read_at", _l("Read on")),
    ),
    list_columns=(
        "created_at",
        "product",
        "warehouse",
        "forecast",
        "minimum",
        "proposed",
        "read_at",
    ),
    form_fields=("forecast", "minimum", "proposed", "read_at"),
    filters=(ViewFilter("unread", _l("Unread"), lambda: StockNotification.read_at.is_(None)),),
    default_order="created_at",
    api="inventory/notifications",
    actions=(
        ViewAction(
            "mark_read",
            _l("Mark read"),
            notifications.mark_read,
            when=lambda notification: notification.read_at is None,
            bulk=True,
            primary=True,
        ),
    ),
    group_by=("product", "warehouse", "created_at"),
    import_key=None,
)

VIEWS = (
    RECEIPTS,
    DELIVERIES,
    TRANSFERS,
    MOVES,
    STOCK,
    STOCK_RULES,
    COUNTS,
    VALUATION,
    WAREHOUSES,
    LOCATIONS,
    LOTS,
    TRACKING,
    NOTIFICATIONS,
)

# Keep the enum members and their labels in step (a test compares them).
LABELLED_ENUMS = (
    (StockState, STATE_LABELS),
    (LocationKind, KIND_LABELS),
    (Priority, PRIORITY_LABELS),
    (RuleStatus, RULE_STATUS_LABELS),
    (CountState, COUNT_STATE_LABELS),
    (Tracking, TRACKING_LABELS),
)

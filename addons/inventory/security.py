"""Permissions, roles and record rules of the inventory addon, returned to core by hooks.py.

An inventory user (Inventory / User) works in the warehouses they are a member of, and in
every warehouse that lists no members: they see its locations, stock, moves and
operations, create and validate receipts, deliveries and transfers. An inventory manager
sees every warehouse of their companies, sets up warehouses and locations, corrects
stock, reverses moves and sees stock values. Core adds the company rule to every
company-owned model.
"""

from __future__ import annotations

from sqlalchemy import exists, or_, select, true

from addons.inventory.messages import _l
from addons.inventory.models import (
    Location,
    Move,
    Picking,
    Quant,
    StockCount,
    StockNotification,
    StockRule,
    Warehouse,
    WarehouseMember,
)
from core.hookspecs import Permission, Principal, RecordRule, Role

WAREHOUSE = "inventory.warehouse"
LOCATION = "inventory.location"
LOT = "inventory.lot"
TRACKING = "inventory.tracking"
PICKING = "inventory.picking"
MOVE = "inventory.move"
QUANT = "inventory.quant"
VALUATION = "inventory.valuation"
STOCK_RULE = "inventory.stock_rule"
COUNT = "inventory.count"
NOTIFICATION = "inventory.notification"
APPROVE_COUNT = f"{COUNT}.approve"
VALIDATE = f"{PICKING}.validate"
REVERSE = f"{MOVE}.reverse"
CORRECT = f"{QUANT}.write"

PERMISSIONS = (
    Permission(WAREHOUSE, "read", _l("See warehouses")),
    Permission(WAREHOUSE, "create", _l("Create warehouses")),
    Permission(WAREHOUSE, "write", _l("Change warehouses and their members")),
    Permission(WAREHOUSE, "archive", _l("Archive and restore warehouses")),
    Permission(WAREHOUSE, "export", _l("Export warehouses")),
    Permission(LOCATION, "read", _l("See stock locations")),
    Permission(LOCATION, "create", _l("Create stock locations")),
    Permission(LOCATION, "write", _l("Change stock locations")),
    Permission(LOCATION, "archive", _l("Archive and restore stock locations")),
    Permission(LOCATION, "export", _l("Export stock locations")),
    Permission(LOT, "read", _l("See lots")),
    Permission(LOT, "create", _l("Create lots")),
    Permission(LOT, "write", _l("Change lots")),
    Permission(LOT, "export", _l("Export lots")),
    Permission(TRACKING, "read", _l("See how products are tracked (lots, serial numbers)")),
    Permission(TRACKING, "create", _l("Track products by lot or serial number")),
    Permission(TRACKING, "write", _l("Change how products are tracked")),
    Permission(TRACKING, "delete", _l("Stop tracking products")),
    Permission(TRACKING, "export", _l("Export product tracking")),
    Permission(PICKING, "read", _l("See receipts, deliveries and transfers")),
    Permission(PICKING, "create", _l("Create receipts, deliveries and transfers")),
    Permission(
        PICKING, "write", _l("Change, confirm and cancel receipts, deliveries and transfers")
    ),
    Permission(PICKING, "delete", _l("Delete draft receipts, deliveries and transfers")),
    Permission(PICKING, "validate", _l("Validate receipts, deliveries and transfers")),
    Permission(PICKING, "export", _l("Export receipts, deliveries and transfers")),
    Permission(MOVE, "read", _l("See stock moves")),
    Permission(MOVE, "reverse", _l("Reverse done stock moves")),
    Permission(MOVE, "export", _l("Export stock moves")),
    Permission(QUANT, "read", _l("See stock on hand")),
    Permission(QUANT, "create", _l("Record stock found in a new place (posts an adjustment)")),
    Permission(QUANT, "write", _l("Correct stock on hand (posts an adjustment)")),
    Permission(QUANT, "export", _l("Export stock on hand")),
    Permission(STOCK_RULE, "read", _l("See stock rules and alerts")),
    Permission(STOCK_RULE, "create", _l("Create stock rules")),
    Permission(STOCK_RULE, "write", _l("Change stock rules")),
    Permission(STOCK_RULE, "delete", _l("Delete stock rules")),
    Permission(STOCK_RULE, "export", _l("Export stock rules and alerts")),
    Permission(COUNT, "read", _l("See stocktakings")),
    Permission(COUNT, "create", _l("Prepare stocktakings")),
    Permission(COUNT, "write", _l("Start, count, apply and cancel stocktakings")),
    Permission(COUNT, "delete", _l("Delete draft stocktakings")),
    Permission(COUNT, "approve", _l("Approve large stocktaking discrepancies")),
    Permission(COUNT, "export", _l("Export stocktakings")),
    Permission(NOTIFICATION, "read", _l("Read one's stock notifications")),
    Permission(NOTIFICATION, "write", _l("Mark one's stock notifications read")),
    Permission(NOTIFICATION, "export", _l("Export one's stock notifications")),
    Permission(VALUATION, "read", _l("See stock values and average costs")),
    Permission(VALUATION, "export", _l("Export stock values")),
)

USER = Role(
    "inventory.user",
    _l("Inventory / User"),
    permissions=(
        f"{WAREHOUSE}.read",
        f"{LOCATION}.read",
        f"{LOT}.read",
        f"{LOT}.create",
        f"{LOT}.write",
        f"{TRACKING}.read",
        f"{PICKING}.read",
        f"{PICKING}.create",
        f"{PICKING}.write",
        f"{PICKING}.delete",
        VALIDATE,
        f"{PICKING}.export",
        f"{MOVE}.read",
        f"{MOVE}.export",
        f"{QUANT}.read",
        f"{QUANT}.export",
        f"{STOCK_RULE}.read",
        f"{COUNT}.read",
        f"{COUNT}.create",
        f"{COUNT}.write",
        f"{COUNT}.delete",
        f"{NOTIFICATION}.read",
        f"{NOTIFICATION}.write",
        f"{NOTIFICATION}.export",
        "products.product.read",
        "products.category.read",
        "products.uom.read",
        "partners.partner.read",
    ),
    description=_l(
        "Receives, delivers and moves goods in their warehouses, and sees their stock "
        "and its history."
    ),
)

MANAGER = Role(
    "inventory.manager",
    _l("Inventory / Manager"),
    permissions=tuple(p.name for p in PERMISSIONS if p.name not in USER.permissions),
    implies=(USER.name,),
    description=_l(
        "Sees every warehouse of the company, sets up warehouses and locations, corrects "
        "stock, reverses moves and sees stock values."
    ),
)

ROLES = (USER, MANAGER)


# --------------------------------------------------------------------------- record rules


def _own_warehouses(principal: Principal):
    """Warehouses without members, and those listing the user."""
    listed = exists().where(WarehouseMember.warehouse_id == Warehouse.id)
    mine = exists().where(
        WarehouseMember.warehouse_id == Warehouse.id,
        WarehouseMember.user_id == principal.user_id,
    )
    return or_(~listed, mine)


def _my_warehouses(principal: Principal):
    # Not correlated: the records ruled here are not warehouses.
    return select(Warehouse.id).where(_own_warehouses(principal)).correlate(None)


def _own_locations(principal: Principal):
    return or_(
        Location.warehouse_id.is_(None), Location.warehouse_id.in_(_my_warehouses(principal))
    )


def _own_pickings(principal: Principal):
    return Picking.warehouse_id.in_(_my_warehouses(principal))


def _own_moves(principal: Principal):
    return or_(Move.warehouse_id.is_(None), Move.warehouse_id.in_(_my_warehouses(principal)))


def _own_quants(principal: Principal):
    return Quant.warehouse_id.in_(_my_warehouses(principal))


def _own_rules(principal: Principal):
    return StockRule.warehouse_id.in_(_my_warehouses(principal))


def _own_counts(principal: Principal):
    return StockCount.warehouse_id.in_(_my_warehouses(principal))


def _everything(principal: Principal):
    return true()


def _own_notifications(principal: Principal):
    return StockNotification.user_id == principal.user_id


def record_rules() -> list[RecordRule]:
    """Role rules OR together: a manager's "everything" lifts a user's limits."""
    user, everyone = (USER.name,), (MANAGER.name,)
    rules = []
    for resource, domain in (
        (WAREHOUSE, _own_warehouses),
        (LOCATION, _own_locations),
        (PICKING, _own_pickings),
        (MOVE, _own_moves),
        (QUANT, _own_quants),
        (STOCK_RULE, _own_rules),
        (COUNT, _own_counts),
    ):
        rules.append(RecordRule(resource, "own warehouses", domain, roles=user))
        rules.append(RecordRule(resource, "every warehouse", _everything, roles=everyone))
    # Everyone, managers too, reads and marks their own notifications only.
    rules.append(RecordRule(NOTIFICATION, "own notifications", _own_notifications))
    return rules

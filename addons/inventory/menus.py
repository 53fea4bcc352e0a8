"""The inventory app in the menu: operations, stock and its history, configuration. The
stock notifications' entry counts the reader's unread ones (notifications.MenuLabel)."""

from __future__ import annotations

from addons.inventory.messages import _l
from addons.inventory.notifications import MenuLabel
from core.hookspecs import MenuItem

MENUS = (
    MenuItem("inventory", _l("Inventory"), sequence=40, icon="boxes"),
    MenuItem(
        "inventory.overview",
        _l("Inventory overview"),
        parent="inventory",
        dashboard="inventory.overview",
        permission="inventory.picking.read",
        sequence=5,
    ),
    MenuItem("inventory.operations", _l("Stock operations"), parent="inventory", sequence=10),
    MenuItem(
        "inventory.receipts",
        _l("Receipts"),
        parent="inventory.operations",
        view="inventory.receipt",
        permission="inventory.picking.read",
        sequence=10,
    ),
    MenuItem(
        "inventory.deliveries",
        _l("Deliveries"),
        parent="inventory.operations",
        view="inventory.delivery",
        permission="inventory.picking.read",
        sequence=20,
    ),
    MenuItem(
        "inventory.transfers",
        _l("Internal transfers"),
        parent="inventory.operations",
        view="inventory.transfer",
        permission="inventory.picking.read",
        sequence=30,
    ),
    MenuItem(
        "inventory.counts",
        _l("Stocktaking"),
        parent="inventory.operations",
        view="inventory.count",
        permission="inventory.count.read",
        sequence=40,
    ),
    MenuItem(
        "inventory.stock",
        _l("Stock on hand"),
        parent="inventory",
        view="inventory.stock",
        permission="inventory.quant.read",
        sequence=20,
    ),
    MenuItem(
        "inventory.stock_rules",
        _l("Stock alerts"),
        parent="inventory",
        view="inventory.stock_rule",
        permission="inventory.stock_rule.read",
        sequence=25,
    ),
    MenuItem(
        "inventory.notifications",
        MenuLabel(),
        parent="inventory",
        view="inventory.notification",
        permission="inventory.notification.read",
        sequence=26,
    ),
    MenuItem(
        "inventory.moves",
        _l("Moves history"),
        parent="inventory",
        view="inventory.move",
        permission="inventory.move.read",
        sequence=30,
    ),
    MenuItem(
        "inventory.valuation",
        _l("Stock valuation"),
        parent="inventory",
        view="inventory.valuation",
        permission="inventory.valuation.read",
        sequence=40,
    ),
    MenuItem("inventory.configuration", _l("Configuration"), parent="inventory", sequence=90),
    MenuItem(
        "inventory.warehouses",
        _l("Warehouses"),
        parent="inventory.configuration",
        view="inventory.warehouse",
        permission="inventory.warehouse.read",
        sequence=10,
    ),
    MenuItem(
        "inventory.locations",
        _l("Locations"),
        parent="inventory.configuration",
        view="inventory.location",
        permission="inventory.location.read",
        sequence=20,
    ),
    MenuItem(
        "inventory.lots",
        _l("Lots and serial numbers"),
        parent="inventory.configuration",
        view="inventory.lot",
        permission="inventory.lot.read",
        sequence=30,
    ),
    MenuItem(
        "inventory.tracking",
        _l("Product tracking"),
        parent="inventory.configuration",
        view="inventory.tracking",
        permission="inventory.tracking.read",
        sequence=40,
    ),
)

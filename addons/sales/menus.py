"""The sales app in the menu: orders and payments, and its configuration."""

from __future__ import annotations

from addons.sales.messages import _l
from core.hookspecs import MenuItem

MENUS = (
    MenuItem("sales", _l("Sales"), sequence=30, icon="cart"),
    MenuItem(
        "sales.overview",
        _l("Sales overview"),
        parent="sales",
        dashboard="sales.overview",
        permission="sales.order.read",
        sequence=5,
    ),
    MenuItem(
        "sales.orders",
        _l("Orders"),
        parent="sales",
        view="sales.order",
        permission="sales.order.read",
        sequence=10,
    ),
    MenuItem(
        "sales.payments",
        _l("Customer payments"),
        parent="sales",
        view="sales.payment",
        permission="sales.payment.read",
        sequence=20,
    ),
    MenuItem(
        "sales.timeline",
        _l("Order timeline"),
        parent="sales",
        view="sales.event",
        permission="sales.order.read",
        sequence=30,
    ),
    MenuItem(
        "sales.plans",
        _l("Sales plans"),
        parent="sales",
        view="sales.plan",
        permission="sales.plan.read",
        sequence=40,
    ),
    MenuItem(
        "sales.customers",
        _l("Customer classification"),
        parent="sales",
        view="sales.customer",
        permission="sales.customer.read",
        sequence=50,
    ),
    MenuItem("sales.configuration", _l("Configuration"), parent="sales", sequence=90),
    MenuItem(
        "sales.channels",
        _l("Sales channels"),
        parent="sales.configuration",
        view="sales.channel",
        permission="sales.channel.read",
        sequence=10,
    ),
    MenuItem(
        "sales.teams",
        _l("Sales teams"),
        parent="sales.configuration",
        view="sales.team",
        permission="sales.team.read",
        sequence=20,
    ),
    MenuItem(
        "sales.levels",
        _l("Customer levels"),
        parent="sales.configuration",
        view="sales.level",
        permission="sales.level.read",
        sequence=25,
    ),
    MenuItem(
        "sales.settings",
        _l("Sales settings"),
        parent="sales.configuration",
        view="sales.settings",
        permission="sales.settings.read",
        sequence=30,
    ),
)

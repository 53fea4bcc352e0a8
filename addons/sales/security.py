"""Permissions, roles and record rules of the sales addon, returned to core by hooks.py.

A salesperson (Sales / User) sees the orders they sell and those of the teams they lead,
the payments of their customers, and among partners their own customers and those nobody
has claimed yet. A sales manager sees every order, payment and partner of their companies
and releases credit holds. Core adds the company rule to every company-owned model.
"""

from __future__ import annotations

from sqlalchemy import or_, select, true

from addons.sales.messages import _l
from addons.sales.models import (
    SalesOrder,
    SalesPayment,
    SalesTeam,
    customer_model,
)
from core.hookspecs import Permission, Principal, RecordRule, Role

ORDER = "sales.order"
PAYMENT = "sales.payment"
CHANNEL = "sales.channel"
TEAM = "sales.team"
SETTINGS = "sales.settings"
LEVEL = "sales.level"
CUSTOMER = "sales.customer"
PLAN = "sales.plan"
APPROVE_CREDIT = f"{ORDER}.approve_credit"

PERMISSIONS = (
    Permission(ORDER, "read", _l("See quotations and sales orders")),
    Permission(ORDER, "create", _l("Create quotations")),
    Permission(ORDER, "write", _l("Change, confirm and cancel orders")),
    Permission(ORDER, "delete", _l("Delete draft quotations")),
    Permission(ORDER, "export", _l("Export sales orders")),
    Permission(ORDER, "approve_credit", _l("Release orders held for credit")),
    Permission(PAYMENT, "read", _l("See customer payments")),
    Permission(PAYMENT, "create", _l("Register customer payments")),
    Permission(PAYMENT, "write", _l("Change and cancel customer payments")),
    Permission(PAYMENT, "export", _l("Export customer payments")),
    Permission(CHANNEL, "read", _l("See sales channels")),
    Permission(CHANNEL, "create", _l("Create sales channels")),
    Permission(CHANNEL, "write", _l("Change sales channels")),
    Permission(CHANNEL, "delete", _l("Delete sales channels")),
    Permission(CHANNEL, "export", _l("Export sales channels")),
    Permission(TEAM, "read", _l("See sales teams")),
    Permission(TEAM, "create", _l("Create sales teams")),
    Permission(TEAM, "write", _l("Change sales teams")),
    Permission(TEAM, "delete", _l("Delete sales teams")),
    Permission(TEAM, "export", _l("Export sales teams")),
    Permission(LEVEL, "read", _l("See customer levels")),
    Permission(LEVEL, "create", _l("Create customer levels")),
    Permission(LEVEL, "write", _l("Change customer levels")),
    Permission(LEVEL, "delete", _l("Delete customer levels")),
    Permission(LEVEL, "export", _l("Export the list of customer levels")),
    Permission(CUSTOMER, "read", _l("See the level of customers")),
    Permission(CUSTOMER, "create", _l("Classify customers by level")),
    Permission(CUSTOMER, "write", _l("Change the level of customers")),
    Permission(CUSTOMER, "delete", _l("Remove the level of customers")),
    Permission(CUSTOMER, "export", _l("Export customer levels")),
    Permission(SETTINGS, "read", _l("See the sales settings")),
    Permission(SETTINGS, "create", _l("Create the sales settings of a company")),
    Permission(SETTINGS, "write", _l("Change the sales settings (credit control)")),
    Permission(PLAN, "read", _l("See sales plans and how they are achieved")),
    Permission(PLAN, "create", _l("Draft sales plans")),
    Permission(PLAN, "write", _l("Change, revise and close sales plans")),
    Permission(PLAN, "delete", _l("Delete draft sales plans")),
    Permission(PLAN, "approve", _l("Approve sales plans")),
    Permission(PLAN, "export", _l("Export and print sales plans")),
)

USER = Role(
    "sales.user",
    _l("Sales / User"),
    permissions=(
        f"{ORDER}.read",
        f"{ORDER}.create",
        f"{ORDER}.write",
        f"{ORDER}.delete",
        f"{ORDER}.export",
        f"{PAYMENT}.read",
        f"{PAYMENT}.create",
        f"{CHANNEL}.read",
        f"{TEAM}.read",
        f"{LEVEL}.read",
        f"{CUSTOMER}.read",
        f"{SETTINGS}.read",
        f"{PLAN}.read",
        "products.product.read",
        "products.category.read",
        "products.uom.read",
    ),
    # Salespeople create and look after their customers.
    implies=("partners.user",),
    description=_l(
        "Quotes, confirms and follows their own orders and customers, and registers "
        "their customers' payments."
    ),
)

MANAGER = Role(
    "sales.manager",
    _l("Sales / Manager"),
    permissions=tuple(p.name for p in PERMISSIONS if p.name not in USER.permissions),
    implies=(USER.name,),
    description=_l(
        "Sees every order, payment and customer of the company, releases credit holds, "
        "cancels payments, plans sales, classifies customers by level, and sets up "
        "channels, teams, customer levels and credit control."
    ),
)

ROLES = (USER, MANAGER)


# --------------------------------------------------------------------------- record rules


def _own_orders(principal: Principal):
    led = select(SalesTeam.id).where(SalesTeam.leader_id == principal.user_id)
    return or_(SalesOrder.salesperson_id == principal.user_id, SalesOrder.team_id.in_(led))


def _own_payments(principal: Principal):
    partner = customer_model()
    mine = select(partner.id).where(partner.salesperson_id == principal.user_id)
    return or_(SalesPayment.created_by_id == principal.user_id, SalesPayment.customer_id.in_(mine))


def _own_customers(principal: Principal):
    partner = customer_model()
    return or_(partner.salesperson_id == principal.user_id, partner.salesperson_id.is_(None))


def _everything(principal: Principal):
    return true()


def record_rules() -> list[RecordRule]:
    """Role rules OR together: a manager's "everything" lifts a user's limits."""
    everyone = (MANAGER.name,)
    return [
        RecordRule(ORDER, "own and team orders", _own_orders, roles=(USER.name,)),
        RecordRule(ORDER, "every order", _everything, roles=everyone),
        RecordRule(PAYMENT, "payments of own customers", _own_payments, roles=(USER.name,)),
        RecordRule(PAYMENT, "every payment", _everything, roles=everyone),
        # Sales limits which partners its salespeople reach; partners managers keep all.
        RecordRule(
            "partners.partner",
            "own and unassigned customers",
            _own_customers,
            roles=(USER.name,),
        ),
        RecordRule(
            "partners.partner", "every partner", _everything, roles=(*everyone, "partners.manager")
        ),
    ]

"""Customers as sales sees them (clauses 5.1.3.1, 5.1.3.2): their classification by level
(A, B, C...: a configurable list), and their transaction record under the partner form:
orders, deliveries, payments, balance, credit used and left, first and last order and
lifetime revenue, each figure opening the list of the records behind it.

The partner and its credit limit belong to the partners addon; a customer's level lives
in sales' own ``sales_customer`` row keyed by the partner, and is copied onto the
customer's orders (``customer_level_id``) whenever it changes, so order lists filter and
group by it. Services take the caller's session and never commit.

Everything is read through the reader's access, so a salesperson limited by record
rules sees the totals of the orders and payments they may see. A fixed number of
queries whatever the customer's history: one aggregate of the orders, the latest
orders, one aggregate and the latest of the payments.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask import url_for
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from addons.sales import messages as msg
from addons.sales.messages import (
    DELIVERY_LABELS,
    PAYMENT_LABELS,
    PAYMENT_STATE_LABELS,
    STATE_LABELS,
    _l,
)
from addons.sales.models import (
    BINDING_STATES,
    QUOTATION_STATES,
    CustomerLevel,
    DeliveryStatus,
    OrderState,
    PaymentState,
    SalesCustomer,
    SalesOrder,
    SalesPayment,
)
from addons.sales.schemas import CustomerSchema, LevelSchema
from addons.sales.services import SalesError, _check_customer, _get, _load, _mapping
from core.db import default_company_id
from core.hookspecs import FormPanel, PanelContent, PanelFigure, PanelTable
from core.i18n import N_
from core.schemas import Refusals, flush_unique, load
from core.views.screens import view_url

# The standard levels, loaded by revision 67e02d0baf30 with these English names (shown
# translated by CustomerLevel.display_name); listed here for the catalogue.
STANDARD_LEVEL_NAMES = (
    N_("A: key customers"),
    N_("B: regular customers"),
    N_("C: occasional customers"),
)

LATEST = 5
# Credit used beyond this share of the limit is shown as a warning, beyond it as danger.
NEAR_LIMIT = Decimal("0.8")
WARNING = "warning"
DANGER = "danger"

PANEL_LABEL = _l("Transaction record")
ORDERS = _l("Sales orders")
QUOTATIONS = _l("Open quotations")
REVENUE = _l("Lifetime revenue (untaxed)")
BALANCE = _l("Open balance")
TO_DELIVER = _l("Orders to deliver")
RECEIVED = _l("Payments received")
CREDIT_LIMIT = _l("Credit limit")
CREDIT_USED = _l("Credit used")
CREDIT_LEFT = _l("Credit left")
NO_LIMIT = _l("No limit")
FIRST_ORDER = _l("First order")
LAST_ORDER = _l("Last order")
LATEST_ORDERS = _l("Latest orders")
LATEST_PAYMENTS = _l("Latest payments")
NO_ORDERS = _l("No order yet.")
NO_PAYMENTS = _l("No payment yet.")
ORDER_COLUMNS = (
    _l("Number"),
    _l("Order date"),
    _l("Total"),
    _l("Status"),
    _l("Delivery"),
    _l("Payment"),
)
LEVEL = _l("Customer level")
NOT_CLASSIFIED = _l("Not classified")
PAYMENT_COLUMNS = (_l("Number"), _l("Payment date"), _l("Amount"), _l("Status"))


@dataclass(frozen=True)
class OrderFigures:
    """What the orders of one customer add up to, among those the reader may see."""

    count: int
    orders: int
    quotations: int
    to_deliver: int
    revenue: Decimal
    total: Decimal
    paid: Decimal
    first: date | None
    last: date | None

    @property
    def balance(self) -> Decimal:
        """What confirmed orders still owe (the receivable, and the credit used)."""
        return self.total - self.paid


def order_figures(session: Session, access: Any, customer_id: int) -> OrderFigures:
    """One aggregate of the customer's orders the reader may see."""
    binding = SalesOrder.state.in_(BINDING_STATES)
    to_deliver = (SalesOrder.state == OrderState.CONFIRMED) & (
        SalesOrder.delivery_status != DeliveryStatus.DELIVERED
    )
    statement = select(
        func.count(),
        func.count().filter(binding),
        func.count().filter(SalesOrder.state.in_(QUOTATION_STATES)),
        func.count().filter(to_deliver),
        func.sum(SalesOrder.amount_untaxed).filter(binding),
        func.sum(SalesOrder.amount_total).filter(binding),
        func.sum(SalesOrder.amount_paid).filter(binding),
        func.min(SalesOrder.order_date).filter(binding),
        func.max(SalesOrder.order_date).filter(binding),
    ).where(SalesOrder.customer_id == customer_id)
    row = session.execute(access.restrict(statement, SalesOrder)).one()
    zero = Decimal("0.00")
    return OrderFigures(
        count=row[0],
        orders=row[1],
        quotations=row[2],
        to_deliver=row[3],
        revenue=row[4] if row[4] is not None else zero,
        total=row[5] if row[5] is not None else zero,
        paid=row[6] if row[6] is not None else zero,
        first=row[7],
        last=row[8],
    )


def credit_tone(limit: Decimal | None, used: Decimal) -> str | None:
    """Danger over the limit, warning near it, nothing otherwise (or without a limit)."""
    if limit is None:
        return None
    if used > limit:
        return DANGER
    if used >= limit * NEAR_LIMIT:
        return WARNING
    return None


def _orders_url(customer_id: int, **args: Any) -> str:
    return view_url("sales.order", **{"eq.customer_id": customer_id, **args})


def _record_url(view: str, record_id: int) -> str:
    addon, slug = view.split(".", 1)
    return url_for("core.views.edit_record", addon=addon, slug=slug, record_id=record_id)


def _figures(partner: Any, figures: OrderFigures) -> list[PanelFigure]:
    customer_id = partner.id
    limit = partner.credit_limit
    used = figures.balance
    tone = credit_tone(limit, used)
    return [
        PanelFigure(ORDERS, figures.orders, _orders_url(customer_id, f="orders")),
        PanelFigure(QUOTATIONS, figures.quotations, _orders_url(customer_id, f="quotations")),
        PanelFigure(REVENUE, figures.revenue, _orders_url(customer_id, f="orders")),
        PanelFigure(BALANCE, used, _orders_url(customer_id, f="unpaid")),
        PanelFigure(TO_DELIVER, figures.to_deliver, _orders_url(customer_id, f="to_deliver")),
        PanelFigure(CREDIT_LIMIT, limit if limit is not None else NO_LIMIT),
        PanelFigure(CREDIT_USED, used, _orders_url(customer_id, f="unpaid"), tone=tone),
        PanelFigure(CREDIT_LEFT, limit - used if limit is not None else NO_LIMIT, tone=tone),
        PanelFigure(
            FIRST_ORDER,
            figures.first,
            _orders_url(customer_id, f="orders", sort="order_date") if figures.first else None,
        ),
        PanelFigure(
            LAST_ORDER,
            figures.last,
            _orders_url(customer_id, f="orders", sort="order_date", desc="1")
            if figures.last
            else None,
        ),
    ]


def _latest_orders(session: Session, access: Any, customer_id: int) -> PanelTable:
    statement = (
        access.select(SalesOrder)
        .where(SalesOrder.customer_id == customer_id)
        .order_by(SalesOrder.order_date.desc(), SalesOrder.id.desc())
        .limit(LATEST)
    )
    orders = list(session.scalars(statement))
    states, deliveries, payments = dict(STATE_LABELS), dict(DELIVERY_LABELS), dict(PAYMENT_LABELS)
    rows = tuple(
        (
            order.name,
            order.order_date,
            order.amount_total,
            states[order.state.value],
            deliveries[order.delivery_status.value],
            payments[order.payment_status.value],
        )
        for order in orders
    )
    return PanelTable(
        LATEST_ORDERS,
        ORDER_COLUMNS,
        rows,
        links=tuple(_record_url("sales.order", order.id) for order in orders),
        more_url=_orders_url(customer_id),
        empty=NO_ORDERS,
    )


def _payments(session: Session, access: Any, customer_id: int) -> tuple[PanelFigure, PanelTable]:
    """The total received and the latest payments of the customer (posted or cancelled)."""
    received = session.scalar(
        access.restrict(
            select(func.sum(SalesPayment.amount)).where(
                SalesPayment.customer_id == customer_id,
                SalesPayment.state == PaymentState.POSTED,
            ),
            SalesPayment,
        )
    )
    statement = (
        access.select(SalesPayment)
        .where(SalesPayment.customer_id == customer_id)
        .order_by(SalesPayment.payment_date.desc(), SalesPayment.id.desc())
        .limit(LATEST)
    )
    payments = list(session.scalars(statement))
    url = view_url("sales.payment", **{"eq.customer_id": customer_id})
    figure = PanelFigure(
        RECEIVED,
        received if received is not None else Decimal("0.00"),
        view_url("sales.payment", **{"eq.customer_id": customer_id, "f": "posted"}),
    )
    table = PanelTable(
        LATEST_PAYMENTS,
        PAYMENT_COLUMNS,
        tuple(
            (p.name, p.payment_date, p.amount, dict(PAYMENT_STATE_LABELS)[p.state.value])
            for p in payments
        ),
        links=tuple(_record_url("sales.payment", p.id) for p in payments),
        more_url=url,
        empty=NO_PAYMENTS,
    )
    return figure, table


def _level(session: Session, access: Any, customer_id: int) -> PanelFigure:
    """The customer's level, opening its classification (or the empty list to add one)."""
    statement = (
        access.select(SalesCustomer)
        .where(SalesCustomer.customer_id == customer_id)
        .options(joinedload(SalesCustomer.level))
    )
    row = session.scalar(statement)
    if row is None:
        return PanelFigure(
            LEVEL, NOT_CLASSIFIED, view_url("sales.customer", **{"eq.customer_id": customer_id})
        )
    return PanelFigure(LEVEL, row.level.display_name, _record_url("sales.customer", row.id))


def customer_record(session: Session, access: Any, partner: Any) -> PanelContent | None:
    """The panel's content for ``partner``: None unless it is a customer or has orders."""
    figures = order_figures(session, access, partner.id)
    if not partner.is_customer and figures.count == 0:
        return None
    shown = _figures(partner, figures)
    if access.can("sales.customer.read"):
        shown.insert(0, _level(session, access, partner.id))
    tables = [_latest_orders(session, access, partner.id)]
    if access.can("sales.payment.read"):
        received, payments = _payments(session, access, partner.id)
        shown.insert(shown.index(next(f for f in shown if f.label is BALANCE)) + 1, received)
        tables.append(payments)
    return PanelContent(figures=tuple(shown), tables=tuple(tables))


PANELS = (
    FormPanel(
        "sales.customer_record",
        "partners.partner",
        PANEL_LABEL,
        customer_record,
        permission="sales.order.read",
        sequence=10,
    ),
)


# --------------------------------------------------------------------------- levels


def create_level(session: Session, data: Mapping[str, Any]) -> CustomerLevel:
    values = load(LevelSchema(), _mapping(data))
    if session.scalar(select(CustomerLevel.id).where(CustomerLevel.code == values["code"])):
        raise SalesError.on("code", msg.LEVEL_CODE_TAKEN, code=values["code"])
    level = CustomerLevel(**values)
    session.add(level)
    flush_unique(session, "code", msg.LEVEL_CODE_TAKEN, code=values["code"])
    return level


def update_level(session: Session, level_id: int, data: Mapping[str, Any]) -> CustomerLevel:
    level = _get(session, CustomerLevel, level_id, msg.UNKNOWN_LEVEL)
    for key, value in load(LevelSchema(), _mapping(data), partial=True).items():
        setattr(level, key, value)
    flush_unique(session, "code", msg.LEVEL_CODE_TAKEN, code=level.code)
    return level


def delete_level(session: Session, level_id: int) -> None:
    """Delete a level no customer has; one in use is archived instead."""
    level = _get(session, CustomerLevel, level_id, msg.UNKNOWN_LEVEL)
    used = select(SalesCustomer.id).where(SalesCustomer.level_id == level_id).limit(1)
    if session.scalar(used) is not None:
        raise SalesError.on(None, msg.LEVEL_IN_USE, name=level.display_name)
    session.delete(level)
    session.flush()


# --------------------------------------------------------------------------- classification


def classify_customer(session: Session, data: Mapping[str, Any]) -> SalesCustomer:
    """Give a customer its level; its orders take the level too."""
    refusals = Refusals()
    values = _load(CustomerSchema(), _mapping(data), refusals)
    if values:
        _check_customer(
            session, values["customer_id"], default_company_id(session), refusals, archived_ok=True
        )
        _check_level(session, values["level_id"], refusals)
        classified = select(SalesCustomer.id).where(
            SalesCustomer.customer_id == values["customer_id"]
        )
        if session.scalar(classified) is not None:
            refusals.add("customer_id", msg.ALREADY_CLASSIFIED)
    refusals.raise_any()
    row = SalesCustomer(**values)
    session.add(row)
    flush_unique(session, "customer_id", msg.ALREADY_CLASSIFIED)
    _stamp_orders(session, row.customer_id, row.level_id)
    return row


def update_classification(session: Session, row_id: int, data: Mapping[str, Any]) -> SalesCustomer:
    """Change a customer's level (the customer stays); its orders follow."""
    row = _get(session, SalesCustomer, row_id, msg.UNKNOWN_CLASSIFICATION)
    refusals = Refusals()
    values = _load(CustomerSchema(), _mapping(data), refusals, partial=True)
    if values.get("customer_id") not in (None, row.customer_id):
        refusals.add("customer_id", msg.CUSTOMER_FIXED)
    if values.get("level_id") is not None:
        _check_level(session, values["level_id"], refusals)
    refusals.raise_any()
    if values.get("level_id") not in (None, row.level_id):
        row.level_id = values["level_id"]
        session.flush()
        _stamp_orders(session, row.customer_id, row.level_id)
    return row


def delete_classification(session: Session, row_id: int) -> None:
    """The customer is no longer classified; neither are its orders."""
    row = _get(session, SalesCustomer, row_id, msg.UNKNOWN_CLASSIFICATION)
    customer_id = row.customer_id
    session.delete(row)
    session.flush()
    _stamp_orders(session, customer_id, None)


def _stamp_orders(session: Session, customer_id: int, level_id: int | None) -> None:
    """Copy the customer's level onto all its orders, in one statement (every order, also
    those the user may not see: the copy is the customer's, not the order's content)."""
    session.execute(
        update(SalesOrder)
        .where(SalesOrder.customer_id == customer_id)
        .values(customer_level_id=level_id)
        .execution_options(synchronize_session="fetch")
    )


def _check_level(session: Session, level_id: int, refusals: Refusals) -> None:
    level = session.get(CustomerLevel, level_id)
    if level is None or not level.active:
        refusals.add("level_id", msg.UNKNOWN_LEVEL, id=level_id)

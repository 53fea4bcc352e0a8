"""The customer's transaction record under the partner form (clauses 5.1.3.1, 5.1.3.2):
orders, deliveries, payments, balance, credit used and left, first and last order and
lifetime revenue, each figure opening the list of the records behind it.

Everything is read through the reader's access, so a salesperson limited by record
rules sees the totals of the orders and payments they may see. A fixed number of
queries whatever the customer's history: one aggregate of the orders, the latest
orders, one aggregate and the latest of the payments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from addons.sales.messages import DELIVERY_LABELS, PAYMENT_LABELS, STATE_LABELS, _l
from addons.sales.models import (
    BINDING_STATES,
    QUOTATION_STATES,
    DeliveryStatus,
    OrderState,
    PaymentState,
    SalesOrder,
    SalesPayment,
)
from addons.sales.views import PAYMENT_STATES
from core.hookspecs import FormPanel, PanelContent, PanelFigure, PanelTable
from core.views.screens import view_url

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
PAYMENT_COLUMNS = (_l("Number"), _l("Payment date"), _l("Amount"), _l("Status"))
PAYMENT_STATE_LABELS = dict(PAYMENT_STATES)


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
            (p.name, p.payment_date, p.amount, PAYMENT_STATE_LABELS[p.state.value])
            for p in payments
        ),
        links=tuple(_record_url("sales.payment", p.id) for p in payments),
        more_url=url,
        empty=NO_PAYMENTS,
    )
    return figure, table


def customer_record(session: Session, access: Any, partner: Any) -> PanelContent | None:
    """The panel's content for ``partner``: None unless it is a customer or has orders."""
    figures = order_figures(session, access, partner.id)
    if not partner.is_customer and figures.count == 0:
        return None
    shown = _figures(partner, figures)
    tables = [_latest_orders(session, access, partner.id)]
    if access.can("sales.payment.read"):
        received, payments = _payments(session, access, partner.id)
        shown.insert(5, received)
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

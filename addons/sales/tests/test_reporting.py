"""What the sales overview reads (clause 5.1.4.1): order lines carry their order's date and
state through every step, and an order's amount due follows its payments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from addons.sales import services
from addons.sales.models import OrderState, SalesOrderLine
from addons.sales.tests.conftest import SALES, order_for

pytestmark = [pytest.mark.addons(*SALES), pytest.mark.spec("5.1.4.1")]


def stored_lines(session, order) -> set[tuple]:
    """(date, state) of the order's lines as the database holds them."""
    session.expire_all()
    statement = select(SalesOrderLine.order_date, SalesOrderLine.state).where(
        SalesOrderLine.order_id == order.id
    )
    return set(session.execute(statement).all())


def test_lines_follow_their_orders_date_and_state(db_session, customer, chair, desk):
    order = order_for(db_session, customer, (chair, 1), (desk, 2), order_date="2026-03-02")
    assert stored_lines(db_session, order) == {(date(2026, 3, 2), OrderState.DRAFT)}
    services.update_order(db_session, order.id, {"order_date": "2026-04-01"})
    assert stored_lines(db_session, order) == {(date(2026, 4, 1), OrderState.DRAFT)}
    rows = [
        {"id": line.id, "product_id": line.product_id, "quantity": str(line.quantity)}
        for line in order.lines
    ]
    rows.append({"product_id": chair.id, "quantity": "3"})  # a new line takes them too
    services.update_order(db_session, order.id, {"lines": rows})
    services.confirm_order(db_session, order)
    assert stored_lines(db_session, order) == {(date(2026, 4, 1), OrderState.CONFIRMED)}
    assert all(line.state is OrderState.CONFIRMED for line in order.lines)
    services.cancel_order(db_session, order, {"reason": "Changed their mind"})
    assert stored_lines(db_session, order) == {(date(2026, 4, 1), OrderState.CANCELLED)}
    services.reset_to_quotation(db_session, order)
    assert stored_lines(db_session, order) == {(date(2026, 4, 1), OrderState.DRAFT)}


def test_the_amount_due_follows_payments_and_their_cancellation(db_session, customer, chair):
    order = order_for(db_session, customer, (chair, 2))
    assert order.amount_due == order.amount_total == Decimal("226.00")
    services.confirm_order(db_session, order)
    payment = services.register_payment(db_session, {"customer_id": customer.id, "amount": "26.00"})
    db_session.refresh(order)
    assert order.amount_due == Decimal("200.00")
    services.cancel_payment(db_session, payment, {"reason": "Bounced"})
    db_session.refresh(order)
    assert order.amount_due == Decimal("226.00") == order.amount_total - order.amount_paid

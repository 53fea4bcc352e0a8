"""The customer's transaction record (clause 5.1.3.1): what the orders of a customer add up
to, and how credit is coloured near and over the limit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from addons.sales import customers, services
from addons.sales.tests.conftest import SALES, confirmed_order, order_for
from core.security.access import current_access

pytestmark = [pytest.mark.addons(*SALES), pytest.mark.spec("5.1.3.1")]


def test_figures_count_binding_orders_and_leave_cancelled_ones_out(
    db_session, customer, chair, desk
):
    first = order_for(db_session, customer, (chair, 2), order_date="2026-03-02")
    services.confirm_order(db_session, first)
    confirmed_order(db_session, customer, (desk, 1))
    order_for(db_session, customer, (chair, 1))
    cancelled = confirmed_order(db_session, customer, (chair, 5))
    services.cancel_order(db_session, cancelled, {"reason": "Wrong customer"})
    services.register_payment(db_session, {"customer_id": customer.id, "amount": "26.00"})
    figures = customers.order_figures(db_session, current_access(), customer.id)
    assert (figures.count, figures.orders, figures.quotations, figures.to_deliver) == (4, 2, 1, 2)
    assert figures.revenue == Decimal("533.33")
    assert figures.total == Decimal("602.66") and figures.paid == Decimal("26.00")
    assert figures.balance == Decimal("576.66")
    assert figures.first == date(2026, 3, 2) and figures.last >= figures.first


def test_figures_of_a_customer_without_orders_are_zero(db_session, customer):
    figures = customers.order_figures(db_session, current_access(), customer.id)
    assert figures.count == 0 and figures.revenue == Decimal("0.00")
    assert figures.first is None and figures.last is None


@pytest.mark.parametrize(
    ("limit", "used", "tone"),
    [
        (None, "5000.00", None),
        ("1000.00", "799.99", None),
        ("1000.00", "800.00", "warning"),
        ("1000.00", "1000.00", "warning"),
        ("1000.00", "1000.01", "danger"),
        ("0.00", "0.00", "warning"),
    ],
)
def test_credit_is_coloured_near_and_over_the_limit(limit, used, tone):
    limit = Decimal(limit) if limit is not None else None
    assert customers.credit_tone(limit, Decimal(used)) == tone

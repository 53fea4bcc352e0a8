"""The amendment rules (clause 5.1.2.1): a confirmed order is never edited into a different
order. Its note and the customer's reference change in any state; a confirmed order's line
prices and discounts may be amended (totals, amount due, payment track and timeline follow),
never below what is paid and, under credit control, not over the limit; nothing else."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from addons.sales import messages as msg
from addons.sales import services
from addons.sales.models import (
    CreditMode,
    OrderState,
    PaymentStatus,
    SalesOrderEvent,
    Track,
)
from addons.sales.tests.conftest import SALES, confirmed_order
from addons.sales.tests.test_payments_credit import set_credit
from core.schemas import BusinessError, render

pytestmark = [pytest.mark.addons(*SALES), pytest.mark.spec("5.1.2.1")]


def as_sent(order, **changes) -> list[dict]:
    """The order's lines as a form sends them back, with ``changes`` on the first line."""
    rows = [
        {
            "id": line.id,
            "product_id": line.product_id,
            "quantity": str(line.quantity),
            "uom_id": line.uom_id,
            "price_unit": str(line.price_unit),
            "discount": str(line.discount),
            "tax_rate": str(line.tax_rate),
        }
        for line in order.lines
    ]
    rows[0].update(changes)
    return rows


def amend(session, order, **changes):
    return services.update_order(session, order.id, {"lines": as_sent(order, **changes)})


def refused(session, order, data) -> dict:
    with pytest.raises(BusinessError) as raised:
        services.update_order(session, order.id, data)
    return raised.value.messages


def test_a_confirmed_orders_prices_are_amended_and_everything_follows(
    db_session, customer, chair, desk
):
    order = confirmed_order(db_session, customer, (chair, 2), (desk, 1))
    assert order.amount_total == Decimal("602.66")
    amend(db_session, order, price_unit="90.00", discount="5")
    chair_line = order.lines[0]
    assert (chair_line.subtotal, chair_line.tax, chair_line.total) == (
        Decimal("171.00"),
        Decimal("22.23"),
        Decimal("193.23"),
    )
    assert order.amount_untaxed == sum(line.subtotal for line in order.lines)
    assert order.amount_total == sum(line.total for line in order.lines) == Decimal("569.89")
    assert order.amount_due == order.amount_total and order.state is OrderState.CONFIRMED
    notes = db_session.scalars(
        select(SalesOrderEvent.note).where(
            SalesOrderEvent.order_id == order.id,
            SalesOrderEvent.track == Track.PROCESSING,
            SalesOrderEvent.from_value == "confirmed",
            SalesOrderEvent.to_value == "confirmed",
        )
    ).all()
    assert notes == [
        render(msg.AMENDED_NOTE, before="CNY 602.66", after="CNY 569.89"),
    ]


def test_what_is_sold_to_whom_and_when_is_not_amended(db_session, customer, chair, desk):
    order = confirmed_order(db_session, customer, (chair, 2), (desk, 1))
    for data, field in (
        ({"lines": as_sent(order, quantity="3")}, "lines"),
        ({"lines": as_sent(order, product_id=desk.id)}, "lines"),
        ({"lines": as_sent(order, tax_rate="0.06")}, "lines"),
        ({"lines": as_sent(order)[:1]}, "lines"),  # a line removed
        ({"lines": [*as_sent(order), {"product_id": chair.id, "quantity": "1"}]}, "lines"),
        ({"lines": as_sent(order, price_unit="90.005")}, "lines"),
        ({"order_date": "2020-01-01"}, "order_date"),
        ({"channel_id": 999}, "channel_id"),
    ):
        assert field in refused(db_session, order, data), data
    assert order.amount_total == Decimal("602.66") and order.lines[0].quantity == Decimal(2)
    quantity = refused(db_session, order, {"lines": as_sent(order, quantity="3")})
    assert quantity["lines"] == [
        render(msg.ONLY_PRICES_AMENDED, name=order.name, state=services.state_label("confirmed"))
    ]


def test_an_amendment_never_goes_below_what_is_paid_and_moves_the_payment_track(
    db_session, customer, chair
):
    order = confirmed_order(db_session, customer, (chair, 1))  # 113.00
    services.register_payment(db_session, {"customer_id": customer.id, "amount": "56.50"})
    assert order.payment_status is PaymentStatus.PARTLY
    # 49.00 + 13 % = 55.37: less than the 56.50 paid.
    assert "lines" in refused(db_session, order, {"lines": as_sent(order, price_unit="49.00")})
    assert order.amount_total == Decimal("113.00")
    amend(db_session, order, price_unit="50.00")  # 50.00 + 6.50 = 56.50: all paid
    assert order.amount_total == order.amount_paid == Decimal("56.50")
    assert order.payment_status is PaymentStatus.PAID and order.amount_due == Decimal("0.00")


def test_credit_control_checks_an_increase(db_session, customer, chair):
    order = confirmed_order(db_session, customer, (chair, 1))  # 113.00 open
    set_credit(db_session, customer, "150.00")
    messages = refused(db_session, order, {"lines": as_sent(order, price_unit="140.00")})
    assert "150.00" in messages["lines"][0]
    assert order.amount_total == Decimal("113.00")
    amend(db_session, order, price_unit="130.00")  # 146.90: within the limit
    amend(db_session, order, price_unit="90.00")  # a decrease is never checked
    set_credit(db_session, customer, "100.00", CreditMode.WARN)
    amend(db_session, order, price_unit="120.00")  # over, but only noted
    assert order.amount_total == Decimal("135.60")
    last = db_session.scalars(
        select(SalesOrderEvent.note)
        .where(SalesOrderEvent.order_id == order.id)
        .order_by(SalesOrderEvent.id.desc())
    ).first()
    assert "100.00" in last


@pytest.mark.parametrize("state", ["hold", "done", "cancelled"])
def test_orders_not_confirmed_change_only_their_note_and_reference(
    db_session, customer, chair, state
):
    order = confirmed_order(db_session, customer, (chair, 1))
    if state == "done":
        services.deliver_all(db_session, order)
        services.register_payment(db_session, {"customer_id": customer.id, "amount": "113.00"})
    elif state == "cancelled":
        services.cancel_order(db_session, order, {"reason": "No longer needed"})
    else:
        services.cancel_order(db_session, order, {"reason": "Again"})
        services.reset_to_quotation(db_session, order)
        set_credit(db_session, customer, "10.00")
        services.confirm_order(db_session, order)
    assert order.state.value == state
    messages = refused(db_session, order, {"lines": as_sent(order, price_unit="90.00")})
    assert messages["lines"] == [
        render(msg.NOT_EDITABLE, name=order.name, state=services.state_label(state))
    ]
    services.update_order(
        db_session, order.id, {"note": "Keep the invoice", "client_reference": "PO-1"}
    )
    assert (order.note, order.client_reference) == ("Keep the invoice", "PO-1")

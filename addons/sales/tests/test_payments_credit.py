"""Customer payments against one or several orders (clause 5.1.2.2, payment collection)
and credit control on confirmation (clause 5.1.3.1, the customer's credit limit)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from addons.partners import services as partners
from addons.sales import services
from addons.sales.models import (
    CreditMode,
    OrderState,
    PaymentState,
    PaymentStatus,
    SalesOrderEvent,
    SalesPayment,
    SalesSettings,
)
from addons.sales.services import SalesError
from core.schemas import BusinessError
from core.security.access import AccessDenied, Principal

from .conftest import SALES, confirmed_order, order_for

pytestmark = pytest.mark.addons(*SALES)


def payments(session) -> int:
    return len(session.scalars(select(SalesPayment)).all())


def set_credit(session, customer, limit: str | None, mode: CreditMode = CreditMode.BLOCK):
    partners.update_partner(session, customer.id, {"credit_limit": limit})
    settings = session.scalar(
        select(SalesSettings).where(SalesSettings.company_id == customer.company_id)
    )
    services.update_settings(session, settings.id, {"credit_mode": mode.value})


# --------------------------------------------------------------------------- payments


@pytest.mark.spec("5.1.2.2")
def test_one_receipt_pays_two_orders(db_session, customer, chair, desk):
    first = confirmed_order(db_session, customer, (chair, 1))  # 113.00
    second = confirmed_order(db_session, customer, (desk, 1))  # 376.66
    payment = services.register_payment(
        db_session,
        {
            "customer_id": customer.id,
            "amount": "200.00",
            "method": "wechat_pay",
            "reference": "WX-8812",
            "allocations": [
                {"order_id": first.id, "amount": "113.00"},
                {"order_id": second.id, "amount": "87.00"},
            ],
        },
    )
    assert payment.name.startswith("PAY") and payment.state is PaymentState.POSTED
    assert payment.currency == "CNY" and payment.payment_date == services.today()
    assert [(a.order_id, a.amount) for a in payment.allocations] == [
        (first.id, Decimal("113.00")),
        (second.id, Decimal("87.00")),
    ]
    assert (first.amount_paid, first.payment_status) == (Decimal("113.00"), PaymentStatus.PAID)
    assert (second.amount_paid, second.payment_status) == (Decimal("87.00"), PaymentStatus.PARTLY)
    assert services.open_amount(db_session, customer.id, customer.company_id) == Decimal("289.66")
    note = db_session.scalars(
        select(SalesOrderEvent.note).where(SalesOrderEvent.order_id == second.id)
    ).all()[-1]
    assert note == f"Payment {payment.name}: CNY 87.00"


@pytest.mark.spec("5.1.2.2")
def test_without_allocations_the_oldest_orders_are_paid_first(db_session, customer, chair):
    older = confirmed_order(db_session, customer, (chair, 1))
    newer = confirmed_order(db_session, customer, (chair, 1))
    services.register_payment(db_session, {"customer_id": customer.id, "amount": "150.00"})
    assert (older.amount_paid, newer.amount_paid) == (Decimal("113.00"), Decimal("37.00"))


@pytest.mark.spec("5.1.2.2")
@pytest.mark.parametrize(
    ("allocated", "amount", "field"),
    [
        ("114.00", "114.00", "allocations"),  # more than the order's open amount
        ("50.00", "60.00", "amount"),  # allocations do not add up
        ("-5.00", "-5.00", "amount"),
    ],
)
def test_an_order_is_never_paid_beyond_what_is_open(
    db_session, customer, chair, allocated, amount, field
):
    order = confirmed_order(db_session, customer, (chair, 1))
    before = payments(db_session)
    with pytest.raises(BusinessError) as refused, db_session.begin_nested():
        services.register_payment(
            db_session,
            {
                "customer_id": customer.id,
                "amount": amount,
                "allocations": [{"order_id": order.id, "amount": allocated}],
            },
        )
    assert field in refused.value.messages
    db_session.refresh(order)
    assert order.amount_paid == 0 and payments(db_session) == before


@pytest.mark.spec("5.1.2.2")
def test_quotations_and_other_customers_orders_are_not_paid(db_session, customer, chair):
    quotation = order_for(db_session, customer, (chair, 1))
    other = partners.create_partner(db_session, {"name": "Globex", "is_customer": True})
    theirs = confirmed_order(db_session, other, (chair, 1))
    for order in (quotation, theirs):
        with pytest.raises(BusinessError) as refused:
            services.register_payment(
                db_session,
                {
                    "customer_id": customer.id,
                    "amount": "10.00",
                    "allocations": [{"order_id": order.id, "amount": "10.00"}],
                },
            )
        assert list(refused.value.messages["allocations"][0]) == ["order_id"]
    with pytest.raises(BusinessError):  # no open order to pay at all
        services.register_payment(db_session, {"customer_id": customer.id, "amount": "10.00"})


@pytest.mark.spec("5.1.2.2")
def test_cancelling_a_payment_reopens_the_orders(db_session, customer, chair):
    order = confirmed_order(db_session, customer, (chair, 1))
    services.deliver_all(db_session, order)
    payment = services.register_payment(
        db_session, {"customer_id": customer.id, "amount": "113.00"}
    )
    assert order.state is OrderState.DONE
    services.cancel_payment(db_session, payment, {"reason": "cheque bounced"})
    assert payment.state is PaymentState.CANCELLED
    assert (order.amount_paid, order.payment_status, order.state) == (
        Decimal(0),
        PaymentStatus.UNPAID,
        OrderState.CONFIRMED,
    )
    with pytest.raises(SalesError):
        services.cancel_payment(db_session, payment, {"reason": "twice"})


@pytest.mark.spec("5.1.2.2")
def test_a_posted_payment_changes_only_its_reference_and_note(db_session, customer, chair):
    order = confirmed_order(db_session, customer, (chair, 1))
    payment = services.register_payment(db_session, {"customer_id": customer.id, "amount": "13.00"})
    as_shown = {
        "customer_id": str(customer.id),
        "amount": "13.00",
        "method": "bank_transfer",
        "allocations": [{"id": payment.allocations[0].id, "order_id": order.id, "amount": "13.00"}],
    }
    services.update_payment(db_session, payment.id, {**as_shown, "reference": "BANK-77"})
    assert payment.reference == "BANK-77"
    with pytest.raises(BusinessError) as refused:
        services.update_payment(db_session, payment.id, {**as_shown, "amount": "20.00"})
    assert list(refused.value.messages) == ["amount"]


# --------------------------------------------------------------------------- credit


@pytest.mark.spec("5.1.3.1")
def test_an_order_over_the_credit_limit_goes_on_hold(db_session, customer, chair):
    set_credit(db_session, customer, "300.00")
    confirmed_order(db_session, customer, (chair, 2))  # 226.00 open
    order = order_for(db_session, customer, (chair, 1))  # 113.00 more: 339.00 > 300.00

    services.confirm_order(db_session, order)

    assert order.state is OrderState.HOLD
    event = db_session.scalars(
        select(SalesOrderEvent).where(SalesOrderEvent.order_id == order.id)
    ).all()[-1]
    assert event.to_value == "hold"
    assert event.note == (
        "Credit limit CNY 300.00 exceeded: CNY 226.00 open and CNY 113.00 for this order."
    )
    position = services.credit_position(db_session, customer.id, customer.company_id)
    assert (position.limit, position.used, position.available) == (
        Decimal("300.00"),
        Decimal("226.00"),
        Decimal("74.00"),
    )


@pytest.mark.spec("5.1.3.1")
def test_payments_free_credit(db_session, customer, chair):
    set_credit(db_session, customer, "300.00")
    confirmed_order(db_session, customer, (chair, 2))
    services.register_payment(db_session, {"customer_id": customer.id, "amount": "226.00"})
    order = confirmed_order(db_session, customer, (chair, 2))
    assert order.state is OrderState.CONFIRMED


@pytest.mark.spec("5.1.3.1")
def test_only_a_credit_approver_releases_a_hold_with_a_note(db_session, app, customer, chair):
    from flask import g

    from core.security.access import Access

    set_credit(db_session, customer, "0.00")
    order = order_for(db_session, customer, (chair, 1))
    services.confirm_order(db_session, order)
    assert order.state is OrderState.HOLD

    g.access = Access(Principal(user_id=None, permissions=frozenset({"sales.order.write"})))
    with pytest.raises(AccessDenied):
        services.release_credit_hold(db_session, order, {"note": "known customer"})
    g.access = Access(
        Principal(user_id=None, permissions=frozenset({"sales.order.approve_credit"}))
    )
    with pytest.raises(BusinessError) as refused:
        services.release_credit_hold(db_session, order, {"note": ""})
    assert list(refused.value.messages) == ["note"]
    services.release_credit_hold(db_session, order, {"note": "Director approved, PO signed"})
    del g.access

    assert order.state is OrderState.CONFIRMED
    event = db_session.scalars(
        select(SalesOrderEvent).where(SalesOrderEvent.order_id == order.id)
    ).all()[-1]
    assert (event.from_value, event.to_value) == ("hold", "confirmed")
    assert event.note == "Credit hold released: Director approved, PO signed"


@pytest.mark.spec("5.1.3.1")
def test_warn_confirms_with_a_note_and_off_does_not_check(db_session, customer, chair):
    set_credit(db_session, customer, "100.00", CreditMode.WARN)
    warned = confirmed_order(db_session, customer, (chair, 1))
    assert warned.state is OrderState.CONFIRMED
    note = db_session.scalars(
        select(SalesOrderEvent.note).where(SalesOrderEvent.order_id == warned.id)
    ).all()[-1]
    assert note.startswith("Confirmed over the credit limit CNY 100.00")

    set_credit(db_session, customer, "100.00", CreditMode.OFF)
    unchecked = confirmed_order(db_session, customer, (chair, 5))
    assert unchecked.state is OrderState.CONFIRMED


@pytest.mark.spec("5.1.3.1")
def test_a_customer_without_a_limit_is_not_checked(db_session, customer, chair):
    set_credit(db_session, customer, None)
    assert confirmed_order(db_session, customer, (chair, 1000)).state is OrderState.CONFIRMED

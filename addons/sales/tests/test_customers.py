"""The customer's transaction record (clause 5.1.3.1): what the orders of a customer add up
to, and how credit is coloured near and over the limit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from addons.partners import services as partners
from addons.sales import customers, services
from addons.sales.models import CustomerLevel, SalesCustomer, SalesOrder
from addons.sales.tests.conftest import SALES, confirmed_order, order_for
from core.schemas import BusinessError
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


# --------------------------------------------------------------------------- levels


def level(session, code: str) -> CustomerLevel:
    return session.scalar(select(CustomerLevel).where(CustomerLevel.code == code))


def levels_of_orders(session, customer) -> set:
    statement = select(SalesOrder.customer_level_id).where(SalesOrder.customer_id == customer.id)
    return set(session.scalars(statement))


@pytest.mark.spec("5.1.3.2")
def test_the_standard_levels_are_installed_and_shown_translated(db_session, chinese):
    found = db_session.scalars(select(CustomerLevel).order_by(CustomerLevel.sequence))
    names = [lv.display_name for lv in found]
    assert names == ["A类：重点客户", "B类：普通客户", "C类：偶尔购买的客户"]


@pytest.mark.spec("5.1.3.2")
def test_a_customers_orders_follow_its_level(db_session, customer, chair):
    old = confirmed_order(db_session, customer, (chair, 1))
    assert old.customer_level_id is None
    row = customers.classify_customer(
        db_session, {"customer_id": customer.id, "level_id": level(db_session, "B").id}
    )
    assert levels_of_orders(db_session, customer) == {level(db_session, "B").id}
    new = order_for(db_session, customer, (chair, 2))
    assert new.customer_level_id == level(db_session, "B").id
    customers.update_classification(db_session, row.id, {"level_id": level(db_session, "A").id})
    assert old.customer_level_id == new.customer_level_id == level(db_session, "A").id
    customers.delete_classification(db_session, row.id)
    assert levels_of_orders(db_session, customer) == {None}


@pytest.mark.spec("5.1.3.2")
def test_classification_refuses_bad_input_and_changes_nothing(db_session, customer, chair):
    supplier = partners.create_partner(db_session, {"name": "Paper Mill", "is_supplier": True})
    archived = customers.create_level(db_session, {"code": "D", "name": "Dormant"})
    archived.active = False
    db_session.flush()
    cases = [
        ({"customer_id": supplier.id, "level_id": level(db_session, "A").id}, "customer_id"),
        ({"customer_id": 999_999, "level_id": level(db_session, "A").id}, "customer_id"),
        ({"customer_id": customer.id, "level_id": archived.id}, "level_id"),
        ({"customer_id": customer.id, "level_id": "x"}, "level_id"),
        ({"customer_id": customer.id}, "level_id"),
    ]
    for data, field in cases:
        with pytest.raises(BusinessError) as refused:
            customers.classify_customer(db_session, data)
        assert field in refused.value.messages, (data, refused.value.messages)
    assert db_session.scalar(select(func.count()).select_from(SalesCustomer)) == 0
    row = customers.classify_customer(
        db_session, {"customer_id": customer.id, "level_id": level(db_session, "C").id}
    )
    with pytest.raises(BusinessError):
        customers.classify_customer(
            db_session, {"customer_id": customer.id, "level_id": level(db_session, "A").id}
        )
    with pytest.raises(BusinessError) as refused:
        customers.update_classification(db_session, row.id, {"customer_id": supplier.id})
    assert "customer_id" in refused.value.messages
    assert row.customer_id == customer.id and row.level_id == level(db_session, "C").id


@pytest.mark.spec("5.1.3.2")
def test_a_level_in_use_is_archived_not_deleted(db_session, customer):
    customers.classify_customer(
        db_session, {"customer_id": customer.id, "level_id": level(db_session, "A").id}
    )
    with pytest.raises(BusinessError):
        customers.delete_level(db_session, level(db_session, "A").id)
    spare = customers.create_level(db_session, {"code": "S", "name": "Spare"})
    with pytest.raises(BusinessError) as refused:
        customers.create_level(db_session, {"code": "S", "name": "Another"})
    assert "code" in refused.value.messages
    customers.delete_level(db_session, spare.id)
    assert level(db_session, "S") is None

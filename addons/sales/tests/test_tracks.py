"""Status tracking (clause 5.1.2.2): every order on three tracks, processing, delivery and
payment, with a timeline of each step (track, from, to, who, when, note); deliveries
reported the way inventory will report them (clause 5.1.2.3)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from addons.sales import services
from addons.sales.models import (
    DeliveryStatus,
    OrderState,
    PaymentStatus,
    SalesOrderEvent,
)
from addons.sales.services import SalesError
from core.plugins import hookimpl
from core.schemas import BusinessError
from core.security.users import User

from .conftest import SALES, confirmed_order, order_for

pytestmark = [pytest.mark.addons(*SALES), pytest.mark.spec("5.1.2.2")]


def timeline(session, order) -> list[tuple[str, str | None, str]]:
    events = session.scalars(
        select(SalesOrderEvent)
        .where(SalesOrderEvent.order_id == order.id)
        .order_by(SalesOrderEvent.id)
    )
    return [(e.track.value, e.from_value, e.to_value) for e in events]


def pay(session, customer, order, amount: str):
    return services.register_payment(
        session,
        {
            "customer_id": customer.id,
            "amount": amount,
            "allocations": [{"order_id": order.id, "amount": amount}],
        },
    )


def test_an_order_walks_all_three_tracks_to_done(db_session, customer, chair, desk):
    order = order_for(db_session, customer, (chair, 2), (desk, 1))
    services.mark_sent(db_session, order)
    services.confirm_order(db_session, order)
    first, second = order.lines

    services.record_delivery(db_session, order.id, {first.id: Decimal(1)}, "Truck 1")
    assert order.delivery_status is DeliveryStatus.PARTLY
    services.record_delivery(db_session, order.id, {first.id: Decimal(1), second.id: Decimal(1)})
    assert order.delivery_status is DeliveryStatus.DELIVERED
    assert order.state is OrderState.CONFIRMED  # not paid yet

    pay(db_session, customer, order, "100.00")
    assert order.payment_status is PaymentStatus.PARTLY
    pay(db_session, customer, order, str(order.amount_total - Decimal("100.00")))
    assert order.payment_status is PaymentStatus.PAID
    assert order.state is OrderState.DONE

    assert timeline(db_session, order) == [
        ("processing", None, "draft"),
        ("processing", "draft", "sent"),
        ("processing", "sent", "confirmed"),
        ("delivery", "undelivered", "partly_delivered"),
        ("delivery", "partly_delivered", "delivered"),
        ("payment", "unpaid", "partly_paid"),
        ("payment", "partly_paid", "paid"),
        ("processing", "confirmed", "done"),
    ]


def test_each_step_says_who_when_and_why(db_session, customer, chair):
    admin = db_session.scalar(select(User).where(User.login == "admin"))
    from flask import g

    g.uid = admin.id
    order = order_for(db_session, customer, (chair, 1))
    services.cancel_order(db_session, order, {"reason": "Customer changed their mind"})
    event = db_session.scalars(
        select(SalesOrderEvent).where(SalesOrderEvent.order_id == order.id)
    ).all()[-1]
    assert (event.from_value, event.to_value) == ("draft", "cancelled")
    assert event.note == "Customer changed their mind"
    assert event.created_by_id == admin.id and event.user.login == "admin"
    assert event.created_at is not None
    assert order.cancel_reason == "Customer changed their mind"


def test_a_cancellation_needs_a_reason(db_session, customer, chair):
    order = order_for(db_session, customer, (chair, 1))
    for data in ({}, {"reason": "   "}, {"reason": "x" * 1001}):
        with pytest.raises(BusinessError) as refused:
            services.cancel_order(db_session, order, data)
        assert list(refused.value.messages) == ["reason"]
    assert order.state is OrderState.DRAFT


def test_delivered_or_paid_orders_are_not_cancelled(db_session, customer, chair):
    delivered = confirmed_order(db_session, customer, (chair, 2))
    services.record_delivery(db_session, delivered.id, {delivered.lines[0].id: Decimal(1)})
    paid = confirmed_order(db_session, customer, (chair, 2))
    pay(db_session, customer, paid, "10.00")
    for order in (delivered, paid):
        with pytest.raises(SalesError):
            services.cancel_order(db_session, order, {"reason": "late"})
        assert order.state is OrderState.CONFIRMED


def test_a_cancelled_order_becomes_a_quotation_again(db_session, customer, chair):
    order = order_for(db_session, customer, (chair, 1))
    services.cancel_order(db_session, order, {"reason": "wrong customer"})
    services.reset_to_quotation(db_session, order)
    assert order.state is OrderState.DRAFT and order.cancel_reason is None
    with pytest.raises(SalesError):
        services.reset_to_quotation(db_session, order)


def test_an_order_is_confirmed_once(db_session, customer, chair):
    order = order_for(db_session, customer, (chair, 1))
    services.confirm_order(db_session, order)
    with pytest.raises(SalesError) as refused:
        services.confirm_order(db_session, order)
    assert "cannot be confirmed" in str(refused.value)
    assert [step for step in timeline(db_session, order) if step[2] == "confirmed"] == [
        ("processing", "draft", "confirmed")
    ]


def test_an_order_without_lines_is_not_confirmed(db_session, customer):
    order = services.create_order(db_session, {"customer_id": customer.id})
    with pytest.raises(SalesError) as refused:
        services.confirm_order(db_session, order)
    assert list(refused.value.messages) == ["lines"]
    assert order.state is OrderState.DRAFT


def test_service_lines_are_delivered_when_confirmed(db_session, customer, chair, setup_service):
    order = confirmed_order(db_session, customer, (chair, 1), (setup_service, 3))
    assert [line.qty_delivered for line in order.lines] == [Decimal(0), Decimal(3)]
    assert order.delivery_status is DeliveryStatus.PARTLY


def test_mark_delivered_by_hand_delivers_what_is_left(db_session, customer, chair, desk):
    order = confirmed_order(db_session, customer, (chair, 2), (desk, 1))
    services.record_delivery(db_session, order.id, {order.lines[0].id: Decimal(1)})
    services.deliver_all(db_session, order)
    assert [line.qty_delivered for line in order.lines] == [Decimal(2), Decimal(1)]
    assert order.delivery_status is DeliveryStatus.DELIVERED


@pytest.mark.spec("5.1.2.3")
def test_deliveries_never_pass_what_was_ordered(db_session, customer, chair):
    order = confirmed_order(db_session, customer, (chair, 2))
    line = order.lines[0]
    with pytest.raises(BusinessError) as refused:
        services.record_delivery(db_session, order.id, {line.id: Decimal(3)})
    assert refused.value.messages == {
        "delivered": {line.id: ["At most 2.0000 more can be delivered on this line."]}
    }
    with pytest.raises(BusinessError):
        services.record_delivery(db_session, order.id, {line.id: Decimal(-1)})
    with pytest.raises(BusinessError):
        services.record_delivery(db_session, order.id, {line.id: 0.1})  # a float is refused
    services.record_delivery(db_session, order.id, {line.id: Decimal(2)})
    services.record_delivery(db_session, order.id, {line.id: Decimal(-1)}, "returned one")
    assert (line.qty_delivered, order.delivery_status) == (Decimal(1), DeliveryStatus.PARTLY)


@pytest.mark.spec("5.1.2.3")
def test_quotations_are_not_delivered(db_session, customer, chair):
    order = order_for(db_session, customer, (chair, 2))
    with pytest.raises(SalesError):
        services.record_delivery(db_session, order.id, {order.lines[0].id: Decimal(1)})


@pytest.mark.spec("5.1.2.3")
def test_inventory_reports_deliveries_through_the_sales_hook(db_session, registry, customer, chair):
    order = confirmed_order(db_session, customer, (chair, 5))
    answer = registry.hook.sales_record_delivery(
        order_id=order.id,
        delivered={order.lines[0].id: Decimal(5)},
        note="DO/0001",
        session=db_session,
    )
    assert answer.id == order.id and answer.state == "confirmed"
    assert order.delivery_status is DeliveryStatus.DELIVERED
    assert timeline(db_session, order)[-1] == ("delivery", "undelivered", "delivered")


@pytest.mark.spec("5.1.2.3")
def test_confirming_and_cancelling_are_announced_with_the_lines(
    db_session, listener, customer, chair, desk
):
    order = confirmed_order(db_session, customer, (chair, 2), (desk, 1))
    ((announced, lines),) = listener.confirmed
    assert (announced.id, announced.name, announced.state) == (order.id, order.name, "confirmed")
    assert announced.amount_total == order.amount_total
    assert [(line.product_id, line.quantity, line.uom_id) for line in lines] == [
        (chair.id, Decimal(2), chair.uom_id),
        (desk.id, Decimal(1), desk.uom_id),
    ]
    services.cancel_order(db_session, order, {"reason": "out of budget"})
    ((cancelled, lines, was_confirmed),) = listener.cancelled
    assert (cancelled.id, cancelled.state, was_confirmed, len(lines)) == (
        order.id,
        "cancelled",
        True,
        2,
    )


@pytest.mark.spec("5.1.2.3")
def test_a_refusal_in_another_addon_refuses_the_confirmation(db_session, registry, customer, chair):
    class OutOfStock:
        @hookimpl
        def sales_order_confirmed(self, order, lines, session):
            raise BusinessError.on(None, "not enough stock")

    order = order_for(db_session, customer, (chair, 2))
    plugin = OutOfStock()
    registry.pm.register(plugin)
    try:
        with pytest.raises(BusinessError, match="not enough stock"), db_session.begin_nested():
            services.confirm_order(db_session, order)
    finally:
        registry.pm.unregister(plugin)
    db_session.refresh(order)
    assert order.state is OrderState.DRAFT


@pytest.mark.spec("5.1.2.3")
def test_inventory_can_take_over_manual_deliveries(db_session, registry, customer, chair):
    class Inventory:
        @hookimpl
        def sales_manual_delivery_allowed(self, session):
            return False

    order = confirmed_order(db_session, customer, (chair, 1))
    assert services.manual_delivery_allowed(db_session)
    plugin = Inventory()
    registry.pm.register(plugin)
    try:
        assert not services.manual_delivery_allowed(db_session)
        with pytest.raises(SalesError):
            services.deliver_all(db_session, order)
    finally:
        registry.pm.unregister(plugin)


def test_kanban_moves_run_the_actions_and_nothing_else(db_session, customer, chair):
    order = order_for(db_session, customer, (chair, 1))
    services.move_order(db_session, order.id, "sent")
    services.move_order(db_session, order.id, "confirmed")
    assert order.state is OrderState.CONFIRMED
    for stage in ("done", "hold", "cancelled", "nonsense"):
        with pytest.raises(SalesError) as refused:
            services.move_order(db_session, order.id, stage)
        assert list(refused.value.messages) == ["state"]
    assert order.state is OrderState.CONFIRMED


def test_an_order_of_services_can_still_be_cancelled(db_session, customer, setup_service):
    order = confirmed_order(db_session, customer, (setup_service, 2))
    assert order.delivery_status is DeliveryStatus.DELIVERED
    services.cancel_order(db_session, order, {"reason": "installer unavailable"})
    assert order.state is OrderState.CANCELLED

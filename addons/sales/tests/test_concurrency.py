"""Users acting at once, on real commits (SQLite and PostgreSQL): an order is confirmed once,
never paid beyond its total, and a credit limit holds across two orders confirmed together.

Each thread is one user's click: its own app context and transaction (``Database.atomic``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from addons.partners import services as partners
from addons.products import services as products
from addons.sales import services
from addons.sales.models import OrderState, SalesOrder, SalesOrderEvent, SalesPayment
from core.schemas import BusinessError

from .conftest import SALES

pytestmark = pytest.mark.addons(*SALES)
CLICKS = 6


@pytest.fixture
def sales_app(make_app):
    return make_app(SALES)


def atomic(app, action: Callable):
    with app.app_context():
        return app.extensions["tessera.db"].atomic(action)


def prepare(app, credit_limit: str | None = None, orders: int = 1) -> tuple[int, list[int]]:
    """A customer and ``orders`` quotations of one chair (113.00 each), committed."""

    def make(session):
        customer = partners.create_partner(
            session, {"name": "Acme", "is_customer": True, "credit_limit": credit_limit}
        )
        chair = products.create_product(
            session, {"name": "Chair", "sale_price": "100.00", "tax_rate": "0.13"}
        )
        made = [
            services.create_order(
                session,
                {"customer_id": customer.id, "lines": [{"product_id": chair.id, "quantity": "1"}]},
            )
            for _ in range(orders)
        ]
        return customer.id, [order.id for order in made]

    return atomic(app, make)


def race(app, actions: list[Callable]) -> tuple[int, int]:
    """Run each action in its own thread and transaction, all released together;
    returns how many succeeded and how many were refused."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []
    lock = threading.Lock()

    def click(action):
        barrier.wait()
        try:
            atomic(app, action)
            result = "ok"
        except BusinessError:
            result = "refused"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=click, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes.count("ok"), outcomes.count("refused")


@pytest.mark.spec("5.1.2.1")
def test_users_confirming_one_order_at_once_confirm_it_once(sales_app):
    _, (order_id,) = prepare(sales_app)

    def confirm(session):
        services.confirm_order(session, session.get(SalesOrder, order_id))

    assert race(sales_app, [confirm] * CLICKS) == (1, CLICKS - 1)

    def check(session):
        order = session.get(SalesOrder, order_id)
        confirmations = session.scalar(
            select(func.count())
            .select_from(SalesOrderEvent)
            .where(SalesOrderEvent.order_id == order_id, SalesOrderEvent.to_value == "confirmed")
        )
        return order.state, confirmations

    assert atomic(sales_app, check) == (OrderState.CONFIRMED, 1)


@pytest.mark.spec("5.1.2.2")
def test_payments_at_once_never_pay_an_order_twice(sales_app):
    customer_id, (order_id,) = prepare(sales_app)
    atomic(sales_app, lambda s: services.confirm_order(s, s.get(SalesOrder, order_id)))

    def pay(session):
        services.register_payment(
            session,
            {
                "customer_id": customer_id,
                "amount": "113.00",
                "allocations": [{"order_id": order_id, "amount": "113.00"}],
            },
        )

    assert race(sales_app, [pay] * CLICKS) == (1, CLICKS - 1)

    def check(session):
        order = session.get(SalesOrder, order_id)
        return order.amount_paid, session.scalar(select(func.count()).select_from(SalesPayment))

    assert atomic(sales_app, check) == (Decimal("113.00"), 1)


@pytest.mark.spec("5.1.3.1")
def test_a_credit_limit_holds_when_two_orders_are_confirmed_at_once(sales_app):
    _, order_ids = prepare(sales_app, credit_limit="150.00", orders=2)

    def confirmer(order_id):
        return lambda session: services.confirm_order(session, session.get(SalesOrder, order_id))

    assert race(sales_app, [confirmer(order_id) for order_id in order_ids]) == (2, 0)

    def states(session):
        return sorted(session.get(SalesOrder, order_id).state.value for order_id in order_ids)

    assert atomic(sales_app, states) == ["confirmed", "hold"]


@pytest.mark.spec("5.1.2.1")
def test_an_edit_racing_a_confirmation_never_changes_the_confirmed_order(sales_app):
    _, (order_id,) = prepare(sales_app)

    def confirm(session):
        services.confirm_order(session, session.get(SalesOrder, order_id))

    def edit(session):
        order = session.get(SalesOrder, order_id)
        line = order.lines[0]
        services.update_order(
            session,
            order_id,
            {"lines": [{"id": line.id, "product_id": line.product_id, "quantity": "5"}]},
        )

    for _ in range(4):  # whichever comes first, the outcome is consistent
        ok, refused = race(sales_app, [confirm, edit])

        def check(session):
            order = session.get(SalesOrder, order_id)
            confirmed_event = session.scalar(
                select(SalesOrderEvent.id).where(
                    SalesOrderEvent.order_id == order_id, SalesOrderEvent.to_value == "confirmed"
                )
            )
            quantity = order.lines[0].quantity
            return order.state, quantity, order.amount_total, confirmed_event is not None

        state, quantity, total, confirmed = atomic(sales_app, check)
        assert state is OrderState.CONFIRMED and confirmed
        assert total == quantity * Decimal("113.00")
        assert (ok, refused) in ((2, 0), (1, 1))
        if refused:
            assert quantity == Decimal(1)  # the edit came second and was refused

        def reopen(session):
            order = session.get(SalesOrder, order_id)
            services.cancel_order(session, order, {"reason": "again"})
            services.reset_to_quotation(session, order)
            line = order.lines[0]
            services.update_order(
                session,
                order_id,
                {"lines": [{"id": line.id, "product_id": line.product_id, "quantity": "1"}]},
            )

        atomic(sales_app, reopen)

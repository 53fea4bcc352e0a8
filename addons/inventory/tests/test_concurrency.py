"""Many clients at once, on real commits (SQLite and PostgreSQL): reservations never exceed
what is on hand, and free stock is never taken twice (clauses 5.2.1.1 and 5.2.1.3).

Each thread is one client's click: its own app context, session and transaction
(``Database.atomic``), all released together by a barrier. A read-check-write in Python
oversells here (../shared/NOTES.md); the ledger's conditional UPDATEs must not.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from addons.inventory import ledger, services
from addons.inventory.models import Delivery, Move, Quant, Receipt, StockState
from addons.products import services as products
from core.schemas import BusinessError

from .conftest import INVENTORY

pytestmark = pytest.mark.addons(*INVENTORY)
CLIENTS = 12


@pytest.fixture
def stock_app(make_app):
    return make_app(INVENTORY)


def atomic(app, action: Callable):
    with app.app_context():
        return app.extensions["tessera.db"].atomic(action)


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


def prepare(app, on_hand: int, deliveries: int, confirm: bool) -> tuple[int, list[int]]:
    """A product with ``on_hand`` units in stock and ``deliveries`` of one unit each."""

    def make(session):
        chair = products.create_product(session, {"name": "Chair"})
        if on_hand:
            receipt = services.create_receipt(
                session, {"moves": [{"product_id": chair.id, "quantity": str(on_hand)}]}
            )
            services.confirm_picking(session, receipt)
            services.validate_picking(session, receipt)
        made = []
        for _ in range(deliveries):
            delivery = services.create_delivery(
                session, {"moves": [{"product_id": chair.id, "quantity": "1"}]}
            )
            if confirm:
                services.confirm_picking(session, delivery)
            made.append(delivery.id)
        return chair.id, made

    return atomic(app, make)


def stock_of(app, product_id: int) -> tuple[Decimal, Decimal]:
    def read(session):
        return session.execute(
            select(func.sum(Quant.on_hand), func.sum(Quant.reserved)).where(
                Quant.product_id == product_id
            )
        ).one()

    return tuple(atomic(app, read))


def ledger_problems(app) -> list[str]:
    return atomic(app, lambda session: [p.text() for p in ledger.check(session)[0]])


@pytest.mark.spec("5.2.1.1", "5.2.1.3")
def test_clients_reserving_the_last_unit_at_once_get_exactly_one_reservation(stock_app):
    product_id, delivery_ids = prepare(stock_app, on_hand=1, deliveries=CLIENTS, confirm=False)

    def confirmer(delivery_id):
        def confirm(session):
            services.confirm_picking(session, session.get(Delivery, delivery_id))

        return confirm

    assert race(stock_app, [confirmer(i) for i in delivery_ids]) == (CLIENTS, 0)

    def states(session):
        rows = session.execute(
            select(Move.state, Move.reserved_qty).where(Move.product_id == product_id)
        ).all()
        return sorted(
            (state.value, reserved) for state, reserved in rows if state is not StockState.DONE
        )

    expected = [("ready", Decimal("1.0000"))] + [("waiting", Decimal("0.0000"))] * (CLIENTS - 1)
    assert atomic(stock_app, states) == expected
    assert stock_of(stock_app, product_id) == (Decimal("1.0000"), Decimal("1.0000"))
    assert ledger_problems(stock_app) == []


@pytest.mark.spec("5.2.1.1")
def test_clients_shipping_the_last_free_unit_at_once_ship_it_once(stock_app):
    product_id, delivery_ids = prepare(stock_app, on_hand=0, deliveries=CLIENTS, confirm=True)

    def arrive(session):
        receipt = services.create_receipt(
            session, {"moves": [{"product_id": product_id, "quantity": "1"}]}
        )
        services.confirm_picking(session, receipt)
        services.validate_picking(session, receipt)
        # The unit went to the first waiting delivery; free it for the race.
        for delivery_id in delivery_ids:
            services.unreserve_picking(session, session.get(Delivery, delivery_id))

    atomic(stock_app, arrive)
    assert stock_of(stock_app, product_id) == (Decimal("1.0000"), Decimal("0.0000"))

    def validator(delivery_id):
        def validate(session):
            services.validate_picking(session, session.get(Delivery, delivery_id))

        return validate

    assert race(stock_app, [validator(i) for i in delivery_ids]) == (1, CLIENTS - 1)
    assert stock_of(stock_app, product_id) == (Decimal("0.0000"), Decimal("0.0000"))
    assert ledger_problems(stock_app) == []


@pytest.mark.spec("5.2.1.1")
def test_an_operation_validated_or_a_move_reversed_by_many_at_once_counts_once(stock_app):
    product_id, _ = prepare(stock_app, on_hand=0, deliveries=0, confirm=False)

    def confirmed_receipt(session):
        receipt = services.create_receipt(
            session, {"moves": [{"product_id": product_id, "quantity": "5"}]}
        )
        services.confirm_picking(session, receipt)
        return receipt.id

    receipt_id = atomic(stock_app, confirmed_receipt)

    def validate(session):
        services.validate_picking(session, session.get(Receipt, receipt_id))

    assert race(stock_app, [validate] * CLIENTS) == (1, CLIENTS - 1)
    assert stock_of(stock_app, product_id) == (Decimal("5.0000"), Decimal("0.0000"))
    move_id = atomic(
        stock_app,
        lambda session: session.scalar(select(Move.id).where(Move.picking_id == receipt_id)),
    )

    def reverse(session):
        services.reverse_move(session, session.get(Move, move_id))

    assert race(stock_app, [reverse] * CLIENTS) == (1, CLIENTS - 1)
    assert stock_of(stock_app, product_id) == (Decimal("0.0000"), Decimal("0.0000"))
    assert ledger_problems(stock_app) == []


def test_an_operation_is_claimed_unless_this_very_transaction_made_it(app, site):
    """An operation made in the running transaction is invisible to every other one, so
    its actions skip the claim; once committed, the next transaction claims it again."""
    from sqlalchemy import event

    from core import db

    claims: list[str] = []

    def note(conn, cursor, statement, *args) -> None:
        if "version=(inventory_picking.version +" in statement:
            claims.append(statement)

    with app.app_context():
        session = db.session()
        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", note)
        try:
            lines = [{"product_id": site["chair"], "quantity": "2"}]
            made = services.create_receipt(session, {"moves": lines})
            services.confirm_picking(session, made)
            assert claims == []
            kept = services.create_receipt(session, {"moves": lines})
            session.commit()
            services.confirm_picking(session, kept)
            assert len(claims) == 1
            services.validate_picking(session, kept)
            assert len(claims) == 2 and kept.state is StockState.DONE
            session.commit()
        finally:
            event.remove(engine, "before_cursor_execute", note)

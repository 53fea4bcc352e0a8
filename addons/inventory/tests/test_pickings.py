"""Receipts, deliveries and internal transfers (clause 5.2.1.1, stock transfers): a document
with lines and states, confirmed deliveries reserve stock, a partial validation leaves a
backorder holding the rest and its reservation, cancelling releases stock, and arriving
stock serves waiting deliveries by priority and date.
"""

from __future__ import annotations

import pytest

from addons.inventory import ledger, services
from addons.inventory.models import Delivery, Move, Picking, Priority, StockState, Transfer
from addons.products import services as products

from .conftest import INVENTORY, deliver, lines, q, quant_of, receive, refused, uom

pytestmark = pytest.mark.addons(*INVENTORY)


def balanced(session) -> None:
    assert [p.text() for p in ledger.check(session)[0]] == []


# --------------------------------------------------------------------------- documents


@pytest.mark.spec("5.2.1.1")
def test_a_delivery_is_numbered_and_goes_from_stock_to_the_customers(db_session, chair, stock):
    delivery = services.create_delivery(db_session, {"moves": lines((chair, 2))})
    assert isinstance(delivery, Delivery) and delivery.name.startswith("OUT")
    assert delivery.state is StockState.DRAFT
    assert delivery.from_location_id == stock.id
    assert delivery.to_location.display_name == "Customers"
    (move,) = delivery.moves
    assert (move.reference, move.product_qty, move.state) == (delivery.name, q(2), StockState.DRAFT)
    assert db_session.get(Picking, delivery.id) is delivery  # one table, three kinds


@pytest.mark.spec("5.2.1.1")
def test_every_problem_of_an_operation_is_reported_at_once(db_session, chair, stock):
    with refused(db_session) as raised:
        services.create_receipt(
            db_session,
            {
                "from_location_id": stock.id,  # a receipt comes from outside the warehouse
                "moves": [
                    {"product_id": chair.id, "quantity": "0"},
                    {"product_id": 999_999, "quantity": "1"},
                ],
            },
        )
    messages = raised.value.messages
    assert set(messages) == {"from_location_id", "moves"}
    assert set(messages["moves"]) == {0, 1}


@pytest.mark.spec("5.2.1.1")
def test_a_draft_changes_freely_and_a_confirmed_one_only_its_quantities_done(
    db_session, chair, desk
):
    receive(db_session, (chair, 5))
    delivery = deliver(db_session, (chair, 2), confirm=False)
    services.update_picking(
        db_session, delivery.id, {"moves": lines((chair, 3), (desk, 1)), "priority": "urgent"}
    )
    assert [m.product_qty for m in delivery.moves] == [q(3), q(1)]
    assert delivery.priority is Priority.URGENT
    services.confirm_picking(db_session, delivery)
    first, second = delivery.moves
    rows = [{"id": first.id, "quantity_done": "2"}, {"id": second.id}]
    services.update_picking(db_session, delivery.id, {"moves": rows})
    assert first.quantity_done == q(2)
    with refused(db_session, "only the quantities done"):
        services.update_picking(
            db_session,
            delivery.id,
            {"moves": [{"id": first.id, "quantity": "9"}, {"id": second.id}]},
        )
    with refused(db_session, "cannot exceed the demand"):
        services.update_picking(
            db_session,
            delivery.id,
            {"moves": [{"id": first.id, "quantity_done": "4"}, {"id": second.id}]},
        )
    with refused(db_session):
        services.delete_picking(db_session, delivery.id)


# --------------------------------------------------------------------------- reservations


@pytest.mark.spec("5.2.1.1", "5.2.1.3")
def test_confirming_a_delivery_reserves_what_is_available(db_session, chair, stock):
    receive(db_session, (chair, 5))
    first = deliver(db_session, (chair, 3))
    second = deliver(db_session, (chair, 3))
    assert (first.state, first.moves[0].reserved_qty) == (StockState.READY, q(3))
    assert (second.state, second.moves[0].reserved_qty) == (StockState.WAITING, q(2))
    assert quant_of(db_session, chair, stock) == (q(5), q(5), q(0))
    services.cancel_picking(db_session, first, {"reason": "Customer changed their mind"})
    assert first.state is StockState.CANCELLED and first.cancel_reason
    assert quant_of(db_session, chair, stock) == (q(5), q(2), q(3))
    services.check_availability(db_session, second)
    assert (second.state, second.moves[0].reserved_qty) == (StockState.READY, q(3))
    services.unreserve_picking(db_session, second)
    assert quant_of(db_session, chair, stock) == (q(5), q(0), q(5))
    balanced(db_session)


@pytest.mark.spec("5.2.1.1")
def test_a_partial_delivery_leaves_a_backorder_with_the_rest_reserved(
    db_session, chair, desk, stock, listener
):
    receive(db_session, (chair, 10), (desk, 1))
    delivery = deliver(db_session, (chair, 6), (desk, 2))
    assert delivery.state is StockState.WAITING  # one desk is missing
    chairs, desks = delivery.moves
    services.update_picking(
        db_session,
        delivery.id,
        {
            "moves": [
                {"id": chairs.id, "quantity_done": "4"},
                {"id": desks.id, "quantity_done": "0"},
            ]
        },
    )
    services.validate_picking(db_session, delivery)
    assert delivery.state is StockState.DONE
    assert [(m.product_id, m.product_qty, m.state) for m in delivery.moves] == [
        (chair.id, q(4), StockState.DONE)
    ]
    backorder = db_session.query(Delivery).filter_by(backorder_of_id=delivery.id).one()
    assert backorder.state is StockState.WAITING
    assert backorder.origin_name == delivery.origin_name
    rest = {m.product_id: (m.product_qty, m.reserved_qty) for m in backorder.moves}
    assert rest == {chair.id: (q(2), q(2)), desk.id: (q(2), q(1))}
    assert quant_of(db_session, chair, stock) == (q(6), q(2), q(4))
    assert [(d.name, [line.quantity for line in lines]) for d, lines in listener.deliveries] == [
        (delivery.name, [q(4)])
    ]
    receive(db_session, (desk, 1))  # the missing desk arrives and goes to the backorder
    assert backorder.state is StockState.READY
    services.validate_picking(db_session, backorder)
    assert quant_of(db_session, chair, stock) == (q(4), q(0), q(4))
    assert quant_of(db_session, desk, stock) == (q(0), q(0), q(0))
    balanced(db_session)


@pytest.mark.spec("5.2.1.1")
def test_partial_quantities_in_another_unit_split_exactly(db_session, stock):
    egg = products.create_product(db_session, {"name": "Egg"})
    dozen = uom(db_session, "dozen")
    receive(db_session, (egg, 24))
    delivery = deliver(db_session, (egg, 2, {"uom_id": dozen.id}))
    (move,) = delivery.moves
    assert (move.quantity, move.product_qty, move.reserved_qty) == (q(2), q(24), q(24))
    services.update_picking(
        db_session, delivery.id, {"moves": [{"id": move.id, "quantity_done": "0.5"}]}
    )
    services.validate_picking(db_session, delivery)
    assert (move.quantity, move.product_qty) == (q("0.5"), q(6))
    backorder = db_session.query(Delivery).filter_by(backorder_of_id=delivery.id).one()
    (rest,) = backorder.moves
    assert (rest.quantity, rest.product_qty, rest.reserved_qty) == (q("1.5"), q(18), q(18))
    assert quant_of(db_session, egg, stock) == (q(18), q(18), q(0))


@pytest.mark.spec("5.2.1.1", "5.2.1.3")
def test_arriving_stock_serves_urgent_deliveries_first_then_the_earliest(db_session, chair):
    later = deliver(db_session, (chair, 2), scheduled_date="2026-12-20")
    earlier = deliver(db_session, (chair, 2), scheduled_date="2026-12-10")
    urgent = deliver(db_session, (chair, 2), scheduled_date="2026-12-30", priority="urgent")
    assert {p.state for p in (later, earlier, urgent)} == {StockState.WAITING}
    receive(db_session, (chair, 3))
    reserved = [p.moves[0].reserved_qty for p in (urgent, earlier, later)]
    assert reserved == [q(2), q(1), q(0)]
    assert [p.state for p in (urgent, earlier, later)] == [
        StockState.READY,
        StockState.WAITING,
        StockState.WAITING,
    ]
    balanced(db_session)


@pytest.mark.spec("5.2.1.1")
def test_an_internal_transfer_moves_stock_between_warehouses(db_session, chair, stock):
    receive(db_session, (chair, 5))
    other = services.create_warehouse(db_session, {"code": "GZ", "name": "Guangzhou"})
    there = services.warehouse_location(db_session, other, "stock")
    transfer = services.create_transfer(
        db_session, {"moves": lines((chair, 2)), "to_location_id": there.id}
    )
    assert isinstance(transfer, Transfer) and transfer.name.startswith("INT")
    services.confirm_picking(db_session, transfer)
    assert transfer.state is StockState.READY
    services.validate_picking(db_session, transfer)
    assert quant_of(db_session, chair, stock) == (q(3), q(0), q(3))
    assert quant_of(db_session, chair, there) == (q(2), q(0), q(2))
    balanced(db_session)


@pytest.mark.spec("5.2.1.1")
def test_an_operation_is_validated_once(db_session, chair):
    receipt = receive(db_session, (chair, 1))
    with refused(db_session, "only a confirmed operation"):
        services.validate_picking(db_session, receipt)
    with refused(db_session, "can no longer be cancelled"):
        services.cancel_picking(db_session, receipt, {"reason": "late"})
    assert db_session.query(Move).filter_by(picking_id=receipt.id).count() == 1


@pytest.mark.spec("5.2.1.1")
def test_a_kanban_move_runs_the_matching_action(db_session, chair):
    receipt = receive(db_session, (chair, 1), validate=False)
    services.update_picking(db_session, receipt.id, {"state": "done"})
    assert receipt.state is StockState.DONE
    delivery = deliver(db_session, (chair, 1), confirm=False)
    services.update_picking(db_session, delivery.id, {"state": "ready"})
    assert delivery.state is StockState.READY
    with refused(db_session, "Use the buttons"):
        services.update_picking(db_session, delivery.id, {"state": "draft"})


@pytest.mark.spec("5.2.1.1", "5.2.1.3")
def test_goods_transferred_to_another_warehouse_serve_its_waiting_deliveries(
    db_session, chair, stock
):
    receive(db_session, (chair, 5))
    other = services.create_warehouse(db_session, {"code": "GZ", "name": "Guangzhou"})
    there = services.warehouse_location(db_session, other, "stock")
    waiting = deliver(db_session, (chair, 2), warehouse_id=other.id)
    assert waiting.state is StockState.WAITING
    transfer = services.create_transfer(
        db_session, {"moves": lines((chair, 3)), "to_location_id": there.id}
    )
    services.confirm_picking(db_session, transfer)
    services.validate_picking(db_session, transfer)
    assert (waiting.state, waiting.moves[0].reserved_qty) == (StockState.READY, q(2))
    assert quant_of(db_session, chair, there) == (q(3), q(2), q(1))

"""Stock information (clause 5.2.1.1): on hand, reserved, available, incoming and outgoing
per product, warehouse and location, stock as of a past date from the moves, stock value,
and the `tessera inventory check` command that proves the ledger balances.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update

from addons.inventory import queries, services
from addons.inventory.cli import inventory_group
from addons.inventory.models import Quant
from core.db import utcnow

from .conftest import INVENTORY, deliver, q, receive

pytestmark = pytest.mark.addons(*INVENTORY)


@pytest.mark.spec("5.2.1.1")
def test_levels_per_product_warehouse_and_location(db_session, chair, desk, warehouse, stock):
    shelf = services.create_location(db_session, {"name": "B-01", "parent_id": stock.id})
    receive(db_session, (chair, 6), to_location_id=shelf.id)
    receive(db_session, (chair, 4), (desk, 1))
    deliver(db_session, (chair, 7))  # reserves 7 of 10
    receive(db_session, (chair, 5), validate=False)  # confirmed: incoming
    other = services.create_warehouse(db_session, {"code": "GZ", "name": "Guangzhou"})
    there = services.warehouse_location(db_session, other, "stock")
    transfer = services.create_transfer(
        db_session,
        {"moves": [{"product_id": chair.id, "quantity": "2"}], "to_location_id": there.id},
    )
    services.confirm_picking(db_session, transfer)  # reserves 2 more; outgoing to GZ

    levels = queries.stock_levels(db_session, [chair.id, desk.id], warehouse_id=warehouse.id)
    chairs = levels[chair.id]
    assert (chairs.on_hand, chairs.reserved, chairs.available) == (q(10), q(9), q(1))
    assert (chairs.incoming, chairs.outgoing, chairs.forecast) == (q(5), q(9), q(6))
    assert levels[desk.id].on_hand == q(1)

    in_shelf = queries.stock_levels(db_session, [chair.id], location_id=shelf.id)[chair.id]
    assert in_shelf.on_hand == q(6)
    in_guangzhou = queries.stock_levels(db_session, [chair.id], warehouse_id=other.id)[chair.id]
    assert (in_guangzhou.on_hand, in_guangzhou.incoming) == (Decimal(0), q(2))
    everywhere = queries.stock_levels(db_session, [chair.id])[chair.id]
    assert (everywhere.incoming, everywhere.outgoing) == (q(5), q(7))  # the transfer stays in


@pytest.mark.spec("5.2.1.1")
def test_stock_as_of_a_past_date_comes_from_the_moves(db_session, chair, warehouse):
    before = utcnow()
    receive(db_session, (chair, 10))
    after_receipt = utcnow()
    deliver(db_session, (chair, 3), validate=True)
    assert queries.stock_at(db_session, chair.id, before, warehouse_id=warehouse.id) == 0
    assert queries.stock_at(db_session, chair.id, after_receipt, warehouse_id=warehouse.id) == q(10)
    assert queries.stock_at(db_session, chair.id, utcnow() + timedelta(seconds=1)) == q(7)


@pytest.mark.spec("5.2.1.1")
def test_stock_value_at_moving_average_cost(db_session, chair, warehouse):
    receive(db_session, (chair, 5))  # at the product's cost, 40
    assert queries.stock_value(db_session, [chair.id], warehouse_id=warehouse.id) == {
        chair.id: Decimal("200.0000")
    }


@pytest.mark.spec("5.2.1.1")
def test_the_check_command_proves_the_ledger_and_fails_when_it_does_not_balance(
    app, db_session, chair
):
    receive(db_session, (chair, 5))
    deliver(db_session, (chair, 2), validate=True)
    runner = app.test_cli_runner()
    result = runner.invoke(inventory_group, ["check"])
    assert result.exit_code == 0, result.output
    assert "The stock ledger balances: 1 quants, 2 done moves." in result.output
    db_session.execute(
        update(Quant).values(on_hand=Quant.on_hand - 1, available=Quant.available - 1)
    )
    result = runner.invoke(inventory_group, ["check"])
    assert result.exit_code == 1
    assert "2 on hand, but the done moves sum to 3." in result.output
    assert "1 problems found in the stock ledger." in result.output


@pytest.mark.spec("5.2.1.1")
def test_the_stock_list_finds_slow_moving_stock(db_session, chair, desk):
    from sqlalchemy import select

    from addons.inventory.positions import StockPosition
    from addons.inventory.views import STOCK

    slow = next(f for f in STOCK.filters if f.name == "slow")
    receive(db_session, (chair, 5), (desk, 5))
    deliver(db_session, (desk, 1), validate=True)
    found = db_session.scalars(select(StockPosition.product_id).where(slow.condition())).all()
    assert found == [chair.id]

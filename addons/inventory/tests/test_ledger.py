"""The stock ledger (clause 5.2.1.1): stock is the sum of done moves, in the product's unit;
negative stock is refused unless a warehouse allows it; a done move is never edited, only
reversed; receipts update the moving-average cost; and the check proves the balance.

Every test runs on SQLite and PostgreSQL inside a transaction rolled back afterwards.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from addons.inventory import ledger, services
from addons.inventory.models import (
    Location,
    LocationKind,
    Move,
    ProductCost,
    Quant,
    StockState,
)
from addons.products import services as products
from addons.products.services import ProductsError
from core.models import Company
from core.schemas import BusinessError

from .conftest import INVENTORY, deliver, lines, location, q, quant_of, receive, refused, uom

pytestmark = pytest.mark.addons(*INVENTORY)


def balanced(session) -> bool:
    problems, _quants, _moves = ledger.check(session)
    assert [p.text() for p in problems] == []
    return True


# --------------------------------------------------------------------------- warehouses


@pytest.mark.spec("5.2.1.1")
def test_a_new_warehouse_gets_its_tree_of_locations(db_session):
    second = services.create_warehouse(db_session, {"code": "sh2", "name": "Shanghai 2"})
    names = db_session.scalars(
        select(Location.complete_name)
        .where(Location.warehouse_id == second.id)
        .order_by(Location.complete_name)
    ).all()
    assert second.code == "SH2"
    assert names == ["SH2", "SH2/Output", "SH2/Receiving", "SH2/Scrap", "SH2/Stock"]
    kinds = {
        purpose: services.warehouse_location(db_session, second, purpose).kind
        for purpose in ("view", "receiving", "stock", "output", "scrap")
    }
    assert kinds == {
        "view": LocationKind.VIEW,
        "receiving": LocationKind.INTERNAL,
        "stock": LocationKind.INTERNAL,
        "output": LocationKind.INTERNAL,
        "scrap": LocationKind.SCRAP,
    }
    virtual = db_session.scalars(
        select(Location.kind).where(Location.company_id == 1, Location.warehouse_id.is_(None))
    ).all()
    assert set(virtual) == {
        LocationKind.SUPPLIER,
        LocationKind.CUSTOMER,
        LocationKind.PRODUCTION,
        LocationKind.INVENTORY_LOSS,
    }


@pytest.mark.spec("5.2.1.1")
def test_warehouse_codes_are_unique_and_renaming_renames_the_paths(db_session, warehouse):
    with pytest.raises(BusinessError) as refused:
        services.create_warehouse(db_session, {"code": warehouse.code.lower(), "name": "Twin"})
    assert list(refused.value.messages) == ["code"]
    services.update_warehouse(db_session, warehouse.id, {"code": "BJ"})
    stock = services.warehouse_location(db_session, warehouse, "stock")
    assert stock.complete_name == "BJ/Stock"


@pytest.mark.spec("5.2.1.1")
def test_bins_go_under_stock_and_stay_in_their_warehouse(db_session, warehouse, stock):
    shelf = services.create_location(db_session, {"name": "A-01", "parent_id": stock.id})
    assert (shelf.complete_name, shelf.warehouse_id) == ("WH/Stock/A-01", warehouse.id)
    assert shelf.parent_path == f"{stock.parent_path}{shelf.id}/"
    with pytest.raises(BusinessError):
        services.create_location(db_session, {"name": "A-01", "parent_id": stock.id})
    with pytest.raises(BusinessError):
        services.create_location(db_session, {"name": "Loose"})  # internal needs a parent
    with pytest.raises(BusinessError):
        services.update_location(db_session, stock.id, {"parent_id": shelf.id})  # a cycle
    other = services.create_warehouse(db_session, {"code": "GZ", "name": "Guangzhou"})
    with pytest.raises(BusinessError):
        services.update_location(
            db_session,
            shelf.id,
            {"parent_id": services.warehouse_location(db_session, other, "stock").id},
        )


# --------------------------------------------------------------------------- posting


@pytest.mark.spec("5.2.1.1")
def test_receiving_puts_stock_on_hand_and_every_move_is_in_the_ledger(
    db_session, chair, stock, listener
):
    receipt = receive(db_session, (chair, 10))
    assert receipt.state is StockState.DONE
    assert quant_of(db_session, chair, stock) == (q(10), q(0), q(10))
    (move,) = receipt.moves
    assert move.state is StockState.DONE and move.date_done is not None
    assert [(m.product_id, m.quantity, m.from_kind, m.to_kind) for m in listener.moves] == [
        (chair.id, q(10), "supplier", "internal")
    ]
    assert listener.receipts[0][0].name == receipt.name
    assert balanced(db_session)


@pytest.mark.spec("5.2.1.1")
def test_quantities_are_converted_to_the_product_unit(db_session, stock):
    sugar = products.create_product(
        db_session, {"name": "Sugar", "uom_id": uom(db_session, "kg").id}
    )
    receive(db_session, (sugar, "1.5", {"uom_id": uom(db_session, "t").id}))
    receive(db_session, (sugar, "250", {"uom_id": uom(db_session, "g").id}))
    assert quant_of(db_session, sugar, stock)[0] == q("1500.25")
    with pytest.raises(BusinessError) as refused:
        services.create_receipt(
            db_session, {"moves": lines((sugar, 2, {"uom_id": uom(db_session, "unit").id}))}
        )
    assert list(refused.value.messages["moves"][0]) == ["uom_id"]


@pytest.mark.spec("5.2.1.1")
def test_taking_more_than_is_available_is_refused_and_nothing_moves(db_session, chair, stock):
    receive(db_session, (chair, 3))
    delivery = deliver(db_session, (chair, 5))
    assert delivery.state is StockState.WAITING
    assert quant_of(db_session, chair, stock) == (q(3), q(3), q(0))
    with refused(db_session, "5 needed, 3 available"):
        services.validate_picking(db_session, delivery)
    assert quant_of(db_session, chair, stock) == (q(3), q(3), q(0))
    assert balanced(db_session)


@pytest.mark.spec("5.2.1.1")
def test_a_warehouse_may_allow_negative_stock(db_session, chair, warehouse, stock):
    services.update_warehouse(db_session, warehouse.id, {"allow_negative": True})
    delivery = deliver(db_session, (chair, 4), validate=True)
    assert delivery.state is StockState.DONE
    assert quant_of(db_session, chair, stock) == (q(-4), q(0), q(-4))
    receive(db_session, (chair, 10))
    assert quant_of(db_session, chair, stock) == (q(6), q(0), q(6))
    assert balanced(db_session)


@pytest.mark.spec("5.2.1.1")
def test_consumables_are_always_available_and_services_are_not_stocked(db_session, stock):
    paper = products.create_product(db_session, {"name": "Paper", "type": "consumable"})
    delivery = deliver(db_session, (paper, 2))
    assert delivery.state is StockState.READY
    services.validate_picking(db_session, delivery)
    assert quant_of(db_session, paper, stock)[0] == q(-2)
    setup = products.create_product(db_session, {"name": "Setup", "type": "service"})
    with pytest.raises(BusinessError) as refused:
        services.create_delivery(db_session, {"moves": lines((setup, 1))})
    assert list(refused.value.messages["moves"][0]) == ["product_id"]


@pytest.mark.spec("5.2.1.1")
def test_stock_taken_from_several_bins_is_posted_one_move_per_bin(db_session, chair, stock):
    bins = [
        services.create_location(db_session, {"name": name, "parent_id": stock.id})
        for name in ("A-01", "A-02")
    ]
    for shelf, quantity in zip(bins, (3, 4), strict=True):
        receive(db_session, (chair, quantity), to_location_id=shelf.id)
    delivery = deliver(db_session, (chair, 5), validate=True)
    posted = sorted((m.from_location_id, m.product_qty) for m in delivery.moves)
    assert posted == [(bins[0].id, q(3)), (bins[1].id, q(2))]
    assert [quant_of(db_session, chair, shelf)[0] for shelf in bins] == [q(0), q(2)]
    assert balanced(db_session)


# --------------------------------------------------------------------------- frozen and reversed


@pytest.mark.spec("5.2.1.1")
def test_a_done_move_is_never_edited_nor_deleted(db_session, chair):
    (move,) = receive(db_session, (chair, 2)).moves
    for change in (
        lambda: setattr(move, "product_qty", Decimal(20)),
        lambda: db_session.delete(move),
    ):
        savepoint = db_session.begin_nested()
        change()
        with pytest.raises(ValueError, match="only be reversed"):
            db_session.flush()
        savepoint.rollback()
    assert move.product_qty == q(2)


@pytest.mark.spec("5.2.1.1")
def test_a_reversal_undoes_a_receipt_and_restores_the_average_cost(db_session, chair, stock):
    receive(db_session, (chair, 10))  # at the product's cost, 40.00
    second = receive(db_session, (chair, 10))
    services.reverse_move(db_session, second.moves[0])
    assert quant_of(db_session, chair, stock)[0] == q(10)
    reversal = db_session.scalar(select(Move).where(Move.reverses_id == second.moves[0].id))
    assert reversal.state is StockState.DONE
    assert (reversal.from_location_id, reversal.to_location_id) == (
        second.moves[0].to_location_id,
        second.moves[0].from_location_id,
    )
    with pytest.raises(BusinessError, match="reversed already"):
        services.reverse_move(db_session, second.moves[0])
    with pytest.raises(BusinessError, match="reverses another move"):
        services.reverse_move(db_session, reversal)
    assert balanced(db_session)


@pytest.mark.spec("5.2.1.1")
def test_a_receipt_whose_stock_has_left_cannot_be_reversed(db_session, chair):
    receipt = receive(db_session, (chair, 2))
    deliver(db_session, (chair, 2), validate=True)
    with refused(db_session, "Not enough"):
        services.reverse_move(db_session, receipt.moves[0])


# --------------------------------------------------------------------------- costs


@pytest.mark.spec("5.2.1.1")
def test_receipts_update_the_moving_average_cost(db_session, chair):
    def cost():
        db_session.expire_all()
        return db_session.scalar(select(ProductCost).where(ProductCost.product_id == chair.id))

    first = receive(db_session, (chair, 10))
    assert first.moves[0].price_unit == Decimal("40.000000")  # the product's cost
    assert (cost().quantity, cost().value, cost().average_cost) == (
        q(10),
        Decimal("400.0000"),
        Decimal("40.000000"),
    )
    move = services.create_receipt(db_session, {"moves": lines((chair, 30))}).moves[0]
    move.price_unit = Decimal("44.00")  # what purchase will set: the price paid
    services.confirm_picking(db_session, move.picking)
    services.validate_picking(db_session, move.picking)
    assert cost().average_cost == Decimal("43.000000")  # (400 + 1320) / 40
    delivery = deliver(db_session, (chair, 4), validate=True)
    assert delivery.moves[0].value == Decimal("172.0000")
    assert (cost().quantity, cost().value, cost().average_cost) == (
        q(36),
        Decimal("1548.0000"),
        Decimal("43.000000"),
    )
    services.reverse_move(db_session, move)  # back to the supplier at the 44 it came in at
    assert (cost().quantity, cost().value, cost().average_cost) == (
        q(6),
        Decimal("228.0000"),
        Decimal("38.000000"),  # (1548 - 1320) / 6: the 4 delivered left at the average
    )


# --------------------------------------------------------------------------- the check


@pytest.mark.spec("5.2.1.1")
def test_the_check_finds_a_quant_changed_behind_the_ledger(db_session, chair, stock):
    receive(db_session, (chair, 5))
    deliver(db_session, (chair, 2))
    assert balanced(db_session)
    db_session.execute(
        update(Quant)
        .where(Quant.product_id == chair.id)
        .values(on_hand=Quant.on_hand + 1, available=Quant.available + 1)
    )
    problems, quants, moves = ledger.check(db_session)
    assert (quants, moves) == (1, 1)
    assert [p.text() for p in problems] == [
        f"{chair.display_name} in WH/Stock: 6 on hand, but the done moves sum to 5."
    ]
    db_session.execute(update(Quant).where(Quant.product_id == chair.id).values(reserved=9))
    texts = " ".join(p.text() for p in ledger.check(db_session)[0])
    assert "reservations sum to 2" in texts
    assert "not on hand minus reserved" in texts
    assert "exceeds 6 on hand" in texts


@pytest.mark.spec("5.2.1.1")
def test_products_in_stock_or_in_open_operations_cannot_be_archived(
    db_session, registry, chair, desk
):
    receive(db_session, (chair, 1))
    deliver(db_session, (desk, 1))
    with pytest.raises(ProductsError) as refused:
        products.archive_products(db_session, [chair.id, desk.id])
    assert "Office chair: 1 in stock" in str(refused.value)
    assert "Desk: 1 open stock operations" in str(refused.value)
    assert chair.active and desk.active


def test_locations_and_moves_count_only_once(db_session):
    """Installing created one warehouse and the four virtual locations, nothing else."""
    assert db_session.scalar(select(func.count()).select_from(Location)) == 9
    assert db_session.scalar(select(func.count()).select_from(Move)) == 0
    assert location(db_session, LocationKind.CUSTOMER).complete_name == "Customers"


@pytest.mark.spec("5.2.1.1")
def test_stock_is_kept_per_lot_and_a_delivery_takes_the_lot_it_names(db_session, chair, stock):
    first, second = (
        services.create_lot(db_session, {"name": name, "product_id": chair.id})
        for name in ("L-01", "L-02")
    )
    receive(db_session, (chair, 3, {"lot_id": first.id}), (chair, 2, {"lot_id": second.id}))
    named = deliver(db_session, (chair, 1, {"lot_id": second.id}))
    assert named.moves[0].reserved_qty == q(1)
    anyone = deliver(db_session, (chair, 4), validate=True)
    taken = sorted((m.lot_id, m.product_qty) for m in anyone.moves)
    assert taken == [(first.id, q(3)), (second.id, q(1))]
    services.validate_picking(db_session, named)
    by_lot = dict(
        db_session.execute(
            select(Quant.lot_id, Quant.on_hand).where(Quant.product_id == chair.id)
        ).all()
    )
    assert by_lot == {first.id: q(0), second.id: q(0)}
    with refused(db_session, "already has a lot"):
        services.create_lot(db_session, {"name": "L-01", "product_id": chair.id})
    assert balanced(db_session)


@pytest.mark.spec("5.2.1.1")
def test_a_lot_changes_only_to_a_product_of_its_own_company(db_session, chair, desk):
    lot = services.create_lot(db_session, {"name": "L-09", "product_id": chair.id})
    other = Company(name="Other Co", code="OTHER")
    db_session.add(other)
    db_session.flush()
    theirs = products.create_product(db_session, {"name": "Their chair"})
    theirs.company_id = other.id
    db_session.flush()
    with refused(db_session, "belongs to another company"):
        services.update_lot(db_session, lot.id, {"product_id": theirs.id})
    services.update_lot(db_session, lot.id, {"product_id": desk.id})
    assert lot.product_id == desk.id

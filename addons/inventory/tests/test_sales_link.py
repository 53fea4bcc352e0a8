"""Inventory linked with sales (clauses 5.1.2.3 and 5.2.1.3), through hooks only: confirming
an order reserves stock and creates its delivery; validating the delivery, even in parts,
moves the order's delivery track; a reversal returns quantities; cancelling the order
cancels the delivery and frees its stock; sales' manual "mark delivered" gives way.

Both addons are installed; neither imports the other (the contract tests check it).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from addons.inventory import services
from addons.inventory.hookspecs import DeliveryRequest, RequestedLine
from addons.inventory.models import Delivery, Receipt, StockState
from addons.partners import services as partners
from addons.products import services as products
from addons.sales import services as sales
from addons.sales.models import DeliveryStatus

from .conftest import WITH_SALES, q, quant_of, receive, refused, set_done

pytestmark = pytest.mark.addons(*WITH_SALES)


@pytest.fixture
def customer(db_session):
    return partners.create_partner(db_session, {"name": "Acme Trading", "is_customer": True})


def order(session, customer, *items):
    rows = [{"product_id": product.id, "quantity": str(quantity)} for product, quantity in items]
    created = sales.create_order(session, {"customer_id": customer.id, "lines": rows})
    sales.confirm_order(session, created)
    return created


def delivery_of(session, sales_order) -> Delivery:
    return session.scalars(
        select(Delivery)
        .where(Delivery.origin_model == "sales.order", Delivery.origin_id == sales_order.id)
        .order_by(Delivery.id)
    ).first()


@pytest.mark.spec("5.1.2.3", "5.2.1.3")
def test_a_confirmed_order_gets_a_delivery_with_its_stock_reserved(
    db_session, registry, customer, chair, desk, stock
):
    setup = products.create_product(db_session, {"name": "Setup", "type": "service"})
    receive(db_session, (chair, 5))
    sale = order(db_session, customer, (chair, 3), (desk, 2), (setup, 1))
    delivery = delivery_of(db_session, sale)
    assert delivery.origin_name == sale.name and delivery.partner_id == customer.id
    assert delivery.state is StockState.WAITING  # no desk in stock
    assert [(m.product_id, m.product_qty, m.reserved_qty) for m in delivery.moves] == [
        (chair.id, q(3), q(3)),
        (desk.id, q(2), q(0)),
    ]
    lines = {line.product_id: line.id for line in sale.lines}
    assert [m.origin_line_id for m in delivery.moves] == [lines[chair.id], lines[desk.id]]
    assert quant_of(db_session, chair, stock) == (q(5), q(3), q(2))
    assert not sales.manual_delivery_allowed(db_session)


@pytest.mark.spec("5.1.2.3", "5.2.1.3")
def test_deliveries_done_in_parts_move_the_order_delivery_track(
    db_session, registry, customer, chair, desk
):
    receive(db_session, (chair, 5))
    sale = order(db_session, customer, (chair, 3), (desk, 2))
    delivery = delivery_of(db_session, sale)
    set_done(db_session, delivery, 3, 0)
    services.validate_picking(db_session, delivery)
    assert sale.delivery_status is DeliveryStatus.PARTLY
    delivered = {line.product_id: line.qty_delivered for line in sale.lines}
    assert delivered == {chair.id: q(3), desk.id: q(0)}

    receive(db_session, (desk, 2))  # served to the backorder at once
    backorder = db_session.scalars(
        select(Delivery).where(Delivery.backorder_of_id == delivery.id)
    ).one()
    assert backorder.state is StockState.READY
    services.validate_picking(db_session, backorder)
    assert sale.delivery_status is DeliveryStatus.DELIVERED

    services.reverse_move(db_session, backorder.moves[0])  # the customer sent a desk back
    assert {line.product_id: line.qty_delivered for line in sale.lines}[desk.id] == q(0)
    assert sale.delivery_status is DeliveryStatus.PARTLY


@pytest.mark.spec("5.1.2.3", "5.2.1.3")
def test_cancelling_an_order_cancels_its_delivery_and_frees_the_stock(
    db_session, registry, customer, chair, stock
):
    receive(db_session, (chair, 2))
    sale = order(db_session, customer, (chair, 2))
    delivery = delivery_of(db_session, sale)
    assert quant_of(db_session, chair, stock) == (q(2), q(2), q(0))
    sales.cancel_order(db_session, sale, {"reason": "Customer went elsewhere"})
    assert delivery.state is StockState.CANCELLED
    assert sale.name in delivery.cancel_reason
    assert quant_of(db_session, chair, stock) == (q(2), q(0), q(2))


@pytest.mark.spec("5.2.1.3")
def test_any_addon_can_ask_for_a_delivery_through_the_hook(db_session, registry, chair):
    receive(db_session, (chair, 1))
    answer = registry.hook.inventory_request_delivery(
        request=DeliveryRequest(
            company_id=1,
            origin_model="crm.visit",
            origin_id=7,
            origin_name="Visit 7",
            lines=(RequestedLine(chair.id, q(1), chair.uom_id, None),),
            priority="urgent",
        ),
        session=db_session,
    )
    assert (answer.type, answer.state, answer.origin_model) == ("delivery", "ready", "crm.visit")
    assert (
        registry.hook.inventory_cancel_origin(
            origin_model="crm.visit", origin_id=7, reason="Not needed", session=db_session
        )
        == 1
    )
    levels = registry.hook.inventory_stock_levels(
        product_ids=(chair.id,), warehouse_id=None, session=db_session
    )
    assert (levels[chair.id].on_hand, levels[chair.id].available) == (q(1), q(1))


@pytest.mark.spec("5.1.2.3", "5.2.1.3")
def test_a_customer_return_comes_back_into_stock_and_is_reported_to_sales(
    db_session, registry, customer, chair, stock
):
    receive(db_session, (chair, 4))  # at 40.00
    sale = order(db_session, customer, (chair, 3))
    delivery = delivery_of(db_session, sale)
    services.validate_picking(db_session, delivery)
    assert sale.delivery_status is DeliveryStatus.DELIVERED
    services.return_picking(db_session, delivery)
    back = db_session.scalars(select(Receipt).where(Receipt.return_of_id == delivery.id)).one()
    assert (back.state, back.origin_id, back.to_location_id) == (
        StockState.DRAFT,
        sale.id,
        stock.id,
    )
    (line,) = back.moves
    assert (line.product_qty, line.origin_line_id, line.price_unit) == (
        q(3),
        sale.lines[0].id,
        Decimal("40.000000"),
    )
    set_lines = [{"id": line.id, "product_id": chair.id, "quantity": "1"}]
    services.update_picking(db_session, back.id, {"moves": set_lines})  # one comes back
    services.confirm_picking(db_session, back)
    services.validate_picking(db_session, back)
    assert sale.lines[0].qty_delivered == q(2)
    assert sale.delivery_status is DeliveryStatus.PARTLY
    assert quant_of(db_session, chair, stock) == (q(2), q(0), q(2))

    services.return_picking(db_session, delivery)  # the two still out
    second = db_session.scalars(
        select(Receipt).where(Receipt.return_of_id == delivery.id, Receipt.id != back.id)
    ).one()
    assert second.moves[0].product_qty == q(2)
    too_many = [{"id": second.moves[0].id, "product_id": chair.id, "quantity": "3"}]
    services.update_picking(db_session, second.id, {"moves": too_many})
    with refused(db_session, "returns more"):
        services.confirm_picking(db_session, second)
    services.cancel_picking(db_session, second, {"reason": "kept by the customer"})
    services.return_picking(db_session, delivery)  # a cancelled return frees the quantity
    with refused(db_session, "only a done receipt or delivery"):
        services.return_picking(db_session, second)

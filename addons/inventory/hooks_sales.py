"""What inventory does for sales: registered only when sales is installed too.

A confirmed order gets a delivery with its stock reserved; a cancelled order's open
deliveries are cancelled and their stock released; every move to or from a customer made
for an order (deliveries, returns, reversals) is reported to sales as delivered or
returned quantities of its lines. Sales' own manual "mark delivered" gives way to this.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from addons.inventory import services
from addons.inventory.hookspecs import DeliveryRequest, MovedLine, RequestedLine
from addons.inventory.messages import ORDER_CANCELLED
from addons.inventory.models import EDITABLE_STATES, LocationKind, Picking
from addons.sales.hookspecs import OrderLineRef, OrderRef
from core.plugins import hookimpl
from core.registry import get_registry
from core.schemas import render

ORIGIN = "sales.order"


@hookimpl
def sales_order_confirmed(
    order: OrderRef, lines: tuple[OrderLineRef, ...], session: Session
) -> None:
    already = session.scalar(
        select(Picking.id).where(
            Picking.origin_model == ORIGIN,
            Picking.origin_id == order.id,
            Picking.state.in_(EDITABLE_STATES),
        )
    )
    if already is not None:
        return
    wanted = tuple(
        RequestedLine(line.product_id, line.quantity - line.delivered, line.uom_id, line.id)
        for line in lines
        if line.quantity > line.delivered
    )
    if not wanted:
        return
    services.request_delivery(
        session,
        DeliveryRequest(
            company_id=order.company_id,
            origin_model=ORIGIN,
            origin_id=order.id,
            origin_name=order.name,
            partner_id=order.customer_id,
            lines=wanted,
        ),
    )


@hookimpl
def sales_order_cancelled(
    order: OrderRef, lines: tuple[OrderLineRef, ...], was_confirmed: bool, session: Session
) -> None:
    if was_confirmed:
        services.cancel_origin(session, ORIGIN, order.id, render(ORDER_CANCELLED, name=order.name))


@hookimpl
def sales_manual_delivery_allowed(session: Session) -> bool | None:
    return False  # deliveries move the order's delivery track


@hookimpl
def inventory_moves_done(moves: tuple[MovedLine, ...], session: Session) -> None:
    delivered: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    pickings: dict[int, set[int]] = defaultdict(set)
    for move in moves:
        if move.origin_model != ORIGIN or move.origin_id is None or move.origin_line_id is None:
            continue
        if move.to_kind == LocationKind.CUSTOMER.value:
            sign = 1
        elif move.from_kind == LocationKind.CUSTOMER.value:
            sign = -1
        else:
            continue
        delivered[move.origin_id][move.origin_line_id] += sign * move.quantity
        if move.picking_id is not None:
            pickings[move.origin_id].add(move.picking_id)
    hook = get_registry().hook
    for order_id, quantities in delivered.items():
        names = session.scalars(
            select(Picking.name).where(Picking.id.in_(pickings[order_id])).order_by(Picking.id)
        ).all()
        hook.sales_record_delivery(
            order_id=order_id,
            delivered={line: quantity for line, quantity in quantities.items() if quantity},
            note=", ".join(names) or None,
            session=session,
        )

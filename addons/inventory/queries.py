"""Questions about stock: on hand, reserved, available, incoming and outgoing per product
in a warehouse or location, stock as of any past date (from the done moves), and stock
value at moving-average cost.

Read-only. Each question is a fixed number of grouped queries whatever the number of
products, limited by the reader's record rules unless the caller passes ``access=None``
(system work: hooks asked by another addon, the check command).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from addons.inventory.hookspecs import StockLevel
from addons.inventory.ledger import ZERO, place
from addons.inventory.models import (
    OPEN_STATES,
    Location,
    LocationKind,
    Move,
    ProductCost,
    Quant,
    StockState,
)
from core.security.access import Access


def _scope(statement: Select, warehouse_id, location_id, session) -> Select:
    """Limit ``statement`` (joined to Location) to internal locations of a warehouse, or
    at or under a location."""
    statement = statement.where(Location.kind == LocationKind.INTERNAL)
    if warehouse_id is not None:
        statement = statement.where(Location.warehouse_id == warehouse_id)
    if location_id is not None:
        root = place(session, location_id)
        statement = statement.where(Location.parent_path.like(f"{root.parent_path}%"))
    return statement


def stock_levels(
    session: Session,
    product_ids: Iterable[int] | None = None,
    *,
    warehouse_id: int | None = None,
    location_id: int | None = None,
    access: Access | None = None,
) -> dict[int, StockLevel]:
    """On hand, reserved, available, incoming and outgoing per product, in a scope.

    Incoming is what confirmed operations bring into the scope from outside it, outgoing
    what they take out of it; forecast is on hand + incoming - outgoing.
    """
    ids = None if product_ids is None else tuple(product_ids)
    levels: dict[int, StockLevel] = {pid: StockLevel(pid) for pid in ids or ()}
    held = _scope(
        select(
            Quant.product_id,
            func.sum(Quant.on_hand),
            func.sum(Quant.reserved),
            func.sum(Quant.available),
        )
        .select_from(Quant)
        .join(Location, Location.id == Quant.location_id),
        warehouse_id,
        location_id,
        session,
    ).group_by(Quant.product_id)
    if ids is not None:
        held = held.where(Quant.product_id.in_(ids))
    if access is not None:
        held = access.restrict(held, Quant)
    for product_id, on_hand, reserved, available in session.execute(held):
        levels[product_id] = StockLevel(product_id, on_hand, reserved, available)
    for direction in ("incoming", "outgoing"):
        for product_id, quantity in _planned(
            session, ids, direction, warehouse_id, location_id, access
        ):
            level = levels.get(product_id, StockLevel(product_id))
            levels[product_id] = replace(level, **{direction: quantity})
    return {
        product_id: replace(level, forecast=level.on_hand + level.incoming - level.outgoing)
        for product_id, level in levels.items()
    }


def _planned(session, ids, direction, warehouse_id, location_id, access):
    """Quantities of confirmed moves crossing into (incoming) or out of the scope."""
    inside = aliased(Location)
    outside = aliased(Location)
    near, far = (
        (Move.to_location_id, Move.from_location_id)
        if direction == "incoming"
        else (Move.from_location_id, Move.to_location_id)
    )
    statement = (
        select(Move.product_id, func.sum(Move.product_qty))
        .join(inside, inside.id == near)
        .join(outside, outside.id == far)
        .where(Move.state.in_(OPEN_STATES), inside.kind == LocationKind.INTERNAL)
        .group_by(Move.product_id)
    )
    if warehouse_id is not None:
        statement = statement.where(
            inside.warehouse_id == warehouse_id,
            (outside.warehouse_id != warehouse_id)
            | outside.warehouse_id.is_(None)
            | (outside.kind != LocationKind.INTERNAL),
        )
    elif location_id is not None:
        root = place(session, location_id)
        pattern = f"{root.parent_path}%"
        statement = statement.where(
            inside.parent_path.like(pattern),
            ~outside.parent_path.like(pattern) | (outside.kind != LocationKind.INTERNAL),
        )
    else:
        statement = statement.where(outside.kind != LocationKind.INTERNAL)
    if ids is not None:
        statement = statement.where(Move.product_id.in_(ids))
    if access is not None:
        statement = access.restrict(statement, Move)
    return session.execute(statement).all()


def stock_at(
    session: Session,
    product_id: int,
    at: datetime,
    *,
    warehouse_id: int | None = None,
    location_id: int | None = None,
    access: Access | None = None,
) -> Decimal:
    """What the scope held of a product at ``at``: done moves in minus out until then."""
    total = ZERO
    for column, sign in ((Move.to_location_id, 1), (Move.from_location_id, -1)):
        statement = _scope(
            select(func.sum(Move.product_qty))
            .select_from(Move)
            .join(Location, Location.id == column),
            warehouse_id,
            location_id,
            session,
        ).where(
            Move.product_id == product_id,
            Move.state == StockState.DONE,
            Move.date_done <= at,
        )
        if access is not None:
            statement = access.restrict(statement, Move)
        total += sign * (session.scalar(statement) or ZERO)
    return total


def stock_value(
    session: Session,
    product_ids: Iterable[int] | None = None,
    *,
    warehouse_id: int | None = None,
    access: Access | None = None,
) -> dict[int, Decimal]:
    """Value of the stock held, per product, at its moving-average cost (4 places)."""
    levels = stock_levels(session, product_ids, warehouse_id=warehouse_id, access=access)
    costs = select(ProductCost.product_id, ProductCost.average_cost).where(
        ProductCost.product_id.in_(tuple(levels))
    )
    if access is not None:
        costs = access.restrict(costs, ProductCost)
    averages = dict(session.execute(costs).all())
    return {
        product_id: (level.on_hand * averages.get(product_id, ZERO)).quantize(Decimal("0.0001"))
        for product_id, level in levels.items()
    }

"""Hooks the inventory addon owns: its published contract with the addons around it.

Sales, purchase and production declare inventory in ``depends`` or ``extras_depend`` and
import this module only. They ask inventory for deliveries and stock through the
questions below (inventory answers them itself), and listen to its events. Arguments are
ids, the frozen DTOs below and the caller's session; an implementation never commits, so
whatever one business action does across addons is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from core.plugins import hookspec

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


# --------------------------------------------------------------------------- DTOs


@dataclass(frozen=True)
class PickingRef:
    """A receipt, delivery or internal transfer as other addons see it.

    ``type`` is "receipt", "delivery" or "internal"; ``state`` one of "draft",
    "waiting", "ready", "done", "cancelled"; ``origin_model`` / ``origin_id`` the typed
    reference of the document that asked for it (``"sales.order"``, 42).
    """

    id: int
    name: str
    type: str
    state: str
    company_id: int
    warehouse_id: int
    partner_id: int | None = None
    origin_model: str | None = None
    origin_id: int | None = None
    backorder_of_id: int | None = None


@dataclass(frozen=True)
class MovedLine:
    """One posted move of the ledger: ``quantity`` of ``product_id`` in the product's own
    unit (``uom_id``), from a location of kind ``from_kind`` to one of ``to_kind``
    ("internal", "supplier", "customer", "production", "inventory_loss", "scrap").

    ``origin_line_id`` is the line of the origin document the move serves (a sales order
    line); ``reverses_id`` is set when the move undoes an earlier one.
    """

    move_id: int
    product_id: int
    quantity: Decimal
    uom_id: int
    from_kind: str
    to_kind: str
    warehouse_id: int | None
    picking_id: int | None = None
    origin_model: str | None = None
    origin_id: int | None = None
    origin_line_id: int | None = None
    reverses_id: int | None = None


@dataclass(frozen=True)
class RequestedLine:
    """A line of a delivery asked for by another addon: ``quantity`` in ``uom_id`` (any
    unit of the product's category); ``origin_line_id`` comes back on every move."""

    product_id: int
    quantity: Decimal
    uom_id: int
    origin_line_id: int | None = None


@dataclass(frozen=True)
class DeliveryRequest:
    """What an addon asks inventory to deliver, and for whom.

    ``warehouse_id`` None: the company's first active warehouse. ``priority`` is
    "normal" or "urgent". Lines of services are left out (they are not stocked).
    """

    company_id: int
    origin_model: str
    origin_id: int
    origin_name: str
    lines: tuple[RequestedLine, ...]
    partner_id: int | None = None
    warehouse_id: int | None = None
    scheduled_date: date | None = None
    priority: str = "normal"
    note: str | None = None


@dataclass(frozen=True)
class StockLevel:
    """Stock of one product in a scope (a warehouse, a location and its sub-locations, or
    every warehouse), in the product's unit: ``available`` is on hand minus reserved;
    ``incoming`` and ``outgoing`` are what confirmed, not yet done operations will
    bring in or take out."""

    product_id: int
    on_hand: Decimal = Decimal(0)
    reserved: Decimal = Decimal(0)
    available: Decimal = Decimal(0)
    incoming: Decimal = Decimal(0)
    outgoing: Decimal = Decimal(0)
    forecast: Decimal = field(default=Decimal(0))


@dataclass(frozen=True)
class StockAlert:
    """A stock rule whose forecast fell under its minimum: ``proposed`` is what brings it
    back up to ``maximum``. Quantities in the product's unit (``uom_id``)."""

    rule_id: int
    product_id: int
    warehouse_id: int
    company_id: int
    uom_id: int
    forecast: Decimal
    minimum: Decimal
    maximum: Decimal
    proposed: Decimal


# --------------------------------------------------------------------------- questions
# Asked by other addons; inventory answers (stops at the first non-None result).


@hookspec(firstresult=True)
def inventory_request_delivery(request: DeliveryRequest, session: Session) -> PickingRef | None:
    """Create and confirm a delivery for another addon's document, reserving stock.

    Called by sales when an order is confirmed (or by any addon that ships goods).
    Inventory creates the delivery in the requested (or default) warehouse with one line
    per stocked product, confirms it and reserves what is available now; what is missing
    waits and is reserved, by priority and date, as stock arrives. Returns the delivery,
    or None when no line needs stock (services only). Raises a BusinessError (nothing
    written) for an unknown product, a unit that cannot measure it, or a company without
    a warehouse.
    """


@hookspec(firstresult=True)
def inventory_cancel_origin(
    origin_model: str, origin_id: int, reason: str, session: Session
) -> int | None:
    """Cancel every open receipt, delivery or transfer made for a document.

    Called when the origin (``"sales.order"``, 42) is cancelled: reservations are
    released, the operations cancelled with ``reason``. Operations already done stay as
    they are (return them instead). Returns how many were cancelled.
    """


@hookspec(firstresult=True)
def inventory_stock_levels(
    product_ids: tuple[int, ...], warehouse_id: int | None, session: Session
) -> dict[int, StockLevel] | None:
    """Stock of each product in one warehouse (None: every warehouse of its company).

    Asked by screens of other addons (availability on a sales order). Returns a level
    per requested product, zero when it has none.
    """


# --------------------------------------------------------------------------- events
# Called by inventory's services inside the transaction that makes the change: add rows
# through ``session``, never commit; raising a BusinessError refuses the whole change.


@hookspec
def inventory_moves_done(moves: tuple[MovedLine, ...], session: Session) -> None:
    """Called after moves are posted to the ledger (a validated operation, a reversal).

    Every stock change passes here, so an addon that follows quantities delivered or
    received (sales order lines, purchase order lines) learns about returns and
    reversals too: a move to a customer location delivers, one from it returns.
    Returns nothing.
    """


@hookspec
def inventory_delivery_done(
    delivery: PickingRef, lines: tuple[MovedLine, ...], session: Session
) -> None:
    """Called when a delivery is validated, with the moves it posted.

    ``delivery.backorder_of_id`` is set on a backorder; when the delivery was partial,
    the backorder holding the rest exists already. Logistics creates shipments here.
    Returns nothing.
    """


@hookspec
def inventory_stock_below_minimum(alerts: tuple[StockAlert, ...], session: Session) -> None:
    """Called when stock rules fall under their minimum (once per fall: a rule already on
    alert is not announced again until it has recovered).

    Runs in the transaction that changed the forecast (a confirmed delivery, a posted
    move) or in the hourly check. Purchase creates a purchase request for ``proposed``,
    production a production order. Returns nothing.
    """


@hookspec
def inventory_receipt_done(
    receipt: PickingRef, lines: tuple[MovedLine, ...], session: Session
) -> None:
    """Called when a receipt is validated, with the moves it posted (purchase marks its
    order lines received here). Returns nothing."""

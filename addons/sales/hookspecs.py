"""Hooks the sales addon owns: its published contract with the addons built beside it.

Inventory (and later purchase and production) declare sales in ``extras_depend``, import
this module only, and implement the events below. They report deliveries back by asking
``sales_record_delivery``, which sales itself answers (it is
:func:`addons.sales.services.record_delivery`): an addon may import nothing of sales but
this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from core.plugins import hookspec

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


# --------------------------------------------------------------------------- DTOs


@dataclass(frozen=True)
class OrderRef:
    """A sales order as other addons see it; money in Decimal, in ``currency``."""

    id: int
    name: str
    company_id: int
    customer_id: int
    currency: str
    amount_total: Decimal
    state: str


@dataclass(frozen=True)
class OrderLineRef:
    """One line of an order: ``quantity`` is in the product's own unit (``uom_id``), as
    stock counts it; ``delivered`` is what has been reported delivered so far."""

    id: int
    product_id: int
    description: str
    quantity: Decimal
    uom_id: int
    delivered: Decimal = Decimal(0)


# --------------------------------------------------------------------------- events
# Called by sales' services inside the transaction that makes the change: add rows
# through ``session``, never commit; raising a BusinessError refuses the whole change.


@hookspec
def sales_order_confirmed(
    order: OrderRef, lines: tuple[OrderLineRef, ...], session: Session
) -> None:
    """Called when an order is confirmed (also when its credit hold is released).

    ``lines`` are the order's lines in product units. Inventory checks availability,
    reserves stock and creates the delivery here; purchase or production may supply
    what is missing. Returns nothing.
    """


@hookspec
def sales_order_cancelled(
    order: OrderRef, lines: tuple[OrderLineRef, ...], was_confirmed: bool, session: Session
) -> None:
    """Called when an order is cancelled, with the reason already stored on it.

    ``was_confirmed`` is true when the order had been confirmed (stock may be reserved
    for it): inventory releases its reservations and cancels the open delivery. Returns
    nothing.
    """


# --------------------------------------------------------------------------- questions


@hookspec(firstresult=True)
def sales_record_delivery(
    order_id: int, delivered: Mapping[int, Decimal], note: str | None, session: Session
) -> OrderRef | None:
    """Report quantities delivered (or returned, when negative) on an order's lines.

    What inventory calls when a delivery is done: ``delivered`` maps line ids to
    quantities in the product's unit, added to what was delivered before. Sales
    answers: it moves the order's delivery track (and closes a delivered and paid
    order), and returns the order as it now stands. Raises a BusinessError (nothing
    changed) for a line of another order, a quantity beyond what was ordered, or an
    order that is not confirmed. Stops at the first non-None result.
    """


@hookspec(firstresult=True)
def sales_manual_delivery_allowed(session: Session) -> bool | None:
    """Whether users may mark order lines delivered by hand on the order form.

    Sales alone answers nothing (None: allowed). Inventory answers False, since its
    deliveries move the delivery track. Stops at the first non-None result.
    """

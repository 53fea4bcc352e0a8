"""Hooks the products addon owns: its published contract, with the DTOs they carry.

Other addons import only this module of products. Arguments are ids, the DTOs below and
the caller's session; an implementation never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from core.plugins import hookspec

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


# --------------------------------------------------------------------------- DTOs


@dataclass(frozen=True)
class ProductInfo:
    """What other addons need to know of a product, detached from the database.

    ``type`` is "goods", "consumable" or "service"; money is Decimal, ``tax_rate`` a
    fraction (0.13 for 13 %), ``weight`` in kg and ``volume`` in m³ per ``uom_id``.
    """

    id: int
    code: str
    name: str
    uom_id: int
    type: str
    sale_price: Decimal
    cost: Decimal
    tax_rate: Decimal
    purchase_uom_id: int
    barcode: str | None = None
    category_id: int | None = None
    weight: Decimal = Decimal(0)
    volume: Decimal = Decimal(0)
    active: bool = True


# --------------------------------------------------------------------------- questions
# Asked by other addons; products answers.


@hookspec(firstresult=True)
def products_convert_quantity(
    quantity: Decimal, from_uom_id: int, to_uom_id: int, session: Session
) -> Decimal | None:
    """Convert ``quantity`` from one unit of measure to another of the same category.

    Called by any addon that meets two units (an order line in dozens, stock in units).
    Products answers exactly, in Decimal, rounded half-up to the target unit's rounding,
    and raises a ``marshmallow.ValidationError`` with a translated message when the units
    measure different things or do not exist. An addon that knows better for some case
    may answer first (``tryfirst``). Stops at the first non-None result; None means no
    installed addon can convert.
    """


# --------------------------------------------------------------------------- collectors
# Asked by products; other addons answer.


@hookspec
def products_archive_blockers(product_ids: tuple[int, ...], session: Session) -> list[str]:
    """Return why some of ``product_ids`` cannot be archived (empty list: no objection).

    Called by products before it archives products, in the caller's transaction. Each
    reason is a translated sentence naming the product ("[SKU00042] Chair: 12 units in
    stock"). Any reason from any addon refuses the whole archive, and nothing changes.
    """

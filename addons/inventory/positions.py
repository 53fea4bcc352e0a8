"""Stock positions: each quant with what confirmed operations will bring to its place and
take from it (incoming, outgoing, forecast), for the stock list, its exports and the API
``/api/v1/inventory/stock``.

Read-only. The figures come from the database view ``inventory_quant_planned`` (revision
3a9d06e2aa06), so that a page of the list or the API is one query whatever its size.
This module is imported through the addon's hooks (views.py), after the models of the
addons inventory depends on: the position's columns are the quant's, and their foreign
keys (to products) resolve only once those tables are known.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Column, Integer, MetaData, Table, select
from sqlalchemy.orm import Mapped, Session, relationship

from addons.inventory import services
from addons.inventory.models import Location, Lot, Quant, QuantityType, Warehouse
from core.db import Base

if "products_product" not in Base.metadata.tables:  # pragma: no cover - an import-order slip
    raise RuntimeError(
        "addons.inventory.positions is imported through the inventory addon's hooks, "
        "after the products addon's models"
    )

# The view of revision 3a9d06e2aa06: a quant's incoming, outgoing and forecast. Declared in
# a metadata of its own, so that migrations and the table checks leave it alone.
QUANT_PLANNED = Table(
    "inventory_quant_planned",
    MetaData(),
    Column("quant_id", Integer, primary_key=True),
    Column("incoming", QuantityType),
    Column("outgoing", QuantityType),
    Column("forecast", QuantityType),
)


class StockPosition(Base):
    """A quant as people read it in stock lists and the API: on hand, reserved, available,
    and what confirmed operations not done yet will bring into its place (incoming:
    receipts and transfers in) and take out of it (outgoing: its reservations and what
    deliveries and transfers leaving the place have not reserved yet), with the forecast.

    Read-only: mapped to a SELECT of the quant joined to the view ``inventory_quant_planned``;
    the quant's own record rules apply to it (``__rule_parent__``), and corrections go to
    the quant (services.update_stock).
    """

    __table__ = (
        select(
            *Quant.__table__.c,
            QUANT_PLANNED.c.incoming,
            QUANT_PLANNED.c.outgoing,
            QUANT_PLANNED.c.forecast,
        )
        .join_from(Quant.__table__, QUANT_PLANNED, QUANT_PLANNED.c.quant_id == Quant.__table__.c.id)
        .subquery("inventory_stock_position")
    )
    __resource__ = "inventory.quant"
    __rule_parent__ = "quant"

    quant: Mapped[Quant] = relationship(
        primaryjoin="foreign(StockPosition.id) == Quant.id", viewonly=True
    )
    product = relationship(
        "Product", primaryjoin="foreign(StockPosition.product_id) == Product.id", viewonly=True
    )
    location: Mapped[Location] = relationship(
        primaryjoin="foreign(StockPosition.location_id) == Location.id", viewonly=True
    )
    lot: Mapped[Lot | None] = relationship(
        primaryjoin="foreign(StockPosition.lot_id) == Lot.id", viewonly=True
    )
    warehouse: Mapped[Warehouse] = relationship(
        primaryjoin="foreign(StockPosition.warehouse_id) == Warehouse.id", viewonly=True
    )

    @property
    def display_name(self) -> str:
        return f"{self.location.display_name}: {self.product.display_name}"


def create_position(session: Session, data: Mapping[str, Any]) -> StockPosition:
    """The stock list's "new" (services.create_stock), answered as the list reads it."""
    quant = services.create_stock(session, data)
    return session.get(StockPosition, quant.id, populate_existing=True)


def update_position(session: Session, position_id: int, data: Mapping[str, Any]):
    """A correction of the stock list (services.update_stock); the position read before
    it is read again when next asked for, so that screens and the API answer the new
    figures."""
    services.update_stock(session, position_id, data)
    loaded = session.identity_map.get(session.identity_key(StockPosition, position_id))
    if loaded is not None:
        session.expire(loaded)
    return session.get(StockPosition, position_id)

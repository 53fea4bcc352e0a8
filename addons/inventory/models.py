"""Tables of the inventory addon: warehouses, locations, lots, the ledger of stock moves,
quants (stock per product, location and lot), reservations, average costs and the
receipts, deliveries and internal transfers that group moves.

Only structure and the one rule that must hold whatever code runs lives here: a done
move is never changed nor deleted (``before_update`` / ``before_delete`` refuse it).
Quants and costs change only through ``ledger.py``'s conditional UPDATEs. Products,
units and partners belong to other addons: referenced by foreign key and reached through
relationships named by class (``"Product"``), never imported.
A change here needs a migration: ``tessera addon revision inventory -m ...``.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from addons.inventory.messages import DONE_MOVE_FROZEN, stored_name
from core.db import (
    ActiveMixin,
    Base,
    Code,
    CompanyMixin,
    ExactDecimal,
    IdMixin,
    Name,
    Quantity,
    RecordMixin,
    TimestampMixin,
    VersionMixin,
    enum_column,
)

WAREHOUSE_CODE_LENGTH = 16
LOCATION_NAME_LENGTH = 128
LOCATION_PATH_LENGTH = 1024
SYSTEM_KEY_LENGTH = 64
LOT_NAME_LENGTH = 64
ORIGIN_MODEL_LENGTH = 64
ORIGIN_NAME_LENGTH = 128
REFERENCE_LENGTH = 128
REASON_LENGTH = 1000
ADDRESS_LENGTH = 500
ROLE_NAME_LENGTH = 64
PATH_SEPARATOR = "/"

# Unit costs keep six places (a gram of saffron); stock values four. Both fit SQLite's
# 64-bit scaled integers (core.db.ExactDecimal).
UnitCost = ExactDecimal(18, 6)
StockValue = ExactDecimal(18, 4)
QuantityType = ExactDecimal(18, 4)  # core.db.Quantity


def _enum_column(enum_class: type[enum.Enum]) -> Enum:
    return enum_column(enum_class, length=20)


# --------------------------------------------------------------------------- enums


class LocationKind(enum.StrEnum):
    """What a location is. Only internal locations hold stock (quants); the others are
    the far ends of moves: where goods come from or go to."""

    VIEW = "view"  # a warehouse's root: groups its locations, never holds stock
    INTERNAL = "internal"  # receiving, stock and its bins, output
    SUPPLIER = "supplier"
    CUSTOMER = "customer"
    PRODUCTION = "production"
    INVENTORY_LOSS = "inventory_loss"
    SCRAP = "scrap"


VIRTUAL_KINDS = (
    LocationKind.SUPPLIER,
    LocationKind.CUSTOMER,
    LocationKind.PRODUCTION,
    LocationKind.INVENTORY_LOSS,
)


class PickingType(enum.StrEnum):
    RECEIPT = "receipt"
    DELIVERY = "delivery"
    INTERNAL = "internal"


class StockState(enum.StrEnum):
    """The states of a move and of the document it belongs to.

    Draft: being written. Waiting: confirmed, not all of it reserved (or waiting on
    another operation). Ready: everything reserved (receipts are ready when confirmed).
    Done: posted to the ledger. Cancelled: never will be.
    """

    DRAFT = "draft"
    WAITING = "waiting"
    READY = "ready"
    DONE = "done"
    CANCELLED = "cancelled"


OPEN_STATES = (StockState.WAITING, StockState.READY)
EDITABLE_STATES = (StockState.DRAFT, StockState.WAITING, StockState.READY)


class RuleStatus(enum.StrEnum):
    """A stock rule is on alert while the forecast is under its minimum ("alert" sorts
    before "ok", so lists show alerts first)."""

    ALERT = "alert"
    OK = "ok"


class CountState(enum.StrEnum):
    """A stocktaking: prepared (draft), expected quantities frozen and being counted,
    waiting for a manager's approval of large discrepancies, applied, or cancelled."""

    DRAFT = "draft"
    COUNTING = "counting"
    TO_APPROVE = "to_approve"
    DONE = "done"
    CANCELLED = "cancelled"


class Tracking(enum.StrEnum):
    """How a product's stock is told apart: not at all, by lot (a batch number on many
    units), or by serial number (one number per unit, in one place at a time)."""

    NONE = "none"
    LOT = "lot"
    SERIAL = "serial"


class Priority(enum.StrEnum):
    """Urgent documents are served first when stock arrives; then the earliest date."""

    NORMAL = "normal"
    URGENT = "urgent"


# --------------------------------------------------------------------------- warehouses


class Warehouse(RecordMixin, ActiveMixin, CompanyMixin, Base):
    """A building or site holding stock, with its tree of locations.

    ``allow_negative`` lets its stock go below zero (goods shipped before their receipt
    is recorded); otherwise a move that would take more than is available is refused.
    Members, when there are any, are the only inventory users who reach it.
    """

    __tablename__ = "inventory_warehouse"
    __resource__ = "inventory.warehouse"
    __table_args__ = (UniqueConstraint("company_id", "code"),)

    code: Mapped[str] = mapped_column(String(WAREHOUSE_CODE_LENGTH))
    name: Mapped[Name]
    allow_negative: Mapped[bool] = mapped_column(Boolean, default=False)
    # A count whose discrepancies are worth more than this (in either direction, at
    # average cost) waits for a manager's approval; None: never.
    count_approval_value: Mapped[Decimal | None] = mapped_column(StockValue)
    address: Mapped[str | None] = mapped_column(String(ADDRESS_LENGTH))
    sequence: Mapped[int] = mapped_column(Integer, default=10)
    # Holders of this role are notified when a stock rule of the warehouse falls under its
    # minimum; None: nobody is (the alerts list still shows it).
    alert_role: Mapped[str | None] = mapped_column(String(ROLE_NAME_LENGTH))

    company = relationship("Company")
    members: Mapped[list[WarehouseMember]] = relationship(
        back_populates="warehouse",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="WarehouseMember.id",
    )

    @property
    def display_name(self) -> str:
        """The name the install gave ("Main warehouse") reads in the reader's language."""
        return f"[{self.code}] {stored_name(self.name)}"


class WarehouseMember(RecordMixin, Base):
    """A user who works in a warehouse (Inventory / User sees only such warehouses,
    and every warehouse without members)."""

    __tablename__ = "inventory_warehouse_member"
    __resource__ = "inventory.warehouse"
    __rule_parent__ = "warehouse"
    __table_args__ = (UniqueConstraint("warehouse_id", "user_id"),)

    warehouse_id: Mapped[int] = mapped_column(
        ForeignKey("inventory_warehouse.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)

    warehouse: Mapped[Warehouse] = relationship(back_populates="members")
    user = relationship("User", foreign_keys=[user_id])


class Location(RecordMixin, ActiveMixin, CompanyMixin, Base):
    """A place stock is in (a shelf) or comes from / goes to (customers).

    ``parent_path`` holds the ids from the root ("4/9/12/"), so a location's subtree is
    one indexed LIKE; ``complete_name`` is the readable path ("WH/Stock/A-01").
    ``system_key`` names the locations Tessera made and relies on ("stock:3" for the
    stock location of warehouse 3, "customer" for the company's customers).
    """

    __tablename__ = "inventory_location"
    __resource__ = "inventory.location"
    __table_args__ = (
        UniqueConstraint("company_id", "system_key"),
        UniqueConstraint("parent_id", "name"),
    )

    name: Mapped[str] = mapped_column(String(LOCATION_NAME_LENGTH))
    complete_name: Mapped[str] = mapped_column(String(LOCATION_PATH_LENGTH), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("inventory_location.id", ondelete="RESTRICT"), index=True
    )
    parent_path: Mapped[str] = mapped_column(String(255), default="", index=True)
    kind: Mapped[LocationKind] = mapped_column(_enum_column(LocationKind), index=True)
    warehouse_id: Mapped[int | None] = mapped_column(
        ForeignKey("inventory_warehouse.id", ondelete="RESTRICT"), index=True
    )
    system_key: Mapped[str | None] = mapped_column(String(SYSTEM_KEY_LENGTH))

    parent: Mapped[Location | None] = relationship(remote_side="Location.id")
    warehouse: Mapped[Warehouse | None] = relationship()

    @property
    def holds_stock(self) -> bool:
        return self.kind is LocationKind.INTERNAL

    @property
    def display_name(self) -> str:
        """The path in the reader's language: the names Tessera gave are translated."""
        return PATH_SEPARATOR.join(
            stored_name(part) for part in self.complete_name.split(PATH_SEPARATOR)
        )


class Lot(RecordMixin, CompanyMixin, Base):
    """A batch of one product received or made together (its number printed on the goods),
    or, for a product tracked by serial number, one unit's serial number."""

    __tablename__ = "inventory_lot"
    __resource__ = "inventory.lot"
    __table_args__ = (UniqueConstraint("company_id", "product_id", "name"),)

    name: Mapped[str] = mapped_column(String(LOT_NAME_LENGTH), index=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products_product.id", ondelete="RESTRICT"), index=True
    )
    expiry_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    product = relationship("Product", foreign_keys=[product_id])

    @property
    def display_name(self) -> str:
        return self.name


class ProductTracking(RecordMixin, CompanyMixin, Base):
    """How inventory tracks a product (by lot, by serial number): inventory's own side
    table keyed by the product, so the products addon never knows about it. A product
    without a row is not tracked."""

    __tablename__ = "inventory_product_tracking"
    __resource__ = "inventory.tracking"
    __table_args__ = (UniqueConstraint("product_id"),)

    product_id: Mapped[int] = mapped_column(ForeignKey("products_product.id", ondelete="CASCADE"))
    tracking: Mapped[Tracking] = mapped_column(_enum_column(Tracking), default=Tracking.NONE)

    product = relationship("Product", foreign_keys=[product_id])

    @property
    def display_name(self) -> str:
        return self.product.display_name


# --------------------------------------------------------------------------- documents


class Picking(RecordMixin, CompanyMixin, VersionMixin, Base):
    """A receipt, delivery or internal transfer: a document whose lines are moves.

    One table, one class per type (single-table inheritance on ``type``), so each type
    has its own screens and API while the ledger sees one kind of document.
    """

    __tablename__ = "inventory_picking"
    __resource__ = "inventory.picking"
    __table_args__ = (UniqueConstraint("company_id", "name"),)

    name: Mapped[Code] = mapped_column(index=True)
    type: Mapped[PickingType] = mapped_column(_enum_column(PickingType), index=True)
    state: Mapped[StockState] = mapped_column(
        _enum_column(StockState), default=StockState.DRAFT, index=True
    )
    priority: Mapped[Priority] = mapped_column(_enum_column(Priority), default=Priority.NORMAL)
    warehouse_id: Mapped[int] = mapped_column(
        ForeignKey("inventory_warehouse.id", ondelete="RESTRICT"), index=True
    )
    from_location_id: Mapped[int] = mapped_column(
        ForeignKey("inventory_location.id", ondelete="RESTRICT"), index=True
    )
    to_location_id: Mapped[int] = mapped_column(
        ForeignKey("inventory_location.id", ondelete="RESTRICT"), index=True
    )
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners_partner.id", ondelete="RESTRICT"), index=True
    )
    scheduled_date: Mapped[date] = mapped_column(Date, index=True)
    date_done: Mapped[datetime | None] = mapped_column(index=True)
    origin_model: Mapped[str | None] = mapped_column(String(ORIGIN_MODEL_LENGTH))
    origin_id: Mapped[int | None] = mapped_column(Integer)
    origin_name: Mapped[str | None] = mapped_column(String(ORIGIN_NAME_LENGTH), index=True)
    backorder_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("inventory_picking.id", ondelete="SET NULL"), index=True
    )
    # The done receipt or delivery this one sends back (goods returned). No foreign key:
    # done operations are never deleted, and adding one to SQLite would copy the table,
    # whose old copy's deletion cascades to every move.
    return_of_id: Mapped[int | None] = mapped_column(Integer, index=True)
    note: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(String(REASON_LENGTH))

    warehouse: Mapped[Warehouse] = relationship()
    from_location: Mapped[Location] = relationship(foreign_keys=[from_location_id])
    to_location: Mapped[Location] = relationship(foreign_keys=[to_location_id])
    partner = relationship("Partner", foreign_keys=[partner_id])
    backorder_of: Mapped[Picking | None] = relationship(
        remote_side="Picking.id", foreign_keys=[backorder_of_id]
    )
    return_of: Mapped[Picking | None] = relationship(
        primaryjoin="foreign(Picking.return_of_id) == remote(Picking.id)", viewonly=True
    )
    moves: Mapped[list[Move]] = relationship(
        back_populates="picking",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(Move.sequence, Move.id)",
    )

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        if cls.__name__ != "Picking":
            return {"polymorphic_identity": cls.picking_type.value}
        return {
            "version_id_col": cls.__table__.c.version,
            "polymorphic_on": cls.__table__.c.type,
            "polymorphic_abstract": True,
        }

    picking_type: ClassVar[PickingType]

    @property
    def display_name(self) -> str:
        return self.name

    @property
    def origin(self) -> tuple[str, int] | None:
        """The typed reference of what asked for this document (``("sales.order", 42)``)."""
        if self.origin_model is None or self.origin_id is None:
            return None
        return (self.origin_model, self.origin_id)


class Receipt(Picking):
    """Goods arriving from a supplier (or a customer's return) into a warehouse."""

    picking_type = PickingType.RECEIPT


class Delivery(Picking):
    """Goods leaving a warehouse for a customer; confirming it reserves stock."""

    picking_type = PickingType.DELIVERY


class Transfer(Picking):
    """Goods moved between internal locations, of one warehouse or two."""

    picking_type = PickingType.INTERNAL


PICKING_CLASSES: dict[PickingType, type[Picking]] = {
    PickingType.RECEIPT: Receipt,
    PickingType.DELIVERY: Delivery,
    PickingType.INTERNAL: Transfer,
}


# --------------------------------------------------------------------------- the ledger


class Move(RecordMixin, CompanyMixin, Base):
    """One entry of the stock ledger: ``product_qty`` of a product from one location to
    another, in the product's own unit (``quantity`` in ``uom_id`` is how it was entered).

    Until done it is a plan (a document's line); done, it is posted and frozen: a mistake
    is corrected by a reversing move (``reverses_id``), never by an edit. ``price_unit``
    is the cost per product unit it carries in or out, ``value`` its stock value.
    """

    __tablename__ = "inventory_move"
    __resource__ = "inventory.move"
    __table_args__ = (
        UniqueConstraint("reverses_id"),
        Index("ix_inventory_move_ledger", "product_id", "state", "date_done"),
    )

    picking_id: Mapped[int | None] = mapped_column(
        ForeignKey("inventory_picking.id", ondelete="CASCADE"), index=True
    )
    sequence: Mapped[int] = mapped_column(Integer, default=10)
    reference: Mapped[str] = mapped_column(String(REFERENCE_LENGTH), index=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products_product.id", ondelete="RESTRICT"), index=True
    )
    quantity: Mapped[Quantity]
    uom_id: Mapped[int] = mapped_column(ForeignKey("products_uom.id", ondelete="RESTRICT"))
    product_qty: Mapped[Quantity]
    quantity_done: Mapped[Quantity] = mapped_column(default=Decimal(0))
    reserved_qty: Mapped[Quantity] = mapped_column(default=Decimal(0))
    from_location_id: Mapped[int] = mapped_column(
        ForeignKey("inventory_location.id", ondelete="RESTRICT"), index=True
    )
    to_location_id: Mapped[int] = mapped_column(
        ForeignKey("inventory_location.id", ondelete="RESTRICT"), index=True
    )
    lot_id: Mapped[int | None] = mapped_column(
        ForeignKey("inventory_lot.id", ondelete="RESTRICT"), index=True
    )
    warehouse_id: Mapped[int | None] = mapped_column(
        ForeignKey("inventory_warehouse.id", ondelete="RESTRICT"), index=True
    )
    state: Mapped[StockState] = mapped_column(
        _enum_column(StockState), default=StockState.DRAFT, index=True
    )
    planned_date: Mapped[date] = mapped_column(Date, index=True)
    date_done: Mapped[datetime | None] = mapped_column(index=True)
    origin_model: Mapped[str | None] = mapped_column(String(ORIGIN_MODEL_LENGTH))
    origin_id: Mapped[int | None] = mapped_column(Integer)
    origin_line_id: Mapped[int | None] = mapped_column(Integer)
    origin_name: Mapped[str | None] = mapped_column(String(ORIGIN_NAME_LENGTH))
    # Costs are seen only by holders of inventory.valuation.read (core.security.access).
    price_unit: Mapped[Decimal | None] = mapped_column(
        UnitCost, info={"permission": "inventory.valuation.read"}
    )
    value: Mapped[Decimal | None] = mapped_column(
        StockValue, info={"permission": "inventory.valuation.read"}
    )
    reverses_id: Mapped[int | None] = mapped_column(
        ForeignKey("inventory_move.id", ondelete="RESTRICT")
    )

    picking: Mapped[Picking | None] = relationship(back_populates="moves")
    product = relationship("Product", foreign_keys=[product_id])
    uom = relationship("Uom", foreign_keys=[uom_id])
    from_location: Mapped[Location] = relationship(foreign_keys=[from_location_id])
    to_location: Mapped[Location] = relationship(foreign_keys=[to_location_id])
    lot: Mapped[Lot | None] = relationship()
    warehouse: Mapped[Warehouse | None] = relationship()
    reverses: Mapped[Move | None] = relationship(remote_side="Move.id")
    reservations: Mapped[list[Reservation]] = relationship(
        back_populates="move", order_by="Reservation.id"
    )

    @property
    def display_name(self) -> str:
        return self.reference

    @property
    def lot_name(self) -> str | None:
        """The lot's or serial number's name, as a line of a form shows and takes it."""
        return self.lot.name if self.lot is not None else None


# Ledger columns a done move keeps for ever; nothing else of it changes either.
@event.listens_for(Move, "before_update")
def _done_moves_are_frozen(mapper, connection, target: Move) -> None:
    history = inspect(target).attrs.state.history
    before = (history.deleted or history.unchanged or [None])[0]
    if before == StockState.DONE:
        raise ValueError(str(DONE_MOVE_FROZEN) % {"reference": target.reference})


@event.listens_for(Move, "before_delete")
def _done_moves_stay(mapper, connection, target: Move) -> None:
    if target.state == StockState.DONE:
        raise ValueError(str(DONE_MOVE_FROZEN) % {"reference": target.reference})


class Quant(IdMixin, TimestampMixin, CompanyMixin, Base):
    """What one internal location holds of one product (and lot): on hand, reserved for
    confirmed moves, and available (on hand minus reserved).

    Changed only by posting done moves and by reservations, each a conditional UPDATE
    (``ledger.py``); ``lot_key`` is the lot's id or 0, so that one quant exists per
    product, location and lot on every engine (NULLs are never equal in a unique index).
    """

    __tablename__ = "inventory_quant"
    __resource__ = "inventory.quant"
    __table_args__ = (
        UniqueConstraint("product_id", "location_id", "lot_key"),
        Index("ix_inventory_quant_location_product", "location_id", "product_id"),
    )

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products_product.id", ondelete="RESTRICT"), index=True
    )
    location_id: Mapped[int] = mapped_column(
        ForeignKey("inventory_location.id", ondelete="RESTRICT")
    )
    lot_id: Mapped[int | None] = mapped_column(
        ForeignKey("inventory_lot.id", ondelete="RESTRICT"), index=True
    )
    lot_key: Mapped[int] = mapped_column(Integer, default=0)
    warehouse_id: Mapped[int] = mapped_column(
        ForeignKey("inventory_warehouse.id", ondelete="RESTRICT"), index=True
    )
    on_hand: Mapped[Quantity] = mapped_column(default=Decimal(0))
    reserved: Mapped[Quantity] = mapped_column(default=Decimal(0))
    available: Mapped[Quantity] = mapped_column(default=Decimal(0))

    product = relationship("Product", foreign_keys=[product_id])
    location: Mapped[Location] = relationship()
    lot: Mapped[Lot | None] = relationship()
    warehouse: Mapped[Warehouse] = relationship()

    @property
    def display_name(self) -> str:
        return f"{self.location.display_name}: {self.product.display_name}"


class Reservation(IdMixin, Base):
    """The part of a quant kept for one move; the quant's ``reserved`` is their sum."""

    __tablename__ = "inventory_reservation"
    __resource__ = "inventory.move"
    __rule_parent__ = "move"
    __table_args__ = (UniqueConstraint("move_id", "quant_id"),)

    move_id: Mapped[int] = mapped_column(
        ForeignKey("inventory_move.id", ondelete="CASCADE"), index=True
    )
    quant_id: Mapped[int] = mapped_column(
        ForeignKey("inventory_quant.id", ondelete="RESTRICT"), index=True
    )
    quantity: Mapped[Quantity]

    move: Mapped[Move] = relationship(back_populates="reservations")
    quant: Mapped[Quant] = relationship()


class ProductCost(IdMixin, TimestampMixin, CompanyMixin, Base):
    """A product's stock valuation at moving-average cost: the quantity held in internal
    locations, its value, and their ratio, updated by every move in or out."""

    __tablename__ = "inventory_product_cost"
    __resource__ = "inventory.valuation"
    __table_args__ = (UniqueConstraint("product_id"),)

    product_id: Mapped[int] = mapped_column(ForeignKey("products_product.id", ondelete="RESTRICT"))
    quantity: Mapped[Quantity] = mapped_column(default=Decimal(0))
    value: Mapped[Decimal] = mapped_column(StockValue, default=Decimal(0))
    average_cost: Mapped[Decimal] = mapped_column(UnitCost, default=Decimal(0))

    product = relationship("Product", foreign_keys=[product_id])

    @property
    def display_name(self) -> str:
        return self.product.display_name


# --------------------------------------------------------------------------- stock rules


class StockRule(RecordMixin, ActiveMixin, CompanyMixin, Base):
    """A minimum and maximum of one product in one warehouse (clause 5.2.1.1, stock alerts).

    When the forecast (on hand + incoming - outgoing of confirmed operations) falls under
    the minimum, the rule is on alert and proposes to replenish up to the maximum; the
    forecast, proposal and status are kept up to date by every confirmation,
    cancellation and posting of the product in the warehouse, and an hourly job.
    """

    __tablename__ = "inventory_stock_rule"
    __resource__ = "inventory.stock_rule"
    __table_args__ = (UniqueConstraint("warehouse_id", "product_id"),)

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products_product.id", ondelete="RESTRICT"), index=True
    )
    warehouse_id: Mapped[int] = mapped_column(
        ForeignKey("inventory_warehouse.id", ondelete="RESTRICT"), index=True
    )
    minimum: Mapped[Quantity]
    maximum: Mapped[Quantity]
    forecast: Mapped[Quantity] = mapped_column(default=Decimal(0))
    proposed: Mapped[Quantity] = mapped_column(default=Decimal(0))
    status: Mapped[RuleStatus] = mapped_column(
        _enum_column(RuleStatus), default=RuleStatus.OK, index=True
    )
    checked_at: Mapped[datetime | None]

    product = relationship("Product", foreign_keys=[product_id])
    warehouse: Mapped[Warehouse] = relationship()

    @property
    def display_name(self) -> str:
        return f"{self.warehouse.code}: {self.product.display_name}"


class StockNotification(IdMixin, TimestampMixin, CompanyMixin, Base):
    """A stock alert told to one user (the holders of the warehouse's ``alert_role``):
    what the rule said when it fell under its minimum, and when the user read it.

    Written with a Core INSERT when the alert is raised (no change audit: the rule's
    history is the record); each user reads and marks only their own.
    """

    __tablename__ = "inventory_notification"
    __resource__ = "inventory.notification"
    __table_args__ = (Index("ix_inventory_notification_unread", "user_id", "read_at"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))
    rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("inventory_stock_rule.id", ondelete="SET NULL"), index=True
    )
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products_product.id", ondelete="CASCADE"), index=True
    )
    warehouse_id: Mapped[int] = mapped_column(
        ForeignKey("inventory_warehouse.id", ondelete="CASCADE"), index=True
    )
    forecast: Mapped[Quantity]
    minimum: Mapped[Quantity]
    proposed: Mapped[Quantity]
    read_at: Mapped[datetime | None]

    user = relationship("User", foreign_keys=[user_id])
    rule: Mapped[StockRule | None] = relationship()
    product = relationship("Product", foreign_keys=[product_id])
    warehouse: Mapped[Warehouse] = relationship()

    @property
    def display_name(self) -> str:
        return f"{self.warehouse.code}: {self.product.display_name}"


# --------------------------------------------------------------------------- stocktaking


class StockCount(RecordMixin, CompanyMixin, VersionMixin, Base):
    """A stocktaking of a warehouse, or of a location and what is under it, optionally of
    one product category (clause 5.2.1.2).

    Starting it freezes the expected quantities (``frozen_at``); counters enter what they
    find; applying posts, per line, the difference between counted and expected as an
    adjustment against inventory loss, so that moves done since the freeze stay counted.
    """

    __tablename__ = "inventory_count"
    __resource__ = "inventory.count"
    __table_args__ = (UniqueConstraint("company_id", "name"),)

    name: Mapped[Code] = mapped_column(index=True)
    warehouse_id: Mapped[int] = mapped_column(
        ForeignKey("inventory_warehouse.id", ondelete="RESTRICT"), index=True
    )
    location_id: Mapped[int] = mapped_column(
        ForeignKey("inventory_location.id", ondelete="RESTRICT"), index=True
    )
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("products_category.id", ondelete="RESTRICT"), index=True
    )
    state: Mapped[CountState] = mapped_column(
        _enum_column(CountState), default=CountState.DRAFT, index=True
    )
    reason: Mapped[str] = mapped_column(String(REASON_LENGTH))
    frozen_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("core_user.id", ondelete="SET NULL")
    )
    approved_at: Mapped[datetime | None]
    applied_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)

    warehouse: Mapped[Warehouse] = relationship()
    location: Mapped[Location] = relationship()
    category = relationship("ProductCategory", foreign_keys=[category_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    lines: Mapped[list[StockCountLine]] = relationship(
        back_populates="count",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="StockCountLine.id",
    )

    @property
    def display_name(self) -> str:
        return self.name


class StockCountLine(RecordMixin, Base):
    """What one place held of one product (and lot) when the count started, what was
    counted there, and the difference with its value at average cost."""

    __tablename__ = "inventory_count_line"
    __resource__ = "inventory.count"
    __rule_parent__ = "count"
    __table_args__ = (UniqueConstraint("count_id", "product_id", "location_id", "lot_key"),)

    count_id: Mapped[int] = mapped_column(
        ForeignKey("inventory_count.id", ondelete="CASCADE"), index=True
    )
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products_product.id", ondelete="RESTRICT"), index=True
    )
    location_id: Mapped[int] = mapped_column(
        ForeignKey("inventory_location.id", ondelete="RESTRICT")
    )
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("inventory_lot.id", ondelete="RESTRICT"))
    lot_key: Mapped[int] = mapped_column(Integer, default=0)
    expected: Mapped[Quantity] = mapped_column(default=Decimal(0))
    counted: Mapped[Decimal | None] = mapped_column(ExactDecimal(18, 4))
    difference: Mapped[Quantity] = mapped_column(default=Decimal(0))
    unit_cost: Mapped[Decimal] = mapped_column(
        UnitCost, default=Decimal(0), info={"permission": "inventory.valuation.read"}
    )
    difference_value: Mapped[Decimal] = mapped_column(
        StockValue, default=Decimal(0), info={"permission": "inventory.valuation.read"}
    )

    count: Mapped[StockCount] = relationship(back_populates="lines")
    product = relationship("Product", foreign_keys=[product_id])
    location: Mapped[Location] = relationship()
    lot: Mapped[Lot | None] = relationship()


# --------------------------------------------------------------------------- other addons' models


def product_model() -> type:
    """The products addon's product class, reached through a relationship: inventory
    never imports another addon's models."""
    return Move.product.property.mapper.class_


def uom_model() -> type:
    return Move.uom.property.mapper.class_


def partner_model() -> type:
    return Picking.partner.property.mapper.class_

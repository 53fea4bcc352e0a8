"""Tables of the products addon: units of measure, product categories and products.

Only columns, constraints and small read-only helpers live here; the rules (one reference
unit per category, no category cycles, unique codes) are enforced in services.py.
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Annotated

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from addons.products import messages
from core.db import (
    ActiveMixin,
    Base,
    Code,
    CompanyMixin,
    ExactDecimal,
    Money,
    Name,
    Quantity,
    Rate,
    RecordMixin,
    enum_column,
)

UOM_NAME_LENGTH = 64
UOM_CODE_LENGTH = 32
CATEGORY_NAME_LENGTH = 128
CATEGORY_PATH_LENGTH = 1024
CODE_LENGTH = 64  # core.db.Code
NAME_LENGTH = 255  # core.db.Name
BARCODE_LENGTH = 48
DESCRIPTION_LENGTH = 10_000
CATEGORY_SEPARATOR = " / "

# A can of 330 mL is 0.00033 m³: Quantity's four places would round it to 0.0003.
Volume = Annotated[Decimal, mapped_column(ExactDecimal(18, 6))]


def _enum_column(enum_class: type[enum.Enum]) -> Enum:
    return enum_column(enum_class, length=16)


class ProductType(enum.StrEnum):
    """Goods are stocked, consumables are bought and used without stock, services are work."""

    GOODS = "goods"
    CONSUMABLE = "consumable"
    SERVICE = "service"

    @property
    def label(self) -> str:
        labels = {
            ProductType.GOODS: messages.TYPE_GOODS,
            ProductType.CONSUMABLE: messages.TYPE_CONSUMABLE,
            ProductType.SERVICE: messages.TYPE_SERVICE,
        }
        return str(labels[self])


class UomKind(enum.StrEnum):
    """Where a unit stands against its category's reference unit."""

    REFERENCE = "reference"
    BIGGER = "bigger"
    SMALLER = "smaller"

    @property
    def label(self) -> str:
        labels = {
            UomKind.REFERENCE: messages.KIND_REFERENCE,
            UomKind.BIGGER: messages.KIND_BIGGER,
            UomKind.SMALLER: messages.KIND_SMALLER,
        }
        return str(labels[self])


class UomCategory(RecordMixin, Base):
    """What a unit measures (count, weight, volume...): only units of one category convert."""

    __tablename__ = "products_uom_category"
    __resource__ = "products.uom"

    name: Mapped[str] = mapped_column(String(UOM_NAME_LENGTH), unique=True)
    # Stable key of a standard category ("weight") that other addons and data can rely on.
    code: Mapped[str | None] = mapped_column(String(UOM_CODE_LENGTH), unique=True)

    units: Mapped[list[Uom]] = relationship(back_populates="category", order_by="Uom.id")

    @property
    def label(self) -> str:
        return messages.stored_name(self.name)


class Uom(RecordMixin, ActiveMixin, Base):
    """A unit of measure; ``factor`` is how many reference units one of it holds (g: 0.001)."""

    __tablename__ = "products_uom"
    __resource__ = "products.uom"
    __table_args__ = (UniqueConstraint("category_id", "name"),)

    category_id: Mapped[int] = mapped_column(
        ForeignKey("products_uom_category.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(UOM_NAME_LENGTH))
    # Stable key of a standard unit ("kg", "unit") that other addons and data can rely on.
    code: Mapped[str | None] = mapped_column(String(UOM_CODE_LENGTH), unique=True)
    kind: Mapped[UomKind] = mapped_column(_enum_column(UomKind))
    factor: Mapped[Rate] = mapped_column(default=Decimal(1))
    rounding: Mapped[Quantity] = mapped_column(default=Decimal("0.01"))

    category: Mapped[UomCategory] = relationship(back_populates="units")

    @property
    def label(self) -> str:
        return messages.stored_name(self.name)


class ProductCategory(RecordMixin, Base):
    """A node of the category tree; ``complete_name`` is its path, "All / Saleable / Office"."""

    __tablename__ = "products_category"
    __resource__ = "products.category"
    __table_args__ = (UniqueConstraint("parent_id", "name"),)

    name: Mapped[str] = mapped_column(String(CATEGORY_NAME_LENGTH))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("products_category.id", ondelete="RESTRICT"), index=True
    )
    complete_name: Mapped[str] = mapped_column(String(CATEGORY_PATH_LENGTH), index=True)

    parent: Mapped[ProductCategory | None] = relationship(
        remote_side="ProductCategory.id", back_populates="children"
    )
    children: Mapped[list[ProductCategory]] = relationship(back_populates="parent")


class Product(RecordMixin, ActiveMixin, CompanyMixin, Base):
    """A product or service a company sells, buys, stocks or makes."""

    __tablename__ = "products_product"
    __resource__ = "products.product"
    __table_args__ = (
        UniqueConstraint("company_id", "code"),
        UniqueConstraint("company_id", "barcode"),
    )

    code: Mapped[Code] = mapped_column(index=True)
    barcode: Mapped[str | None] = mapped_column(String(BARCODE_LENGTH), index=True)
    name: Mapped[Name] = mapped_column(index=True)
    type: Mapped[ProductType] = mapped_column(_enum_column(ProductType), default=ProductType.GOODS)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("products_category.id", ondelete="RESTRICT"), index=True
    )
    uom_id: Mapped[int] = mapped_column(ForeignKey("products_uom.id", ondelete="RESTRICT"))
    purchase_uom_id: Mapped[int] = mapped_column(ForeignKey("products_uom.id", ondelete="RESTRICT"))
    sale_price: Mapped[Money] = mapped_column(default=Decimal(0))
    # Only holders of products.product.read_cost see it (core.security.access).
    cost: Mapped[Money] = mapped_column(
        default=Decimal(0),
        info={"sensitive": True, "permission": "products.product.read_cost"},
    )
    tax_rate: Mapped[Rate] = mapped_column(default=Decimal(0))
    weight: Mapped[Quantity] = mapped_column(default=Decimal(0))  # kg
    volume: Mapped[Volume] = mapped_column(default=Decimal(0))  # m³
    description: Mapped[str | None] = mapped_column(Text)

    category: Mapped[ProductCategory | None] = relationship()
    uom: Mapped[Uom] = relationship(foreign_keys=[uom_id])
    purchase_uom: Mapped[Uom] = relationship(foreign_keys=[purchase_uom_id])

    @property
    def display_name(self) -> str:
        return f"[{self.code}] {self.name}" if self.code else self.name

"""The products screens, declared for core's generic list and form (no hand-made pages)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from addons.products import messages, services
from addons.products.messages import _l
from addons.products.models import Product, ProductCategory, ProductType, Uom, UomKind
from core.hookspecs import ModelView, ViewField, ViewFilter

TYPES = (
    ("goods", messages.TYPE_GOODS),
    ("consumable", messages.TYPE_CONSUMABLE),
    ("service", messages.TYPE_SERVICE),
)

PRODUCT_FIELDS = (
    ViewField("code", _l("Code"), required=False),  # taken from the sequence when blank
    ViewField("name", _l("Name")),
    ViewField("type", _l("Type"), choices=TYPES),
    ViewField("barcode", _l("Barcode")),
    ViewField("category", _l("Category")),
    ViewField("category_id", _l("Category")),
    ViewField("uom", _l("Unit")),
    ViewField("uom_id", _l("Unit")),
    ViewField("purchase_uom_id", _l("Purchase unit")),
    ViewField("sale_price", _l("Sale price")),
    ViewField("cost", _l("Cost")),
    ViewField("tax_rate", _l("Tax rate")),
    ViewField("weight", _l("Weight (kg)")),
    ViewField("volume", _l("Volume (m³)")),
    ViewField("description", _l("Description")),
)

PRODUCTS = ModelView(
    name="products.product",
    model=Product,
    label=_l("Products"),
    fields=PRODUCT_FIELDS,
    list_columns=("name", "code", "type", "category", "uom", "sale_price", "cost", "tax_rate"),
    form_fields=(
        "name",
        "code",
        "type",
        "barcode",
        "category_id",
        "uom_id",
        "purchase_uom_id",
        "sale_price",
        "cost",
        "tax_rate",
        "weight",
        "volume",
        "description",
    ),
    search_fields=("name", "code", "barcode"),
    filters=(
        ViewFilter("goods", messages.TYPE_GOODS, lambda: Product.type == ProductType.GOODS),
        ViewFilter("services", messages.TYPE_SERVICE, lambda: Product.type == ProductType.SERVICE),
    ),
    default_order="name",
    create=services.create_product,
    update=services.update_product,
    archive=services.archive_products,
    unarchive=services.unarchive_products,
    api="products",
)

CATEGORIES = ModelView(
    name="products.category",
    model=ProductCategory,
    label=_l("Product categories"),
    fields=(
        ViewField("name", _l("Name")),
        ViewField("complete_name", _l("Full name"), required=False),
        ViewField("parent", _l("Parent category")),
        ViewField("parent_id", _l("Parent category")),
    ),
    list_columns=("complete_name", "name", "parent"),
    form_fields=("name", "parent_id"),
    search_fields=("complete_name",),
    default_order="complete_name",
    create=services.create_category,
    update=services.update_category,
    delete=services.delete_category,
    api="products/categories",
    import_key=None,
)

UOM_KINDS = (
    (UomKind.REFERENCE.value, messages.KIND_REFERENCE),
    (UomKind.BIGGER.value, messages.KIND_BIGGER),
    (UomKind.SMALLER.value, messages.KIND_SMALLER),
)
UOM_FIXED = ("category_id", "kind")


def update_uom(session: Session, uom_id: int, data: Mapping[str, Any]) -> Uom:
    """The unit's service, given what may change: a form sends back its category and
    kind too, which stay as they are (sending another one is refused by the service)."""
    uom = session.get(Uom, uom_id)
    current = {"category_id": str(uom.category_id), "kind": uom.kind.value} if uom else {}
    changes = {
        name: value
        for name, value in data.items()
        if not (name in UOM_FIXED and str(value) == current.get(name))
    }
    return services.update_uom(session, uom_id, changes)


UOMS = ModelView(
    name="products.uom",
    model=Uom,
    label=_l("Units of measure"),
    fields=(
        ViewField("name", _l("Name")),
        ViewField("code", _l("Code"), required=False),
        ViewField("category", _l("Unit category")),
        ViewField("category_id", _l("Unit category")),
        ViewField("kind", _l("Kind"), choices=UOM_KINDS),
        ViewField("factor", _l("Factor")),
        ViewField("rounding", _l("Rounding")),
    ),
    list_columns=("name", "category", "kind", "factor", "rounding"),
    form_fields=("name", "category_id", "kind", "factor", "rounding"),
    search_fields=("name", "code"),
    filters=(
        ViewFilter("reference", messages.KIND_REFERENCE, lambda: Uom.kind == UomKind.REFERENCE),
    ),
    default_order="category_id",
    create=services.create_uom,
    update=update_uom,
    archive=services.archive_uoms,
    unarchive=services.unarchive_uoms,
    api="products/uoms",
)

VIEWS = (PRODUCTS, CATEGORIES, UOMS)

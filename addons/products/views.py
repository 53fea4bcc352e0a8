"""The products screens, declared for core's generic list and form (no hand-made pages)."""

from __future__ import annotations

from addons.products import messages, services
from addons.products.messages import _l
from addons.products.models import Product, ProductType
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
    api="products",
)

VIEWS = (PRODUCTS,)

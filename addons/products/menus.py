"""The products app in the menu."""

from __future__ import annotations

from addons.products.messages import _l
from core.hookspecs import MenuItem

MENUS = (
    MenuItem("products", _l("Products"), sequence=20, icon="box"),
    MenuItem(
        "products.products",
        _l("Products"),
        parent="products",
        view="products.product",
        permission="products.product.read",
        sequence=10,
    ),
    MenuItem("products.configuration", _l("Configuration"), parent="products", sequence=90),
    MenuItem(
        "products.categories",
        _l("Product categories"),
        parent="products.configuration",
        view="products.category",
        permission="products.category.read",
        sequence=10,
    ),
    MenuItem(
        "products.uoms",
        _l("Units of measure"),
        parent="products.configuration",
        view="products.uom",
        permission="products.uom.read",
        sequence=20,
    ),
)

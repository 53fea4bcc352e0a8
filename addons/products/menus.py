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
)

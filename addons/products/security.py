"""Permissions and roles of the products addon, handed to core by hooks.py.

Checking them belongs to core's permission layer; nothing here enforces anything.
"""

from __future__ import annotations

from addons.products import messages
from core.hookspecs import Permission, Role

PRODUCT = "products.product"
CATEGORY = "products.category"
UOM = "products.uom"

PERMISSIONS: tuple[Permission, ...] = (
    Permission(PRODUCT, "read", messages.PERM_PRODUCT_READ),
    Permission(PRODUCT, "create", messages.PERM_PRODUCT_CREATE),
    Permission(PRODUCT, "write", messages.PERM_PRODUCT_WRITE),
    Permission(PRODUCT, "archive", messages.PERM_PRODUCT_ARCHIVE),
    Permission(PRODUCT, "read_cost", messages.PERM_PRODUCT_READ_COST),
    Permission(PRODUCT, "export", messages.PERM_PRODUCT_EXPORT),
    Permission(CATEGORY, "read", messages.PERM_CATEGORY_READ),
    Permission(CATEGORY, "create", messages.PERM_CATEGORY_CREATE),
    Permission(CATEGORY, "write", messages.PERM_CATEGORY_WRITE),
    Permission(CATEGORY, "delete", messages.PERM_CATEGORY_DELETE),
    Permission(CATEGORY, "export", messages.PERM_CATEGORY_EXPORT),
    Permission(UOM, "read", messages.PERM_UOM_READ),
    Permission(UOM, "create", messages.PERM_UOM_CREATE),
    Permission(UOM, "write", messages.PERM_UOM_WRITE),
    Permission(UOM, "archive", messages.PERM_UOM_ARCHIVE),
    Permission(UOM, "export", messages.PERM_UOM_EXPORT),
)

USER = "products.user"
MANAGER = "products.manager"

ROLES: tuple[Role, ...] = (
    Role(
        USER,
        messages.ROLE_USER,
        permissions=(
            f"{PRODUCT}.read",
            f"{PRODUCT}.create",
            f"{PRODUCT}.write",
            f"{CATEGORY}.read",
            f"{UOM}.read",
        ),
        description=messages.ROLE_USER_DESCRIPTION,
    ),
    Role(
        MANAGER,
        messages.ROLE_MANAGER,
        permissions=(
            f"{PRODUCT}.archive",
            f"{PRODUCT}.read_cost",
            f"{PRODUCT}.export",
            f"{CATEGORY}.create",
            f"{CATEGORY}.write",
            f"{CATEGORY}.delete",
            f"{CATEGORY}.export",
            f"{UOM}.create",
            f"{UOM}.write",
            f"{UOM}.archive",
            f"{UOM}.export",
        ),
        implies=(USER,),
        description=messages.ROLE_MANAGER_DESCRIPTION,
    ),
)

"""Hook implementations of the products addon: the one module registered with pluggy.

Each function hands work to security.py or services.py; none holds business rules.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from addons.products import security, services
from addons.products.menus import MENUS
from addons.products.messages import SEQUENCE_PRODUCT
from addons.products.models import UomKind
from addons.products.services import StandardCategory, StandardUnit
from addons.products.views import VIEWS
from core.hookspecs import AddonEvent, MenuItem, ModelView, Permission, Role, SequenceDef
from core.i18n import N_
from core.plugins import hookimpl

REFERENCE, BIGGER, SMALLER = UomKind.REFERENCE, UomKind.BIGGER, UomKind.SMALLER

# Loaded at install, like Odoo's uom data; names are stored in English (N_ marks them for
# the catalogue without translating them) and shown translated through Uom.label. A working
# day is 8 hours, as services are sold by the working day.
STANDARD_UNITS = (
    StandardCategory(
        "unit",
        N_("Unit"),
        (
            StandardUnit("unit", N_("Units"), REFERENCE, "1", "0.01"),
            StandardUnit("dozen", N_("Dozens"), BIGGER, "12", "0.01"),
        ),
    ),
    StandardCategory(
        "weight",
        N_("Weight"),
        (
            StandardUnit("kg", N_("kg"), REFERENCE, "1", "0.001"),
            StandardUnit("g", N_("g"), SMALLER, "0.001", "0.01"),
            StandardUnit("t", N_("t"), BIGGER, "1000", "0.001"),
        ),
    ),
    StandardCategory(
        "volume",
        N_("Volume"),
        (
            StandardUnit("l", N_("L"), REFERENCE, "1", "0.001"),
            StandardUnit("ml", N_("mL"), SMALLER, "0.001", "0.01"),
        ),
    ),
    StandardCategory(
        "length",
        N_("Length"),
        (
            StandardUnit("m", N_("m"), REFERENCE, "1", "0.01"),
            StandardUnit("cm", N_("cm"), SMALLER, "0.01", "0.01"),
        ),
    ),
    StandardCategory(
        "working_time",
        N_("Working time"),
        (
            StandardUnit("hour", N_("Hours"), REFERENCE, "1", "0.01"),
            StandardUnit("day", N_("Days"), BIGGER, "8", "0.01"),
        ),
    ),
)


@hookimpl
def core_register_permissions() -> list[Permission]:
    return list(security.PERMISSIONS)


@hookimpl
def core_register_roles() -> list[Role]:
    return list(security.ROLES)


@hookimpl
def core_register_sequences() -> list[SequenceDef]:
    return [SequenceDef(services.PRODUCT_SEQUENCE, SEQUENCE_PRODUCT, prefix="SKU", padding=5)]


@hookimpl
def core_addon_installed(event: AddonEvent, session: Session) -> None:
    if event.addon == "products":
        services.load_standard_units(session, STANDARD_UNITS)


@hookimpl
def products_convert_quantity(
    quantity: Decimal, from_uom_id: int, to_uom_id: int, session: Session
) -> Decimal | None:
    return services.convert_quantity(session, quantity, from_uom_id, to_uom_id)


@hookimpl
def core_register_views() -> list[ModelView]:
    return list(VIEWS)


@hookimpl
def core_register_menus() -> list[MenuItem]:
    return list(MENUS)

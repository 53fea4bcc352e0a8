"""The sales addon's hook implementations: the one module of it registered with pluggy.

Each function hands work to security.py, views.py or services.py; none holds business
rules. Importing the models here registers the sales_* tables in the shared metadata.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy.orm import Session

from addons.partners.hookspecs import PartnerRef
from addons.sales import customers, plans, reports, security, services
from addons.sales.hookspecs import OrderRef
from addons.sales.menus import MENUS
from addons.sales.messages import OPEN_ORDERS_BLOCK, _l
from addons.sales.models import ORDER_SEQUENCE, PAYMENT_SEQUENCE
from addons.sales.views import VIEWS
from core.hookspecs import (
    AddonEvent,
    Dashboard,
    FormPanel,
    MenuItem,
    ModelView,
    Permission,
    RecordRule,
    Role,
    SequenceDef,
)
from core.i18n import N_
from core.plugins import hookimpl
from core.schemas import render

# Loaded at install (code, English name, place in lists); names are stored in English and
# shown translated (SalesChannel.display_name). Companies add their own.
STANDARD_CHANNELS = (
    ("direct", N_("Direct sales"), 10),
    ("distributor", N_("Distributors"), 20),
    ("online", N_("Online"), 30),
    ("retail", N_("Retail"), 40),
)


@hookimpl
def core_register_permissions() -> list[Permission]:
    return list(security.PERMISSIONS)


@hookimpl
def core_register_roles() -> list[Role]:
    return list(security.ROLES)


@hookimpl
def core_register_record_rules() -> list[RecordRule]:
    return security.record_rules()


@hookimpl
def core_register_views() -> list[ModelView]:
    return list(VIEWS)


@hookimpl
def core_register_menus() -> list[MenuItem]:
    return list(MENUS)


@hookimpl
def core_register_form_panels() -> list[FormPanel]:
    return [*customers.PANELS, *plans.PANELS]


@hookimpl
def core_register_dashboards() -> list[Dashboard]:
    return list(reports.DASHBOARDS)


@hookimpl
def core_register_sequences() -> list[SequenceDef]:
    return [
        SequenceDef(ORDER_SEQUENCE, _l("Sales order numbers"), prefix="SO%(year)s", padding=5),
        SequenceDef(PAYMENT_SEQUENCE, _l("Payment numbers"), prefix="PAY%(year)s", padding=5),
    ]


@hookimpl
def core_addon_installed(event: AddonEvent, session: Session) -> None:
    if event.addon == "sales":
        services.load_standard_channels(session, STANDARD_CHANNELS)
        services.ensure_settings(session)


@hookimpl
def partners_archive_blockers(partners: tuple[PartnerRef, ...], session: Session) -> list[str]:
    counts = services.open_orders_of(session, [partner.id for partner in partners])
    return [
        render(OPEN_ORDERS_BLOCK, name=partner.name, count=counts[partner.id])
        for partner in partners
        if counts.get(partner.id)
    ]


@hookimpl
def sales_record_delivery(
    order_id: int, delivered: Mapping[int, Decimal], note: str | None, session: Session
) -> OrderRef | None:
    order = services.record_delivery(session, order_id, delivered, note)
    return services.order_ref(order)

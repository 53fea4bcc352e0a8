"""The inventory addon's hook implementations: the one module of it registered with pluggy.

Each function hands work to security.py, views.py, services.py or queries.py; none holds
business rules. Importing the models here registers the inventory_* tables in the shared
metadata. What only makes sense with sales installed is in hooks_sales.py.
"""

from __future__ import annotations

import click
from flask import Blueprint
from sqlalchemy.orm import Session

from addons.inventory import (
    counts,
    notifications,
    pages,
    queries,
    reports,
    rules,
    security,
    services,
)
from addons.inventory.cli import inventory_group
from addons.inventory.hookspecs import DeliveryRequest, PickingRef, StockAlert, StockLevel
from addons.inventory.menus import MENUS
from addons.inventory.messages import _l
from addons.inventory.panels import PANELS
from addons.inventory.views import VIEWS
from core.hookspecs import (
    AddonEvent,
    Dashboard,
    FormPanel,
    Job,
    MenuItem,
    ModelView,
    Permission,
    RecordRule,
    Role,
    SequenceDef,
)
from core.plugins import hookimpl


@hookimpl
def core_register_blueprints() -> list[Blueprint]:
    return [pages.blueprint]


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
    return list(PANELS)


@hookimpl
def core_register_dashboards() -> list[Dashboard]:
    return list(reports.DASHBOARDS)


@hookimpl
def core_register_commands() -> list[click.Command]:
    return [inventory_group]


@hookimpl
def core_register_jobs() -> list[Job]:
    return [
        Job(
            "inventory.check_stock_rules",
            check_stock_rules,
            schedule="15 * * * *",
            description=_l("Compare stock forecasts with the stock rules and raise alerts"),
        )
    ]


def check_stock_rules(*, session: Session) -> int:
    """The hourly job: every active stock rule against its forecast."""
    return rules.check_all(session)


@hookimpl
def core_register_sequences() -> list[SequenceDef]:
    sequences = services.SEQUENCES
    return [
        SequenceDef(sequences["receipt"], _l("Receipt numbers"), prefix="IN%(year)s", padding=5),
        SequenceDef(sequences["delivery"], _l("Delivery numbers"), prefix="OUT%(year)s", padding=5),
        SequenceDef(
            sequences["internal"], _l("Internal transfer numbers"), prefix="INT%(year)s", padding=5
        ),
        SequenceDef(
            counts.COUNT_SEQUENCE, _l("Stocktaking numbers"), prefix="CNT%(year)s", padding=5
        ),
    ]


@hookimpl
def core_addon_installed(event: AddonEvent, session: Session) -> None:
    if event.addon == "inventory":
        services.create_default_warehouses(session)


@hookimpl
def products_archive_blockers(product_ids: tuple[int, ...], session: Session) -> list[str]:
    return services.archive_blockers(session, product_ids)


@hookimpl
def inventory_request_delivery(request: DeliveryRequest, session: Session) -> PickingRef | None:
    delivery = services.request_delivery(session, request)
    return None if delivery is None else services.picking_ref(delivery)


@hookimpl
def inventory_cancel_origin(
    origin_model: str, origin_id: int, reason: str, session: Session
) -> int | None:
    return services.cancel_origin(session, origin_model, origin_id, reason)


@hookimpl
def inventory_stock_levels(
    product_ids: tuple[int, ...], warehouse_id: int | None, session: Session
) -> dict[int, StockLevel] | None:
    return queries.stock_levels(session, product_ids, warehouse_id=warehouse_id)


@hookimpl
def inventory_stock_below_minimum(alerts: tuple[StockAlert, ...], session: Session) -> None:
    notifications.notify(session, alerts)

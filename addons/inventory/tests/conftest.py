"""Fixtures of the inventory tests: products made through the products addon's services,
the warehouse made at install, and helpers that receive, deliver and read stock through
inventory's own services (tests may reach into other addons; the addon may not)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from flask import g
from flask_babel import refresh
from sqlalchemy import select

from addons.inventory import services
from addons.inventory.models import Location, LocationKind, Picking, Quant, Warehouse
from addons.products import services as products
from core import db
from core.plugins import hookimpl
from core.registry import get_registry
from core.schemas import BusinessError
from core.security.models import UserRole
from core.security.passwords import hash_password
from core.security.users import User
from core.testing import log_in

INVENTORY = ("partners", "products", "inventory")
WITH_SALES = ("partners", "products", "sales", "inventory")


class InventoryListener:
    """A one-off plugin that remembers what inventory announced."""

    def __init__(self) -> None:
        self.moves: list = []
        self.deliveries: list = []
        self.receipts: list = []
        self.alerts: list = []

    @hookimpl
    def inventory_moves_done(self, moves, session) -> None:
        self.moves.extend(moves)

    @hookimpl
    def inventory_delivery_done(self, delivery, lines, session) -> None:
        self.deliveries.append((delivery, lines))

    @hookimpl
    def inventory_receipt_done(self, receipt, lines, session) -> None:
        self.receipts.append((receipt, lines))

    @hookimpl
    def inventory_stock_below_minimum(self, alerts, session) -> None:
        self.alerts.extend(alerts)


@pytest.fixture
def registry(db_session):
    registry = get_registry()
    registry.refresh(db_session)
    return registry


@pytest.fixture
def listener(registry) -> InventoryListener:
    plugin = InventoryListener()
    registry.pm.register(plugin)
    yield plugin
    registry.pm.unregister(plugin)


@pytest.fixture
def chinese(db_session):
    g.language = "zh_Hans_CN"
    refresh()
    yield
    g.pop("language")
    refresh()


@pytest.fixture
def warehouse(db_session) -> Warehouse:
    """The warehouse every company gets at install."""
    return services.default_warehouse(db_session, 1)


@pytest.fixture
def stock(db_session, warehouse) -> Location:
    return services.warehouse_location(db_session, warehouse, "stock")


@pytest.fixture
def chair(db_session):
    return products.create_product(
        db_session, {"name": "Office chair", "sale_price": "100.00", "cost": "40.00"}
    )


@pytest.fixture
def desk(db_session):
    return products.create_product(db_session, {"name": "Desk", "sale_price": "300.00"})


def uom(session, code: str):
    return products.uom_by_code(session, code)


def lines(*items) -> list[dict]:
    """Lines of an operation from (product, quantity[, extra fields])."""
    rows = []
    for item in items:
        product, quantity, *extra = item
        rows.append(
            {"product_id": product.id, "quantity": str(quantity), **(extra[0] if extra else {})}
        )
    return rows


def receive(session, *items, validate=True, **header) -> Picking:
    """A receipt of ``items`` from the suppliers into stock, confirmed and validated."""
    receipt = services.create_receipt(session, {"moves": lines(*items), **header})
    services.confirm_picking(session, receipt)
    if validate:
        services.validate_picking(session, receipt)
    return receipt


def deliver(session, *items, confirm=True, validate=False, **header) -> Picking:
    """A delivery of ``items`` from stock to the customers, confirmed (reserving)."""
    delivery = services.create_delivery(session, {"moves": lines(*items), **header})
    if confirm:
        services.confirm_picking(session, delivery)
    if validate:
        services.validate_picking(session, delivery)
    return delivery


def set_done(session, picking: Picking, *quantities) -> Picking:
    """Enter the quantities done on a confirmed operation's lines, in order."""
    rows = [
        {"id": move.id, "quantity_done": str(quantity)}
        for move, quantity in zip(picking.moves, quantities, strict=True)
    ]
    return services.update_picking(session, picking.id, {"moves": rows})


def quant_of(session, product, location) -> tuple[Decimal, Decimal, Decimal]:
    """(on hand, reserved, available) of a product in exactly one location."""
    row = session.execute(
        select(Quant.on_hand, Quant.reserved, Quant.available).where(
            Quant.product_id == product.id, Quant.location_id == location.id
        )
    ).one_or_none()
    return tuple(row) if row else (Decimal(0), Decimal(0), Decimal(0))


def location(session, kind: LocationKind, company_id: int = 1) -> Location:
    return session.scalar(
        select(Location).where(Location.company_id == company_id, Location.system_key == kind.value)
    )


def q(text: str | int) -> Decimal:
    """A quantity as the database returns it (four places)."""
    return Decimal(text).quantize(Decimal("0.0001"))


@contextmanager
def refused(session, match: str | None = None) -> Iterator[pytest.ExceptionInfo]:
    """Expect a BusinessError from the block and take back what it wrote (as the request
    that ran it would, by rolling back), keeping the test's own data."""
    savepoint = session.begin_nested()
    with pytest.raises(BusinessError, match=match) as raised:
        yield raised
    savepoint.rollback()


# --------------------------------------------------------------------------- screens and API

PASSWORD = "jasmine-tea-at-dawn-58"  # test users only  # nosec B105
ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}


@pytest.fixture
def site(app):
    """Two clerks in two warehouses, a manager and two products, committed."""
    with app.app_context():
        session = db.session()
        users = {}
        for login, role in (
            ("zhang", "inventory.user"),
            ("wu", "inventory.user"),
            ("boss", "inventory.manager"),
        ):
            user = User(
                login=login, name=login.title(), password_hash=hash_password(PASSWORD), company_id=1
            )
            session.add(user)
            session.flush()
            session.add(UserRole(user_id=user.id, role=role))
            users[login] = user.id
        main = services.default_warehouse(session, 1)
        services.update_warehouse(session, main.id, {"members": [{"user_id": users["zhang"]}]})
        other = services.create_warehouse(
            session, {"code": "GZ", "name": "Guangzhou", "members": [{"user_id": users["wu"]}]}
        )
        chair = products.create_product(session, {"name": "Office chair", "cost": "40.00"})
        desk = products.create_product(session, {"name": "Desk"})
        ids = {"main": main.id, "other": other.id, "chair": chair.id, "desk": desk.id, **users}
        session.commit()
    return ids


def logged_in(app, login: str):
    client = app.test_client()
    client.csrf_token = log_in(client, login, PASSWORD)
    return client


def created_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return int(re.search(r"/(\d+)$", response.headers["Location"])[1])


def action(client, path: str, name: str, **data):
    response = client.post(f"{path}/action/{name}", data={"csrf_token": client.csrf_token, **data})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return response

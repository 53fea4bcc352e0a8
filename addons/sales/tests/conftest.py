"""Fixtures of the sales tests: customers, products and orders made through the services of
partners, products and sales (tests may reach into other addons; the addon may not)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import g
from flask_babel import refresh
from sqlalchemy import func, select

from addons.partners import services as partners
from addons.products import services as products
from addons.sales import services
from addons.sales.models import SalesOrder
from core.models import Company
from core.plugins import hookimpl
from core.registry import get_registry

SALES = ("partners", "products", "sales")


class SalesListener:
    """A one-off plugin that remembers what sales announced."""

    def __init__(self) -> None:
        self.confirmed: list = []
        self.cancelled: list = []

    @hookimpl
    def sales_order_confirmed(self, order, lines, session) -> None:
        self.confirmed.append((order, lines))

    @hookimpl
    def sales_order_cancelled(self, order, lines, was_confirmed, session) -> None:
        self.cancelled.append((order, lines, was_confirmed))


@pytest.fixture
def registry(db_session):
    registry = get_registry()
    registry.refresh(db_session)
    return registry


@pytest.fixture
def listener(registry) -> SalesListener:
    plugin = SalesListener()
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
def customer(db_session):
    return partners.create_partner(db_session, {"name": "Acme Trading", "is_customer": True})


@pytest.fixture
def chair(db_session):
    return products.create_product(
        db_session, {"name": "Office chair", "sale_price": "100.00", "tax_rate": "0.13"}
    )


@pytest.fixture
def desk(db_session):
    return products.create_product(
        db_session, {"name": "Desk", "sale_price": "333.33", "tax_rate": "0.13"}
    )


@pytest.fixture
def setup_service(db_session):
    return products.create_product(
        db_session,
        {"name": "Installation", "type": "service", "sale_price": "50.00", "tax_rate": "0.06"},
    )


@pytest.fixture
def other_company(db_session):
    company = Company(name="Other Co", code="OTHER", currency="CNY")
    db_session.add(company)
    db_session.flush()
    return company


def order_for(session, customer, *lines, **fields) -> SalesOrder:
    """A quotation of ``customer`` with ``lines`` as (product, quantity[, extra fields])."""
    rows = []
    for line in lines:
        product, quantity, *extra = line
        rows.append(
            {"product_id": product.id, "quantity": str(quantity), **(extra[0] if extra else {})}
        )
    return services.create_order(session, {"customer_id": customer.id, "lines": rows, **fields})


def confirmed_order(session, customer, *lines) -> SalesOrder:
    order = order_for(session, customer, *lines)
    services.confirm_order(session, order)
    return order


def count_orders(session) -> int:
    return session.scalar(select(func.count()).select_from(SalesOrder))


def money(text: str) -> Decimal:
    return Decimal(text)

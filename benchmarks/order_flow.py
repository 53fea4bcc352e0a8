"""Order flow through the sales service layer: orders per second, SQL per order, memory.

Run: `python benchmarks/order_flow.py [--orders 500] [--lines 5] [--prefill 0]
[--no-inventory] [--postgres URL | --no-postgres]`. Loads 500 customers and 500 products
(with inventory: received into stock), then for each order, each step its own transaction
as a user's click would be: create the quotation with ``--lines`` lines and confirm it
(with its credit check; with inventory installed, which it is unless ``--no-inventory``,
confirming also creates the delivery and reserves its stock), validate the delivery (the
ledger posts the moves and inventory reports them to sales), and register the customer's
payment. Without inventory, the delivery step is the report inventory would make
(``sales_record_delivery``).
``--prefill N`` first bulk-loads N confirmed orders (one line each), to see whether the
figures hold when the tables are large. Prints figures; asserts nothing.

The peer, Tryton 8.2, measured on this workload (500 orders × 5 lines, SQLite, in-process):
create + quote + confirm 3.5 orders/s, shipping to done 3.6 orders/s, order to delivery
1.8 orders/s end to end, 230 MB.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from common import DEFAULT_POSTGRES, postgres_database, print_peak_memory
from sqlalchemy import event, insert, select, text

from addons.partners import services as partners
from addons.products import services as products
from addons.sales import services
from addons.sales.models import (
    DeliveryStatus,
    OrderState,
    PaymentStatus,
    SalesOrder,
    SalesOrderLine,
)
from core.app import create_app
from core.db import utcnow
from core.registry import get_registry
from core.setup import initialise_database

PASSWORD = "benchmark-password-2026"  # noqa: S105 - throwaway databases
SECRET = "benchmark-secret-key-not-for-production"  # noqa: S105 - throwaway databases
KEYS = "bench:dGVzc2VyYS1iZW5jaG1hcmstdGhyb3dhd2F5LWtleSE="  # throwaway databases
CUSTOMERS = 500
PRODUCTS = 500
BATCH = 5_000


@dataclass
class Phase:
    name: str
    seconds: float = 0.0
    statements: int = 0
    orders: int = 0

    def line(self) -> str:
        rate = self.orders / self.seconds if self.seconds else 0.0
        per_order = self.statements / self.orders if self.orders else 0.0
        return f"  {self.name:<22} {rate:8.1f} orders/s  {per_order:5.1f} SQL statements per order"


@dataclass
class Counter:
    count: int = 0
    phases: list[Phase] = field(default_factory=list)


def setup(url: str, prefill: int, inventory: bool) -> tuple:
    app = create_app(
        {"DATABASE_URL": url, "SECRET_KEY": SECRET, "ENCRYPTION_KEYS": KEYS, "BROKER_URL": None}
    )
    with app.app_context():
        initialise_database(app, login="admin", password=PASSWORD, name="Admin", company="Bench")
        addons = ["partners", "products", "sales"] + (["inventory"] if inventory else [])
        get_registry(app).lifecycle.install(addons)
    database = app.extensions["tessera.db"]
    rng = random.Random(2026)  # noqa: S311 - test data only  # nosec B311

    def load(session):
        customers = [
            partners.create_partner(
                # A limit no order reaches: every confirmation runs the credit check.
                session,
                {"name": f"客户 {n:04d}", "is_customer": True, "credit_limit": "900000000.00"},
            ).id
            for n in range(CUSTOMERS)
        ]
        items = [
            products.create_product(
                session,
                {
                    "name": f"产品 {n:04d}",
                    "sale_price": f"{rng.randint(100, 99_999) / 100:.2f}",
                    "tax_rate": "0.13",
                },
            ).id
            for n in range(PRODUCTS)
        ]
        return customers, items

    with app.app_context():
        start = time.perf_counter()
        customers, items = database.atomic(load)
        if inventory:
            database.atomic(lambda session: receive_stock(session, items))
        print(
            f"  loaded {CUSTOMERS} customers and {PRODUCTS} products in "
            f"{time.perf_counter() - start:.1f} s" + (", received into stock" if inventory else "")
        )
        if prefill:
            start = time.perf_counter()
            bulk_orders(database, prefill, customers, items, rng)
            print(
                f"  bulk-loaded {prefill:,} confirmed orders in {time.perf_counter() - start:.1f} s"
            )
    return app, customers, items, rng


def receive_stock(session, items: list[int]) -> None:
    """One receipt of plenty of every product into the default warehouse."""
    from addons.inventory import services as inventory

    warehouse = inventory.default_warehouse(session, 1)
    receipt = inventory.create_receipt(
        session,
        {
            "warehouse_id": warehouse.id,
            "moves": [{"product_id": item, "quantity": "1000000"} for item in items],
        },
    )
    inventory.confirm_picking(session, receipt)
    inventory.validate_picking(session, receipt)


def bulk_orders(database, count: int, customers: list[int], items: list[int], rng) -> None:
    """``count`` confirmed one-line orders, inserted in bulk (not through the services)."""
    with database.new_session() as session:
        company_id, uom_id = session.execute(
            text("SELECT company_id, uom_id FROM products_product ORDER BY id LIMIT 1")
        ).one()
        now = utcnow()
        for start in range(0, count, BATCH):
            numbers = range(start, min(start + BATCH, count))
            ids = session.scalars(
                insert(SalesOrder).returning(SalesOrder.id, sort_by_parameter_order=True),
                [
                    {
                        "name": f"BULK{number:08d}",
                        "company_id": company_id,
                        "customer_id": rng.choice(customers),
                        "currency": "CNY",
                        "order_date": now.date(),
                        "state": OrderState.CONFIRMED,
                        "delivery_status": DeliveryStatus.UNDELIVERED,
                        "payment_status": PaymentStatus.UNPAID,
                        "amount_untaxed": Decimal("100.00"),
                        "amount_tax": Decimal("13.00"),
                        "amount_total": Decimal("113.00"),
                        "amount_paid": Decimal(0),
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for number in numbers
                ],
            ).all()
            session.execute(
                insert(SalesOrderLine),
                [
                    {
                        "order_id": order_id,
                        "sequence": 10,
                        "product_id": rng.choice(items),
                        "description": "bulk",
                        "quantity": Decimal(1),
                        "uom_id": uom_id,
                        "product_qty": Decimal(1),
                        "price_unit": Decimal("100.00"),
                        "discount": Decimal(0),
                        "tax_rate": Decimal("0.13"),
                        "subtotal": Decimal("100.00"),
                        "tax": Decimal("13.00"),
                        "total": Decimal("113.00"),
                        "qty_delivered": Decimal(0),
                        "created_at": now,
                        "updated_at": now,
                    }
                    for order_id in ids
                ],
            )
            session.commit()


def run(url: str, orders: int, lines: int, prefill: int, inventory: bool) -> None:
    app, customers, items, rng = setup(url, prefill, inventory)
    database = app.extensions["tessera.db"]
    counter = Counter()

    @event.listens_for(database.engine, "before_cursor_execute")
    def count(*args) -> None:
        counter.count += 1

    def timed(name: str, work: Callable[[int], None], ids: list[int]) -> list:
        phase = Phase(name)
        results = []
        before = counter.count
        start = time.perf_counter()
        for item in ids:
            results.append(work(item))
        phase.seconds = time.perf_counter() - start
        phase.statements = counter.count - before
        phase.orders = len(ids)
        counter.phases.append(phase)
        return results

    def create_and_confirm(n: int) -> int:
        def click(session):
            order = services.create_order(
                session,
                {
                    "customer_id": rng.choice(customers),
                    "lines": [
                        {"product_id": product_id, "quantity": str(rng.randint(1, 20))}
                        for product_id in rng.sample(items, lines)
                    ],
                },
            )
            return order.id

        order_id = database.atomic(click)
        database.atomic(lambda s: services.confirm_order(s, s.get(SalesOrder, order_id)))
        return order_id

    def validate_delivery(order_id: int) -> None:
        from addons.inventory import services as stock
        from addons.inventory.models import Picking

        def click(session):
            picking = session.scalar(
                select(Picking).where(
                    Picking.origin_model == "sales.order", Picking.origin_id == order_id
                )
            )
            stock.validate_picking(session, picking)

        database.atomic(click)

    def deliver(order_id: int) -> None:
        def click(session):
            order = session.get(SalesOrder, order_id)
            quantities = {line.id: line.product_qty for line in order.lines}
            get_registry().hook.sales_record_delivery(
                order_id=order_id, delivered=quantities, note=None, session=session
            )

        database.atomic(click)

    def pay(order_id: int) -> None:
        def click(session):
            order = session.get(SalesOrder, order_id)
            services.register_payment(
                session,
                {
                    "customer_id": order.customer_id,
                    "amount": str(order.amount_total),
                    "allocations": [{"order_id": order_id, "amount": str(order.amount_total)}],
                },
            )

        database.atomic(click)

    with app.app_context():
        if inventory:
            made = timed("create+confirm+reserve", create_and_confirm, list(range(orders)))
            timed("delivery validated", validate_delivery, made)
        else:
            made = timed("create + confirm", create_and_confirm, list(range(orders)))
            timed("delivery reported", deliver, made)
        timed("payment registered", pay, made)
        done = database.new_session().scalar(
            select(text("count(*)"))
            .select_from(SalesOrder)
            .where(SalesOrder.id.in_(made), SalesOrder.state == "done")
        )
    for phase in counter.phases:
        print(phase.line())
    total = sum(phase.seconds for phase in counter.phases)
    statements = sum(phase.statements for phase in counter.phases)
    print(
        f"  {'end to end':<22} {orders / total:8.1f} orders/s  "
        f"{statements / orders:5.1f} SQL statements per order  ({done} of {orders} done)"
    )
    database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--lines", type=int, default=5)
    parser.add_argument("--prefill", type=int, default=0)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-inventory", action="store_true")
    args = parser.parse_args()
    inventory = not args.no_inventory

    print(
        f"{args.orders} orders of {args.lines} lines, {args.prefill:,} orders there before, "
        + ("inventory installed" if inventory else "without inventory")
    )
    with tempfile.TemporaryDirectory() as folder:
        print("SQLite:")
        path = Path(folder) / "bench.sqlite"
        run(f"sqlite:///{path}", args.orders, args.lines, args.prefill, inventory)
    if not args.no_postgres:
        with postgres_database(args.postgres) as url:
            if url is not None:
                print("PostgreSQL:")
                run(url, args.orders, args.lines, args.prefill, inventory)
    print_peak_memory()


if __name__ == "__main__":
    main()

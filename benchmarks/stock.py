"""The stock ledger under load: moves posted per second, stock queries, a 1,000-line count.

Run: `python benchmarks/stock.py [--products 1000] [--moves 200000] [--lines 10]
[--postgres URL | --no-postgres]`. Loads ``--products`` products and a second warehouse,
then posts ``--moves`` moves through inventory's services, ``--lines`` per operation and
one transaction per operation as a clerk's validation would be: receipts into both
warehouses first, then deliveries out of them (so every delivery reserves and takes real
stock). Then it times the stock on hand of one product and of a whole warehouse
(``queries.stock_levels``, the same code the hooks and screens use), stock as of a date,
and starting and applying a count of warehouse 1 (one line per product held).

The floor is plain SQL doing the same writes on the same database: the same number of
done moves inserted and quants updated, ``--lines`` per transaction, and a count's
adjustments as one transaction. Prints figures; asserts nothing. The issue's size is the
default; ``--moves 20000`` gives the same rates in a tenth of the time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from common import DEFAULT_POSTGRES, postgres_database, print_peak_memory
from sqlalchemy import event, func, insert, select, text, update

from addons.inventory import counts, ledger, queries, services
from addons.inventory.models import Move, Quant, StockState
from addons.products import services as products
from core.app import create_app
from core.db import utcnow
from core.registry import get_registry
from core.setup import initialise_database

PASSWORD = "benchmark-password-2026"  # noqa: S105 - throwaway databases
SECRET = "benchmark-secret-key-not-for-production"  # noqa: S105 - throwaway databases
KEYS = "bench:dGVzc2VyYS1iZW5jaG1hcmstdGhyb3dhd2F5LWtleSE="  # throwaway databases
QUERY_RUNS = 30


class Statements:
    """Counts the SQL statements an engine runs."""

    def __init__(self, engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args) -> None:
        self.count += 1


def setup(url: str, product_count: int):
    app = create_app(
        {"DATABASE_URL": url, "SECRET_KEY": SECRET, "ENCRYPTION_KEYS": KEYS, "BROKER_URL": None}
    )
    with app.app_context():
        initialise_database(app, login="admin", password=PASSWORD, name="Admin", company="Bench")
        get_registry(app).lifecycle.install(["inventory"])
    database = app.extensions["tessera.db"]

    def load(session):
        made = [
            products.create_product(session, {"name": f"产品 {n:04d}", "cost": "10.00"}).id
            for n in range(product_count)
        ]
        first = services.default_warehouse(session, 1)
        second = services.create_warehouse(session, {"code": "WH2", "name": "Second"})
        stocks = [services.warehouse_location(session, w, "stock").id for w in (first, second)]
        return made, [first.id, second.id], stocks

    with app.app_context():
        start = time.perf_counter()
        items, warehouses, stocks = database.atomic(load)
        print(f"  loaded {product_count:,} products in {time.perf_counter() - start:.1f} s")
    return app, items, warehouses, stocks


def post_through_services(app, items, warehouses, moves: int, lines: int, rng) -> float:
    """Receipts for the first half of the moves, deliveries for the second; moves/s."""
    database = app.extensions["tessera.db"]
    operations = moves // lines
    receipts = operations // 2
    if receipts * lines < len(items) * len(warehouses):
        raise SystemExit("--moves too small: half of them must receive every product twice")

    def operation(number: int) -> None:
        warehouse_id = warehouses[number % len(warehouses)]
        if number < receipts:  # round robin: every product reaches every warehouse
            first = (number // len(warehouses)) * lines
            picked = [items[(first + i) % len(items)] for i in range(lines)]
        else:
            picked = rng.sample(items, lines)
        kind = services.create_receipt if number < receipts else services.create_delivery
        quantity = "50" if number < receipts else "1"

        def click(session):
            picking = kind(
                session,
                {
                    "warehouse_id": warehouse_id,
                    "moves": [{"product_id": p, "quantity": quantity} for p in picked],
                },
            )
            services.confirm_picking(session, picking)
            services.validate_picking(session, picking)

        database.atomic(click)

    with app.app_context():
        start = time.perf_counter()
        for number in range(operations):
            operation(number)
        return operations * lines / (time.perf_counter() - start)


def post_raw(app, items, stocks, moves: int, lines: int, rng) -> float:
    """The floor: the same done moves and quant updates in plain SQL; moves/s."""
    database = app.extensions["tessera.db"]
    with app.app_context(), database.new_session() as session:
        row = session.execute(text("SELECT company_id, uom_id FROM products_product LIMIT 1"))
        company_id, uom_id = row.one()
        supplier = services.system_location(session, company_id, "supplier").id
        quant_ids = {}
        for location_id in stocks:
            place = ledger.place(session, location_id)
            for product_id in items:
                quant_ids[(product_id, location_id)] = ledger.quant_id(
                    session, product_id, place, None
                )
        session.commit()
        now = utcnow()
        start = time.perf_counter()
        for number in range(moves // lines):
            location_id = stocks[number % len(stocks)]
            picked = rng.sample(items, lines)
            session.execute(
                insert(Move),
                [
                    {
                        "reference": f"RAW{number}",
                        "product_id": product_id,
                        "quantity": Decimal(1),
                        "uom_id": uom_id,
                        "product_qty": Decimal(1),
                        "quantity_done": Decimal(0),
                        "reserved_qty": Decimal(0),
                        "from_location_id": supplier,
                        "to_location_id": location_id,
                        "company_id": company_id,
                        "state": StockState.DONE,
                        "planned_date": now.date(),
                        "date_done": now,
                        "sequence": 10,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for product_id in picked
                ],
            )
            for product_id in sorted(picked):
                session.execute(
                    update(Quant)
                    .where(Quant.id == quant_ids[(product_id, location_id)])
                    .values(on_hand=Quant.on_hand + 1, available=Quant.available + 1)
                )
            session.commit()
        return (moves // lines) * lines / (time.perf_counter() - start)


def timed(work: Callable[[], object], runs: int = QUERY_RUNS) -> tuple[float, object]:
    """Median milliseconds of ``runs`` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def queries_and_count(app, items, warehouses, stocks, rng, statements: Statements) -> None:
    database = app.extensions["tessera.db"]
    with app.app_context(), database.new_session() as session:
        product_id = items[0]
        one, _levels = timed(
            lambda: queries.stock_levels(session, [product_id], warehouse_id=warehouses[0])
        )
        whole, all_levels = timed(
            lambda: queries.stock_levels(session, None, warehouse_id=warehouses[0]), runs=10
        )
        past, _ = timed(lambda: queries.stock_at(session, product_id, utcnow()))
        print(f"  stock of one product in a warehouse   {one:8.2f} ms")
        print(f"  stock of a whole warehouse ({len(all_levels):,} products) {whole:8.2f} ms")
        print(f"  stock of one product as of a date     {past:8.2f} ms")
        session.rollback()

    def prepare(session):
        count = counts.create_count(session, {"reason": "benchmark", "location_id": stocks[0]})
        counts.start_count(session, count)
        return count.id

    with app.app_context():
        start = time.perf_counter()
        count_id = database.atomic(prepare)
        started = time.perf_counter() - start

        def enter(session):
            count = counts._get(session, count_id)
            rows = [
                {
                    "id": line.id,
                    "product_id": line.product_id,
                    "location_id": line.location_id,
                    "counted": str(max(line.expected + rng.randint(-2, 2), Decimal(0))),
                }
                for line in count.lines
            ]
            counts.update_count(session, count_id, {"lines": rows})
            return len(rows)

        size = database.atomic(enter)
        before = statements.count
        start = time.perf_counter()
        database.atomic(lambda s: counts.apply_count(s, counts._get(s, count_id)))
        applied = time.perf_counter() - start
        used = statements.count - before
        print(
            f"  count of {size:,} lines: start {started:.2f} s, "
            f"apply {applied:.2f} s ({used:,} SQL)"
        )

    with app.app_context(), database.new_session() as session:
        adjustments = session.execute(
            select(func.count()).select_from(Move).where(Move.reference.like("CNT%"))
        ).scalar()
        now = utcnow()
        row = session.execute(text("SELECT company_id, uom_id FROM products_product LIMIT 1"))
        company_id, uom_id = row.one()
        loss = services.system_location(session, company_id, "inventory_loss").id
        quants = session.execute(
            select(Quant.id, Quant.product_id).where(Quant.location_id == stocks[0])
        ).all()[:size]
        session.commit()
        start = time.perf_counter()
        session.execute(
            insert(Move),
            [
                {
                    "reference": "RAWCOUNT",
                    "product_id": product_id,
                    "quantity": Decimal(1),
                    "uom_id": uom_id,
                    "product_qty": Decimal(1),
                    "quantity_done": Decimal(0),
                    "reserved_qty": Decimal(0),
                    "from_location_id": loss,
                    "to_location_id": stocks[0],
                    "company_id": company_id,
                    "state": StockState.DONE,
                    "planned_date": now.date(),
                    "date_done": now,
                    "sequence": 10,
                    "created_at": now,
                    "updated_at": now,
                }
                for _quant, product_id in quants
            ],
        )
        for quant, _product_id in quants:
            session.execute(
                update(Quant)
                .where(Quant.id == quant)
                .values(on_hand=Quant.on_hand + 1, available=Quant.available + 1)
            )
        session.commit()
        raw = time.perf_counter() - start
        print(
            f"  the same {len(quants):,} adjustments in plain SQL {raw:.2f} s "
            f"(the count posted {adjustments:,} of its lines' differences)"
        )
        problems, quant_count, done = ledger.check(session)
        print(f"  ledger check: {len(problems)} problems, {quant_count:,} quants, {done:,} moves")


def run(url: str, product_count: int, moves: int, lines: int) -> None:
    rng = random.Random(2026)  # noqa: S311 - test data only  # nosec B311
    app, items, warehouses, stocks = setup(url, product_count)
    database = app.extensions["tessera.db"]
    statements = Statements(database.engine)
    before = statements.count
    rate = post_through_services(app, items, warehouses, moves, lines, rng)
    per_move = (statements.count - before) / moves
    print(f"  moves posted through the services    {rate:8.1f} moves/s ({per_move:.1f} SQL each)")
    floor = post_raw(app, items, stocks, moves, lines, rng)
    print(f"  the same writes in plain SQL         {floor:8.1f} moves/s")
    queries_and_count(app, items, warehouses, stocks, rng, statements)
    database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--moves", type=int, default=200_000)
    parser.add_argument("--lines", type=int, default=10)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()

    print(f"{args.products:,} products, 2 warehouses, {args.moves:,} moves, {args.lines} a time")
    with tempfile.TemporaryDirectory() as folder:
        print("SQLite:")
        run(f"sqlite:///{Path(folder) / 'bench.sqlite'}", args.products, args.moves, args.lines)
    if not args.no_postgres:
        with postgres_database(args.postgres) as url:
            if url is not None:
                print("PostgreSQL:")
                run(url, args.products, args.moves, args.lines)
    print_peak_memory()


if __name__ == "__main__":
    main()

"""Sample records of the inventory resources for the authorization matrix
(tests/test_authorization_matrix.py; the :class:`Sample` contract is in tests/matrix_samples.py).

Operations move one unit of the company's stocked product in the warehouse the context
names (``ids["warehouse"]``): the company's first one, open to every storekeeper, or for
record-rule checks one whose members are someone else. Counts there have an approval
value of nothing, so a difference counted by a storekeeper waits for a manager.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from addons.inventory.models import Move, ProductCost, StockCountLine, StockNotification
from tests.matrix_samples import Body, Ctx, Sample

RECEIPTS = "inventory/receipts"
DELIVERIES = "inventory/deliveries"
TRANSFERS = "inventory/transfers"
COUNTS = "inventory/counts"


def operation(ctx: Ctx) -> Body:
    line = {"product_id": ctx.ids["product"], "quantity": "1"}
    return {"warehouse_id": ctx.ids["warehouse"], "moves": [line]}


def _confirm(api: str):
    def confirm(ctx: Ctx, picking_id: int) -> None:
        ctx.act(api, picking_id, "confirm")

    return confirm


def _done(api: str):
    def done(ctx: Ctx, picking_id: int) -> None:
        ctx.act(api, picking_id, "confirm")
        ctx.act(api, picking_id, "validate")

    return done


def _waiting(api: str):
    """Confirmed for a product nothing is held of: it waits for stock."""

    def waiting(ctx: Ctx, picking_id: int) -> None:
        ctx.patch(api, picking_id, {"moves": [{"product_id": ctx.ids["empty"], "quantity": "1"}]})
        ctx.act(api, picking_id, "confirm")

    return waiting


def _operation(api: str, returns: bool = True) -> Sample:
    states = {
        "confirm": None,
        "check_availability": _waiting(api),
        "validate": _confirm(api),
        "unreserve": _confirm(api),
        "cancel": None,
    }
    if returns:
        states["return"] = _done(api)
    return Sample(
        create=operation,
        change=lambda ctx: {"note": f"Matrix note {ctx.n}"},
        states=states,
    )


def _done_move(ctx: Ctx) -> int:
    receipt = ctx.post(RECEIPTS, operation(ctx))
    _done(RECEIPTS)(ctx, receipt)
    statement = select(Move.id).where(Move.picking_id == receipt).order_by(Move.id)
    return ctx.sql(lambda session: session.scalars(statement).first())


def _stock(ctx: Ctx) -> Body:
    """What the shelf holds of the counted product (set, never added up)."""
    return {"product_id": ctx.ids["counted"], "location_id": ctx.ids["stock"], "on_hand": "5"}


def _cost(ctx: Ctx) -> int:
    product_id, company_id = ctx.ids["product"], ctx.ids["company"]
    statement = select(ProductCost.id).where(
        ProductCost.product_id == product_id, ProductCost.company_id == company_id
    )
    return ctx.sql(lambda session: session.scalar(statement))


def _count_lines(ctx: Ctx, count_id: int) -> list[dict]:
    columns = ("id", "product_id", "location_id", "lot_id", "expected")
    statement = (
        select(*(getattr(StockCountLine, name) for name in columns))
        .where(StockCountLine.count_id == count_id)
        .order_by(StockCountLine.id)
    )
    return ctx.sql(lambda session: [dict(zip(columns, row)) for row in session.execute(statement)])


def _counted(ctx: Ctx, count_id: int, more: int) -> None:
    """Started, and its first line counted at what was expected plus ``more`` (a count
    takes back every line it froze)."""
    ctx.act(COUNTS, count_id, "start")
    lines = _count_lines(ctx, count_id)
    for line in lines:
        line["counted"] = None
    lines[0]["counted"] = str(lines[0]["expected"] + more)
    rows = [{k: v for k, v in line.items() if k != "expected"} for line in lines]
    ctx.patch(COUNTS, count_id, {"lines": rows})


def _to_approve(ctx: Ctx, count_id: int) -> None:
    """A difference applied by a storekeeper, who may not approve it: it waits."""
    _counted(ctx, count_id, 1)
    ctx.act(COUNTS, count_id, "apply", as_user=ctx.world.clerks[ctx.company])


def _start(ctx: Ctx, count_id: int) -> None:
    ctx.act(COUNTS, count_id, "start")


def _notification(ctx: Ctx) -> int:
    """A stock alert told to the user (the system writes them as a rule falls short)."""

    def tell(session) -> int:
        told = StockNotification(
            user_id=ctx.owner_id,
            company_id=ctx.ids["company"],
            product_id=ctx.ids["product"],
            warehouse_id=ctx.ids["warehouse"],
            forecast=Decimal(0),
            minimum=Decimal(1),
            proposed=Decimal(1),
        )
        session.add(told)
        session.flush()
        return told.id

    return ctx.sql(tell)


def _warehouse(ctx: Ctx) -> Body:
    body: Body = {"code": f"M{ctx.n}", "name": f"Matrix warehouse {ctx.n}"}
    if ctx.members:
        body["members"] = [{"user_id": user_id} for user_id in ctx.members]
    return body


def _named(kind: str):
    return lambda ctx: {"name": f"Matrix {kind} {ctx.n} (changed)"}


SAMPLES: dict[str, Sample] = {
    RECEIPTS: _operation(RECEIPTS),
    DELIVERIES: _operation(DELIVERIES),
    TRANSFERS: _operation(TRANSFERS, returns=False),
    "inventory/moves": Sample(make=_done_move, states={"reverse": None}),
    "inventory/stock": Sample(create=_stock, change=lambda ctx: {"on_hand": "4"}),
    "inventory/valuation": Sample(make=_cost),
    "inventory/stock-rules": Sample(
        create=lambda ctx: {
            "product_id": ctx.new_product(),
            "warehouse_id": ctx.ids["warehouse"],
            "minimum": "1",
            "maximum": "10",
        },
        change=lambda ctx: {"minimum": "2", "maximum": "20"},
    ),
    COUNTS: Sample(
        create=lambda ctx: {
            "reason": f"Matrix count {ctx.n}",
            "warehouse_id": ctx.ids["warehouse"],
        },
        change=lambda ctx: {"note": f"Matrix note {ctx.n}"},
        states={
            "start": None,
            "apply": lambda ctx, count_id: _counted(ctx, count_id, 0),
            "approve": _to_approve,
            "cancel": None,
        },
    ),
    "inventory/warehouses": Sample(create=_warehouse, change=_named("warehouse")),
    "inventory/locations": Sample(
        create=lambda ctx: {"name": f"Matrix bin {ctx.n}", "parent_id": ctx.ids["stock"]},
        change=_named("bin"),
    ),
    "inventory/tracking": Sample(
        create=lambda ctx: {"product_id": ctx.new_product(), "tracking": "lot"},
        change=lambda ctx: {"tracking": "serial"},
    ),
    "inventory/notifications": Sample(
        make=_notification, owner=("user_id",), states={"mark_read": None}
    ),
    "inventory/lots": Sample(
        create=lambda ctx: {"name": f"MATRIX-{ctx.n}", "product_id": ctx.ids["product"]},
        change=lambda ctx: {"note": f"Matrix note {ctx.n}"},
    ),
}

"""Sample records of the sales resources for the authorization matrix
(tests/test_authorization_matrix.py; the :class:`Sample` contract is in tests/matrix_samples.py).

Orders are quotations of the company's customer for one unit of its stocked product, handed
to the user as their salesperson; payments pay one unit of such an order once confirmed.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from addons.partners.models import Partner
from addons.sales.models import (
    SalesOrder,
    SalesOrderEvent,
    SalesOrderLine,
    SalesSettings,
)
from tests.matrix_samples import Body, Ctx, Sample

ORDERS = "sales/orders"


def order(ctx: Ctx, customer: str = "customer") -> Body:
    line = {"product_id": ctx.ids["product"], "quantity": "1", "price_unit": "10.00"}
    return {"customer_id": ctx.ids[customer], "lines": [line]}


def make_order(ctx: Ctx) -> int:
    """A quotation the user sells (the sales.user rule: own orders)."""
    return ctx.hand_over(SalesOrder, ctx.post(ORDERS, order(ctx)), "salesperson_id")


def confirmed_order(ctx: Ctx) -> int:
    order_id = make_order(ctx)
    ctx.act(ORDERS, order_id, "confirm")
    return order_id


def _confirm(ctx: Ctx, order_id: int) -> None:
    ctx.act(ORDERS, order_id, "confirm")


def _cancel(ctx: Ctx, order_id: int) -> None:
    ctx.act(ORDERS, order_id, "cancel", {"reason": "Matrix"})


def _hold(ctx: Ctx, order_id: int) -> None:
    """Sold to the customer whose credit limit any order exceeds: confirming holds it."""
    ctx.patch(ORDERS, order_id, {"customer_id": ctx.ids["tight_customer"]})
    ctx.act(ORDERS, order_id, "confirm")


def payment(ctx: Ctx) -> Body:
    """One unit of an order the user sells, confirmed, paid."""
    order_id = confirmed_order(ctx)
    return {
        "customer_id": ctx.ids["customer"],
        "amount": "1.00",
        "allocations": [{"order_id": order_id, "amount": "1.00"}],
    }


def _line_of(model: type):
    def make(ctx: Ctx) -> int:
        order_id = make_order(ctx)
        statement = select(model.id).where(model.order_id == order_id).order_by(model.id)
        return ctx.sql(lambda session: session.scalars(statement).first())

    return make


def _settings_of(ctx: Ctx) -> int:
    """The company's one settings record (made again when a create test removed it)."""
    company_id = ctx.ids["company"]

    def find(session) -> int:
        statement = select(SalesSettings.id).where(SalesSettings.company_id == company_id)
        found = session.scalar(statement)
        if found is None:
            settings = SalesSettings(company_id=company_id)
            session.add(settings)
            session.flush()
            found = settings.id
        return found

    return ctx.sql(find)


def _no_settings(ctx: Ctx) -> None:
    """A company has one settings record: creating one is valid only once it is gone."""
    company_id = ctx.ids["company"]
    ctx.sql(
        lambda session: session.execute(
            delete(SalesSettings).where(SalesSettings.company_id == company_id)
        )
    )


def _classification(ctx: Ctx) -> Body:
    return {"customer_id": ctx.new_customer(), "level_id": ctx.ids["level"]}


def _classified(ctx: Ctx) -> int:
    """The level of a customer the user sells to (sales.user reaches their customers)."""
    customer = ctx.hand_over(Partner, ctx.new_customer(), "salesperson_id")
    return ctx.post("sales/customers", {"customer_id": customer, "level_id": ctx.ids["level"]})


def _plan(ctx: Ctx) -> Body:
    return {
        "name": f"Matrix plan {ctx.n}",
        "period": "year",
        "date_from": "2027-01-01",
        "targets": [{"amount": "1000.00"}],
    }


def _approve(ctx: Ctx, plan_id: int) -> None:
    ctx.act("sales/plans", plan_id, "approve")


SAMPLES: dict[str, Sample] = {
    ORDERS: Sample(
        create=order,
        change=lambda ctx: {"note": f"Matrix note {ctx.n}"},
        owner=("salesperson_id",),
        states={
            "confirm": None,
            "send": None,
            "release": _hold,
            "deliver": _confirm,
            "cancel": None,
            "reset": _cancel,
            "duplicate": None,
        },
    ),
    "sales/order-lines": Sample(make=_line_of(SalesOrderLine)),
    "sales/events": Sample(make=_line_of(SalesOrderEvent)),
    # Made by the user (created_by): the sales.user rule lets them reach their payments.
    "sales/payments": Sample(
        create=payment,
        change=lambda ctx: {"reference": f"Matrix {ctx.n}"},
        owner=("created_by_id",),
        states={"cancel": None},
    ),
    "sales/plans": Sample(
        create=_plan,
        change=lambda ctx: {"name": f"Matrix plan {ctx.n} (changed)"},
        states={"approve": None, "revise": _approve, "close": _approve},
    ),
    "sales/customer-levels": Sample(
        create=lambda ctx: {"code": f"M{ctx.n}", "name": f"Matrix level {ctx.n}"},
        change=lambda ctx: {"name": f"Matrix level {ctx.n} (changed)"},
    ),
    # A level is given to a customer once: each sample classifies a new customer.
    "sales/customers": Sample(
        create=_classification,
        change=lambda ctx: {"level_id": ctx.ids["level"]},
        make=_classified,
        owner=("salesperson_id",),
    ),
    "sales/channels": Sample(
        create=lambda ctx: {"code": f"matrix-{ctx.n}", "name": f"Matrix channel {ctx.n}"},
        change=lambda ctx: {"name": f"Matrix channel {ctx.n} (changed)"},
    ),
    "sales/teams": Sample(
        create=lambda ctx: {"name": f"Matrix team {ctx.n}"},
        change=lambda ctx: {"name": f"Matrix team {ctx.n} (changed)"},
    ),
    "sales/settings": Sample(
        create=lambda ctx: {"credit_mode": "block"},
        change=lambda ctx: {"credit_mode": "block"},
        make=_settings_of,
        before_create=_no_settings,
    ),
}

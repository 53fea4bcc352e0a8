"""The sales overview (clause 5.1.4.1): key figures and charts over the orders and order
lines lists, drawn by core's dashboards (``core_register_dashboards``).

Revenue is the untaxed amount of confirmed and done orders (the lists' ``orders``
filter), dated by the order date; each figure, bar and slice opens the list behind it,
and each reader sees only the orders their record rules let them see.
"""

from __future__ import annotations

from addons.sales.messages import _l
from core.hookspecs import Dashboard, DashboardChart, DashboardFigure

ORDERS = "sales.order"
LINES = "sales.line"
BINDING = (("f", "orders"),)
DATE = "order_date"
REVENUE = "amount_untaxed"

OVERVIEW = Dashboard(
    "sales.overview",
    _l("Sales overview"),
    permission="sales.order.read",
    default_period="year",
    widgets=(
        DashboardFigure(_l("Revenue (untaxed)"), ORDERS, REVENUE, BINDING, DATE),
        DashboardFigure(_l("Sales orders"), ORDERS, params=BINDING, date_field=DATE),
        # What is open now, whatever the period.
        DashboardFigure(_l("Open quotations"), ORDERS, params=(("f", "quotations"),)),
        DashboardFigure(_l("On credit hold"), ORDERS, params=(("f", "hold"),), tone="warning"),
        DashboardFigure(
            _l("Unpaid amount"), ORDERS, "amount_due", (("f", "unpaid"),), tone="danger"
        ),
        DashboardChart(
            _l("Revenue by month"),
            ORDERS,
            "order_date:month",
            REVENUE,
            chart="line",
            params=BINDING,
            date_field=DATE,
            wide=True,
        ),
        DashboardChart(
            _l("Revenue by channel"),
            ORDERS,
            "channel",
            REVENUE,
            chart="pie",
            params=BINDING,
            date_field=DATE,
        ),
        DashboardChart(
            _l("Revenue by salesperson"),
            ORDERS,
            "salesperson",
            REVENUE,
            params=BINDING,
            date_field=DATE,
            top=10,
        ),
        DashboardChart(
            _l("Top customers and their share of revenue"),
            ORDERS,
            "customer",
            REVENUE,
            params=BINDING,
            date_field=DATE,
            top=10,
            pareto=True,
            wide=True,
        ),
        # Lines carry their order's date and state (copied by the services), so the
        # period and the "orders" filter apply to them as to the orders.
        DashboardChart(
            _l("Top products by revenue"),
            LINES,
            "product",
            "subtotal",
            params=BINDING,
            date_field=DATE,
            top=10,
        ),
        DashboardChart(
            _l("Revenue by customer level"),
            ORDERS,
            "customer_level",
            REVENUE,
            chart="pie",
            params=BINDING,
            date_field=DATE,
        ),
        DashboardChart(_l("Orders by status"), ORDERS, "state", date_field=DATE),
    ),
)

DASHBOARDS = (OVERVIEW,)

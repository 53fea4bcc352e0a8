"""The inventory overview (clause 5.2.1.1): stock alerts, operations to do, moves and the
value of stock on one page, drawn by core's dashboards (``core_register_dashboards``).

Every figure and bar opens the list behind it, through the reader's rules: a clerk sees
the warehouses they work in, and figures of what they may not see (stock value, for
clerks) are left out.
"""

from __future__ import annotations

from addons.inventory.messages import _l
from core.hookspecs import Dashboard, DashboardChart, DashboardFigure

RULES = "inventory.stock_rule"
ALERTS = (("f", "alerts"),)
DELIVERIES = "inventory.delivery"
RECEIPTS = "inventory.receipt"
MOVES = "inventory.move"
VALUATION = "inventory.valuation"

OVERVIEW = Dashboard(
    "inventory.overview",
    _l("Inventory overview"),
    permission="inventory.picking.read",
    default_period="month",
    widgets=(
        # What needs doing now, whatever the period.
        DashboardFigure(_l("Products below minimum"), RULES, params=ALERTS, tone="danger"),
        DashboardFigure(_l("Deliveries ready"), DELIVERIES, params=(("f", "ready"),)),
        DashboardFigure(
            _l("Deliveries waiting for stock"),
            DELIVERIES,
            params=(("f", "waiting"),),
            tone="warning",
        ),
        DashboardFigure(_l("Receipts to receive"), RECEIPTS, params=(("f", "ready"),)),
        DashboardFigure(_l("Stock value"), VALUATION, "value"),
        DashboardChart(
            _l("Stock alerts by warehouse"), RULES, "warehouse", params=ALERTS, chart="pie"
        ),
        DashboardChart(
            _l("Quantities to replenish"), RULES, "product", "proposed", params=ALERTS, top=10
        ),
        DashboardChart(
            _l("Moves done by day"),
            MOVES,
            "date_done:day",
            chart="line",
            params=(("f", "done"),),
            date_field="date_done",
            wide=True,
        ),
        DashboardChart(
            _l("Deliveries by status"), DELIVERIES, "state", date_field="scheduled_date"
        ),
        DashboardChart(_l("Receipts by status"), RECEIPTS, "state", date_field="scheduled_date"),
        DashboardChart(
            _l("Stock value by product"),
            VALUATION,
            "product",
            "value",
            top=10,
            pareto=True,
            wide=True,
        ),
    ),
)

DASHBOARDS = (OVERVIEW,)

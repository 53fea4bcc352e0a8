"""Plan versus actual as a chart on the plan's form (clause 5.1.1.2), through HTTP: per
target the amount aimed at, achieved and projected to the period's end; each bar opens the
orders that count for it; the plan's totals only when its targets do not overlap."""

from __future__ import annotations

import pytest

from addons.sales import plans, services
from core import db
from tests.test_dashboards import charts
from tests.test_sales_customers import figures
from tests.test_sales_flow import EN, ZH, logged_in, shop  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.addons("partners", "products", "sales"), pytest.mark.spec("5.1.1.2")]


@pytest.fixture
def quarter(app, request):
    """Q2 2026: Wang sold 500.00 untaxed in April, Li 1,000.00 in May (and 100.00 in July,
    outside the quarter); a plan of the two salespeople and one of the company and a channel."""
    ids = request.getfixturevalue("shop")
    with app.app_context():
        session = db.session()
        sold = (("wang", 5, "2026-04-10"), ("li", 10, "2026-05-03"), ("li", 1, "2026-07-01"))
        for seller, quantity, day in sold:
            order = services.create_order(
                session,
                {
                    "customer_id": ids["customer"],
                    "salesperson_id": ids[seller],
                    "order_date": day,
                    "lines": [{"product_id": ids["chair"], "quantity": str(quantity)}],
                },
            )
            services.confirm_order(session, order)
        people = plans.create_plan(
            session,
            {
                "name": "Q2 people",
                "period": "quarter",
                "date_from": "2026-04-01",
                "targets": [
                    {"salesperson_id": ids["wang"], "amount": "1000.00"},
                    {"salesperson_id": ids["li"], "amount": "800.00"},
                ],
                "budget_lines": [{"category": "travel", "amount": "100.00", "spent": "150.00"}],
            },
        )
        mixed = plans.create_plan(
            session,
            {
                "name": "Q2 mixed",
                "period": "quarter",
                "date_from": "2026-04-01",
                "targets": [{"amount": "3000.00"}, {"channel_id": order.channel_id, "amount": "5"}],
            },
        )
        session.commit()
        return {**ids, "people": people.id, "mixed": mixed.id}


def test_the_chart_shows_each_target_and_opens_its_orders(app, quarter):
    boss = logged_in(app, "boss")
    html = boss.get(f"/sales/plan/{quarter['people']}", headers=EN).get_data(as_text=True)
    assert "Plan versus actual" in html
    (chart,) = charts(html)
    assert chart["categories"] == ["Wang", "Li"]
    target, achieved, projected = chart["series"]
    assert target["text"] == ["1,000.00", "800.00"]
    assert achieved["text"] == ["500.00", "1,000.00"]
    assert projected["text"][0] is not None  # the quarter has begun (it is over by now)
    assert "month.order_date=2026-Q2" in achieved["links"][1]
    assert f"eq.salesperson_id={quarter['li']}" in achieved["links"][1]
    listed = boss.get(achieved["links"][1], headers=EN).get_data(as_text=True)
    assert listed.count("1,130.00") >= 1 and "113.00<" not in listed  # not July's order
    shown = figures_of(html, "sales-plan_actual")
    assert shown["Target"][0] == "1,800.00" and shown["Achieved"][0] == "1,500.00"
    assert shown["Attainment %"][0] == "83.3"
    assert "text-danger" in shown["Spent"][2]  # 150.00 spent of a 100.00 budget


def test_overlapping_targets_give_no_totals_and_the_chart_is_in_chinese(app, quarter):
    boss = logged_in(app, "boss")
    html = boss.get(f"/sales/plan/{quarter['mixed']}", headers=ZH).get_data(as_text=True)
    assert "计划与实际对比" in html
    (chart,) = charts(html)
    assert chart["categories"] == ["全公司", "直销"]
    assert chart["series"][1]["text"] == ["1,500.00", "1,500.00"]  # not July's 100.00
    assert "目标" not in figures_of(html, "sales-plan_actual")


def figures_of(html: str, panel_id: str) -> dict:
    return figures(html.replace(f'id="panel-{panel_id}"', 'id="panel-sales-customer_record"'))

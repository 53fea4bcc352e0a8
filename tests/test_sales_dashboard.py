"""The sales overview (clause 5.1.4.1), through HTTP: revenue by period, channel and
salesperson, top customers with their cumulative share, top products, orders by status
and by customer level; each figure and point opens exactly its records, and a salesperson
sees only their own orders."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from addons.partners import services as partners
from addons.sales import services
from addons.sales.models import SalesChannel
from core import db
from core.views import dashboards
from tests.test_dashboards import charts, figures
from tests.test_sales_flow import EN, ZH, logged_in, shop  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.addons("partners", "products", "sales"), pytest.mark.spec("5.1.4.1")]
BOARD = "/dashboards/sales.overview"


@pytest.fixture
def sales(app, request, monkeypatch):
    """This year (2026, today 20 November): Wang sold chairs in October and a desk in
    November to his customer, Li ten chairs online in November to another; a quotation,
    an order on credit hold, and an order of last year."""
    monkeypatch.setattr(dashboards, "today", lambda: date(2026, 11, 20))
    ids = request.getfixturevalue("shop")
    with app.app_context():
        session = db.session()
        online = session.scalar(select(SalesChannel.id).where(SalesChannel.code == "online"))
        other = partners.create_partner(
            session, {"name": "北京远景科技", "is_customer": True, "salesperson_id": ids["li"]}
        )
        tight = partners.create_partner(
            session, {"name": "Tight Ltd", "is_customer": True, "credit_limit": "1.00"}
        )

        def order(customer, product, quantity, seller, day, *, confirm=True, **extra):
            made = services.create_order(
                session,
                {
                    "customer_id": customer,
                    "salesperson_id": ids[seller],
                    "order_date": day,
                    "lines": [{"product_id": ids[product], "quantity": str(quantity)}],
                    **extra,
                },
            )
            if confirm:
                services.confirm_order(session, made)
            return made

        october = order(ids["customer"], "chair", 2, "wang", "2026-10-05")  # 200.00
        order(ids["customer"], "desk", 1, "wang", "2026-11-10")  # 333.33
        order(other.id, "chair", 10, "li", "2026-11-12", channel_id=online)  # 1,000.00
        order(ids["customer"], "chair", 1, "wang", "2026-11-15", confirm=False)
        order(tight.id, "desk", 3, "boss", "2026-11-16")  # on hold
        order(ids["customer"], "desk", 9, "wang", "2025-06-01")  # last year: 2,999.97
        services.register_payment(
            session,
            {
                "customer_id": ids["customer"],
                "amount": "100.00",
                "allocations": [{"order_id": october.id, "amount": "100.00"}],
            },
        )
        session.commit()
    return ids


def get(client, url, headers=EN) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:600]
    return response.get_data(as_text=True)


def rows(html: str) -> int:
    """How many records a list page shows (its "n records" counter)."""
    found = re.search(r"(\d+) records?", html)
    return int(found[1]) if found else 0


def test_a_manager_sees_the_years_sales_and_every_point_opens_its_records(app, sales):
    boss = logged_in(app, "boss")
    html = get(boss, BOARD)
    shown = figures(html)
    assert shown["Revenue (untaxed)"][0] == "1,533.33"
    assert shown["Sales orders"][0] == "3"
    assert shown["Open quotations"][0] == "1"
    assert shown["On credit hold"][0] == "1"
    # Open now whatever the period: last year's 3,389.97 too, less the 100.00 paid.
    assert shown["Unpaid amount"][0] == "5,022.63"
    assert "month.order_date=2026" in shown["Revenue (untaxed)"][1]
    (by_month, by_channel, by_seller, top_customers, top_products, by_level, by_state) = charts(
        html
    )
    assert by_month["type"] == "line"
    assert by_month["categories"] == ["Oct 2026", "Nov 2026"]
    assert by_month["series"][0]["text"] == ["200.00", "1,333.33"]
    assert by_channel["type"] == "pie"
    assert dict(zip(by_channel["categories"], by_channel["series"][0]["text"], strict=True)) == {
        "Direct sales": "533.33",
        "Online": "1,000.00",
    }
    assert by_seller["categories"] == ["Li", "Wang"]
    assert top_customers["categories"] == ["北京远景科技", "上海华联贸易"]
    assert top_customers["share"]["data"] == [65.2, 100.0]
    assert top_products["categories"] == ["[SKU00001] Office chair", "[SKU00002] Desk"]
    assert top_products["series"][0]["text"] == ["1,200.00", "333.33"]
    assert by_level["categories"] == ["Not set"]
    assert "Sales order" in by_state["categories"] and "Credit hold" in by_state["categories"]
    # Click-throughs: the chairs sold this year are the lines of two confirmed orders.
    lines = get(boss, top_products["series"][0]["links"][0])
    assert rows(lines) == 2 and "Office chair" in lines
    assert rows(get(boss, by_seller["series"][0]["links"][0])) == 1
    assert rows(get(boss, shown["Sales orders"][1])) == 3
    assert rows(get(boss, shown["Open quotations"][1])) == 1


def test_last_year_and_a_salespersons_own_view(app, sales):
    boss = logged_in(app, "boss")
    last_year = figures(get(boss, BOARD + "?period=last_year"))
    assert last_year["Revenue (untaxed)"][0] == "2,999.97"
    assert last_year["Sales orders"][0] == "1"
    wang = figures(get(logged_in(app, "wang"), BOARD))
    assert wang["Revenue (untaxed)"][0] == "533.33"
    assert wang["Sales orders"][0] == "2"


def test_the_overview_in_the_menu_first_and_in_chinese(app, sales):
    boss = logged_in(app, "boss")
    home = get(boss, "/", headers=ZH)
    # The first entry of Sales, before the orders.
    assert home.index('href="/dashboards/sales.overview"') < home.index('href="/sales/order/"')
    html = get(boss, BOARD, headers=ZH)
    assert "销售额（不含税）" in html and "按月销售额" in html and "重点客户及其销售额占比" in html

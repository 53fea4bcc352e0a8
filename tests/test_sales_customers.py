"""A customer's transaction record on the partner form and its level (clauses 5.1.3.1,
5.1.3.2), through HTTP: what a manager and a salesperson see of the same customer, credit
near and over its limit, every figure opening its records, a fixed number of queries, and
orders listed and grouped by their customers' level."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import g
from sqlalchemy import event, select

from addons.partners import services as partners
from addons.sales import customers, services
from addons.sales.models import CustomerLevel
from core import db
from core.security.access import current_access
from tests.test_sales_flow import EN, ZH, logged_in, shop  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.addons("partners", "products", "sales"), pytest.mark.spec("5.1.3.1")]


def order(session, ids, product, quantity, salesperson, *, confirm=True):
    created = services.create_order(
        session,
        {
            "customer_id": ids["customer"],
            "salesperson_id": ids[salesperson],
            "lines": [{"product_id": ids[product], "quantity": str(quantity)}],
        },
    )
    if confirm:
        services.confirm_order(session, created)
    return created


@pytest.fixture
def history(app, request):
    """Wang's customer: two confirmed orders of Wang (one half paid), a quotation of Wang,
    and a confirmed order Li sold to the same customer; a supplier with no order."""
    ids = request.getfixturevalue("shop")
    with app.app_context():
        session = db.session()
        first = order(session, ids, "chair", 2, "wang")  # 226.00
        order(session, ids, "desk", 1, "wang")  # 376.66
        order(session, ids, "chair", 1, "wang", confirm=False)
        order(session, ids, "chair", 10, "li")  # 1,130.00
        services.register_payment(
            session,
            {
                "customer_id": ids["customer"],
                "amount": "100.00",
                "allocations": [{"order_id": first.id, "amount": "100.00"}],
            },
        )
        supplier = partners.create_partner(session, {"name": "Paper Mill", "is_supplier": True})
        session.commit()
        return {**ids, "first": first.id, "supplier": supplier.id}


def panel(html: str) -> str:
    start = html.find('id="panel-sales-customer_record"')
    assert start >= 0, "no transaction record on the form"
    return html[start : html.index("</section>", start)]


def figures(html: str) -> dict[str, tuple[str, str | None, str]]:
    """label: (value, link, classes of the value) of each figure of the panel."""
    found = {}
    for label, classes, body in re.findall(
        r'<dt[^>]*>([^<]+)</dt>\s*<dd class="([^"]*)">\s*(.*?)\s*</dd>', panel(html), re.S
    ):
        link = re.search(r'href="([^"]+)"', body)
        value = re.sub(r"<[^>]+>", "", body).strip()
        found[unescape(label)] = (value, unescape(link[1]) if link else None, classes)
    return found


def names(html: str) -> list[str]:
    return sorted(set(re.findall(r">(SO\d{4}\d{5})<", html)))


def test_a_manager_sees_the_whole_record_and_each_figure_opens_its_orders(app, history):
    boss = logged_in(app, "boss")
    html = boss.get(f"/partners/partner/{history['customer']}", headers=EN).get_data(as_text=True)
    shown = figures(html)
    assert shown["Sales orders"][0] == "3"
    assert shown["Open quotations"][0] == "1"
    assert shown["Lifetime revenue (untaxed)"][0] == "1,533.33"  # 200 + 333.33 + 1,000
    assert shown["Open balance"][0] == "1,632.66"  # 1,732.66 - 100
    assert shown["Payments received"][0] == "100.00"
    assert shown["Orders to deliver"][0] == "3"
    assert shown["Credit limit"][0] == "No limit"
    assert shown["Credit used"][0] == "1,632.66" and "text-" not in shown["Credit used"][2]
    listed = boss.get(shown["Sales orders"][1], headers=EN).get_data(as_text=True)
    assert len(names(listed)) == 3
    quotations = boss.get(shown["Open quotations"][1], headers=EN).get_data(as_text=True)
    assert len(names(quotations)) == 1
    table = panel(html)
    assert "Latest orders" in table and "Latest payments" in table
    assert f'href="/sales/order/{history["first"]}"' in table
    assert "Fully paid" not in table and "Partly paid" in table
    # A supplier that never bought gets no transaction record.
    other = boss.get(f"/partners/partner/{history['supplier']}", headers=EN).get_data(as_text=True)
    assert 'id="panel-sales-customer_record"' not in other


def test_a_salesperson_sees_only_the_orders_they_may_see(app, history):
    wang = logged_in(app, "wang")
    html = wang.get(f"/partners/partner/{history['customer']}", headers=EN).get_data(as_text=True)
    shown = figures(html)
    assert shown["Sales orders"][0] == "2"  # not Li's
    assert shown["Lifetime revenue (untaxed)"][0] == "533.33"
    assert shown["Open balance"][0] == "502.66"
    listed = wang.get(shown["Sales orders"][1], headers=EN).get_data(as_text=True)
    assert len(names(listed)) == 2


@pytest.mark.spec("5.1.3.1", "5.1.3.2")
def test_credit_near_and_over_the_limit_is_coloured_in_chinese(app, history):
    boss = logged_in(app, "boss")
    url = f"/partners/partner/{history['customer']}"
    with app.app_context():
        partners.update_partner(db.session(), history["customer"], {"credit_limit": "2000.00"})
        db.session().commit()
    shown = figures(boss.get(url, headers=EN).get_data(as_text=True))
    assert shown["Credit left"][0] == "367.34"
    assert "text-warning" in shown["Credit used"][2]  # 82 % used
    with app.app_context():
        partners.update_partner(db.session(), history["customer"], {"credit_limit": "1000.00"})
        db.session().commit()
    html = boss.get(url, headers=ZH).get_data(as_text=True)
    assert "交易记录" in html
    shown = figures(html)
    assert shown["剩余信用额度"][0] == "-632.66"
    assert "text-danger" in shown["已用信用额度"][2]


def test_the_record_costs_the_same_queries_whatever_the_history(app, history):
    """The panel is five SELECTs, for a customer with one order or with many."""
    engine = app.extensions["tessera.db"].engine

    def panel_queries(customer_id: int) -> int:
        statements: list[str] = []

        def note(conn, cursor, statement, *args):
            statements.append(statement)

        with app.test_request_context():
            g.uid = history["boss"]
            session = db.session()
            partner = partners.get_partner(session, customer_id)
            access = current_access()
            customers.customer_record(session, access, partner)  # the request's settings
            event.listen(engine, "before_cursor_execute", note)
            try:
                content = customers.customer_record(session, access, partner)
            finally:
                event.remove(engine, "before_cursor_execute", note)
            assert content is not None
        return len(statements)

    with app.app_context():
        session = db.session()
        newcomer = partners.create_partner(session, {"name": "Newcomer", "is_customer": True})
        session.commit()
        newcomer_id = newcomer.id
    assert panel_queries(newcomer_id) == panel_queries(history["customer"]) == 5


def level_id(app, code: str) -> int:
    with app.app_context():
        return db.session().scalar(select(CustomerLevel.id).where(CustomerLevel.code == code))


@pytest.mark.spec("5.1.3.2")
def test_a_manager_classifies_a_customer_and_lists_orders_by_level(app, history):
    boss = logged_in(app, "boss")
    url = f"/partners/partner/{history['customer']}"
    shown = figures(boss.get(url, headers=EN).get_data(as_text=True))
    assert shown["Customer level"][0] == "Not classified"
    assert f"eq.customer_id={history['customer']}" in shown["Customer level"][1]
    key = level_id(app, "A")
    response = boss.post(
        "/sales/customer/new",
        data={
            "csrf_token": boss.csrf_token,
            "customer_id": str(history["customer"]),
            "level_id": str(key),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    html = boss.get(url, headers=ZH).get_data(as_text=True)
    assert figures(html)["客户等级"][0] == "A类：重点客户"
    # Every order of the customer (Li's too) is listed under level A, in Chinese.
    listed = boss.get(f"/sales/order/?eq.customer_level_id={key}", headers=ZH)
    assert len(names(listed.get_data(as_text=True))) == 4
    grouped = boss.get("/sales/order/?group=customer_level", headers=ZH).get_data(as_text=True)
    assert "A类：重点客户" in grouped
    assert boss.get(f"/sales/order/?eq.customer_level_id={level_id(app, 'B')}").status_code == 200
    assert not names(
        boss.get(f"/sales/order/?eq.customer_level_id={level_id(app, 'B')}").get_data(as_text=True)
    )
    # A salesperson sees the level but does not classify.
    wang = logged_in(app, "wang")
    assert figures(wang.get(url, headers=EN).get_data(as_text=True))["Customer level"][0] == (
        "A: key customers"
    )
    refused = wang.post(
        "/sales/customer/new",
        data={
            "csrf_token": wang.csrf_token,
            "customer_id": str(history["customer"]),
            "level_id": str(key),
        },
    )
    assert refused.status_code == 403

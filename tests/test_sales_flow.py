"""A salesperson's day, through the screens and the API (clauses 5.1.2.1, 5.1.2.2, 5.1.3.1).

Wang Fang, Sales / User, quotes two products to her customer through the generic form,
confirms the quotation, registers the customer's payment and follows the order's three
tracks, in Chinese and in English; a colleague cannot see her orders; a manager releases a
credit hold; the same order through the REST API.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from addons.partners import services as partners
from addons.products import services as products
from addons.sales.models import OrderState, PaymentStatus, SalesOrder, SalesPayment
from core import db
from core.security.models import UserRole
from core.security.passwords import hash_password
from core.security.users import User
from core.testing import log_in
from tests.test_api import bearer

pytestmark = pytest.mark.addons("partners", "products", "sales")
PASSWORD = "jasmine-tea-at-dawn-58"
ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}


@pytest.fixture
def shop(app):
    """Two salespeople and a manager, Wang's customer and two products, committed."""
    with app.app_context():
        session = db.session()
        users = {}
        for login, role in (
            ("wang", "sales.user"),
            ("li", "sales.user"),
            ("boss", "sales.manager"),
        ):
            user = User(
                login=login, name=login.title(), password_hash=hash_password(PASSWORD), company_id=1
            )
            session.add(user)
            session.flush()
            session.add(UserRole(user_id=user.id, role=role))
            users[login] = user.id
        customer = partners.create_partner(
            session,
            {"name": "上海华联贸易", "is_customer": True, "salesperson_id": users["wang"]},
        )
        chair = products.create_product(
            session, {"name": "Office chair", "sale_price": "100.00", "tax_rate": "0.13"}
        )
        desk = products.create_product(
            session, {"name": "Desk", "sale_price": "333.33", "tax_rate": "0.13"}
        )
        ids = {"customer": customer.id, "chair": chair.id, "desk": desk.id, **users}
        session.commit()
    return ids


def logged_in(app, login: str):
    client = app.test_client()
    client.csrf_token = log_in(client, login, PASSWORD)
    return client


def order_of(app, order_id: int) -> SalesOrder:
    with app.app_context():
        order = db.session().get(SalesOrder, order_id)
        db.session().expunge(order)
        return order


def form_values(html: str) -> dict[str, str]:
    """What a browser would send back from the form's inputs (selects: the chosen option)."""
    main = html[html.index('<form method="post" class="card card-body"') :]
    main = main[: main.index("</form>")]
    main = re.sub(r"<template.*?</template>", "", main, flags=re.S)  # not sent
    inputs = re.findall(r"<input[^>]*>", main)
    values = {
        found[1]: found[2]
        for tag in inputs
        if 'type="checkbox"' not in tag  # none is ticked here
        and (found := re.search(r'name="([^"]+)".*?value="([^"]*)"', tag, re.S))
    }
    for name, body in re.findall(
        r'<select[^>]*?name="([^"]+)"(?![^>]*disabled)[^>]*>(.*?)</select>', main, re.S
    ):
        chosen = re.search(r'<option value="([^"]*)"\s+selected', body)
        values[name] = chosen[1] if chosen else ""
    for name, text in re.findall(
        r'<textarea[^>]*?name="([^"]+)"[^>]*>(.*?)</textarea>', main, re.S
    ):
        values[name] = text
    return {
        name: value.replace("&#34;", '"').replace("&amp;", "&") for name, value in values.items()
    }


def created_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/(\d+)$", response.headers["Location"])[1])


def new_quotation(client, shop, **extra) -> int:
    form = {
        "csrf_token": client.csrf_token,
        "customer_id": str(shop["customer"]),
        "order_date": "",
        "salesperson_id": "",
        "team_id": "",
        "channel_id": "",
        "client_reference": "PO-7788",
        "note": "",
        "lines-0-product_id": str(shop["chair"]),
        "lines-0-quantity": "2",
        "lines-1-product_id": str(shop["desk"]),
        "lines-1-quantity": "1",
        "lines-1-discount": "10",
        **extra,
    }
    return created_id(client.post("/sales/order/new", data=form, headers=ZH))


@pytest.mark.spec("5.1.2.1", "5.1.2.2")
def test_quote_confirm_collect_and_follow_the_tracks(app, shop):
    wang = logged_in(app, "wang")
    page = wang.get("/sales/order/new", headers=ZH).get_data(as_text=True)
    assert "订单明细" in page and "客户" in page and "上海华联贸易" in page

    order_id = new_quotation(wang, shop)
    order = order_of(app, order_id)
    # 2 × 100.00 = 200.00 + 26.00 tax; 333.33 × 0.9 = 299.997 -> 300.00 + 39.00 tax
    assert (order.amount_untaxed, order.amount_tax, order.amount_total) == (
        Decimal("500.00"),
        Decimal("65.00"),
        Decimal("565.00"),
    )
    assert order.salesperson_id == shop["wang"] and order.state is OrderState.DRAFT
    form = wang.get(f"/sales/order/{order_id}", headers=ZH).get_data(as_text=True)
    assert order.name in form and "报价单" in form and "565.00" in form and "339.00" in form

    confirmed = wang.post(
        f"/sales/order/{order_id}/action/confirm",
        data={"csrf_token": wang.csrf_token},
        headers=ZH,
    )
    assert confirmed.status_code == 302
    assert order_of(app, order_id).state is OrderState.CONFIRMED

    payment = wang.post(
        "/sales/payment/new",
        data={
            "csrf_token": wang.csrf_token,
            "customer_id": str(shop["customer"]),
            "payment_date": "",
            "method": "alipay",
            "reference": "ALI-2026-1",
            "amount": "300.00",
            "note": "",
            "allocations-0-order_id": str(order_id),
            "allocations-0-amount": "300.00",
        },
        headers=ZH,
    )
    created_id(payment)
    order = order_of(app, order_id)
    assert (order.amount_paid, order.payment_status) == (Decimal("300.00"), PaymentStatus.PARTLY)

    grouped = wang.get("/sales/order/?group=payment_status", headers=ZH).get_data(as_text=True)
    assert "部分收款" in grouped
    unpaid = wang.get("/sales/order/?f=unpaid", headers=ZH).get_data(as_text=True)
    assert order.name in unpaid
    steps = wang.get(f"/sales/event/?eq.order_id={order_id}", headers=ZH).get_data(as_text=True)
    assert "销售订单" in steps and "部分收款" in steps and "ALI-2026-1" not in steps
    english = wang.get(f"/sales/order/{order_id}", headers=EN).get_data(as_text=True)
    assert "Sales order" in english and "Timeline" in english and "Order lines" in english
    assert re.search(r'<option value="partly_paid"\s+selected>Partly paid</option>', english)
    assert 'name="amount_paid"' in english and 'value="300.00"' in english

    # Saving the form of a confirmed order: what is shown read-only is not sent, the
    # unchanged lines pass, the note changes.
    resaved = wang.post(
        f"/sales/order/{order_id}",
        data={**form_values(english), "csrf_token": wang.csrf_token, "note": "Gate 3"},
        headers=EN,
    )
    assert resaved.status_code == 302, re.findall(
        r"(?:invalid-feedback[^>]*|alert-danger[^>]*)>([^<]*)<", resaved.get_data(as_text=True)
    )
    assert order_of(app, order_id).note == "Gate 3"

    wang.post(
        f"/sales/order/{order_id}/action/deliver", data={"csrf_token": wang.csrf_token}, headers=EN
    )
    wang.post(
        "/sales/payment/new",
        data={
            "csrf_token": wang.csrf_token,
            "customer_id": str(shop["customer"]),
            "method": "bank_transfer",
            "amount": "265.00",
        },
        headers=EN,
    )
    order = order_of(app, order_id)
    assert (order.state, order.payment_status) == (OrderState.DONE, PaymentStatus.PAID)
    listed = wang.get("/sales/order/?group=state", headers=EN).get_data(as_text=True)
    assert "Done" in listed
    timeline = wang.get(f"/sales/event/?eq.order_id={order_id}", headers=EN).get_data(as_text=True)
    for label in ("Quotation", "Sales order", "Fully delivered", "Fully paid", "Done"):
        assert label in timeline


@pytest.mark.spec("5.1.2.1", "6.3.2")
def test_bad_lines_are_refused_in_the_readers_language_and_nothing_is_written(app, shop):
    wang = logged_in(app, "wang")
    for headers, message in (
        (ZH, "数值必须大于零。"),
        (EN, "The value must be greater than zero."),
    ):
        response = wang.post(
            "/sales/order/new",
            data={
                "csrf_token": wang.csrf_token,
                "customer_id": str(shop["customer"]),
                "lines-0-product_id": str(shop["chair"]),
                "lines-0-quantity": "-3",
            },
            headers=headers,
        )
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session().scalars(select(SalesOrder)).all() == []


@pytest.mark.spec("5.1.2.1", "6.2.6")
def test_a_salesperson_sees_only_their_orders_and_customers(app, shop):
    order_id = new_quotation(logged_in(app, "wang"), shop)
    li = logged_in(app, "li")
    assert li.get(f"/sales/order/{order_id}").status_code == 404
    assert order_of(app, order_id).name not in li.get("/sales/order/").get_data(as_text=True)
    assert "上海华联贸易" not in li.get("/partners/partner/").get_data(as_text=True)
    boss = logged_in(app, "boss")
    assert boss.get(f"/sales/order/{order_id}").status_code == 200


@pytest.mark.spec("5.1.3.1")
def test_a_manager_releases_a_credit_hold_with_a_note(app, shop):
    with app.app_context():
        partners.update_partner(db.session(), shop["customer"], {"credit_limit": "100.00"})
        db.session().commit()
    wang = logged_in(app, "wang")
    order_id = new_quotation(wang, shop)
    wang.post(f"/sales/order/{order_id}/action/confirm", data={"csrf_token": wang.csrf_token})
    assert order_of(app, order_id).state is OrderState.HOLD
    page = wang.get(f"/sales/order/{order_id}", headers=EN).get_data(as_text=True)
    assert "Release credit hold" not in page  # not hers to release
    refused = wang.post(
        f"/sales/order/{order_id}/action/release",
        data={"csrf_token": wang.csrf_token, "note": "please"},
    )
    assert refused.status_code == 403

    boss = logged_in(app, "boss")
    assert "Release credit hold" in boss.get(f"/sales/order/{order_id}", headers=EN).get_data(
        as_text=True
    )
    boss.post(
        f"/sales/order/{order_id}/action/release",
        data={"csrf_token": boss.csrf_token, "note": "Signed guarantee on file"},
    )
    assert order_of(app, order_id).state is OrderState.CONFIRMED


@pytest.mark.spec("5.1.2.1", "4.4.1")
def test_the_same_order_through_the_api(app, shop):
    client = app.test_client()
    auth = bearer(client, "wang", PASSWORD)
    created = client.post(
        "/api/v1/sales/orders",
        headers=auth,
        json={
            "customer_id": shop["customer"],
            "lines": [
                {"product_id": shop["chair"], "quantity": "3", "price_unit": "95.50"},
                {"product_id": shop["desk"], "quantity": "1"},
            ],
        },
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    order = created.json
    assert (order["state"], order["amount_total"]) == ("draft", "700.41")
    lines = client.get(f"/api/v1/sales/order-lines?eq.order_id={order['id']}", headers=auth).json
    assert [line["total"] for line in lines["items"]] == ["323.75", "376.66"]

    refused = client.post(
        "/api/v1/sales/orders",
        headers=auth,
        json={"customer_id": shop["customer"], "lines": [{"product_id": 99999, "quantity": "1"}]},
    )
    assert refused.status_code == 422
    assert refused.json["messages"]["lines"] == {
        "0": {"product_id": ["There is no product with id 99999."]}
    }

    confirm = f"/api/v1/sales/orders/{order['id']}/confirm"
    assert client.post(confirm, headers=auth).json["state"] == "confirmed"
    assert client.post(confirm, headers=auth).status_code == 409
    cancel = f"/api/v1/sales/orders/{order['id']}/cancel"
    assert client.post(cancel, headers=auth, json={}).status_code == 422
    cancelled = client.post(cancel, headers=auth, json={"reason": "duplicate order"})
    assert cancelled.json["state"] == "cancelled"
    assert cancelled.json["cancel_reason"] == "duplicate order"

    with app.app_context():
        assert db.session().scalars(select(SalesPayment)).all() == []


@pytest.mark.spec("5.1.1.1", "5.1.1.2")
def test_a_manager_plans_the_quarter_and_sees_it_achieved(app, shop):
    wang = logged_in(app, "wang")
    order_id = new_quotation(wang, shop)
    wang.post(f"/sales/order/{order_id}/action/confirm", data={"csrf_token": wang.csrf_token})
    today = order_of(app, order_id).order_date
    start = today.replace(day=1)

    boss = logged_in(app, "boss")
    created = boss.post(
        "/sales/plan/new",
        data={
            "csrf_token": boss.csrf_token,
            "name": "本月计划",
            "period": "month",
            "date_from": start.isoformat(),
            "strategy": "主攻华东经销商。",
            "targets-0-salesperson_id": str(shop["wang"]),
            "targets-0-amount": "1000.00",
            "budget_lines-0-category": "travel",
            "budget_lines-0-amount": "300.00",
            "budget_lines-0-spent": "120.00",
        },
        headers=ZH,
    )
    plan_id = created_id(created)
    boss.post(f"/sales/plan/{plan_id}/action/approve", data={"csrf_token": boss.csrf_token})
    page = boss.get(f"/sales/plan/{plan_id}", headers=ZH).get_data(as_text=True)
    # Wang sold 500.00 untaxed: half of her target, the rest still to do.
    assert "目标与完成情况" in page and "已批准" in page
    cells = re.findall(r'<td class="text-end">([^<]*)</td>', page)
    assert cells[:3] == ["500.00", "50.0", "500.00"]  # achieved, attainment %, remaining
    assert "180.00" in cells  # budget left: 300.00 - 120.00
    english = wang.get(f"/sales/plan/{plan_id}", headers=EN).get_data(as_text=True)
    assert "Targets and achievement" in english and "Projected at period end" in english
    assert (
        wang.post(
            f"/sales/plan/{plan_id}/action/close", data={"csrf_token": wang.csrf_token}
        ).status_code
        == 403
    )

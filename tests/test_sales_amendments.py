"""Amending a confirmed order through its form (clause 5.1.2.1): Wang renegotiates the unit
price of a confirmed order and saves the form as it is; a changed quantity is refused in
the reader's language and nothing changes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from addons.sales.models import SalesOrder
from core import db
from tests.test_sales_flow import (
    ZH,
    form_values,
    logged_in,
    new_quotation,
    shop,  # noqa: F401  (a fixture)
)

pytestmark = [pytest.mark.addons("partners", "products", "sales"), pytest.mark.spec("5.1.2.1")]


def amounts(app, order_id: int) -> tuple:
    """The order's state, first unit price, total and the sum of its lines' totals."""
    with app.app_context():
        order = db.session().get(SalesOrder, order_id)
        lines_total = sum(line.total for line in order.lines)
        return order.state.value, order.lines[0].price_unit, order.amount_total, lines_total


def test_a_confirmed_orders_price_is_amended_through_the_form(app, request):
    ids = request.getfixturevalue("shop")
    wang = logged_in(app, "wang")
    order_id = new_quotation(wang, ids)
    wang.post(f"/sales/order/{order_id}/action/confirm", data={"csrf_token": wang.csrf_token})
    url = f"/sales/order/{order_id}"
    before = amounts(app, order_id)
    values = form_values(wang.get(url, headers=ZH).get_data(as_text=True))
    assert values["lines-0-price_unit"] == str(before[1])
    changed = {**values, "csrf_token": wang.csrf_token, "lines-0-quantity": "9"}
    response = wang.post(url, data=changed, headers=ZH)
    assert response.status_code == 422
    assert "只能修改单价和折扣" in response.get_data(as_text=True)
    assert amounts(app, order_id) == before
    amended = {**values, "csrf_token": wang.csrf_token, "lines-0-price_unit": "80.00"}
    assert wang.post(url, data=amended, headers=ZH).status_code == 302
    state, price, total, lines_total = amounts(app, order_id)
    assert (state, price) == ("confirmed", Decimal("80.00"))
    assert total == lines_total < before[2]

"""The quotation a salesperson sends, as a PDF in Chinese or English (clause 5.1.2.1),
through HTTP: company with its logo, customer with its address, number, dates, validity,
salesperson, lines with unit, price, discount and tax, totals, note, terms, page numbers;
and only for those who may read the order."""

from __future__ import annotations

import base64
import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from addons.partners import services as partners
from addons.sales import documents, services
from addons.sales.models import OrderState, SalesOrder, SalesSettings
from core import db
from core.models import Company
from core.settings import LOGO, set_setting
from tests.test_exchange import pdf_text
from tests.test_sales_flow import EN, logged_in, shop  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.addons("partners", "products", "sales"), pytest.mark.spec("5.1.2.1")]
# A 2×1 red PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAEElEQVR4nGP4z8DAwMDAAAAeBAEAHbR1uAAAAABJRU5ErkJggg=="
)


@pytest.fixture
def quotation(app, request):
    """Wang's quotation to his customer in Shanghai: chairs at 10 % off and a desk."""
    ids = request.getfixturevalue("shop")
    with app.app_context():
        session = db.session()
        company = session.get(Company, 1)
        company.name, company.address = "杭州天工贸易有限公司", "杭州市西湖区文三路 100 号"
        company.phone = "0571-88886666"
        partners.update_partner(session, ids["customer"], {"tax_id": "91310000MA1K000000"})
        partners.add_address(
            session,
            ids["customer"],
            {"kind": "invoice", "street": "南京东路 1 号", "city": "上海市", "zip": "200001"},
        )
        settings = session.query(SalesSettings).filter_by(company_id=1).one()
        settings.quotation_validity_days = 15
        settings.quotation_terms = "Payment within 30 days. 款到发货。"
        set_setting(session, LOGO, "data:image/png;base64," + base64.b64encode(PNG).decode())
        order = services.create_order(
            session,
            {
                "customer_id": ids["customer"],
                "salesperson_id": ids["wang"],
                "order_date": "2026-11-02",
                "client_reference": "PO-7788",
                "note": "Delivery to the back door.",
                "lines": [
                    {"product_id": ids["chair"], "quantity": "3", "discount": "10"},
                    {"product_id": ids["desk"], "quantity": "1"},
                ],
            },
        )
        session.commit()
        return {**ids, "order": order.id, "number": order.name}


def test_a_quotation_prints_in_chinese_with_everything_the_customer_needs(app, quotation):
    wang = logged_in(app, "wang")
    response = wang.get(f"/sales/order/{quotation['order']}/pdf?lang=zh_Hans_CN", headers=EN)
    (text,) = pdf_text(response)
    flat = text.replace("\n", " ")
    for expected in (
        "杭州天工贸易有限公司",
        "文三路 100 号",
        "报价单",
        quotation["number"],
        "上海华联贸易",
        "南京东路 1 号",
        "91310000MA1K000000",
        "2026年11月2日",
        "有效期至",
        "2026年11月17日",  # 15 days
        "Wang",
        "PO-7788",
        "Office chair",
        "10.00",  # the discount
        "13%",
        "270.00",  # 3 × 100.00 less 10 %
        "603.33",  # untaxed
        "78.43",  # tax
        "681.76",  # total
        "未税金额",
        "电话：0571-88886666",
        "款到发货",
        "Delivery to the back door.",
        "第 1 页 / 共 1 页",
    ):
        assert expected in flat, expected
    reader = PdfReader(io.BytesIO(response.get_data()))
    assert reader.pages[0]["/Resources"]["/XObject"]  # the logo


def test_the_same_quotation_in_english_and_as_a_confirmed_order(app, quotation):
    wang = logged_in(app, "wang")
    url = f"/sales/order/{quotation['order']}/pdf"
    (text,) = pdf_text(wang.get(url + "?lang=en"))
    assert "Quotation" in text and "Valid until" in text and "November 17, 2026" in text
    assert "Untaxed amount" in text and "Page 1 / 1" in text
    with app.app_context():
        session = db.session()
        services.confirm_order(session, session.get(SalesOrder, quotation["order"]))
        session.commit()
    (text,) = pdf_text(wang.get(url + "?lang=en"))
    assert "Sales order" in text and "Valid until" not in text and "Confirmed on" in text
    form = wang.get(f"/sales/order/{quotation['order']}", headers=EN).get_data(as_text=True)
    assert f"{url}?lang=zh_Hans_CN" in form and f"{url}?lang=en" in form
    # Li may not read Wang's order: not printed either.
    assert logged_in(app, "li").get(url).status_code == 404


def test_many_lines_run_over_pages_with_their_count(app, quotation):
    with app.app_context():
        session = db.session()
        rows = [{"product_id": quotation["chair"], "quantity": str(n)} for n in range(1, 81)]
        order = services.create_order(
            session, {"customer_id": quotation["customer"], "lines": rows}
        )
        session.commit()
        order_id = order.id
    pages = pdf_text(logged_in(app, "boss").get(f"/sales/order/{order_id}/pdf?lang=en"))
    assert len(pages) >= 2
    assert f"Page {len(pages)} / {len(pages)}" in pages[-1]


def test_validity_percentages_and_quantities_as_people_write_them():
    order = SalesOrder(state=OrderState.CONFIRMED, order_date=date(2026, 1, 1))
    assert documents.valid_until(None, order) is None  # a confirmed order is not quoted
    assert documents.percent(Decimal("0.130000")) == "13%"
    assert documents.percent(Decimal("0.065000")) == "6.5%"
    assert documents.percent(Decimal("0")) == "0%"
    assert documents.plain_quantity(Decimal("10.0000")) == Decimal("10")
    assert str(documents.plain_quantity(Decimal("10.0000"))) == "10"
    assert str(documents.plain_quantity(Decimal("2.5000"))) == "2.5"

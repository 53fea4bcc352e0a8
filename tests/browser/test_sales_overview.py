"""The sales overview in a real browser, in Chinese (clause 5.1.4.1): every chart is drawn
(a canvas each, under the strict CSP), and clicking the first bar of the top products
opens the order lines of that product among the year's confirmed orders.

The screenshot lands in ``artifacts/screenshots/sales-overview-zh.png``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips, or fails under CI, and says why
    expect = None

from core.testing import ADMIN_LOGIN, ADMIN_PASSWORD, build_app
from tests.browser.conftest import (
    CSP_LISTENER,
    TIMEOUT_MS,
    Console,
    LiveServer,
    log_in,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.spec("5.1.4.1")]
ADDONS = frozenset({"partners", "products", "sales"})
CHARTS = 7


def _seed(app) -> None:
    """Two customers, two products, three confirmed orders dated today and a quotation."""
    from addons.partners import services as partners
    from addons.products import services as products
    from addons.sales import services

    def build(session) -> None:
        east = partners.create_partner(session, {"name": "华东贸易", "is_customer": True})
        north = partners.create_partner(session, {"name": "华北商行", "is_customer": True})
        chair = products.create_product(
            session, {"name": "办公椅", "sale_price": "100.00", "tax_rate": "0.13"}
        )
        desk = products.create_product(
            session, {"name": "办公桌", "sale_price": "300.00", "tax_rate": "0.13"}
        )
        for customer, product, quantity, confirm in (
            (east, chair, 10, True),
            (east, desk, 1, True),
            (north, chair, 2, True),
            (north, desk, 1, False),
        ):
            order = services.create_order(
                session,
                {
                    "customer_id": customer.id,
                    "lines": [{"product_id": product.id, "quantity": str(quantity)}],
                },
            )
            if confirm:
                services.confirm_order(session, order)

    with app.app_context():
        app.extensions["tessera.db"].atomic(build)


@pytest.fixture(scope="module")
def sales_server(db_engine) -> Iterator[LiveServer]:
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args) -> None:
            pass

    app = build_app(db_engine.copy_url(ADDONS), SERVER_NAME=None)
    _seed(app)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="sales-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app.extensions["tessera.db"].dispose()


@pytest.fixture
def chinese_page(browser, sales_server, console: Console):
    context = browser.new_context(
        base_url=sales_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    context.add_init_script(CSP_LISTENER)
    opened = context.new_page()
    opened.on(
        "console",
        lambda message: (
            message.type == "error"
            and console.entries.append((message.text, message.location.get("url", "")))
        ),
    )
    opened.on("pageerror", lambda error: console.entries.append((f"exception: {error}", "")))
    log_in(opened, ADMIN_LOGIN, ADMIN_PASSWORD)
    yield opened
    context.close()


def test_the_overview_draws_every_chart_and_a_bar_opens_its_lines(chinese_page, console):
    page = chinese_page
    page.goto("/")
    page.get_by_role("link", name="销售概览").first.click()
    page.wait_for_url("**/dashboards/sales.overview")
    expect(page.locator("h1")).to_contain_text("销售概览")
    expect(page.locator("[data-chart] canvas")).to_have_count(CHARTS)
    page.wait_for_timeout(1500)  # the bars grow in for a second
    screenshot(page, "sales-overview-zh")
    # The middle of the first bar of the top products (办公椅: 1,200.00).
    page.locator('[data-chart][aria-label="销售额最高的产品"]').scroll_into_view_if_needed()
    point = page.evaluate(
        """() => {
            const element = document.querySelector('[data-chart][aria-label="销售额最高的产品"]');
            const chart = window.echarts.getInstanceByDom(element);
            const [x, y] = chart.convertToPixel({seriesIndex: 0}, [0, 600]);
            const box = element.getBoundingClientRect();
            return [box.left + x, box.top + y];
        }"""
    )
    page.mouse.click(*point)
    page.wait_for_url(re.compile(r"/sales/line/\?.*f=orders"))
    assert re.search(r"eq\.product_id=\d+", page.url) and "month.order_date=" in page.url
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("办公椅")
    console.assert_clean()

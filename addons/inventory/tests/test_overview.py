"""The inventory overview dashboard: alerts and operations to do, each figure opening its
list, through the reader's warehouses; stock value for managers only."""

from __future__ import annotations

import pytest

from addons.inventory import rules, services
from core import db
from core.testing import dashboard_figures as figures

from .conftest import EN, INVENTORY, ZH, logged_in

pytestmark = [pytest.mark.addons(*INVENTORY), pytest.mark.spec("5.2.1.1")]
BOARD = "/dashboards/inventory.overview?period=all"


@pytest.fixture
def alerting(app, site):
    """A rule of the main warehouse under its minimum, and a delivery waiting for stock."""
    with app.app_context():
        session = db.session()
        rules.create_rule(
            session,
            {
                "product_id": site["chair"],
                "warehouse_id": site["main"],
                "minimum": "5",
                "maximum": "20",
            },
        )
        delivery = services.create_delivery(
            session,
            {
                "warehouse_id": site["main"],
                "moves": [{"product_id": site["chair"], "quantity": "3"}],
            },
        )
        services.confirm_picking(session, delivery)
        session.commit()
    return site


def test_the_overview_counts_what_needs_doing_in_the_readers_warehouses(app, alerting):
    boss = figures(logged_in(app, "boss").get(BOARD, headers=EN).get_data(as_text=True))
    assert boss["Products below minimum"][0] == "1"
    assert boss["Deliveries waiting for stock"][0] == "1"
    assert "Stock value" in boss
    opened = logged_in(app, "boss").get(boss["Products below minimum"][1], headers=EN)
    assert opened.status_code == 200 and "Office chair" in opened.get_data(as_text=True)
    # zhang works in the main warehouse: the same alerts, but no costs.
    zhang = figures(logged_in(app, "zhang").get(BOARD, headers=EN).get_data(as_text=True))
    assert zhang["Products below minimum"][0] == "1"
    assert "Stock value" not in zhang
    # wu works in Guangzhou only.
    wu = figures(logged_in(app, "wu").get(BOARD, headers=EN).get_data(as_text=True))
    assert wu["Products below minimum"][0] == "0"
    assert wu["Deliveries waiting for stock"][0] == "0"


def test_the_overview_is_in_the_menu_and_in_chinese(app, alerting):
    client = logged_in(app, "boss")
    assert 'href="/dashboards/inventory.overview"' in client.get("/", headers=EN).get_data(
        as_text=True
    )
    html = client.get(BOARD, headers=ZH).get_data(as_text=True)
    assert "库存概览" in html and "低于最低库存的产品" in html

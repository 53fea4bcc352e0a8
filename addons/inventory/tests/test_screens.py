"""A warehouse clerk's day through the screens and the API (clauses 5.2.1.1 and 6.2.5).

Zhang Wei, Inventory / User and member of the main warehouse, receives goods through the
generic form in Chinese, ships part of a delivery and leaves a backorder; Wu, a clerk of
another warehouse only, cannot reach any of it; the manager sees stock values the clerks
may not; the same receipt through the REST API.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from addons.inventory import services
from addons.inventory.models import Delivery, Quant, StockState
from core import db
from tests.test_api import bearer

from .conftest import EN, INVENTORY, PASSWORD, ZH, action, created_id, logged_in

pytestmark = pytest.mark.addons(*INVENTORY)


@pytest.mark.spec("5.2.1.1")
def test_a_clerk_receives_and_ships_through_the_screens(app, site):
    zhang = logged_in(app, "zhang")
    page = zhang.get("/inventory/receipt/new", headers=ZH).get_data(as_text=True)
    assert "收货单" in page and "需求数量" in page
    receipt_id = created_id(
        zhang.post(
            "/inventory/receipt/new",
            headers=ZH,
            data={
                "csrf_token": zhang.csrf_token,
                "moves-0-product_id": str(site["chair"]),
                "moves-0-quantity": "10",
                "moves-1-product_id": str(site["desk"]),
                "moves-1-quantity": "2",
            },
        )
    )
    path = f"/inventory/receipt/{receipt_id}"
    action(zhang, path, "confirm")
    action(zhang, path, "validate")
    form = zhang.get(path, headers=ZH).get_data(as_text=True)
    assert "已完成" in form
    stock = zhang.get("/inventory/stock/", headers=ZH).get_data(as_text=True)
    assert "Office chair" in stock and "WH/库存" in stock

    with app.app_context():
        session = db.session()
        delivery = services.create_delivery(
            session, {"moves": [{"product_id": site["chair"], "quantity": "4"}]}
        )
        services.confirm_picking(session, delivery)
        delivery_id, move_id = delivery.id, delivery.moves[0].id
        session.commit()
    path = f"/inventory/delivery/{delivery_id}"
    saved = zhang.post(
        path,
        headers=ZH,
        data={
            "csrf_token": zhang.csrf_token,
            "moves-0-id": str(move_id),
            "moves-0-product_id": str(site["chair"]),
            "moves-0-quantity": "4.0000",
            "moves-0-quantity_done": "3",
        },
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)[:3000]
    action(zhang, path, "validate")
    with app.app_context():
        session = db.session()
        backorder = session.scalars(
            select(Delivery).where(Delivery.backorder_of_id == delivery_id)
        ).one()
        assert (backorder.state, backorder.moves[0].product_qty) == (StockState.READY, 1)
    listed = zhang.get("/inventory/delivery/?f=backorders", headers=EN).get_data(as_text=True)
    assert backorder.name in listed
    assert zhang.get("/inventory/delivery/kanban", headers=ZH).status_code == 200
    history = zhang.get("/inventory/move/?f=done", headers=ZH).get_data(as_text=True)
    assert "库存流水" in history or "库存移动" in history


@pytest.mark.spec("5.2.1.1", "6.2.5")
def test_clerks_reach_only_their_warehouses_and_costs_stay_hidden(app, site):
    with app.app_context():
        session = db.session()
        delivery = services.create_delivery(
            session, {"moves": [{"product_id": site["chair"], "quantity": "1"}]}
        )
        session.commit()
        delivery_id = delivery.id
    wu, zhang, boss = (logged_in(app, login) for login in ("wu", "zhang", "boss"))
    assert zhang.get(f"/inventory/delivery/{delivery_id}").status_code == 200
    assert wu.get(f"/inventory/delivery/{delivery_id}").status_code == 404
    assert delivery.name not in wu.get("/inventory/delivery/").get_data(as_text=True)
    warehouses = wu.get("/inventory/warehouse/", headers=EN).get_data(as_text=True)
    assert "Guangzhou" in warehouses and "Main warehouse" not in warehouses
    assert zhang.get("/inventory/valuation/").status_code == 403
    assert boss.get("/inventory/valuation/").status_code == 200
    assert boss.get(f"/inventory/delivery/{delivery_id}").status_code == 200
    with app.app_context():
        session = db.session()
        services.confirm_picking(session, session.get(Delivery, delivery_id))
        session.commit()
    for login, sees_costs in (("zhang", False), ("boss", True)):
        client = app.test_client()
        moves = client.get("/api/v1/inventory/moves", headers=bearer(client, login, PASSWORD))
        (move,) = moves.json["items"]
        assert ("price_unit" in move, "value" in move) == (sees_costs, sees_costs), login


@pytest.mark.spec("5.2.1.1", "4.4.1")
def test_the_same_receipt_through_the_api(app, site):
    client = app.test_client()
    auth = bearer(client)
    created = client.post(
        "/api/v1/inventory/receipts",
        headers=auth,
        json={"moves": [{"product_id": site["chair"], "quantity": "5"}]},
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    receipt = created.json
    assert receipt["state"] == "draft" and receipt["name"].startswith("IN")
    base = f"/api/v1/inventory/receipts/{receipt['id']}"
    assert client.post(f"{base}/confirm", headers=auth).json["state"] == "ready"
    assert client.post(f"{base}/validate", headers=auth).json["state"] == "done"
    assert client.post(f"{base}/validate", headers=auth).status_code == 409
    stock = client.get(f"/api/v1/inventory/stock?eq.product_id={site['chair']}", headers=auth)
    assert [row["on_hand"] for row in stock.json["items"]] == ["5.0000"]
    refused = client.post(
        "/api/v1/inventory/deliveries",
        headers=auth,
        json={"moves": [{"product_id": site["chair"], "quantity": "-1"}]},
    )
    assert refused.status_code == 422
    assert list(refused.json["messages"]["moves"]["0"]) == ["quantity"]


@pytest.mark.spec("5.2.1.1")
def test_every_inventory_screen_opens_in_both_languages(app, site, admin_client):
    with app.app_context():
        session = db.session()
        receipt = services.create_receipt(
            session, {"moves": [{"product_id": site["chair"], "quantity": "3"}]}
        )
        services.confirm_picking(session, receipt)
        services.validate_picking(session, receipt)
        lot = services.create_lot(session, {"name": "L-2026-01", "product_id": site["chair"]})
        records = {
            "receipt": receipt.id,
            "move": receipt.moves[0].id,
            "warehouse": site["main"],
            "location": receipt.to_location_id,
            "lot": lot.id,
        }
        session.commit()
    from addons.inventory.views import VIEWS

    for view in VIEWS:
        base = f"/inventory/{view.slug}/"
        for headers in (ZH, EN):
            for suffix in ("", "pivot", "graph", *(["kanban"] if view.kanban else [])):
                response = admin_client.get(base + suffix, headers=headers)
                assert response.status_code == 200, (base + suffix, response.status_code)
        if view.slug in records:
            response = admin_client.get(f"{base}{records[view.slug]}", headers=ZH)
            assert response.status_code == 200, view.slug
        if view.create is not None:
            assert admin_client.get(f"{base}new", headers=ZH).status_code == 200, view.slug


def test_every_state_kind_and_priority_has_a_label():
    from addons.inventory.views import LABELLED_ENUMS

    for enum_class, labels in LABELLED_ENUMS:
        assert [member.value for member in enum_class] == [key for key, _label in labels]


@pytest.mark.spec("5.2.1.2")
def test_a_clerk_counts_a_warehouse_through_the_screens(app, site):
    with app.app_context():
        session = db.session()
        receipt = services.create_receipt(
            session, {"moves": [{"product_id": site["chair"], "quantity": "6"}]}
        )
        services.confirm_picking(session, receipt)
        services.validate_picking(session, receipt)
        stock_id = receipt.to_location_id
        session.commit()
    zhang = logged_in(app, "zhang")
    count_id = created_id(
        zhang.post(
            "/inventory/count/new",
            headers=ZH,
            data={"csrf_token": zhang.csrf_token, "reason": "月度盘点"},
        )
    )
    path = f"/inventory/count/{count_id}"
    action(zhang, path, "start")
    form = zhang.get(path, headers=ZH).get_data(as_text=True)
    assert "账面数量" in form and "盘点中" in form
    line_id = re.search(r'name="lines-0-id" value="(\d+)"', form)[1]
    saved = zhang.post(
        path,
        headers=ZH,
        data={
            "csrf_token": zhang.csrf_token,
            "reason": "月度盘点",
            "lines-0-id": line_id,
            "lines-0-product_id": str(site["chair"]),
            "lines-0-location_id": str(stock_id),
            "lines-0-counted": "5",
        },
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)[:3000]
    action(zhang, path, "apply")
    assert "已完成" in zhang.get(path, headers=ZH).get_data(as_text=True)
    with app.app_context():
        on_hand = db.session().scalar(
            select(Quant.on_hand).where(
                Quant.product_id == site["chair"], Quant.location_id == stock_id
            )
        )
    assert on_hand == 5

"""Stock information through the API and the stock list (clause 5.2.1.1): on hand,
reserved, available, incoming and outgoing per product, warehouse, location and lot,
filtered and paged, the same numbers on the screen, in a fixed number of queries.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from addons.inventory import services
from addons.products import services as products
from core import db
from tests.test_api import bearer

from .conftest import EN, INVENTORY, PASSWORD, logged_in, q

pytestmark = pytest.mark.addons(*INVENTORY)


FIGURES = ("on_hand", "reserved", "available", "incoming", "outgoing", "forecast")


def figures(item: dict) -> tuple:
    return tuple(q(item[name]) for name in FIGURES)


@pytest.fixture
def stocked(app, site):
    """Chairs in stock and on a shelf of the main warehouse, one delivery reserving
    some, another waiting, a receipt and a transfer to Guangzhou on their way."""
    with app.app_context():
        session = db.session()
        main = services.default_warehouse(session, 1)
        stock = services.warehouse_location(session, main, "stock")
        shelf = services.create_location(session, {"name": "B-01", "parent_id": stock.id})
        other = services.warehouse_location(
            session, session.get(type(main), site["other"]), "stock"
        )
        chair, desk = site["chair"], site["desk"]

        def picking(create, *rows, validate=False, **header):
            made = create(
                session,
                {"moves": [{"product_id": p, "quantity": str(n)} for p, n in rows], **header},
            )
            services.confirm_picking(session, made)
            if validate:
                services.validate_picking(session, made)
            return made

        picking(services.create_receipt, (chair, 10), validate=True)
        picking(services.create_receipt, (chair, 4), validate=True, to_location_id=shelf.id)
        picking(services.create_delivery, (chair, 12))  # reserves 10 in Stock and 2 on B-01
        picking(services.create_delivery, (desk, 3))  # nothing to reserve: waits
        picking(services.create_receipt, (chair, 5), (desk, 6))  # incoming
        picking(services.create_transfer, (chair, 1), to_location_id=other.id)  # from B-01
        ids = {"stock": stock.id, "shelf": shelf.id, "there": other.id}
        session.commit()
    return ids


@pytest.mark.spec("5.2.1.1", "4.4.1")
def test_stock_per_place_with_incoming_and_outgoing_through_the_api(app, site, stocked):
    client = app.test_client()
    auth = bearer(client, "boss", PASSWORD)
    chair, desk = site["chair"], site["desk"]

    def stock(**params) -> dict:
        query = "&".join(f"{key}={value}" for key, value in params.items())
        answer = client.get(f"/api/v1/inventory/stock?{query}", headers=auth)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return answer.json

    rows = {
        (item["product_id"], item["location_id"]): figures(item)
        for item in stock(size=200)["items"]
    }
    # on hand, reserved, available, incoming, outgoing, forecast
    assert rows[(chair, stocked["stock"])] == (q(10), q(10), q(0), q(5), q(10), q(5))
    assert rows[(chair, stocked["shelf"])] == (q(4), q(3), q(1), q(0), q(3), q(1))
    assert rows[(chair, stocked["there"])] == (q(0), q(0), q(0), q(1), q(0), q(1))
    assert rows[(desk, stocked["stock"])] == (q(0), q(0), q(0), q(6), q(3), q(3))

    by_product = stock(**{"eq.product_id": desk})["items"]
    assert [(i["product_id"], i["location_id"]) for i in by_product] == [(desk, stocked["stock"])]
    in_guangzhou = stock(**{"eq.warehouse_id": site["other"]})["items"]
    assert {i["location_id"] for i in in_guangzhou} == {stocked["there"]}
    on_shelf = stock(**{"eq.location_id": stocked["shelf"], "eq.lot_id": ""})
    assert [figures(i) for i in on_shelf["items"]] == [rows[(chair, stocked["shelf"])]]
    first, second = stock(size=2, page=1), stock(size=2, page=2)
    assert first["total"] == second["total"] == len(rows)
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}

    # The same numbers on the stock list, for the clerk of the main warehouse only.
    zhang = logged_in(app, "zhang")
    page = zhang.get(f"/inventory/stock/?eq.product_id={chair}", headers=EN)
    text = page.get_data(as_text=True)
    assert "Expected in" in text and "Expected out" in text and "Forecast" in text
    wu = app.test_client()
    wu_rows = wu.get("/api/v1/inventory/stock", headers=bearer(wu, "wu", PASSWORD)).json
    assert {i["location_id"] for i in wu_rows["items"]} == {stocked["there"]}


@pytest.mark.spec("5.2.1.1")
def test_a_page_of_stock_costs_a_fixed_number_of_queries(app, site, stocked):
    client = app.test_client()
    auth = bearer(client, "zhang", PASSWORD)
    engine = app.extensions["tessera.db"].engine
    counted = []
    for extra in (0, 25):
        with app.app_context():
            session = db.session()
            for n in range(extra):
                product = products.create_product(session, {"name": f"Lamp {n}"})
                receipt = services.create_receipt(
                    session, {"moves": [{"product_id": product.id, "quantity": "2"}]}
                )
                services.confirm_picking(session, receipt)
            session.commit()
        statements: list[str] = []

        def note(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", note)
        try:
            answer = client.get("/api/v1/inventory/stock?size=200", headers=auth)
            screen = logged_in_page(app)
        finally:
            event.remove(engine, "before_cursor_execute", note)
        assert answer.status_code == 200 and screen == 200
        assert len(answer.json["items"]) >= extra
        counted.append(len([s for s in statements if re.match(r"\s*SELECT", s, re.I)]))
    assert counted[0] == counted[1], counted


def logged_in_page(app) -> int:
    zhang = logged_in(app, "zhang")
    return zhang.get("/inventory/stock/?size=200", headers=EN).status_code


@pytest.mark.spec("5.2.1.1", "4.4.1")
def test_stock_found_or_corrected_through_the_api_answers_the_new_figures(app, site, stocked):
    client = app.test_client()
    auth = bearer(client, "boss", PASSWORD)
    found = client.post(
        "/api/v1/inventory/stock",
        headers=auth,
        json={"product_id": site["desk"], "location_id": stocked["shelf"], "on_hand": "2"},
    )
    assert found.status_code == 201, found.get_data(as_text=True)
    # The waiting delivery of 3 desks takes both at once.
    assert figures(found.json) == (q(2), q(2), q(0), q(0), q(2), q(0))
    stock_row = client.get(
        f"/api/v1/inventory/stock?eq.product_id={site['desk']}&eq.location_id={stocked['stock']}",
        headers=auth,
    ).json["items"][0]
    corrected = client.patch(
        f"/api/v1/inventory/stock/{stock_row['id']}", headers=auth, json={"on_hand": "1"}
    )
    assert corrected.status_code == 200, corrected.get_data(as_text=True)
    # The delivery's third desk is reserved here; 6 are on their way: forecast 1 + 6 - 1.
    assert figures(corrected.json) == (q(1), q(1), q(0), q(6), q(1), q(6))

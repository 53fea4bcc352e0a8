"""Lots and serial numbers (clause 5.2.1.1): a product tracked by lot arrives with its lot;
one tracked by serial number moves one unit per line with its own number, receipts ask
for the numbers, deliveries pick them, and a serial number is in one place at a time.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from addons.inventory import counts, ledger, services, tracking
from addons.inventory.models import LocationKind, Lot, Move, Quant, StockState

from .conftest import (
    INVENTORY,
    PASSWORD,
    ZH,
    action,
    created_id,
    deliver,
    lines,
    location,
    logged_in,
    q,
    receive,
    refused,
)

pytestmark = pytest.mark.addons(*INVENTORY)


def tracked(session, product, how: str):
    return tracking.create_tracking(session, {"product_id": product.id, "tracking": how})


def serials_held(session, product) -> dict[str, tuple[int, object]]:
    """Serial number -> (location, on hand) for what is on hand."""
    rows = session.execute(
        select(Lot.name, Quant.location_id, Quant.on_hand)
        .join(Lot, Lot.id == Quant.lot_id)
        .where(Quant.product_id == product.id, Quant.on_hand != 0)
    ).all()
    return {name: (where, on_hand) for name, where, on_hand in rows}


def named(session, picking, *names) -> None:
    """Type lot or serial numbers on a confirmed operation's lines, in order."""
    rows = [
        {"id": move.id, "lot_name": name} for move, name in zip(picking.moves, names, strict=True)
    ]
    services.update_picking(session, picking.id, {"moves": rows})


def line_errors(raised) -> dict:
    return {int(k): v for k, v in raised.value.messages["moves"].items()}


def balanced(session) -> None:
    assert [p.text() for p in ledger.check(session)[0]] == []


@pytest.mark.spec("5.2.1.1")
def test_goods_tracked_by_lot_arrive_with_their_lot(db_session, chair, stock):
    tracked(db_session, chair, "lot")
    receipt = receive(db_session, (chair, 5), validate=False)
    with refused(db_session) as raised:
        services.validate_picking(db_session, receipt)
    assert list(line_errors(raised)[0]) == ["lot_name"]
    assert "tracked by lot" in line_errors(raised)[0]["lot_name"][0]
    named(db_session, receipt, "L-2026-11")  # a new lot, made as the goods arrive
    services.validate_picking(db_session, receipt)
    lot = db_session.scalar(select(Lot).where(Lot.name == "L-2026-11"))
    assert lot.product_id == chair.id and receipt.moves[0].lot_id == lot.id
    held = db_session.execute(
        select(Quant.lot_id, Quant.on_hand).where(Quant.product_id == chair.id, Quant.on_hand != 0)
    ).all()
    assert held == [(lot.id, q(5))]
    # Elsewhere the ledger refuses tracked goods that arrive without a lot too.
    with refused(db_session, "tracked by lot"):
        services.adjust_stock(
            db_session, {"product_id": chair.id, "location_id": stock.id, "counted": "9"}
        )
    # A delivery takes the lot it finds.
    out = deliver(db_session, (chair, 2), validate=True)
    assert [move.lot_id for move in out.moves] == [lot.id]
    balanced(db_session)


@pytest.mark.spec("5.2.1.1")
def test_a_receipt_asks_one_serial_number_per_unit(db_session, chair, stock):
    tracked(db_session, chair, "serial")
    receipt = receive(db_session, (chair, 3), validate=False)
    with refused(db_session, None) as raised:
        services.validate_picking(db_session, receipt)
    assert "serial number of each unit" in line_errors(raised)[0]["lot_name"][0]
    with refused(db_session) as raised:
        named(db_session, receipt, "SN-1 SN-2 SN-1")
    assert "SN-1 is given twice" in line_errors(raised)[0]["lot_name"][0]
    with refused(db_session) as raised:
        named(db_session, receipt, "SN-1 SN-2 SN-3 SN-4")
    assert "4 serial numbers for 3 units" in line_errors(raised)[0]["lot_name"][0]
    named(db_session, receipt, "SN-1, SN-2，SN-3")  # a Chinese comma too
    assert [(m.product_qty, m.lot.name) for m in receipt.moves] == [
        (q(1), "SN-1"),
        (q(1), "SN-2"),
        (q(1), "SN-3"),
    ]
    services.validate_picking(db_session, receipt)
    assert serials_held(db_session, chair) == {
        name: (stock.id, q(1)) for name in ("SN-1", "SN-2", "SN-3")
    }
    # The same serial number cannot arrive while it is in stock.
    again = services.create_receipt(db_session, {"moves": lines((chair, 1, {"lot_name": "SN-2"}))})
    services.confirm_picking(db_session, again)
    with refused(db_session) as raised:
        services.validate_picking(db_session, again)
    assert "SN-2 is already in stock in WH/Stock" in line_errors(raised)[0]["lot_name"][0]
    balanced(db_session)


@pytest.mark.spec("5.2.1.1")
def test_some_serial_numbers_now_the_rest_in_a_backorder(db_session, chair, stock):
    tracked(db_session, chair, "serial")
    receipt = receive(db_session, (chair, 3), validate=False)
    services.update_picking(
        db_session,
        receipt.id,
        {"moves": [{"id": receipt.moves[0].id, "lot_name": "A-1 A-2", "quantity_done": "2"}]},
    )
    assert [(m.product_qty, m.lot_name, m.quantity_done) for m in receipt.moves] == [
        (q(1), "A-1", q(1)),
        (q(1), "A-2", q(1)),
        (q(1), None, q(0)),
    ]
    services.validate_picking(db_session, receipt)
    assert set(serials_held(db_session, chair)) == {"A-1", "A-2"}
    backorder = db_session.scalar(
        select(Move).where(Move.state == StockState.READY, Move.product_id == chair.id)
    ).picking
    assert backorder.backorder_of_id == receipt.id and backorder.moves[0].lot_id is None


@pytest.mark.spec("5.2.1.1")
def test_a_delivery_picks_serial_numbers_and_may_name_others(db_session, chair, stock):
    tracked(db_session, chair, "serial")
    receive(db_session, (chair, 3, {"lot_name": "SN-1 SN-2 SN-3"}))
    delivery = deliver(db_session, (chair, 4))
    picked = [(m.lot_name, m.product_qty, m.reserved_qty, m.state) for m in delivery.moves]
    assert picked == [
        ("SN-1", q(1), q(1), StockState.READY),
        ("SN-2", q(1), q(1), StockState.READY),
        ("SN-3", q(1), q(1), StockState.READY),
        (None, q(1), q(0), StockState.WAITING),
    ]
    *_serials, missing = delivery.moves
    # The customer wants SN-3 on the second line: names taken by another line are refused.
    with refused(db_session) as raised:
        named(db_session, delivery, "SN-1", "SN-3", "SN-3", None)
    assert "SN-3 is given twice" in str(raised.value.messages)
    named(db_session, delivery, "SN-1", "SN-3", "SN-2", None)
    assert [m.lot_name for m in delivery.moves] == ["SN-1", "SN-3", "SN-2", None]
    # A fourth unit arrives and is given to the waiting line, with its number.
    receive(db_session, (chair, 1, {"lot_name": "SN-4"}))
    assert (missing.lot_name, missing.reserved_qty, delivery.state) == (
        "SN-4",
        q(1),
        StockState.READY,
    )
    services.validate_picking(db_session, delivery)
    customers = location(db_session, LocationKind.CUSTOMER)
    assert sorted(m.lot_name for m in delivery.moves if m.to_location_id == customers.id) == [
        "SN-1",
        "SN-2",
        "SN-3",
        "SN-4",
    ]
    assert serials_held(db_session, chair) == {}
    # Gone to the customer, a serial number may come back in.
    receive(db_session, (chair, 1, {"lot_name": "SN-1"}))
    assert serials_held(db_session, chair) == {"SN-1": (stock.id, q(1))}
    balanced(db_session)


@pytest.mark.spec("5.2.1.1")
def test_a_serial_number_is_in_one_place_at_a_time(db_session, chair, stock):
    tracked(db_session, chair, "serial")
    shelf = services.create_location(db_session, {"name": "S-01", "parent_id": stock.id})
    receive(db_session, (chair, 1, {"lot_name": "SN-9"}))
    sn9 = db_session.scalar(select(Lot.id).where(Lot.name == "SN-9"))
    transfer = services.create_transfer(
        db_session, {"moves": lines((chair, 1)), "to_location_id": shelf.id}
    )
    services.confirm_picking(db_session, transfer)
    services.validate_picking(db_session, transfer)
    assert serials_held(db_session, chair) == {"SN-9": (shelf.id, q(1))}
    # Found "again" on the Stock shelf: the ledger refuses a second place.
    with refused(db_session, "SN-9 is already in stock in WH/Stock/S-01"):
        services.adjust_stock(
            db_session,
            {"product_id": chair.id, "location_id": stock.id, "lot_id": sn9, "counted": "1"},
        )
    with refused(db_session, "0 or 1"):
        services.adjust_stock(
            db_session,
            {"product_id": chair.id, "location_id": shelf.id, "lot_id": sn9, "counted": "2"},
        )
    count = counts.create_count(db_session, {"reason": "Spot check"})
    counts.start_count(db_session, count)
    (line,) = count.lines
    row = {"id": line.id, "product_id": chair.id, "location_id": shelf.id, "lot_id": sn9}
    with refused(db_session, "0 or 1"):
        counts.update_count(db_session, count.id, {"lines": [{**row, "counted": "2"}]})
    with refused(db_session, "tracked by serial number"):
        counts.update_count(
            db_session,
            count.id,
            {"lines": [{**row, "counted": "1"}, {"product_id": chair.id, "location_id": stock.id}]},
        )
    balanced(db_session)


@pytest.mark.spec("5.2.1.1")
def test_tracking_changes_only_without_stock_or_work_in_progress(db_session, chair, desk):
    receive(db_session, (chair, 2))
    with refused(db_session, "tracking can change once they are done"):
        tracked(db_session, chair, "serial")
    setting = tracked(db_session, desk, "lot")
    with refused(db_session, "already has a tracking setting"):
        tracked(db_session, desk, "serial")
    deliver(db_session, (desk, 1))  # waiting: work in progress
    with refused(db_session, "tracking can change once they are done"):
        tracking.update_tracking(db_session, setting.id, {"tracking": "serial"})
    with refused(db_session, "tracking can change once they are done"):
        tracking.delete_tracking(db_session, setting.id)


@pytest.mark.spec("5.2.1.1")
def test_serial_numbers_through_the_form_and_the_api_in_chinese(app, site):
    from core import db
    from tests.test_api import bearer

    with app.app_context():
        session = db.session()
        tracked(session, session.get(Lot.product.property.mapper.class_, site["chair"]), "serial")
        session.commit()
    zhang = logged_in(app, "zhang")
    receipt_id = created_id(
        zhang.post(
            "/inventory/receipt/new",
            headers=ZH,
            data={
                "csrf_token": zhang.csrf_token,
                "moves-0-product_id": str(site["chair"]),
                "moves-0-quantity": "2",
            },
        )
    )
    path = f"/inventory/receipt/{receipt_id}"
    action(zhang, path, "confirm")
    form = zhang.get(path, headers=ZH).get_data(as_text=True)
    assert "批次或序列号" in form
    move_id = int(form.split('name="moves-0-id" value="')[1].split('"')[0])
    refused_page = zhang.post(
        path,
        headers=ZH,
        data={
            "csrf_token": zhang.csrf_token,
            "moves-0-id": str(move_id),
            "moves-0-product_id": str(site["chair"]),
            "moves-0-quantity": "2",
            "moves-0-lot_name": "CN-1 CN-1",
        },
    )
    assert refused_page.status_code == 422
    assert "序列号 CN-1 重复填写。" in refused_page.get_data(as_text=True)

    client = app.test_client()
    auth = {**bearer(client, "zhang", PASSWORD), **ZH}
    validate = client.post(f"/api/v1/inventory/receipts/{receipt_id}/validate", headers=auth)
    assert validate.status_code == 422
    assert validate.json["messages"]["moves"]["0"]["lot_name"] == [
        "[SKU00001] Office chair 按序列号追踪：请为到货的每个单位填写序列号。"
    ]
    saved = zhang.post(
        path,
        headers=ZH,
        data={
            "csrf_token": zhang.csrf_token,
            "moves-0-id": str(move_id),
            "moves-0-product_id": str(site["chair"]),
            "moves-0-quantity": "2",
            "moves-0-lot_name": "CN-1 CN-2",
        },
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    assert (
        client.post(f"/api/v1/inventory/receipts/{receipt_id}/validate", headers=auth).json["state"]
        == "done"
    )
    product_form = zhang.get(f"/products/product/{site['chair']}", headers=ZH)
    page = product_form.get_data(as_text=True)
    assert "按序列号" in page and "待入库" in page

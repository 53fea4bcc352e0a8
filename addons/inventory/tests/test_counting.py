"""Counting a stocktaking by barcode scan and by file (clause 5.2.1.2): each scan adds one
(or the quantity typed) where the count expects the product or where the counter says;
a file of counted quantities goes in whole or not at all; the counting page is reached
through the access layer, under CSRF.
"""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from addons.inventory import counts, services, tracking
from addons.inventory.models import CountState, StockCount
from addons.products import services as products
from core import db

from .conftest import (
    EN,
    INVENTORY,
    ZH,
    action,
    created_id,
    logged_in,
    q,
    receive,
    refused,
)

pytestmark = pytest.mark.addons(*INVENTORY)


@pytest.fixture
def shelf(db_session, stock):
    return services.create_location(db_session, {"name": "A-01", "parent_id": stock.id})


@pytest.fixture
def mouse(db_session):
    return products.create_product(
        db_session, {"name": "Mouse", "code": "MOUSE", "barcode": "6901234567892"}
    )


def started(session, **scope) -> StockCount:
    count = counts.create_count(session, {"reason": "Monthly", **scope})
    return counts.start_count(session, count)


def by_place(count) -> dict:
    return {
        (line.product_id, line.location_id, line.lot_id): (line.expected, line.counted)
        for line in count.lines
    }


@pytest.mark.spec("5.2.1.2")
def test_each_scan_adds_one_or_the_quantity_typed(db_session, chair, mouse, stock, shelf):
    receive(db_session, (chair, 4))
    receive(db_session, (mouse, 2), to_location_id=shelf.id)
    count = started(db_session)
    for _ in range(3):
        counts.scan(db_session, count, {"code": "6901234567892"})  # the barcode
    counts.scan(db_session, count, {"code": chair.code, "quantity": "2"})
    counts.scan(db_session, count, {"code": f"[{chair.code}] Office chair", "quantity": "1.5"})
    assert by_place(count) == {
        (chair.id, stock.id, None): (q(4), q("3.5")),
        (mouse.id, shelf.id, None): (q(2), q(3)),
    }
    # Found where the freeze expected nothing: a new line, its expectation from the ledger.
    line = counts.scan(db_session, count, {"code": "MOUSE", "location_id": str(stock.id)})
    assert (line.location_id, line.expected, line.counted) == (stock.id, q(0), q(1))
    with refused(db_session) as raised:
        counts.scan(db_session, count, {"code": "NOPE"})
    assert list(raised.value.messages) == ["code"]
    with refused(db_session) as raised:
        counts.scan(db_session, count, {"code": "MOUSE", "quantity": "-1"})
    assert list(raised.value.messages) == ["quantity"]
    counts.apply_count(db_session, count)
    assert count.state is CountState.DONE


@pytest.mark.spec("5.2.1.2")
def test_a_scan_asks_where_when_the_count_cannot_tell(db_session, mouse, stock, shelf):
    receive(db_session, (mouse, 1))
    receive(db_session, (mouse, 1), to_location_id=shelf.id)
    count = started(db_session)  # the whole warehouse: its root holds no stock
    with refused(db_session, "Choose the location") as raised:
        counts.scan(db_session, count, {"code": "MOUSE"})
    assert list(raised.value.messages) == ["location_id"]
    counts.scan(db_session, count, {"code": "MOUSE", "location_id": str(shelf.id)})
    assert by_place(count)[(mouse.id, shelf.id, None)] == (q(1), q(1))


@pytest.mark.spec("5.2.1.1", "5.2.1.2")
def test_serial_numbers_are_scanned_once_each(db_session, chair, stock):
    tracking.create_tracking(db_session, {"product_id": chair.id, "tracking": "serial"})
    receive(db_session, (chair, 2, {"lot_name": "SN-1 SN-2"}))
    count = started(db_session, location_id=stock.id)
    counts.scan(db_session, count, {"code": chair.code, "lot_name": "SN-2"})
    with refused(db_session, "0 or 1"):
        counts.scan(db_session, count, {"code": chair.code, "lot_name": "SN-2"})
    with refused(db_session, "tracked by serial number") as raised:
        counts.scan(db_session, count, {"code": chair.code})
    assert list(raised.value.messages) == ["lot_id"]
    with refused(db_session) as raised:
        counts.scan(db_session, count, {"code": chair.code, "lot_name": "SN-3"})
    assert list(raised.value.messages) == ["lot_name"]
    assert sorted(line.counted or 0 for line in count.lines) == [0, q(1)]


@pytest.mark.spec("5.2.1.2")
def test_a_file_of_counted_quantities_goes_in_whole_or_not_at_all(
    db_session, chair, mouse, stock, shelf
):
    receive(db_session, (chair, 4))
    receive(db_session, (mouse, 2), to_location_id=shelf.id)
    count = started(db_session)
    counts.scan(db_session, count, {"code": chair.code})
    rows = [
        (2, {"code": chair.code, "location": "WH/Stock", "counted": "5"}),
        (3, {"code": "6901234567892", "location": "wh/stock/a-01", "counted": "0"}),
        (4, {"code": "MOUSE", "location": "WH/Nowhere", "counted": "1"}),
        (5, {"code": chair.code, "location": "WH/Stock", "counted": "x"}),
        (6, {"code": chair.code, "location": "WH/Stock", "counted": "6"}),
    ]
    with refused(db_session) as raised:
        counts.import_counts(db_session, count, rows)
    problems = raised.value.messages["rows"]
    assert set(problems) == {4, 5, 6}
    assert list(problems[4]) == ["location"] and list(problems[5]) == ["counted"]
    assert "row 2" in str(problems[6])
    assert by_place(count)[(chair.id, stock.id, None)] == (q(4), q(1))  # nothing changed
    assert counts.import_counts(db_session, count, rows[:2]) == 2
    assert by_place(count) == {
        (chair.id, stock.id, None): (q(4), q(5)),  # replaced, not added
        (mouse.id, shelf.id, None): (q(2), q(0)),
    }


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.spec("5.2.1.2")
def test_a_clerk_counts_by_scanning_and_by_file_through_the_page(app, site):
    with app.app_context():
        session = db.session()
        receipt = services.create_receipt(
            session, {"moves": [{"product_id": site["chair"], "quantity": "6"}]}
        )
        services.confirm_picking(session, receipt)
        services.validate_picking(session, receipt)
        session.commit()
    zhang, wu = logged_in(app, "zhang"), logged_in(app, "wu")
    count_id = created_id(
        zhang.post(
            "/inventory/count/new",
            headers=ZH,
            data={"csrf_token": zhang.csrf_token, "reason": "月度盘点"},
        )
    )
    action(zhang, f"/inventory/count/{count_id}", "start")
    form = zhang.get(f"/inventory/count/{count_id}", headers=ZH).get_data(as_text=True)
    page_url = f"/inventory/count/{count_id}/counting"
    assert page_url in form and "按扫描或文件盘点" in form
    page = zhang.get(page_url, headers=ZH)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "条码或编码" in text and "inventory/counting.js" in text and "<script>" not in text
    assert wu.get(page_url).status_code == 404  # not a warehouse of hers

    scan_url = f"/inventory/count/{count_id}/scan"
    code = "SKU00001"
    json_headers = {**ZH, "Accept": "application/json", "X-CSRF-Token": zhang.csrf_token}
    scanned = zhang.post(scan_url, headers=json_headers, data={"code": code, "quantity": "2"})
    assert scanned.status_code == 200, scanned.get_data(as_text=True)
    assert scanned.json["line"]["counted"] == "2.0000" and "已盘点" in scanned.json["message"]
    refused_scan = zhang.post(scan_url, headers=json_headers, data={"code": "NOPE"})
    assert refused_scan.status_code == 422 and "NOPE" in refused_scan.json["message"]
    no_token = zhang.post(scan_url, headers={"Accept": "application/json"}, data={"code": code})
    assert no_token.status_code == 400
    assert wu.post(scan_url, data={"code": code, "csrf_token": wu.csrf_token}).status_code == 404
    plain = zhang.post(scan_url, data={"code": code, "csrf_token": zhang.csrf_token})
    assert plain.status_code == 302  # without JavaScript: back to the page

    import_url = f"/inventory/count/{count_id}/import"
    bad = _csv([["产品", "库位", "实盘数量"], [code, "WH/库存", "4"], ["NOPE", "WH/库存", "1"]])
    answer = zhang.post(
        import_url,
        headers=ZH,
        data={"csrf_token": zhang.csrf_token, "file": (io.BytesIO(bad), "count.csv")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 422
    assert "第 3 行：" in answer.get_data(as_text=True)
    good = _xlsx([["Product", "Location", "Counted"], [code, "WH/Stock", 5]])
    answer = zhang.post(
        import_url,
        headers=EN,
        data={"csrf_token": zhang.csrf_token, "file": (io.BytesIO(good), "count.xlsx")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    with app.app_context():
        count = db.session().scalar(select(StockCount).where(StockCount.id == count_id))
        assert [line.counted for line in count.lines] == [q(5)]

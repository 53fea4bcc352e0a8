"""Stocktaking (clause 5.2.1.2): a count freezes the expected quantities, counters enter
what they find, every discrepancy shows with its value, large ones wait for a manager,
and applying posts adjustments to inventory loss without undoing what moved meanwhile.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import g
from sqlalchemy import select

from addons.inventory import counts, ledger, services
from addons.inventory.models import CountState, LocationKind, Move
from addons.products import services as products
from core.security.access import AccessDenied, access_for
from core.security.models import UserRole
from core.security.passwords import hash_password
from core.security.users import User

from .conftest import INVENTORY, deliver, location, q, quant_of, receive, refused

pytestmark = pytest.mark.addons(*INVENTORY)


def balanced(session) -> None:
    assert [p.text() for p in ledger.check(session)[0]] == []


def counted(session, count, *values) -> None:
    """Enter counted quantities on the count's lines, in order (None: not counted)."""
    rows = [
        {
            "id": line.id,
            "product_id": line.product_id,
            "location_id": line.location_id,
            "lot_id": line.lot_id,
            "counted": None if value is None else str(value),
        }
        for line, value in zip(count.lines, values, strict=True)
    ]
    counts.update_count(session, count.id, {"lines": rows})


@pytest.fixture
def shelf(db_session, stock):
    return services.create_location(db_session, {"name": "A-01", "parent_id": stock.id})


@pytest.mark.spec("5.2.1.2")
def test_a_count_posts_its_differences_and_keeps_what_moved_since(
    db_session, chair, desk, stock, shelf
):
    receive(db_session, (chair, 10))
    receive(db_session, (desk, 4), to_location_id=shelf.id)
    count = counts.create_count(db_session, {"reason": "Year-end count"})
    assert count.name.startswith("CNT") and count.location.display_name == "WH"
    counts.start_count(db_session, count)
    assert count.state is CountState.COUNTING and count.frozen_at is not None
    assert [(line.product_id, line.location_id, line.expected) for line in count.lines] == [
        (chair.id, stock.id, q(10)),
        (desk.id, shelf.id, q(4)),
    ]
    counted(db_session, count, 8, 4)
    deliver(db_session, (chair, 3), validate=True)  # shipped while counting
    counts.apply_count(db_session, count)
    assert count.state is CountState.DONE
    chairs, desks = count.lines
    assert (chairs.difference, chairs.difference_value) == (q(-2), Decimal("-80.0000"))
    assert desks.difference == 0
    assert quant_of(db_session, chair, stock)[0] == q(5)  # 10 - 3 shipped - 2 missing
    (adjustment,) = db_session.scalars(select(Move).where(Move.reference == count.name)).all()
    assert adjustment.to_location_id == location(db_session, LocationKind.INVENTORY_LOSS).id
    assert adjustment.origin_name == f"{count.name}: Year-end count"
    balanced(db_session)


@pytest.mark.spec("5.2.1.2")
def test_counters_add_what_the_freeze_did_not_expect(db_session, chair, stock, shelf):
    mouse = products.create_product(db_session, {"name": "Mouse"})
    receive(db_session, (chair, 1))
    count = counts.create_count(db_session, {"reason": "Spot check", "location_id": stock.id})
    counts.start_count(db_session, count)
    (line,) = count.lines
    rows = [
        {"id": line.id, "product_id": chair.id, "location_id": stock.id, "counted": "1"},
        {"product_id": mouse.id, "location_id": shelf.id, "counted": "2"},
    ]
    counts.update_count(db_session, count.id, {"lines": rows})
    assert [(line.product_id, line.expected, line.counted) for line in count.lines] == [
        (chair.id, q(1), q(1)),
        (mouse.id, q(0), q(2)),
    ]
    rows[1]["id"] = count.lines[1].id
    with refused(db_session, "frozen"):
        counts.update_count(db_session, count.id, {"lines": rows[1:]})  # a frozen line left out
    outside = services.create_warehouse(db_session, {"code": "GZ", "name": "Guangzhou"})
    elsewhere = services.warehouse_location(db_session, outside, "stock")
    with refused(db_session, "outside the places"):
        counts.update_count(
            db_session,
            count.id,
            {"lines": [*rows, {"product_id": mouse.id, "location_id": elsewhere.id}]},
        )
    counts.apply_count(db_session, count)
    assert quant_of(db_session, mouse, shelf)[0] == q(2)
    balanced(db_session)


@pytest.mark.spec("5.2.1.2")
def test_a_count_of_one_category_counts_only_its_products(db_session, chair, desk, stock):
    furniture = products.create_category(db_session, {"name": "Furniture"})
    seats = products.create_category(db_session, {"name": "Seats", "parent_id": furniture.id})
    products.update_product(db_session, chair.id, {"category_id": seats.id})
    receive(db_session, (chair, 2), (desk, 2))
    count = counts.create_count(db_session, {"reason": "Furniture", "category_id": furniture.id})
    counts.start_count(db_session, count)
    assert [line.product_id for line in count.lines] == [chair.id]


@pytest.mark.spec("5.2.1.2")
def test_large_discrepancies_wait_for_a_manager(db_session, chair, stock, warehouse):
    services.update_warehouse(db_session, warehouse.id, {"count_approval_value": "50"})
    receive(db_session, (chair, 10))  # at 40.00 each
    clerk = User(login="clerk", name="Clerk", password_hash=hash_password("x" * 16), company_id=1)
    db_session.add(clerk)
    db_session.flush()
    db_session.add(UserRole(user_id=clerk.id, role="inventory.user"))
    db_session.flush()
    count = counts.create_count(db_session, {"reason": "Monthly"})
    counts.start_count(db_session, count)
    counted(db_session, count, 8)  # -2 x 40 = -80, above 50
    g.access = access_for(db_session, clerk.id)
    try:
        counts.apply_count(db_session, count)
        assert count.state is CountState.TO_APPROVE
        assert quant_of(db_session, chair, stock)[0] == q(10)
        with pytest.raises(AccessDenied):
            counts.approve_count(db_session, count)
    finally:
        g.pop("access")
    counts.approve_count(db_session, count)  # as a manager (the system here)
    assert count.state is CountState.DONE and count.approved_at is not None
    assert quant_of(db_session, chair, stock)[0] == q(8)
    with refused(db_session, "only a count in progress"):
        counts.apply_count(db_session, count)
    balanced(db_session)

"""Reversing a done move needs inventory.move.reverse (Inventory / Manager), not a write
permission on moves that nobody holds: on the screen and through the API."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from addons.inventory.models import Move, StockState
from core import db
from tests.test_api import bearer

from .conftest import INVENTORY, PASSWORD, action, logged_in, receive

pytestmark = [pytest.mark.addons(*INVENTORY), pytest.mark.spec("5.2.1.1")]


@pytest.fixture
def received(app, site):
    """Two done receipt moves of chairs into the main warehouse."""
    from addons.products.models import Product

    with app.app_context():
        session = db.session()
        chair = session.get(Product, site["chair"])
        ids = []
        for _ in range(2):
            picking = receive(session, (chair, 5), warehouse_id=site["main"])
            ids.append(picking.moves[0].id)
        session.commit()
    return ids


def reversal_of(app, move_id):
    with app.app_context():
        return db.session().scalar(select(Move).where(Move.reverses_id == move_id))


def test_a_manager_reverses_a_move_on_the_screen_and_through_the_api(app, site, received):
    first, second = received
    boss = logged_in(app, "boss")
    action(boss, f"/inventory/move/{first}", "reverse")
    reversal = reversal_of(app, first)
    assert reversal is not None and reversal.state is StockState.DONE
    auth = bearer(app.test_client(), "boss", PASSWORD)
    answer = app.test_client().post(f"/api/v1/inventory/moves/{second}/reverse", headers=auth)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert reversal_of(app, second) is not None


def test_a_clerk_may_not_reverse(app, site, received):
    first, _second = received
    auth = bearer(app.test_client(), "zhang", PASSWORD)
    answer = app.test_client().post(f"/api/v1/inventory/moves/{first}/reverse", headers=auth)
    assert answer.status_code == 403
    assert reversal_of(app, first) is None

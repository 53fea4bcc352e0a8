"""Stock alert notifications (clause 5.2.1.1: an alert appears, optionally as a notification):
a warehouse names the role to notify; when a rule of it falls under its minimum, each
holder of that role (or of a role implying it) gets one notification per fall, sees the
unread count in the menu, reads only their own and marks them read.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from addons.inventory import rules, services
from addons.inventory.models import StockNotification
from core import db
from core.security.models import UserRole
from core.security.passwords import hash_password
from core.security.users import User
from tests.test_api import bearer

from .conftest import EN, INVENTORY, PASSWORD, ZH, deliver, logged_in, q, receive, refused

pytestmark = pytest.mark.addons(*INVENTORY)


def person(session, login: str, role: str) -> int:
    user = User(
        login=login, name=login.title(), password_hash=hash_password(PASSWORD), company_id=1
    )
    session.add(user)
    session.flush()
    session.add(UserRole(user_id=user.id, role=role))
    session.flush()
    return user.id


def notified(session) -> list[tuple]:
    rows = session.execute(
        select(
            StockNotification.user_id,
            StockNotification.product_id,
            StockNotification.forecast,
            StockNotification.proposed,
        ).order_by(StockNotification.id)
    )
    return [tuple(row) for row in rows]


@pytest.mark.spec("5.2.1.1")
def test_the_warehouse_role_hears_of_each_fall_once(db_session, chair, warehouse):
    clerk = person(db_session, "clerk", "inventory.user")
    buyer = person(db_session, "buyer", "inventory.manager")  # implies inventory.user
    person(db_session, "seller", "products.user")
    receive(db_session, (chair, 8))
    rules.create_rule(
        db_session,
        {"product_id": chair.id, "warehouse_id": warehouse.id, "minimum": "5", "maximum": "20"},
    )
    deliver(db_session, (chair, 4))  # forecast 4: under the minimum, nobody is told yet
    assert notified(db_session) == []
    services.update_warehouse(db_session, warehouse.id, {"alert_role": "inventory.user"})
    receive(db_session, (chair, 6), validate=False)  # forecast 10: recovered
    deliver(db_session, (chair, 7))  # forecast 3: a new fall
    deliver(db_session, (chair, 1))  # still under: no news
    assert notified(db_session) == [
        (clerk, chair.id, q(3), q(17)),
        (buyer, chair.id, q(3), q(17)),
    ]
    services.update_warehouse(db_session, warehouse.id, {"alert_role": None})
    assert services.default_warehouse(db_session, 1).alert_role is None


@pytest.mark.spec("5.2.1.1")
def test_only_a_role_that_may_read_notifications_is_notified(db_session, warehouse):
    with refused(db_session, "may not read stock notifications") as raised:
        services.update_warehouse(db_session, warehouse.id, {"alert_role": "products.user"})
    assert list(raised.value.messages) == ["alert_role"]
    with refused(db_session, "does not exist"):
        services.update_warehouse(db_session, warehouse.id, {"alert_role": "no.such.role"})


@pytest.mark.spec("5.2.1.1")
def test_each_user_reads_and_marks_their_own_notifications(app, site):
    with app.app_context():
        session = db.session()
        other_boss = person(session, "boss2", "inventory.manager")
        main = services.default_warehouse(session, 1)
        services.update_warehouse(session, main.id, {"alert_role": "inventory.manager"})
        rules.create_rule(
            session,
            {"product_id": site["chair"], "warehouse_id": main.id, "minimum": "2", "maximum": "9"},
        )
        session.commit()
        mine = session.scalar(
            select(StockNotification.id).where(StockNotification.user_id == site["boss"])
        )
        theirs = session.scalar(
            select(StockNotification.id).where(StockNotification.user_id == other_boss)
        )
    boss = logged_in(app, "boss")
    home = boss.get("/inventory/notification/", headers=ZH).get_data(as_text=True)
    assert "库存通知 (1)" in home and "Office chair" in home
    form = boss.get(f"/inventory/warehouse/{site['main']}", headers=EN).get_data(as_text=True)
    assert "Notify of stock alerts" in form and '<option value="inventory.manager" selected' in form
    assert boss.get(f"/inventory/notification/{theirs}").status_code == 404
    response = boss.post(
        f"/inventory/notification/{mine}/action/mark_read",
        data={"csrf_token": boss.csrf_token},
    )
    assert response.status_code == 302
    after = boss.get("/inventory/notification/?f=unread", headers=EN).get_data(as_text=True)
    assert "Stock notifications (" not in after and "Office chair" not in after
    client = app.test_client()
    listed = client.get("/api/v1/inventory/notifications", headers=bearer(client, "boss", PASSWORD))
    assert [item["id"] for item in listed.json["items"]] == [mine]
    assert listed.json["items"][0]["read_at"] is not None
    zhang = logged_in(app, "zhang")  # an inventory user, not of the role notified
    assert "库存通知 (" not in zhang.get("/inventory/stock/", headers=ZH).get_data(as_text=True)

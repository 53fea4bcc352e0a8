"""Stock alerts (clause 5.2.1.1): a minimum and maximum per product and warehouse; when the
forecast falls under the minimum the rule goes on alert, proposes a replenishment up to the
maximum, and purchase or production hear of it once per fall (clause 5.2.1.3).
"""

from __future__ import annotations

import pytest
from sqlalchemy import update

from addons.inventory import rules, services
from addons.inventory.hooks import check_stock_rules
from addons.inventory.models import RuleStatus, StockRule
from addons.products import services as products

from .conftest import INVENTORY, deliver, q, receive, refused

pytestmark = pytest.mark.addons(*INVENTORY)


@pytest.fixture
def rule(db_session, listener, chair, warehouse) -> StockRule:
    return rules.create_rule(
        db_session,
        {"product_id": chair.id, "warehouse_id": warehouse.id, "minimum": "5", "maximum": "20"},
    )


def state(rule: StockRule) -> tuple:
    return rule.status, rule.forecast, rule.proposed


@pytest.mark.spec("5.2.1.1", "5.2.1.3")
def test_a_forecast_under_the_minimum_raises_an_alert_once_per_fall(
    db_session, listener, rule, chair, warehouse
):
    assert state(rule) == (RuleStatus.ALERT, q(0), q(20))
    assert [(a.product_id, a.warehouse_id, a.proposed) for a in listener.alerts] == [
        (chair.id, warehouse.id, q(20))
    ]
    receive(db_session, (chair, 10), validate=False)  # confirmed: 10 incoming
    assert state(rule) == (RuleStatus.OK, q(10), q(0))
    deliver(db_session, (chair, 3))
    assert state(rule) == (RuleStatus.OK, q(7), q(0))
    second = deliver(db_session, (chair, 4))
    assert state(rule) == (RuleStatus.ALERT, q(3), q(17))
    deliver(db_session, (chair, 1))  # still under: not announced again
    assert [a.proposed for a in listener.alerts] == [q(20), q(17)]
    services.cancel_picking(db_session, second, {"reason": "Order lost"})
    assert state(rule) == (RuleStatus.OK, q(6), q(0))  # recovered: the next fall is news


@pytest.mark.spec("5.2.1.1")
def test_the_hourly_job_catches_up_with_every_rule(db_session, listener, rule, chair):
    receive(db_session, (chair, 8))
    assert state(rule) == (RuleStatus.OK, q(8), q(0))
    db_session.execute(update(StockRule).values(forecast=0, status=RuleStatus.ALERT))
    db_session.expire_all()
    assert check_stock_rules(session=db_session) == 0  # already on alert: nothing new
    db_session.refresh(rule)
    assert state(rule) == (RuleStatus.OK, q(8), q(0))


@pytest.mark.spec("5.2.1.1")
def test_bad_rules_are_refused(db_session, rule, chair, warehouse):
    with refused(db_session, "already has a stock rule"):
        rules.create_rule(
            db_session,
            {"product_id": chair.id, "warehouse_id": warehouse.id, "minimum": "1", "maximum": "2"},
        )
    with refused(db_session, "cannot be below the minimum"):
        rules.update_rule(db_session, rule.id, {"maximum": "4"})
    setup = products.create_product(db_session, {"name": "Setup", "type": "service"})
    with refused(db_session, "not a stocked product"):
        rules.create_rule(
            db_session,
            {"product_id": setup.id, "warehouse_id": warehouse.id, "minimum": "1", "maximum": "2"},
        )

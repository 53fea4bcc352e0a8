"""Stock rules and alerts (clause 5.2.1.1): a minimum and maximum per product and
warehouse; when the forecast falls under the minimum the rule goes on alert, proposes the
quantity that brings it back to the maximum, and ``inventory_stock_below_minimum`` tells
purchase and production (once per fall).

Rules are refreshed in the transaction that changes a forecast (services.py calls
``refresh`` after confirming, cancelling and posting) and by the hourly job. A rule's
change of status is a conditional UPDATE, so of two transactions seeing the same fall only
one announces it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from addons.inventory import ledger
from addons.inventory import messages as msg
from addons.inventory.hookspecs import StockAlert
from addons.inventory.ledger import ZERO, InventoryError
from addons.inventory.models import RuleStatus, StockRule, Warehouse, product_model
from addons.inventory.queries import stock_levels
from addons.inventory.schemas import StockRuleSchema
from core.db import default_company_id, utcnow
from core.registry import get_registry
from core.schemas import Refusals, flush_unique, load
from core.security.access import current_access


def create_rule(session: Session, data: Mapping[str, Any]) -> StockRule:
    values = load(StockRuleSchema(), _mapping(data))
    rule = StockRule(company_id=default_company_id(session))
    _apply(session, rule, values)
    session.add(rule)
    flush_unique(session, "product_id", msg.RULE_TAKEN)
    refresh(session, [(rule.product_id, rule.warehouse_id)])
    return rule


def update_rule(session: Session, rule_id: int, data: Mapping[str, Any]) -> StockRule:
    rule = session.get(StockRule, rule_id)
    if rule is None:
        raise InventoryError.on(None, msg.UNKNOWN_RULE, id=rule_id)
    values = load(StockRuleSchema(), _mapping(data), partial=True)
    _apply(session, rule, values)
    flush_unique(session, "product_id", msg.RULE_TAKEN)
    refresh(session, [(rule.product_id, rule.warehouse_id)])
    return rule


def delete_rule(session: Session, rule_id: int) -> None:
    rule = session.get(StockRule, rule_id)
    if rule is None:
        raise InventoryError.on(None, msg.UNKNOWN_RULE, id=rule_id)
    session.delete(rule)
    session.flush()


def _apply(session: Session, rule: StockRule, values: dict[str, Any]) -> None:
    refusals = Refusals()
    access = current_access()
    if values.get("product_id") not in (None, rule.product_id):
        product_class = product_model()
        product = session.scalar(
            access.select(product_class).where(product_class.id == values["product_id"])
        )
        kind = getattr(getattr(product, "type", None), "value", None)
        if product is None or product.company_id != rule.company_id or kind != "goods":
            refusals.add("product_id", msg.RULE_PRODUCT, id=values["product_id"])
    if values.get("warehouse_id") not in (None, rule.warehouse_id):
        warehouse = session.scalar(
            access.select(Warehouse).where(Warehouse.id == values["warehouse_id"])
        )
        if warehouse is None or warehouse.company_id != rule.company_id or not warehouse.active:
            refusals.add("warehouse_id", msg.UNKNOWN_WAREHOUSE, id=values["warehouse_id"])
    minimum = values.get("minimum", rule.minimum)
    maximum = values.get("maximum", rule.maximum)
    if minimum is not None and maximum is not None and maximum < minimum:
        refusals.add("maximum", msg.RULE_MAXIMUM)
    refusals.raise_any()
    for key, value in values.items():
        if value is not None:
            setattr(rule, key, value)


def refresh(
    session: Session, pairs: Iterable[tuple[int, int | None]] | None = None
) -> list[StockAlert]:
    """Bring the rules of ``pairs`` (product, warehouse), or every active rule, up to date
    with the forecast; announce the ones that just fell under their minimum."""
    statement = select(StockRule).where(StockRule.active)
    if pairs is not None:
        wanted = {(product, warehouse) for product, warehouse in pairs if warehouse is not None}
        if not wanted:
            return []
        statement = statement.where(
            StockRule.product_id.in_({product for product, _ in wanted}),
            StockRule.warehouse_id.in_({warehouse for _, warehouse in wanted}),
        )
    rules = [
        rule
        for rule in session.scalars(statement.order_by(StockRule.id))
        if pairs is None or (rule.product_id, rule.warehouse_id) in wanted
    ]
    if not rules:
        return []
    by_warehouse: dict[int, list[StockRule]] = {}
    for rule in rules:
        by_warehouse.setdefault(rule.warehouse_id, []).append(rule)
    fallen: list[StockAlert] = []
    now = utcnow()
    for warehouse_id, group in by_warehouse.items():
        levels = stock_levels(
            session, [rule.product_id for rule in group], warehouse_id=warehouse_id
        )
        for rule in group:
            forecast = levels[rule.product_id].forecast
            if _check(session, rule, forecast, now):
                fallen.append(_alert(session, rule))
    session.flush()
    if fallen:
        get_registry().hook.inventory_stock_below_minimum(alerts=tuple(fallen), session=session)
    return fallen


def _check(session: Session, rule: StockRule, forecast: Decimal, now) -> bool:
    """Update a rule from its forecast; True when it has just fallen under its minimum."""
    below = forecast < rule.minimum
    status = RuleStatus.ALERT if below else RuleStatus.OK
    fell = False
    if below and rule.status is not RuleStatus.ALERT:
        claimed = session.execute(
            update(StockRule)
            .where(StockRule.id == rule.id, StockRule.status == RuleStatus.OK)
            .values(status=RuleStatus.ALERT)
            .execution_options(synchronize_session=False)
        )
        fell = claimed.rowcount == 1
        session.refresh(rule)
    rule.forecast = forecast
    rule.proposed = max(rule.maximum - forecast, ZERO) if below else ZERO
    rule.status = status
    rule.checked_at = now
    return fell


def _alert(session: Session, rule: StockRule) -> StockAlert:
    return StockAlert(
        rule_id=rule.id,
        product_id=rule.product_id,
        warehouse_id=rule.warehouse_id,
        company_id=rule.company_id,
        uom_id=ledger.product_facts(session, rule.product_id).uom_id,
        forecast=rule.forecast,
        minimum=rule.minimum,
        maximum=rule.maximum,
        proposed=rule.proposed,
    )


def check_all(session: Session) -> int:
    """The hourly job: refresh every active rule; returns how many fell under minimum."""
    return len(refresh(session))


def _mapping(data: Any) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise InventoryError.on(None, msg.LINE_NOT_A_RECORD)
    return data

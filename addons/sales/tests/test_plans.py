"""Sales plans (clause 5.1.1.1: targets, strategy, budget; drafted, approved, revised with
the revisions kept, closed) and plan versus actual (clause 5.1.1.2: achieved, attainment,
remaining, run-rate projection, spent versus budget, live from confirmed orders)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from flask import g
from sqlalchemy import select

from addons.partners import services as partners
from addons.products import services as products
from addons.sales import plans, services
from addons.sales.models import PlanState, SalesPlan, TargetDimension
from addons.sales.services import SalesError
from core.hookspecs import Principal
from core.schemas import BusinessError
from core.security.access import Access, AccessDenied
from core.security.users import User

from .conftest import SALES, order_for

pytestmark = [pytest.mark.addons(*SALES), pytest.mark.spec("5.1.1.1")]
Q2 = date(2026, 4, 1)


@pytest.fixture
def seller(db_session, customer):
    user = User(login="zhang.wei", name="Zhang Wei", company_id=customer.company_id)
    db_session.add(user)
    db_session.flush()
    return user


def quarter_plan(session, *targets, budget=()):
    return plans.create_plan(
        session,
        {
            "name": "2026 Q2",
            "period": "quarter",
            "date_from": Q2.isoformat(),
            "strategy": "Win back the distributors in East China.",
            "targets": list(targets),
            "budget_lines": list(budget),
        },
    )


def sold(session, customer, product, quantity, *, on=Q2, **fields):
    """A confirmed order of ``quantity`` of ``product`` dated ``on``."""
    order = order_for(session, customer, (product, quantity), order_date=on.isoformat(), **fields)
    services.confirm_order(session, order)
    return order


def test_a_plan_has_targets_a_strategy_and_a_budget(db_session, seller, chair):
    plan = quarter_plan(
        db_session,
        {"amount": "100000.00"},
        {"salesperson_id": seller.id, "amount": "30000.00", "quantity": "300"},
        budget=[
            {"category": "advertising", "description": "WeChat ads", "amount": "5000.00"},
            {"category": "travel", "amount": "2000.00", "spent": "350.00"},
        ],
    )
    assert (plan.state, plan.revision, plan.date_to) == (PlanState.DRAFT, 1, date(2026, 6, 30))
    assert [t.dimension for t in plan.targets] == [
        TargetDimension.COMPANY,
        TargetDimension.SALESPERSON,
    ]
    assert plan.amount_target == Decimal("130000.00") and plan.budget_total == Decimal("7000.00")
    assert plan.strategy.startswith("Win back")
    assert [line.left for line in plan.budget_lines] == [Decimal("5000.00"), Decimal("1650.00")]


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [("year", "2026-01-01", date(2026, 12, 31)), ("month", "2026-02-01", date(2026, 2, 28))],
)
def test_the_period_gives_the_last_day(db_session, period, start, end):
    plan = plans.create_plan(db_session, {"name": "P", "period": period, "date_from": start})
    assert plan.date_to == end


def test_refused_plans_are_explained_field_by_field(db_session, seller, desk):
    with pytest.raises(BusinessError) as refused:
        plans.create_plan(
            db_session,
            {
                "name": "",
                "period": "quarter",
                "date_from": "2026-05-01",
                "targets": [
                    {"salesperson_id": seller.id, "channel_id": 1, "amount": "10.00"},
                    {"amount": "-5"},
                    {"team_id": 4242, "amount": "1.00"},
                ],
                "budget_lines": [{"category": "parties", "amount": "1.00"}],
            },
        )
    errors = refused.value.messages
    assert set(errors) == {"name", "date_from", "targets", "budget_lines"}
    assert errors["date_from"] == [
        "A quarterly plan starts on 1 January, 1 April, 1 July or 1 October."
    ]
    assert set(errors["targets"]) == {0, 1, 2}
    assert list(errors["targets"][0]) == ["channel_id"]
    assert list(errors["budget_lines"][0]) == ["category"]
    assert db_session.scalars(select(SalesPlan)).all() == []


@pytest.mark.spec("5.1.1.2")
def test_plan_versus_actual_from_confirmed_orders(
    db_session, customer, seller, chair, desk, setup_service
):
    furniture = products.create_category(db_session, {"name": "Furniture"})
    products.update_product(db_session, chair.id, {"category_id": furniture.id})
    east = partners.create_group(db_session, {"name": "East"})
    partners.update_partner(db_session, customer.id, {"group_id": east.id})
    online = db_session.scalar(
        select(services.SalesChannel).where(services.SalesChannel.code == "online")
    )
    plan = quarter_plan(
        db_session,
        {"amount": "2000.00"},
        {"salesperson_id": seller.id, "amount": "1000.00"},
        {"product_category_id": furniture.id, "amount": "500.00", "quantity": "10"},
        {"customer_group_id": east.id, "amount": "4000.00"},
        {"channel_id": online.id, "amount": "100.00"},
    )
    sold(db_session, customer, chair, 3, salesperson_id=seller.id)  # 300.00 furniture
    sold(db_session, customer, desk, 1, channel_id=online.id)  # 333.33 online
    sold(db_session, customer, chair, 50, on=date(2026, 7, 1))  # after the quarter
    order_for(db_session, customer, (chair, 99), order_date="2026-04-02")  # not confirmed
    cancelled = sold(db_session, customer, setup_service, 1)
    services.cancel_order(db_session, cancelled, {"reason": "no"})

    actual = plans.plan_actuals(db_session, plan, on=date(2026, 5, 1))  # day 31 of 91

    company, person, category, group, channel = (actual[t.id] for t in plan.targets)
    assert company.amount == Decimal("633.33") and company.attainment == Decimal("31.7")
    assert company.remaining == Decimal("1366.67")
    assert company.projected == Decimal("1859.13")  # 633.33 × 91 days / 31 elapsed
    assert (person.amount, person.attainment) == (Decimal("300.00"), Decimal("30.0"))
    assert (category.amount, category.quantity) == (Decimal("300.00"), Decimal(3))
    assert group.amount == Decimal("633.33")
    assert (channel.amount, channel.attainment, channel.remaining) == (
        Decimal("333.33"),
        Decimal("333.3"),
        Decimal(0),
    )
    before = plans.plan_actuals(db_session, plan, on=date(2026, 3, 31))
    assert before[plan.targets[0].id].projected is None


@pytest.mark.spec("5.1.1.2")
def test_the_form_grid_reads_the_figures_live(db_session, customer, chair):
    plan = quarter_plan(db_session, {"amount": "1000.00"})
    target = plan.targets[0]
    assert target.achieved_amount == Decimal(0) and target.attainment == Decimal("0.0")
    sold(db_session, customer, chair, 2, on=services.today())
    plan.date_from, plan.date_to = services.today().replace(day=1), date(2099, 12, 31)
    db_session.flush()
    assert target.achieved_amount == Decimal("200.00")
    assert target.remaining == Decimal("800.00")


def test_approve_revise_and_close_keep_every_revision(db_session, seller):
    plan = quarter_plan(db_session, {"salesperson_id": seller.id, "amount": "100.00"})
    g.access = Access(Principal(user_id=None, permissions=frozenset({"sales.plan.write"})))
    with pytest.raises(AccessDenied):
        plans.approve_plan(db_session, plan)
    del g.access
    plans.approve_plan(db_session, plan)
    assert plan.state is PlanState.APPROVED and plan.approved_at is not None

    with pytest.raises(BusinessError):  # an approved plan's targets stay
        plans.update_plan(
            db_session, plan.id, {"targets": [{"id": plan.targets[0].id, "amount": "999.00"}]}
        )
    second = plans.revise_plan(db_session, plan)
    assert plan.state is PlanState.REVISED
    assert (second.state, second.revision, second.previous_id) == (PlanState.DRAFT, 2, plan.id)
    assert [(t.salesperson_id, t.amount) for t in second.targets] == [
        (seller.id, Decimal("100.00"))
    ]
    plans.update_plan(
        db_session, second.id, {"targets": [{"id": second.targets[0].id, "amount": "150.00"}]}
    )
    assert second.amount_target == Decimal("150.00") and plan.amount_target == Decimal("100.00")
    with pytest.raises(SalesError):
        plans.update_plan(db_session, plan.id, {"name": "rewrite history"})
    plans.approve_plan(db_session, second)
    plans.close_plan(db_session, second)
    assert second.state is PlanState.CLOSED
    with pytest.raises(SalesError):
        plans.delete_plan(db_session, second.id)


def test_spending_is_entered_on_an_approved_plan(db_session):
    plan = quarter_plan(
        db_session,
        {"amount": "100.00"},
        budget=[{"category": "promotion", "amount": "800.00"}],
    )
    plans.approve_plan(db_session, plan)
    line = plan.budget_lines[0]
    as_shown = {"id": line.id, "category": "promotion", "amount": "800.00"}
    plans.update_plan(
        db_session,
        plan.id,
        {"name": plan.name, "budget_lines": [{**as_shown, "spent": "120.50"}]},
    )
    assert (line.spent, line.left) == (Decimal("120.50"), Decimal("679.50"))
    with pytest.raises(BusinessError):
        plans.update_plan(
            db_session, plan.id, {"budget_lines": [{**as_shown, "amount": "9000.00"}]}
        )


def test_only_drafts_are_approved_and_need_a_target(db_session):
    plan = quarter_plan(db_session)
    with pytest.raises(SalesError) as refused:
        plans.approve_plan(db_session, plan)
    assert list(refused.value.messages) == ["targets"]
    plans.delete_plan(db_session, plan.id)
    assert db_session.get(SalesPlan, plan.id) is None

"""Sales plans (clauses 5.1.1.1, 5.1.1.2): targets, strategy and budget for a period, and
how confirmed orders measure up against each target.

A plan covers a year, a quarter or a month, starting on its first day. It is drafted,
approved (``sales.plan.approve``), and closed; revising an approved plan keeps it, marked
``revised``, and opens a draft copy with the next revision number. Achievement is never
stored: :func:`plan_actuals` computes it from confirmed and done orders dated in the
period (untaxed amounts, quantities in products' own units), one grouped query per kind
of target, whenever a plan is read. Services take the caller's session and never commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from marshmallow import fields
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, object_session

from addons.sales import messages as msg
from addons.sales.messages import _l
from addons.sales.models import (
    BINDING_STATES,
    DESCRIPTION_LENGTH,
    NOTE_LENGTH,
    BudgetCategory,
    PlanPeriod,
    PlanState,
    SalesChannel,
    SalesOrder,
    SalesOrderLine,
    SalesPlan,
    SalesPlanBudget,
    SalesPlanTarget,
    SalesTeam,
    TargetDimension,
    customer_model,
    product_model,
)
from addons.sales.services import SalesError, _is_company_user, today
from core.db import TesseraSession, acting_user_id, default_company_id, utcnow
from core.hookspecs import FormPanel, PanelChart, PanelContent, PanelFigure
from core.schemas import (
    BusinessError,
    Choice,
    Refusals,
    TranslatedSchema,
    load,
    money,
    positive,
    quantity,
    record_id,
    text,
)
from core.security.access import current_access
from core.views.display import record_name
from core.views.screens import view_url

NAME_LENGTH = 255
MAX_ROWS = 500
PERCENT = Decimal("0.1")
CACHE = "sales_plan_actuals"
# The reference column of each kind of target; a target names at most one.
REFERENCES = {
    TargetDimension.SALESPERSON: "salesperson_id",
    TargetDimension.TEAM: "team_id",
    TargetDimension.CUSTOMER_GROUP: "customer_group_id",
    TargetDimension.PRODUCT_CATEGORY: "product_category_id",
    TargetDimension.CHANNEL: "channel_id",
}


# --------------------------------------------------------------------------- schemas


class PlanSchema(TranslatedSchema):
    name = text(NAME_LENGTH, required=True)
    strategy = text(NOTE_LENGTH, line=False)


class PeriodSchema(TranslatedSchema):
    """Checked apart from the rest, so a wrong start is reported beside a missing name."""

    period = Choice(PlanPeriod, load_default=PlanPeriod.YEAR)
    date_from = fields.Date(required=True)


PERIOD_FIELDS = ("period", "date_from")


class TargetSchema(TranslatedSchema):
    id = record_id()
    salesperson_id = record_id()
    team_id = record_id()
    customer_group_id = record_id()
    product_category_id = record_id()
    channel_id = record_id()
    amount = money(required=True)
    quantity = quantity(positive, allow_none=True)


class BudgetSchema(TranslatedSchema):
    id = record_id()
    category = Choice(BudgetCategory, required=True)
    description = text(DESCRIPTION_LENGTH)
    amount = money(required=True)
    spent = money(load_default=Decimal(0))


# --------------------------------------------------------------------------- periods


def period_end(period: PlanPeriod, start: date) -> date:
    """The last day of the period beginning on ``start``."""
    months = {PlanPeriod.YEAR: 12, PlanPeriod.QUARTER: 3, PlanPeriod.MONTH: 1}[period]
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, 1) - timedelta(days=1)


def period_starts_well(period: PlanPeriod, start: date) -> bool:
    if start.day != 1:
        return False
    if period is PlanPeriod.YEAR:
        return start.month == 1
    if period is PlanPeriod.QUARTER:
        return start.month in (1, 4, 7, 10)
    return True


# --------------------------------------------------------------------------- plans


def get_plan(session: Session, plan_id: int) -> SalesPlan:
    plan = session.get(SalesPlan, plan_id)
    if plan is None:
        raise SalesError.on(None, msg.UNKNOWN_PLAN, id=plan_id)
    return plan


def create_plan(session: Session, data: Mapping[str, Any]) -> SalesPlan:
    """A draft plan with its targets (``targets``) and budget lines (``budget_lines``)."""
    data = _mapping(data)
    plan = SalesPlan(company_id=default_company_id(session), state=PlanState.DRAFT, revision=1)
    _write(session, plan, data, partial=False)
    session.add(plan)
    session.flush()
    return plan


def update_plan(session: Session, plan_id: int, data: Mapping[str, Any]) -> SalesPlan:
    """Change a draft plan; an approved one is revised, a closed one stays as it is.

    Spending may still be entered on an approved plan's budget lines (``spent``): the
    other fields may be sent back unchanged, as a form does, but not changed.
    """
    data = _mapping(data)
    plan = get_plan(session, plan_id)
    if plan.state is PlanState.DRAFT:
        _write(session, plan, data, partial=True)
    elif plan.state is PlanState.APPROVED:
        _record_spending(session, plan, data)
    else:
        raise SalesError.on(None, msg.PLAN_LOCKED, name=plan.display_name)
    session.flush()
    return plan


def delete_plan(session: Session, plan_id: int) -> None:
    plan = get_plan(session, plan_id)
    if plan.state is not PlanState.DRAFT:
        raise SalesError.on(None, msg.PLAN_NOT_DRAFT, name=plan.display_name)
    session.delete(plan)
    session.flush()


def approve_plan(session: Session, plan: SalesPlan, data: Any = None) -> SalesPlan:
    """A draft with at least one target becomes the plan in force (``sales.plan.approve``)."""
    current_access().require("sales.plan.approve")
    if plan.state is not PlanState.DRAFT:
        raise SalesError.on(None, msg.PLAN_NOT_DRAFT, name=plan.display_name)
    if not plan.targets:
        raise SalesError.on("targets", msg.PLAN_WITHOUT_TARGETS)
    plan.state = PlanState.APPROVED
    plan.approved_at = utcnow()
    plan.approved_by_id = acting_user_id()
    session.flush()
    return plan


def revise_plan(session: Session, plan: SalesPlan, data: Any = None) -> SalesPlan:
    """Keep the approved plan as ``revised`` and open a draft copy, revision + 1."""
    if plan.state is not PlanState.APPROVED:
        raise SalesError.on(None, msg.PLAN_NOT_APPROVED, name=plan.display_name)
    plan.state = PlanState.REVISED
    copy = SalesPlan(
        company_id=plan.company_id,
        name=plan.name,
        period=plan.period,
        date_from=plan.date_from,
        date_to=plan.date_to,
        state=PlanState.DRAFT,
        revision=plan.revision + 1,
        previous_id=plan.id,
        strategy=plan.strategy,
        amount_target=plan.amount_target,
        budget_total=plan.budget_total,
    )
    copy.targets = [
        SalesPlanTarget(
            sequence=target.sequence,
            dimension=target.dimension,
            amount=target.amount,
            quantity=target.quantity,
            **{column: getattr(target, column) for column in REFERENCES.values()},
        )
        for target in plan.targets
    ]
    copy.budget_lines = [
        SalesPlanBudget(
            sequence=line.sequence,
            category=line.category,
            description=line.description,
            amount=line.amount,
            spent=line.spent,
        )
        for line in plan.budget_lines
    ]
    session.add(copy)
    session.flush()
    return copy


def close_plan(session: Session, plan: SalesPlan, data: Any = None) -> SalesPlan:
    if plan.state is not PlanState.APPROVED:
        raise SalesError.on(None, msg.PLAN_NOT_APPROVED, name=plan.display_name)
    plan.state = PlanState.CLOSED
    session.flush()
    return plan


def _mapping(data: Any) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise SalesError.on(None, msg.LINE_NOT_A_RECORD)
    return data


def _write(session: Session, plan: SalesPlan, data: Mapping[str, Any], *, partial: bool) -> None:
    refusals = Refusals()
    header = {k: v for k, v in data.items() if k not in ("targets", "budget_lines")}
    values = _load_into(
        PlanSchema(),
        {k: v for k, v in header.items() if k not in PERIOD_FIELDS},
        refusals,
        partial=partial,
    )
    values.update(
        _load_into(
            PeriodSchema(),
            {k: v for k, v in header.items() if k in PERIOD_FIELDS},
            refusals,
            partial=partial,
        )
    )
    period = values.get("period", plan.period or PlanPeriod.YEAR)
    start = values.get("date_from", plan.date_from)
    if start is not None and not period_starts_well(period, start):
        refusals.add("date_from", msg.PERIOD_START[period.value])
    targets = _targets(session, plan, data.get("targets"), refusals)
    budget = _budget(plan, data.get("budget_lines"), refusals)
    refusals.raise_any()
    for key, value in values.items():
        setattr(plan, key, value)
    plan.date_to = period_end(period, start)
    if targets is not None:
        plan.targets = targets
    if budget is not None:
        plan.budget_lines = budget
    plan.amount_target = sum((t.amount for t in plan.targets), Decimal(0))
    plan.budget_total = sum((b.amount for b in plan.budget_lines), Decimal(0))


def _rows(rows: Any, name: str, refusals: Refusals) -> list | None:
    if rows is None:
        return None
    if not isinstance(rows, list | tuple) or len(rows) > MAX_ROWS:
        refusals.add(name, msg.LINES_NOT_A_LIST)
        return None
    return list(rows)


def _targets(
    session: Session, plan: SalesPlan, rows: Any, refusals: Refusals
) -> list[SalesPlanTarget] | None:
    rows = _rows(rows, "targets", refusals)
    if rows is None:
        return None
    current = {target.id: target for target in plan.targets}
    schema = TargetSchema()
    kept, problems = [], {}
    for index, row in enumerate(rows):
        row_refusals = Refusals()
        values = _load_row(schema, row, row_refusals)
        if not row_refusals:
            dimension = _dimension(values, row_refusals)
            if dimension is not None:
                _check_reference(session, plan, dimension, values, row_refusals)
        if not row_refusals:
            target = _existing(SalesPlanTarget, current, values.pop("id", None), row_refusals)
        if row_refusals:
            problems[index] = row_refusals.messages
            continue
        for key, value in values.items():
            setattr(target, key, value)
        target.dimension = dimension
        target.sequence = (index + 1) * 10
        kept.append(target)
    if problems:
        refusals.messages["targets"] = problems  # type: ignore[assignment]
    return kept


def _budget(plan: SalesPlan, rows: Any, refusals: Refusals) -> list[SalesPlanBudget] | None:
    rows = _rows(rows, "budget_lines", refusals)
    if rows is None:
        return None
    current = {line.id: line for line in plan.budget_lines}
    schema = BudgetSchema()
    kept, problems = [], {}
    for index, row in enumerate(rows):
        row_refusals = Refusals()
        values = _load_row(schema, row, row_refusals)
        if not row_refusals:
            line = _existing(SalesPlanBudget, current, values.pop("id", None), row_refusals)
        if row_refusals:
            problems[index] = row_refusals.messages
            continue
        for key, value in values.items():
            setattr(line, key, value)
        line.sequence = (index + 1) * 10
        kept.append(line)
    if problems:
        refusals.messages["budget_lines"] = problems  # type: ignore[assignment]
    return kept


def _record_spending(session: Session, plan: SalesPlan, data: Mapping[str, Any]) -> None:
    """On an approved plan only what was spent per budget line may change."""
    refusals = Refusals()
    header = {k: v for k, v in data.items() if k not in ("targets", "budget_lines")}
    values = _load_into(
        PlanSchema(),
        {k: v for k, v in header.items() if k not in PERIOD_FIELDS},
        refusals,
        partial=True,
    )
    values.update(
        _load_into(
            PeriodSchema(),
            {k: v for k, v in header.items() if k in PERIOD_FIELDS},
            refusals,
            partial=True,
        )
    )
    for key, value in values.items():
        if value is not None and value != getattr(plan, key):
            refusals.add(key, msg.PLAN_APPROVED_FIXED, name=plan.display_name)
    rows = _rows(data.get("targets"), "targets", refusals)
    if rows is not None and _targets_changed(plan, rows):
        refusals.add("targets", msg.PLAN_APPROVED_FIXED, name=plan.display_name)
    rows = _rows(data.get("budget_lines"), "budget_lines", refusals)
    spending = {}
    if rows is not None:
        if len(rows) != len(plan.budget_lines):
            refusals.add("budget_lines", msg.PLAN_APPROVED_FIXED, name=plan.display_name)
            rows = []
        schema = BudgetSchema()
        for line, row in zip(plan.budget_lines, rows, strict=False):
            row_refusals = Refusals()
            values = _load_row(schema, row, row_refusals)
            changed = values.get("id") not in (None, line.id) or any(
                values.get(key) not in (None, getattr(line, key))
                for key in ("category", "description", "amount")
            )
            if row_refusals or changed:
                refusals.add("budget_lines", msg.PLAN_APPROVED_FIXED, name=plan.display_name)
                break
            spending[line.id] = values["spent"]
    refusals.raise_any()
    for line in plan.budget_lines:
        line.spent = spending.get(line.id, line.spent)


def _targets_changed(plan: SalesPlan, rows: list) -> bool:
    if len(rows) != len(plan.targets):
        return True
    schema = TargetSchema()
    for target, row in zip(plan.targets, rows, strict=True):
        row_refusals = Refusals()
        values = _load_row(schema, row, row_refusals)
        if row_refusals or values.get("id") not in (None, target.id):
            return True
        if any(
            value is not None and value != getattr(target, key)
            for key, value in values.items()
            if key != "id"
        ):
            return True
    return False


def _load_row(schema, row: Any, refusals: Refusals) -> dict[str, Any]:
    if not isinstance(row, Mapping):
        refusals.add(None, msg.LINE_NOT_A_RECORD)
        return {}
    return _load_into(schema, dict(row), refusals)


def _load_into(schema, data: Any, refusals: Refusals, *, partial: bool = False) -> dict:
    """``data`` loaded, or its problems added to ``refusals`` (all reported at once)."""
    try:
        return load(schema, data, partial=partial)
    except BusinessError as error:
        for field, texts in error.messages.items():
            for message in texts if isinstance(texts, list) else [texts]:
                refusals.add(field, message)
        return {}


def _existing(model: type, current: dict, row_id: int | None, refusals: Refusals):
    """The row ``row_id`` of the plan, or a new one; another plan's row is refused."""
    if row_id is None:
        return model()
    if row_id not in current:
        refusals.add("id", msg.UNKNOWN_LINE, id=row_id)
        return None
    return current[row_id]


def _dimension(values: dict[str, Any], refusals: Refusals) -> TargetDimension | None:
    named = [dim for dim, column in REFERENCES.items() if values.get(column) is not None]
    if len(named) > 1:
        refusals.add(REFERENCES[named[1]], msg.TARGET_ONE_DIMENSION)
        return None
    return named[0] if named else TargetDimension.COMPANY


def _check_reference(
    session: Session,
    plan: SalesPlan,
    dimension: TargetDimension,
    values: dict[str, Any],
    refusals: Refusals,
) -> None:
    """The salesperson, team, group, category or channel a target names exists."""
    if dimension is TargetDimension.COMPANY:
        return
    column = REFERENCES[dimension]
    reference = values[column]
    company_id = plan.company_id
    if dimension is TargetDimension.SALESPERSON:
        found = _is_company_user(session, reference, company_id)
    elif dimension is TargetDimension.TEAM:
        team = session.get(SalesTeam, reference)
        found = team is not None and team.company_id == company_id
    elif dimension is TargetDimension.CHANNEL:
        found = session.get(SalesChannel, reference) is not None
    else:
        relationship = {
            TargetDimension.CUSTOMER_GROUP: SalesPlanTarget.customer_group,
            TargetDimension.PRODUCT_CATEGORY: SalesPlanTarget.product_category,
        }[dimension]
        found = session.get(relationship.property.mapper.class_, reference) is not None
    if not found:
        refusals.add(column, msg.UNKNOWN_REFERENCE, id=reference)


# --------------------------------------------------------------------------- plan versus actual


@dataclass(frozen=True)
class Actual:
    """How one target stands: achieved untaxed amount and quantity, attainment in per
    cent (None without a target amount), what remains, and the run-rate projection to
    the period's end (None before the period starts)."""

    amount: Decimal
    quantity: Decimal
    attainment: Decimal | None
    remaining: Decimal
    projected: Decimal | None


def plan_actuals(session: Session, plan: SalesPlan, on: date | None = None) -> dict[int, Actual]:
    """Each target's achievement from confirmed and done orders dated in the plan's period
    (on ``on``, default today): one grouped query per kind of target the plan has."""
    on = on or today()
    sums: dict[TargetDimension, dict[Any, tuple[Decimal, Decimal]]] = {}
    for dimension in {target.dimension for target in plan.targets}:
        sums[dimension] = _sums(session, plan, dimension)
    found = {}
    for target in plan.targets:
        key = (
            getattr(target, REFERENCES[target.dimension])
            if target.dimension in REFERENCES
            else None
        )
        amount, qty = sums[target.dimension].get(key, (Decimal(0), Decimal(0)))
        found[target.id] = _figures(plan, target, amount, qty, on)
    return found


def actual_of(target: SalesPlanTarget) -> Actual:
    """A target's figures, computed for its whole plan once per session (form grids read
    several figures of every target)."""
    plan = target.plan
    session = object_session(target)
    empty = Actual(Decimal(0), Decimal(0), None, target.amount, None)
    if session is None or target.id is None:
        return empty
    cache = session.info.setdefault(CACHE, {})
    if plan.id not in cache:
        cache[plan.id] = plan_actuals(session, plan)
    return cache[plan.id].get(target.id, empty)


@event.listens_for(TesseraSession, "after_flush")
def _forget_actuals(session: Session, flush_context) -> None:
    """Anything written may change what was achieved: compute again at the next read."""
    session.info.pop(CACHE, None)


def _sums(
    session: Session, plan: SalesPlan, dimension: TargetDimension
) -> dict[Any, tuple[Decimal, Decimal]]:
    """Untaxed amount and quantity of the period's binding order lines, per reference."""
    group = {
        TargetDimension.COMPANY: None,
        TargetDimension.SALESPERSON: SalesOrder.salesperson_id,
        TargetDimension.TEAM: SalesOrder.team_id,
        TargetDimension.CHANNEL: SalesOrder.channel_id,
    }
    statement = select(
        func.sum(SalesOrderLine.subtotal), func.sum(SalesOrderLine.product_qty)
    ).join(SalesOrder, SalesOrderLine.order_id == SalesOrder.id)
    if dimension is TargetDimension.CUSTOMER_GROUP:
        partner = customer_model()
        column = partner.group_id
        statement = statement.join(partner, SalesOrder.customer_id == partner.id)
    elif dimension is TargetDimension.PRODUCT_CATEGORY:
        product = product_model()
        column = product.category_id
        statement = statement.join(product, SalesOrderLine.product_id == product.id)
    else:
        column = group[dimension]
    statement = statement.where(
        SalesOrder.company_id == plan.company_id,
        SalesOrder.state.in_(BINDING_STATES),
        SalesOrder.order_date.between(plan.date_from, plan.date_to),
    )
    if column is None:
        row = session.execute(statement).one()
        return {None: (row[0] or Decimal(0), row[1] or Decimal(0))}
    rows = session.execute(statement.add_columns(column).group_by(column))
    return {ref: (amount or Decimal(0), qty or Decimal(0)) for amount, qty, ref in rows}


def _figures(
    plan: SalesPlan, target: SalesPlanTarget, amount: Decimal, qty: Decimal, on: date
) -> Actual:
    attainment = None
    if target.amount:
        attainment = (amount * 100 / target.amount).quantize(PERCENT, ROUND_HALF_UP)
    projected = None
    if on >= plan.date_from:
        total_days = (plan.date_to - plan.date_from).days + 1
        elapsed = (min(on, plan.date_to) - plan.date_from).days + 1
        projected = (amount * total_days / elapsed).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return Actual(amount, qty, attainment, max(target.amount - amount, Decimal(0)), projected)


# --------------------------------------------------------------------------- the chart

LABEL_PANEL = _l("Plan versus actual")
LABEL_CHART = _l("Target, achieved and projected at period end, per target")
LABEL_TARGET = _l("Target")
LABEL_ACHIEVED = _l("Achieved")
LABEL_PROJECTED = _l("Projected at period end")
LABEL_ATTAINMENT = _l("Attainment %")
LABEL_BUDGET = _l("Budget")
LABEL_SPENT = _l("Spent")
LABEL_COMPANY = _l("Whole company")
# The order column each kind of target is measured on (the chart opens those orders).
ORDER_COLUMNS = {
    TargetDimension.SALESPERSON: "salesperson_id",
    TargetDimension.TEAM: "team_id",
    TargetDimension.CHANNEL: "channel_id",
}
TARGET_NAMES = {
    TargetDimension.SALESPERSON: "salesperson",
    TargetDimension.TEAM: "team",
    TargetDimension.CUSTOMER_GROUP: "customer_group",
    TargetDimension.PRODUCT_CATEGORY: "product_category",
    TargetDimension.CHANNEL: "channel",
}


def period_value(plan: SalesPlan) -> str:
    """The plan's period as the lists' ``month.`` parameter: 2026, 2026-Q2 or 2026-05."""
    start = plan.date_from
    if plan.period is PlanPeriod.YEAR:
        return str(start.year)
    if plan.period is PlanPeriod.QUARTER:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def target_label(target: SalesPlanTarget) -> str:
    if target.dimension is TargetDimension.COMPANY:
        return str(LABEL_COMPANY)
    named = getattr(target, TARGET_NAMES[target.dimension])
    return record_name(named) if named is not None else "—"


def target_url(plan: SalesPlan, target: SalesPlanTarget) -> str:
    """The confirmed orders of the period that count for the target (for a customer
    group or a product category: all the period's orders, which lists cannot narrow)."""
    args = {"f": "orders", "month.order_date": period_value(plan)}
    column = ORDER_COLUMNS.get(target.dimension)
    if column is not None:
        args[f"eq.{column}"] = getattr(target, column)
    return view_url("sales.order", **args)


def plan_panel(session: Session, access: Any, plan: SalesPlan) -> PanelContent | None:
    """Figures of the whole plan and a chart of its targets (None: a plan without any)."""
    targets = list(plan.targets)
    if not targets:
        return None
    figures = [actual_of(target) for target in targets]
    projected = [f.projected for f in figures]
    shown = []
    # Targets of different kinds overlap (the company's and each salesperson's): their
    # sums would count an order twice, so the plan's totals are shown for one kind only.
    if len({t.dimension for t in targets}) == 1:
        shown += _totals(plan, targets, figures)
    spent = sum((line.spent for line in plan.budget_lines), Decimal(0))
    shown += [
        PanelFigure(LABEL_BUDGET, plan.budget_total),
        PanelFigure(LABEL_SPENT, spent, tone="danger" if spent > plan.budget_total else None),
    ]
    chart = PanelChart(
        LABEL_CHART,
        tuple(target_label(t) for t in targets),
        (
            (LABEL_TARGET, tuple(t.amount for t in targets)),
            (LABEL_ACHIEVED, tuple(f.amount for f in figures)),
            (LABEL_PROJECTED, tuple(projected)),
        ),
        measure=_l("Untaxed amount"),
        links=tuple(target_url(plan, t) for t in targets),
    )
    return PanelContent(figures=tuple(shown), charts=(chart,))


def _totals(plan: SalesPlan, targets: list, figures: list[Actual]) -> list[PanelFigure]:
    target = sum((t.amount for t in targets), Decimal(0))
    achieved = sum((f.amount for f in figures), Decimal(0))
    attainment = (achieved * 100 / target).quantize(PERCENT, ROUND_HALF_UP) if target else None
    projections = [f.projected for f in figures if f.projected is not None]
    orders = view_url("sales.order", f="orders", **{"month.order_date": period_value(plan)})
    return [
        PanelFigure(LABEL_TARGET, target),
        PanelFigure(LABEL_ACHIEVED, achieved, orders),
        PanelFigure(
            LABEL_ATTAINMENT,
            attainment,
            tone="success" if attainment is not None and attainment >= 100 else None,
        ),
        PanelFigure(LABEL_PROJECTED, sum(projections, Decimal(0)) if projections else None),
    ]


PANELS = (
    FormPanel(
        "sales.plan_actual",
        "sales.plan",
        LABEL_PANEL,
        plan_panel,
        permission="sales.plan.read",
        sequence=10,
    ),
)

"""Business operations of sales: quotations and orders, their three tracks, deliveries,
customer payments and credit control. The only callers of sales' hooks.

Every function takes the caller's session and never commits: one business action, with
whatever other addons do in reaction, is one transaction. Refused input or a broken rule
raises :class:`SalesError` (a core BusinessError: messages per field) before anything is
written. Customers and products are read through the access layer, by the classes the
order's relationships point at (sales never imports the partners or products modules).

Money: a line's subtotal is ``quantity × unit price × (1 − discount %)``, rounded half-up
to the currency's places (CNY: 2); its tax is that rounded subtotal times the tax rate,
rounded the same way; its total is their sum. An order's untaxed amount, tax and total are
the sums of its rounded lines, so a total always equals the sum of its lines (tax is
rounded per line, as on a Chinese VAT invoice). Everything is Decimal, never float.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import has_app_context
from marshmallow import ValidationError
from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from addons.sales import messages as msg
from addons.sales.hookspecs import OrderLineRef, OrderRef
from addons.sales.models import (
    BINDING_STATES,
    OPEN_STATES,
    ORDER_SEQUENCE,
    PAYMENT_SEQUENCE,
    QUOTATION_STATES,
    CreditMode,
    DeliveryStatus,
    OrderState,
    PaymentState,
    PaymentStatus,
    SalesChannel,
    SalesCustomer,
    SalesOrder,
    SalesOrderEvent,
    SalesOrderLine,
    SalesPayment,
    SalesPaymentAllocation,
    SalesSettings,
    SalesTeam,
    SalesTeamMember,
    Track,
    customer_model,
    product_model,
)
from addons.sales.schemas import (
    AllocationSchema,
    ChannelSchema,
    NoteSchema,
    OrderLineSchema,
    OrderSchema,
    PaymentSchema,
    PaymentUpdateSchema,
    ReasonSchema,
    SettingsSchema,
    TeamMemberSchema,
    TeamSchema,
)
from core.db import acting_user_id, default_company_id, utcnow
from core.models import Company, next_code
from core.registry import get_registry
from core.schemas import (
    GENERAL,
    MSG_NOT_NUMBER,
    BusinessError,
    Refusals,
    flush_unique,
    load,
    render,
)
from core.security.access import current_access
from core.security.models import UserCompany
from core.security.users import User

MAX_LINES = 500
DEFAULT_CHANNEL = "direct"
DEFAULT_PLACES = 2
# ISO 4217 minor units of the currencies whose places are not 2.
CURRENCY_PLACES = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "TWD": 2}
# The amendment rules (clause 5.1.2.1: an order past quotation is never edited into a
# different order). Whatever its state, how it is described may change:
AMENDABLE = frozenset({"note", "client_reference"})
# A confirmed order, not yet done, may also have the price of its lines amended (a
# renegotiated unit price or discount): never what is sold (products, quantities, units,
# tax rates, lines added or removed), to whom, when, by whom or through which channel.
# The new total may not fall below what is paid, and credit control checks an increase.
AMENDABLE_LINE_AMOUNTS = frozenset({"price_unit", "discount"})
AMENDABLE_STATES = (OrderState.CONFIRMED,)
# Converting one unit to another through a million of it keeps the factor exact to the
# target unit's rounding even for g -> t (the hook rounds to that unit).
PRICE_PROBE = Decimal(1_000_000)
QUANTITY_STEP = Decimal("0.0001")  # core.db.Quantity


class SalesError(BusinessError):
    """A sales rule refused the operation; the message is translated when raised."""


# --------------------------------------------------------------------------- money


def currency_places(currency: str) -> int:
    return CURRENCY_PLACES.get(currency, DEFAULT_PLACES)


def round_money(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded half-up to the currency's places (CNY: 0.01)."""
    return amount.quantize(Decimal(1).scaleb(-currency_places(currency)), ROUND_HALF_UP)


@dataclass(frozen=True)
class LineAmounts:
    subtotal: Decimal
    tax: Decimal
    total: Decimal


def line_amounts(
    quantity: Decimal, price_unit: Decimal, discount: Decimal, tax_rate: Decimal, currency: str
) -> LineAmounts:
    """A line's untaxed subtotal, tax and total, each rounded to the currency (see above)."""
    gross = quantity * price_unit * (Decimal(100) - discount) / Decimal(100)
    subtotal = round_money(gross, currency)
    tax = round_money(subtotal * tax_rate, currency)
    return LineAmounts(subtotal, tax, subtotal + tax)


def money_text(amount: Decimal, currency: str) -> str:
    return f"{currency} {amount:,}"


def today() -> date:
    """Today in the user's (else the system's) time zone."""
    if has_app_context():
        from core.i18n import select_timezone

        return datetime.now(ZoneInfo(select_timezone())).date()
    return utcnow().date()


# --------------------------------------------------------------------------- DTOs


def order_ref(order: SalesOrder) -> OrderRef:
    return OrderRef(
        id=order.id,
        name=order.name,
        company_id=order.company_id,
        customer_id=order.customer_id,
        currency=order.currency,
        amount_total=order.amount_total,
        state=order.state.value,
    )


def line_refs(order: SalesOrder) -> tuple[OrderLineRef, ...]:
    return tuple(
        OrderLineRef(
            id=line.id,
            product_id=line.product_id,
            description=line.description,
            quantity=line.product_qty,
            uom_id=line.product.uom_id,
            delivered=line.qty_delivered,
        )
        for line in order.lines
    )


# --------------------------------------------------------------------------- orders


def get_order(session: Session, order_id: int) -> SalesOrder:
    order = session.get(SalesOrder, order_id)
    if order is None:
        raise SalesError.on(None, msg.UNKNOWN_ORDER, id=order_id)
    return order


def create_order(session: Session, data: Mapping[str, Any]) -> SalesOrder:
    """A new quotation (draft) numbered from the sales order sequence.

    ``data`` holds the order's fields and ``lines``, a list of lines (product, quantity,
    and optionally description, unit, unit price, discount %, tax rate: blanks take the
    product's). The company is the acting one, the currency the company's; the
    salesperson defaults to the acting user, the team to one of theirs, the channel to
    direct sales. Every problem is reported at once, per field and per line.
    """
    data = _mapping(data)
    company_id = default_company_id(session)
    company = session.get(Company, company_id)
    order = SalesOrder(company_id=company_id, currency=company.currency)
    refusals = Refusals()
    values = _load(OrderSchema(), _header(data), refusals)
    if values.get("salesperson_id") is None:  # a blank field too: the seller is whoever quotes
        values["salesperson_id"] = acting_user_id()
    _check_header(session, order, values, refusals)
    if values.get("team_id") is None and values.get("salesperson_id"):
        values["team_id"] = _team_of(session, values["salesperson_id"], company_id)
    if values.get("channel_id") is None:
        values["channel_id"] = session.scalar(
            select(SalesChannel.id).where(SalesChannel.code == DEFAULT_CHANNEL)
        )
    values["order_date"] = values.get("order_date") or today()
    lines = _checked_lines(session, order, data.get("lines", []), refusals)
    refusals.raise_any()
    values["customer_level_id"] = customer_level_of(session, values["customer_id"])
    for key, value in values.items():
        setattr(order, key, value)
    order.name = next_code(session, ORDER_SEQUENCE)
    order.state = OrderState.DRAFT
    _apply_lines(order, lines)
    session.add(order)
    session.flush()
    _log(session, order, Track.PROCESSING, None, OrderState.DRAFT)
    return order


def update_order(session: Session, order_id: int, data: Mapping[str, Any]) -> SalesOrder:
    """Change a quotation's fields and lines (``lines``: the lines to keep, in order).

    Only quotations (draft, sent) change freely. Past that, the amendment rules above
    apply (``AMENDABLE``, ``AMENDABLE_LINE_AMOUNTS``): the other fields and lines may be
    sent back as they are (a form sends everything) but not changed. The order's row is
    taken first, so an edit and a confirmation at the same moment happen one after the
    other, and the edit sees the state the confirmation left.
    """
    data = _mapping(data)
    order = get_order(session, order_id)
    _claim(session, order, tuple(OrderState), msg.NOT_EDITABLE)
    refusals = Refusals()
    values = _load(OrderSchema(), _header(data), refusals, partial=True)
    rows = data.get("lines")
    if order.state not in QUOTATION_STATES:
        prices = _amendments(session, order, values, rows, refusals)
        refusals.raise_any()
        for key in AMENDABLE & values.keys():
            setattr(order, key, values[key])
        if prices:
            _amend_prices(session, order, prices)
        session.flush()
        return order
    _check_header(session, order, values, refusals)
    lines = _checked_lines(session, order, rows, refusals) if rows is not None else None
    refusals.raise_any()
    if values.get("customer_id") not in (None, order.customer_id):
        order.customer_level_id = customer_level_of(session, values["customer_id"])
    for key, value in values.items():
        setattr(order, key, value if key != "order_date" else value or order.order_date)
    if lines is not None:
        _apply_lines(order, lines)
    for line in order.lines:
        line.order_date = order.order_date
    session.flush()
    return order


def delete_order(session: Session, order_id: int) -> None:
    """Delete a quotation that was never sent; any other order is cancelled instead."""
    order = get_order(session, order_id)
    _claim(session, order, (OrderState.DRAFT,), msg.ONLY_DRAFTS_DELETED)
    session.delete(order)
    session.flush()


def duplicate_order(session: Session, order: SalesOrder, data: Any = None) -> SalesOrder:
    """A new quotation with the same customer, team, channel, note and lines, dated today.

    It goes through the same checks as a new order: an archived product refuses the copy.
    """
    copy = create_order(
        session,
        {
            "customer_id": order.customer_id,
            "salesperson_id": order.salesperson_id,
            "team_id": order.team_id,
            "channel_id": order.channel_id,
            "note": order.note,
            "lines": [
                {
                    "product_id": line.product_id,
                    "description": line.description,
                    "quantity": line.quantity,
                    "uom_id": line.uom_id,
                    "price_unit": line.price_unit,
                    "discount": line.discount,
                    "tax_rate": line.tax_rate,
                }
                for line in order.lines
            ],
        },
    )
    copy.duplicated_from_id = order.id
    session.flush()
    return copy


def _mapping(data: Any) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise SalesError.on(None, msg.LINE_NOT_A_RECORD)
    return data


def _header(data: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key != "lines"}


def _load(schema, data: Any, refusals: Refusals, *, partial: bool = False) -> dict[str, Any]:
    try:
        return load(schema, data, partial=partial)
    except BusinessError as error:
        for field, texts in error.messages.items():
            for text in texts if isinstance(texts, list) else [texts]:
                refusals.add(field, text)
        return {}


def _check_header(
    session: Session, order: SalesOrder, values: dict[str, Any], refusals: Refusals
) -> None:
    """The customer, salesperson, team and channel exist and fit the order's company."""
    company_id = order.company_id
    if values.get("customer_id") not in (None, order.customer_id):
        _check_customer(session, values["customer_id"], company_id, refusals)
    salesperson_id = values.get("salesperson_id")
    if salesperson_id not in (None, order.salesperson_id) and not _is_company_user(
        session, salesperson_id, company_id
    ):
        refusals.add("salesperson_id", msg.UNKNOWN_SALESPERSON, id=values["salesperson_id"])
    if values.get("team_id") not in (None, order.team_id):
        team = session.get(SalesTeam, values["team_id"])
        if team is None or not team.active or team.company_id != company_id:
            refusals.add("team_id", msg.UNKNOWN_TEAM, id=values["team_id"])
    if values.get("channel_id") not in (None, order.channel_id):
        channel = session.get(SalesChannel, values["channel_id"])
        if channel is None or not channel.active:
            refusals.add("channel_id", msg.UNKNOWN_CHANNEL, id=values["channel_id"])


def _check_customer(
    session: Session,
    customer_id: int,
    company_id: int,
    refusals: Refusals,
    *,
    archived_ok: bool = False,
) -> Any:
    """The partner, when the user may see it and it is an active customer of the company."""
    partner_class = customer_model()
    statement = select(partner_class).where(partner_class.id == customer_id)
    partner = session.scalar(current_access().restrict(statement, partner_class))
    if partner is None:
        refusals.add("customer_id", msg.UNKNOWN_CUSTOMER, id=customer_id)
    elif partner.company_id != company_id:
        refusals.add("customer_id", msg.CUSTOMER_OTHER_COMPANY, name=partner.display_name)
    elif not partner.is_customer:
        refusals.add("customer_id", msg.NOT_A_CUSTOMER, name=partner.display_name)
    elif not partner.active and not archived_ok:
        refusals.add("customer_id", msg.CUSTOMER_ARCHIVED, name=partner.display_name)
    else:
        return partner
    return None


def customer_level_of(session: Session, customer_id: int) -> int | None:
    """The level the customer is classified at (None: not classified)."""
    return session.scalar(
        select(SalesCustomer.level_id).where(SalesCustomer.customer_id == customer_id)
    )


def _is_company_user(session: Session, user_id: int, company_id: int) -> bool:
    member = exists().where(UserCompany.user_id == User.id, UserCompany.company_id == company_id)
    statement = select(User.id).where(
        User.id == user_id, User.active.is_(True), or_(User.company_id == company_id, member)
    )
    return session.scalar(statement) is not None


def _team_of(session: Session, user_id: int, company_id: int) -> int | None:
    """The first active team the user leads or belongs to in the company."""
    member = exists().where(
        SalesTeamMember.team_id == SalesTeam.id, SalesTeamMember.user_id == user_id
    )
    statement = (
        select(SalesTeam.id)
        .where(
            SalesTeam.company_id == company_id,
            SalesTeam.active.is_(True),
            or_(SalesTeam.leader_id == user_id, member),
        )
        .order_by(SalesTeam.id)
        .limit(1)
    )
    return session.scalar(statement)


# --------------------------------------------------------------------------- lines


@dataclass
class CheckedLine:
    """A line that passed every check, with the values it will hold."""

    line_id: int | None
    values: dict[str, Any]


def _checked_lines(
    session: Session, order: SalesOrder, rows: Any, refusals: Refusals
) -> list[CheckedLine]:
    """Check ``rows`` (each a line's fields) against the order; problems go to ``refusals``
    as ``{"lines": {index: {field: [texts]}}}``."""
    if rows is None:
        return []
    if not isinstance(rows, list | tuple):
        refusals.add("lines", msg.LINES_NOT_A_LIST)
        return []
    if len(rows) > MAX_LINES:
        refusals.add("lines", msg.TOO_MANY_LINES, max=MAX_LINES)
        return []
    errors: dict[int, Refusals] = {}
    loaded: list[tuple[int, dict[str, Any]]] = []
    schema = OrderLineSchema()
    for index, row in enumerate(rows):
        problems = errors.setdefault(index, Refusals())
        if not isinstance(row, Mapping):
            problems.add(None, msg.LINE_NOT_A_RECORD)
            continue
        values = _load(schema, dict(row), problems)
        if not problems:
            loaded.append((index, values))
    products = _products(session, {values["product_id"] for _, values in loaded})
    existing = {line.id for line in order.lines}
    seen: set[int] = set()
    checked = []
    for index, values in loaded:
        problems = errors[index]
        line_id = values.pop("id", None)
        if line_id is not None and line_id not in existing:
            problems.add("id", msg.UNKNOWN_LINE, id=line_id)
        elif line_id is not None and line_id in seen:
            problems.add("id", msg.LINE_TWICE, id=line_id)
        seen.add(line_id)
        product = products.get(values["product_id"])
        if _check_product(product, values["product_id"], order.company_id, problems):
            _complete_line(session, order, product, values, problems)
        if not problems:
            checked.append(CheckedLine(line_id, values))
    line_errors = {index: p.messages for index, p in errors.items() if p}
    if line_errors:
        refusals.messages.setdefault("lines", {}).update(line_errors)  # type: ignore[union-attr]
    return checked


def _products(session: Session, product_ids: set[int]) -> dict[int, Any]:
    """The products among ``product_ids`` the user may see (one query)."""
    if not product_ids:
        return {}
    product_class = product_model()
    statement = select(product_class).where(product_class.id.in_(product_ids))
    statement = current_access().restrict(statement, product_class)
    return {product.id: product for product in session.scalars(statement)}


def _check_product(product: Any, product_id: int, company_id: int, problems: Refusals) -> bool:
    if product is None:
        problems.add("product_id", msg.UNKNOWN_PRODUCT, id=product_id)
    elif product.company_id != company_id:
        problems.add("product_id", msg.PRODUCT_OTHER_COMPANY, name=product.display_name)
    elif not product.active:
        problems.add("product_id", msg.PRODUCT_ARCHIVED, name=product.display_name)
    else:
        return True
    return False


def _complete_line(
    session: Session, order: SalesOrder, product: Any, values: dict[str, Any], problems: Refusals
) -> None:
    """Fill a line's blanks from its product and convert its quantity to the product's unit."""
    values["uom_id"] = values.get("uom_id") or product.uom_id
    values["description"] = values.get("description") or product.display_name
    if values.get("discount") is None:
        values["discount"] = Decimal(0)
    if values.get("tax_rate") is None:
        values["tax_rate"] = product.tax_rate
    if values["uom_id"] == product.uom_id:
        values["product_qty"] = values["quantity"]
        factor = Decimal(1)
    else:
        try:
            values["product_qty"] = _convert(session, values["quantity"], values["uom_id"], product)
            factor = _convert(session, PRICE_PROBE, values["uom_id"], product) / PRICE_PROBE
        except ValidationError:
            problems.add("uom_id", msg.UNIT_NOT_CONVERTIBLE, name=product.display_name)
            return
    if values.get("price_unit") is None:
        values["price_unit"] = round_money(product.sale_price * factor, order.currency)
    places = currency_places(order.currency)
    if values["price_unit"] != round_money(values["price_unit"], order.currency):
        problems.add("price_unit", msg.PRICE_PLACES, currency=order.currency, places=places)


def _convert(session: Session, quantity: Decimal, uom_id: int, product: Any) -> Decimal:
    converted = get_registry().hook.products_convert_quantity(
        quantity=quantity, from_uom_id=uom_id, to_uom_id=product.uom_id, session=session
    )
    if converted is None:  # no addon converts: the units cannot be compared
        raise ValidationError("not convertible")
    return converted


def _apply_lines(order: SalesOrder, lines: list[CheckedLine]) -> None:
    """Make ``lines`` the order's lines, in order, and recompute every amount."""
    current = {line.id: line for line in order.lines}
    kept = []
    for position, checked in enumerate(lines, start=1):
        line = current[checked.line_id] if checked.line_id is not None else SalesOrderLine()
        for key, value in checked.values.items():
            setattr(line, key, value)
        line.sequence = position * 10
        line.order_date, line.state = order.order_date, order.state
        amounts = line_amounts(
            line.quantity, line.price_unit, line.discount, line.tax_rate, order.currency
        )
        line.subtotal, line.tax, line.total = amounts.subtotal, amounts.tax, amounts.total
        kept.append(line)
    order.lines = kept
    compute_totals(order)


def compute_totals(order: SalesOrder) -> None:
    """The order's amounts as the sums of its (already rounded) lines."""
    order.amount_untaxed = sum((line.subtotal for line in order.lines), Decimal(0))
    order.amount_tax = sum((line.tax for line in order.lines), Decimal(0))
    order.amount_total = sum((line.total for line in order.lines), Decimal(0))
    order.amount_due = order.amount_total - (order.amount_paid or Decimal(0))


def _amendments(
    session: Session, order: SalesOrder, values: dict[str, Any], rows: Any, refusals: Refusals
) -> dict[int, dict[str, Decimal]]:
    """What the amendment rules let change on an order past quotation: the new prices of
    its lines by line id; everything else that differs is refused, field by field."""
    state = state_label(order.state)
    for key, value in values.items():
        if key in AMENDABLE or value is None:
            continue
        if value != getattr(order, key):
            refusals.add(key, msg.NOT_EDITABLE, name=order.name, state=state)
    if rows is None:
        return {}
    amendable = order.state in AMENDABLE_STATES
    refusal = msg.ONLY_PRICES_AMENDED if amendable else msg.NOT_EDITABLE
    if not isinstance(rows, list | tuple) or len(rows) != len(order.lines):
        refusals.add("lines", refusal, name=order.name, state=state)
        return {}
    prices: dict[int, dict[str, Decimal]] = {}
    for line, row in zip(order.lines, rows, strict=True):
        problems = Refusals()
        loaded = _load(OrderLineSchema(), dict(row) if isinstance(row, Mapping) else row, problems)
        changed = {
            key: value
            for key, value in loaded.items()
            if key != "id" and value is not None and value != getattr(line, key)
        }
        if problems or loaded.get("id") not in (None, line.id):
            refusals.add("lines", refusal, name=order.name, state=state)
            return {}
        if changed.keys() - (AMENDABLE_LINE_AMOUNTS if amendable else frozenset()):
            refusals.add("lines", refusal, name=order.name, state=state)
            return {}
        price = changed.get("price_unit")
        if price is not None and price != round_money(price, order.currency):
            places = currency_places(order.currency)
            refusals.add("lines", msg.PRICE_PLACES, currency=order.currency, places=places)
            return {}
        if changed:
            prices[line.id] = changed
    return prices


def _amend_prices(
    session: Session, order: SalesOrder, prices: dict[int, dict[str, Decimal]]
) -> None:
    """New unit prices or discounts on a confirmed order's lines, after the rules' checks
    (not below what is paid; credit control on an increase), noted in its timeline."""
    amended = {}
    for line in order.lines:
        new = {"price_unit": line.price_unit, "discount": line.discount, **prices.get(line.id, {})}
        amounts = line_amounts(
            line.quantity, new["price_unit"], new["discount"], line.tax_rate, order.currency
        )
        amended[line.id] = (new, amounts)
    before = order.amount_total
    after = sum((amounts.total for _new, amounts in amended.values()), Decimal(0))
    if after < order.amount_paid:
        raise SalesError.on(
            "lines",
            msg.AMENDED_BELOW_PAID,
            total=money_text(after, order.currency),
            paid=money_text(order.amount_paid, order.currency),
        )
    warning = _credit_for_increase(session, order, after - before) if after > before else None
    for line in order.lines:
        new, amounts = amended[line.id]
        line.price_unit, line.discount = new["price_unit"], new["discount"]
        line.subtotal, line.tax, line.total = amounts.subtotal, amounts.tax, amounts.total
    compute_totals(order)
    note = render(
        msg.AMENDED_NOTE,
        before=money_text(before, order.currency),
        after=money_text(after, order.currency),
    )
    note = f"{note} {warning}" if warning else note
    _log(session, order, Track.PROCESSING, order.state, order.state, note)
    if payment_status(order) is not order.payment_status:
        _move_payment_track(session, order, note)


def _credit_for_increase(session: Session, order: SalesOrder, increase: Decimal) -> str | None:
    """Refuse an increase over the customer's credit limit (``block``), or say it (``warn``)."""
    mode, limit, used = _credit_exposure(session, order)  # used: before this change
    if limit is None or used + increase <= limit:
        return None
    text = render(
        msg.AMENDED_OVER_CREDIT,
        limit=money_text(limit, order.currency),
        used=money_text(used, order.currency),
        amount=money_text(increase, order.currency),
    )
    if mode is CreditMode.BLOCK:
        raise SalesError.on("lines", msg.AMENDED_OVER_CREDIT_REFUSED, reason=text)
    return text


# --------------------------------------------------------------------------- processing track


def mark_sent(session: Session, order: SalesOrder, data: Any = None) -> SalesOrder:
    """A draft quotation was sent to the customer."""
    _claim(session, order, (OrderState.DRAFT,), msg.NOT_A_QUOTATION)
    _set_state(session, order, OrderState.SENT)
    return order


def confirm_order(session: Session, order: SalesOrder, data: Any = None) -> SalesOrder:
    """Confirm a quotation into a sales order, or put it on credit hold.

    The order's row is claimed first by a conditional UPDATE (only while it is still a
    quotation), so of two users confirming at once exactly one does; the other is refused.
    With the company's credit control on ``block``, an order that would take the
    customer's open amount over its credit limit goes on hold instead; on ``warn`` it is
    confirmed with a note in its timeline.
    """
    _claim(session, order, QUOTATION_STATES, msg.NOT_CONFIRMABLE)
    if not order.lines:
        raise SalesError.on("lines", msg.NO_LINES)
    mode, excess = credit_check(session, order)
    if excess is not None and mode is CreditMode.BLOCK:
        _set_state(session, order, OrderState.HOLD, note=excess)
        return order
    _confirm(session, order, note=excess)
    return order


def release_credit_hold(session: Session, order: SalesOrder, data: Any = None) -> SalesOrder:
    """Confirm an order held for credit, with a note saying why (``sales.order.approve_credit``)."""
    current_access().require("sales.order.approve_credit")
    note = load(NoteSchema(), _mapping(data or {}))["note"]
    _claim(session, order, (OrderState.HOLD,), msg.NOT_ON_HOLD)
    _confirm(session, order, note=render(msg.CREDIT_RELEASED_NOTE, note=note))
    return order


def cancel_order(session: Session, order: SalesOrder, data: Any = None) -> SalesOrder:
    """Cancel an order that has neither deliveries nor payments, with a reason."""
    reason = load(ReasonSchema(), _mapping(data or {}))["reason"]
    _claim(session, order, OPEN_STATES, msg.NOT_CANCELLABLE)
    if order.amount_paid:
        raise SalesError.on(None, msg.CANCEL_PAID, name=order.name)
    # Services count as delivered once sold (nothing to bring back): only goods stop it.
    if any(line.qty_delivered for line in order.lines if not _is_service(line)):
        raise SalesError.on(None, msg.CANCEL_DELIVERED, name=order.name)
    was_confirmed = order.state is OrderState.CONFIRMED
    order.cancel_reason = reason
    _set_state(session, order, OrderState.CANCELLED, note=reason)
    get_registry().hook.sales_order_cancelled(
        order=order_ref(order), lines=line_refs(order), was_confirmed=was_confirmed, session=session
    )
    return order


def reset_to_quotation(session: Session, order: SalesOrder, data: Any = None) -> SalesOrder:
    """A cancelled order becomes a draft quotation again."""
    _claim(session, order, (OrderState.CANCELLED,), msg.NOT_CANCELLED)
    order.cancel_reason = None
    _set_state(session, order, OrderState.DRAFT)
    return order


def move_order(session: Session, order_id: int, state: Any) -> SalesOrder:
    """A kanban move: to sent, confirmed or (from cancelled) draft runs that action; the
    other stages are reached only through their own buttons (a reason, a note)."""
    moves = {
        OrderState.SENT.value: mark_sent,
        OrderState.CONFIRMED.value: confirm_order,
        OrderState.DRAFT.value: reset_to_quotation,
    }
    action = moves.get(str(state))
    if action is None:
        raise SalesError.on("state", msg.STATE_BY_ACTION)
    return action(session, get_order(session, order_id), {})


def _confirm(session: Session, order: SalesOrder, note: str | None = None) -> None:
    # The lines' products in one query, not one a line; held here, as the session keeps
    # only weak references. They are the order's own: no access check.
    product_class = product_model()
    ids = {line.product_id for line in order.lines}
    products = session.scalars(select(product_class).where(product_class.id.in_(ids))).all()
    order.confirmed_at = utcnow()
    _set_state(session, order, OrderState.CONFIRMED, note=note)
    _deliver_services(session, order)
    get_registry().hook.sales_order_confirmed(
        order=order_ref(order), lines=line_refs(order), session=session
    )
    del products


def _deliver_services(session: Session, order: SalesOrder) -> None:
    """Service lines are delivered as they are sold: nothing of them goes through stock."""
    services = {line.id: line.product_qty for line in order.lines if _is_service(line)}
    if services:
        _add_delivered(session, order, services, None)


def _is_service(line: SalesOrderLine) -> bool:
    return getattr(line.product.type, "value", line.product.type) == "service"


def _claim(session: Session, order: SalesOrder, states: Iterable[OrderState], refusal) -> None:
    """Take the order for this transaction if it is still in one of ``states``.

    A conditional UPDATE bumps the version: on PostgreSQL it waits for, then sees, a
    concurrent transaction's commit (row lock); SQLite transactions are serialised by
    ``BEGIN IMMEDIATE``. Either way a second claimer finds the state changed and is refused.
    """
    allowed = tuple(states)
    # RETURNING the row refreshes ``order`` in the same statement (what another
    # transaction committed before the claim, and the new version).
    claimed = session.execute(
        update(SalesOrder)
        .where(SalesOrder.id == order.id, SalesOrder.state.in_(allowed))
        .values(version=SalesOrder.version + 1)
        .returning(SalesOrder)
        .execution_options(synchronize_session=False, populate_existing=True)
    ).scalar_one_or_none()
    if claimed is not None:
        return
    if session.get(SalesOrder, order.id, populate_existing=True) is None:
        raise SalesError.on(None, msg.UNKNOWN_ORDER, id=order.id)  # deleted meanwhile
    raise SalesError.on(None, refusal, name=order.name, state=state_label(order.state))


def _set_state(
    session: Session, order: SalesOrder, state: OrderState, note: str | None = None
) -> None:
    previous = order.state
    order.state = state
    _copy_state_to_lines(session, order)
    _log(session, order, Track.PROCESSING, previous, state, note)


def _copy_state_to_lines(session: Session, order: SalesOrder) -> None:
    """The lines take the order's state in one statement (not one per line, and no change
    of the lines to audit: the copy is the order's); lines in memory are told too."""
    session.execute(
        update(SalesOrderLine)
        .where(SalesOrderLine.order_id == order.id)
        .values(state=order.state)
        .execution_options(synchronize_session=False)
    )
    for line in order.__dict__.get("lines", ()):
        set_committed_value(line, "state", order.state)


def _log(
    session: Session,
    order: SalesOrder,
    track: Track,
    before: Any,
    after: Any,
    note: str | None = None,
) -> SalesOrderEvent:
    event = SalesOrderEvent(
        order_id=order.id,
        track=track,
        from_value=getattr(before, "value", before),
        to_value=getattr(after, "value", after),
        note=note[:1000] if note else None,
    )
    session.add(event)  # written with the next flush, in the order the steps happened
    return event


def state_label(state: Any) -> str:
    """A step of any track in the reader's language ("confirmed" -> 已确认)."""
    value = getattr(state, "value", state)
    return str(dict(msg.STEP_LABELS).get(value, value))


# --------------------------------------------------------------------------- credit


@dataclass(frozen=True)
class CreditPosition:
    """A customer's credit in one company: limit (None: unlimited), what confirmed orders
    still owe, and what is left (None: unlimited)."""

    limit: Decimal | None
    used: Decimal
    available: Decimal | None


def credit_mode(session: Session, company_id: int) -> CreditMode:
    mode = session.scalar(
        select(SalesSettings.credit_mode).where(SalesSettings.company_id == company_id)
    )
    return mode or CreditMode.BLOCK


def open_amount(session: Session, customer_id: int, company_id: int) -> Decimal:
    """What the customer's confirmed orders of the company still owe (the receivable)."""
    totals = session.execute(
        select(func.sum(SalesOrder.amount_total), func.sum(SalesOrder.amount_paid)).where(
            SalesOrder.customer_id == customer_id,
            SalesOrder.company_id == company_id,
            SalesOrder.state.in_(BINDING_STATES),
        )
    ).one()
    return (totals[0] or Decimal(0)) - (totals[1] or Decimal(0))


def credit_position(session: Session, customer_id: int, company_id: int) -> CreditPosition:
    partner_class = customer_model()
    limit = session.scalar(
        select(partner_class.credit_limit).where(partner_class.id == customer_id)
    )
    used = open_amount(session, customer_id, company_id)
    return CreditPosition(limit, used, None if limit is None else limit - used)


def _credit_exposure(
    session: Session, order: SalesOrder
) -> tuple[CreditMode, Decimal | None, Decimal]:
    """The company's credit mode, the customer's limit (None: not checked, also when the
    mode is off) and what its confirmed orders leave open. The customer's row is locked
    (PostgreSQL), so two changes for one customer are checked one after the other."""
    mode = credit_mode(session, order.company_id)
    if mode is CreditMode.OFF:
        return mode, None, Decimal(0)
    partner_class = customer_model()
    limit = session.scalar(
        select(partner_class.credit_limit)
        .where(partner_class.id == order.customer_id)
        .with_for_update()
    )
    if limit is None:
        return mode, None, Decimal(0)
    return mode, limit, open_amount(session, order.customer_id, order.company_id)


def credit_check(session: Session, order: SalesOrder) -> tuple[CreditMode, str | None]:
    """The company's credit mode, and a note when confirming ``order`` exceeds the limit.

    The customer's row is locked (PostgreSQL), so two orders of one customer confirmed at
    once are checked one after the other. A customer without a limit is not checked.
    """
    mode, limit, used = _credit_exposure(session, order)
    if limit is None or used + order.amount_total <= limit:
        return mode, None
    note = msg.CREDIT_HOLD_NOTE if mode is CreditMode.BLOCK else msg.CREDIT_WARNING_NOTE
    return mode, render(
        note,
        limit=money_text(limit, order.currency),
        used=money_text(used, order.currency),
        amount=money_text(order.amount_total, order.currency),
    )


# --------------------------------------------------------------------------- delivery track


def record_delivery(
    session: Session,
    order_id: int,
    delivered: Mapping[int, Decimal],
    note: str | None = None,
) -> SalesOrder:
    """Add delivered quantities (negative: returned) to an order's lines.

    What inventory calls (through ``sales_record_delivery``) when a delivery is done:
    ``delivered`` maps line ids to quantities in the product's unit. Each line stays
    between nothing and what was ordered; the delivery track moves, and an order both
    delivered and paid is done.
    """
    order = get_order(session, order_id)
    quantities = {int(line_id): _quantity(value) for line_id, value in delivered.items()}
    _claim(session, order, BINDING_STATES, msg.NOT_DELIVERABLE)
    _add_delivered(session, order, quantities, note)
    return order


def _quantity(value: Any) -> Decimal:
    """A delivered quantity as an exact Decimal: a float is refused, it is never exact."""
    try:
        number = Decimal(value) if isinstance(value, Decimal | int | str) else Decimal("NaN")
    except ArithmeticError:
        number = Decimal("NaN")
    if not number.is_finite() or number != number.quantize(QUANTITY_STEP):
        raise SalesError.on("delivered", MSG_NOT_NUMBER)
    return number


def deliver_all(session: Session, order: SalesOrder, data: Any = None) -> SalesOrder:
    """Mark what is left to deliver as delivered (when no inventory records deliveries)."""
    if not manual_delivery_allowed(session):
        raise SalesError.on(None, msg.MANUAL_DELIVERY_OFF)
    _claim(session, order, (OrderState.CONFIRMED,), msg.NOT_DELIVERABLE)
    remaining = {
        line.id: line.product_qty - line.qty_delivered
        for line in order.lines
        if line.qty_delivered < line.product_qty
    }
    _add_delivered(session, order, remaining, None)
    return order


def manual_delivery_allowed(session: Session) -> bool:
    answer = get_registry().hook.sales_manual_delivery_allowed(session=session)
    return answer is not False


def _add_delivered(
    session: Session, order: SalesOrder, delivered: Mapping[int, Decimal], note: str | None
) -> None:
    if not delivered:
        return
    lines = {line.id: line for line in order.lines}
    problems: dict[Any, list[str]] = {}
    for line_id, quantity in delivered.items():
        line = lines.get(line_id)
        if line is None:
            problems[line_id] = [render(msg.UNKNOWN_LINE, id=line_id)]
            continue
        after = line.qty_delivered + quantity
        if after > line.product_qty:
            problems[line_id] = [
                render(msg.OVER_DELIVERY, open=line.product_qty - line.qty_delivered)
            ]
        elif after < 0:
            problems[line_id] = [render(msg.BELOW_ZERO_DELIVERY, delivered=line.qty_delivered)]
    if problems:
        raise SalesError({"delivered": problems})
    for line_id, quantity in delivered.items():
        lines[line_id].qty_delivered += quantity
    before = order.delivery_status
    order.delivery_status = delivery_status(order)
    session.flush()
    _log(session, order, Track.DELIVERY, before, order.delivery_status, note)
    _follow_completion(session, order)


def delivery_status(order: SalesOrder) -> DeliveryStatus:
    if order.lines and all(line.qty_delivered >= line.product_qty for line in order.lines):
        return DeliveryStatus.DELIVERED
    if any(line.qty_delivered > 0 for line in order.lines):
        return DeliveryStatus.PARTLY
    return DeliveryStatus.UNDELIVERED


def payment_status(order: SalesOrder) -> PaymentStatus:
    if order.amount_paid >= order.amount_total:
        return PaymentStatus.PAID
    if order.amount_paid > 0:
        return PaymentStatus.PARTLY
    return PaymentStatus.UNPAID


def _follow_completion(session: Session, order: SalesOrder) -> None:
    """Done when fully delivered and paid; back to confirmed when either is undone."""
    complete = (
        order.delivery_status is DeliveryStatus.DELIVERED
        and order.payment_status is PaymentStatus.PAID
    )
    if complete and order.state is OrderState.CONFIRMED:
        _set_state(session, order, OrderState.DONE)
    elif not complete and order.state is OrderState.DONE:
        _set_state(session, order, OrderState.CONFIRMED)


# --------------------------------------------------------------------------- payments


def get_payment(session: Session, payment_id: int) -> SalesPayment:
    payment = session.get(SalesPayment, payment_id)
    if payment is None:
        raise SalesError.on(None, msg.UNKNOWN_PAYMENT, id=payment_id)
    return payment


def register_payment(session: Session, data: Mapping[str, Any]) -> SalesPayment:
    """Record a customer receipt and settle orders with it.

    ``allocations`` (order, amount) say which confirmed orders of the customer it pays and
    must add up to the amount; without them the oldest open orders are paid first. No
    order is ever paid beyond its total: each allocation is a conditional UPDATE, so
    concurrent payments cannot overpay either. The payment track of each order moves, and
    a paid and delivered order is done.
    """
    data = _mapping(data)
    refusals = Refusals()
    values = _load(PaymentSchema(), {k: v for k, v in data.items() if k != "allocations"}, refusals)
    company_id = default_company_id(session)
    company = session.get(Company, company_id)
    customer = None
    if values.get("customer_id") is not None:
        customer = _check_customer(
            session, values["customer_id"], company_id, refusals, archived_ok=True
        )
    refusals.raise_any()
    payment = SalesPayment(company_id=company_id, currency=company.currency, **values)
    payment.payment_date = payment.payment_date or today()
    rows = data.get("allocations") or []
    if rows:
        plan = _explicit_allocations(session, payment, customer, rows)
    else:
        plan = _oldest_first(session, payment, customer)
    payment.name = next_code(session, PAYMENT_SEQUENCE)
    payment.state = PaymentState.POSTED
    session.add(payment)
    session.flush()
    for index, (order, amount) in enumerate(plan):
        field = ("allocations", index) if rows else ("amount", None)
        _pay(session, order, amount, payment, field)
        session.add(SalesPaymentAllocation(payment_id=payment.id, order_id=order.id, amount=amount))
    session.flush()
    return payment


def _explicit_allocations(
    session: Session, payment: SalesPayment, customer: Any, rows: Any
) -> list[tuple[SalesOrder, Decimal]]:
    if not isinstance(rows, list | tuple) or len(rows) > MAX_LINES:
        raise SalesError.on("allocations", msg.LINES_NOT_A_LIST)
    errors: dict[int, Refusals] = {}
    loaded = []
    for index, row in enumerate(rows):
        problems = errors.setdefault(index, Refusals())
        values = _load(AllocationSchema(), row if isinstance(row, Mapping) else {}, problems)
        if not problems:
            loaded.append((index, values))
    ids = {values["order_id"] for _, values in loaded}
    statement = current_access().restrict(
        select(SalesOrder).where(SalesOrder.id.in_(ids or {-1})), SalesOrder
    )
    orders = {order.id: order for order in session.scalars(statement)}
    plan, seen = [], set()
    for index, values in loaded:
        problems = errors[index]
        order = orders.get(values["order_id"])
        if order is None or order.company_id != payment.company_id:
            problems.add("order_id", msg.UNKNOWN_ORDER, id=values["order_id"])
        elif order.customer_id != customer.id:
            problems.add(
                "order_id",
                msg.ORDER_OTHER_CUSTOMER,
                name=order.name,
                customer=customer.display_name,
            )
        elif order.state not in BINDING_STATES:
            problems.add(
                "order_id", msg.ORDER_NOT_PAYABLE, name=order.name, state=state_label(order.state)
            )
        elif order.currency != payment.currency:
            problems.add(
                "order_id",
                msg.OTHER_CURRENCY,
                name=order.name,
                currency=order.currency,
                payment_currency=payment.currency,
            )
        elif order.id in seen:
            problems.add("order_id", msg.ORDER_TWICE, name=order.name)
        else:
            seen.add(order.id)
            plan.append((order, values["amount"]))
    refusals = Refusals()
    line_errors = {index: p.messages for index, p in errors.items() if p}
    if line_errors:
        refusals.messages["allocations"] = line_errors  # type: ignore[assignment]
    allocated = sum((amount for _, amount in plan), Decimal(0))
    if not line_errors and allocated != payment.amount:
        refusals.add(
            "amount",
            msg.ALLOCATIONS_DIFFER,
            allocated=money_text(allocated, payment.currency),
            amount=money_text(payment.amount, payment.currency),
        )
    refusals.raise_any()
    return plan


def _oldest_first(
    session: Session, payment: SalesPayment, customer: Any
) -> list[tuple[SalesOrder, Decimal]]:
    """The customer's open orders, oldest first, paid until the amount is used up."""
    statement = (
        select(SalesOrder)
        .where(
            SalesOrder.customer_id == customer.id,
            SalesOrder.company_id == payment.company_id,
            SalesOrder.currency == payment.currency,
            SalesOrder.state.in_(BINDING_STATES),
            SalesOrder.amount_paid < SalesOrder.amount_total,
        )
        .order_by(SalesOrder.order_date, SalesOrder.id)
    )
    orders = list(session.scalars(current_access().restrict(statement, SalesOrder)))
    if not orders:
        raise SalesError.on("customer_id", msg.NOTHING_OPEN, name=customer.display_name)
    plan, left = [], payment.amount
    for order in orders:
        if left <= 0:
            break
        amount = min(left, order.amount_due)
        plan.append((order, amount))
        left -= amount
    if left > 0:
        raise SalesError.on(
            "amount",
            msg.MORE_THAN_OPEN,
            amount=money_text(payment.amount, payment.currency),
            open=money_text(payment.amount - left, payment.currency),
        )
    return plan


def _pay(
    session: Session,
    order: SalesOrder,
    amount: Decimal,
    payment: SalesPayment,
    field: tuple[str, int | None],
) -> None:
    """Add ``amount`` to what the order has received, never beyond its total."""
    paid = session.execute(
        update(SalesOrder)
        .where(
            SalesOrder.id == order.id,
            SalesOrder.state.in_(BINDING_STATES),
            SalesOrder.amount_paid + amount <= SalesOrder.amount_total,
        )
        .values(
            amount_paid=SalesOrder.amount_paid + amount,
            amount_due=SalesOrder.amount_due - amount,
            version=SalesOrder.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    session.refresh(order)
    if paid.rowcount != 1:
        text = render(
            msg.MORE_THAN_OPEN,
            amount=money_text(amount, order.currency),
            open=money_text(max(order.amount_due, Decimal(0)), order.currency),
        )
        name, index = field
        raise SalesError(
            {name: {index: {"amount": [text]}}} if index is not None else {name: [text]}
        )
    note = render(msg.PAYMENT_NOTE, name=payment.name, amount=money_text(amount, order.currency))
    _move_payment_track(session, order, note)


def _move_payment_track(session: Session, order: SalesOrder, note: str) -> None:
    before = order.payment_status
    order.payment_status = payment_status(order)
    session.flush()
    _log(session, order, Track.PAYMENT, before, order.payment_status, note)
    _follow_completion(session, order)


def update_payment(session: Session, payment_id: int, data: Mapping[str, Any]) -> SalesPayment:
    """Change a payment's reference or note; what it paid is changed by cancelling it."""
    data = _mapping(data)
    payment = get_payment(session, payment_id)
    refusals = Refusals()
    fixed = {k: v for k, v in data.items() if k not in ("reference", "note", "allocations")}
    for key, value in _load(PaymentSchema(), fixed, refusals, partial=True).items():
        if value is not None and value != getattr(payment, key):
            refusals.add(key, msg.PAYMENT_FIXED)
    rows = data.get("allocations")
    if rows is not None and _allocations_changed(payment, rows):
        refusals.add("allocations", msg.PAYMENT_FIXED)
    values = _load(
        PaymentUpdateSchema(),
        {k: v for k, v in data.items() if k in ("reference", "note")},
        refusals,
    )
    refusals.raise_any()
    for key, value in values.items():
        setattr(payment, key, value)
    session.flush()
    return payment


def _allocations_changed(payment: SalesPayment, rows: Any) -> bool:
    if not isinstance(rows, list | tuple) or len(rows) != len(payment.allocations):
        return True
    for allocation, row in zip(payment.allocations, rows, strict=True):
        problems = Refusals()
        values = _load(AllocationSchema(), row if isinstance(row, Mapping) else {}, problems)
        if problems or values.get("id") not in (None, allocation.id):
            return True
        if (values["order_id"], values["amount"]) != (allocation.order_id, allocation.amount):
            return True
    return False


def cancel_payment(session: Session, payment: SalesPayment, data: Any = None) -> SalesPayment:
    """Cancel a payment: the orders it paid owe those amounts again."""
    reason = load(ReasonSchema(), _mapping(data or {}))["reason"]
    claimed = session.execute(
        update(SalesPayment)
        .where(SalesPayment.id == payment.id, SalesPayment.state == PaymentState.POSTED)
        .values(version=SalesPayment.version + 1)
        .execution_options(synchronize_session=False)
    )
    session.refresh(payment)
    if claimed.rowcount != 1:
        raise SalesError.on(None, msg.PAYMENT_CANCELLED, name=payment.name)
    payment.state = PaymentState.CANCELLED
    payment.cancel_reason = reason
    note = render(msg.PAYMENT_CANCEL_NOTE, name=payment.name, reason=reason)
    for allocation in payment.allocations:
        session.execute(
            update(SalesOrder)
            .where(SalesOrder.id == allocation.order_id)
            .values(
                amount_paid=SalesOrder.amount_paid - allocation.amount,
                amount_due=SalesOrder.amount_due + allocation.amount,
                version=SalesOrder.version + 1,
            )
            .execution_options(synchronize_session=False)
        )
        session.refresh(allocation.order)
        _move_payment_track(session, allocation.order, note)
    session.flush()
    return payment


# --------------------------------------------------------------------------- configuration


def create_channel(session: Session, data: Mapping[str, Any]) -> SalesChannel:
    values = load(ChannelSchema(), _mapping(data))
    channel = SalesChannel(**values)
    session.add(channel)
    flush_unique(session, "code", msg.CHANNEL_CODE_TAKEN, code=values["code"])
    return channel


def update_channel(session: Session, channel_id: int, data: Mapping[str, Any]) -> SalesChannel:
    channel = _get(session, SalesChannel, channel_id, msg.UNKNOWN_CHANNEL)
    values = load(ChannelSchema(), _mapping(data), partial=True)
    for key, value in values.items():
        setattr(channel, key, value)
    flush_unique(session, "code", msg.CHANNEL_CODE_TAKEN, code=channel.code)
    return channel


def delete_channel(session: Session, channel_id: int) -> None:
    channel = _get(session, SalesChannel, channel_id, msg.UNKNOWN_CHANNEL)
    used = select(SalesOrder.id).where(SalesOrder.channel_id == channel_id).limit(1)
    if session.scalar(used) is not None:
        raise SalesError.on(None, msg.CHANNEL_IN_USE, name=channel.display_name)
    session.delete(channel)
    session.flush()


def load_standard_channels(session: Session, channels: Iterable[tuple[str, str, int]]) -> None:
    """Create the standard channels (code, English name, sequence) that do not exist."""
    known = set(session.scalars(select(SalesChannel.code)))
    for code, name, sequence in channels:
        if code not in known:
            session.add(SalesChannel(code=code, name=name, sequence=sequence))
    session.flush()


def create_team(session: Session, data: Mapping[str, Any]) -> SalesTeam:
    data = _mapping(data)
    refusals = Refusals()
    values = _load(TeamSchema(), {k: v for k, v in data.items() if k != "members"}, refusals)
    team = SalesTeam(company_id=default_company_id(session))
    _check_team(session, team, values, data.get("members") or [], refusals)
    refusals.raise_any()
    session.add(team)
    _apply_team(team, values, data.get("members") or [])
    session.flush()
    return team


def update_team(session: Session, team_id: int, data: Mapping[str, Any]) -> SalesTeam:
    data = _mapping(data)
    team = _get(session, SalesTeam, team_id, msg.UNKNOWN_TEAM)
    refusals = Refusals()
    header = {k: v for k, v in data.items() if k != "members"}
    values = _load(TeamSchema(), header, refusals, partial=True)
    rows = data.get("members")
    _check_team(session, team, values, rows or [], refusals)
    refusals.raise_any()
    _apply_team(team, values, rows)
    session.flush()
    return team


def delete_team(session: Session, team_id: int) -> None:
    team = _get(session, SalesTeam, team_id, msg.UNKNOWN_TEAM)
    used = select(SalesOrder.id).where(SalesOrder.team_id == team_id).limit(1)
    if session.scalar(used) is not None:
        raise SalesError.on(None, msg.TEAM_IN_USE, name=team.name)
    session.delete(team)
    session.flush()


def _check_team(
    session: Session, team: SalesTeam, values: dict[str, Any], rows: Any, refusals: Refusals
) -> None:
    if values.get("leader_id") is not None and not _is_company_user(
        session, values["leader_id"], team.company_id
    ):
        refusals.add("leader_id", msg.UNKNOWN_USER, id=values["leader_id"])
    if not isinstance(rows, list | tuple):
        refusals.add("members", msg.LINES_NOT_A_LIST)
        return
    problems: dict[int, Any] = {}
    for index, row in enumerate(rows):
        row_refusals = Refusals()
        loaded = _load(TeamMemberSchema(), row if isinstance(row, Mapping) else {}, row_refusals)
        user_id = loaded.get("user_id")
        if user_id is not None and not _is_company_user(session, user_id, team.company_id):
            row_refusals.add("user_id", msg.UNKNOWN_USER, id=user_id)
        if row_refusals:
            problems[index] = row_refusals.messages
    if problems:
        refusals.messages["members"] = problems  # type: ignore[assignment]


def _apply_team(team: SalesTeam, values: dict[str, Any], rows: Any) -> None:
    for key, value in values.items():
        setattr(team, key, value)
    if rows is None:
        return
    current = {member.user_id: member for member in team.members}
    wanted = list(dict.fromkeys(int(row["user_id"]) for row in rows))
    team.members = [current.get(user_id) or SalesTeamMember(user_id=user_id) for user_id in wanted]


def create_settings(session: Session, data: Mapping[str, Any]) -> SalesSettings:
    values = load(SettingsSchema(), _mapping(data))
    settings = SalesSettings(company_id=default_company_id(session), **values)
    session.add(settings)
    flush_unique(session, GENERAL, msg.SETTINGS_EXIST)
    return settings


def update_settings(session: Session, settings_id: int, data: Mapping[str, Any]) -> SalesSettings:
    settings = _get(session, SalesSettings, settings_id, msg.UNKNOWN_SETTINGS)
    for key, value in load(SettingsSchema(), _mapping(data), partial=True).items():
        setattr(settings, key, value)
    session.flush()
    return settings


def ensure_settings(session: Session) -> None:
    """Every company has its sales settings (credit control on ``block``)."""
    having = set(session.scalars(select(SalesSettings.company_id)))
    for company_id in session.scalars(select(Company.id)):
        if company_id not in having:
            session.add(SalesSettings(company_id=company_id))
    session.flush()


def _get(session: Session, model: type, record_id: int, message: Any) -> Any:
    record = session.get(model, record_id)
    if record is None:
        raise SalesError.on(None, message, id=record_id)
    return record


# --------------------------------------------------------------------------- other addons


def open_orders_of(session: Session, customer_ids: Iterable[int]) -> dict[int, int]:
    """How many open orders (quotations, held, confirmed) each customer has."""
    ids = list(customer_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(SalesOrder.customer_id, func.count())
        .where(SalesOrder.customer_id.in_(ids), SalesOrder.state.in_(OPEN_STATES))
        .group_by(SalesOrder.customer_id)
    )
    return {customer_id: count for customer_id, count in rows}

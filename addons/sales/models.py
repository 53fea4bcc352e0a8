"""Tables of the sales addon: orders and their lines, the order timeline, customer payments
and their allocations to orders, sales channels and teams, customer levels, per-company
sales settings, and sales plans.

Only structure lives here; the rules (numbering, totals, states, credit) are in services.py.
Customers, products and units belong to the partners and products addons: they are
referenced by foreign key and reached through relationships named by class (``"Partner"``),
never imported. A change here needs a migration: ``tessera addon revision sales -m ...``.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from addons.sales.messages import stored_name
from core.db import (
    ActiveMixin,
    Base,
    Code,
    CompanyMixin,
    ExactDecimal,
    Money,
    Name,
    Quantity,
    Rate,
    RecordMixin,
    VersionMixin,
    enum_column,
)

ORDER_SEQUENCE = "sales.order"
PAYMENT_SEQUENCE = "sales.payment"

DESCRIPTION_LENGTH = 1000
REFERENCE_LENGTH = 64
REASON_LENGTH = 1000
NOTE_LENGTH = 10_000
CURRENCY_LENGTH = 3

# A discount is a percentage with two places: 0 to 100.00.
Percent = ExactDecimal(5, 2)


def _enum_column(enum_class: type[enum.Enum]) -> Enum:
    return enum_column(enum_class, length=20)


# --------------------------------------------------------------------------- tracks


class OrderState(enum.StrEnum):
    """The processing track: a quotation (draft, sent) becomes a confirmed order, or waits
    on credit hold; it ends done (delivered and paid) or cancelled."""

    DRAFT = "draft"
    SENT = "sent"
    HOLD = "hold"
    CONFIRMED = "confirmed"
    DONE = "done"
    CANCELLED = "cancelled"


class DeliveryStatus(enum.StrEnum):
    """The delivery track, from the delivered quantities of the lines."""

    UNDELIVERED = "undelivered"
    PARTLY = "partly_delivered"
    DELIVERED = "delivered"


class PaymentStatus(enum.StrEnum):
    """The payment track, from the amounts customer payments allocate to the order."""

    UNPAID = "unpaid"
    PARTLY = "partly_paid"
    PAID = "paid"


class Track(enum.StrEnum):
    PROCESSING = "processing"
    DELIVERY = "delivery"
    PAYMENT = "payment"


QUOTATION_STATES = (OrderState.DRAFT, OrderState.SENT)
# Orders the customer owes for: they count against the credit limit until paid.
BINDING_STATES = (OrderState.CONFIRMED, OrderState.DONE)
OPEN_STATES = (OrderState.DRAFT, OrderState.SENT, OrderState.HOLD, OrderState.CONFIRMED)


class CreditMode(enum.StrEnum):
    """What confirming an order over the customer's credit limit does, per company."""

    BLOCK = "block"  # the order goes on credit hold until someone allowed releases it
    WARN = "warn"  # the order is confirmed, and the timeline notes the excess
    OFF = "off"  # credit limits are not checked


class PaymentMethod(enum.StrEnum):
    BANK_TRANSFER = "bank_transfer"
    CASH = "cash"
    CHEQUE = "cheque"
    CARD = "card"
    ALIPAY = "alipay"
    WECHAT_PAY = "wechat_pay"
    OTHER = "other"


class PaymentState(enum.StrEnum):
    POSTED = "posted"
    CANCELLED = "cancelled"


# --------------------------------------------------------------------------- configuration


class SalesChannel(RecordMixin, ActiveMixin, Base):
    """Where a sale comes from (direct, distributor, online, retail...): a configurable list.

    The four standard channels are loaded at install with English names, shown translated.
    """

    __tablename__ = "sales_channel"
    __resource__ = "sales.channel"

    code: Mapped[Code] = mapped_column(unique=True)
    name: Mapped[Name]
    sequence: Mapped[int] = mapped_column(Integer, default=10)

    @property
    def display_name(self) -> str:
        return stored_name(self.name)


class SalesTeam(RecordMixin, ActiveMixin, CompanyMixin, Base):
    """A group of salespeople with a leader, who sees the team's orders."""

    __tablename__ = "sales_team"
    __resource__ = "sales.team"

    name: Mapped[Name]
    leader_id: Mapped[int | None] = mapped_column(
        ForeignKey("core_user.id", ondelete="SET NULL"), index=True
    )

    leader = relationship("User", foreign_keys=[leader_id])
    members: Mapped[list[SalesTeamMember]] = relationship(
        back_populates="team",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="SalesTeamMember.id",
    )


class SalesTeamMember(RecordMixin, Base):
    """A salesperson of a team; a user may belong to several teams."""

    __tablename__ = "sales_team_member"
    __resource__ = "sales.team"
    __rule_parent__ = "team"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    team_id: Mapped[int] = mapped_column(
        ForeignKey("sales_team.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)

    team: Mapped[SalesTeam] = relationship(back_populates="members")
    user = relationship("User", foreign_keys=[user_id])


class CustomerLevel(RecordMixin, ActiveMixin, Base):
    """A class of customers (A: key customers, B, C...): a configurable list.

    The three standard levels are loaded at install with English names, shown translated.
    """

    __tablename__ = "sales_customer_level"
    __resource__ = "sales.level"

    code: Mapped[Code] = mapped_column(unique=True)
    name: Mapped[Name]
    sequence: Mapped[int] = mapped_column(Integer, default=10)

    @property
    def display_name(self) -> str:
        return stored_name(self.name)


class SalesCustomer(RecordMixin, Base):
    """Sales' side of a customer: its level. The partner, and its credit limit, belong to
    the partners addon; this row is keyed by the partner and goes with it (and with
    sales, when sales is uninstalled). Whoever sees the partner sees its level."""

    __tablename__ = "sales_customer"
    __resource__ = "sales.customer"
    __rule_parent__ = "customer"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("partners_partner.id", ondelete="CASCADE"), unique=True
    )
    level_id: Mapped[int] = mapped_column(
        ForeignKey("sales_customer_level.id", ondelete="RESTRICT"), index=True
    )

    customer = relationship("Partner", foreign_keys=[customer_id])
    level: Mapped[CustomerLevel] = relationship()

    @property
    def display_name(self) -> str:
        return self.customer.display_name if self.customer is not None else f"#{self.customer_id}"


class SalesSettings(RecordMixin, CompanyMixin, Base):
    """A company's sales settings: how credit limits are enforced, and what quotations
    print (how long they are valid, the terms under their lines)."""

    __tablename__ = "sales_settings"
    __resource__ = "sales.settings"
    __table_args__ = (UniqueConstraint("company_id"),)

    credit_mode: Mapped[CreditMode] = mapped_column(
        _enum_column(CreditMode), default=CreditMode.BLOCK
    )
    quotation_validity_days: Mapped[int] = mapped_column(Integer, default=30)
    quotation_terms: Mapped[str | None] = mapped_column(Text)

    company = relationship("Company")

    @property
    def display_name(self) -> str:
        return self.company.name if self.company is not None else f"#{self.company_id}"


# --------------------------------------------------------------------------- orders


class SalesOrder(RecordMixin, CompanyMixin, VersionMixin, Base):
    """A quotation, and once confirmed a sales order; its totals are the sums of its lines."""

    __tablename__ = "sales_order"
    __resource__ = "sales.order"
    __table_args__ = (UniqueConstraint("company_id", "name"),)

    name: Mapped[Code] = mapped_column(index=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("partners_partner.id", ondelete="RESTRICT"), index=True
    )
    salesperson_id: Mapped[int | None] = mapped_column(
        ForeignKey("core_user.id", ondelete="SET NULL"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("sales_team.id", ondelete="SET NULL"), index=True
    )
    channel_id: Mapped[int | None] = mapped_column(
        ForeignKey("sales_channel.id", ondelete="RESTRICT"), index=True
    )
    currency: Mapped[str] = mapped_column(String(CURRENCY_LENGTH))
    order_date: Mapped[date] = mapped_column(Date, index=True)
    client_reference: Mapped[str | None] = mapped_column(String(REFERENCE_LENGTH))
    note: Mapped[str | None] = mapped_column(Text)

    state: Mapped[OrderState] = mapped_column(
        _enum_column(OrderState), default=OrderState.DRAFT, index=True
    )
    delivery_status: Mapped[DeliveryStatus] = mapped_column(
        _enum_column(DeliveryStatus), default=DeliveryStatus.UNDELIVERED, index=True
    )
    payment_status: Mapped[PaymentStatus] = mapped_column(
        _enum_column(PaymentStatus), default=PaymentStatus.UNPAID, index=True
    )

    amount_untaxed: Mapped[Money] = mapped_column(default=Decimal(0))
    amount_tax: Mapped[Money] = mapped_column(default=Decimal(0))
    amount_total: Mapped[Money] = mapped_column(default=Decimal(0))
    amount_paid: Mapped[Money] = mapped_column(default=Decimal(0))
    # What is still owed (total - paid), stored so lists and dashboards sum it; every
    # statement that changes the total or the paid amount sets it in the same statement.
    amount_due: Mapped[Money] = mapped_column(default=Decimal(0))

    confirmed_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(REASON_LENGTH))
    duplicated_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("sales_order.id", ondelete="SET NULL")
    )
    # The customer's level, copied from its SalesCustomer row when the order is made and
    # again on all its orders whenever the level changes, so lists filter and group orders
    # by it. A plain indexed column: added in place by a later revision (no foreign key).
    customer_level_id: Mapped[int | None] = mapped_column(Integer, index=True)

    customer = relationship("Partner", foreign_keys=[customer_id])
    salesperson = relationship("User", foreign_keys=[salesperson_id])
    team: Mapped[SalesTeam | None] = relationship(foreign_keys=[team_id])
    channel: Mapped[SalesChannel | None] = relationship()
    customer_level: Mapped[CustomerLevel | None] = relationship(
        primaryjoin="foreign(SalesOrder.customer_level_id) == CustomerLevel.id", viewonly=True
    )
    lines: Mapped[list[SalesOrderLine]] = relationship(
        back_populates="order",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(SalesOrderLine.sequence, SalesOrderLine.id)",
    )
    events: Mapped[list[SalesOrderEvent]] = relationship(
        back_populates="order",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="SalesOrderEvent.id",
    )

    @property
    def display_name(self) -> str:
        return self.name


class SalesOrderLine(RecordMixin, Base):
    """One product on an order. ``quantity`` is in the line's unit, ``product_qty`` and
    ``qty_delivered`` in the product's own unit (what stock counts)."""

    __tablename__ = "sales_order_line"
    __resource__ = "sales.order"
    __rule_parent__ = "order"

    order_id: Mapped[int] = mapped_column(
        ForeignKey("sales_order.id", ondelete="CASCADE"), index=True
    )
    sequence: Mapped[int] = mapped_column(Integer, default=10)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products_product.id", ondelete="RESTRICT"), index=True
    )
    description: Mapped[str] = mapped_column(String(DESCRIPTION_LENGTH))
    quantity: Mapped[Quantity]
    uom_id: Mapped[int] = mapped_column(ForeignKey("products_uom.id", ondelete="RESTRICT"))
    product_qty: Mapped[Quantity]
    price_unit: Mapped[Money]
    discount: Mapped[Decimal] = mapped_column(Percent, default=Decimal(0))
    tax_rate: Mapped[Rate] = mapped_column(default=Decimal(0))
    subtotal: Mapped[Money] = mapped_column(default=Decimal(0))
    tax: Mapped[Money] = mapped_column(default=Decimal(0))
    total: Mapped[Money] = mapped_column(default=Decimal(0))
    qty_delivered: Mapped[Quantity] = mapped_column(default=Decimal(0))
    # The order's date and processing state, copied by the services whenever the order's
    # change, so lines are listed, grouped and charted by them (the period's best-selling
    # products among confirmed orders) without a join. Added in place by a later revision.
    order_date: Mapped[date | None] = mapped_column(Date, index=True)
    state: Mapped[OrderState | None] = mapped_column(_enum_column(OrderState))

    order: Mapped[SalesOrder] = relationship(back_populates="lines")
    product = relationship("Product", foreign_keys=[product_id])
    uom = relationship("Uom", foreign_keys=[uom_id])


class SalesOrderEvent(RecordMixin, Base):
    """One step of an order on one of its tracks: from, to, who (created_by) and when."""

    __tablename__ = "sales_order_event"
    __resource__ = "sales.order"
    __rule_parent__ = "order"

    order_id: Mapped[int] = mapped_column(
        ForeignKey("sales_order.id", ondelete="CASCADE"), index=True
    )
    track: Mapped[Track] = mapped_column(_enum_column(Track), index=True)
    from_value: Mapped[str | None] = mapped_column(String(20))
    to_value: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(REASON_LENGTH))

    order: Mapped[SalesOrder] = relationship(back_populates="events")
    user = relationship("User", foreign_keys="SalesOrderEvent.created_by_id")


# --------------------------------------------------------------------------- payments


class SalesPayment(RecordMixin, CompanyMixin, VersionMixin, Base):
    """A receipt from a customer, allocated to one or several of its confirmed orders."""

    __tablename__ = "sales_payment"
    __resource__ = "sales.payment"
    __table_args__ = (UniqueConstraint("company_id", "name"),)

    name: Mapped[Code] = mapped_column(index=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("partners_partner.id", ondelete="RESTRICT"), index=True
    )
    payment_date: Mapped[date] = mapped_column(Date, index=True)
    method: Mapped[PaymentMethod] = mapped_column(
        _enum_column(PaymentMethod), default=PaymentMethod.BANK_TRANSFER
    )
    reference: Mapped[str | None] = mapped_column(String(REFERENCE_LENGTH))
    amount: Mapped[Money]
    currency: Mapped[str] = mapped_column(String(CURRENCY_LENGTH))
    state: Mapped[PaymentState] = mapped_column(
        _enum_column(PaymentState), default=PaymentState.POSTED, index=True
    )
    note: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(String(REASON_LENGTH))

    customer = relationship("Partner", foreign_keys=[customer_id])
    allocations: Mapped[list[SalesPaymentAllocation]] = relationship(
        back_populates="payment",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="SalesPaymentAllocation.id",
    )

    @property
    def display_name(self) -> str:
        return self.name


class SalesPaymentAllocation(RecordMixin, Base):
    """The part of a payment that settles one order."""

    __tablename__ = "sales_payment_allocation"
    __resource__ = "sales.payment"
    __rule_parent__ = "payment"

    payment_id: Mapped[int] = mapped_column(
        ForeignKey("sales_payment.id", ondelete="CASCADE"), index=True
    )
    order_id: Mapped[int] = mapped_column(
        ForeignKey("sales_order.id", ondelete="RESTRICT"), index=True
    )
    amount: Mapped[Money]

    payment: Mapped[SalesPayment] = relationship(back_populates="allocations")
    order: Mapped[SalesOrder] = relationship()

    @property
    def display_name(self) -> str:
        return f"{self.payment.name} → {self.order.name}"


# --------------------------------------------------------------------------- plans


class PlanPeriod(enum.StrEnum):
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"


class PlanState(enum.StrEnum):
    """A plan is drafted, approved, then closed; revising an approved plan keeps it as
    ``revised`` and starts a new draft revision."""

    DRAFT = "draft"
    APPROVED = "approved"
    REVISED = "revised"
    CLOSED = "closed"


class TargetDimension(enum.StrEnum):
    """What a target measures: the whole company, or one salesperson, team, customer
    group, product category or channel."""

    COMPANY = "company"
    SALESPERSON = "salesperson"
    TEAM = "team"
    CUSTOMER_GROUP = "customer_group"
    PRODUCT_CATEGORY = "product_category"
    CHANNEL = "channel"


class BudgetCategory(enum.StrEnum):
    ADVERTISING = "advertising"
    PROMOTION = "promotion"
    EXHIBITIONS = "exhibitions"
    TRAVEL = "travel"
    COMMISSIONS = "commissions"
    SAMPLES = "samples"
    OTHER = "other"


class SalesPlan(RecordMixin, CompanyMixin, VersionMixin, Base):
    """A sales plan for a year, quarter or month: targets, a written strategy, a budget."""

    __tablename__ = "sales_plan"
    __resource__ = "sales.plan"

    name: Mapped[Name]
    period: Mapped[PlanPeriod] = mapped_column(_enum_column(PlanPeriod), default=PlanPeriod.YEAR)
    date_from: Mapped[date] = mapped_column(Date, index=True)
    date_to: Mapped[date] = mapped_column(Date, index=True)
    state: Mapped[PlanState] = mapped_column(
        _enum_column(PlanState), default=PlanState.DRAFT, index=True
    )
    revision: Mapped[int] = mapped_column(Integer, default=1)
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("sales_plan.id", ondelete="SET NULL"), index=True
    )
    strategy: Mapped[str | None] = mapped_column(Text)
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("core_user.id", ondelete="SET NULL")
    )
    amount_target: Mapped[Money] = mapped_column(default=Decimal(0))
    budget_total: Mapped[Money] = mapped_column(default=Decimal(0))

    previous: Mapped[SalesPlan | None] = relationship(remote_side="SalesPlan.id")
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    targets: Mapped[list[SalesPlanTarget]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(SalesPlanTarget.sequence, SalesPlanTarget.id)",
    )
    budget_lines: Mapped[list[SalesPlanBudget]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(SalesPlanBudget.sequence, SalesPlanBudget.id)",
    )

    @property
    def display_name(self) -> str:
        return f"{self.name} (r{self.revision})" if self.revision > 1 else self.name


class SalesPlanTarget(RecordMixin, Base):
    """One target of a plan: an untaxed amount (and optionally a quantity, in products'
    own units) for the dimension whose reference is set (none: the whole company).

    What was achieved is not stored: ``plan_actuals`` computes it from confirmed orders
    whenever it is read (the properties below ask it once per plan).
    """

    __tablename__ = "sales_plan_target"
    __resource__ = "sales.plan"
    __rule_parent__ = "plan"

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("sales_plan.id", ondelete="CASCADE"), index=True
    )
    sequence: Mapped[int] = mapped_column(Integer, default=10)
    dimension: Mapped[TargetDimension] = mapped_column(
        _enum_column(TargetDimension), default=TargetDimension.COMPANY
    )
    salesperson_id: Mapped[int | None] = mapped_column(
        ForeignKey("core_user.id", ondelete="RESTRICT")
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("sales_team.id", ondelete="RESTRICT"))
    customer_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners_group.id", ondelete="RESTRICT")
    )
    product_category_id: Mapped[int | None] = mapped_column(
        ForeignKey("products_category.id", ondelete="RESTRICT")
    )
    channel_id: Mapped[int | None] = mapped_column(
        ForeignKey("sales_channel.id", ondelete="RESTRICT")
    )
    amount: Mapped[Money] = mapped_column(default=Decimal(0))
    quantity: Mapped[Decimal | None] = mapped_column(ExactDecimal(18, 4))

    plan: Mapped[SalesPlan] = relationship(back_populates="targets")
    salesperson = relationship("User", foreign_keys=[salesperson_id])
    team: Mapped[SalesTeam | None] = relationship()
    customer_group = relationship("PartnerGroup", foreign_keys=[customer_group_id])
    product_category = relationship("ProductCategory", foreign_keys=[product_category_id])
    channel: Mapped[SalesChannel | None] = relationship()

    def _actual(self, name: str) -> Any:
        from addons.sales.plans import actual_of

        return getattr(actual_of(self), name)

    @property
    def achieved_amount(self) -> Decimal:
        return self._actual("amount")

    @property
    def achieved_quantity(self) -> Decimal:
        return self._actual("quantity")

    @property
    def attainment(self) -> Decimal | None:
        return self._actual("attainment")

    @property
    def remaining(self) -> Decimal:
        return self._actual("remaining")

    @property
    def projected_amount(self) -> Decimal | None:
        return self._actual("projected")


class SalesPlanBudget(RecordMixin, Base):
    """Expected selling costs of a plan by category, and what has been spent so far."""

    __tablename__ = "sales_plan_budget"
    __resource__ = "sales.plan"
    __rule_parent__ = "plan"

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("sales_plan.id", ondelete="CASCADE"), index=True
    )
    sequence: Mapped[int] = mapped_column(Integer, default=10)
    category: Mapped[BudgetCategory] = mapped_column(
        _enum_column(BudgetCategory), default=BudgetCategory.OTHER
    )
    description: Mapped[str | None] = mapped_column(String(DESCRIPTION_LENGTH))
    amount: Mapped[Money] = mapped_column(default=Decimal(0))
    spent: Mapped[Money] = mapped_column(default=Decimal(0))

    plan: Mapped[SalesPlan] = relationship(back_populates="budget_lines")

    @property
    def left(self) -> Decimal:
        return self.amount - self.spent


# --------------------------------------------------------------------------- other addons' models


def customer_model() -> type:
    """The partners addon's partner class, reached through the order's customer
    relationship: sales never imports another addon's models."""
    return SalesOrder.customer.property.mapper.class_


def product_model() -> type:
    """The products addon's product class, reached through the line's relationship."""
    return SalesOrderLine.product.property.mapper.class_

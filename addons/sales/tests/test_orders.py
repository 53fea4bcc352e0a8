"""Quotations and sales orders (clause 5.1.2.1): numbering, defaults, lines and units,
totals in Decimal rounded per currency, refused input that writes nothing, editing rules,
deletion, duplication. Run on SQLite and PostgreSQL with partners, products and sales."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from addons.partners import services as partners
from addons.partners.models import Partner
from addons.products import services as products
from addons.sales import services
from addons.sales.models import (
    DeliveryStatus,
    OrderState,
    PaymentStatus,
    SalesChannel,
    SalesOrder,
    SalesOrderEvent,
    SalesTeam,
    SalesTeamMember,
)
from addons.sales.services import SalesError, line_amounts, round_money
from core.models import Sequence
from core.schemas import BusinessError
from core.security.users import User

from .conftest import SALES, count_orders, order_for

pytestmark = [pytest.mark.addons(*SALES), pytest.mark.spec("5.1.2.1")]


def errors_of(raised: pytest.ExceptionInfo) -> dict:
    return raised.value.messages


def order_sequence(session) -> int:
    return session.scalar(select(Sequence.next_number).where(Sequence.code == "sales.order"))


# --------------------------------------------------------------------------- money


def test_amounts_round_per_line_half_up_then_sum():
    line = line_amounts(Decimal(3), Decimal("33.33"), Decimal(10), Decimal("0.13"), "CNY")
    # 3 × 33.33 × 0.9 = 89.991 -> 89.99; 89.99 × 0.13 = 11.6987 -> 11.70
    assert (line.subtotal, line.tax, line.total) == (
        Decimal("89.99"),
        Decimal("11.70"),
        Decimal("101.69"),
    )
    assert round_money(Decimal("0.125"), "CNY") == Decimal("0.13")
    assert round_money(Decimal("2.5"), "JPY") == Decimal("3")
    assert line_amounts(Decimal(1), Decimal("0.05"), Decimal(0), Decimal("0.13"), "CNY").tax == (
        Decimal("0.01")
    )


def test_order_totals_are_the_sums_of_the_rounded_lines(db_session, customer, chair, desk):
    order = order_for(
        db_session,
        customer,
        (chair, 3, {"price_unit": "33.33", "discount": "10"}),
        (desk, "0.5"),
        (chair, 7, {"price_unit": "0.05"}),
    )
    lines = order.lines
    assert [line.subtotal for line in lines] == [
        Decimal("89.99"),
        Decimal("166.67"),
        Decimal("0.35"),
    ]
    assert [line.tax for line in lines] == [Decimal("11.70"), Decimal("21.67"), Decimal("0.05")]
    assert order.amount_untaxed == sum(line.subtotal for line in lines) == Decimal("257.01")
    assert order.amount_tax == sum(line.tax for line in lines) == Decimal("33.42")
    assert order.amount_total == order.amount_untaxed + order.amount_tax == Decimal("290.43")
    assert all(isinstance(value, Decimal) for value in (order.amount_total, lines[0].total))


# --------------------------------------------------------------------------- create


def test_a_quotation_is_numbered_and_takes_its_defaults(db_session, customer, chair):
    admin = db_session.scalar(select(User).where(User.login == "admin"))
    number = order_sequence(db_session)

    order = order_for(db_session, customer, (chair, 2))

    assert order.name == f"SO{date.today().year}{number:05d}"
    assert order.state is OrderState.DRAFT
    assert order.delivery_status is DeliveryStatus.UNDELIVERED
    assert order.payment_status is PaymentStatus.UNPAID
    assert order.currency == "CNY"
    assert order.order_date == services.today()
    assert order.company_id == customer.company_id
    assert order.channel.code == "direct"
    assert order.salesperson_id is None or order.salesperson_id == admin.id
    line = order.lines[0]
    assert line.description == chair.display_name
    assert (line.price_unit, line.tax_rate, line.discount) == (
        Decimal("100.00"),
        Decimal("0.13"),
        Decimal(0),
    )
    assert (line.uom_id, line.product_qty) == (chair.uom_id, Decimal(2))
    assert (order.amount_untaxed, order.amount_tax, order.amount_total) == (
        Decimal("200.00"),
        Decimal("26.00"),
        Decimal("226.00"),
    )
    events = db_session.scalars(select(SalesOrderEvent).where(SalesOrderEvent.order_id == order.id))
    assert [(e.track.value, e.from_value, e.to_value) for e in events] == [
        ("processing", None, "draft")
    ]


def test_the_salesperson_brings_their_team(db_session, customer, chair):
    seller = User(login="li.lei", name="Li Lei", company_id=customer.company_id)
    db_session.add(seller)
    db_session.flush()
    team = SalesTeam(name="East", company_id=customer.company_id)
    team.members.append(SalesTeamMember(user_id=seller.id))
    db_session.add(team)
    db_session.flush()

    order = order_for(db_session, customer, (chair, 1), salesperson_id=seller.id)

    assert (order.salesperson_id, order.team_id) == (seller.id, team.id)


def test_a_line_in_another_unit_converts_quantity_and_price(db_session, customer, chair):
    dozen = products.uom_by_code(db_session, "dozen")
    order = order_for(db_session, customer, (chair, 2, {"uom_id": dozen.id}))
    line = order.lines[0]
    assert (line.quantity, line.product_qty) == (Decimal(2), Decimal(24))
    assert line.price_unit == Decimal("1200.00")
    assert line.subtotal == Decimal("2400.00")


def test_a_unit_of_another_kind_is_refused(db_session, customer, chair):
    kg = products.uom_by_code(db_session, "kg")
    with pytest.raises(BusinessError) as refused:
        order_for(db_session, customer, (chair, 2, {"uom_id": kg.id}))
    assert list(errors_of(refused)["lines"][0]) == ["uom_id"]


# --------------------------------------------------------------------------- refusals


def refused_line(session, customer, row) -> dict:
    before_count, before_number = count_orders(session), order_sequence(session)
    with pytest.raises(BusinessError) as refused:
        services.create_order(session, {"customer_id": customer.id, "lines": [row]})
    assert count_orders(session) == before_count
    assert order_sequence(session) == before_number
    return errors_of(refused)["lines"][0]


def test_a_negative_quantity_is_refused(db_session, customer, chair):
    errors = refused_line(db_session, customer, {"product_id": chair.id, "quantity": "-1"})
    assert errors == {"quantity": ["The value must be greater than zero."]}


def test_an_unknown_product_is_refused(db_session, customer):
    errors = refused_line(db_session, customer, {"product_id": 999_999, "quantity": "1"})
    assert errors == {"product_id": ["There is no product with id 999999."]}


def test_a_price_with_too_many_decimals_is_refused(db_session, customer, chair):
    row = {"product_id": chair.id, "quantity": "1", "price_unit": "10.005"}
    assert refused_line(db_session, customer, row) == {"price_unit": ["At most 2 decimal places."]}


def test_an_archived_product_is_refused(db_session, customer, chair):
    products.archive_products(db_session, [chair.id])
    errors = refused_line(db_session, customer, {"product_id": chair.id, "quantity": "1"})
    assert errors == {"product_id": [f"The product {chair.display_name} is archived."]}


def test_the_errors_are_translated(db_session, customer, chair, chinese):
    errors = refused_line(db_session, customer, {"product_id": chair.id, "quantity": "-1"})
    assert errors == {"quantity": ["数值必须大于零。"]}
    errors = refused_line(db_session, customer, {"product_id": 424242, "quantity": "1"})
    assert errors == {"product_id": ["不存在 ID 为 424242 的产品。"]}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"is_customer": False}, "Acme Trading is not marked as a customer."),
        ("archive", "The customer Acme Trading is archived."),
        ("other company", "The customer Acme Trading belongs to another company."),
    ],
)
def test_a_customer_must_be_an_active_customer_of_the_company(
    db_session, customer, chair, other_company, change, message
):
    if change == "archive":
        partners.archive_partners(db_session, [customer.id])
    elif change == "other company":
        customer.company_id = other_company.id
    else:
        partners.update_partner(db_session, customer.id, change)
    db_session.flush()
    with pytest.raises(BusinessError) as refused:
        order_for(db_session, customer, (chair, 1))
    assert errors_of(refused) == {"customer_id": [message]}
    assert count_orders(db_session) == 0


def test_a_product_of_another_company_is_refused(db_session, customer, chair, other_company):
    chair.company_id = other_company.id
    db_session.flush()
    errors = refused_line(db_session, customer, {"product_id": chair.id, "quantity": "1"})
    assert errors == {
        "product_id": [f"The product {chair.display_name} belongs to another company."]
    }


def test_every_problem_is_reported_at_once(db_session, customer, chair):
    with pytest.raises(BusinessError) as refused:
        services.create_order(
            db_session,
            {
                "customer_id": 0,
                "channel_id": 4242,
                "lines": [
                    {"product_id": chair.id, "quantity": "1"},
                    {"product_id": chair.id, "quantity": "abc"},
                    {"quantity": "1"},
                ],
            },
        )
    errors = errors_of(refused)
    assert set(errors) == {"customer_id", "lines"}
    assert set(errors["lines"]) == {1, 2}
    assert errors["lines"][2] == {"product_id": ["This field is required."]}


def test_input_has_length_limits(db_session, customer, chair):
    with pytest.raises(BusinessError) as refused:
        order_for(db_session, customer, (chair, 1), client_reference="x" * 65)
    assert errors_of(refused) == {"client_reference": ["At most 64 characters."]}


# --------------------------------------------------------------------------- edit, delete, copy


def test_a_quotation_is_edited_line_by_line(db_session, customer, chair, desk):
    order = order_for(db_session, customer, (chair, 1), (desk, 1))
    first, second = order.lines
    services.update_order(
        db_session,
        order.id,
        {
            "note": "Deliver after 10 am",
            "lines": [
                {"id": second.id, "product_id": desk.id, "quantity": "2"},
                {"product_id": chair.id, "quantity": "5", "discount": "20"},
            ],
        },
    )
    assert order.lines[0].id == second.id
    assert first not in order.lines
    assert [line.quantity for line in order.lines] == [Decimal(2), Decimal(5)]
    assert order.amount_untaxed == Decimal("666.66") + Decimal("400.00")
    assert order.note == "Deliver after 10 am"


def test_a_line_of_another_order_is_refused(db_session, customer, chair):
    mine = order_for(db_session, customer, (chair, 1))
    other = order_for(db_session, customer, (chair, 1))
    with pytest.raises(BusinessError) as refused:
        services.update_order(
            db_session,
            mine.id,
            {"lines": [{"id": other.lines[0].id, "product_id": chair.id, "quantity": "3"}]},
        )
    assert list(errors_of(refused)["lines"][0]) == ["id"]
    assert other.lines[0].quantity == Decimal(1)


def test_a_confirmed_order_cannot_become_a_different_order(db_session, customer, chair, desk):
    order = order_for(db_session, customer, (chair, 1))
    services.confirm_order(db_session, order)
    line = order.lines[0]
    as_shown = {
        "customer_id": str(customer.id),
        "order_date": order.order_date.isoformat(),
        "lines": [
            {
                "id": line.id,
                "product_id": str(chair.id),
                "quantity": "1.0000",
                "price_unit": "100.00",
            }
        ],
    }

    services.update_order(db_session, order.id, {**as_shown, "note": "Call first"})
    assert order.note == "Call first"

    for change in (
        {"lines": [{"id": line.id, "product_id": chair.id, "quantity": "2"}]},
        {"lines": [*as_shown["lines"], {"product_id": desk.id, "quantity": "1"}]},
        {"order_date": "2020-01-01"},
    ):
        with pytest.raises(BusinessError):
            services.update_order(db_session, order.id, {**as_shown, **change})
    assert (line.quantity, len(order.lines), order.amount_total) == (
        Decimal(1),
        1,
        Decimal("113.00"),
    )


def test_only_unsent_quotations_are_deleted(db_session, customer, chair):
    draft = order_for(db_session, customer, (chair, 1))
    sent = order_for(db_session, customer, (chair, 1))
    services.mark_sent(db_session, sent)

    services.delete_order(db_session, draft.id)
    with pytest.raises(SalesError):
        services.delete_order(db_session, sent.id)

    assert db_session.get(SalesOrder, draft.id) is None
    assert db_session.get(SalesOrder, sent.id) is not None


def test_a_duplicate_is_a_new_quotation_with_the_same_lines(db_session, customer, chair, desk):
    order = order_for(db_session, customer, (chair, 2, {"discount": "5"}), (desk, 1), note="VIP")
    services.confirm_order(db_session, order)

    copy = services.duplicate_order(db_session, order)

    assert copy.id != order.id and copy.name != order.name
    assert copy.state is OrderState.DRAFT and copy.duplicated_from_id == order.id
    assert copy.note == "VIP" and copy.amount_total == order.amount_total
    assert [(line.product_id, line.quantity, line.discount) for line in copy.lines] == [
        (line.product_id, line.quantity, line.discount) for line in order.lines
    ]


def test_the_standard_channels_exist_and_are_translated(db_session, chinese):
    channels = db_session.scalars(select(SalesChannel).order_by(SalesChannel.sequence)).all()
    assert [c.code for c in channels] == ["direct", "distributor", "online", "retail"]
    assert channels[0].display_name == "直销"


def test_a_customer_with_open_orders_cannot_be_archived(db_session, customer, chair):
    order_for(db_session, customer, (chair, 1))
    with pytest.raises(BusinessError) as refused:
        partners.archive_partners(db_session, [customer.id])
    assert "Acme Trading has 1 open sales orders" in str(refused.value)
    assert db_session.get(Partner, customer.id).active


def test_every_stage_and_choice_has_a_label():
    from addons.sales.views import LABELLED_ENUMS

    for enum_class, labels in LABELLED_ENUMS:
        assert [value for value, _ in labels] == [member.value for member in enum_class]

"""core.schemas: the translated input checks every addon builds its schemas from."""

import enum
from decimal import Decimal

import pytest
from flask import g
from marshmallow import fields

from core.i18n import CHINESE
from core.schemas import (
    BusinessError,
    Choice,
    Refusals,
    TranslatedSchema,
    email,
    escape_like,
    load,
    money,
    record_id,
    text,
)

pytestmark = [pytest.mark.spec("6.3.2"), pytest.mark.addons()]


class Colour(enum.StrEnum):
    RED = "red"
    BLUE = "blue"


class ThingSchema(TranslatedSchema):
    name = text(20, required=True)
    notes = text(200, line=False)
    email = email()
    price = money()
    owner_id = record_id()
    colour = Choice(Colour, load_default=Colour.RED)
    count = fields.Integer()


@pytest.fixture
def english(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        yield


def errors_of(data) -> dict:
    with pytest.raises(BusinessError) as caught:
        load(ThingSchema(), data)
    return caught.value.messages


def test_good_input_is_cleaned_and_typed(english):
    data = load(
        ThingSchema(),
        {"name": "  Desk  ", "price": "12.50", "notes": "a\nb", "email": " ", "colour": "blue"},
    )
    assert data == {
        "name": "Desk",
        "price": Decimal("12.50"),
        "notes": "a\nb",
        "email": None,
        "colour": Colour.BLUE,
    }


def test_every_problem_is_reported_per_field(english):
    messages = errors_of(
        {
            "name": "x" * 21,
            "price": "-1",
            "email": "nope",
            "colour": "green",
            "owner_id": 0,
            "count": "many",
            "extra": 1,
        }
    )
    assert messages["name"] == ["At most 20 characters."]
    assert messages["price"] == ["The value must not be negative."]
    assert messages["email"] == ["This is not a valid e-mail address."]
    assert messages["colour"] == ["Choose one of: red, blue."]
    assert messages["owner_id"] == ["This value is not valid."]
    assert messages["count"] == ["A whole number is expected."]
    assert messages["extra"] == ["This field is not known."]


def test_blank_required_text_is_missing(english):
    assert errors_of({"name": "   "})["name"] == ["This field is required."]
    assert errors_of({})["name"] == ["This field is required."]


def test_control_characters_are_refused_in_one_line_text(english):
    assert errors_of({"name": "a\x00b"})["name"] == ["Control characters are not allowed here."]


@pytest.mark.parametrize(
    ("price", "message"),
    [
        (0.1 + 0.2, "At most 2 decimal places."),
        ("12.345", "At most 2 decimal places."),
        ("1e20", "The value must be smaller than 10,000,000,000,000,000."),
        ("1e400", "The value must be smaller than 10,000,000,000,000,000."),
        ("NaN", "A finite number is expected."),
        ("abc", "A number is expected."),
    ],
)
def test_money_is_exact_and_fits_its_column(english, price, message):
    assert errors_of({"name": "x", "price": price})["price"] == [message]


def test_messages_follow_the_language(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        g.language = CHINESE
        messages = errors_of({"name": "x" * 21})
    assert messages["name"] == ["最多 20 个字符。"]


def test_business_error_and_refusals(english):
    error = BusinessError.on("code", "code %(code)s is taken", code="P1")
    assert error.messages == {"code": ["code P1 is taken"]}
    assert str(error) == "code: code P1 is taken"
    refusals = Refusals()
    assert not refusals
    refusals.add("a", "first")
    refusals.add(None, "whole input")
    with pytest.raises(BusinessError) as caught:
        refusals.raise_any()
    assert caught.value.messages == {"a": ["first"], "_schema": ["whole input"]}
    assert str(caught.value) == "a: first; whole input"


def test_like_wildcards_are_escaped():
    assert escape_like("50%_off\\") == "50\\%\\_off\\\\"


def test_amounts_are_normalised_to_their_scale(english):
    data = load(ThingSchema(), {"name": "Desk", "price": "1000"})
    assert str(data["price"]) == "1000.00"


class Box(TranslatedSchema):
    tags = fields.List(fields.Integer())
    things = fields.Nested(ThingSchema, many=True)
    count = fields.Integer(error_messages={"invalid": "my own text"})


def test_lists_nested_lists_and_own_messages(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        g.language = CHINESE
        with pytest.raises(BusinessError) as caught:
            load(Box(), {"tags": ["x"], "things": "nope", "count": "y"})
    assert caught.value.messages == {
        "tags": {0: ["应为整数。"]},
        "things": ["应为列表。"],
        "count": ["my own text"],
    }


def test_email_message_is_translated_when_raised(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        g.language = CHINESE
        assert errors_of({"name": "x", "email": "nope"})["email"] == ["电子邮件地址无效。"]


def test_integer_overflow_has_a_plain_message(english):
    assert errors_of({"name": "x", "count": float("inf")})["count"] == ["This number is too large."]

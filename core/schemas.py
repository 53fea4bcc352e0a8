"""Input handling shared by every addon: translated marshmallow schemas, fields, checks.

:class:`BusinessError` is the one error type for refused input or a broken business
rule: a marshmallow ``ValidationError`` whose ``messages`` map each field (``_schema``
for the input as a whole) to texts in the reader's language. Screens and the API catch
it and nothing else. Rules that need the database (unique codes, cycles) stay in each
addon's services; this module checks shape, type, length and range.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.i18n import lazy_gettext as _l

GENERAL = "_schema"  # marshmallow's key for errors about the input as a whole
LIKE_ESCAPE = "\\"
MAX_ID = 2**31 - 1
EMAIL_LENGTH = 254

MSG_REQUIRED = _l("This field is required.")
MSG_INVALID = _l("This value is not valid.")
MSG_UNKNOWN_FIELD = _l("This field is not known.")
MSG_NOT_RECORD = _l("A record (a set of fields) is expected.")
MSG_NOT_TEXT = _l("Text is expected.")
MSG_NOT_INTEGER = _l("A whole number is expected.")
MSG_NOT_NUMBER = _l("A number is expected.")
MSG_NOT_FINITE = _l("A finite number is expected.")
MSG_NOT_BOOLEAN = _l("Yes or no is expected.")
MSG_NOT_LIST = _l("A list is expected.")
MSG_TOO_LONG = _l("At most %(max)d characters.")
MSG_CONTROL_CHARACTERS = _l("Control characters are not allowed here.")
MSG_TOO_MANY_PLACES = _l("At most %(places)d decimal places.")
MSG_TOO_BIG = _l("The value must be smaller than %(limit)s.")
MSG_NEGATIVE = _l("The value must not be negative.")
MSG_NOT_POSITIVE = _l("The value must be greater than zero.")
MSG_OUT_OF_RANGE = _l("The value must be between %(low)s and %(high)s.")
MSG_NOT_A_CHOICE = _l("Choose one of: %(choices)s.")
MSG_INVALID_EMAIL = _l("This is not a valid e-mail address.")
MSG_NUMBER_TOO_LARGE = _l("This number is too large.")


def render(message: Any, **params: Any) -> str:
    """``message`` (lazy or plain) as text in the current language, placeholders filled."""
    text = str(message)
    return text % params if params else text


# --------------------------------------------------------------------------- errors


class BusinessError(ValidationError):
    """Refused input or a broken rule; nothing was changed.

    ``BusinessError({"code": [...]})`` or ``BusinessError.on("code", MSG, code=...)``.
    Texts are rendered when raised, in the language of that moment.
    """

    def __init__(self, messages: Mapping[Any, Any] | Any, field: str | None = None) -> None:
        if not isinstance(messages, Mapping):
            messages = {field or GENERAL: [messages]}
        super().__init__(as_text(messages))

    @classmethod
    def on(cls, field: str | None, message: Any, **params: Any) -> BusinessError:
        return cls({field or GENERAL: [render(message, **params)]})

    def __str__(self) -> str:
        return "; ".join(flatten(self.messages))


def as_text(messages: Any) -> Any:
    """Lazy texts made plain, and every field's messages a list.

    marshmallow keeps a lone non-str message (a lazy text) as it is, not in a list.
    """
    if isinstance(messages, Mapping):
        return {
            key: as_text(value) if isinstance(value, Mapping | list | tuple) else [str(value)]
            for key, value in messages.items()
        }
    if isinstance(messages, list | tuple):
        return [as_text(value) for value in messages]
    return str(messages)


def flatten(messages: Any, prefix: str = "") -> list[str]:
    """``field: text`` lines, for logs and the command line."""
    if isinstance(messages, Mapping):
        return [
            line
            for key, value in messages.items()
            for line in flatten(value, prefix if key == GENERAL else f"{prefix}{key}: ")
        ]
    if isinstance(messages, list | tuple):
        return [line for value in messages for line in flatten(value, prefix)]
    return [f"{prefix}{messages}"]


class Refusals:
    """Collects every problem of one input, so the user sees them all at once."""

    def __init__(self) -> None:
        self.messages: dict[str, list[str]] = {}

    def add(self, field: str | None, message: Any, **params: Any) -> None:
        self.messages.setdefault(field or GENERAL, []).append(render(message, **params))

    def __bool__(self) -> bool:
        return bool(self.messages)

    def raise_any(self) -> None:
        if self.messages:
            raise BusinessError(self.messages)


def load(schema: Schema, data: Any, *, partial: bool = False) -> dict[str, Any]:
    """``schema.load`` with its errors as a :class:`BusinessError`."""
    try:
        return schema.load(data, partial=partial)
    except ValidationError as error:
        raise BusinessError(error.messages) from None


def flush_unique(session: Session, field: str, message: Any, **params: Any) -> None:
    """Flush; a unique index refusing the row (a concurrent insert) becomes ``message``.

    The savepoint keeps the caller's transaction usable after the refusal (PostgreSQL
    requires it) and takes back whatever this flush wrote.
    """
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise BusinessError.on(field, message, **params) from None


def escape_like(text: str) -> str:
    """``text`` for a LIKE pattern with ``%``, ``_`` and the escape taken literally."""
    return (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )


# --------------------------------------------------------------------------- checks

Check = Callable[[Any], Any]


class MaxLength(validate.Validator):
    def __init__(self, limit: int) -> None:
        self.limit = limit

    def __call__(self, value: str) -> str:
        if len(value) > self.limit:
            raise ValidationError(render(MSG_TOO_LONG, max=self.limit))
        return value


def single_line(value: str) -> str:
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise ValidationError(render(MSG_CONTROL_CHARACTERS))
    return value


class Pattern(validate.Validator):
    """The whole value matches ``pattern``; ``message`` says what is expected."""

    def __init__(self, pattern, message: Any) -> None:
        self.pattern = pattern
        self.message = message

    def __call__(self, value: str) -> str:
        if not self.pattern.fullmatch(value):
            raise ValidationError(render(self.message))
        return value


class Places(validate.Validator):
    """Refuse digits the column would round away (a float's 0.30000000000000004)."""

    def __init__(self, scale: int) -> None:
        self.scale = scale

    def __call__(self, value: Decimal) -> Decimal:
        if value.is_finite() and -value.normalize().as_tuple().exponent > self.scale:
            raise ValidationError(render(MSG_TOO_MANY_PLACES, places=self.scale))
        return value


class Fits(validate.Validator):
    """Refuse what a NUMERIC(precision, scale) column (or SQLite's scaled integer) cannot hold."""

    def __init__(self, precision: int, scale: int) -> None:
        self.limit = Decimal(10) ** (precision - scale)

    def __call__(self, value: Decimal) -> Decimal:
        if abs(value) >= self.limit:
            raise ValidationError(render(MSG_TOO_BIG, limit=f"{self.limit:,}"))
        return value


def non_negative(value: Decimal | int) -> Decimal | int:
    if value < 0:
        raise ValidationError(render(MSG_NEGATIVE))
    return value


def positive(value: Decimal | int) -> Decimal | int:
    if value <= 0:
        raise ValidationError(render(MSG_NOT_POSITIVE))
    return value


class Between(validate.Validator):
    def __init__(self, low: Any, high: Any) -> None:
        self.low, self.high = low, high

    def __call__(self, value: Any) -> Any:
        if not self.low <= value <= self.high:
            raise ValidationError(render(MSG_OUT_OF_RANGE, low=self.low, high=self.high))
        return value


def valid_id(value: int) -> int:
    if not 1 <= value <= MAX_ID:
        raise ValidationError(render(MSG_INVALID))
    return value


# --------------------------------------------------------------------------- fields


def text(limit: int, *, required: bool = False, line: bool = True, **kwargs: Any) -> fields.String:
    """Text of at most ``limit`` characters; blank counts as not given; one line by default."""
    checks: list[Check] = [MaxLength(limit)]
    if line:
        checks.append(single_line)
    kwargs.setdefault("allow_none", not required)
    return fields.String(
        required=required, validate=[*checks, *kwargs.pop("validate", [])], **kwargs
    )


def email(**kwargs: Any) -> fields.String:
    # The lazy message is rendered when the check fails, in the language of that moment.
    return text(EMAIL_LENGTH, validate=[validate.Email(error=MSG_INVALID_EMAIL)], **kwargs)


def record_id(**kwargs: Any) -> fields.Integer:
    """The id of another record; whether it exists (and may be seen) is the service's check."""
    kwargs.setdefault("allow_none", True)
    return fields.Integer(strict=False, validate=[valid_id, *kwargs.pop("validate", [])], **kwargs)


def flag(**kwargs: Any) -> fields.Boolean:
    return fields.Boolean(**kwargs)


class Amount(fields.Decimal):
    """An exact Decimal with at most ``scale`` places, normalised to them (1000 -> 1000.00).

    Extra digits are refused, never rounded away (a float's 0.30000000000000004).
    """

    def __init__(self, precision: int, scale: int, **kwargs: Any) -> None:
        super().__init__(as_string=True, **kwargs)
        self.scale = scale
        self.fits = Fits(precision, scale)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        number = super()._deserialize(value, attr, data, **kwargs)
        # Size first: quantizing 1e30 to cents would overflow the decimal context.
        self.fits(number)
        Places(self.scale)(number)
        return number.quantize(Decimal(1).scaleb(-self.scale))


def number(precision: int, scale: int, *checks: Check, **kwargs: Any) -> Amount:
    """An exact Decimal: strings or numbers in, strings out (JSON floats lose digits)."""
    return Amount(precision, scale, validate=list(checks), **kwargs)


def money(*checks: Check, **kwargs: Any) -> fields.Decimal:
    """A Money amount (core.db.Money: 18 digits, 2 places), not negative unless told."""
    return number(18, 2, *(checks or (non_negative,)), **kwargs)


def quantity(*checks: Check, **kwargs: Any) -> fields.Decimal:
    return number(18, 4, *checks, **kwargs)


def rate(*checks: Check, **kwargs: Any) -> fields.Decimal:
    return number(12, 6, *checks, **kwargs)


class Choice(fields.Field):
    """One member of a string enum: loaded as the member, dumped as its value."""

    def __init__(self, enum_class: type[Enum], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.enum_class = enum_class

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else self.enum_class(value).value

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Enum:
        try:
            return self.enum_class(value)
        except (ValueError, TypeError):
            choices = ", ".join(member.value for member in self.enum_class)
            raise ValidationError(render(MSG_NOT_A_CHOICE, choices=choices)) from None


# --------------------------------------------------------------------------- schemas

# marshmallow's own texts, by error key, replaced with translated ones.
COMMON_ERRORS = {"required": MSG_REQUIRED, "null": MSG_REQUIRED, "validator_failed": MSG_INVALID}
FIELD_ERRORS: tuple[tuple[type[fields.Field], dict[str, Any]], ...] = (
    (fields.Integer, {"invalid": MSG_NOT_INTEGER, "too_large": MSG_NUMBER_TOO_LARGE}),
    (
        fields.Decimal,
        {"invalid": MSG_NOT_NUMBER, "special": MSG_NOT_FINITE, "too_large": MSG_NUMBER_TOO_LARGE},
    ),
    (fields.String, {"invalid": MSG_NOT_TEXT, "invalid_utf8": MSG_NOT_TEXT}),
    (fields.Boolean, {"invalid": MSG_NOT_BOOLEAN}),
    (fields.List, {"invalid": MSG_NOT_LIST}),
    (fields.Nested, {"type": MSG_NOT_RECORD}),
)


def translate_field_errors(field: fields.Field) -> None:
    """Replace marshmallow's English defaults with translated texts (the field's own stay).

    Lists get it for their items too; a list of records is told a list is expected.
    """
    defaults: dict[str, Any] = {}
    for klass in reversed(type(field).__mro__):
        defaults.update(getattr(klass, "default_error_messages", {}))
    wanted = dict(COMMON_ERRORS)
    for field_class, texts in FIELD_ERRORS:
        if isinstance(field, field_class):
            wanted.update(texts)
    if isinstance(field, fields.Nested) and field.many:
        wanted["type"] = MSG_NOT_LIST
    for key, message in wanted.items():
        # Identity, not equality: comparing a lazy text translates it (a gettext per field
        # and key at every schema instantiation), and the defaults are the very objects.
        if key in field.error_messages and field.error_messages[key] is defaults.get(key):
            field.error_messages[key] = message
    if isinstance(field, fields.List):
        translate_field_errors(field.inner)


class TranslatedSchema(Schema):
    """Base of every addon schema: translated messages, trimmed text, blank as None.

    Messages stay lazy until :class:`BusinessError` renders them, in the language of
    the moment the error is raised.
    """

    error_messages = {"unknown": MSG_UNKNOWN_FIELD, "type": MSG_NOT_RECORD}

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        translate_field_errors(field_obj)

    def handle_error(self, error: ValidationError, data: Any, **kwargs: Any) -> None:
        raise BusinessError(error.messages)

    @pre_load
    def _clean_text(self, data: Any, **kwargs: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        return {
            key: (value.strip() or None) if isinstance(value, str) else value
            for key, value in data.items()
        }

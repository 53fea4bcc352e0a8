"""How a value looks on a screen: numbers, money, dates and times in the reader's locale."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import format_date, format_datetime, format_decimal
from markupsafe import Markup

from core.hookspecs import ViewField
from core.i18n import lazy_gettext as _l

YES = _l("Yes")
NO = _l("No")


def record_name(record: Any) -> str:
    """The name a person knows a record by."""
    for attribute in ("display_name", "full_name", "name", "code"):
        value = getattr(record, attribute, None)
        if value:
            return str(value)
    return f"#{record.id}"


def show(value: Any, spec: ViewField | None = None) -> str | Markup:
    if value is None:
        return ""
    if spec is not None and spec.choices:
        key = value.value if isinstance(value, enum.Enum) else value
        return str(dict(spec.choices).get(key, key))
    if isinstance(value, bool):
        return str(YES if value else NO)
    if isinstance(value, Decimal):
        places = max(0, -value.as_tuple().exponent)
        return format_decimal(value, format="#,##0." + "0" * places if places else "#,##0")
    if isinstance(value, datetime):
        return format_datetime(value, "short")
    if isinstance(value, date):
        return format_date(value, "medium")
    if isinstance(value, enum.Enum):
        return str(value.value)
    if hasattr(value, "__table__"):
        return record_name(value)
    if isinstance(value, list):
        return ", ".join(record_name(v) for v in value)
    return str(value)

"""Companies: create and change a company's details (name, code, currency, tax id, contact).

Services for the generic company screens; they take the caller's session, never commit,
and refuse bad input with a message per field. A new company's currency is the system
default (System settings) unless one is given. Also the ISO 4217 currencies offered on
screens, named in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.numbers import get_currency_name, get_territory_currencies
from flask_babel import LazyString, get_locale
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.admin.checks import load_all
from core.i18n import lazy_gettext as _l
from core.models import Company
from core.schemas import BusinessError, TranslatedSchema, email, text
from core.settings import DEFAULT_CURRENCY, get_setting

MSG_CODE_TAKEN = _l("The code %(code)s is used by another company.")
MSG_NOT_A_CURRENCY = _l("Choose one of the offered currencies (ISO 4217).")
MSG_COMPANY_GONE = _l("This company does not exist.")


class CompanySchema(TranslatedSchema):
    name = text(255, required=True)
    code = text(64, required=True)
    currency = text(3)
    tax_id = text(64)
    address = text(500, line=False)
    phone = text(64)
    email = email()


@lru_cache(maxsize=1)
def currency_codes() -> tuple[str, ...]:
    """The ISO 4217 codes legal tender somewhere today (CLDR's territory data), sorted."""
    today = date.today()
    found: set[str] = set()
    for territory in Locale("en").territories:
        found.update(get_territory_currencies(territory, today))
    return tuple(sorted(found))


def currency_label(code: str) -> str:
    """``CNY 人民币``: the code and its name in the reader's language."""
    try:
        return f"{code} {get_currency_name(code, locale=get_locale() or 'en')}"
    except (ValueError, LookupError):  # pragma: no cover - CLDR names every code listed
        return code


def currency_choices() -> tuple[tuple[str, Any], ...]:
    """(code, label) pairs whose labels are rendered in the language of the moment."""
    return tuple((code, LazyString(currency_label, code)) for code in currency_codes())


def _load(session: Session, data: Mapping[str, Any], company_id: int | None) -> dict[str, Any]:
    values, refusals = load_all(CompanySchema(), data, partial=company_id is not None)
    currency, code = (str(data.get(name) or "").strip() for name in ("currency", "code"))
    if currency and currency.upper() not in currency_codes():
        refusals.add("currency", MSG_NOT_A_CURRENCY)
    if code and len(code) <= 64:
        taken = select(Company.id).where(func.lower(Company.code) == code.lower())
        if company_id is not None:
            taken = taken.where(Company.id != company_id)
        if session.scalar(taken) is not None:
            refusals.add("code", MSG_CODE_TAKEN, code=code)
    refusals.raise_any()
    if values.get("currency"):
        values["currency"] = values["currency"].upper()
    return values


def create_company(session: Session, data: Mapping[str, Any]) -> Company:
    values = _load(session, data, None)
    values["currency"] = values.get("currency") or get_setting(DEFAULT_CURRENCY)
    company = Company(**values)
    session.add(company)
    session.flush()
    return company


def update_company(session: Session, company_id: int, data: Mapping[str, Any]) -> Company:
    company = session.get(Company, company_id)
    if company is None:
        raise BusinessError.on(None, MSG_COMPANY_GONE)
    for key, value in _load(session, data, company_id).items():
        if key == "currency" and value is None:
            continue  # a company always has a currency
        setattr(company, key, value)
    session.flush()
    return company

"""Users as an administrator manages them: create, edit, roles and companies, deactivate,
reactivate, reset the password.

The services take the caller's session and never commit; refused input raises
BusinessError with a message per field. Passwords, deactivation and the role book are
``core.security.accounts`` and ``core.security.access``; this adds what the screens
need around them. Only a superuser may change a superuser's account, so an
administrator cannot take over a more powerful account by resetting its password.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import db
from core.admin.blueprint import blueprint, form_list, form_text
from core.admin.checks import load_all
from core.i18n import lazy_gettext as _l
from core.models import Company
from core.schemas import (
    BusinessError,
    Pattern,
    Refusals,
    TranslatedSchema,
    email,
    record_id,
    text,
)
from core.security import accounts, audit
from core.security.access import assign_roles, current_access, load_book
from core.security.models import UserCompany, UserRole
from core.security.passwords import MAX_LENGTH, current_policy
from core.security.users import User
from core.settings import known_time_zones

MSG_NO_COMPANY = _l("There is no company with the id %(id)s.")
MSG_SUPERUSER_ONLY = _l("Only a superuser may change a superuser's account.")
MSG_NOT_A_LANGUAGE = _l("Choose one of the offered languages.")
MSG_NOT_A_ZONE = _l("Choose one of the offered time zones.")
MSG_ALREADY_ACTIVE = _l("This user is active already.")


class UserSchema(TranslatedSchema):
    login = text(
        64, required=True, validate=[Pattern(accounts.LOGIN_PATTERN, accounts.MSG_BAD_LOGIN)]
    )
    name = text(255, required=True)
    email = email()
    language = text(16)
    timezone = text(64)
    company_id = record_id()


# --------------------------------------------------------------------------- checks


def _load(data: Mapping[str, Any], *, partial: bool) -> tuple[dict[str, Any], Refusals]:
    """The fields the schema accepts, and the refusals found so far (all reported at once)."""
    values, refusals = load_all(UserSchema(), data, partial=partial)
    language, zone = (str(data.get(name) or "").strip() for name in ("language", "timezone"))
    if language and language not in current_app.config["LANGUAGES"]:
        refusals.add("language", MSG_NOT_A_LANGUAGE)
    if zone and zone not in known_time_zones():
        refusals.add("timezone", MSG_NOT_A_ZONE)
    return values, refusals


def _check_company(session: Session, company_id: int | None, refusals: Refusals, field: str):
    if company_id is not None and session.get(Company, company_id) is None:
        refusals.add(field, MSG_NO_COMPANY, id=company_id)


def _login_taken(session: Session, login: str, user_id: int | None = None) -> bool:
    statement = select(User.id).where(func.lower(User.login) == login.lower())
    if user_id is not None:
        statement = statement.where(User.id != user_id)
    return session.scalar(statement) is not None


def guard_superuser(user: User) -> None:
    """Refuse when a user who is not a superuser would change a superuser's account."""
    if user.is_superuser and not current_access().principal.is_superuser:
        raise BusinessError.on(None, MSG_SUPERUSER_ONLY)


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise BusinessError.on(None, accounts.MSG_USER_GONE)
    return user


# --------------------------------------------------------------------------- services


def create_user(session: Session, data: Mapping[str, Any]) -> User:
    """A new active user with the initial password ``data["password"]`` (checked by the
    password policy); every problem of the input is reported at once."""
    values, refusals = _load(data, partial=False)
    password = str(data.get("password") or "")
    login, name = values.get("login") or "", values.get("name") or ""
    for message in current_policy().errors(password, login=login, name=name):
        refusals.add("password", message)
    if login and _login_taken(session, login):
        refusals.add("login", accounts.MSG_LOGIN_TAKEN, login=login)
    _check_company(session, values.get("company_id"), refusals, "company_id")
    refusals.raise_any()
    user = accounts.create_user(
        session,
        login=login,
        name=name,
        password=password,
        email=values.get("email"),
        company_id=values.get("company_id"),
    )
    user.language = values.get("language")
    user.timezone = values.get("timezone")
    session.flush()
    return user


def update_user(session: Session, user_id: int, data: Mapping[str, Any]) -> User:
    """Change a user's login, name, e-mail, language, time zone or company (audited)."""
    user = _user(session, user_id)
    guard_superuser(user)
    values, refusals = _load(data, partial=True)
    if values.get("login") and _login_taken(session, values["login"], user.id):
        refusals.add("login", accounts.MSG_LOGIN_TAKEN, login=values["login"])
    _check_company(session, values.get("company_id"), refusals, "company_id")
    refusals.raise_any()
    for key, value in values.items():
        setattr(user, key, value)
    session.flush()
    return user


def roles_of(session: Session, user_id: int) -> set[str]:
    return set(session.scalars(select(UserRole.role).where(UserRole.user_id == user_id)))


def companies_of(session: Session, user_id: int) -> set[int]:
    return set(
        session.scalars(select(UserCompany.company_id).where(UserCompany.user_id == user_id))
    )


def set_access(
    session: Session, user_id: int, roles: Iterable[str], company_ids: Iterable[int]
) -> None:
    """Make ``roles`` and ``company_ids`` exactly what the user holds and may work for.

    Role changes are audited by ``assign_roles``; a change of companies is audited here.
    """
    user = _user(session, user_id)
    guard_superuser(user)
    wanted = set(company_ids)
    refusals = Refusals()
    for company_id in sorted(wanted):
        _check_company(session, company_id, refusals, "companies")
    refusals.raise_any()
    assign_roles(session, user.id, roles, load_book(session))
    current = companies_of(session, user.id)
    if user.company_id in current:
        wanted.add(user.company_id)  # their own company is always theirs (not a choice)
    for company_id in current - wanted:
        session.delete(session.get(UserCompany, (user.id, company_id)))
    for company_id in wanted - current:
        session.add(UserCompany(user_id=user.id, company_id=company_id))
    if current != wanted:
        session.flush()
        audit.record(
            session,
            "user_change",
            login=user.login,
            resource=accounts.RESOURCE,
            record_id=user.id,
            changes={"companies": [sorted(current), sorted(wanted)]},
        )


def deactivate(session: Session, user: User) -> User:
    """The account stops working, and its sessions and API tokens end at once."""
    guard_superuser(user)
    return accounts.deactivate_user(session, user.id)


def reactivate(session: Session, user: User) -> User:
    """The user may log in again (their old sessions stay ended)."""
    guard_superuser(user)
    if user.active:
        raise BusinessError.on(None, MSG_ALREADY_ACTIVE)
    user.active = True
    session.flush()
    audit.record(
        session,
        "user_change",
        login=user.login,
        resource=accounts.RESOURCE,
        record_id=user.id,
        changes={"action": "reactivate"},
    )
    return user


def deactivate_many(session: Session, ids: Iterable[int]) -> None:
    """Archiving users (their form's Archive button, the list's bulk archive) is
    deactivating them."""
    for user_id in ids:
        deactivate(session, _user(session, user_id))


def reactivate_many(session: Session, ids: Iterable[int]) -> None:
    for user_id in ids:
        reactivate(session, _user(session, user_id))


def reset_password(session: Session, user_id: int, password: str | None) -> str:
    """Set ``password`` (a generated one when None); the user's sessions end. Returns it."""
    guard_superuser(_user(session, user_id))
    return accounts.reset_password(session, user_id, password)


# --------------------------------------------------------------------------- pages

MSG_ACCESS_SAVED = _l("Roles and companies saved.")
MSG_PASSWORD_SET = _l("The password was reset; %(login)s must change it at the next login.")


def _managed_user(user_id: int) -> User:
    """The user for a change by this administrator (404 when hidden, 403 without the right)."""
    access = current_access()
    access.require("core.user.manage")
    return access.get(db.session(), User, user_id, "write")


def _user_form_url(user_id: int) -> str:
    return url_for("core.views.edit_record", addon="core", slug="user", record_id=user_id)


@blueprint.post("/admin/users/<int:user_id>/access")
@login_required
def user_access(user_id: int):
    """Save the roles and companies panel of the user form."""
    user = _managed_user(user_id)
    session = db.session()
    try:
        company_ids = [int(value) for value in form_list("companies") if value.isdigit()]
        set_access(session, user.id, form_list("roles"), company_ids)
        session.commit()
    except BusinessError as error:
        session.rollback()
        flash(str(error), "danger")
    else:
        flash(str(MSG_ACCESS_SAVED), "success")
    return redirect(_user_form_url(user.id))


@blueprint.route("/admin/users/<int:user_id>/password", methods=["GET", "POST"])
@login_required
def user_password(user_id: int):
    """Reset a user's password: the one typed, or a generated one shown on this page once."""
    user = _managed_user(user_id)
    errors: dict = {}
    if request.method == "POST":
        typed = form_text("password", MAX_LENGTH)
        session = db.session()
        try:
            password = reset_password(session, user.id, typed if typed else None)
            session.commit()
        except BusinessError as error:
            session.rollback()
            errors = error.messages
        else:
            if typed:
                flash(str(MSG_PASSWORD_SET) % {"login": user.login}, "success")
                return redirect(_user_form_url(user.id))
            response = make_response(
                render_template("core/admin/password_shown.html", user=user, password=password)
            )
            response.headers["Cache-Control"] = "no-store"
            return response
    return render_template(
        "core/admin/password.html", user=user, errors=errors, back=_user_form_url(user.id)
    ), (422 if errors else 200)

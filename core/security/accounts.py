"""User accounts: create, deactivate, reset and change passwords.

Each service takes the caller's session and never commits; refused input raises
:class:`core.schemas.BusinessError` with translated messages and changes nothing.
Every change is audited. Not for logging in (core.security.auth).
"""

from __future__ import annotations

import re
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import db
from core.i18n import lazy_gettext as _l
from core.models import Company
from core.schemas import (
    BusinessError,
    Pattern,
    Refusals,
    TranslatedSchema,
    email,
    flush_unique,
    load,
    text,
)
from core.security import audit, sessions, tokens
from core.security.models import PasswordHistory, UserCompany
from core.security.passwords import (
    MUST_CHANGE,
    PasswordPolicy,
    current_policy,
    hash_password,
    verify_password,
)
from core.security.users import User

LOGIN_PATTERN = re.compile(r"[A-Za-z0-9._@-]{1,64}")
RESOURCE = "core.user"

MSG_BAD_LOGIN = _l("A login has 1 to 64 characters: letters, digits, and . _ @ -")
MSG_LOGIN_TAKEN = _l("The login %(login)s is already taken.")
MSG_NO_USER = _l("There is no user with the login %(login)s.")
MSG_USER_GONE = _l("This user does not exist.")
MSG_WRONG_PASSWORD = _l("The password is not correct.")
MSG_SAME_PASSWORD = _l("The new password must differ from the current one.")
MSG_REUSED = _l("This password was used recently; choose another one.")
MSG_NOT_SAME = _l("The two new passwords differ.")
MSG_ALREADY_INACTIVE = _l("This user is already deactivated.")
MSG_NOT_YOURSELF = _l("You cannot deactivate your own account.")
MSG_LAST_ADMINISTRATOR = _l("The last active administrator cannot be deactivated.")


class NewUserSchema(TranslatedSchema):
    login = text(64, required=True, validate=[Pattern(LOGIN_PATTERN, MSG_BAD_LOGIN)])
    name = text(255, required=True)
    email = email()


def works_for(session: Session, user_id: int, company_id: int) -> bool:
    """Whether ``user_id`` is an active user who may work for ``company_id`` (their own
    company or one added to them): a salesperson, a warehouse member and the like."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        return False
    if user.company_id == company_id:
        return True
    added = select(UserCompany.user_id).where(
        UserCompany.user_id == user_id, UserCompany.company_id == company_id
    )
    return session.scalar(added) is not None


def user_by_login(session: Session, login: str) -> User:
    user = session.scalar(select(User).where(User.login == login))
    if user is None:
        raise BusinessError.on("login", MSG_NO_USER, login=login)
    return user


def create_user(
    session: Session,
    *,
    login: str,
    name: str | None,
    password: str,
    email: str | None = None,
    superuser: bool = False,
    company_id: int | None = None,
) -> User:
    """A new active user with a password the policy accepts; the login is unique."""
    data = load(NewUserSchema(), {"login": login, "name": name or login, "email": email})
    refusals = Refusals()
    for message in current_policy().errors(password, login=data["login"], name=data["name"]):
        refusals.add("password", message)
    taken = select(User.id).where(func.lower(User.login) == data["login"].lower())
    if session.scalar(taken) is not None:
        refusals.add("login", MSG_LOGIN_TAKEN, login=data["login"])
    refusals.raise_any()
    if company_id is None:
        company_id = session.scalar(select(Company.id).order_by(Company.id))
    user = User(
        login=data["login"],
        name=data["name"],
        email=data["email"],
        password_hash=hash_password(password),
        password_changed_at=db.utcnow(),
        is_superuser=superuser,
        company_id=company_id,
    )
    session.add(user)
    flush_unique(session, "login", MSG_LOGIN_TAKEN, login=data["login"])
    audit.record(
        session,
        "user_change",
        login=user.login,
        resource=RESOURCE,
        record_id=user.id,
        changes={"action": "create", "name": user.name, "superuser": superuser},
    )
    return user


def deactivate_user(session: Session, user_id: int) -> User:
    """Deactivate a user: every session and token of theirs ends at once."""
    user = _get(session, user_id)
    if not user.active:
        raise BusinessError.on(None, MSG_ALREADY_INACTIVE)
    if user.id == db.acting_user_id():
        raise BusinessError.on(None, MSG_NOT_YOURSELF)
    if user.is_superuser:
        others = session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.is_superuser, User.active, User.id != user.id)
        )
        if not others:
            raise BusinessError.on(None, MSG_LAST_ADMINISTRATOR)
    user.active = False
    ended = sessions.end_all(session, user.id)
    revoked = tokens.revoke_all(session, user.id)
    audit.record(
        session,
        "user_change",
        login=user.login,
        resource=RESOURCE,
        record_id=user.id,
        changes={"action": "deactivate", "sessions_ended": ended, "tokens_revoked": revoked},
    )
    return user


def reset_password(session: Session, user_id: int, new_password: str | None = None) -> str:
    """An administrator sets a new password (a random one when none is given).

    The user's sessions end, and the password must be changed at the next login.
    """
    user = _get(session, user_id)
    if new_password is None:
        new_password = generate_password(login=user.login, name=user.name)
    password = new_password
    policy = current_policy()
    _check_new_password(session, user, password, policy, field="password")
    _set_password(session, user, password, policy)
    user.password_changed_at = MUST_CHANGE
    ended = sessions.end_all(session, user.id)
    audit.record(
        session,
        "user_change",
        login=user.login,
        resource=RESOURCE,
        record_id=user.id,
        changes={"action": "reset_password", "sessions_ended": ended},
    )
    return password


def change_password(
    session: Session,
    user_id: int,
    *,
    current_password: str,
    new_password: str,
    confirmation: str | None = None,
    keep_session: str | None = None,
) -> int:
    """The user changes their own password; their other sessions end (``keep_session`` stays).

    Returns how many sessions were ended.
    """
    user = _get(session, user_id)
    if not verify_password(user.password_hash, current_password):
        raise BusinessError.on("current_password", MSG_WRONG_PASSWORD)
    if confirmation is not None and confirmation != new_password:
        raise BusinessError.on("confirmation", MSG_NOT_SAME)
    if new_password == current_password:
        raise BusinessError.on("new_password", MSG_SAME_PASSWORD)
    policy = current_policy()
    _check_new_password(session, user, new_password, policy, field="new_password")
    _set_password(session, user, new_password, policy)
    ended = sessions.end_all(session, user.id, keep=keep_session)
    audit.record(
        session,
        "password_change",
        user_id=user.id,
        login=user.login,
        resource=RESOURCE,
        record_id=user.id,
        changes={"sessions_ended": ended},
    )
    return ended


def generate_password(*, login: str = "", name: str = "") -> str:
    """A random password every policy accepts (four character classes, 22 characters)."""
    while True:
        candidate = secrets.token_urlsafe(15) + "-" + str(secrets.randbelow(10))
        if _mixed(candidate) and not current_policy().errors(candidate, login=login, name=name):
            return candidate


def _mixed(password: str) -> bool:
    return any(c.islower() for c in password) and any(c.isupper() for c in password)


def _get(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise BusinessError.on(None, MSG_USER_GONE)
    return user


def _check_new_password(
    session: Session, user: User, password: str, policy: PasswordPolicy, *, field: str
) -> None:
    errors = policy.errors(password, login=user.login, name=user.name)
    if errors:
        raise BusinessError({field: errors})
    if _used_recently(session, user, password, policy):
        raise BusinessError.on(field, MSG_REUSED)


def _used_recently(session: Session, user: User, password: str, policy: PasswordPolicy) -> bool:
    """Under the compliance policy: one of the last N passwords, the current one included."""
    if policy.history_count <= 0:
        return False
    earlier = session.scalars(
        select(PasswordHistory.password_hash)
        .where(PasswordHistory.user_id == user.id)
        .order_by(PasswordHistory.created_at.desc(), PasswordHistory.id.desc())
        .limit(max(policy.history_count - 1, 0))
    ).all()
    return any(verify_password(h, password) for h in [user.password_hash, *earlier] if h)


def _set_password(session: Session, user: User, password: str, policy: PasswordPolicy) -> None:
    """New hash and date; the old hash joins the history only when a policy needs it."""
    history = select(PasswordHistory).where(PasswordHistory.user_id == user.id)
    if policy.history_count > 1 and user.password_hash:
        old_hash = PasswordHistory(
            user_id=user.id, password_hash=user.password_hash, created_at=db.utcnow()
        )
        session.add(old_hash)
        session.flush()
        kept = history.order_by(PasswordHistory.created_at.desc(), PasswordHistory.id.desc())
        for old in session.scalars(kept.offset(policy.history_count - 1)):
            session.delete(old)
    else:
        for old in session.scalars(history):
            session.delete(old)
    user.password_hash = hash_password(password)
    user.password_changed_at = db.utcnow()

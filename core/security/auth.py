"""Logging in and out: password, second step, throttling, and who the request is from.

Flask-Login asks two loaders who is there: the user loader trusts only a live row of
``core_session`` (core.security.sessions), the request loader only a live API token in
``Authorization: Bearer`` (core.security.tokens). A login counts as an attempt before
the password is checked (core.security.throttle) and is audited either way.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, flash, g, jsonify, redirect, request, url_for
from flask import session as cookie_session
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import db
from core.i18n import lazy_gettext as _l
from core.schemas import render
from core.security import audit, sessions, throttle, tokens, totp
from core.security.models import UserSession
from core.security.passwords import (
    MAX_LENGTH,
    current_policy,
    hash_password,
    needs_rehash,
    verify_password,
)
from core.security.users import User

MSG_LOGIN_REQUIRED = _l("Please log in to see this page.")
MSG_TOKEN_REQUIRED = _l("A valid API token is needed: Authorization: Bearer <token>.")
MSG_PASSWORD_EXPIRED = _l("Your password has expired; choose a new one to go on.")
# Compared against when the login does not exist, so timing does not reveal logins.
_DUMMY_HASH = hash_password("tessera-timing-equaliser-000")
# Pages a user whose password must change may still open.
OPEN_WHILE_EXPIRED = frozenset(
    {"core.account.password", "core.logout", "core.login", "core.static", "core.health"}
)

OK = "ok"
FAILED = "failed"
THROTTLED = "throttled"
SECOND_STEP = "second_step"
NO_PENDING_LOGIN = "no_pending_login"


class SessionUser(UserMixin):
    """Who the request is from: the user's id, name and preferences, and by what means.

    ``session_id`` is set for a browser session, ``token_id`` for an API token.
    """

    def __init__(
        self,
        user: User,
        *,
        session_id: str | None = None,
        token_id: int | None = None,
        password_expired: bool = False,
    ) -> None:
        self.id = user.id
        self.login = user.login
        self.name = user.name
        self.is_superuser = user.is_superuser
        self.language = user.language
        self.timezone = user.timezone
        self.company_id = user.company_id
        self.totp_enabled = user.totp_enabled
        self.session_id = session_id
        self.token_id = token_id
        self.password_expired = password_expired


@dataclass(frozen=True)
class LoginOutcome:
    result: str  # OK, FAILED, THROTTLED, SECOND_STEP or NO_PENDING_LOGIN
    password_expired: bool = False


def authenticate(session: Session, login: str, password: str) -> User | None:
    """The active user with this login and password, or None; rehashes old hashes."""
    if not login or len(login) > 64:
        verify_password(_DUMMY_HASH, password)
        return None
    user = session.scalar(select(User).where(User.login == login))
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def password_expired(user: User) -> bool:
    return current_policy().is_expired(user.password_changed_at or user.created_at, db.utcnow())


def throttled_message() -> str:
    return render(throttle.MSG_THROTTLED, minutes=int(throttle.window().total_seconds() // 60))


# --------------------------------------------------------------------------- login


def reserve_attempt(login_name: str) -> throttle.Reservation | None:
    """Count a login attempt for the account and the client address, committed at once.

    None when either is throttled: the attempt is refused (and audited) unchecked.
    """
    with db.transaction() as session:
        limits = throttle.login_limits(login_name, request.remote_addr)
        reservation = throttle.get_throttle().reserve(session, limits, throttle.window())
        if reservation is None:
            record_failure(session, login_name, "throttled")
    return reservation


def record_failure(session: Session, login_name: str, reason: str, **details) -> None:
    known = session.scalar(select(User.id).where(User.login == login_name)) if login_name else None
    changes = {"reason": reason, **details}
    audit.record(session, "login_failed", user_id=known, login=login_name, changes=changes)


def password_login(login_name: str, password: str) -> LoginOutcome:
    """The first (often only) step of a browser login."""
    reservation = reserve_attempt(login_name)
    if reservation is None:
        return LoginOutcome(THROTTLED)
    with db.transaction() as session:
        user = authenticate(session, login_name, password[: MAX_LENGTH + 1])
        if user is None:
            record_failure(session, login_name, "password")
            return LoginOutcome(FAILED)
        if user.totp_enabled:
            # The account's counter stays until the second step: a known password must not
            # reset the count of wrong codes. The address's entry goes back.
            throttle.get_throttle().succeed(session, reservation, clear_account=False)
            sessions.start(session, user, second_step_pending=True)
            return LoginOutcome(SECOND_STEP)
        throttle.get_throttle().succeed(session, reservation, clear_account=True)
        row = _logged_in(session, user, {"method": "password"})
    return _enter(user, row)


def pending_second_step(session: Session) -> tuple[UserSession, User] | None:
    """The session waiting for this browser's second step, and its user."""
    row = sessions.current(session)
    if row is None or row.second_factor_done:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active or not user.totp_enabled:
        return None
    return row, user


def second_step_login(code: str) -> LoginOutcome:
    """The second step: a TOTP code or a recovery code, throttled like passwords."""
    with db.transaction() as session:
        pending = pending_second_step(session)
        login_name = pending[1].login if pending else ""
    if pending is None:
        return LoginOutcome(NO_PENDING_LOGIN)
    reservation = reserve_attempt(login_name)
    if reservation is None:
        return LoginOutcome(THROTTLED)
    with db.transaction() as session:
        pending = pending_second_step(session)
        if pending is None:
            return LoginOutcome(NO_PENDING_LOGIN)
        row, user = pending
        how = totp.verify_second_factor(session, user, code.strip())
        if how is None:
            record_failure(session, login_name, "second_factor")
            return LoginOutcome(FAILED)
        throttle.get_throttle().succeed(session, reservation, clear_account=True)
        row = sessions.complete_second_step(session, row)
        row = _logged_in(session, user, {"method": "password", "second_factor": how}, row=row)
    return _enter(user, row)


def _logged_in(
    session: Session, user: User, details: dict, *, row: UserSession | None = None
) -> UserSession:
    row = row or sessions.start(session, user)
    user.last_login_at = db.utcnow()
    audit.record(session, "login", user_id=user.id, login=user.login, changes=details)
    return row


def _enter(user: User, row: UserSession) -> LoginOutcome:
    """Make this request (and the browser's next ones) the user's.

    Flask's cookie keeps nothing from before, not even the CSRF token: a token
    planted before login is worthless after it (a fresh one is made when needed).
    """
    cookie_session.clear()
    expired = password_expired(user)
    login_user(SessionUser(user, session_id=row.id, password_expired=expired))
    g.uid = user.id
    return LoginOutcome(OK, password_expired=expired)


def log_out() -> None:
    """End the user's sessions (every one of them), forget the cookies, audit it."""
    if current_user.is_authenticated and getattr(current_user, "session_id", None):
        with db.transaction() as session:
            ended = sessions.end_all(session, current_user.id)
            audit.record(
                session,
                "logout",
                user_id=current_user.id,
                login=current_user.login,
                changes={"sessions_ended": ended},
            )
    forget_browser()


def forget_browser() -> None:
    """This browser is nobody's any more: its session key and Flask's cookie go."""
    sessions.forget_cookie()
    logout_user()
    cookie_session.clear()


# --------------------------------------------------------------------------- loaders


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else None


def load_session_user(user_id: str) -> SessionUser | None:
    """The user of the live server-side session this browser presented (Flask-Login)."""
    if bearer_token() is not None:
        return None  # a bearer request is the token's, whatever cookies come along
    session = db.session()
    row = sessions.current(session)
    if row is None or str(row.user_id) != str(user_id):
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active or (user.totp_enabled and not row.second_factor_done):
        return None
    row = sessions.keep_alive(session, row)
    return SessionUser(user, session_id=row.id, password_expired=password_expired(user))


def load_token_user(req) -> SessionUser | None:
    """The user of the live API token in ``Authorization: Bearer`` (Flask-Login)."""
    token = bearer_token()
    if not token:
        return None
    session = db.session()
    found = tokens.authenticate_token(session, token)
    if found is None:
        return None
    user, record = found
    tokens.touch(session, record)
    return SessionUser(user, token_id=record.id)


def wants_json() -> bool:
    return (
        request.path.startswith("/api/")
        or bearer_token() is not None
        or request.accept_mimetypes.best == "application/json"
    )


def _unauthorized():
    if wants_json():
        response = jsonify(error=401, message=str(MSG_TOKEN_REQUIRED))
        response.status_code = 401
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    flash(str(MSG_LOGIN_REQUIRED), "info")
    target = request.full_path if request.query_string else request.path
    return redirect(url_for("core.login", next=target))


def init_app(app: Flask) -> None:
    throttle.init_app(app)
    sessions.init_app(app)
    manager = LoginManager(app)
    manager.login_view = "core.login"
    manager.login_message = MSG_LOGIN_REQUIRED
    manager.session_protection = "strong"
    manager.user_loader(load_session_user)
    manager.request_loader(load_token_user)
    manager.unauthorized_handler(_unauthorized)

    @app.before_request
    def _acting_user() -> None:
        if current_user.is_authenticated:
            g.uid = current_user.id
            g.company_id = current_user.company_id
            g.language = current_user.language
            g.timezone = current_user.timezone

    @app.before_request
    def _password_must_change():
        if not getattr(current_user, "password_expired", False):
            return None
        if request.endpoint in OPEN_WHILE_EXPIRED:
            return None
        if wants_json():
            return jsonify(error=403, message=str(MSG_PASSWORD_EXPIRED)), 403
        flash(str(MSG_PASSWORD_EXPIRED), "danger")
        return redirect(url_for("core.account.password"))

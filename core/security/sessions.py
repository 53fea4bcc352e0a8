"""Browser sessions kept on the server (``core_session``): revocable, with idle and absolute expiry.

The browser holds a random key in an HttpOnly cookie; the table holds only its SHA-256,
so a copy of the table lets nobody in. Every login makes a new key (the one the browser
brought is ended: no fixation), and a session in use gets a new key every
``SESSION_RENEW_MINUTES``. Flask's own signed cookie still carries the CSRF token and
flashed messages, never the identity. Not for API tokens (core.security.tokens).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app, g, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from core import db
from core.security.models import UserSession
from core.security.users import User

COOKIE_NAME = "tessera_session"
KEY_BYTES = 32
# How long a login may wait for its second step (the TOTP code).
SECOND_STEP = timedelta(minutes=5)
# last_seen_at is written at most this often: idle expiry needs no finer grain.
TOUCH_EVERY = timedelta(minutes=1)
# Ended and expired sessions are deleted this long after, when their user logs in again.
KEEP_DEAD = timedelta(days=7)
# A renewed key's predecessor still works this long, for requests already on their way.
RENEWAL_GRACE = timedelta(seconds=30)


@dataclass(frozen=True)
class Timeouts:
    idle: timedelta
    absolute: timedelta
    renew: timedelta  # zero: keys are not renewed during a session

    @classmethod
    def from_config(cls, config) -> Timeouts:
        return cls(
            idle=timedelta(minutes=int(config.get("SESSION_IDLE_MINUTES", 30))),
            absolute=timedelta(hours=int(config.get("SESSION_ABSOLUTE_HOURS", 12))),
            renew=timedelta(minutes=int(config.get("SESSION_RENEW_MINUTES") or 0)),
        )


def timeouts() -> Timeouts:
    return Timeouts.from_config(current_app.config)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def is_live(row: UserSession, now: datetime, limits: Timeouts) -> bool:
    """Not ended, not past its absolute end, not idle for too long."""
    return row.revoked_at is None and now < row.expires_at and now - row.last_seen_at < limits.idle


# --------------------------------------------------------------------------- lifecycle


def start(session: Session, user: User, *, second_step_pending: bool = False) -> UserSession:
    """A new session for ``user``, its key sent to the browser with this response.

    The session the browser presented, if any, is ended: a key planted before the login
    is worth nothing after it. A session waiting for the second step lasts minutes.
    """
    now = db.utcnow()
    presented = presented_session(session)
    if presented is not None and presented.revoked_at is None:
        presented.revoked_at = now
    key = secrets.token_urlsafe(KEY_BYTES)
    lifetime = SECOND_STEP if second_step_pending else timeouts().absolute
    agent = request.headers.get("User-Agent", "")[:255] if has_request_context() else None
    row = UserSession(
        id=hash_key(key),
        user_id=user.id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
        ip=request.remote_addr if has_request_context() else None,
        user_agent=agent or None,
        second_factor_done=False,
    )
    session.add(row)
    purge_dead(session, now, user_id=user.id)
    g.session_cookie = key
    return row


def complete_second_step(session: Session, pending: UserSession) -> UserSession:
    """The second step succeeded: a full session under a fresh key replaces the pending one."""
    user = session.get(User, pending.user_id)
    row = start(session, user)
    row.second_factor_done = True
    return row


def presented_session(session: Session) -> UserSession | None:
    """The row of the key the browser sent (live or not), None without one."""
    if not has_request_context():
        return None
    key = request.cookies.get(COOKIE_NAME, "")
    if not key or len(key) > 128:
        return None
    return session.get(UserSession, hash_key(key))


def current(session: Session) -> UserSession | None:
    """The live session the browser presented; its last_seen_at is kept fresh.

    A dead key (ended, expired) is cleared from the browser.
    """
    row = presented_session(session)
    now = db.utcnow()
    if row is None or not is_live(row, now, timeouts()):
        if request.cookies.get(COOKIE_NAME) and "session_cookie" not in g:
            g.session_cookie = ""
        return None
    return row


def keep_alive(session: Session, row: UserSession) -> UserSession:
    """Note activity (at most once a minute) and renew the key when due; the row now in use.

    Called from the user loader, first thing in a request, so nothing else is pending:
    what it writes is committed at once. A renewed session keeps its absolute end; the
    old key keeps working for a few seconds, for requests already on their way.
    """
    now = db.utcnow()
    renew = timeouts().renew
    if renew and now - row.created_at >= renew and row.expires_at > now + RENEWAL_GRACE:
        db.begin_write(session)
        renewed = _renew(session, row, now)
        if renewed is not None:
            return renewed
    if now - row.last_seen_at >= TOUCH_EVERY:
        db.begin_write(session)
        session.execute(
            update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now)
        )
        session.commit()
    return row


def _renew(session: Session, row: UserSession, now: datetime) -> UserSession | None:
    absolute_end = row.expires_at
    # Only one of two requests renewing at once wins the old row; the other keeps using it.
    claimed = session.execute(
        update(UserSession)
        .where(UserSession.id == row.id, UserSession.expires_at > now + RENEWAL_GRACE)
        .values(expires_at=now + RENEWAL_GRACE, last_seen_at=now)
        .execution_options(synchronize_session=False)
    )
    if not claimed.rowcount:
        session.rollback()
        return None
    key = secrets.token_urlsafe(KEY_BYTES)
    renewed = UserSession(
        id=hash_key(key),
        user_id=row.user_id,
        created_at=now,
        last_seen_at=now,
        expires_at=absolute_end,
        ip=request.remote_addr,
        user_agent=row.user_agent,
        second_factor_done=row.second_factor_done,
    )
    session.add(renewed)
    session.commit()
    g.session_cookie = key
    return renewed


def end(session: Session, row: UserSession) -> None:
    if row.revoked_at is None:
        row.revoked_at = db.utcnow()
    if has_request_context() and row.id == _presented_id():
        forget_cookie()


def end_all(session: Session, user_id: int, *, keep: str | None = None) -> int:
    """End every session of the user but ``keep``; how many were ended."""
    condition = [UserSession.user_id == user_id, UserSession.revoked_at.is_(None)]
    if keep is not None:
        condition.append(UserSession.id != keep)
    result = session.execute(
        update(UserSession)
        .where(*condition)
        .values(revoked_at=db.utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount or 0


def find_own(session: Session, user_id: int, session_id: str) -> UserSession | None:
    row = session.get(UserSession, session_id)
    return row if row is not None and row.user_id == user_id else None


def active(session: Session, user_id: int) -> list[UserSession]:
    """The user's live sessions, most recently used first.

    Left out: sessions waiting for their second step, and keys just renewed (their
    successor is listed).
    """
    now = db.utcnow()
    limits = timeouts()
    rows = session.scalars(
        select(UserSession)
        .where(
            UserSession.user_id == user_id,
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > now + RENEWAL_GRACE,
            UserSession.last_seen_at > now - limits.idle,
        )
        .order_by(UserSession.last_seen_at.desc())
    ).all()
    user = session.get(User, user_id)
    return [row for row in rows if row.second_factor_done or not user.totp_enabled]


def purge_dead(session: Session, now: datetime, user_id: int | None = None) -> int:
    """Delete sessions dead for a while (of one user, or of everyone); how many went."""
    cutoff = now - KEEP_DEAD
    statement = delete(UserSession).where(
        or_(
            UserSession.revoked_at < cutoff,
            UserSession.expires_at < cutoff,
            UserSession.last_seen_at < cutoff - timeouts().idle,
        )
    )
    if user_id is not None:
        statement = statement.where(UserSession.user_id == user_id)
    return session.execute(statement).rowcount


# --------------------------------------------------------------------------- cookies


def _presented_id() -> str | None:
    key = request.cookies.get(COOKIE_NAME, "")
    return hash_key(key) if key else None


def forget_cookie() -> None:
    g.session_cookie = ""


def cookie_secure() -> bool:
    """``SESSION_COOKIE_SECURE`` when set, else whether this request came over HTTPS."""
    configured = current_app.config.get("SESSION_COOKIE_SECURE")
    if configured is not None:
        return bool(configured)
    return bool(has_request_context() and request.is_secure)


class CookieSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie (CSRF token, flashes), Secure like the session key's cookie."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return cookie_secure()


def _write_cookie(response):
    if "session_cookie" not in g:
        return response
    options = {
        "path": "/",
        "httponly": True,
        "samesite": current_app.config.get("SESSION_COOKIE_SAMESITE") or "Lax",
        "secure": cookie_secure(),
    }
    if g.session_cookie:
        response.set_cookie(COOKIE_NAME, g.session_cookie, **options)
    else:
        response.delete_cookie(COOKIE_NAME, **options)
    response.vary.add("Cookie")
    return response


def init_app(app: Flask) -> None:
    app.session_interface = CookieSessionInterface()
    app.after_request(_write_cookie)

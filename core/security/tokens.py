"""Personal API tokens: created (and shown) once, listed, revoked, used as bearer credentials.

A token is ``tsk_`` and 40 random URL-safe characters. Only its SHA-256 is stored, with
its first 12 characters to tell tokens apart; a token dies when revoked, when it expires
and the moment its user is deactivated. Not for browser sessions (core.security.sessions).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from marshmallow import fields
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core import db
from core.i18n import lazy_gettext as _l
from core.schemas import Between, BusinessError, TranslatedSchema, load, text
from core.security import audit
from core.security.models import ApiToken
from core.security.users import User

PREFIX = "tsk_"
RANDOM_BYTES = 30  # 40 URL-safe characters
SHOWN_PREFIX = 12
MAX_LIFETIME_DAYS = 3650
TOKEN_PATTERN = re.compile(r"tsk_[A-Za-z0-9_-]{40}")
TOUCH_EVERY = timedelta(minutes=1)

MSG_NO_TOKEN = _l("This token does not exist.")
MSG_ALREADY_REVOKED = _l("This token was already revoked.")


class TokenSchema(TranslatedSchema):
    name = text(80, required=True)
    lifetime_days = fields.Integer(
        strict=True, allow_none=True, load_default=None, validate=Between(1, MAX_LIFETIME_DAYS)
    )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    session: Session, user: User, *, name: str | None, lifetime_days: int | None = None
) -> tuple[str, ApiToken]:
    """A new token for ``user``: the token itself (to show once) and its stored record."""
    data = load(TokenSchema(), {"name": name, "lifetime_days": lifetime_days})
    token = PREFIX + secrets.token_urlsafe(RANDOM_BYTES)
    now = db.utcnow()
    days = data["lifetime_days"]
    record = ApiToken(
        user_id=user.id,
        name=data["name"],
        prefix=token[:SHOWN_PREFIX],
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + timedelta(days=days) if days else None,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        "token_create",
        login=user.login,
        resource="core.api_token",
        record_id=record.id,
        changes={"name": record.name, "prefix": record.prefix, "expires_at": record.expires_at},
    )
    return token, record


def list_tokens(session: Session, user_id: int) -> list[ApiToken]:
    """The user's tokens, newest first, revoked and expired ones included (marked so)."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user_id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def is_usable(token: ApiToken) -> bool:
    return token.revoked_at is None and (token.expires_at is None or token.expires_at > db.utcnow())


def revoke_token(session: Session, user_id: int, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        raise BusinessError.on(None, MSG_NO_TOKEN)
    if token.revoked_at is not None:
        raise BusinessError.on(None, MSG_ALREADY_REVOKED)
    token.revoked_at = db.utcnow()
    audit.record(
        session,
        "token_revoke",
        resource="core.api_token",
        record_id=token.id,
        changes={"name": token.name, "prefix": token.prefix},
    )
    return token


def revoke_all(session: Session, user_id: int) -> int:
    """Revoke every live token of the user (deactivation); how many were revoked."""
    result = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=db.utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount or 0


def authenticate_token(session: Session, token: str) -> tuple[User, ApiToken] | None:
    """The active user and live token ``token`` stands for, or None."""
    if not TOKEN_PATTERN.fullmatch(token):
        return None
    record = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if record is None or not is_usable(record):
        return None
    user = session.get(User, record.user_id)
    if user is None or not user.active:
        return None
    return user, record


def touch(session: Session, token: ApiToken) -> None:
    """Note the token's use at most once a minute, committed at once (from the loader)."""
    now = db.utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return
    db.begin_write(session)
    session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
    session.commit()

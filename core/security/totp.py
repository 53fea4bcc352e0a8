"""Two-factor login with TOTP (RFC 6238: 30 s steps, 6 digits, one step either side).

Turning it on takes a code from the new secret; turning it off takes the password. Ten
one-time recovery codes stand in for a lost phone; only their HMAC (keyed by a pepper
derived from SECRET_KEY) is stored. A code is accepted once: a replay within its window
is refused. The QR code is an SVG drawn here, no outside service involved.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core import db
from core.i18n import lazy_gettext as _l
from core.schemas import BusinessError
from core.security import audit, sessions
from core.security.accounts import MSG_WRONG_PASSWORD, RESOURCE
from core.security.models import RecoveryCode
from core.security.passwords import verify_password
from core.security.throttle import get_throttle
from core.security.users import User

STEP_SECONDS = 30
DIGITS = 6
VALID_STEPS = (0, -1, 1)  # this step, then one either side for clock drift
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
RECOVERY_CODE_LENGTH = 10
# A used code stays refused a little longer than it could be valid.
REPLAY_GUARD = timedelta(seconds=STEP_SECONDS * (len(VALID_STEPS) + 1))

MSG_BAD_CODE = _l("This code is not valid.")
MSG_ALREADY_ON = _l("Two-factor login is already on.")
MSG_NOT_ON = _l("Two-factor login is not on.")
MSG_NOT_STARTED = _l("Start the two-factor setup first.")

TOTP = "totp"
RECOVERY = "recovery_code"


def issuer() -> str:
    return current_app.config.get("TOTP_ISSUER") or "Tessera"


def provisioning_uri(secret: str, login: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads (from the QR code or typed in)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=login, issuer_name=issuer()
    )


def qr_svg(uri: str) -> str:
    """The QR code of ``uri`` as inline SVG markup (no script, no outside URL)."""
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#1f2933", light="#ffffff")


def matching_step(secret: str, code: str) -> int | None:
    """The time step ``code`` belongs to (now, or one step either side), else None."""
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    otp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    now_step = int(db.utcnow().timestamp()) // STEP_SECONDS
    for offset in VALID_STEPS:
        if hmac.compare_digest(otp.generate_otp(now_step + offset), code):
            return now_step + offset
    return None


def _accept_code(session: Session, user: User, code: str) -> bool:
    step = matching_step(user.totp_secret or "", code)
    if step is None:
        return False
    return get_throttle().claim_once(session, f"totp:{user.id}:{step}", REPLAY_GUARD)


# --------------------------------------------------------------------------- setup


def start_setup(session: Session, user: User) -> str:
    """A new secret, kept on the user until a code from it confirms the setup."""
    if user.totp_enabled:
        raise BusinessError.on(None, MSG_ALREADY_ON)
    user.totp_secret = pyotp.random_base32()
    return user.totp_secret


def confirm_setup(
    session: Session, user: User, code: str, *, current_session: str | None = None
) -> list[str]:
    """Turn two-factor login on with a current code; returns the recovery codes (show once).

    The user's other sessions end: they were opened without the second factor.
    """
    if user.totp_enabled:
        raise BusinessError.on(None, MSG_ALREADY_ON)
    if not user.totp_secret:
        raise BusinessError.on(None, MSG_NOT_STARTED)
    if not _accept_code(session, user, code):
        raise BusinessError.on("code", MSG_BAD_CODE)
    user.totp_enabled = True
    codes = _replace_recovery_codes(session, user)
    ended = sessions.end_all(session, user.id, keep=current_session)
    if current_session is not None:
        row = sessions.find_own(session, user.id, current_session)
        if row is not None:
            row.second_factor_done = True
    audit.record(
        session,
        "second_factor",
        user_id=user.id,
        login=user.login,
        resource=RESOURCE,
        record_id=user.id,
        changes={"enabled": True, "sessions_ended": ended},
    )
    return codes


def disable(session: Session, user: User, password: str) -> None:
    """Turn two-factor login off; the password proves it is the user."""
    if not verify_password(user.password_hash, password):
        raise BusinessError.on("password", MSG_WRONG_PASSWORD)
    if not user.totp_enabled:
        raise BusinessError.on(None, MSG_NOT_ON)
    user.totp_enabled = False
    user.totp_secret = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record(
        session,
        "second_factor",
        user_id=user.id,
        login=user.login,
        resource=RESOURCE,
        record_id=user.id,
        changes={"enabled": False},
    )


def regenerate_recovery_codes(session: Session, user: User, password: str) -> list[str]:
    """Ten new recovery codes replace the old ones (shown once)."""
    if not verify_password(user.password_hash, password):
        raise BusinessError.on("password", MSG_WRONG_PASSWORD)
    if not user.totp_enabled:
        raise BusinessError.on(None, MSG_NOT_ON)
    codes = _replace_recovery_codes(session, user)
    audit.record(
        session,
        "second_factor",
        user_id=user.id,
        login=user.login,
        resource=RESOURCE,
        record_id=user.id,
        changes={"recovery_codes": "replaced"},
    )
    return codes


# --------------------------------------------------------------------------- login


def verify_second_factor(session: Session, user: User, code: str) -> str | None:
    """How ``code`` proved the second factor (``totp`` or ``recovery_code``), or None.

    A recovery code is used up.
    """
    if not user.totp_enabled or not code or len(code) > 64:
        return None
    if _accept_code(session, user, code):
        return TOTP
    row = session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == recovery_code_hash(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if row is None:
        return None
    row.used_at = db.utcnow()
    return RECOVERY


def remaining_recovery_codes(session: Session, user_id: int) -> int:
    return session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    )


# --------------------------------------------------------------------------- recovery codes


def recovery_code_hash(code: str) -> str:
    normalised = code.strip().lower().replace("-", "").replace(" ", "")
    return hmac.new(_pepper(), normalised.encode(), hashlib.sha256).hexdigest()


def _pepper() -> bytes:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"tessera recovery codes", hashlib.sha256).digest()


def _new_recovery_code() -> str:
    chars = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return f"{chars[:5]}-{chars[5:]}"


def _replace_recovery_codes(session: Session, user: User) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=recovery_code_hash(c)) for c in codes)
    return codes

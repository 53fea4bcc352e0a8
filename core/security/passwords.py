"""Password hashing (argon2id) and the password policy.

The default policy follows current guidance (OWASP ASVS 5): 12 to 128 characters, not
a common password, not the user's own login or name, no forced composition rules.
Length is checked before hashing so a huge input never reaches argon2.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from core.i18n import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 128

MSG_TOO_SHORT = _l("The password must have at least %(min)d characters.")
MSG_TOO_LONG = _l("The password must have at most %(max)d characters.")
MSG_COMMON = _l("This password is too common; choose another one.")
MSG_PERSONAL = _l("The password must not contain your login or name.")

# The most used passwords of public breach corpora, plus obvious local ones. A larger
# list can be configured later; these are the ones an attacker tries first.
COMMON_PASSWORDS = frozenset(
    [
        "123456789012",
        "1234567890123",
        "password1234",
        "passwordpassword",
        "qwertyuiop12",
        "qwertyuiopas",
        "111111111111",
        "000000000000",
        "123123123123",
        "abc123abc123",
        "iloveyou1234",
        "admin1234567",
        "administrator",
        "administrator1",
        "welcome12345",
        "letmein12345",
        "changeme1234",
        "password123!",
        "1q2w3e4r5t6y",
        "q1w2e3r4t5y6",
        "1qaz2wsx3edc",
        "zaq12wsxcde3",
        "woaini131400",
        "woaini520520",
        "5201314520131",
        "a1234567890b",
        "aa1234567890",
        "tessera12345",
        "tesseraadmin",
    ]
)

_hasher = PasswordHasher()  # argon2id, library defaults (t=3, m=64 MiB, p=4)


def policy_errors(password: str, *, login: str = "", name: str = "") -> list:
    """Every rule the password breaks (empty when it is acceptable)."""
    errors = []
    if len(password) < MIN_LENGTH:
        errors.append(_fmt(MSG_TOO_SHORT, min=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        errors.append(_fmt(MSG_TOO_LONG, max=MAX_LENGTH))
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) <= 2:
        errors.append(str(MSG_COMMON))
    personal = [p.lower() for p in (login, *name.split()) if p and len(p) >= 3]
    if any(p in lowered for p in personal):
        errors.append(str(MSG_PERSONAL))
    return errors


def _fmt(message, **params) -> str:
    return str(message) % params


def hash_password(password: str) -> str:
    if len(password) > MAX_LENGTH:
        raise ValueError(_fmt(MSG_TOO_LONG, max=MAX_LENGTH))
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash or len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)

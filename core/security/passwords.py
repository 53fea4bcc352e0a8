"""Password hashing (argon2id) and the password policies.

``modern`` (the default) follows current guidance (OWASP ASVS 5): 12 to 128 characters,
not a common password, not the user's own login or name, no forced composition, no
forced expiry. ``compliance`` (``PASSWORD_POLICY = "compliance"``) adds what the Chinese
classified-protection rules (等保) ask for: three of four character classes, a maximum
age, and no reuse of recent passwords. Length is checked before hashing so a huge input
never reaches argon2.
"""

from __future__ import annotations

import itertools
import string
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app, has_app_context

from core.i18n import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 128
MODERN = "modern"
COMPLIANCE = "compliance"
POLICIES = (MODERN, COMPLIANCE)
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
# What people put around a common word to pass a length rule ("Sunshine2024!").
PADDING = string.digits + string.punctuation + " "
# The change date of a password an administrator set: its owner changes it at next login.
MUST_CHANGE = datetime(1970, 1, 1, tzinfo=UTC)

MSG_TOO_SHORT = _l("The password must have at least %(min)d characters.")
MSG_TOO_LONG = _l("The password must have at most %(max)d characters.")
MSG_COMMON = _l("This password is too common; choose another one.")
MSG_PERSONAL = _l("The password must not contain your login or name.")
MSG_CLASSES = _l(
    "The password must mix at least %(count)d of: lower-case letters, upper-case letters, "
    "digits, other characters."
)

_hasher = PasswordHasher()  # argon2id, library defaults (t=3, m=64 MiB, p=4)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list (core/security/common_passwords.txt), read once per process."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


@dataclass(frozen=True)
class PasswordPolicy:
    """The rules a new password must meet, and how long a password stays valid."""

    name: str = MODERN
    min_length: int = MIN_LENGTH
    max_length: int = MAX_LENGTH
    min_classes: int = 0
    max_age_days: int = 0  # 0: passwords never expire
    history_count: int = 0  # how many recent passwords (the current one included) not to reuse

    @classmethod
    def from_config(cls, config: Any) -> PasswordPolicy:
        if config.get("PASSWORD_POLICY", MODERN) != COMPLIANCE:
            return cls()
        return cls(
            name=COMPLIANCE,
            min_classes=3,
            max_age_days=int(config.get("PASSWORD_MAX_AGE_DAYS") or 0),
            history_count=int(config.get("PASSWORD_HISTORY_COUNT") or 0),
        )

    def errors(self, password: str, *, login: str = "", name: str = "") -> list[str]:
        """Every rule ``password`` breaks, as texts in the current language (empty: fine)."""
        errors = []
        if len(password) < self.min_length:
            errors.append(_fmt(MSG_TOO_SHORT, min=self.min_length))
        if len(password) > self.max_length:
            errors.append(_fmt(MSG_TOO_LONG, max=self.max_length))
            return errors  # nothing more is worth checking on an oversized input
        if self.min_classes and character_classes(password) < self.min_classes:
            errors.append(_fmt(MSG_CLASSES, count=self.min_classes))
        if is_common(password):
            errors.append(str(MSG_COMMON))
        if is_personal(password, login=login, name=name):
            errors.append(str(MSG_PERSONAL))
        return errors

    def is_expired(self, changed_at: datetime | None, now: datetime) -> bool:
        """True when a password set at ``changed_at`` must be changed before going on."""
        if changed_at is not None and changed_at <= MUST_CHANGE:
            return True
        if not self.max_age_days or changed_at is None:
            return False
        return now - changed_at >= timedelta(days=self.max_age_days)


def current_policy() -> PasswordPolicy:
    """The policy of the running app (``modern`` outside one)."""
    return PasswordPolicy.from_config(current_app.config) if has_app_context() else PasswordPolicy()


def policy_errors(
    password: str, *, login: str = "", name: str = "", policy: PasswordPolicy | None = None
) -> list[str]:
    """Every rule of ``policy`` (default: the app's) the password breaks."""
    return (policy or current_policy()).errors(password, login=login, name=name)


def character_classes(password: str) -> int:
    """How many of lower-case, upper-case, digits and other characters the password has."""
    return sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )


def is_common(password: str) -> bool:
    """A listed password, one padded with digits or symbols, a repeated unit or a run."""
    lowered = password.lower()
    if len(set(lowered)) <= 2 or _is_run(lowered):
        return True
    words = common_passwords()
    if lowered in words or lowered.strip(PADDING) in words:
        return True
    unit = _repeated_unit(lowered)
    return unit is not None and (len(unit) <= 4 or unit.strip(PADDING) in words)


def is_personal(password: str, *, login: str = "", name: str = "") -> bool:
    lowered = password.lower()
    personal = [p.lower() for p in (login, *name.split()) if p and len(p) >= 3]
    return any(p in lowered for p in personal)


def _repeated_unit(text: str) -> str | None:
    """The shortest ``unit`` with ``text == unit * n`` (n > 1), or None."""
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return text[:size]
    return None


def _is_run(text: str) -> bool:
    """An ascending or descending run of digits or letters: 123456789012, zyxwvutsrqpo."""
    if len(text) < 3 or not (text.isdigit() or text.isalpha()):
        return False
    modulus = 10 if text.isdigit() else 26
    steps = {(ord(b) - ord(a)) % modulus for a, b in itertools.pairwise(text)}
    return steps in ({1}, {modulus - 1})


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

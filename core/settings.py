"""System settings an administrator changes on screen: name, logo and the defaults.

One row of ``core_setting`` per key holds a JSON value; a key never written has its
default (mostly from the deployment's configuration). :func:`get_setting` reads the small
settings once per request (or app context) into ``g``; the logo, the one big value, is
read only when asked for. :func:`set_setting` writes through the caller's session, so the
change is audited (``core.settings``) and commits with the caller's transaction.
Settings are system-wide configuration, readable by everyone; who may change them is
the caller's check (``core.settings.manage``). Not for per-user preferences.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any
from zoneinfo import available_timezones

from flask import current_app, g, has_app_context
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from core import db
from core.models import Setting

SYSTEM_NAME = "system_name"
LOGO = "logo"  # a data: URI of a PNG or JPEG
LOGO_VERSION = "logo_version"  # a digest of the logo, for cache-busting URLs
DEFAULT_LANGUAGE = "default_language"  # None: the browser's language decides
DEFAULT_TIMEZONE = "default_timezone"
DEFAULT_CURRENCY = "default_currency"

# Values too big to read on every request: loaded on their own when asked for.
LARGE = frozenset({LOGO})
CACHE = "tessera_settings"
ZONE_REGIONS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Arctic/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)


def _config(name: str, fallback: Any) -> Callable[[], Any]:
    return lambda: current_app.config.get(name) or fallback


DEFAULTS: dict[str, Callable[[], Any]] = {
    SYSTEM_NAME: _config("SYSTEM_NAME", "Tessera"),
    LOGO: lambda: None,
    LOGO_VERSION: lambda: None,
    DEFAULT_LANGUAGE: lambda: None,
    DEFAULT_TIMEZONE: _config("DEFAULT_TIMEZONE", "UTC"),
    DEFAULT_CURRENCY: _config("DEFAULT_CURRENCY", "CNY"),
}


def get_setting(key: str) -> Any:
    """The value of setting ``key``: the stored one, else its default.

    Never raises for a database that cannot answer (not initialised yet, or down while
    an error page renders): the defaults stand in.
    """
    if key not in DEFAULTS:
        raise KeyError(f"unknown setting {key!r}")
    stored = _stored()
    if key in LARGE and key not in stored:
        stored[key] = _read(select(Setting.key, Setting.value).where(Setting.key == key)).get(key)
    value = stored.get(key)
    return DEFAULTS[key]() if value is None else value


def set_setting(session: Session, key: str, value: Any) -> None:
    """Store ``value`` for ``key`` in the caller's transaction (None: back to the default).

    The caller has checked the value and the user's right to change it; the next read
    after the commit sees the new value.
    """
    if key not in DEFAULTS:
        raise KeyError(f"unknown setting {key!r}")
    row = session.scalar(select(Setting).where(Setting.key == key))
    if row is None:
        if value is None:
            return
        row = Setting(key=key)
        session.add(row)
    if row.value != value:
        row.value = value
    session.flush()
    db.on_commit(session, forget_cached)


def forget_cached() -> None:
    """Read the settings again at the next :func:`get_setting` of this context."""
    if has_app_context():
        g.pop(CACHE, None)


def _stored() -> dict[str, Any]:
    if not has_app_context():
        return {}
    if CACHE not in g:
        small = select(Setting.key, Setting.value).where(Setting.key.not_in(LARGE))
        setattr(g, CACHE, _read(small))
    return getattr(g, CACHE)


def _read(statement) -> dict[str, Any]:
    """Run ``statement`` on a read-only session of its own: a failure cannot poison the
    request's transaction (PostgreSQL aborts a transaction at its first error)."""
    try:
        with db.get_database().read_session() as session:
            return {key: value for key, value in session.execute(statement)}
    except SQLAlchemyError:
        return {}


@lru_cache(maxsize=1)
def time_zones() -> tuple[str, ...]:
    """The time zones offered on screens: ``UTC`` and the Region/City names, sorted."""
    return ("UTC", *sorted(z for z in available_timezones() if z.startswith(ZONE_REGIONS)))


@lru_cache(maxsize=1)
def known_time_zones() -> frozenset[str]:
    """Every zone name the system can load (older names included)."""
    return frozenset(available_timezones())

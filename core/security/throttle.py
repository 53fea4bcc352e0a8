"""Login throttling per account and per client address, seen alike by every worker.

Attempts live in the database (``core_login_attempt``) or, with ``THROTTLE_REDIS_URL``,
in Redis. An attempt is counted *before* the password is checked, so a burst of
parallel guesses cannot slip past the limit while argon2 works; a successful login
takes its own entry back and clears the account's counter. The client address is the
one :class:`TrustedProxies` resolved: ``X-Forwarded-For`` counts only when the direct
peer is one of ``TRUSTED_PROXIES``.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from flask import Flask, current_app
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from core import db
from core.config import split_list
from core.i18n import lazy_gettext as _l
from core.security.models import LoginAttempt

MSG_THROTTLED = _l("Too many failed attempts; try again in %(minutes)d minutes.")
# Old attempts of other keys are swept on one attempt in this many, not on every one.
SWEEP_ONE_IN = 50

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Reservation:
    """One counted attempt: the keys it was counted under and its own entries."""

    account_key: str
    address_key: str
    # The attempt's entry under each key: a row id, or a Redis sorted-set member.
    account_entry: str
    address_entry: str


class Throttle(Protocol):
    def reserve(
        self, session: Session, limits: dict[str, int], window: timedelta
    ) -> Reservation | None:
        """Count an attempt under every key unless one has reached its limit (then None)."""

    def succeed(self, session: Session, reservation: Reservation, *, clear_account: bool) -> None:
        """Take the attempt back; with ``clear_account`` forget the account's failures too."""

    def claim_once(self, session: Session, key: str, ttl: timedelta) -> bool:
        """True the first time ``key`` is claimed within ``ttl`` (one-time codes)."""


# --------------------------------------------------------------------------- keys


def account_key(login: str) -> str:
    return "account:" + login.strip().lower()[:64]


def address_key(address: str | None) -> str:
    """IPv6 clients are counted per /64: one subscriber usually holds a whole /64."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return "address:unknown"
    mapped = getattr(ip, "ipv4_mapped", None)
    if ip.version == 6 and mapped is None:
        return "address:" + str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return "address:" + str(mapped or ip)


def login_limits(login: str, address: str | None) -> dict[str, int]:
    config = current_app.config
    return {
        account_key(login): int(config.get("THROTTLE_ACCOUNT_FAILURES", 5)),
        address_key(address): int(config.get("THROTTLE_ADDRESS_FAILURES", 20)),
    }


def window() -> timedelta:
    return timedelta(minutes=int(current_app.config.get("THROTTLE_WINDOW_MINUTES", 15)))


def sweep(session: Session) -> int:
    """Delete failed-login records older than the window (the Redis store expires its own)."""
    since = db.utcnow() - window()
    return session.execute(delete(LoginAttempt).where(LoginAttempt.at <= since)).rowcount


def get_throttle(app: Flask | None = None) -> Throttle:
    return (app or current_app).extensions["tessera.throttle"]


# --------------------------------------------------------------------------- database


class DatabaseThrottle:
    """Attempts as rows; the caller's transaction commits them.

    On PostgreSQL each key is locked (a transaction-level advisory lock) from the count
    to the commit, so two workers cannot both take the last attempt; SQLite writers are
    serialised already (``BEGIN IMMEDIATE``).
    """

    def reserve(
        self, session: Session, limits: dict[str, int], window: timedelta
    ) -> Reservation | None:
        now = db.utcnow()
        since = now - window
        _lock_keys(session, sorted(limits))
        for key, limit in limits.items():
            count = session.scalar(
                select(func.count())
                .select_from(LoginAttempt)
                .where(LoginAttempt.key == key, LoginAttempt.at > since)
            )
            if count >= limit:
                return None
        rows = [LoginAttempt(key=key, at=now) for key in limits]
        session.add_all(rows)
        session.flush()
        session.execute(
            delete(LoginAttempt).where(LoginAttempt.key.in_(list(limits)), LoginAttempt.at <= since)
        )
        if secrets.randbelow(SWEEP_ONE_IN) == 0:
            session.execute(delete(LoginAttempt).where(LoginAttempt.at <= since))
        (account, address), (account_row, address_row) = list(limits), rows
        return Reservation(account, address, str(account_row.id), str(address_row.id))

    def succeed(self, session: Session, reservation: Reservation, *, clear_account: bool) -> None:
        condition = LoginAttempt.id == int(reservation.address_entry)
        if clear_account:
            condition = condition | (LoginAttempt.key == reservation.account_key)
        session.execute(delete(LoginAttempt).where(condition))

    def claim_once(self, session: Session, key: str, ttl: timedelta) -> bool:
        now = db.utcnow()
        _lock_keys(session, [key])
        taken = session.scalar(
            select(LoginAttempt.id).where(LoginAttempt.key == key, LoginAttempt.at > now - ttl)
        )
        if taken is not None:
            return False
        session.add(LoginAttempt(key=key, at=now))
        session.flush()
        return True


def _lock_keys(session: Session, keys: list[str]) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in keys:  # sorted by the caller: two workers never wait on each other in a cycle
        lock_id = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock_id})


# --------------------------------------------------------------------------- redis

_RESERVE = """
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
  if redis.call('ZCARD', key) >= tonumber(ARGV[3 + i]) then return 0 end
end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, ARGV[1], ARGV[3])
  redis.call('PEXPIRE', key, ARGV[2])
end
return 1
"""


class RedisThrottle:
    """Attempts as sorted sets (score: time), checked and added in one Lua script."""

    def __init__(self, url: str, prefix: str = "tessera:throttle:") -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self.prefix = prefix
        self._reserve = self.client.register_script(_RESERVE)

    def reserve(
        self, session: Session, limits: dict[str, int], window: timedelta
    ) -> Reservation | None:
        member = uuid.uuid4().hex
        now_ms = int(db.utcnow().timestamp() * 1000)
        keys = [self.prefix + key for key in limits]
        args = [now_ms, int(window.total_seconds() * 1000), member, *limits.values()]
        if not self._reserve(keys=keys, args=args):
            return None
        account, address = list(limits)
        return Reservation(account, address, member, member)

    def succeed(self, session: Session, reservation: Reservation, *, clear_account: bool) -> None:
        pipe = self.client.pipeline()
        pipe.zrem(self.prefix + reservation.address_key, reservation.address_entry)
        if clear_account:
            pipe.delete(self.prefix + reservation.account_key)
        pipe.execute()

    def claim_once(self, session: Session, key: str, ttl: timedelta) -> bool:
        ttl_ms = int(ttl.total_seconds() * 1000)
        return bool(self.client.set(self.prefix + key, 1, nx=True, px=ttl_ms))


# --------------------------------------------------------------------------- proxies


def parse_networks(value: Any) -> tuple[Network, ...]:
    """``TRUSTED_PROXIES`` as networks: a list or a comma-separated text of addresses/CIDRs."""
    items = value if isinstance(value, list | tuple) else split_list(value or "", ",")
    return tuple(ipaddress.ip_network(str(item).strip(), strict=False) for item in items)


class TrustedProxies:
    """WSGI middleware: the client address and scheme as the trusted proxies saw them.

    Only when the direct peer is a trusted proxy are ``X-Forwarded-For`` (walked from
    the right, skipping further trusted proxies) and ``X-Forwarded-Proto`` believed;
    anyone else could write any address there.
    """

    def __init__(self, wsgi_app, networks: tuple[Network, ...]) -> None:
        self.wsgi_app = wsgi_app
        self.networks = networks

    def trusted(self, address: str | None) -> bool:
        try:
            ip = ipaddress.ip_address((address or "").strip())
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def client_address(self, peer: str, forwarded_for: str) -> str:
        client = peer
        for hop in reversed([part.strip() for part in forwarded_for.split(",") if part.strip()]):
            try:
                ipaddress.ip_address(hop)
            except ValueError:
                break
            client = hop
            if not self.trusted(hop):
                break
        return client

    def __call__(self, environ, start_response):
        peer = environ.get("REMOTE_ADDR", "")
        if self.trusted(peer):
            environ["tessera.proxy_peer"] = peer
            environ["REMOTE_ADDR"] = self.client_address(
                peer, environ.get("HTTP_X_FORWARDED_FOR", "")
            )
            proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
            if proto in ("http", "https"):
                environ["wsgi.url_scheme"] = proto
        return self.wsgi_app(environ, start_response)


def init_app(app: Flask) -> None:
    """The throttle store every worker shares, and the trusted-proxy middleware."""
    url = app.config.get("THROTTLE_REDIS_URL")
    app.extensions["tessera.throttle"] = RedisThrottle(url) if url else DatabaseThrottle()
    networks = parse_networks(app.config.get("TRUSTED_PROXIES"))
    if networks:
        app.wsgi_app = TrustedProxies(app.wsgi_app, networks)

"""``tessera check [--deploy]``: what is wrong with this configuration, one line per problem.

Without ``--deploy`` only that the database answers. With it, the settings a production
deployment must not run with: debug or testing mode, a weak secret key, cookies over plain
HTTP, keys only in the instance folder, default passwords, an open PostgreSQL. Errors
refuse the deployment; warnings are printed and let it pass. It changes nothing.
"""

from __future__ import annotations

import os
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Config, Flask
from flask.helpers import get_debug_flag
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url

from core.config import ENV_PREFIX, INSTANCE_CONFIG_FILE
from core.i18n import lazy_gettext as _l

ERROR = "error"
WARNING = "warning"

MSG_DEBUG = _l("DEBUG is on: turn it off in production")
MSG_TESTING = _l("TESTING is on: turn it off in production")
MSG_WEAK_SECRET = _l("SECRET_KEY is weak: set TESSERA_SECRET_KEY to at least 32 random characters")
MSG_COOKIE_INSECURE = _l(
    "SESSION_COOKIE_SECURE is not true: session cookies would also travel over plain HTTP"
)
MSG_SQLITE_WORKERS = _l(
    "%(workers)d worker processes share one SQLite database: use PostgreSQL for several workers"
)
MSG_NO_KEYS = _l(
    "no encryption key is configured: set TESSERA_ENCRYPTION_KEYS or TESSERA_ENCRYPTION_KEY_FILE"
)
MSG_INSTANCE_KEY = _l(
    "the encryption key was generated in %(path)s: back it up, or set "
    "TESSERA_ENCRYPTION_KEYS or TESSERA_ENCRYPTION_KEY_FILE"
)
MSG_KEY_FILE_OPEN = _l("other users may read the encryption key file %(path)s: chmod 600 it")
MSG_DEFAULT_PASSWORD = _l("user %(login)s has a default password: change it")
MSG_PG_NO_PASSWORD = _l("the PostgreSQL database on %(host)s is reached without a password")
MSG_DB_DOWN = _l("the database does not answer: %(error)s")

MIN_SECRET_LENGTH = 32
# Values copied from tutorials and templates; shorter ones fail the length rule anyway.
WEAK_SECRET_KEYS = frozenset(
    {
        "change-this-secret-key-in-production",
        "changeme-changeme-changeme-changeme",
        "please-change-this-secret-key-now!",
        "your-secret-key-here-change-it-please",
        "this-is-not-a-secret-key-change-it",
        "00000000000000000000000000000000",
    }
)
# Tried against the accounts an attacker tries first (see default_credential_users).
DEFAULT_PASSWORDS = ("admin", "admin123", "password", "123456", "12345678", "tessera", "changeme")
DEFAULT_LOGINS = ("admin", "administrator", "root", "tessera", "demo", "test", "guest")
LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1"})


@dataclass(frozen=True)
class Problem:
    """One thing wrong: ``level`` is ERROR (refuses) or WARNING; the text is translated late."""

    level: str
    message: Any
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def text(self) -> str:
        return str(self.message) % dict(self.params)


def problem(level: str, message: Any, **params: Any) -> Problem:
    return Problem(level, message, tuple(sorted(params.items())))


def check(app: Flask, *, deploy: bool = False) -> list[Problem]:
    """Every problem of ``app``'s configuration (errors first)."""
    problems = _database_answers(app)
    if deploy and not problems:
        problems += [
            *_modes(app),
            *_secret_key(app),
            *_cookies(app),
            *_sqlite_workers(app),
            *_encryption_keys(app),
            *_postgres_password(app),
            *_default_credentials(app),
        ]
    return sorted(problems, key=lambda p: p.level != ERROR)


def _database_answers(app: Flask) -> list[Problem]:
    try:
        with app.extensions["tessera.db"].engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any driver error means: it does not answer
        return [problem(ERROR, MSG_DB_DOWN, error=type(error).__name__)]
    return []


def debug_configured(app: Flask) -> bool:
    """Whether the server will run in debug mode.

    ``tessera`` commands reset ``DEBUG`` from ``FLASK_DEBUG``, so the setting's own
    sources (instance file, ``TESSERA_DEBUG``) are read again here.
    """
    sources = Config(app.root_path)
    sources.from_file(
        str(Path(app.instance_path) / INSTANCE_CONFIG_FILE),
        load=tomllib.load,
        text=False,
        silent=True,
    )
    sources.from_prefixed_env(ENV_PREFIX)
    return bool(app.config.get("DEBUG") or sources.get("DEBUG") or get_debug_flag())


def _modes(app: Flask) -> list[Problem]:
    found = []
    if debug_configured(app):
        found.append(problem(ERROR, MSG_DEBUG))
    if app.config.get("TESTING"):
        found.append(problem(ERROR, MSG_TESTING))
    return found


def is_weak_secret(value: Any) -> bool:
    secret = str(value or "")
    return (
        len(secret) < MIN_SECRET_LENGTH
        or secret.lower() in WEAK_SECRET_KEYS
        or len(set(secret)) < 10  # "aaaa…", "abcabc…": long but guessable
    )


def _secret_key(app: Flask) -> list[Problem]:
    return [problem(ERROR, MSG_WEAK_SECRET)] if is_weak_secret(app.config.get("SECRET_KEY")) else []


def _cookies(app: Flask) -> list[Problem]:
    return (
        []
        if app.config.get("SESSION_COOKIE_SECURE") is True
        else [problem(ERROR, MSG_COOKIE_INSECURE)]
    )


def worker_count(app: Flask) -> int:
    counts = [app.config.get("WORKERS") or 1, os.environ.get("WEB_CONCURRENCY") or 1]
    try:
        return max(int(c) for c in counts)
    except ValueError:
        return 1


def _sqlite_workers(app: Flask) -> list[Problem]:
    workers = worker_count(app)
    if app.extensions["tessera.db"].dialect == "sqlite" and workers > 1:
        return [problem(WARNING, MSG_SQLITE_WORKERS, workers=workers)]
    return []


def _encryption_keys(app: Flask) -> list[Problem]:
    from core.security.keys import SOURCE_FILE, SOURCE_INSTANCE

    provider = app.extensions.get("tessera.crypto")
    if provider is None:
        return [problem(ERROR, MSG_NO_KEYS)]
    keyring = provider.keyring
    found = []
    if keyring.source == SOURCE_INSTANCE:
        found.append(problem(WARNING, MSG_INSTANCE_KEY, path=keyring.location))
    if keyring.source in (SOURCE_FILE, SOURCE_INSTANCE):
        path = Path(keyring.location)
        if path.exists() and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            found.append(problem(WARNING, MSG_KEY_FILE_OPEN, path=str(path)))
    return found


def _postgres_password(app: Flask) -> list[Problem]:
    url = make_url(app.config["DATABASE_URL"])
    if url.get_backend_name() != "postgresql":
        return []
    host = url.host or str(url.query.get("host") or "")
    if host in LOCAL_HOSTS or host.startswith("/") or url.password:
        return []
    return [problem(ERROR, MSG_PG_NO_PASSWORD, host=host)]


def default_credential_users(session) -> list[str]:
    """Logins of active accounts whose password is one of DEFAULT_PASSWORDS (or the login).

    Only superusers and accounts with the usual default names are tried: argon2 makes
    each try slow on purpose, and the password policy refuses these passwords anyway,
    so other accounts could only have one through an import or a database edit.
    """
    from core.security.passwords import verify_password
    from core.security.users import User

    if not inspect(session.connection()).has_table(User.__tablename__):
        return []
    candidates = session.execute(
        select(User.login, User.password_hash).where(
            User.active.is_(True),
            User.password_hash.is_not(None),
            User.is_superuser.is_(True) | User.login.in_(DEFAULT_LOGINS),
        )
    ).all()
    return [
        login
        for login, password_hash in candidates
        if any(verify_password(password_hash, guess) for guess in (*DEFAULT_PASSWORDS, login))
    ]


def _default_credentials(app: Flask) -> list[Problem]:
    with app.extensions["tessera.db"].new_session() as session:
        logins = default_credential_users(session)
    return [problem(ERROR, MSG_DEFAULT_PASSWORD, login=login) for login in sorted(logins)]

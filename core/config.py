"""Settings: built-in defaults < the instance config file < the environment.

The instance file is ``<instance>/tessera.toml`` (upper-case keys, no prefix); the
environment uses the ``TESSERA_`` prefix (``TESSERA_DATABASE_URL``). Explicit
``config`` passed to :func:`core.app.create_app` wins over both (tests use it).
"""

from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path
from typing import Any

from flask import Flask

ENV_PREFIX = "TESSERA"
INSTANCE_CONFIG_FILE = "tessera.toml"
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret  # nosec B105

DEFAULTS: dict[str, Any] = {
    # Storage. None means: a SQLite file in the instance folder.
    "DATABASE_URL": None,
    "DATABASE_ECHO": False,
    "SQLITE_BUSY_TIMEOUT_MS": 15000,
    "TRANSACTION_RETRIES": 4,
    # Addons. ADDONS limits which discovered addons may load (comma list, None: all);
    # ADDONS_PATH lists extra folders holding addon folders (os.pathsep separated).
    "ADDONS": None,
    "ADDONS_PATH": "",
    # Jobs. None means tasks run in-process (eager) and periodic jobs in a thread of `tessera run`.
    "BROKER_URL": None,
    "RESULT_BACKEND": None,
    # The Celery queue of this deployment: several deployments may share one Redis.
    "JOBS_QUEUE": "tessera",
    # Localisation.
    "DEFAULT_LANGUAGE": "zh_Hans_CN",
    "LANGUAGES": ["zh_Hans_CN", "en"],
    "DEFAULT_TIMEZONE": "Asia/Shanghai",
    "DEFAULT_CURRENCY": "CNY",
    # Web.
    "SYSTEM_NAME": "Tessera",  # the name in the navbar and page titles
    # SECRET_KEY has no default: one is made per instance (instance_secret_key below).
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REGISTRY_CHECK": True,
    # Security. CRYPTO_PROFILE: "intl" (AES-256-GCM, SHA-256) or "gm" (SM4-GCM, SM3).
    "CRYPTO_PROFILE": "intl",
    # Authentication (core.security: passwords, sessions, throttle, totp, tokens).
    # PASSWORD_POLICY: "modern" (OWASP ASVS 5) or "compliance" (等保: three of four character
    # classes; expiry after PASSWORD_MAX_AGE_DAYS; no reuse of the last PASSWORD_HISTORY_COUNT).
    "PASSWORD_POLICY": "modern",  # nosec B105 - a policy name, not a password
    "PASSWORD_MAX_AGE_DAYS": 90,  # nosec B105 - a number of days
    "PASSWORD_HISTORY_COUNT": 5,  # nosec B105 - a count
    # Server-side sessions end after this long without a request, and this long after login.
    "SESSION_IDLE_MINUTES": 30,
    "SESSION_ABSOLUTE_HOURS": 12,
    # A session in use gets a new key this often (0: only at login).
    "SESSION_RENEW_MINUTES": 15,
    # None: session cookies are Secure exactly when the request came over HTTPS.
    "SESSION_COOKIE_SECURE": None,
    # Failed logins allowed per account and per client address within the window; shared
    # in the database, or in Redis when THROTTLE_REDIS_URL is set.
    "THROTTLE_ACCOUNT_FAILURES": 5,
    "THROTTLE_ADDRESS_FAILURES": 20,
    "THROTTLE_WINDOW_MINUTES": 15,
    "THROTTLE_REDIS_URL": None,
    # Reverse proxies whose X-Forwarded-For / -Proto are believed (addresses or networks).
    "TRUSTED_PROXIES": [],
    # The issuer name authenticator apps show next to the account.
    "TOTP_ISSUER": "Tessera",
    # Encryption at rest, audit anomalies, deployment checks (core.security.crypto, keys,
    # anomaly; core.check). ENCRYPTION_KEYS: "k2:<base64>,k1:<base64>", the first current;
    # else ENCRYPTION_KEY_FILE (one id:base64 a line); else instance/encryption.keys, made
    # on first start. Never in the database.
    "ENCRYPTION_KEYS": None,
    "ENCRYPTION_KEY_FILE": None,
    # Logins outside these local hours (ANOMALY_TIMEZONE, else DEFAULT_TIMEZONE) are reported.
    "ANOMALY_BUSINESS_HOURS": "06:00-22:00",
    "ANOMALY_TIMEZONE": None,
    # A burst: this many failed logins for one login or from one address within the window.
    "ANOMALY_FAILED_LOGINS": 5,
    "ANOMALY_FAILED_LOGIN_MINUTES": 15,
    # A login from an address the user has not logged in from for this many days.
    "ANOMALY_NEW_ADDRESS_DAYS": 30,
    # Mass export: more export events, or more exported rows, by one user within an hour.
    "ANOMALY_EXPORTS_PER_HOUR": 20,
    "ANOMALY_EXPORT_ROWS_PER_HOUR": 10000,
    # Web worker processes of this deployment (gunicorn --workers); `check --deploy` warns
    # when several share a SQLite file. WEB_CONCURRENCY in the environment counts too.
    "WORKERS": 1,
}


def load_settings(app: Flask, overrides: dict[str, Any] | None = None) -> None:
    """Fill ``app.config`` from defaults, the instance file, the environment and overrides."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_file(INSTANCE_CONFIG_FILE, load=tomllib.load, text=False, silent=True)
    app.config.from_prefixed_env(ENV_PREFIX)
    if overrides:
        app.config.from_mapping(overrides)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = default_database_url(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    if isinstance(app.config.get("ADDONS"), str):
        app.config["ADDONS"] = split_list(app.config["ADDONS"], ",")


def split_list(value: str | list[str] | None, sep: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in value.split(sep) if part.strip()]


def default_database_url(instance_path: str) -> str:
    return "sqlite:///" + str(Path(instance_path) / "tessera.db")


def instance_secret_key(instance_path: str) -> str:
    """A random key kept in the instance folder (mode 0600), made on first use.

    Several workers on several hosts must share one key: set TESSERA_SECRET_KEY there.
    """
    path = Path(instance_path) / SECRET_KEY_FILE
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key

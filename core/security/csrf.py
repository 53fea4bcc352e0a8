"""CSRF protection for browser requests: a per-session token checked on every write.

Forms carry it as ``csrf_token``; htmx and fetch send it in ``X-CSRF-Token``. API
requests authenticated by bearer token (no cookie session) are exempt, and so are the
endpoints named with :func:`exempt` (credentials in the request itself, no cookie relied on).
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, current_app, request, session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
EXEMPT = "tessera.csrf_exempt"


def csrf_token() -> str:
    token = session.get(FIELD)
    if not token:
        token = secrets.token_urlsafe(32)
        session[FIELD] = token
    return token


def _check() -> None:
    if request.method in SAFE_METHODS:
        return
    if request.headers.get("Authorization", "").startswith("Bearer "):
        return
    if request.endpoint in current_app.extensions.get(EXEMPT, ()):
        return
    expected = session.get(FIELD)
    sent = request.form.get(FIELD) or request.headers.get(HEADER)
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        abort(400, description="csrf")


def exempt(app: Flask, endpoint: str) -> None:
    """Skip the check for ``endpoint``: it must not act on the cookie session's authority."""
    app.extensions.setdefault(EXEMPT, set()).add(endpoint)


def init_app(app: Flask) -> None:
    app.before_request(_check)
    app.jinja_env.globals["csrf_token"] = csrf_token

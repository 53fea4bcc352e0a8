"""The hourly housekeeping job removes dead sessions and stale failed-login records only."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.db import utcnow
from core.jobs import run_now
from core.models import IdempotencyKey
from core.security.models import LoginAttempt, UserSession

pytestmark = [pytest.mark.spec("6.3.4"), pytest.mark.addons()]


def test_prune_job_keeps_live_rows(make_app):
    app = make_app(())
    database = app.extensions["tessera.db"]
    now = utcnow()
    old = now - timedelta(days=30)  # past KEEP_DEAD (7 days) and the throttle window

    def seed(session):
        session.add_all(
            [
                UserSession(
                    id="a" * 64,
                    user_id=1,
                    created_at=old,
                    last_seen_at=old,
                    expires_at=old + timedelta(hours=12),
                ),
                UserSession(
                    id="b" * 64,
                    user_id=1,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + timedelta(hours=12),
                ),
                LoginAttempt(key="account:x", at=old),
                LoginAttempt(key="account:y", at=now),
                IdempotencyKey(user_id=1, key="old", request_hash="h", status=201, created_at=old),
                IdempotencyKey(user_id=1, key="new", request_hash="h", status=201, created_at=now),
            ]
        )

    with app.app_context():
        database.atomic(seed)
        assert run_now("core.prune_security_tables") == {
            "sessions": 1,
            "login_attempts": 1,
            "idempotency_keys": 1,
        }
    with database.new_session() as session:
        assert list(session.scalars(select(UserSession.id))) == ["b" * 64]
        assert list(session.scalars(select(LoginAttempt.key))) == ["account:y"]
        assert list(session.scalars(select(IdempotencyKey.key))) == ["new"]

"""Logging in: throttling per account and address, trusted proxies, expiry, audit, accounts."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from flask.cli import ScriptInfo
from sqlalchemy import select

from core import db
from core.cli import cli
from core.security import accounts
from core.security.models import AuditEntry, LoginAttempt
from core.security.users import User
from core.testing import ADMIN_LOGIN, ADMIN_PASSWORD

pytestmark = [pytest.mark.spec("5.3.1.2", "6.2.5"), pytest.mark.addons()]

PASSWORD = "Plum-Blossom-2026"


# --------------------------------------------------------------------------- helpers


class Clock:
    """A movable ``core.db.utcnow`` for expiry tests."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    moving = Clock()
    monkeypatch.setattr(db, "utcnow", moving)
    return moving


def csrf(client) -> str:
    """The client's CSRF token (set one in its cookie session if it has none)."""
    with client.session_transaction() as flask_session:
        token = flask_session.setdefault("csrf_token", uuid.uuid4().hex)
    return token


def post_login(client, login=ADMIN_LOGIN, password=ADMIN_PASSWORD, **kwargs):
    data = {"login": login, "password": password, "csrf_token": csrf(client)}
    kwargs.setdefault("headers", {"Accept-Language": "en"})
    return client.post("/login", data=data, **kwargs)


def make_user(app, login="li.lei", password=PASSWORD, **fields) -> int:
    """A user committed in its own transaction (works with ``app`` and ``make_app`` apps)."""
    with app.app_context():
        database = app.extensions["tessera.db"]
        return database.atomic(
            lambda s: (
                accounts.create_user(
                    s, login=login, name=fields.pop("name", login), password=password, **fields
                ).id
            )
        )


def in_db(app, action):
    """``action(session)`` in its own transaction and app context.

    Tests that drive a client keep no app context of their own open: a request would
    share it (its ``g``, its session, Flask-Login's cached user) instead of having its own.
    """
    with app.app_context():
        return app.extensions["tessera.db"].atomic(action)


def audit_events(app, event=None):
    with app.app_context(), app.extensions["tessera.db"].new_session() as session:
        query = select(AuditEntry).order_by(AuditEntry.id)
        if event:
            query = query.where(AuditEntry.event == event)
        return session.scalars(query).all()


def count_password_checks(monkeypatch) -> list:
    from core.security import auth

    calls = []
    real = auth.verify_password

    def counting(stored, password):
        calls.append(password)
        return real(stored, password)

    monkeypatch.setattr(auth, "verify_password", counting)
    return calls


# --------------------------------------------------------------------------- login


def test_login_and_logout_are_audited(app, client):
    assert post_login(client).status_code == 302
    assert client.get("/").status_code == 200
    assert client.post("/logout", data={"csrf_token": csrf(client)}).status_code == 302
    assert client.get("/").status_code == 302
    events = [(e.event, e.login) for e in audit_events(app) if e.event in ("login", "logout")]
    assert events == [("login", ADMIN_LOGIN), ("logout", ADMIN_LOGIN)]
    (logout,) = audit_events(app, "logout")
    assert logout.user_id is not None


def test_failed_login_is_audited_with_the_reason(app, client):
    assert post_login(client, password="wrong-password-1").status_code == 401
    assert post_login(client, login="nobody-here").status_code == 401
    failures = audit_events(app, "login_failed")
    assert [(f.login, f.changes["reason"]) for f in failures] == [
        (ADMIN_LOGIN, "password"),
        ("nobody-here", "password"),
    ]
    assert failures[0].user_id is not None and failures[1].user_id is None
    assert failures[0].ip == "127.0.0.1"


@pytest.mark.spec("6.2.5")
def test_account_is_throttled_after_five_failures_without_checking_the_password(
    app, client, monkeypatch
):
    checks = count_password_checks(monkeypatch)
    for _ in range(5):
        assert post_login(client, password="wrong-password-1").status_code == 401
    assert len(checks) == 5
    throttled = post_login(client)  # even the right password
    assert throttled.status_code == 429
    assert "Too many failed attempts; try again in 15 minutes." in throttled.get_data(as_text=True)
    assert len(checks) == 5  # the password was not even checked
    assert audit_events(app, "login_failed")[-1].changes == {"reason": "throttled"}
    # Another account from another address is not affected.
    other = app.test_client()
    make_user(app)
    response = post_login(other, "li.lei", PASSWORD, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert response.status_code == 302


def test_throttled_page_is_translated(app, client):
    app.config["THROTTLE_ACCOUNT_FAILURES"] = 1
    post_login(client, password="wrong-password-1")
    response = post_login(client, headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 429
    assert "失败次数过多" in response.get_data(as_text=True)


def test_address_is_throttled_across_accounts(app, client):
    app.config["THROTTLE_ADDRESS_FAILURES"] = 3
    for n in range(3):
        assert post_login(client, login=f"guess{n}", password="wrong-password-1").status_code == 401
    assert post_login(client).status_code == 429  # a fourth account, same address
    elsewhere = app.test_client()
    assert post_login(elsewhere, environ_base={"REMOTE_ADDR": "198.51.100.4"}).status_code == 302


def test_throttle_window_passes(app, client, clock):
    for _ in range(5):
        post_login(client, password="wrong-password-1")
    assert post_login(client).status_code == 429
    clock.advance(minutes=16)
    assert post_login(client).status_code == 302


def test_success_clears_the_account_counter(app, client):
    for _ in range(4):
        post_login(client, password="wrong-password-1")
    assert post_login(client).status_code == 302
    left = in_db(app, lambda s: s.scalars(select(LoginAttempt.key)).all())
    assert f"account:{ADMIN_LOGIN}" not in left
    # The four failures of the address stay; the success took its own entry back.
    assert left.count("address:127.0.0.1") == 4
    for _ in range(4):
        assert post_login(app.test_client(), password="wrong-password-1").status_code == 401


def test_forwarded_for_is_ignored_from_an_untrusted_peer(app, client):
    app.config["THROTTLE_ADDRESS_FAILURES"] = 2
    for n in range(2):
        headers = {"X-Forwarded-For": f"203.0.113.{n}", "Accept-Language": "en"}
        post_login(client, login=f"guess{n}", password="wrong-password-1", headers=headers)
    # Forging a new address in the header does not help: the peer's address counts.
    forged = {"X-Forwarded-For": "203.0.113.99", "Accept-Language": "en"}
    assert post_login(client, headers=forged).status_code == 429
    assert {e.ip for e in audit_events(app, "login_failed")} == {"127.0.0.1"}


def test_forwarded_for_is_honoured_from_a_trusted_proxy(make_app):
    app = make_app((), TRUSTED_PROXIES="10.0.0.0/8, 192.0.2.1", THROTTLE_ADDRESS_FAILURES=2)
    proxy = {"REMOTE_ADDR": "10.1.2.3"}

    def attempt(client, forwarded, login="guess"):
        headers = {"X-Forwarded-For": forwarded, "Accept-Language": "en"}
        return post_login(
            client, login=login, password="wrong-password-1", headers=headers, environ_base=proxy
        )

    client = app.test_client()
    # The client is the rightmost address that is not a trusted proxy.
    attempt(client, "198.51.100.1, 203.0.113.5, 192.0.2.1", login="a1")
    attempt(client, "203.0.113.5", login="a2")
    assert attempt(client, "203.0.113.5", login="a3").status_code == 429
    assert attempt(client, "203.0.113.6", login="a4").status_code == 401  # another client
    assert {e.ip for e in audit_events(app, "login_failed")} == {"203.0.113.5", "203.0.113.6"}
    # A peer outside the trusted networks is taken as the client, header or not.
    direct = post_login(
        app.test_client(),
        login="a5",
        password="wrong-password-1",
        headers={"X-Forwarded-For": "203.0.113.77"},
        environ_base={"REMOTE_ADDR": "198.51.100.9"},
    )
    assert direct.status_code == 401
    assert audit_events(app, "login_failed")[-1].ip == "198.51.100.9"


def test_trusted_proxy_https_makes_cookies_secure(make_app):
    app = make_app((), TRUSTED_PROXIES=["127.0.0.1"])
    client = app.test_client()
    response = post_login(client, headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "tessera_session" in c)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    plain = post_login(app.test_client())
    cookie = next(c for c in plain.headers.getlist("Set-Cookie") if "tessera_session" in c)
    assert "Secure" not in cookie


@pytest.fixture
def redis_url():
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    return url


def test_redis_throttle_is_shared_between_workers(make_app, redis_url):
    # Two apps stand for two workers; the Redis store is what they share.
    first = make_app((), THROTTLE_REDIS_URL=redis_url)
    second = make_app((), THROTTLE_REDIS_URL=redis_url)
    login = f"user{uuid.uuid4().hex[:8]}"
    address = {"REMOTE_ADDR": f"192.0.2.{uuid.uuid4().int % 250 + 1}"}
    for app in (first, second):
        make_user(app, login=login)
    for n in range(5):
        worker = (first, second)[n % 2]
        response = post_login(worker.test_client(), login, "wrong-password-1", environ_base=address)
        assert response.status_code == 401
    assert (
        post_login(second.test_client(), login, PASSWORD, environ_base=address).status_code == 429
    )
    with first.extensions["tessera.db"].new_session() as session:
        assert session.scalar(select(LoginAttempt.id)) is None  # nothing went to the database
    first.extensions["tessera.throttle"].client.delete(f"tessera:throttle:account:{login}")


def test_parallel_guesses_cannot_pass_the_limit(make_app):
    import threading

    app = make_app(())
    statuses = []

    def guess(n):
        client = app.test_client()
        response = post_login(client, password=f"wrong-password-{n}")
        statuses.append(response.status_code)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [401] * 5 + [429] * 5


# --------------------------------------------------------------------------- expiry


def test_expired_password_must_be_changed_at_login(app, client):
    app.config["PASSWORD_POLICY"] = "compliance"
    user_id = make_user(app, password="Plum-Blossom-2026")

    def age(session):
        session.get(User, user_id).password_changed_at = db.utcnow() - timedelta(days=91)

    in_db(app, age)
    response = post_login(client, "li.lei", "Plum-Blossom-2026")
    assert response.headers["Location"].endswith("/account/password")
    home = client.get("/", headers={"Accept-Language": "en"})
    assert home.status_code == 302 and home.headers["Location"].endswith("/account/password")
    page = client.get("/account/password", headers={"Accept-Language": "en"})
    assert "Your password has expired" in page.get_data(as_text=True)
    changed = client.post(
        "/account/password",
        data={
            "current_password": "Plum-Blossom-2026",
            "new_password": "Maple-Leaf-2027",
            "confirmation": "Maple-Leaf-2027",
            "csrf_token": csrf(client),
        },
    )
    assert changed.status_code == 302
    assert client.get("/").status_code == 200


def test_password_reset_by_an_administrator_must_be_changed(app, client):
    user_id = make_user(app)
    new = in_db(app, lambda s: accounts.reset_password(s, user_id))
    response = post_login(client, "li.lei", new)
    assert response.headers["Location"].endswith("/account/password")


# --------------------------------------------------------------------------- accounts


def test_user_services_are_audited(app, db_session):
    user_id = make_user(app)
    accounts.reset_password(db_session, user_id, "Maple-Leaf-2027")
    accounts.deactivate_user(db_session, user_id)
    db_session.commit()
    changes = [e.changes["action"] for e in audit_events(app, "user_change")]
    assert changes == ["create", "reset_password", "deactivate"]


def test_the_last_administrator_cannot_be_deactivated(app, db_session):
    from core.schemas import BusinessError

    admin = db_session.scalar(select(User).where(User.login == ADMIN_LOGIN))
    with pytest.raises(BusinessError):
        accounts.deactivate_user(db_session, admin.id)
    db_session.rollback()
    assert db_session.get(User, admin.id).active


@pytest.fixture
def run(monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")

    def invoke(app, *args):
        runner = app.test_cli_runner()
        return runner.invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: app))

    return invoke


def test_user_commands(make_app, run):
    app = make_app(())
    created = run(app, "user", "create", "li.lei", "--name", "Li Lei", "--password", PASSWORD)
    assert created.exit_code == 0, created.output
    weak = run(app, "user", "create", "han", "--password", "password1234")
    assert weak.exit_code == 1 and "too common" in weak.output

    token = run(app, "user", "token", "li.lei", "--name", "ci", "--days", "7")
    assert token.exit_code == 0, token.output
    assert token.output.splitlines()[0].startswith("tsk_")
    bearer = {"Authorization": "Bearer " + token.output.split()[0]}
    assert app.test_client().get("/", headers=bearer).status_code == 200
    # A token may use the application, not manage the account it belongs to.
    assert app.test_client().get("/account/tokens", headers=bearer).status_code == 403

    client = app.test_client()
    assert post_login(client, "li.lei", PASSWORD).status_code == 302
    listed = run(app, "user", "sessions", "li.lei")
    assert listed.exit_code == 0 and "127.0.0.1" in listed.output

    reset = run(app, "user", "reset-password", "li.lei")
    assert reset.exit_code == 0, reset.output
    assert "New password: " in reset.output
    assert client.get("/").status_code == 302  # the reset ended the session
    assert "No active session." in run(app, "user", "sessions", "li.lei").output

    gone = run(app, "user", "deactivate", "li.lei")
    assert gone.exit_code == 0, gone.output
    again = run(app, "user", "deactivate", "li.lei")
    assert again.exit_code == 1 and "already deactivated" in again.output
    missing = run(app, "user", "deactivate", "nobody")
    assert missing.exit_code == 1 and "no user with the login nobody" in missing.output

"""Two-factor login: setup confirmed by a code, second login step, recovery codes, replay."""

import re

import pyotp
import pytest
from sqlalchemy import select

from core import db
from core.security import totp
from core.security.models import AuditEntry, RecoveryCode
from core.security.sessions import COOKIE_NAME
from core.security.users import User
from tests.test_auth import PASSWORD, Clock, csrf, in_db, make_user, post_login

pytestmark = [pytest.mark.spec("5.3.1.2", "6.2.5"), pytest.mark.addons()]

EN = {"Accept-Language": "en"}


@pytest.fixture
def clock(monkeypatch):
    moving = Clock()
    monkeypatch.setattr(db, "utcnow", moving)
    return moving


def code_at(secret, clock, steps=0):
    step = int(clock.now.timestamp()) // 30 + steps
    return pyotp.TOTP(secret).generate_otp(step)


def secret_of(app, login="li.lei"):
    return in_db(app, lambda s: s.scalar(select(User.totp_secret).where(User.login == login)))


@pytest.fixture
def user_client(app):
    make_user(app)
    client = app.test_client()
    assert post_login(client, "li.lei", PASSWORD).status_code == 302
    return client


def enable(client, app, clock) -> list[str]:
    """Turn two-factor login on through the screens; the recovery codes shown."""
    started = client.post("/account/two-factor/setup", data={"csrf_token": csrf(client)})
    assert started.status_code == 302
    page = client.get("/account/two-factor/setup", headers=EN).get_data(as_text=True)
    secret = secret_of(app)
    assert "<svg" in page and "otpauth://totp/Tessera:li.lei?secret=" + secret in page
    assert "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]  # drawn here
    confirmed = client.post(
        "/account/two-factor/confirm",
        data={"code": code_at(secret, clock), "csrf_token": csrf(client)},
        headers=EN,
    )
    assert confirmed.status_code == 200
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", confirmed.get_data(as_text=True))
    assert len(codes) == 10
    return codes


def second_step(client, code, headers=EN):
    return client.post(
        "/login/second-factor", data={"code": code, "csrf_token": csrf(client)}, headers=headers
    )


def test_setup_needs_a_current_code(app, user_client, clock):
    user_client.post("/account/two-factor/setup", data={"csrf_token": csrf(user_client)})
    secret = secret_of(app)
    refused = user_client.post(
        "/account/two-factor/confirm",
        data={"code": code_at(secret, clock, steps=5), "csrf_token": csrf(user_client)},
        headers=EN,
    )
    assert refused.status_code == 422
    assert "This code is not valid." in refused.get_data(as_text=True)
    assert not in_db(app, lambda s: s.scalar(select(User.totp_enabled).where(User.id > 1)))


def test_login_with_second_step(app, user_client, clock):
    codes = enable(user_client, app, clock)
    stored = in_db(app, lambda s: s.scalars(select(RecoveryCode.code_hash)).all())
    assert len(stored) == 10 and not set(codes) & set(stored)  # only hashes are kept
    secret = secret_of(app)
    client = app.test_client()
    first = post_login(client, "li.lei", PASSWORD)
    assert first.status_code == 302 and "/login/second-factor" in first.headers["Location"]
    assert client.get("/").status_code == 302  # the password alone does not log in
    clock.advance(seconds=60)
    wrong = second_step(client, "000000" if code_at(secret, clock) != "000000" else "111111")
    assert wrong.status_code == 401
    pending_key = client.get_cookie(COOKIE_NAME, domain="tessera.test").value
    # One step of clock drift is allowed (the step used to turn it on is spent).
    ok = second_step(client, code_at(secret, clock, steps=-1))
    assert ok.status_code == 302
    assert client.get_cookie(COOKIE_NAME, domain="tessera.test").value != pending_key
    assert client.get("/").status_code == 200
    query = select(AuditEntry.changes).where(AuditEntry.event == "login")
    logins = in_db(app, lambda s: s.scalars(query).all())
    assert logins[-1] == {"method": "password", "second_factor": "totp"}


def test_a_code_is_accepted_once(app, user_client, clock):
    enable(user_client, app, clock)
    clock.advance(seconds=30)
    code = code_at(secret_of(app), clock)
    first, second = app.test_client(), app.test_client()
    post_login(first, "li.lei", PASSWORD)
    post_login(second, "li.lei", PASSWORD)
    assert second_step(first, code).status_code == 302
    assert second_step(second, code).status_code == 401  # replayed


def test_recovery_code_works_once(app, user_client, clock):
    codes = enable(user_client, app, clock)
    client = app.test_client()
    post_login(client, "li.lei", PASSWORD)
    assert second_step(client, codes[0].upper()).status_code == 302
    again = app.test_client()
    post_login(again, "li.lei", PASSWORD)
    assert second_step(again, codes[0]).status_code == 401
    assert second_step(again, codes[1]).status_code == 302


def test_second_step_is_throttled(app, user_client, clock):
    enable(user_client, app, clock)
    client = app.test_client()
    post_login(client, "li.lei", PASSWORD)
    for _ in range(4):
        assert second_step(client, "999999x").status_code == 401
    # The password is right, but it no longer resets the count of wrong codes.
    throttled = post_login(client, "li.lei", PASSWORD)
    assert throttled.status_code == 429


def test_second_step_waits_only_minutes(app, user_client, clock):
    enable(user_client, app, clock)
    client = app.test_client()
    post_login(client, "li.lei", PASSWORD)
    clock.advance(minutes=6)
    late = second_step(client, code_at(secret_of(app), clock))
    assert late.status_code == 302 and late.headers["Location"].endswith("/login")
    assert client.get("/").status_code == 302


def test_enabling_ends_the_other_sessions(app, user_client, clock):
    other = app.test_client()
    post_login(other, "li.lei", PASSWORD)
    enable(user_client, app, clock)
    assert user_client.get("/").status_code == 200
    assert other.get("/").status_code == 302


def test_disabling_needs_the_password(app, user_client, clock):
    enable(user_client, app, clock)
    refused = user_client.post(
        "/account/two-factor/disable",
        data={"password": "not-the-password", "csrf_token": csrf(user_client)},
        headers=EN,
    )
    assert refused.status_code == 422
    assert "The password is not correct." in refused.get_data(as_text=True)
    done = user_client.post(
        "/account/two-factor/disable", data={"password": PASSWORD, "csrf_token": csrf(user_client)}
    )
    assert done.status_code == 302
    assert in_db(app, lambda s: s.scalars(select(RecoveryCode)).all()) == []
    assert post_login(app.test_client(), "li.lei", PASSWORD).headers["Location"] == "/"
    changes = in_db(
        app,
        lambda s: s.scalars(
            select(AuditEntry.changes).where(AuditEntry.event == "second_factor")
        ).all(),
    )
    assert [c["enabled"] for c in changes] == [True, False]


def test_new_recovery_codes_replace_the_old(app, user_client, clock):
    old = enable(user_client, app, clock)
    response = user_client.post(
        "/account/two-factor/recovery-codes",
        data={"password": PASSWORD, "csrf_token": csrf(user_client)},
    )
    new = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    client = app.test_client()
    post_login(client, "li.lei", PASSWORD)
    assert second_step(client, old[0]).status_code == 401


def test_api_token_needs_the_code_when_two_factor_is_on(app, user_client, clock):
    enable(user_client, app, clock)
    body = {"login": "li.lei", "password": PASSWORD, "name": "ci"}
    api = app.test_client()
    assert api.post("/api/v1/auth/tokens", json=body).status_code == 401
    clock.advance(seconds=30)
    body["otp"] = code_at(secret_of(app), clock)
    assert api.post("/api/v1/auth/tokens", json=body).status_code == 201


def test_matching_step_allows_one_step_of_drift(clock):
    secret = pyotp.random_base32()
    for steps in (-1, 0, 1):
        assert totp.matching_step(secret, code_at(secret, clock, steps)) is not None
    for steps in (-3, 2):
        code = code_at(secret, clock, steps)
        if all(code != code_at(secret, clock, s) for s in (-1, 0, 1)):
            assert totp.matching_step(secret, code) is None


def test_account_pages_speak_chinese(app, user_client, clock):
    zh = {"Accept-Language": "zh-CN"}
    index = user_client.get("/account/", headers=zh).get_data(as_text=True)
    assert "我的账户" in index and "双因素登录" in index and "未开启" in index
    page = user_client.get("/account/two-factor", headers=zh).get_data(as_text=True)
    assert "设置双因素登录" in page
    enable(user_client, app, clock)
    index = user_client.get("/account/", headers=zh).get_data(as_text=True)
    assert "已开启；还剩 10 个恢复码。" in index

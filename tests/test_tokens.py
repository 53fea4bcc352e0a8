"""Personal API tokens: issued once, bearer authentication, revocation, expiry, deactivation."""

import pytest
from flask import jsonify
from flask_login import current_user, login_required
from sqlalchemy import select

from core.security import accounts
from core.security.models import ApiToken, AuditEntry
from core.security.tokens import token_hash
from core.testing import ADMIN_LOGIN, ADMIN_PASSWORD
from tests.test_auth import PASSWORD, Clock, csrf, in_db, make_user, post_login

pytestmark = [pytest.mark.spec("6.2.5", "5.3.1.2"), pytest.mark.addons()]


@pytest.fixture
def app(app):
    """The test app with one JSON page that needs a login, as API resources do."""

    @login_required
    def whoami():
        return jsonify(login=current_user.login, token=current_user.token_id is not None)

    app.add_url_rule("/api/v1/test/whoami", "test_whoami", whoami)
    return app


def issue(client, login=ADMIN_LOGIN, password=ADMIN_PASSWORD, **extra):
    body = {"login": login, "password": password, "name": "ci", **extra}
    return client.post("/api/v1/auth/tokens", json=body, headers={"Accept-Language": "en"})


def whoami(client, token):
    return client.get("/api/v1/test/whoami", headers={"Authorization": f"Bearer {token}"})


def test_a_token_is_issued_once_and_authenticates(app, client):
    response = issue(client, lifetime_days=30)
    assert response.status_code == 201, response.json
    body = response.json
    token = body["token"]
    assert token.startswith("tsk_") and len(token) == 44
    assert body["prefix"] == token[:12]
    assert body["expires_at"] is not None
    me = whoami(app.test_client(), token)
    assert me.status_code == 200
    assert me.json == {"login": ADMIN_LOGIN, "token": True}
    stored = in_db(app, lambda s: s.get(ApiToken, body["id"]))
    assert stored.token_hash == token_hash(token) and token not in stored.token_hash
    assert stored.last_used_at is not None
    events = in_db(app, lambda s: s.scalars(select(AuditEntry.event)).all())
    assert events.count("token_create") == 1


def test_a_token_without_lifetime_never_expires(client):
    assert issue(client).json["expires_at"] is None


def test_requests_without_a_valid_token_get_401_json(app, client):
    anonymous = client.get("/api/v1/test/whoami")
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"] == "Bearer"
    assert whoami(client, "tsk_" + "x" * 40).status_code == 401
    assert whoami(client, "not-even-a-token").status_code == 401


def test_bad_credentials_are_refused_and_throttled(app, client, monkeypatch):
    from tests.test_auth import count_password_checks

    checks = count_password_checks(monkeypatch)
    for _ in range(5):
        refused = issue(client, password="wrong-password-1")
        assert refused.status_code == 401
        assert refused.json["message"] == "Wrong login, password or code."
    throttled = issue(client)
    assert throttled.status_code == 429
    assert "Too many failed attempts" in throttled.json["message"]
    assert len(checks) == 5
    reasons = in_db(
        app,
        lambda s: s.scalars(
            select(AuditEntry.changes).where(AuditEntry.event == "login_failed")
        ).all(),
    )
    assert reasons[0] == {"reason": "password", "channel": "api"}
    assert reasons[-1] == {"reason": "throttled"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"login": ADMIN_LOGIN, "password": ADMIN_PASSWORD}, "name"),
        ({"login": ADMIN_LOGIN, "password": ADMIN_PASSWORD, "name": "x" * 81}, "name"),
        ({"password": ADMIN_PASSWORD, "name": "ci"}, "login"),
        ({"login": ADMIN_LOGIN, "name": "ci"}, "password"),
        (
            {"login": ADMIN_LOGIN, "password": ADMIN_PASSWORD, "name": "ci", "lifetime_days": 0},
            "lifetime_days",
        ),
        (
            {"login": ADMIN_LOGIN, "password": ADMIN_PASSWORD, "name": "ci", "lifetime_days": "7"},
            "lifetime_days",
        ),
        ({"login": ADMIN_LOGIN, "password": ADMIN_PASSWORD, "name": "ci", "scope": "x"}, "scope"),
    ],
)
def test_bad_input_gets_422_per_field(app, client, body, field):
    response = client.post("/api/v1/auth/tokens", json=body, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert list(response.json["errors"]) == [field]
    assert in_db(app, lambda s: s.scalars(select(ApiToken)).all()) == []


def test_422_messages_are_translated_and_json_is_required(client):
    response = client.post(
        "/api/v1/auth/tokens",
        json={"login": ADMIN_LOGIN, "password": ADMIN_PASSWORD},
        headers={"Accept-Language": "zh-CN"},
    )
    assert response.json["errors"]["name"] == ["此字段为必填项。"]
    form = client.post("/api/v1/auth/tokens", data={"login": ADMIN_LOGIN})
    assert form.status_code == 422
    assert "_schema" in form.json["errors"]


def test_revoked_token_stops_working(app, client):
    token = issue(client).json["token"]
    browser = app.test_client()
    post_login(browser)
    page = browser.get("/account/tokens", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and token[:12] in page.get_data(as_text=True)
    token_id = in_db(app, lambda s: s.scalar(select(ApiToken.id)))
    revoked = browser.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf(browser)})
    assert revoked.status_code == 302
    assert whoami(client, token).status_code == 401
    again = browser.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf(browser)})
    assert again.status_code == 422
    events = in_db(app, lambda s: s.scalars(select(AuditEntry.event)).all())
    assert events.count("token_revoke") == 1


def test_expired_token_stops_working(app, client, monkeypatch):
    from core import db

    token = issue(client, lifetime_days=1).json["token"]
    assert whoami(client, token).status_code == 200
    clock = Clock()
    monkeypatch.setattr(db, "utcnow", clock)
    clock.advance(days=1, minutes=1)
    assert whoami(client, token).status_code == 401


def test_deactivating_the_user_kills_the_token_at_once(app, client):
    user_id = make_user(app)
    token = issue(client, "li.lei", PASSWORD).json["token"]
    assert whoami(client, token).status_code == 200
    in_db(app, lambda s: accounts.deactivate_user(s, user_id))
    assert whoami(client, token).status_code == 401
    revoked = in_db(app, lambda s: s.scalar(select(ApiToken.revoked_at)))
    assert revoked is not None  # reactivating the user would not revive it


def test_tokens_are_created_and_shown_once_in_the_account_page(app, client):
    post_login(client)
    response = client.post(
        "/account/tokens",
        data={"name": "reporting", "lifetime_days": "90", "csrf_token": csrf(client)},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 201
    text = response.get_data(as_text=True)
    assert "shown only once" in text
    token = text.split("Authorization: Bearer ")[1].split("<")[0].strip()
    assert whoami(app.test_client(), token).status_code == 200
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert token not in listing and token[:12] in listing
    refused = client.post(
        "/account/tokens",
        data={"name": "", "lifetime_days": "x", "csrf_token": csrf(client)},
        headers={"Accept-Language": "en"},
    )
    assert refused.status_code == 422
    assert "A whole number is expected." in refused.get_data(as_text=True)


def test_a_token_cannot_manage_the_account_or_skip_csrf_for_cookies(app, client):
    token = issue(client).json["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/account/tokens", headers=bearer).status_code == 403
    # A form post with the cookie session still needs its CSRF token.
    post_login(client)
    assert client.post("/account/sessions/end-others").status_code == 400

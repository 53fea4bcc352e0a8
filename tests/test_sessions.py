"""Server-side sessions: cookies, fixation, idle and absolute expiry, renewal, revocation."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from core import db
from core.security.models import AuditEntry, UserSession
from core.security.sessions import COOKIE_NAME, hash_key
from tests.test_auth import PASSWORD, Clock, csrf, in_db, make_user, post_login

pytestmark = [pytest.mark.spec("6.3.3", "6.3.4"), pytest.mark.addons()]

DOMAIN = "tessera.test"


def session_key(client) -> str | None:
    cookie = client.get_cookie(COOKIE_NAME, domain=DOMAIN)
    return cookie.value if cookie else None


def copy_cookies(source, target) -> None:
    """What a thief holding both cookies of ``source`` would send."""
    for name in (COOKIE_NAME, "session"):
        cookie = source.get_cookie(name, domain=DOMAIN)
        if cookie is not None:
            target.set_cookie(name, cookie.value, domain=DOMAIN)


def logged_in(client) -> bool:
    return client.get("/").status_code == 200


def rows(app):
    return in_db(
        app, lambda s: s.scalars(select(UserSession).order_by(UserSession.created_at)).all()
    )


@pytest.fixture
def clock(monkeypatch):
    """A movable clock; ask for it before ``user_client`` so the login uses it too."""
    moving = Clock()
    monkeypatch.setattr(db, "utcnow", moving)
    return moving


@pytest.fixture
def user_client(app):
    make_user(app)
    client = app.test_client()
    assert post_login(client, "li.lei", PASSWORD).status_code == 302
    return client


def test_cookie_is_httponly_lax_and_secure_over_https(app, client):
    response = post_login(client)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if COOKIE_NAME in c)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = app.test_client()
    with secure.session_transaction(base_url="https://tessera.test") as flask_session:
        flask_session["csrf_token"] = "t"
    response = secure.post(
        "/login",
        data={"login": "admin", "password": "correct-horse-battery-42", "csrf_token": "t"},
        base_url="https://tessera.test",
    )
    cookies = response.headers.getlist("Set-Cookie")
    assert all("Secure" in c for c in cookies), cookies
    app.config["SESSION_COOKIE_SECURE"] = True  # forced, e.g. behind a TLS proxy not trusted
    forced = post_login(app.test_client())
    assert forced.status_code == 302
    assert all("Secure" in c for c in forced.headers.getlist("Set-Cookie"))


def test_only_a_hash_of_the_key_is_stored(app, user_client):
    key = session_key(user_client)
    (row,) = rows(app)
    assert row.id == hash_key(key) and key not in row.id


def test_identity_comes_only_from_the_server_row(app, user_client):
    assert logged_in(user_client)
    # Flask's signed cookie still says who the user is; the row is gone: logged out.
    in_db(app, lambda s: s.execute(update(UserSession).values(revoked_at=UserSession.created_at)))
    assert not logged_in(user_client)


def test_key_is_replaced_at_login_so_a_planted_one_is_worthless(app, client):
    planted = "attacker-chose-this-key-0123456789abcdef"
    client.set_cookie(COOKIE_NAME, planted, domain=DOMAIN)
    assert post_login(client).status_code == 302
    assert session_key(client) != planted
    victim_copy = app.test_client()
    copy_cookies(client, victim_copy)
    victim_copy.set_cookie(COOKIE_NAME, planted, domain=DOMAIN)
    assert not logged_in(victim_copy)
    assert logged_in(client)


def test_logging_in_again_ends_the_previous_key(app, client):
    post_login(client)
    first = app.test_client()
    copy_cookies(client, first)
    post_login(client)
    assert logged_in(client)
    assert not logged_in(first)


def test_idle_timeout(clock, app, user_client):
    clock.advance(minutes=29)
    assert logged_in(user_client)  # activity moves the idle deadline
    clock.advance(minutes=29)
    assert logged_in(user_client)
    clock.advance(minutes=31)
    assert not logged_in(user_client)


def test_idle_timeout_is_configurable(clock, app, user_client):
    app.config["SESSION_IDLE_MINUTES"] = 5
    clock.advance(minutes=6)
    assert not logged_in(user_client)


def test_absolute_timeout_even_when_active(clock, app, client):
    app.config["SESSION_ABSOLUTE_HOURS"] = 2
    post_login(client)
    for _ in range(11):
        clock.advance(minutes=10)
        assert logged_in(client)  # renewed on the way, never idle
    clock.advance(minutes=10)
    assert not logged_in(client)


def test_last_seen_is_written_at_most_once_a_minute(clock, app, user_client):
    (row,) = rows(app)
    clock.advance(seconds=30)
    assert logged_in(user_client)
    assert rows(app)[0].last_seen_at == row.last_seen_at
    clock.advance(seconds=31)
    assert logged_in(user_client)
    assert rows(app)[0].last_seen_at == clock.now


def test_key_is_renewed_periodically_with_a_short_grace(clock, app, user_client):
    old_key = session_key(user_client)
    thief = app.test_client()
    copy_cookies(user_client, thief)
    clock.advance(minutes=16)
    assert logged_in(user_client)
    new_key = session_key(user_client)
    assert new_key != old_key
    live = [r for r in rows(app) if r.expires_at > clock.now + timedelta(hours=1)]
    assert [r.id for r in live] == [hash_key(new_key)]
    assert logged_in(thief)  # the old key lives a few seconds, for requests under way
    clock.advance(seconds=31)
    assert not logged_in(thief)
    assert logged_in(user_client)


def test_renewal_keeps_the_absolute_end(clock, app, user_client):
    (first,) = rows(app)
    clock.advance(minutes=16)
    assert logged_in(user_client)
    renewed = in_db(app, lambda s: s.get(UserSession, hash_key(session_key(user_client))))
    assert renewed.expires_at == first.expires_at


@pytest.mark.spec("5.3.1.2")
def test_logout_ends_every_session_and_a_replayed_cookie(app, user_client):
    other_device = app.test_client()
    post_login(other_device, "li.lei", PASSWORD)
    replay = app.test_client()
    copy_cookies(user_client, replay)
    assert user_client.post("/logout", data={"csrf_token": csrf(user_client)}).status_code == 302
    assert session_key(user_client) is None
    assert not logged_in(user_client)
    assert not logged_in(replay)
    assert not logged_in(other_device)


def test_password_change_keeps_this_session_and_ends_the_others(app, user_client):
    other_device = app.test_client()
    post_login(other_device, "li.lei", PASSWORD)
    response = user_client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "Maple-Leaf-2027",
            "confirmation": "Maple-Leaf-2027",
            "csrf_token": csrf(user_client),
        },
    )
    assert response.status_code == 302
    assert logged_in(user_client)
    assert not logged_in(other_device)
    changes = select(AuditEntry).where(AuditEntry.event == "password_change")
    (audit,) = in_db(app, lambda s: s.scalars(changes).all())
    assert audit.changes == {"sessions_ended": 1}


def test_refused_password_change_changes_nothing(app, user_client):
    other_device = app.test_client()
    post_login(other_device, "li.lei", PASSWORD)
    response = user_client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "short",
            "confirmation": "short",
            "csrf_token": csrf(user_client),
        },
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert "at least 12 characters" in response.get_data(as_text=True)
    assert logged_in(other_device)


def test_deactivation_ends_sessions_at_once(app, user_client):
    from core.security import accounts

    user_id = in_db(app, lambda s: accounts.user_by_login(s, "li.lei").id)
    in_db(app, lambda s: accounts.deactivate_user(s, user_id))
    assert not logged_in(user_client)
    assert post_login(app.test_client(), "li.lei", PASSWORD).status_code == 401


def test_sessions_page_lists_and_ends_a_session(app, user_client):
    other_device = app.test_client()
    post_login(other_device, "li.lei", PASSWORD, headers={"User-Agent": "PhoneBrowser/1.0"})
    page = user_client.get("/account/sessions", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "PhoneBrowser/1.0" in text and "This session" in text
    other_id = hash_key(session_key(other_device))
    ended = user_client.post(
        f"/account/sessions/{other_id}/end", data={"csrf_token": csrf(user_client)}
    )
    assert ended.status_code == 302
    assert not logged_in(other_device)
    assert logged_in(user_client)
    events = in_db(app, lambda s: s.scalars(select(AuditEntry.event)).all())
    assert "session_revoke" in events


def test_ending_another_users_session_is_not_found(app, user_client):
    admin = app.test_client()
    post_login(admin)
    admin_id = hash_key(session_key(admin))
    response = user_client.post(
        f"/account/sessions/{admin_id}/end", data={"csrf_token": csrf(user_client)}
    )
    assert response.status_code == 404
    assert logged_in(admin)


def test_end_all_other_sessions(app, user_client):
    devices = [app.test_client() for _ in range(2)]
    for device in devices:
        post_login(device, "li.lei", PASSWORD)
    response = user_client.post(
        "/account/sessions/end-others", data={"csrf_token": csrf(user_client)}
    )
    assert response.status_code == 302
    assert logged_in(user_client)
    assert not any(logged_in(d) for d in devices)


def test_ending_this_session_from_the_list_logs_out_here_only(app, user_client):
    other_device = app.test_client()
    post_login(other_device, "li.lei", PASSWORD)
    own = hash_key(session_key(user_client))
    response = user_client.post(
        f"/account/sessions/{own}/end", data={"csrf_token": csrf(user_client)}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert not logged_in(user_client)
    assert logged_in(other_device)

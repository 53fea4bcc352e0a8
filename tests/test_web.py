"""Core's web surface through HTTP: health, login with CSRF, home, apps, headers, language."""

import pytest

from core.testing import ADMIN_LOGIN, ADMIN_PASSWORD, log_in

pytestmark = pytest.mark.addons()


def test_health_answers_with_the_generation(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["generation"] >= 1


def test_pages_need_a_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.spec("5.3.1.2")
def test_login_without_csrf_token_is_refused(client):
    response = client.post("/login", data={"login": ADMIN_LOGIN, "password": ADMIN_PASSWORD})
    assert response.status_code == 400


@pytest.mark.spec("5.3.1.2")
def test_wrong_password_is_refused_without_saying_which_part(client):
    with client.session_transaction() as session:
        session["csrf_token"] = "t"
    response = client.post(
        "/login",
        data={"login": ADMIN_LOGIN, "password": "wrong-password-1", "csrf_token": "t"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 401
    assert "Wrong login or password." in response.get_data(as_text=True)


@pytest.mark.spec("5.3.1.2")
def test_login_home_apps_and_logout(client):
    token = log_in(client)
    home = client.get("/", headers={"Accept-Language": "en"})
    assert home.status_code == 200
    assert "Settings" in home.get_data(as_text=True)
    apps = client.get("/apps", headers={"Accept-Language": "en"})
    assert apps.status_code == 200
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_login_rotates_the_csrf_token(client):
    with client.session_transaction() as session:
        session["csrf_token"] = "planted-before-login"
    client.post(
        "/login",
        data={
            "login": ADMIN_LOGIN,
            "password": ADMIN_PASSWORD,
            "csrf_token": "planted-before-login",
        },
    )
    with client.session_transaction() as session:
        assert session.get("csrf_token") != "planted-before-login"
    refused = client.post("/logout", data={"csrf_token": "planted-before-login"})
    assert refused.status_code == 400
    assert client.get("/").status_code == 200  # still logged in


def test_open_redirect_after_login_is_refused(client):
    with client.session_transaction() as session:
        session["csrf_token"] = "t"
    response = client.post(
        "/login?next=//evil.example/x",
        data={"login": ADMIN_LOGIN, "password": ADMIN_PASSWORD, "csrf_token": "t"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_security_headers_on_every_response(client):
    response = client.get("/login")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_login_page_in_chinese_by_default_and_english_on_request(client):
    chinese = client.get("/login").get_data(as_text=True)
    assert "登录" in chinese
    assert 'lang="zh-Hans-CN"' in chinese
    english = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "Log in" in english.get_data(as_text=True)


def test_unknown_page_is_a_translated_404(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "does not exist" in response.get_data(as_text=True)


def test_stylesheet_is_served_from_the_package(client):
    page = client.get("/login").get_data(as_text=True)
    assert "/static/core/tessera.css" in page
    assert client.get("/static/core/tessera.css").status_code == 200

"""The app shell every page shares: navbar of the user's apps, user menu, language switch,
flashed messages as toasts, htmx requests carrying the CSRF token, a strict CSP."""

import json
import re

import pytest
from sqlalchemy import select

from core import db
from core.security.users import User
from core.testing import ADMIN_LOGIN, log_in

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en-US,en;q=0.9"}


def navbar(page: str) -> str:
    match = re.search(r'<nav class="navbar.*?</nav>', page, re.S)
    assert match, "the page has no navbar"
    return match.group(0)


def stored_language(app, login: str = ADMIN_LOGIN) -> str | None:
    with app.app_context():
        return db.session().scalar(select(User.language).where(User.login == login))


def csrf_of(client) -> str:
    with client.session_transaction() as flask_session:
        return flask_session["csrf_token"]


def switch(client, language: str, next_page: str | None = "/", **headers):
    data = {"language": language, "csrf_token": csrf_of(client)}
    if next_page is not None:
        data["next"] = next_page
    return client.post("/account/language", data=data, headers=headers)


# --------------------------------------------------------------------------- navbar


@pytest.mark.spec("5.3.2.1")
def test_home_shows_the_navbar_with_the_users_apps_and_menu(admin_client):
    page = admin_client.get("/", headers=EN).get_data(as_text=True)
    bar = navbar(page)
    assert ">Tessera</a>" in bar
    assert "Settings" in bar and 'href="/apps"' in bar
    assert "Partners" in bar and 'href="/partners/partner/"' in bar
    assert "Administrator" in bar  # the user menu: name, account, language, log out
    assert 'href="/account/"' in bar
    assert 'action="/account/language"' in bar and "简体中文" in bar and "English" in bar
    assert 'action="/logout"' in bar
    assert f'name="csrf_token" value="{admin_client.csrf_token}"' in bar
    assert 'class="row row-cols-1' in page and "card app-card" in page  # apps as cards


def test_the_app_of_the_page_shown_is_highlighted(admin_client):
    bar = navbar(admin_client.get("/apps", headers=EN).get_data(as_text=True))
    assert re.search(r'class="dropdown-item active"\s+href="/apps"', bar)
    assert 'nav-link dropdown-toggle active" type="button"' in bar


@pytest.mark.spec("5.3.2.1")
def test_the_navbar_shows_the_configured_system_name(app, admin_client):
    app.config["SYSTEM_NAME"] = "Acme 销售"
    page = admin_client.get("/apps", headers=EN).get_data(as_text=True)
    assert ">Acme 销售</a>" in navbar(page)
    assert "<title>Apps · Acme 销售</title>" in page


def test_anonymous_pages_show_no_apps_and_no_user_menu(client):
    bar = navbar(client.get("/login", headers=EN).get_data(as_text=True))
    assert "dropdown" not in bar and "/logout" not in bar
    assert 'action="/account/language"' in bar


def test_flashed_messages_are_toasts(admin_client):
    admin_client.post("/logout", data={"csrf_token": admin_client.csrf_token}, headers=EN)
    page = admin_client.get("/login", headers=EN).get_data(as_text=True)
    toast = re.search(r'<div class="toast show[^"]*"[^>]*>.*?</div>\s*</div>', page, re.S)
    assert toast and "You have logged out." in toast.group(0)
    assert 'data-bs-dismiss="toast"' in toast.group(0)


def test_the_shell_loads_its_assets_from_the_package(client):
    page = client.get("/login").get_data(as_text=True)
    for asset in (
        "vendor/bootstrap.min.css",
        "vendor/bootstrap.bundle.min.js",
        "vendor/htmx.min.js",
    ):
        assert f'/static/core/{asset}"' in page
        assert client.get(f"/static/core/{asset}").status_code == 200
    assert '<script src="/static/core/tessera.js" defer></script>' in page
    assert client.get("/static/core/tessera.js").status_code == 200


# --------------------------------------------------------------------------- language


@pytest.mark.spec("5.3.2.1")
def test_language_switch_is_kept_on_the_user_and_followed(app, admin_client):
    assert "我的账户" in admin_client.get("/account/", headers=ZH).get_data(as_text=True)
    response = switch(admin_client, "en", "/account/", **ZH)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/"
    assert stored_language(app) == "en"
    page = admin_client.get("/account/", headers=ZH).get_data(as_text=True)
    assert "My account" in page and 'lang="en"' in page  # the user's choice beats the browser's
    assert switch(admin_client, "zh_Hans_CN", "/account/", **EN).status_code == 302
    assert stored_language(app) == "zh_Hans_CN"
    page = admin_client.get("/account/", headers=EN).get_data(as_text=True)
    assert "我的账户" in page and 'lang="zh-Hans-CN"' in page


def test_the_users_language_follows_them_to_a_new_login(app, client):
    log_in(client)
    switch(client, "en")
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    log_in(client)
    assert "My account" in client.get("/account/", headers=ZH).get_data(as_text=True)


def test_language_switch_refuses_unknown_languages_and_missing_tokens(app, admin_client):
    for unknown in ("fr", "Hans", "zh_CN", ""):
        assert switch(admin_client, unknown).status_code == 400, unknown
    refused = admin_client.post("/account/language", data={"language": "en", "next": "/"})
    assert refused.status_code == 400
    assert stored_language(app) is None


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil"])
def test_language_switch_goes_back_only_to_this_site(admin_client, target):
    response = switch(admin_client, "en", target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_language_switch_without_next_goes_back_to_the_referring_page(admin_client):
    response = switch(admin_client, "en", None, Referer="http://tessera.test/account/sessions?x=1")
    assert response.headers["Location"] == "/account/sessions?x=1"
    elsewhere = switch(admin_client, "en", None, Referer="http://evil.example/account/")
    assert elsewhere.headers["Location"] == "/"


@pytest.mark.spec("5.3.2.1")
def test_anonymous_language_choice_on_the_login_page(app, client):
    page = client.get("/login", headers=ZH).get_data(as_text=True)
    assert "登录" in page and 'lang="zh-Hans-CN"' in page
    response = switch(client, "en", "/login", **ZH)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    page = client.get("/login", headers=ZH).get_data(as_text=True)
    assert "Log in" in page and 'lang="en"' in page
    # Logging in keeps the page's language; it is not written on the account.
    log_in(client)
    assert "My account" in client.get("/account/", headers=ZH).get_data(as_text=True)
    assert stored_language(app) is None


# --------------------------------------------------------------------------- htmx, CSP


@pytest.mark.spec("5.3.1.2")
def test_htmx_requests_carry_the_csrf_token_in_a_header(app, admin_client):
    page = admin_client.get("/", headers=EN).get_data(as_text=True)
    attribute = re.search(r"<body[^>]*\shx-headers='([^']*)'", page)
    assert attribute, "hx-headers is missing on <body>"
    token = json.loads(attribute.group(1))["X-CSRF-Token"]
    assert token == admin_client.csrf_token
    htmx = {"HX-Request": "true", "X-CSRF-Token": token}
    accepted = admin_client.post("/account/language", data={"language": "en"}, headers=htmx)
    assert accepted.status_code == 302
    assert stored_language(app) == "en"
    refused = admin_client.post(
        "/account/language", data={"language": "zh_Hans_CN"}, headers={"HX-Request": "true"}
    )
    assert refused.status_code == 400
    wrong = {"HX-Request": "true", "X-CSRF-Token": token + "x"}
    assert (
        admin_client.post("/account/language", data={"language": "en"}, headers=wrong).status_code
        == 400
    )
    assert stored_language(app) == "en"


@pytest.mark.spec("5.3.1.2")
@pytest.mark.parametrize("path", ["/login", "/", "/no-such-page"])
def test_the_csp_allows_no_inline_code(admin_client, path):
    policy = admin_client.get(path).headers["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert directives["default-src"] == ["'self'"]
    assert "script-src" not in directives and "style-src" not in directives  # both: 'self'
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.spec("5.3.2.1")
def test_time_zone_chosen_on_the_account_page_shows_times_locally(app, admin_client):
    token = admin_client.csrf_token
    page = admin_client.get("/account/", headers=EN).get_data(as_text=True)
    assert 'name="timezone"' in page and "Asia/Shanghai" in page
    assert "#account-timezone" in page  # the user menu leads there
    response = admin_client.post(
        "/account/timezone", data={"csrf_token": token, "timezone": "Asia/Shanghai"}
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session().scalar(select(User).where(User.login == ADMIN_LOGIN))
        assert user.timezone == "Asia/Shanghai"
    assert (
        admin_client.post(
            "/account/timezone", data={"csrf_token": token, "timezone": "Mars/Olympus"}
        ).status_code
        == 400
    )
    assert admin_client.post("/account/timezone", data={"timezone": "UTC"}).status_code == 400
    admin_client.post("/account/timezone", data={"csrf_token": token, "timezone": ""})
    with app.app_context():
        user = db.session().scalar(select(User).where(User.login == ADMIN_LOGIN))
        assert user.timezone is None

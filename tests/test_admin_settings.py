"""System settings (clause 5.3.2.1): system name, logo, default language, time zone, currency."""

import base64
import io
import re

import pytest
from flask import g
from flask_babel import get_timezone
from sqlalchemy import select

from core import db
from core.i18n import select_locale
from core.models import Setting
from core.security.models import AuditEntry
from core.security.passwords import hash_password
from core.security.users import User
from core.settings import DEFAULT_TIMEZONE, SYSTEM_NAME, get_setting, set_setting
from core.testing import log_in

pytestmark = [pytest.mark.addons(), pytest.mark.spec("5.3.2.1")]
PASSWORD = "plum-blossom-in-winter-7"
EN = {"Accept-Language": "en"}
# A 1x1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def csrf(client) -> str:
    with client.session_transaction() as flask_session:
        return flask_session["csrf_token"]


def form(client, **changes):
    data = {
        "csrf_token": csrf(client),
        "system_name": "Tessera",
        "default_language": "",
        "default_timezone": "Asia/Shanghai",
        "default_currency": "CNY",
    }
    data.update(changes)
    return data


def add_user(app, login, language=None, roles=()):
    from core.security.models import UserRole

    with app.app_context():
        session = db.session()
        user = User(
            login=login,
            name=login.title(),
            password_hash=hash_password(PASSWORD),
            company_id=1,
            language=language,
        )
        session.add(user)
        session.flush()
        session.add_all(UserRole(user_id=user.id, role=role) for role in roles)
        session.commit()


def test_the_system_name_changes_the_shell_and_is_audited(app, admin_client):
    page = admin_client.get("/admin/settings", headers=EN).get_data(as_text=True)
    assert 'value="Tessera"' in page and "Asia/Shanghai" in page
    response = admin_client.post("/admin/settings", data=form(admin_client, system_name="云梯 ERP"))
    assert response.status_code == 302
    home = admin_client.get("/", headers=EN).get_data(as_text=True)
    assert re.search(r'class="navbar-brand[^"]*"[^>]*>\s*云梯 ERP', home)
    assert "<title>Apps · 云梯 ERP</title>" in home
    roles = admin_client.get("/admin/roles", headers=EN).get_data(as_text=True)
    assert "<title>Roles · 云梯 ERP</title>" in roles
    login_page = app.test_client().get("/login").get_data(as_text=True)
    assert "云梯 ERP" in login_page
    with app.app_context():
        row = db.session().scalar(select(Setting).where(Setting.key == SYSTEM_NAME))
        entry = db.session().scalar(
            select(AuditEntry).where(
                AuditEntry.resource == "core.settings", AuditEntry.record_id == row.id
            )
        )
        assert entry.changes["value"] == [None, "云梯 ERP"] and entry.user_id == 1


def test_bad_settings_are_refused_with_a_message_each(app, admin_client):
    response = admin_client.post(
        "/admin/settings",
        headers=EN,
        data=form(
            admin_client,
            system_name="",
            default_language="fr",
            default_timezone="Mars/Olympus",
            default_currency="XYZ",
        ),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for text in (
        "This field is required.",
        "Choose one of the offered languages.",
        "Choose one of the offered time zones.",
        "Choose one of the offered currencies (ISO 4217).",
    ):
        assert text in page
    with app.app_context():
        assert db.session().scalar(select(Setting)) is None


def test_the_default_language_applies_to_users_without_one(app, admin_client):
    add_user(app, "wang")
    add_user(app, "lee", language="zh_Hans_CN")
    wang, lee = app.test_client(), app.test_client()
    log_in(wang, "wang", PASSWORD)
    log_in(lee, "lee", PASSWORD)
    chinese = {"Accept-Language": "zh-CN"}
    assert 'lang="zh-Hans-CN"' in wang.get("/", headers=chinese).get_data(as_text=True)
    admin_client.post("/admin/settings", data=form(admin_client, default_language="en"))
    # The system default beats the browser; the user's own language beats the default.
    assert 'lang="en"' in wang.get("/", headers=chinese).get_data(as_text=True)
    assert 'lang="zh-Hans-CN"' in lee.get("/", headers=EN).get_data(as_text=True)
    # Back to "the browser's language".
    admin_client.post("/admin/settings", data=form(admin_client, default_language=""))
    assert 'lang="zh-Hans-CN"' in wang.get("/", headers=chinese).get_data(as_text=True)


def test_locale_and_time_zone_fall_back_user_system_default_then_browser(app):
    with app.test_request_context("/", headers=EN):
        assert select_locale() == "en"
        assert str(get_timezone()) == "Asia/Shanghai"  # the deployment's default
    with app.app_context():
        session = db.session()
        set_setting(session, "default_language", "zh_Hans_CN")
        set_setting(session, DEFAULT_TIMEZONE, "Europe/Paris")
        session.commit()
    with app.test_request_context("/", headers=EN):
        assert select_locale() == "zh_Hans_CN"
        assert str(get_timezone()) == "Europe/Paris"
    with app.test_request_context("/", headers=EN):
        g.language, g.timezone = "en", "America/New_York"
        assert select_locale() == "en"
        assert str(get_timezone()) == "America/New_York"
    with app.test_request_context("/", headers=EN):
        g.timezone = "Nowhere/Else"  # a zone that no longer exists: the next one
        assert str(get_timezone()) == "Europe/Paris"


def test_dates_show_in_the_default_time_zone(app, admin_client):
    admin_client.post(
        "/admin/settings", data=form(admin_client, default_timezone="America/New_York")
    )
    with app.app_context():
        assert get_setting(DEFAULT_TIMEZONE) == "America/New_York"
    page = admin_client.get("/admin/audit", headers=EN).get_data(as_text=True)
    stamps = re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', page)
    assert stamps
    from datetime import datetime
    from zoneinfo import ZoneInfo

    moment = datetime.fromisoformat(stamps[0][0]).astimezone(ZoneInfo("America/New_York"))
    assert moment.strftime("%-I:%M") in stamps[0][1]


def test_a_logo_is_checked_by_its_content_and_shown_in_the_shell(app, admin_client):
    fake = (io.BytesIO(b"<svg onload=alert(1)>not an image</svg>"), "logo.png", "image/png")
    refused = admin_client.post(
        "/admin/settings",
        data={**form(admin_client), "logo": fake},
        content_type="multipart/form-data",
        headers=EN,
    )
    assert refused.status_code == 422
    assert "The logo must be a PNG or JPEG image." in refused.get_data(as_text=True)
    big = (io.BytesIO(PNG + b"\0" * 300_000), "big.png", "image/png")
    too_big = admin_client.post(
        "/admin/settings",
        data={**form(admin_client), "logo": big},
        content_type="multipart/form-data",
        headers=EN,
    )
    assert too_big.status_code == 422 and "at most 256 KB" in too_big.get_data(as_text=True)
    saved = admin_client.post(
        "/admin/settings",
        data={**form(admin_client), "logo": (io.BytesIO(PNG), "logo.bin", "text/plain")},
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302
    with app.app_context():
        assert get_setting("logo").startswith("data:image/png;base64,")
    home = admin_client.get("/").get_data(as_text=True)
    source = re.search(r'<img src="(/logo\?v=[0-9a-f]+)"', home)[1]
    logo = app.test_client().get(source)  # the login page shows it too: no login needed
    assert logo.status_code == 200 and logo.data == PNG and logo.mimetype == "image/png"
    assert "immutable" in logo.headers["Cache-Control"]
    removed = admin_client.post("/admin/settings", data=form(admin_client, remove_logo="1"))
    assert removed.status_code == 302
    assert '<img src="/logo' not in admin_client.get("/").get_data(as_text=True)
    assert app.test_client().get("/logo").status_code == 404


def test_settings_are_read_only_without_the_manage_permission(app):
    from core.security.models import CustomRole

    with app.app_context():
        session = db.session()
        session.add(
            CustomRole(name="custom.viewer", label="Viewer", permissions=["core.settings.read"])
        )
        session.commit()
    add_user(app, "viewer", roles=("custom.viewer",))
    viewer = app.test_client()
    log_in(viewer, "viewer", PASSWORD)
    page = viewer.get("/admin/settings", headers=EN).get_data(as_text=True)
    assert "readonly" in page and 'type="submit">Save' not in page
    assert viewer.post("/admin/settings", data=form(viewer)).status_code == 403

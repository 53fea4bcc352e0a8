"""Installing, upgrading and uninstalling apps from the apps page, with the previews of
what comes along or goes, the audit, and everyone's menus following at once."""

import pytest
from sqlalchemy import select

from core.registry import get_registry
from core.security.models import AuditEntry, UserRole
from core.security.passwords import hash_password
from core.security.users import User
from core.testing import log_in

pytestmark = [pytest.mark.spec("4.1.1", "4.1.2")]
EN = {"Accept-Language": "en"}


def csrf(client) -> str:
    with client.session_transaction() as flask_session:
        return flask_session["csrf_token"]


def admin_of(app):
    client = app.test_client()
    log_in(client)
    return client


def audit_events(app, event):
    with app.app_context():
        session = app.extensions["tessera.db"].new_session()
        try:
            return session.scalars(select(AuditEntry).where(AuditEntry.event == event)).all()
        finally:
            session.close()


def test_install_and_uninstall_from_the_screen_change_the_menus(fixture_app):
    app = fixture_app()
    admin = admin_of(app)
    other = admin_of(app)  # another browser: its menus follow without a restart
    apps = admin.get("/apps", headers=EN).get_data(as_text=True)
    assert 'href="/apps/delta/install"' in apps
    assert 'href="/delta/task/"' not in other.get("/").get_data(as_text=True)

    preview = admin.get("/apps/delta/install", headers=EN).get_data(as_text=True)
    assert "Install delta" in preview and "Every app it needs is installed already." in preview
    installed = admin.post("/apps/delta/install", data={"csrf_token": csrf(admin)}, headers=EN)
    assert installed.status_code == 302
    assert "delta" in get_registry(app).lifecycle.installed()
    assert 'href="/delta/task/"' in other.get("/").get_data(as_text=True)
    [entry] = audit_events(app, "addon_install")
    assert entry.changes == {"addons": ["delta"]} and entry.user_id == 1

    token = csrf(admin)
    admin.post("/delta/task/new", data={"csrf_token": token, "name": "Count me", "code": "C1"})
    impact = admin.get("/apps/delta/uninstall", headers=EN).get_data(as_text=True)
    assert "delta_task" in impact and '<th class="text-end">1</th>' in impact
    unconfirmed = admin.post("/apps/delta/uninstall", data={"csrf_token": token, "addons": "delta"})
    assert unconfirmed.status_code == 302 and "delta" in get_registry(app).lifecycle.installed()
    removed = admin.post(
        "/apps/delta/uninstall", data={"csrf_token": token, "addons": "delta", "confirm": "1"}
    )
    assert removed.status_code == 302
    assert "delta" not in get_registry(app).lifecycle.installed()
    assert 'href="/delta/task/"' not in other.get("/").get_data(as_text=True)
    assert other.get("/delta/task/").status_code == 404
    [gone] = audit_events(app, "addon_uninstall")
    assert gone.changes["addons"] == ["delta"] and gone.changes["tables"]["delta_task"] == 1


def test_previews_name_dependencies_and_dependants(fixture_app):
    app = fixture_app()
    admin = admin_of(app)
    preview = admin.get("/apps/beta/install", headers=EN).get_data(as_text=True)
    assert "installed with it" in preview and "<strong>alpha</strong>" in preview
    admin.post("/apps/beta/install", data={"csrf_token": csrf(admin)})
    assert get_registry(app).lifecycle.installed() == ["alpha", "beta"]
    impact = admin.get("/apps/alpha/uninstall", headers=EN).get_data(as_text=True)
    assert "uninstalled with it" in impact and "<strong>beta</strong>" in impact
    # What the page showed is what gets removed: a preview of alpha alone is refused.
    stale = admin.post(
        "/apps/alpha/uninstall",
        data={"csrf_token": csrf(admin), "addons": "alpha", "confirm": "1"},
        headers=EN,
        follow_redirects=True,
    )
    assert "has changed since you looked" in stale.get_data(as_text=True)
    assert get_registry(app).lifecycle.installed() == ["alpha", "beta"]
    admin.post(
        "/apps/alpha/uninstall",
        data={"csrf_token": csrf(admin), "addons": ["alpha", "beta"], "confirm": "1"},
    )
    assert get_registry(app).lifecycle.installed() == []


def test_lifecycle_errors_are_shown_translated(fixture_app):
    app = fixture_app()
    admin = admin_of(app)
    failed = admin.post(
        "/apps/failing/install",
        data={"csrf_token": csrf(admin)},
        headers={"Accept-Language": "zh-CN"},
        follow_redirects=True,
    )
    page = failed.get_data(as_text=True)
    assert "安装应用 failing 失败" in page
    assert "failing" not in get_registry(app).lifecycle.installed()
    assert admin.get("/apps/nothing/install").status_code == 404
    assert admin.post("/apps/delta/upgrade", data={"csrf_token": csrf(admin)}).status_code == 302


def test_only_holders_of_module_manage_change_apps(fixture_app):
    app = fixture_app()
    with app.app_context():
        database = app.extensions["tessera.db"]

        def add(session):
            user = User(login="viewer", name="Viewer", password_hash=hash_password("x" * 14))
            session.add(user)
            session.flush()
            session.add(UserRole(user_id=user.id, role="core.auditor"))

        database.atomic(add)
    viewer = app.test_client()
    log_in(viewer, "viewer", "x" * 14)
    assert viewer.get("/apps/delta/install").status_code == 403
    assert viewer.post("/apps/delta/install", data={"csrf_token": csrf(viewer)}).status_code == 403
    assert "delta" not in get_registry(app).lifecycle.installed()

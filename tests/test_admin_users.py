"""Administration of users, roles and companies through the screens (clause 5.3.1.1)."""

import re

import pytest
from sqlalchemy import select

from core import db
from core.models import Company
from core.security.models import AuditEntry, CustomRole, UserCompany, UserRole
from core.security.passwords import hash_password
from core.security.users import User
from core.testing import log_in

pytestmark = [pytest.mark.addons(), pytest.mark.spec("5.3.1.1")]
PASSWORD = "plum-blossom-in-winter-7"
EN = {"Accept-Language": "en"}


def csrf(client) -> str:
    with client.session_transaction() as flask_session:
        return flask_session["csrf_token"]


def add_user(app, login, *roles, superuser=False) -> int:
    with app.app_context():
        session = db.session()
        user = User(
            login=login,
            name=login.title(),
            password_hash=hash_password(PASSWORD),
            company_id=1,
            is_superuser=superuser,
        )
        session.add(user)
        session.flush()
        session.add_all(UserRole(user_id=user.id, role=role) for role in roles)
        session.commit()
        return user.id


def client_of(app, login, password=PASSWORD):
    client = app.test_client()
    log_in(client, login, password)
    return client


def entries(app, event, **where):
    with app.app_context():
        statement = select(AuditEntry).where(AuditEntry.event == event)
        for name, value in where.items():
            statement = statement.where(getattr(AuditEntry, name) == value)
        return db.session().scalars(statement.order_by(AuditEntry.id)).all()


# --------------------------------------------------------------------------- access


@pytest.mark.spec("6.2.5")
def test_admin_screens_are_refused_without_their_permissions(app, admin_client):
    add_user(app, "clerk")
    clerk = client_of(app, "clerk")
    for url in (
        "/core/user/",
        "/core/user/1",
        "/core/company/",
        "/admin/roles",
        "/admin/roles/new",
        "/admin/settings",
        "/admin/audit",
        "/admin/users/1/password",
    ):
        assert admin_client.get(url).status_code == 200, url
        assert clerk.get(url).status_code == 403, url
    for url in ("/admin/users/1/access", "/admin/roles/new", "/admin/settings", "/apps/x/upgrade"):
        assert clerk.post(url, data={"csrf_token": csrf(clerk)}).status_code == 403, url


def test_seeing_users_is_not_changing_them(app):
    user_id = add_user(app, "bob")
    add_user(app, "reader", "core.auditor")  # core.user.read, no create/write/manage
    reader = client_of(app, "reader")
    form = reader.get(f"/core/user/{user_id}", headers=EN).get_data(as_text=True)
    assert "Bob" in form and "Save roles and companies" not in form
    assert reader.get("/core/user/new").status_code == 403
    token = csrf(reader)
    refused = reader.post(f"/core/user/{user_id}", data={"csrf_token": token, "name": "X"})
    assert refused.status_code == 403
    changed = reader.post(f"/admin/users/{user_id}/access", data={"csrf_token": token})
    assert changed.status_code == 403


def test_settings_menu_lists_each_screen_by_its_permission(app, admin_client):
    page = admin_client.get("/", headers=EN).get_data(as_text=True)
    for href in ("/apps", "/core/user/", "/admin/roles", "/core/company/", "/admin/settings"):
        assert f'href="{href}"' in page, href
    assert 'href="/admin/audit"' in page
    add_user(app, "auditor", "core.auditor")
    seen = client_of(app, "auditor").get("/", headers=EN).get_data(as_text=True)
    assert 'href="/admin/audit"' in seen and 'href="/core/user/"' in seen
    assert 'href="/admin/settings"' not in seen and 'href="/apps"' not in seen


# --------------------------------------------------------------------------- users


def test_create_user_checks_the_password_policy_and_hides_secrets(app, admin_client):
    page = admin_client.get("/core/user/new", headers=EN).get_data(as_text=True)
    assert 'name="password"' in page and 'type="password"' in page
    data = {"csrf_token": csrf(admin_client), "login": "mei", "name": "Mei Lin"}
    weak = admin_client.post("/core/user/new", data={**data, "password": "short"}, headers=EN)
    assert weak.status_code == 422
    assert "at least 12 characters" in weak.get_data(as_text=True)
    created = admin_client.post(
        "/core/user/new",
        data={**data, "password": PASSWORD, "language": "en", "timezone": "Europe/Paris"},
    )
    assert created.status_code == 302, created.get_data(as_text=True)[:500]
    with app.app_context():
        user = db.session().scalar(select(User).where(User.login == "mei"))
        assert (user.language, user.timezone, user.company_id) == ("en", "Europe/Paris", 1)
    form = admin_client.get(created.headers["Location"]).get_data(as_text=True)
    assert user.password_hash not in form
    assert "password_hash" not in form and "totp_secret" not in form
    assert 'name="password"' not in form  # the initial password is for new users only
    client_of(app, "mei")  # the initial password works


def test_a_taken_login_and_a_bad_time_zone_are_refused_together(app, admin_client):
    response = admin_client.post(
        "/core/user/new",
        headers=EN,
        data={
            "csrf_token": csrf(admin_client),
            "login": "ADMIN",
            "name": "Other",
            "timezone": "Mars/Olympus",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "already taken" in page and "Choose one of the offered time zones." in page


def test_edit_a_user_through_the_form(app, admin_client):
    user_id = add_user(app, "bob")
    response = admin_client.post(
        f"/core/user/{user_id}",
        data={
            "csrf_token": csrf(admin_client),
            "login": "bob",
            "name": "Bob Wang",
            "email": "bob@example.cn",
            "language": "zh_Hans_CN",
            "timezone": "Asia/Shanghai",
            "company_id": "1",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session().get(User, user_id)
        assert (user.name, user.email, user.language) == (
            "Bob Wang",
            "bob@example.cn",
            "zh_Hans_CN",
        )
    assert entries(app, "update", resource="core.user", record_id=user_id)


def test_roles_and_companies_are_assigned_and_audited(app, admin_client):
    user_id = add_user(app, "bob")
    with app.app_context():
        session = db.session()
        other = Company(name="Branch", code="BR")
        session.add(other)
        session.commit()
        other_id = other.id
    form = admin_client.get(f"/core/user/{user_id}", headers=EN).get_data(as_text=True)
    assert 'value="core.admin"' in form and 'value="core.auditor"' in form
    response = admin_client.post(
        f"/admin/users/{user_id}/access",
        data={"csrf_token": csrf(admin_client), "roles": ["core.auditor"], "companies": [other_id]},
    )
    assert response.status_code == 302
    with app.app_context():
        session = db.session()
        roles = session.scalars(select(UserRole.role).where(UserRole.user_id == user_id)).all()
        companies = session.scalars(
            select(UserCompany.company_id).where(UserCompany.user_id == user_id)
        ).all()
    assert roles == ["core.auditor"] and companies == [other_id]
    [change] = entries(app, "role_change", record_id=user_id)
    assert change.changes == {"roles": [[], ["core.auditor"]]}
    assert change.user_id == 1  # the administrator who did it
    [moved] = entries(app, "user_change", record_id=user_id)
    assert moved.changes == {"companies": [[], [other_id]]}
    unknown = admin_client.post(
        f"/admin/users/{user_id}/access",
        data={"csrf_token": csrf(admin_client), "roles": ["nobody.role"]},
        headers=EN,
        follow_redirects=True,
    )
    assert "There is no role named nobody.role." in unknown.get_data(as_text=True)


def test_deactivating_a_user_ends_their_session_at_once(app, admin_client):
    user_id = add_user(app, "bob")
    bob = client_of(app, "bob")
    assert bob.get("/").status_code == 200
    response = admin_client.post(
        f"/core/user/{user_id}/archive", data={"csrf_token": csrf(admin_client), "active": "0"}
    )
    assert response.status_code == 302
    after = bob.get("/")
    assert after.status_code == 302 and "/login" in after.headers["Location"]
    [entry] = entries(app, "user_change", record_id=user_id)
    assert entry.changes["action"] == "deactivate" and entry.changes["sessions_ended"] == 1
    page = admin_client.get("/core/user/?archived=1").get_data(as_text=True)
    assert "bob" in page
    restored = admin_client.post(
        f"/core/user/{user_id}/archive", data={"csrf_token": csrf(admin_client), "active": "1"}
    )
    assert restored.status_code == 302
    assert bob.get("/").status_code == 302  # the old session stays ended
    client_of(app, "bob")  # but bob may log in again


def test_an_administrator_cannot_deactivate_themselves(app, admin_client):
    response = admin_client.post(
        "/core/user/1/archive",
        data={"csrf_token": csrf(admin_client), "active": "0"},
        headers=EN,
        follow_redirects=True,
    )
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session().get(User, 1).active


def test_reset_password_generates_one_shown_once_and_ends_sessions(app, admin_client):
    user_id = add_user(app, "bob")
    bob = client_of(app, "bob")
    response = admin_client.post(
        f"/admin/users/{user_id}/password", data={"csrf_token": csrf(admin_client)}, headers=EN
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = re.search(r'<code class="user-select-all[^"]*">([^<]+)</code>', response.text)[1]
    assert bob.get("/").status_code == 302  # logged out
    fresh = bob.application.test_client()
    log_in(fresh, "bob", password)
    assert fresh.get("/").headers["Location"].endswith("/account/password")  # must change it
    [entry] = entries(app, "user_change", record_id=user_id)
    assert entry.changes["action"] == "reset_password"


def test_reset_password_to_a_chosen_one_is_checked(app, admin_client):
    user_id = add_user(app, "bob")
    token = csrf(admin_client)
    weak = admin_client.post(
        f"/admin/users/{user_id}/password", data={"csrf_token": token, "password": "bob"}
    )
    assert weak.status_code == 422
    chosen = "a-new-and-long-password-42"
    response = admin_client.post(
        f"/admin/users/{user_id}/password", data={"csrf_token": token, "password": chosen}
    )
    assert response.status_code == 302 and chosen not in response.get_data(as_text=True)
    log_in(app.test_client(), "bob", chosen)


def test_only_a_superuser_changes_a_superuser(app):
    boss_id = add_user(app, "boss", superuser=True)
    add_user(app, "helper", "core.admin")
    helper = client_of(app, "helper")
    token = csrf(helper)
    reset = helper.post(f"/admin/users/{boss_id}/password", data={"csrf_token": token}, headers=EN)
    assert reset.status_code == 422
    assert "Only a superuser may change a superuser" in reset.text
    renamed = helper.post(
        f"/core/user/{boss_id}", data={"csrf_token": token, "login": "boss", "name": "Pwned"}
    )
    assert renamed.status_code == 422
    with app.app_context():
        assert db.session().get(User, boss_id).name == "Boss"
    form = helper.get(f"/core/user/{boss_id}", headers=EN).get_data(as_text=True)
    assert "Reset password" not in form


# --------------------------------------------------------------------------- roles


def test_roles_page_lists_declared_and_custom_roles_with_their_grants(app, admin_client):
    page = admin_client.get("/admin/roles", headers=EN).get_data(as_text=True)
    assert "Administration / Settings" in page and "core.auditor" in page
    assert "Read the audit log" in page  # a permission by its label
    zh = admin_client.get("/admin/roles", headers={"Accept-Language": "zh-CN"}).get_data(
        as_text=True
    )
    assert "角色" in zh


def test_custom_roles_are_created_edited_and_deleted_audited(app, admin_client):
    token = csrf(admin_client)
    created = admin_client.post(
        "/admin/roles/new",
        data={
            "csrf_token": token,
            "name": "custom.office",
            "label": "Office lead",
            "implies": ["core.auditor"],
            "permissions": ["core.company.read"],
        },
    )
    assert created.status_code == 302, created.get_data(as_text=True)[:600]
    page = admin_client.get("/admin/roles", headers=EN).get_data(as_text=True)
    assert "Office lead" in page and "See companies" in page
    # The new role grants what it combines.
    user_id = add_user(app, "lead", "custom.office")
    lead = client_of(app, "lead")
    assert lead.get("/core/company/").status_code == 200
    assert lead.get("/admin/audit").status_code == 200
    assert lead.get("/admin/settings").status_code == 403
    edited = admin_client.post(
        "/admin/roles/custom.office",
        data={"csrf_token": token, "label": "Office lead", "implies": ["core.auditor"]},
    )
    assert edited.status_code == 302
    assert lead.get("/core/company/").status_code == 403
    cycle = admin_client.post(
        "/admin/roles/new",
        data={"csrf_token": token, "name": "custom.x", "label": "X", "implies": []},
        headers=EN,
    )
    assert cycle.status_code == 422 and "at least one role or permission" in cycle.text
    held = admin_client.post(
        "/admin/roles/custom.office/delete",
        data={"csrf_token": token},
        headers=EN,
        follow_redirects=True,
    )
    assert "held by 1 users" in held.get_data(as_text=True)
    with app.app_context():
        session = db.session()
        session.delete(session.get(UserRole, (user_id, "custom.office")))
        session.commit()
    admin_client.post("/admin/roles/custom.office/delete", data={"csrf_token": token})
    with app.app_context():
        assert db.session().scalar(select(CustomRole)) is None
    actions = [e.changes["action"] for e in entries(app, "role_change", resource="core.role")]
    assert actions == ["create", "update", "delete"]
    [update] = [
        e
        for e in entries(app, "role_change", resource="core.role")
        if e.changes["action"] == "update"
    ]
    assert update.changes["permissions"] == [["core.company.read"], []]


def test_a_custom_role_cannot_come_to_include_itself(app, admin_client):
    token = csrf(admin_client)
    for name, implies in (("custom.one", ["core.auditor"]), ("custom.two", ["custom.one"])):
        admin_client.post(
            "/admin/roles/new",
            data={"csrf_token": token, "name": name, "label": name, "implies": implies},
        )
    response = admin_client.post(
        "/admin/roles/custom.one",
        data={"csrf_token": token, "label": "One", "implies": ["custom.two"]},
        headers=EN,
    )
    assert response.status_code == 422
    assert "cannot include itself" in response.get_data(as_text=True)


# --------------------------------------------------------------------------- companies


def test_companies_are_created_with_the_default_currency_and_edited(app, admin_client):
    token = csrf(admin_client)
    admin_client.post(
        "/admin/settings",
        data={
            "csrf_token": token,
            "system_name": "Tessera",
            "default_timezone": "Asia/Shanghai",
            "default_currency": "USD",
        },
    )
    form = admin_client.get("/core/company/new", headers=EN).get_data(as_text=True)
    assert 'value="EUR"' in form and "Euro" in form
    created = admin_client.post(
        "/core/company/new",
        data={"csrf_token": token, "name": "Hangzhou Branch", "code": "HZ", "tax_id": "91330"},
    )
    assert created.status_code == 302, created.get_data(as_text=True)[:500]
    with app.app_context():
        company = db.session().scalar(select(Company).where(Company.code == "HZ"))
        assert company.currency == "USD"
    taken = admin_client.post(
        "/core/company/new",
        data={"csrf_token": token, "name": "Other", "code": "hz", "currency": "XXX"},
        headers=EN,
    )
    assert taken.status_code == 422
    assert "used by another company" in taken.text and "ISO 4217" in taken.text
    add_user(app, "clerk")
    assert client_of(app, "clerk").get(f"/core/company/{company.id}").status_code == 403
